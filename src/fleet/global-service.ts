import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Fleet } from './fleet';
import { FleetCluster } from './fleet-cluster';
import { GslbStrategy, GslbStrategyType } from './gslb-strategy';
import { GLOBAL_SERVICE_PROPS } from './props-specs';
import {
  fail, validateDns1123Label, validateDns1123Subdomain, validateHostname, validateLabels, validatePort, validatePortName,
} from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
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
   * LoadBalancer otherwise (external-dns, or no global DNS: S15)
   */
  readonly serviceType?: kplus.ServiceType;
}

/**
 * One service in several clusters behind one global name (S15): in each cluster a Service
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

  constructor(fleet: Fleet, id: string, props: GlobalServiceProps) {
    super(fleet, id);
    const p = this.node.path;
    checkConstruct(this, 'GlobalServiceProps', props, GLOBAL_SERVICE_PROPS);
    validateDns1123Label(p, 'name', props.name);
    validateDns1123Label(p, 'namespace', props.namespace);
    validatePort(p, 'port', props.port);
    const targetPort = props.targetPort ?? props.port;
    validatePort(p, 'targetPort', targetPort);
    const portName = props.portName ?? 'http';
    validatePortName(p, 'portName', portName);
    if (!props.selector || Object.keys(props.selector).length === 0) {
      fail(p, 'selector', props.selector, 'a non-empty map of pod labels (an empty selector would select every pod of the namespace)');
    }
    validateLabels(p, 'selector', props.selector);

    const names = props.clusters ?? fleet.clusterNames;
    if (!Array.isArray(names) || names.length === 0) {
      fail(p, 'clusters', names, 'a non-empty list of cluster names of the fleet');
    }
    names.forEach((n, i) => {
      fleet.cluster(n, `clusters[${i}]`);
      if (names.indexOf(n) !== i) fail(p, `clusters[${i}]`, n, 'a cluster not listed before');
    });
    this.clusters = fleet.clusters.filter((c) => names.includes(c.name));
    this.name = props.name;
    this.namespace = props.namespace;

    const dns = props.dns;
    this.usesK8gb = dns !== undefined && (dns.k8gb ?? true);
    const useExternalDns = dns !== undefined && (dns.externalDns ?? false);
    let ttlSeconds = 30;
    if (dns) {
      validateHostname(p, 'dns.hostname', dns.hostname, false);
      this.hostname = dns.hostname;
      this.strategy = dns.strategy ?? GslbStrategy.roundRobin();
      if (dns.ttl !== undefined) {
        const s = dns.ttl.toMilliseconds() / 1000;
        if (!Number.isInteger(s) || s < 1 || s > 86400) {
          fail(p, 'dns.ttl', `${s}s`, 'a whole number of seconds from 1 to 86400');
        }
        ttlSeconds = s;
      }
      if (!this.usesK8gb && !useExternalDns) {
        fail(p, 'dns', { k8gb: false, externalDns: false }, 'at least one DNS engine: k8gb (default) or externalDns');
      }
      if (this.strategy.type === GslbStrategyType.FAILOVER) {
        const tag = this.strategy.primaryGeoTag;
        if (!this.clusters.some((c) => c.geoTag === tag)) {
          fail(p, 'dns.strategy.primaryGeoTag', tag,
            `the geo tag of a cluster the service runs in: ${this.clusters.map((c) => JSON.stringify(c.geoTag)).join(', ')}`);
        }
      }
      if (!this.usesK8gb && this.strategy.type !== GslbStrategyType.ROUND_ROBIN) {
        fail(p, 'dns.strategy', this.strategy.type, 'roundRobin when only external-dns is used (it has no failover or geoip); enable k8gb for those');
      }
      if (dns.ingressClassName !== undefined) validateDns1123Label(p, 'dns.ingressClassName', dns.ingressClassName);
      if (dns.tlsSecretName !== undefined) validateDns1123Label(p, 'dns.tlsSecretName', dns.tlsSecretName);
      if (dns.ingressController !== undefined) {
        if (!(dns.ingressController instanceof IngressController)) {
          fail(p, 'dns.ingressController', dns.ingressController, 'an IngressController (IngressController.nginx(), IngressController.custom(...))');
        }
        if (dns.ingressController.kind === 'istio') {
          fail(p, 'dns.ingressController', 'istio', 'an Ingress controller (k8gb\'s resourceRef names an Ingress; an Istio gateway has none)');
        }
        if (dns.ingressClassName !== undefined) {
          fail(p, 'dns.ingressClassName', dns.ingressClassName, 'no value with ingressController (its className is the IngressClass)');
        }
      }
      if (dns.certificate !== undefined) {
        if (!(dns.certificate instanceof IngressCertificate)) {
          fail(p, 'dns.certificate', dns.certificate,
            'an IngressCertificate (IngressCertificate.fromSecret(name), .certManager(issuer), .certManagerShim(issuer))');
        }
        if (dns.tlsSecretName !== undefined) {
          fail(p, 'dns.tlsSecretName', dns.tlsSecretName, 'no value with certificate (use IngressCertificate.fromSecret(name))');
        }
        if (!this.usesK8gb) {
          fail(p, 'dns.certificate', dns.certificate.source, 'no certificate without k8gb (only k8gb balances an Ingress; external-dns points at the Service)');
        }
      }
      if (dns.gateway !== undefined) {
        this.validateGateway(dns);
      }
    }

    const defaultType = this.usesK8gb && !useExternalDns ? kplus.ServiceType.CLUSTER_IP : kplus.ServiceType.LOAD_BALANCER;
    const serviceType = props.serviceType ?? defaultType;
    if (serviceType !== kplus.ServiceType.CLUSTER_IP && serviceType !== kplus.ServiceType.LOAD_BALANCER) {
      fail(p, 'serviceType', serviceType, 'ClusterIP or LoadBalancer');
    }
    if (useExternalDns && serviceType !== kplus.ServiceType.LOAD_BALANCER) {
      fail(p, 'serviceType', serviceType, 'LoadBalancer with externalDns (external-dns publishes the Service\'s load-balancer address)');
    }
    if ((dns?.certificate !== undefined || dns?.gateway !== undefined) && serviceType !== kplus.ServiceType.CLUSTER_IP) {
      const via = dns.gateway !== undefined ? 'gateway (the SecureGateway' : 'certificate (the SecureIngress';
      fail(p, 'serviceType', serviceType,
        `ClusterIP with dns.${via} is the only way in: a LoadBalancer would bypass its TLS; external-dns needs one, so drop externalDns)`);
    }
    this.serviceType = serviceType;
    const controller = dns?.ingressController ?? IngressController.nginx({ className: dns?.ingressClassName ?? 'nginx' });

    for (const c of this.clusters) {
      const scope = new Construct(c.chart, `global-service-${id}`);
      const annotations: { [k: string]: string } = {};
      if (useExternalDns) {
        annotations['external-dns.alpha.kubernetes.io/hostname'] = dns!.hostname;
        annotations['external-dns.alpha.kubernetes.io/ttl'] = String(ttlSeconds);
        annotations['external-dns.alpha.kubernetes.io/set-identifier'] = c.name;
      }
      const svc = new kplus.Service(scope, 'service', {
        metadata: {
          name: props.name,
          namespace: props.namespace,
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        },
        type: serviceType,
        ports: [{ name: portName, port: props.port, targetPort, protocol: kplus.Protocol.TCP }],
      });
      for (const k of Object.keys(props.selector).sort()) {
        svc.selectLabel(k, props.selector[k]);
      }
      // cdk8s-plus always writes an empty externalIPs: keep the Service as it was (S15)
      ApiObject.of(svc).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
      this.services.set(c.name, svc);
      if (props.exportService ?? true) {
        const exp = new ServiceExport(scope, 'export', {
          metadata: { name: props.name, namespace: props.namespace },
        });
        exp.addDependency(svc);
      }
      if (this.usesK8gb && dns!.gateway !== undefined) {
        this.gatewayIn(scope, c, svc, dns!, ttlSeconds);
      } else if (this.usesK8gb) {
        let ingress: Construct;
        if (dns!.certificate !== undefined) {
          const secure = new SecureIngress(scope, 'secure-ingress', {
            name: props.name,
            controller,
            rules: [{ host: dns!.hostname, backend: IngressBackend.fromService(svc) }],
            certificate: dns!.certificate,
            requireZeroTrustNamespace: dns!.requireZeroTrustNamespace ?? true,
          });
          this.ingresses.set(c.name, secure);
          ingress = secure;
        } else {
          ingress = this.plainIngress(scope, props.name, props.namespace, portName, controller.className, dns!.hostname, dns!.tlsSecretName);
        }
        const gslb = new Gslb(scope, 'gslb', {
          metadata: { name: props.name, namespace: props.namespace },
          spec: {
            resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: props.name },
            strategy: {
              type: this.strategy!.type,
              primaryGeoTag: this.strategy!.primaryGeoTag,
              dnsTtlSeconds: ttlSeconds,
            },
          },
        });
        gslb.node.addDependency(ingress);
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

  private validateGateway(dns: GlobalDnsOptions): void {
    const p = this.node.path;
    const g = dns.gateway!;
    for (const other of ['certificate', 'ingressController', 'ingressClassName', 'tlsSecretName'] as const) {
      if (dns[other] !== undefined) {
        fail(p, `dns.${other}`, String(dns[other]), 'no value with dns.gateway (the SecureGateway is the entry point k8gb balances: its certificate is dns.gateway.certificate)');
      }
    }
    if (!this.usesK8gb) {
      fail(p, 'dns.gateway', 'k8gb: false', 'k8gb (only k8gb balances a Gateway API route; external-dns points at the Service)');
    }
    validateDns1123Label(p, 'dns.gateway.namespace', g.namespace);
    if (g.name !== undefined) {
      validateDns1123Subdomain(p, 'dns.gateway.name', g.name);
    }
  }

  /** The cluster's SecureGateway for the global host and the Gslb on its HTTPRoute. */
  private gatewayIn(scope: Construct, c: FleetCluster, svc: kplus.Service, dns: GlobalDnsOptions, ttlSeconds: number): void {
    const g = dns.gateway!;
    const backend = IngressBackend.fromService(svc);
    const routes = [{ host: dns.hostname, backend }];
    if (g.clusterHostnames ?? false) {
      routes.push({ host: `${c.name}.${dns.hostname}`, backend });
    }
    const gateway = new SecureGateway(scope, 'secure-gateway', {
      name: g.name ?? this.name,
      namespace: g.namespace,
      implementation: g.implementation,
      routes,
      certificate: g.certificate,
      requireZeroTrustNamespace: dns.requireZeroTrustNamespace ?? true,
    });
    this.gateways.set(c.name, gateway);
    // k8gb resolves the HTTPRoute in the Gslb's namespace: the one of the global host there
    const route = gateway.routesFor(dns.hostname).find((r) => r.metadata.namespace === this.namespace)!;
    const gslb = new Gslb(scope, 'gslb', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        resourceRef: { apiVersion: route.apiVersion, kind: route.kind, name: route.name },
        strategy: { type: this.strategy!.type, primaryGeoTag: this.strategy!.primaryGeoTag, dnsTtlSeconds: ttlSeconds },
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
