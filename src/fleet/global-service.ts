import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { FleetCluster } from './fleet-cluster';
import { fleetScope } from './fleet-scope';
import { GlobalDnsPlan, GlobalServicePlan, planGlobalService } from './global-service-plan';
import { GslbStrategy } from './gslb-strategy';
import { GLOBAL_SERVICE_PROPS } from './props-specs';
import { fail } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { holdBackInAudit } from '../flows/enforcement-relax';
import { Gslb } from '../imports/k8gb.io';
import { ServiceExport } from '../imports/multicluster.x-k8s.io';
import {
  GatewayCertificate, GatewayImplementation, IngressBackend, IngressCertificate, IngressController, SecureGateway, SecureIngress,
} from '../ingress';

/**
 * The Gateway API entry point of a {@link GlobalService} (`GlobalDnsOptions.gateway`): a
 * {@link SecureGateway} in each cluster.
 */
export interface GlobalGatewayOptions {
  /** Namespace of the Gateway (with Istio, also of the gateway's pods and their LoadBalancer Service). */
  readonly namespace: string;

  /** Certificate of the HTTPS listeners (it must cover the global host, and `<cluster>.<host>` with `clusterHostnames`). */
  readonly certificate: GatewayCertificate;

  /**
   * The Gateway API implementation.
   *
   * @default GatewayImplementation.istio()
   */
  readonly implementation?: GatewayImplementation;

  /**
   * Name of the Gateway in each cluster.
   *
   * @default - the service's name
   */
  readonly name?: string;

  /**
   * Also serve `<cluster>.<hostname>` on each cluster's Gateway (a regional name, to reach one
   * cluster directly; k8gb does not balance it: its Gslb references the global host's HTTPRoute only).
   *
   * @default false
   */
  readonly clusterHostnames?: boolean;
}

/**
 * Global DNS for a {@link GlobalService}.
 */
export interface GlobalDnsOptions {
  /**
   * The global host name, e.g. `shop.example.com` (no wildcard: both engines need one name).
   */
  readonly hostname: string;

  /**
   * How clusters are picked (k8gb).
   *
   * @default GslbStrategy.roundRobin()
   */
  readonly strategy?: GslbStrategy;

  /**
   * TTL of the DNS records (whole seconds, 1 s to 1 day).
   *
   * @default Duration.seconds(30) (k8gb's default)
   */
  readonly ttl?: Duration;

  /**
   * Emit a k8gb `Gslb` (k8gb.io/v1beta1) per cluster, with the entry point it references: the
   * HTTPRoute of a SecureGateway (`gateway`) or an Ingress.
   *
   * @default true
   */
  readonly k8gb?: boolean;

  /**
   * Annotate each cluster's LoadBalancer Service for external-dns (`hostname`, `ttl`, and a
   * `set-identifier` per cluster so that providers with weighted/failover records such as
   * Route 53 keep one record set per cluster). external-dns has round robin only.
   *
   * @default false
   */
  readonly externalDns?: boolean;

  /**
   * IngressClass of the Ingress k8gb balances (k8gb answers with that controller's addresses).
   * Exclusive with `ingressController`.
   *
   * @default 'nginx'
   */
  readonly ingressClassName?: string;

  /**
   * The ingress controller of the Ingress k8gb balances (class, namespace and pod labels: with
   * `certificate`, only these pods may reach the service's pods). Exclusive with
   * `ingressClassName`; an Istio ingress gateway is refused here (k8gb would reference an Ingress
   * it does not serve): use `gateway` (Gateway API, Istio by default).
   *
   * @default IngressController.nginx({ className: ingressClassName })
   */
  readonly ingressController?: IngressController;

  /**
   * Certificate of the global host on an Ingress (k8gb only; for clusters that still run an
   * Ingress controller: prefer `gateway`). With it, the Ingress k8gb references is a
   * {@link SecureIngress} in each cluster: TLS only (forced redirect, HSTS), the certificate
   * from a Secret or cert-manager, and a flow so that the service's pods accept traffic only
   * from the controller's pods, on `targetPort` only. Needs `serviceType` ClusterIP (the
   * default with k8gb) and is exclusive with `tlsSecretName`.
   *
   * @default - no SecureIngress: a plain Ingress (with TLS from `tlsSecretName` if set)
   */
  readonly certificate?: IngressCertificate;

