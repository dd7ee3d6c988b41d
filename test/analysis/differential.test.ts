/* eslint-disable no-bitwise */
/**
 * Differential test: the indexed, cached engine against a slow reference that reads the
 * NetworkPolicy API definition directly (selectors, policyTypes, peers, numeric ports and
 * ranges, named ports), on random small clusters, probe port by probe port.
 */
import { deploy, netpol, ns } from './fixtures';
import { ReachabilityAnalyzer } from '../../src/analysis';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Labels = { [k: string]: string };
const PROBES: Array<[string, number]> = [['TCP', 80], ['TCP', 443], ['UDP', 53], ['TCP', 8005], ['TCP', 8080], ['SCTP', 9000], ['TCP', 22]];
const PORT_SPECS = [{ port: 80 }, { port: 443 }, { protocol: 'UDP', port: 53 }, { port: 8000, endPort: 8010 }, { port: 'http' }, { protocol: 'SCTP', port: 9000 }, { protocol: 'UDP', port: 'dns' }];

function refMatches(sel: any, labels: Labels): boolean {
  for (const [key, v] of Object.entries(sel?.matchLabels ?? {})) if (labels[key] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = hasKey(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
function hasKey(o: Labels, key: string): boolean { return Object.prototype.hasOwnProperty.call(o, key); }

interface RefPod { ns: string; id: string; labels: Labels; ports: Array<{ name: string; port: number; protocol: string }> }

function randomSelector(r: () => number, keys: string[], values: string[]): any {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const x = r();
  if (x < 0.25) return {};
  if (x < 0.6) return { matchLabels: { [pick(keys)]: pick(values) } };
  const op = pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
  const key = pick(keys);
  return { matchExpressions: [op === 'In' || op === 'NotIn' ? { key, operator: op, values: [pick(values), pick(values)] } : { key, operator: op }] };
}

function cluster(seed: number): { objects: any[]; pods: RefPod[]; nsLabels: Map<string, Labels>; policies: any[] } {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const objects: any[] = [];
  const nsLabels = new Map<string, Labels>();
  for (const n of ['a', 'b', 'c']) {
    const labels: Labels = { team: pick(['x', 'y']) };
    if (r() < 0.5) labels.env = pick(['x', 'y']);
    objects.push(ns(n, labels));
    nsLabels.set(n, { ...labels, 'kubernetes.io/metadata.name': n });
  }
  const pods: RefPod[] = [];
  for (let i = 0; i < 7; i++) {
    const n = pick(['a', 'b', 'c']);
    const labels: Labels = { app: pick(['x', 'y', 'z']) };
    if (r() < 0.5) labels.tier = pick(['x', 'y']);
    const ports = [{ name: 'http', containerPort: 8080 }, ...(r() < 0.5 ? [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] : [])];
    objects.push(deploy(n, `w${i}`, { labels, ports }));
    pods.push({ ns: n, id: `${n}/w${i}[Deployment]`, labels, ports: ports.map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' })) });
  }
  const policies: any[] = [];
  const nPol = 1 + Math.floor(r() * 5);
  for (let i = 0; i < nPol; i++) {
    const rule = (): any => {
      const peers: any[] = [];
      const nPeers = Math.floor(r() * 3);
      for (let j = 0; j < nPeers; j++) {
        const p: any = {};
        const kind = r();
        if (kind < 0.45) {p.podSelector = randomSelector(r, ['app', 'tier'], ['x', 'y', 'z']);} else if (kind < 0.8) {p.namespaceSelector = randomSelector(r, ['team', 'env', 'kubernetes.io/metadata.name'], ['x', 'y', 'a', 'b']);} else { p.podSelector = randomSelector(r, ['app', 'tier'], ['x', 'y']); p.namespaceSelector = randomSelector(r, ['team', 'env'], ['x', 'y']); }
        peers.push(p);
      }
      const ports = r() < 0.3 ? [] : [pick(PORT_SPECS), ...(r() < 0.4 ? [pick(PORT_SPECS)] : [])];
      return { peers, ports };
    };
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const spec: any = { podSelector: randomSelector(r, ['app', 'tier'], ['x', 'y', 'z']), policyTypes: types };
    if (types.includes('Ingress')) spec.ingress = Array.from({ length: Math.floor(r() * 3) }, () => { const x = rule(); return { ...(x.peers.length ? { from: x.peers } : {}), ...(x.ports.length ? { ports: x.ports } : {}) }; });
    if (types.includes('Egress')) spec.egress = Array.from({ length: Math.floor(r() * 3) }, () => { const x = rule(); return { ...(x.peers.length ? { to: x.peers } : {}), ...(x.ports.length ? { ports: x.ports } : {}) }; });
    const n = pick(['a', 'b', 'c']);
    const obj = netpol(n, `p${i}`, spec);
    objects.push(obj);
    policies.push(obj);
  }
  return { objects, pods, nsLabels, policies };
}

function peerMatches(peer: any, polNs: string, other: RefPod, nsLabels: Map<string, Labels>): boolean {
  if (peer.namespaceSelector && !refMatches(peer.namespaceSelector, nsLabels.get(other.ns)!)) return false;
  if (!peer.namespaceSelector && other.ns !== polNs) return false;
  return !peer.podSelector || refMatches(peer.podSelector, other.labels);
}

function portMatches(spec: any, proto: string, port: number, dst: RefPod): boolean {
  const p = spec.protocol ?? 'TCP';
  if (p !== proto) return false;
  if (typeof spec.port === 'string') return dst.ports.some((c) => c.name === spec.port && c.protocol === p && c.port === port);
  return spec.port === undefined || (port >= spec.port && port <= (spec.endPort ?? spec.port));
}

/** One direction: `self` is the selected pod, `other` the peer, `dst` the destination (for named ports). */
function refDirection(dir: 'ingress' | 'egress', self: RefPod, other: RefPod, dst: RefPod, proto: string, port: number, c: ReturnType<typeof cluster>): boolean {
  const type = dir === 'ingress' ? 'Ingress' : 'Egress';
  const pols = c.policies.filter((p) => p.metadata.namespace === self.ns
    && refMatches(p.spec.podSelector, self.labels) && p.spec.policyTypes.includes(type));
  if (!pols.length) return true;
  return pols.some((p) => (p.spec[dir] ?? []).some((rule: any) => {
    const peers = rule[dir === 'ingress' ? 'from' : 'to'];
    const peerOk = !peers || peers.some((peer: any) => peerMatches(peer, p.metadata.namespace, other, c.nsLabels));
    const portOk = !rule.ports || rule.ports.some((s: any) => portMatches(s, proto, port, dst));
    return peerOk && portOk;
  }));
}

function allows(conns: string | undefined, proto: string, port: number): boolean {
  if (conns === undefined || conns === 'No Connections') return false;
  if (conns === 'All Connections') return true;
  let current = '';
  for (const tok of conns.split(',')) {
    const m = /^(TCP|UDP|SCTP) (.*)$/.exec(tok);
    const range = m ? m[2] : tok;
    if (m) current = m[1];
    const [a, b] = range.split('-').map(Number);
    if (current === proto && port >= a && port <= (b ?? a)) return true;
  }
  return false;
}

describe('differential: engine vs a slow reference on random clusters', () => {
  test.each(Array.from({ length: 60 }, (_, i) => i + 1))('seed %i', (seed) => {
    const c = cluster(seed);
    const an = ReachabilityAnalyzer.fromObjects(c.objects);
    const rows = new Map(an.connections().map((x) => [`${x.src} => ${x.dst}`, x.conns]));
    const diffs: string[] = [];
    for (const s of c.pods) {
      for (const d of c.pods) {
        if (s === d) continue;
        const got = rows.get(`${s.id} => ${d.id}`);
        for (const [proto, port] of PROBES) {
          const want = refDirection('egress', s, d, d, proto, port, c) && refDirection('ingress', d, s, d, proto, port, c);
          if (want !== allows(got, proto, port)) diffs.push(`${s.id} => ${d.id} ${proto}/${port}: reference ${want}, engine ${got ?? 'No Connections'}`);
        }
      }
    }
    expect(diffs).toEqual([]);
  });
});
