/**
 * Does a namespace's ResourceQuota leave room for the pods istiod deploys there (internal)?
 * The chart's own pods in the namespace (replicas of Deployments, StatefulSets and ReplicaSets,
 * a Job's parallelism, one per Pod, CronJob and DaemonSet) with the LimitRange defaults the API
 * server gives containers without resources, plus one replica of each gateway pod, against the
 * quota's `requests.cpu`, `requests.memory`, `limits.cpu`, `limits.memory` and `pods`.
 */
import { ApiObject, Chart } from 'cdk8s';
import { istioGatewayDeployment, podOf } from './deployment-model';
import { podPaths } from './pod-security';
import { isWaypointClass } from './waypoint-model';
import { istioGatewaySeccompOf, istioGatewaysOf } from '../core/mesh-install';
import { fail } from '../core/validate';

const UNITS: { [suffix: string]: number } = Object.fromEntries([
  ['m', 1e-3], ['', 1], ['k', 1e3], ['M', 1e6], ['G', 1e9], ['T', 1e12], ['P', 1e15], ['E', 1e18],
  ['Ki', 2 ** 10], ['Mi', 2 ** 20], ['Gi', 2 ** 30], ['Ti', 2 ** 40], ['Pi', 2 ** 50], ['Ei', 2 ** 60],
]);

/** A Kubernetes quantity as a number (cores, bytes, count), or undefined. */
export function quantity(v: unknown): number | undefined {
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(String(v ?? '').trim());
  return m ? Number(m[1]) * UNITS[m[2] ?? ''] : undefined;
}

const KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/** A pod's requests and limits per quota key, with the LimitRange container defaults. */
function podUsage(pod: any, defaults: { request: any; limit: any }): { [key: string]: number } {
  const usage = (c: any): { [key: string]: number } => {
    const r = c.resources ?? {};
    const out: { [key: string]: number } = {};
    for (const res of ['cpu', 'memory']) {
      const limit = r.limits?.[res] ?? defaults.limit?.[res];
      const request = r.requests?.[res] ?? r.limits?.[res] ?? defaults.request?.[res] ?? limit;
      out[`requests.${res}`] = quantity(request) ?? 0;
      out[`limits.${res}`] = quantity(limit) ?? 0;
    }
    return out;
  };
  const sum = (pod.spec?.containers ?? []).map(usage).reduce((a: any, b: any) => Object.fromEntries(KEYS.map((k) => [k, (a[k] ?? 0) + b[k]])), {});
  const init = (pod.spec?.initContainers ?? []).map(usage);
  return Object.fromEntries(KEYS.map((k) => [k, Math.max(sum[k] ?? 0, ...init.map((u: any) => u[k]))]));
}

/** How many pods an object runs (at least). */
function replicas(obj: any): number {
  if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(obj.kind)) return obj.spec?.replicas ?? 1;
  if (obj.kind === 'Job') return obj.spec?.parallelism ?? 1;
  return 1;
}

/**
 * The first quota key the namespace's pods plus the gateway pods exceed, as a sentence, or undefined.
 *
 * @param objs the chart's objects (JSON)
 * @param ns the namespace
 * @param gatewayPods Deployments istiod creates in `ns` (one replica each)
 */
export function quotaExceeded(objs: any[], ns: string, gatewayPods: any[]): string | undefined {
  const quota = objs.find((o) => o.kind === 'ResourceQuota' && o.metadata?.namespace === ns);
  if (quota === undefined) return undefined;
  const lr = objs.find((o) => o.kind === 'LimitRange' && o.metadata?.namespace === ns)?.spec?.limits?.find((l: any) => l.type === 'Container');
  const defaults = { request: lr?.defaultRequest, limit: lr?.default };
  const total: { [key: string]: number } = { 'pods': 0, 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0 };
  for (const obj of [...objs.filter((o) => o.metadata?.namespace === ns), ...gatewayPods]) {
    const pod = podOf(obj);
    if (pod === undefined) continue;
    const n = replicas(obj);
    const u = podUsage(pod, defaults);
    total.pods += n;
    KEYS.forEach((k) => { total[k] += n * u[k]; });
  }
  for (const key of ['pods', ...KEYS]) {
    const hard = quantity(quota.spec?.hard?.[key]);
    if (hard !== undefined && total[key] > hard + 1e-9) {
      const fmt = (v: number) => (key.endsWith('memory') ? `${Math.ceil(v / 2 ** 20)}Mi` : key.endsWith('cpu') ? `${Math.round(v * 1000)}m` : String(v));
      return `ResourceQuota ${ns}/${quota.metadata?.name} ${key}: ${fmt(total[key])} needed by the namespace's pods and the gateway's, ${quota.spec.hard[key]} allowed`;
    }
  }
  return undefined;
}

/**
 * Refuses a waypoint (or ambient east-west gateway) that the ResourceQuota of its namespace would
 * not admit: istiod's Deployment would stay at zero pods and the L7 rules it enforces would block
 * every request routed to it.
 *
 * @param chart the chart
 * @param ns the namespace (a ZeroTrustNamespace of the chart)
 */
export function checkWaypointQuota(chart: Chart, ns: string): void {
  const gws = istioGatewaysOf(chart).filter((g) => g.namespace === ns && isWaypointClass(g.className));
  if (gws.length === 0) return;
  const objs = chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.metadata.namespace === ns
      && (c.kind === 'ResourceQuota' || c.kind === 'LimitRange' || podPaths(c.kind) !== undefined))
    .map((o) => o.toJson());
  const deps = gws.map((g) => istioGatewayDeployment(g, istioGatewaySeccompOf(chart) ?? g.seccompClaimed));
  const why = quotaExceeded(objs, ns, deps);
  if (why !== undefined) {
    fail(gws[0].path, 'namespace', ns,
      `a namespace whose ResourceQuota admits the pod istiod deploys for Gateway ${gws.map((g) => g.name).join(', ')} `
      + `(waypoint template: istio-proxy requests 100m / 128Mi, limits 2 CPUs / 1Gi): ${why}. Fix: raise the ZeroTrustNamespace quota, or lower the workloads' resources`);
  }
}
