import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { FleetCluster } from './fleet-cluster';
import { fleetScope } from './fleet-scope';
import { GslbStrategy, GslbStrategyType } from './gslb-strategy';
import { GLOBAL_SERVICE_PROPS } from './props-specs';
import {
  fail, validateDns1123Label, validateHostname, validateLabels, validatePort, validatePortName,
} from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Gslb } from '../imports/k8gb.io';
import { ServiceExport } from '../imports/multicluster.x-k8s.io';
import { IngressBackend, IngressCertificate, IngressController, SecureIngress } from '../ingress';

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
   * Emit a k8gb `Gslb` (k8gb.io/v1beta1) per cluster, with an Ingress it references.
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
   * `ingressClassName`; Istio gateways are not supported (k8gb's `resourceRef` names an Ingress).
   *
   * @default IngressController.nginx({ className: ingressClassName })
   */
  readonly ingressController?: IngressController;

  /**
   * Certificate of the global host (k8gb only). With it, the Ingress k8gb references is a
   * {@link SecureIngress} in each cluster: TLS only (forced redirect, HSTS), the certificate
   * from a Secret or cert-manager, and a flow so that the service's pods accept traffic only
   * from the controller's pods, on `targetPort` only. Needs `serviceType` ClusterIP (the
   * default with k8gb) and is exclusive with `tlsSecretName`.
   *
   * @default - no SecureIngress: a plain Ingress (with TLS from `tlsSecretName` if set)
   */
  readonly certificate?: IngressCertificate;

  /**
   * With `certificate`: require the namespace to be managed (default-deny) by a
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
 * (LoadBalancer, or ClusterIP behind k8gb's Ingress) and an MCS `ServiceExport` (instead of the
 * non-standard `multicluster.kubernetes.io/service-name` annotation), and global DNS through
 * k8gb (`Gslb` referencing an Ingress, a {@link SecureIngress} with `dns.certificate`) and/or
 * external-dns annotations.
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

  /**
   * @param scope the fleet, or a construct inside it
   * @param id construct id (unique in `scope`)
   * @param props the GlobalService properties
   */
  constructor(scope: Construct, id: string, props: GlobalServiceProps) {
    super(scope, id);
    const { fleet, id: objectId } = fleetScope(this);
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
    }

    const defaultType = this.usesK8gb && !useExternalDns ? kplus.ServiceType.CLUSTER_IP : kplus.ServiceType.LOAD_BALANCER;
    const serviceType = props.serviceType ?? defaultType;
    if (serviceType !== kplus.ServiceType.CLUSTER_IP && serviceType !== kplus.ServiceType.LOAD_BALANCER) {
      fail(p, 'serviceType', serviceType, 'ClusterIP or LoadBalancer');
    }
    if (useExternalDns && serviceType !== kplus.ServiceType.LOAD_BALANCER) {
      fail(p, 'serviceType', serviceType, 'LoadBalancer with externalDns (external-dns publishes the Service\'s load-balancer address)');
    }
    if (dns?.certificate !== undefined && serviceType !== kplus.ServiceType.CLUSTER_IP) {
      fail(p, 'serviceType', serviceType,
        'ClusterIP with dns.certificate (the SecureIngress is the only way in: a LoadBalancer would bypass its TLS; external-dns needs one, so drop externalDns)');
    }
    this.serviceType = serviceType;
    const controller = dns?.ingressController ?? IngressController.nginx({ className: dns?.ingressClassName ?? 'nginx' });

    for (const c of this.clusters) {
      const holder = new Construct(c.chart, `global-service-${objectId}`);
      const annotations: { [k: string]: string } = {};
      if (useExternalDns) {
        annotations['external-dns.alpha.kubernetes.io/hostname'] = dns!.hostname;
        annotations['external-dns.alpha.kubernetes.io/ttl'] = String(ttlSeconds);
        annotations['external-dns.alpha.kubernetes.io/set-identifier'] = c.name;
      }
      const svc = new kplus.Service(holder, 'service', {
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
        const exp = new ServiceExport(holder, 'export', {
          metadata: { name: props.name, namespace: props.namespace },
        });
        exp.addDependency(svc);
      }
      if (this.usesK8gb) {
        let ingress: Construct;
        if (dns!.certificate !== undefined) {
          const secure = new SecureIngress(holder, 'secure-ingress', {
            name: props.name,
            controller,
            rules: [{ host: dns!.hostname, backend: IngressBackend.fromService(svc) }],
            certificate: dns!.certificate,
            requireZeroTrustNamespace: dns!.requireZeroTrustNamespace ?? true,
          });
          this.ingresses.set(c.name, secure);
          ingress = secure;
        } else {
          ingress = this.plainIngress(holder, props.name, props.namespace, portName, controller.className, dns!.hostname, dns!.tlsSecretName);
        }
        const gslb = new Gslb(holder, 'gslb', {
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
