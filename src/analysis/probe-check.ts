/**
 * The kubelet's health probes as the network sees them (internal; Istio 1.30, Kubernetes 1.30+):
 *
 * - an exec probe runs inside the container: no network;
 * - httpGet, tcpSocket and grpc probes are TCP connections from the kubelet to the pod's port (a
 *   named port resolves against the probing container's ports);
 * - a pod that is not ambient is probed from its own node, and "traffic to and from the node where
 *   a Pod is running is always allowed" (Kubernetes NetworkPolicy): no NetworkPolicy blocks it. With
 *   an Istio sidecar the probe is rewritten to the sidecar's agent (port 15020, `/app-health/...`)
 *   unless the pod is annotated `sidecar.istio.io/rewriteAppHTTPProbers: "false"`; still node traffic;
 * - an ambient pod's probes are SNATed by istio-cni to 169.254.7.127; ztunnel passes them and the
 *   NetworkPolicies decide: they must admit 169.254.7.127 on the probe port, or the probe times out.
 */
import type { AmbientModel } from './ambient';
import { ConnSet } from './conn-set';
import type { Engine, Workload } from './engine';
import { parseIpAddress } from './ip-range';
import type { IstioLayer } from './istio';
import type { ProbeFinding } from './probe-types';
import { showValue as show } from './shown-value';

const KUBELET_PROBE_ADDRESS = '169.254.7.127';
const PROBES: Array<[string, string]> = [['startupProbe', 'startup'], ['livenessProbe', 'liveness'], ['readinessProbe', 'readiness']];
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'];
const REWRITE = 'sidecar.istio.io/rewriteAppHTTPProbers';

/** What one probe needs to be judged (internal). */
interface ProbeCase {
  readonly w: Workload;
  readonly container: string;
  readonly probe: string;
  readonly handler: string;
}

/** How the network treats a workload's probes (internal). */
interface ProbeJudge {
  readonly ambient: (w: Workload) => boolean;
  readonly sidecar: (w: Workload) => boolean;
  /** What the NetworkPolicies (and cluster-wide tiers) admit from 169.254.7.127 into the workload; undefined: outside the analysed address space. */
  readonly fromProbeAddress: (w: Workload) => ConnSet | undefined;
}

