/**
 * Validation of GlobalServiceProps into a plan the GlobalService renders (not exported from the
 * package index).
 */
import * as kplus from 'cdk8s-plus-27';
import { Fleet } from './fleet';
import { FleetCluster } from './fleet-cluster';
import type { GlobalDnsOptions, GlobalGatewayOptions, GlobalServiceProps } from './global-service';
import { GslbStrategy, GslbStrategyType } from './gslb-strategy';
import {
  fail, validateDns1123Label, validateDns1123Subdomain, validateHostname, validateLabels, validatePort, validatePortName,
} from '../core/validate';
import { IngressCertificate, IngressController } from '../ingress';

/** Global DNS of a GlobalService, checked, defaults applied. */
export interface GlobalDnsPlan {
  readonly hostname: string;
  readonly strategy: GslbStrategy;
  readonly ttlSeconds: number;
  readonly k8gb: boolean;
  readonly externalDns: boolean;
  readonly controller: IngressController;
  readonly certificate?: IngressCertificate;
  readonly tlsSecretName?: string;
  readonly requireZeroTrustNamespace: boolean;
  /** A SecureGateway per cluster with the Gslb on its HTTPRoute (instead of an Ingress). */
  readonly gateway?: GlobalGatewayOptions;
}

/** A GlobalService's props, checked, defaults applied. */
export interface GlobalServicePlan {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly targetPort: number;
  readonly portName: string;
  readonly selector: { [key: string]: string };
  readonly clusters: FleetCluster[];
  readonly exportService: boolean;
  readonly dns?: GlobalDnsPlan;
  readonly serviceType: kplus.ServiceType;
}

/** Checks `props` (in the order of its fields) and applies the defaults. */
export function planGlobalService(path: string, fleet: Fleet, props: GlobalServiceProps): GlobalServicePlan {
  validateDns1123Label(path, 'name', props.name);
  validateDns1123Label(path, 'namespace', props.namespace);
  validatePort(path, 'port', props.port);
  const targetPort = props.targetPort ?? props.port;
  validatePort(path, 'targetPort', targetPort);
  const portName = props.portName ?? 'http';
  validatePortName(path, 'portName', portName);
  if (!props.selector || Object.keys(props.selector).length === 0) {
    fail(path, 'selector', props.selector, 'a non-empty map of pod labels (an empty selector would select every pod of the namespace)');
  }
  validateLabels(path, 'selector', props.selector);
  const clusters = planClusters(path, fleet, props.clusters);
  const dns = props.dns === undefined ? undefined : planDns(path, props.dns, clusters);
  return {
    name: props.name,
    namespace: props.namespace,
    port: props.port,
    targetPort,
    portName,
    selector: props.selector,
    clusters,
    exportService: props.exportService ?? true,
    dns,
    serviceType: planServiceType(path, props.serviceType, dns),
  };
}

function planClusters(path: string, fleet: Fleet, clusters: string[] | undefined): FleetCluster[] {
  const names = clusters ?? fleet.clusterNames;
  if (!Array.isArray(names) || names.length === 0) {
    fail(path, 'clusters', names, 'a non-empty list of cluster names of the fleet');
  }
  names.forEach((n, i) => {
    fleet.cluster(n, `clusters[${i}]`);
    if (names.indexOf(n) !== i) fail(path, `clusters[${i}]`, n, 'a cluster not listed before');
  });
  return fleet.clusters.filter((c) => names.includes(c.name));
}

function planDns(path: string, dns: GlobalDnsOptions, clusters: FleetCluster[]): GlobalDnsPlan {
  validateHostname(path, 'dns.hostname', dns.hostname, false);
  const k8gb = dns.k8gb ?? true;
  const externalDns = dns.externalDns ?? false;
  const strategy = dns.strategy ?? GslbStrategy.roundRobin();
  let ttlSeconds = 30;
  if (dns.ttl !== undefined) {
    const s = dns.ttl.toMilliseconds() / 1000;
    if (!Number.isInteger(s) || s < 1 || s > 86400) {
      fail(path, 'dns.ttl', `${s}s`, 'a whole number of seconds from 1 to 86400');
    }
    ttlSeconds = s;
  }
  if (!k8gb && !externalDns) {
    fail(path, 'dns', { k8gb: false, externalDns: false }, 'at least one DNS engine: k8gb (default) or externalDns');
  }
  if (strategy.type === GslbStrategyType.FAILOVER) {
    const tag = strategy.primaryGeoTag;
    if (!clusters.some((c) => c.geoTag === tag)) {
      fail(path, 'dns.strategy.primaryGeoTag', tag,
        `the geo tag of a cluster the service runs in: ${clusters.map((c) => JSON.stringify(c.geoTag)).join(', ')}`);
    }
  }
  if (!k8gb && strategy.type !== GslbStrategyType.ROUND_ROBIN) {
    fail(path, 'dns.strategy', strategy.type, 'roundRobin when only external-dns is used (it has no failover or geoip); enable k8gb for those');
  }
  if (dns.ingressClassName !== undefined) validateDns1123Label(path, 'dns.ingressClassName', dns.ingressClassName);
  if (dns.tlsSecretName !== undefined) validateDns1123Label(path, 'dns.tlsSecretName', dns.tlsSecretName);
  checkIngressController(path, dns);
  checkCertificate(path, dns, k8gb);
  checkGateway(path, dns, k8gb);
  return {
    hostname: dns.hostname,
    strategy,
    ttlSeconds,
    k8gb,
    externalDns,
    controller: dns.ingressController ?? IngressController.nginx({ className: dns.ingressClassName ?? 'nginx' }),
    certificate: dns.certificate,
    tlsSecretName: dns.tlsSecretName,
    requireZeroTrustNamespace: dns.requireZeroTrustNamespace ?? true,
    gateway: dns.gateway,
  };
}

