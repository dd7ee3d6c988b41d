import { bad, Endpoint, FileSummary, Observation, optString, parseLine, portOf, skip } from './records';

const VERDICTS = ['FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED', 'VERDICT_UNKNOWN'];
const L4 = ['TCP', 'UDP', 'SCTP'];
const SA_LABEL = 'io.cilium.k8s.policy.serviceaccount';
/** Labels Cilium adds to every endpoint: not the pod's own. */
const CILIUM_LABEL = /^(io\.kubernetes\.pod\.namespace|io\.cilium\.k8s\.(policy\.|namespace\.labels\.)|io\.cilium\.)/;

/** True if a parsed line looks like `hubble observe -o json` output. */
export function isHubble(o: any): boolean {
  return !!o && typeof o === 'object' && (o.flow !== undefined || (typeof o.verdict === 'string' && (o.source || o.destination)));
}

function endpointOf(e: any, ip: string | undefined, where: string, field: string): Endpoint {
  if (e === undefined || e === null) return { ip };
  if (typeof e !== 'object') bad(where, field, e, 'an Endpoint object (namespace, pod_name, labels)');
  const labels: { [k: string]: string } = {};
  let reserved: string | undefined;
  let sa: string | undefined;
  const raw = e.labels ?? [];
  if (!Array.isArray(raw)) bad(where, `${field}.labels`, raw, 'a list of "source:key=value" strings');
  raw.forEach((l: unknown, i: number) => {
    if (typeof l !== 'string') bad(where, `${field}.labels[${i}]`, l, 'a "source:key=value" string');
    const m = /^([a-z0-9-]+):([^=]+)(?:=(.*))?$/.exec(l);
    if (!m) bad(where, `${field}.labels[${i}]`, l, 'a "source:key=value" string (k8s:app=web, reserved:world)');
    if (m[1] === 'reserved') { reserved = reserved ?? m[2]; return; }
    if (m[1] !== 'k8s') return;
    if (m[2] === SA_LABEL) sa = m[3];
    else if (!CILIUM_LABEL.test(m[2])) labels[m[2]] = m[3] ?? '';
  });
  const workloads = e.workloads ?? [];
  if (!Array.isArray(workloads)) bad(where, `${field}.workloads`, workloads, 'a list of { name, kind }');
  const ns = optString(e, 'namespace', where, `${field}.namespace`) || undefined;
  const pod = optString(e, 'pod_name', where, `${field}.pod_name`) || undefined;
  const world = reserved === 'world' || (reserved === undefined && !ns && !pod && raw.some((l: string) => l.startsWith('cidr:')));
  return {
    ns,
    pod,
    ip,
    labels,
    serviceAccount: sa,
    workload: typeof workloads[0]?.name === 'string' ? workloads[0].name : undefined,
    world: world || undefined,
    reserved: reserved && reserved !== 'world' ? reserved : undefined,
  };
}

function l7Of(flow: any, where: string): { method?: string; path?: string } | 'response' {
  const l7 = flow.l7;
  if (!l7) return {};
  if (l7.type === 'RESPONSE') return 'response';
  const http = l7.http;
  if (!http) return {};
  const method = optString(http, 'method', where, 'flow.l7.http.method');
  const url = optString(http, 'url', where, 'flow.l7.http.url');
  let path: string | undefined;
  if (url) {
    try { path = new URL(url, 'http://host').pathname; } catch { bad(where, 'flow.l7.http.url', url, 'a URL'); }
  }
  return { method, path };
}

/** One `hubble observe -o json` line to an observation, or the reason it is not a connection. */
function flowOf(o: any, where: string): Observation | string {
  const flow = o.flow ?? o;
  if (typeof flow !== 'object' || flow === null) bad(where, 'flow', flow, 'a Flow object');
  if (!VERDICTS.includes(flow.verdict)) bad(where, 'flow.verdict', flow.verdict, `one of ${VERDICTS.join(', ')}`);
  if (flow.is_reply === true || flow.reply === true) return 'reply';
  const l7 = l7Of(flow, where);
  if (l7 === 'response') return 'L7 response';
  const l4 = flow.l4;
  const proto = l4 && typeof l4 === 'object' ? L4.find((p) => l4[p] !== undefined) : undefined;
  if (!proto) return l4 && typeof l4 === 'object' && Object.keys(l4).length ? 'not TCP/UDP/SCTP' : 'no L4';
  const port = portOf(l4[proto].destination_port, where, `flow.l4.${proto}.destination_port`);
  const ip = flow.IP ?? {};
  return {
    format: 'hubble',
    where,
    src: endpointOf(flow.source, optString(ip, 'source', where, 'flow.IP.source'), where, 'flow.source'),
    dst: endpointOf(flow.destination, optString(ip, 'destination', where, 'flow.IP.destination'), where, 'flow.destination'),
    protocol: proto,
    port,
    method: l7.method,
    path: l7.path,
    verdict: flow.verdict,
    count: 1,
  };
}

/**
 * Reads `hubble observe -o json` output: one JSON object per line, `{"flow": {...}, "node_name",
 * "time"}` (or a bare Flow). Replies, ICMP, L7 responses and non-flow events are counted as skipped.
 */
export function readHubble(file: string, lines: string[]): { observations: Observation[]; summary: FileSummary } {
  const observations: Observation[] = [];
  const skipped: { [reason: string]: number } = {};
  let records = 0;
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    records++;
    const where = `${file}:${i + 1}`;
    const o = parseLine(text, where);
    if (!isHubble(o)) {
      if (o && typeof o === 'object' && (o.agent_event || o.debug_event || o.lost_events || o.node_status)) { skip(skipped, 'not a flow'); return; }
      bad(where, 'flow', o, 'a Hubble flow ({"flow": {...}}, as hubble observe -o json prints)');
    }
    const r = flowOf(o, where);
    if (typeof r === 'string') skip(skipped, r);
    else observations.push(r);
  });
  return { observations, summary: { file, format: 'hubble', records, connections: observations.length, skipped } };
}
