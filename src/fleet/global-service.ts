import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Fleet } from './fleet';
import { FleetCluster } from './fleet-cluster';
import { GslbStrategy, GslbStrategyType } from './gslb-strategy';
import { Gslb } from '../../imports/k8gb.io';
import { ServiceExport } from '../../imports/multicluster.x-k8s.io';
import {
  fail, validateDns1123Label, validateHostname, validateLabels, validatePort, validatePortName,
} from '../core/validate';

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
   *
   * @default 'nginx'
   */
  readonly ingressClassName?: string;

  /**
   * Secret with the TLS certificate for the host name; with it the Ingress serves TLS only
   * (nginx `ssl-redirect` and `force-ssl-redirect`).
   *
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
}

/**
 * One service in several clusters behind one global name (S15): in each cluster a LoadBalancer
 * Service and an MCS `ServiceExport` (instead of the non-standard
 * `multicluster.kubernetes.io/service-name` annotation), and global DNS through k8gb (`Gslb`
 * referencing an Ingress) and/or external-dns annotations.
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

  private readonly services = new Map<string, ApiObject>();

  constructor(fleet: Fleet, id: string, props: GlobalServiceProps) {
    super(fleet, id);
    const p = this.node.path;
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
    }

    for (const c of this.clusters) {
      const scope = new Construct(c.chart, `global-service-${id}`);
      const annotations: { [k: string]: string } = {};
      if (useExternalDns) {
        annotations['external-dns.alpha.kubernetes.io/hostname'] = dns!.hostname;
        annotations['external-dns.alpha.kubernetes.io/ttl'] = String(ttlSeconds);
        annotations['external-dns.alpha.kubernetes.io/set-identifier'] = c.name;
      }
      const svc = new k8s.KubeService(scope, 'service', {
        metadata: {
          name: props.name,
          namespace: props.namespace,
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        },
        spec: {
          type: 'LoadBalancer',
          selector: { ...props.selector },
          ports: [{ name: portName, port: props.port, targetPort: k8s.IntOrString.fromNumber(targetPort), protocol: 'TCP' }],
        },
      });
      this.services.set(c.name, svc);
      if (props.exportService ?? true) {
        const exp = new ServiceExport(scope, 'export', {
          metadata: { name: props.name, namespace: props.namespace },
        });
        exp.addDependency(svc);
      }
      if (this.usesK8gb) {
        const tls = dns!.tlsSecretName;
        const ingress = new k8s.KubeIngress(scope, 'ingress', {
          metadata: {
            name: props.name,
            namespace: props.namespace,
            ...(tls ? {
              annotations: {
                'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
                'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
              },
            } : {}),
          },
          spec: {
            ingressClassName: dns!.ingressClassName ?? 'nginx',
            ...(tls ? { tls: [{ hosts: [dns!.hostname], secretName: tls }] } : {}),
            rules: [{
              host: dns!.hostname,
              http: {
                paths: [{
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: props.name, port: { name: portName } } },
                }],
              },
            }],
          },
        });
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
        gslb.addDependency(ingress);
      }
    }
  }

  /**
   * The LoadBalancer Service emitted into a cluster.
   *
   * @param cluster cluster name
   */
  public serviceIn(cluster: string): ApiObject {
    const s = this.services.get(cluster);
    if (!s) {
      fail(this.node.path, 'cluster', cluster, `a cluster the service runs in: ${this.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`);
    }
    return s;
  }
}
