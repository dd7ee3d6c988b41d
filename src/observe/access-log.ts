import { bad, Endpoint, FileSummary, Observation, optString, parseLine, portOf, skip } from './records';

/** Dry-run results Istio's RBAC filter writes to the dynamic metadata of `envoy.filters.http.rbac`. */
const DRY_RUN = [
  ['istio_dry_run_allow_shadow_engine_result', 'istio_dry_run_allow_shadow_effective_policy_id'],
  ['istio_dry_run_deny_shadow_engine_result', 'istio_dry_run_deny_shadow_effective_policy_id'],
];

/** True if a parsed line is an Envoy/Istio JSON access log entry. */
export function isAccessLog(o: any): boolean {
  return !!o && typeof o === 'object' && ('upstream_cluster' in o || 'downstream_remote_address' in o || 'upstream_host' in o);
}

/** `a.b.c.d:port` or `[v6]:port` to its parts. */
function addressOf(v: string | undefined, where: string, field: string): { ip?: string; port?: number } {
  if (!v || v === '-') return {};
  const m = /^\[?([0-9a-fA-F.:]+?)\]?:(\d+)$/.exec(v);
  if (!m) bad(where, field, v, 'an address as Envoy logs it ("10.1.2.3:8080")');
  return { ip: m[1], port: portOf(m[2], where, field) };
}

/** Istio's peer metadata (`%FILTER_STATE(downstream_peer)%`, an object or its JSON text). */
function peerOf(v: any, where: string, field: string): Endpoint | undefined {
  if (v === undefined || v === null || v === '-' || v === '') return undefined;
  let p = v;
  if (typeof v === 'string') {
    try { p = JSON.parse(v); } catch { bad(where, field, v, 'Istio peer metadata: an object with namespace, workload, name'); }
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) bad(where, field, v, 'Istio peer metadata: an object with namespace, workload, name');
  const pick = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof p[k] === 'string' && p[k]) return p[k];
    return undefined;
  };
  const labels = p.labels ?? p.LABELS;
  return {
    ns: pick('namespace', 'NAMESPACE'),
    workload: pick('workload', 'WORKLOAD_NAME'),
    pod: pick('name', 'NAME'),
    serviceAccount: pick('service_account', 'SERVICE_ACCOUNT'),
    labels: labels && typeof labels === 'object' ? { ...labels } : undefined,
  };
}

function dryRunOf(o: any, where: string): string | undefined {
  for (const [result, policy] of DRY_RUN) {
    const r = optString(o, result, where, result);
    if (r === undefined || r === '-' || r === 'allowed') continue;
    if (r !== 'denied') bad(where, result, r, '"allowed" or "denied" (the shadow engine result)');
    return optString(o, policy, where, policy) ?? '(policy not logged)';
  }
  return undefined;
}

function entryOf(o: any, where: string, local: Endpoint): Observation | string {
  const cluster = optString(o, 'upstream_cluster', where, 'upstream_cluster') ?? '';
  const inbound = cluster.startsWith('inbound|');
  if (!inbound && !cluster.startsWith('outbound|')) return cluster === 'BlackHoleCluster' || cluster === 'PassthroughCluster' ? `to ${cluster}` : 'not an inbound or outbound cluster';
  const remote = addressOf(optString(o, 'downstream_remote_address', where, 'downstream_remote_address'), where, 'downstream_remote_address');
  const upstream = addressOf(optString(o, 'upstream_host', where, 'upstream_host'), where, 'upstream_host');
  const localAddr = addressOf(optString(o, 'downstream_local_address', where, 'downstream_local_address'), where, 'downstream_local_address');
  const down = peerOf(o.downstream_peer, where, 'downstream_peer');
  const up = peerOf(o.upstream_peer, where, 'upstream_peer');
  // inbound: this proxy is the destination, the peer the caller; outbound: the reverse
  const src: Endpoint = inbound ? { ...down, ip: remote.ip } : { ...local, ...down };
  const dst: Endpoint = inbound ? { ...local, ...up, ip: localAddr.ip } : { ...up, ip: upstream.ip };
  const port = inbound ? (localAddr.port ?? upstream.port) : upstream.port;
  if (port === undefined) return 'no destination port (upstream_host and downstream_local_address empty)';
  const method = optString(o, 'method', where, 'method');
  const path = optString(o, 'path', where, 'path');
  const shadow = dryRunOf(o, where);
  return {
    format: 'access-log',
    where,
    src,
    dst,
    protocol: 'TCP',
    port,
    method: method && method !== '-' ? method : undefined,
    path: path && path !== '-' ? path.split('?')[0] : undefined,
    verdict: shadow ? 'shadow-denied' : 'observed',
    count: 1,
    shadowDeniedBy: shadow,
  };
}

/**
 * Reads Envoy JSON access logs in Istio's default JSON format (`start_time`, `method`, `path`,
 * `response_code`, `upstream_host`, `upstream_cluster`, `downstream_remote_address`,
 * `downstream_local_address`, ...) with the optional peer metadata `upstream_peer` /
 * `downstream_peer` (`%FILTER_STATE(upstream_peer)%`), the logging pod (`pod_name`,
 * `pod_namespace`, `%ENVIRONMENT(POD_NAME)%`) and the dry-run results of `istio.io/dry-run`
 * AuthorizationPolicies (`istio_dry_run_{allow,deny}_shadow_{engine_result,effective_policy_id}`,
 * `%DYNAMIC_METADATA(envoy.filters.http.rbac:...)%`).
 */
export function readAccessLog(file: string, lines: string[]): { observations: Observation[]; summary: FileSummary } {
  const observations: Observation[] = [];
  const skipped: { [reason: string]: number } = {};
  let records = 0;
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    records++;
    const where = `${file}:${i + 1}`;
    const o = parseLine(text, where);
    if (!isAccessLog(o)) bad(where, 'entry', o, 'an Envoy JSON access log entry (upstream_cluster, upstream_host, downstream_remote_address, ...)');
    const local: Endpoint = { ns: optString(o, 'pod_namespace', where, 'pod_namespace'), pod: optString(o, 'pod_name', where, 'pod_name') };
    const r = entryOf(o, where, local);
    if (typeof r === 'string') skip(skipped, r);
    else observations.push(r);
  });
  return { observations, summary: { file, format: 'access-log', records, connections: observations.length, skipped } };
}