function checkGateway(path: string, dns: GlobalDnsOptions, k8gb: boolean): void {
  const g = dns.gateway;
  if (g === undefined) return;
  for (const other of ['certificate', 'ingressController', 'ingressClassName', 'tlsSecretName'] as const) {
    if (dns[other] !== undefined) {
      fail(path, `dns.${other}`, String(dns[other]), 'no value with dns.gateway (the SecureGateway is the entry point k8gb balances: its certificate is dns.gateway.certificate)');
    }
  }
  if (!k8gb) {
    fail(path, 'dns.gateway', 'k8gb: false', 'k8gb (only k8gb balances a Gateway API route; external-dns points at the Service)');
  }
  validateDns1123Label(path, 'dns.gateway.namespace', g.namespace);
  if (g.name !== undefined) {
    validateDns1123Subdomain(path, 'dns.gateway.name', g.name);
  }
}

function checkIngressController(path: string, dns: GlobalDnsOptions): void {
  if (dns.ingressController === undefined) return;
  if (!(dns.ingressController instanceof IngressController)) {
    fail(path, 'dns.ingressController', dns.ingressController, 'an IngressController (IngressController.nginx(), IngressController.custom(...))');
  }
  if (dns.ingressController.kind === 'istio') {
    fail(path, 'dns.ingressController', 'istio', 'an Ingress controller (k8gb\'s resourceRef names an Ingress; an Istio gateway has none)');
  }
  if (dns.ingressClassName !== undefined) {
    fail(path, 'dns.ingressClassName', dns.ingressClassName, 'no value with ingressController (its className is the IngressClass)');
  }
}

function checkCertificate(path: string, dns: GlobalDnsOptions, k8gb: boolean): void {
  if (dns.certificate === undefined) return;
  if (!(dns.certificate instanceof IngressCertificate)) {
    fail(path, 'dns.certificate', dns.certificate,
      'an IngressCertificate (IngressCertificate.fromSecret(name), .certManager(issuer), .certManagerShim(issuer))');
  }
  if (dns.tlsSecretName !== undefined) {
    fail(path, 'dns.tlsSecretName', dns.tlsSecretName, 'no value with certificate (use IngressCertificate.fromSecret(name))');
  }
  if (!k8gb) {
    fail(path, 'dns.certificate', dns.certificate.source, 'no certificate without k8gb (only k8gb balances an Ingress; external-dns points at the Service)');
  }
}

function planServiceType(path: string, requested: kplus.ServiceType | undefined, dns: GlobalDnsPlan | undefined): kplus.ServiceType {
  const k8gb = dns?.k8gb ?? false;
  const externalDns = dns?.externalDns ?? false;
  const serviceType = requested ?? (k8gb && !externalDns ? kplus.ServiceType.CLUSTER_IP : kplus.ServiceType.LOAD_BALANCER);
  if (serviceType !== kplus.ServiceType.CLUSTER_IP && serviceType !== kplus.ServiceType.LOAD_BALANCER) {
    fail(path, 'serviceType', serviceType, 'ClusterIP or LoadBalancer');
  }
  if (externalDns && serviceType !== kplus.ServiceType.LOAD_BALANCER) {
    fail(path, 'serviceType', serviceType, 'LoadBalancer with externalDns (external-dns publishes the Service\'s load-balancer address)');
  }
  if ((dns?.certificate !== undefined || dns?.gateway !== undefined) && serviceType !== kplus.ServiceType.CLUSTER_IP) {
    const via = dns.gateway !== undefined ? 'gateway (the SecureGateway' : 'certificate (the SecureIngress';
    fail(path, 'serviceType', serviceType,
      `ClusterIP with dns.${via} is the only way in: a LoadBalancer would bypass its TLS; external-dns needs one, so drop externalDns)`);
  }
  return serviceType;
}