  /**
   * Serve the host through the Kubernetes Gateway API instead of an Ingress (k8gb only): a
   * {@link SecureGateway} in each cluster (HTTPS only, HTTP redirected, HSTS; with Istio the
   * service's pods admit only the gateway's mesh identity) and a `Gslb` whose `resourceRef` names
   * the HTTPRoute of the global host. k8gb (0.17 and later, so 0.20) resolves an HTTPRoute in the
   * Gslb's namespace, takes the host from its `hostnames`, the addresses from the status of the one
   * Gateway in its `parentRefs` and the health from its backend Services. Needs `serviceType`
   * ClusterIP; exclusive with `certificate`, `ingressController`, `ingressClassName` and `tlsSecretName`.
   *
   * @default - an Ingress (a SecureIngress with `certificate`)
   */
  readonly gateway?: GlobalGatewayOptions;

  /**
   * With `certificate` or `gateway`: require the namespace to be managed (default-deny) by a
   * ZeroTrustNamespace in each cluster's chart (see `SecureIngressProps.requireZeroTrustNamespace`).
   *
   * @default true
   */
  readonly requireZeroTrustNamespace?: boolean;

  /**
   * Secret with the TLS certificate for the host name; with it the plain Ingress serves TLS only
   * (nginx `ssl-redirect` and `force-ssl-redirect`), without HSTS nor a controller-only flow.
   *
   * @deprecated use `certificate: IngressCertificate.fromSecret(name)` (a SecureIngress)
   * @default - no TLS on the Ingress (terminate TLS in the service)
   */
  readonly tlsSecretName?: string;
}

/**
 * Properties of a {@link GlobalService}.
 */
export interface GlobalServiceProps {
  /**
   * Name of the Service (and ServiceExport) in each cluster: a DNS-1123 label.
   */
  readonly name: string;

  /**
   * Namespace of the Service in each cluster.
   */
  readonly namespace: string;

  /**
   * Port the Service listens on.
   */
  readonly port: number;

  /**
   * Container port the Service sends to.
   *
   * @default - the same as `port`
   */
  readonly targetPort?: number;

  /**
   * Name of the Service port (the Ingress refers to it).
   *
   * @default 'http'
   */
  readonly portName?: string;

  /**
   * Pod labels the Service selects (the same in every cluster).
   */
  readonly selector: { [key: string]: string };

  /**
   * Clusters the service runs in.
   *
   * @default - every cluster of the fleet
   */
  readonly clusters?: string[];

  /**
   * Export the Service to the clusterset with an MCS `ServiceExport`
   * (`<name>.<namespace>.svc.clusterset.local`).
   *
   * @default true
   */
  readonly exportService?: boolean;

  /**
   * Global DNS for the service.
   *
   * @default - no global DNS (LoadBalancer Service and ServiceExport only)
   */
  readonly dns?: GlobalDnsOptions;

  /**
   * Type of the Service in each cluster: `ClusterIP` or `LoadBalancer`. external-dns publishes
   * the Service's load-balancer address, so it needs `LoadBalancer`; k8gb publishes the ingress
   * controller's addresses, so the Service behind its Ingress needs no exposure of its own.
   *
   * @default - ClusterIP with k8gb and without external-dns (the Ingress is the only way in);
   * LoadBalancer otherwise (external-dns, or no global DNS)
   */
  readonly serviceType?: kplus.ServiceType;
}

/**
 * One service in several clusters behind one global name: in each cluster a Service
 * (LoadBalancer, or ClusterIP behind k8gb's entry point) and an MCS `ServiceExport` (instead of
 * the non-standard `multicluster.kubernetes.io/service-name` annotation), and global DNS through
 * k8gb and/or external-dns annotations.
 *
 * k8gb's `Gslb` references the entry point it balances: with `dns.gateway`, the HTTPRoute of a
 * {@link SecureGateway} (Kubernetes Gateway API; k8gb 0.20 resolves `resourceRef` kind
 * HTTPRoute through its one parent Gateway), the recommended form now that ingress-nginx is
 * retired; otherwise an Ingress (a {@link SecureIngress} with `dns.certificate`), for clusters
 * that still run an Ingress controller.
 */
export class GlobalService extends Construct {
  /**
   * The Service name.
   */
  public readonly name: string;

  /**
   * The namespace.
   */
  public readonly namespace: string;

