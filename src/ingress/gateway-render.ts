/**
 * Helpers of SecureGateway (internal): path and name rules of the Gateway API, and the ClusterIP
 * Services of workload backends.
 */
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedBackend } from './internal';
import { istioGatewaySeccompOf } from '../core/mesh-install';
import { shortHash } from '../core/strings';
import { fail } from '../core/validate';

/** The standard label Gateway API implementations put on the infrastructure of a Gateway (GEP-1762). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Where a Gateway's data plane runs (internal). */
export interface GatewayDataPlane {
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  readonly serviceAccountName?: string;
  /** The pod port behind a listener port. */
  readonly podPort: (listenerPort: number) => number;
  /** istiod, for an Istio gateway. */
  readonly istiod?: { namespace: string; labels: { [key: string]: string } };
  /** The pods have no seccomp profile (Istio's default), so Pod Security `restricted` rejects them. */
  readonly unconfinedSeccomp?: boolean;
}

/**
 * Fails if the chart makes the data plane of a Gateway undeployable in `namespace`: a
 * ResourceQuota there allows no LoadBalancer Service (the implementations expose the Gateway
 * with one), or the Namespace enforces Pod Security `restricted` on pods without a seccomp profile.
 */
export function checkDataPlaneNamespace(scope: Construct, path: string, dp: GatewayDataPlane): void {
  const chart = Chart.of(scope);
  // the chart's MeshCluster installs istiod: its values decide, not the implementation's claim
  const installed = istioGatewaySeccompOf(chart);
  if (dp.istiod && installed === false && !dp.unconfinedSeccomp) {
    fail(path, 'implementation.seccompProfileConfigured', true,
      'false, or gatewaySeccompProfile: true on the chart\'s MeshCluster: it installs istiod without values.gateways.seccompProfile, so the gateway pods get no seccomp profile');
  }
  const unconfined = dp.istiod !== undefined && (installed === undefined ? dp.unconfinedSeccomp === true : !installed);
  for (const c of chart.node.findAll()) {
    if (!(c instanceof ApiObject) || (c.metadata.namespace !== dp.namespace && c.metadata.name !== dp.namespace)) {
      continue;
    }
    if (c.kind === 'ResourceQuota' && c.metadata.namespace === dp.namespace) {
      const lb = c.toJson().spec?.hard?.['services.loadbalancers'];
      if (lb !== undefined && Number(lb) === 0) {
        fail(path, 'namespace', dp.namespace, `a namespace whose ResourceQuota ${c.name} allows LoadBalancer Services (the Gateway's data plane is exposed by one): allowLoadBalancers: true on its ZeroTrustNamespace`);
      }
    }
    if (c.kind === 'Namespace' && c.name === dp.namespace && unconfined
      && c.metadata.getLabel('pod-security.kubernetes.io/enforce') === 'restricted') {
      fail(path, 'namespace', dp.namespace, 'a namespace that does not enforce Pod Security restricted (podSecurity: PodSecurityLevel.BASELINE), or MeshCluster gatewaySeccompProfile: true in the chart (or, with istiod installed elsewhere, GatewayImplementation.istio({ seccompProfileConfigured: true }) with values.gateways.seccompProfile.type RuntimeDefault): Istio\'s gateway pods have no seccomp profile by default');
    }
  }
}

/** The API group of the Gateway API. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/**
 * Throws unless `value` is an `Exact`/`PathPrefix` path the Gateway API accepts (the CEL rules of
 * HTTPRoute `matches[].path`, which the API server enforces).
 */
export function validateGatewayPath(path: string, field: string, value: string): void {
  const expected = 'an absolute path of at most 1024 characters from [-A-Za-z0-9/._~!$&\'()*+,;=:@] or %XX escapes, without \'//\', \'/./\', \'/../\', \'%2f\', \'#\' and not ending in \'/.\' or \'/..\' (the Gateway API\'s rules for Exact and PathPrefix)';
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 1024 || !PATH_CHARS.test(value)) {
    fail(path, field, value, expected);
  }
  const bad = ['//', '/./', '/../', '%2f', '%2F', '#'].some((s) => value.includes(s)) || value.endsWith('/..') || value.endsWith('/.');
  if (bad) {
    fail(path, field, value, expected);
  }
}

/** The HTTPS listener name of a host (a valid SectionName: `https-shop.example.com`, `https-wildcard.example.com`). */
export function listenerName(host: string): string {
  const name = `https-${host.replace(/^\*\./, 'wildcard.')}`;
  return name.length <= 253 ? name : `https-${shortHash(host, 16)}`;
}

/** Sorted copy of a string map. */
export function sortedMap(m: { [key: string]: string } | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(m ?? {}).sort()) {
    out[k] = m![k];
  }
  return out;
}

/**
 * One ClusterIP Service per workload backend, with every port it is routed on (the Service is
 * created in the workload's namespace, named by its `serviceName`). Shared by SecureGateway and
 * SecureIngress; `field` is where the backends sit in the caller's props.
 */
export function workloadServices(scope: Construct, path: string, backends: ResolvedBackend[], field: string = 'routes[].backend'): kplus.Service[] {
  const byWorkload = new Map<kplus.Workload, ResolvedBackend[]>();
  for (const b of backends) {
    if (b.workload) {
      byWorkload.set(b.workload, [...(byWorkload.get(b.workload) ?? []), b]);
    }
  }
  const names = new Set<string>();
  const out: kplus.Service[] = [];
  for (const [w, bs] of byWorkload) {
    const serviceNames = Array.from(new Set(bs.map((b) => b.serviceName)));
    const key = `${bs[0].namespace}/${serviceNames[0]}`;
    if (serviceNames.length > 1) {
      fail(path, `${field}.serviceName`, serviceNames, `one Service name per workload ${w.name}`);
    }
    if (names.has(key)) {
      fail(path, `${field}.serviceName`, key, 'a Service name not used for another workload');
    }
    names.add(key);
    const ports = new Map<number, number>();
    for (const b of bs) {
      if (ports.has(b.servicePort) && ports.get(b.servicePort) !== b.targetPort) {
        fail(path, `${field}.servicePort`, b.servicePort, `one container port per Service port of workload ${w.name}`);
      }
      ports.set(b.servicePort, b.targetPort);
    }
    const sorted = Array.from(ports.keys()).sort((a, b) => a - b);
    out.push(new kplus.Service(scope, `Service-${w.node.id}`, {
      metadata: { name: serviceNames[0], namespace: bs[0].namespace },
      type: kplus.ServiceType.CLUSTER_IP,
      selector: w,
      ports: sorted.map((sp) => ({
        port: sp, targetPort: ports.get(sp), protocol: kplus.Protocol.TCP, name: sorted.length > 1 ? `tcp-${sp}` : undefined,
      })),
    }));
  }
  return out;
}