function isObject(x: unknown): x is { [k: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A name from the manifest as written when it is a plain name, else quoted and bounded ({@link show}). */
function shownName(x: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(x) ? x : show(x);
}

/** A port number from a manifest: a number, or a string of digits (an IntOrString written as a string); undefined otherwise. */
function portNumber(raw: unknown): number | undefined {
  return typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** The port a probe's handler connects to, or why it has none. */
export function probePort(handler: string, h: any, container: any): { port?: number; error?: string } {
  if (!isObject(h)) return { error: `${handler} is ${show(h)}: expected an object with a port` };
  const raw = h.port;
  // grpc.port is an int32 in the API (no IntOrString): a string there is refused by the API server
  const n = handler === 'grpc' && typeof raw === 'string' ? undefined : portNumber(raw);
  if (n !== undefined) {
    return Number.isInteger(n) && n >= 1 && n <= 65535 ? { port: n } : { error: `${handler}.port ${show(raw)} is not a valid port (1-65535)` };
  }
  if (typeof raw !== 'string' || raw === '' || handler === 'grpc') {
    return { error: `${handler}.port is ${show(raw)}: expected a port number 1-65535${handler === 'grpc' ? '' : ' or a named port of the container'}` };
  }
  const ports: any[] = Array.isArray(container?.ports) ? container.ports.filter(isObject) : [];
  const named = ports.find((p) => p.name === raw);
  const cp = portNumber(named?.containerPort);
  if (named && cp !== undefined && Number.isInteger(cp) && cp >= 1 && cp <= 65535) return { port: cp };
  return {
    error: `${handler}.port ${show(raw)} is not a named port of container ${shownName(containerName(container))}`
      + ` (${namedPorts(ports)})${named ? `: its containerPort ${show(named.containerPort)} is not valid` : ''}`,
  };
}

/** `its named ports: a, b` (at most 10 named), or `it has no named ports`. */
function namedPorts(ports: any[]): string {
  const names = ports.map((p) => p.name).filter((x) => typeof x === 'string').map(shownName);
  if (names.length === 0) return 'it has no named ports';
  return `its named ports: ${names.slice(0, 10).join(', ')}${names.length > 10 ? `, ... (${names.length})` : ''}`;
}

function containerName(c: any): string {
  return typeof c?.name === 'string' && c.name !== '' ? c.name : '?';
}

/** The finding of a probe that connects to `port` (a valid TCP port). */
function judgeNetworkProbe(c: ProbeCase, port: number, h: any, judge: ProbeJudge): ProbeFinding {
  const base = { workload: c.w.id, container: c.container, probe: c.probe, handler: c.handler, port };
  const host = c.handler === 'httpGet' && typeof h?.host === 'string' && h.host !== '' ? h.host : undefined;
  if (host !== undefined) {
    return { ...base, status: 'unjudged', problem: false, reason: `httpGet.host is ${show(host)}: the kubelet probes that address, not the pod (not judged)` };
  }
  if (c.w.rep.hostNetwork) {
    return { ...base, status: 'node-local', problem: false, reason: 'hostNetwork pod: the probe is node-local traffic, no NetworkPolicy applies' };
  }
  if (!judge.ambient(c.w)) return { ...base, status: 'node-local', problem: false, reason: nodeLocalReason(c, port, judge.sidecar(c.w)) };
  const conns = judge.fromProbeAddress(c.w);
  if (conns === undefined) {
    return { ...base, status: 'unjudged', problem: false, reason: `ambient: the probe comes from ${KUBELET_PROBE_ADDRESS}, which is outside AnalyzerOptions.externalUniverse (not judged)` };
  }
  const ambient = `ambient: istio-cni SNATs the kubelet's probe to ${KUBELET_PROBE_ADDRESS} and ztunnel passes it, so the NetworkPolicies decide`;
  if (conns.contains('TCP', port)) return { ...base, status: 'admitted', problem: false, reason: `${ambient}: they admit it on TCP ${port}` };
  return {
    ...base,
    status: 'blocked',
    problem: true,
    reason: `${ambient}: they do not admit ${KUBELET_PROBE_ADDRESS} on TCP ${port}: the probe times out (the pod never becomes Ready, or is restarted)`,
    fix: `admit ${KUBELET_PROBE_ADDRESS}/32 on TCP port ${port} in an ingress rule of a NetworkPolicy selecting ${c.w.id} (ZeroTrustNamespace with DataPlane.AMBIENT emits it for its workloads' probes)`,
  };
}

function nodeLocalReason(c: ProbeCase, port: number, sidecar: boolean): string {
  const node = 'the kubelet connects from the pod\'s own node, and NetworkPolicy always admits traffic from the node where a pod runs';
  if (!sidecar) return `not ambient: ${node}`;
  if (c.w.rep.annotations[REWRITE] === 'false') {
    return `sidecar, probe rewrite off (${REWRITE}: "false"): ${node} on TCP ${port}, but a STRICT PeerAuthentication refuses the kubelet's plaintext`;
  }
  return `sidecar: Istio rewrites the probe to its agent (TCP 15020, /app-health/${shownName(c.container)}/${c.probe === 'readiness' ? 'readyz' : c.probe === 'liveness' ? 'livez' : 'startupz'}); ${node}`;
}

/** The finding of one probe object of a container. */
function judgeProbe(w: Workload, container: any, probe: string, p: unknown, judge: ProbeJudge): ProbeFinding {
  const name = containerName(container);
  const handler = isObject(p) ? HANDLERS.find((k) => p[k] !== undefined && p[k] !== null) : undefined;
  const base = { workload: w.id, container: name, probe };
  if (!isObject(p) || handler === undefined) {
    return { ...base, handler: 'none', status: 'invalid', problem: true, reason: `${probe} probe ${isObject(p) ? 'has no handler' : `is ${show(p)}`}: expected one of ${HANDLERS.join(', ')}` };
  }
  if (handler === 'exec') return { ...base, handler, status: 'no-network', problem: false, reason: 'exec probe: runs inside the container, no network' };
  const { port, error } = probePort(handler, (p as any)[handler], container);
  if (port === undefined) return { ...base, handler, status: 'invalid', problem: true, reason: error ?? `${handler} has no port` };
  return judgeNetworkProbe({ w, container: name, probe, handler }, port, (p as any)[handler], judge);
}

/** Every probe of every workload, judged (workloads in analysis order, containers and probes in spec order). */
export function judgeProbes(engine: Engine, ambient: AmbientModel, istio: IstioLayer): ProbeFinding[] {
  const ip = parseIpAddress(KUBELET_PROBE_ADDRESS)!;
  const atom = engine.atomsIn.findIndex((a) => a.v6 === ip.v6 && a.lo <= ip.value && ip.value <= a.hi);
  const judge: ProbeJudge = {
    ambient: (w) => ambient.isAmbient(w.rep),
    sidecar: (w) => istio.inMesh(w.rep),
    fromProbeAddress: (w) => (atom < 0 ? undefined : engine.ingressConns(w.cls, { atom })),
  };
  const out: ProbeFinding[] = [];
  for (const w of engine.workloads) {
    for (const c of w.rep.containers ?? []) {
      if (!isObject(c)) continue;
      for (const [field, probe] of PROBES) {
        if (c[field] === undefined || c[field] === null) continue;
        out.push(judgeProbe(w, c, probe, c[field], judge));
      }
    }
  }
  return out;
}