  /**
   * The clusters the service runs in, in fleet order.
   */
  public readonly clusters: FleetCluster[];

  /**
   * The global host name, if any.
   */
  public readonly hostname?: string;

  /**
   * The k8gb strategy, if global DNS is configured.
   */
  public readonly strategy?: GslbStrategy;

  /**
   * Whether a k8gb Gslb is emitted.
   */
  public readonly usesK8gb: boolean;

  /**
   * The type of the Service in each cluster.
   */
  public readonly serviceType: kplus.ServiceType;

  private readonly services = new Map<string, kplus.Service>();
  private readonly ingresses = new Map<string, SecureIngress>();
  private readonly gateways = new Map<string, SecureGateway>();

  /**
   * @param scope the fleet, or a construct inside it
   * @param id construct id (unique in `scope`)
   * @param props the GlobalService properties
   */
  constructor(scope: Construct, id: string, props: GlobalServiceProps) {
    super(scope, id);
    const { fleet, id: objectId } = fleetScope(this);
    checkConstruct(this, 'GlobalServiceProps', props, GLOBAL_SERVICE_PROPS);
    const plan = planGlobalService(this.node.path, fleet, props);
    this.clusters = plan.clusters;
    this.name = plan.name;
    this.namespace = plan.namespace;
    this.hostname = plan.dns?.hostname;
    this.strategy = plan.dns?.strategy;
    this.usesK8gb = plan.dns?.k8gb ?? false;
    this.serviceType = plan.serviceType;
    for (const c of this.clusters) {
      const holder = new Construct(c.chart, `global-service-${objectId}`);
      const svc = this.renderService(holder, c, plan);
      if (plan.dns?.k8gb && plan.dns.gateway !== undefined) {
        this.gatewayIn(holder, c, svc, plan, plan.dns, plan.dns.gateway);
      } else if (plan.dns?.k8gb) {
        this.renderGslb(holder, c, plan, plan.dns, svc);
      }
    }
  }

  /**
   * The Service emitted into a cluster (as an ApiObject).
   *
   * @param cluster cluster name
   */
  public serviceIn(cluster: string): ApiObject {
    return ApiObject.of(this.kplusServiceIn(cluster));
  }

  /**
   * The Service emitted into a cluster, e.g. for `IngressBackend.fromService` (ClusterIP only).
   *
   * @param cluster cluster name
   */
  public kplusServiceIn(cluster: string): kplus.Service {
    const s = this.services.get(cluster);
    if (!s) {
      fail(this.node.path, 'cluster', cluster, `a cluster the service runs in: ${this.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`);
    }
    return s;
  }

  /**
   * The SecureIngress of the global host in a cluster (k8gb with `dns.certificate` only).
   *
   * @param cluster cluster name
   * @returns the SecureIngress, or undefined without `dns.certificate`
   */
  public secureIngressIn(cluster: string): SecureIngress | undefined {
    this.kplusServiceIn(cluster);
    return this.ingresses.get(cluster);
  }

  /** The cluster's Service (external-dns annotations when used) and its MCS ServiceExport. */
  private renderService(holder: Construct, c: FleetCluster, plan: GlobalServicePlan): kplus.Service {
    const annotations: { [k: string]: string } = {};
    if (plan.dns?.externalDns) {
      annotations['external-dns.alpha.kubernetes.io/hostname'] = plan.dns.hostname;
      annotations['external-dns.alpha.kubernetes.io/ttl'] = String(plan.dns.ttlSeconds);
      annotations['external-dns.alpha.kubernetes.io/set-identifier'] = c.name;
    }
    const svc = new kplus.Service(holder, 'service', {
      metadata: {
        name: plan.name,
        namespace: plan.namespace,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      type: plan.serviceType,
      ports: [{ name: plan.portName, port: plan.port, targetPort: plan.targetPort, protocol: kplus.Protocol.TCP }],
    });
    for (const k of Object.keys(plan.selector).sort()) {
      svc.selectLabel(k, plan.selector[k]);
    }
    // cdk8s-plus always writes an empty externalIPs: keep the Service as it was
    ApiObject.of(svc).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    this.services.set(c.name, svc);
    if (plan.exportService) {
      const exp = new ServiceExport(holder, 'export', {
        metadata: { name: plan.name, namespace: plan.namespace },
      });
      exp.addDependency(svc);
      // AUDIT: exporting to the clusterset would open a new cross-cluster path while the namespace's NetworkPolicies are held back
      holdBackInAudit(holder, exp, `exports ${plan.namespace}/${plan.name} to the clusterset (${plan.name}.${plan.namespace}.svc.clusterset.local) `
        + `while ${plan.namespace} is in AUDIT (its NetworkPolicies held back, its AuthorizationPolicies dry-run)`);
    }
    return svc;
  }

  /** The cluster's Ingress for the global host (a SecureIngress with a certificate) and the k8gb Gslb on it. */
  private renderGslb(holder: Construct, c: FleetCluster, plan: GlobalServicePlan, dns: GlobalDnsPlan, svc: kplus.Service): void {
    let ingress: Construct;
    if (dns.certificate !== undefined) {
      const secure = new SecureIngress(holder, 'secure-ingress', {
        name: plan.name,
        controller: dns.controller,
        rules: [{ host: dns.hostname, backend: IngressBackend.fromService(svc) }],
        certificate: dns.certificate,
        requireZeroTrustNamespace: dns.requireZeroTrustNamespace,
      });
      this.ingresses.set(c.name, secure);
      ingress = secure;
    } else {
      ingress = this.plainIngress(holder, plan.name, plan.namespace, plan.portName, dns.controller.className, dns.hostname, dns.tlsSecretName);
    }
    const gslb = new Gslb(holder, 'gslb', {
      metadata: { name: plan.name, namespace: plan.namespace },
      spec: {
        resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: plan.name },
        strategy: {
          type: dns.strategy.type,
          primaryGeoTag: dns.strategy.primaryGeoTag,
          dnsTtlSeconds: dns.ttlSeconds,
        },
      },
    });
    gslb.node.addDependency(ingress);
  }

  /**
   * The SecureGateway of the global host in a cluster (k8gb with `dns.gateway` only), e.g. to
   * read its Gateway or routes.
   *
   * @param cluster cluster name
   * @returns the SecureGateway, or undefined without `dns.gateway`
   */
  public secureGatewayIn(cluster: string): SecureGateway | undefined {
    this.kplusServiceIn(cluster);
    return this.gateways.get(cluster);
  }

  /** The cluster's SecureGateway for the global host and the Gslb on its HTTPRoute. */
  private gatewayIn(scope: Construct, c: FleetCluster, svc: kplus.Service, plan: GlobalServicePlan, dns: GlobalDnsPlan,
    g: GlobalGatewayOptions): void {
    const backend = IngressBackend.fromService(svc);
    const routes = [{ host: dns.hostname, backend }];
    if (g.clusterHostnames ?? false) {
      routes.push({ host: `${c.name}.${dns.hostname}`, backend });
    }
    const gateway = new SecureGateway(scope, 'secure-gateway', {
      name: g.name ?? plan.name,
      namespace: g.namespace,
      implementation: g.implementation,
      routes,
      certificate: g.certificate,
      requireZeroTrustNamespace: dns.requireZeroTrustNamespace,
    });
    this.gateways.set(c.name, gateway);
    // k8gb resolves the HTTPRoute in the Gslb's namespace: the one of the global host there
    const route = gateway.routesFor(dns.hostname).find((r) => r.metadata.namespace === plan.namespace)!;
    const gslb = new Gslb(scope, 'gslb', {
      metadata: { name: plan.name, namespace: plan.namespace },
      spec: {
        resourceRef: { apiVersion: route.apiVersion, kind: route.kind, name: route.name },
        strategy: { type: dns.strategy.type, primaryGeoTag: dns.strategy.primaryGeoTag, dnsTtlSeconds: dns.ttlSeconds },
      },
    });
    gslb.node.addDependency(gateway);
  }

  private plainIngress(scope: Construct, name: string, namespace: string, portName: string,
    className: string, hostname: string, tls: string | undefined): k8s.KubeIngress {
    return new k8s.KubeIngress(scope, 'ingress', {
      metadata: {
        name,
        namespace,
        ...(tls ? {
          annotations: {
            'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
            'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
          },
        } : {}),
      },
      spec: {
        ingressClassName: className,
        ...(tls ? { tls: [{ hosts: [hostname], secretName: tls }] } : {}),
        rules: [{
          host: hostname,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name, port: { name: portName } } },
            }],
          },
        }],
      },
    });
  }
}
