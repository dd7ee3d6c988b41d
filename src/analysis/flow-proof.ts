/**
 * The proof of declared flows (internal; used by the flows registry at synthesis): are the
 * connections a chart declares allowed by the objects the chart emits? Plain data in and out, so
 * the analysis never reads a construct.
 *
 * Each end is judged on the chart's own pods that it selects; an end that selects none of them
 * (istiod, CoreDNS, an ingress controller, a gateway: pods other installers create) gets one
 * stand-in pod with exactly the selected labels and service account, in the selected namespace.
 * One analyzer per chart; only the declared pairs are judged.
 */
import { ConnSet } from './conn-set';
import { Workload } from './engine';
import { ContainerPort, ParsedResources, PodInfo } from './model';
import { PairEnd } from './pair';
import { ReachabilityAnalyzer } from './reachability-analyzer';

/** One end of a declared flow. */
export interface ProofEnd {
  /** Namespace by name (pods or a namespace peer). */
  readonly namespace?: string;
  /** Namespaces by labels (when no name). */
  readonly namespaceLabels?: { [key: string]: string };
  /** Pod labels; undefined: every pod of the namespace(s). */
  readonly podLabels?: { [key: string]: string };
  /** The pods' service account, when the flow knows it. */
  readonly serviceAccount?: string;
  /** IP blocks (an end outside the pod network). */
  readonly ipBlocks?: Array<{ readonly cidr: string; readonly except?: string[] }>;
}

/** A declared port: a number or range, a container port name, or every port of the protocol. */
export interface ProofPort {
  readonly protocol: string;
  readonly port?: number;
  readonly endPort?: number;
  readonly name?: string;
}

/** Which layers the flow opens: both, the NetworkPolicies only, or the mesh only. */
export type ProofLayers = 'all' | 'network' | 'mesh';

/** A declared flow to prove. */
export interface ProofQuery {
  readonly from: ProofEnd;
  readonly to: ProofEnd;
  /** Undefined: every port and protocol. */
  readonly ports?: ProofPort[];
  readonly layers: ProofLayers;
}

/** A declared flow the objects do not allow. */
export interface ProofGap {
  /** Index of the query. */
  readonly query: number;
  /** The first pair (source, destination) found blocked. */
  readonly src: string;
  readonly dst: string;
  /** How many of the flow's pairs are blocked, of how many. */
  readonly blockedPairs: number;
  readonly pairs: number;
  /** What is missing, e.g. `TCP 8080`. */
  readonly missing: string;
  /** The layer that blocks it: `NetworkPolicy` or `Istio`. */
  readonly layer: string;
  /** The analyzer's explanation for that layer. */
  readonly reasons: string[];
}

const PROBE_PORT_BASE = 40000;

function matches(want: { [key: string]: string } | undefined, have: { [key: string]: string }): boolean {
  if (want === undefined) return true;
  for (const k of Object.keys(want)) if (have[k] !== want[k]) return false;
  return true;
}

function selectsNamespace(end: ProofEnd, ns: string, labels: { [key: string]: string }): boolean {
  if (end.namespace !== undefined) return end.namespace === ns;
  return end.namespaceLabels !== undefined && matches(end.namespaceLabels, labels);
}

function selectsPod(res: ParsedResources, end: ProofEnd, p: PodInfo): boolean {
  return selectsNamespace(end, p.ns, res.namespaces.get(p.ns) ?? {}) && matches(end.podLabels, p.labels);
}

/** A stand-in namespace for an end whose namespace the chart does not emit. */
function probeNamespace(res: ParsedResources, end: ProofEnd, key: number): string {
  if (end.namespace !== undefined) return end.namespace;
  for (const [ns, labels] of [...res.namespaces.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (selectsNamespace(end, ns, labels)) return ns;
  }
  const ns = `zero-trust-proof-ns-${key}`;
  res.namespaces.set(ns, { ...(end.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': ns });
  return ns;
}

/** The container ports a stand-in destination needs: the declared numbers, and a number for each name. */
function probePorts(queries: ProofQuery[]): ContainerPort[] {
  const out = new Map<string, ContainerPort>();
  for (const q of queries) {
    for (const p of q.ports ?? []) {
      if (p.name !== undefined) out.set(`${p.protocol}/${p.name}`, { name: p.name, protocol: p.protocol, port: PROBE_PORT_BASE + out.size });
      else if (p.port !== undefined) out.set(`${p.protocol}/${p.port}`, { protocol: p.protocol, port: p.port });
    }
  }
  return [...out.values()];
}

/**
 * Pods (or workloads) by namespace, and by namespace and pod label, in their order: the candidates
 * a pod end may select (what it selects is still decided by {@link selectsPod}).
 */
class Candidates<T> {
  private readonly byNs = new Map<string, T[]>();
  private readonly byLabel = new Map<string, Map<string, Map<string, T[]>>>();

  constructor(private readonly all: T[], private readonly podOf: (x: T) => PodInfo) {
    for (const x of all) this.index(x);
  }

  /** Adds `x` (a stand-in pod) after the others. */
  public add(x: T): void {
    this.all.push(x);
    this.index(x);
  }

  /** The candidates of an end: every one for a namespace selected by labels, else those of its namespace with its first pod label. */
  public of(end: ProofEnd): T[] {
    if (end.namespace === undefined) return this.all;
    const first = end.podLabels === undefined ? undefined : firstKey(end.podLabels);
    if (first === undefined) return this.byNs.get(end.namespace) ?? [];
    return this.byLabel.get(end.namespace)?.get(first)?.get(end.podLabels![first]) ?? [];
  }

  private index(x: T): void {
    const pod = this.podOf(x);
    push(this.byNs, pod.ns, x);
    let byKey = this.byLabel.get(pod.ns);
    if (byKey === undefined) { byKey = new Map(); this.byLabel.set(pod.ns, byKey); }
    for (const k of Object.keys(pod.labels)) {
      let byValue = byKey.get(k);
      if (byValue === undefined) { byValue = new Map(); byKey.set(k, byValue); }
      push(byValue, pod.labels[k], x);
    }
  }
}

function push<T>(m: Map<string, T[]>, key: string, x: T): void {
  const list = m.get(key);
  if (list === undefined) m.set(key, [x]); else list.push(x);
}

function firstKey(o: { [key: string]: string }): string | undefined {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return k;
  return undefined;
}

/**
 * What identifies a pod end (the selected pods): equal for ends whose namespace, labels (in their
 * order) and service account are equal. Strings are written with their length (no escaping
 * needed); anything that is not a string or a map of strings falls back to JSON, whose text starts
 * otherwise.
 */
function endKey(e: ProofEnd): string {
  const ns = textKey(e.namespace);
  const nsLabels = labelsKey(e.namespaceLabels);
  const podLabels = labelsKey(e.podLabels);
  const sa = textKey(e.serviceAccount);
  if (ns === undefined || nsLabels === undefined || podLabels === undefined || sa === undefined) {
    return JSON.stringify([e.namespace, e.namespaceLabels, e.podLabels, e.serviceAccount]);
  }
  return `#${ns}${nsLabels}${podLabels}${sa}`;
}

function textKey(x: string | undefined): string | undefined {
  if (x === undefined) return '-';
  return typeof x === 'string' ? `${x.length}:${x}` : undefined;
}

function labelsKey(o: { [key: string]: string } | undefined): string | undefined {
  if (o === undefined) return '-';
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const keys = Object.keys(o);
  let out = `{${keys.length}|`;
  for (const k of keys) {
    const v = o[k];
    if (typeof v !== 'string') return undefined;
    out += `${k.length}:${k}${v.length}:${v}`;
  }
  return out;
}

/** Per query, a number for each end (source, destination): the same for ends with the same {@link endKey}. */
function endIds(queries: ProofQuery[]): number[][] {
  const ids = new Map<string, number>();
  const idOf = (e: ProofEnd): number => {
    const key = endKey(e);
    let id = ids.get(key);
    if (id === undefined) { id = ids.size; ids.set(key, id); }
    return id;
  };
  return queries.map((q) => [idOf(q.from), idOf(q.to)]);
}

/** Adds a stand-in pod for every pod end that selects none of the chart's pods (pods looked up by namespace and label). */
function addStandIns(res: ParsedResources, queries: ProofQuery[], keys: number[][]): void {
  // the queries towards each end, in order (the ports a stand-in destination needs)
  const towards: ProofQuery[][] = [];
  queries.forEach((q, i) => { if (towards[keys[i][1]] === undefined) towards[keys[i][1]] = [q]; else towards[keys[i][1]].push(q); });
  const pods = new Candidates(res.pods, (p) => p);
  const done = new Set<number>();
  queries.forEach((q, i) => {
    [q.from, q.to].forEach((end, side) => {
      const key = keys[i][side];
      if (end.ipBlocks !== undefined || done.has(key)) return;
      done.add(key);
      if (pods.of(end).some((p) => selectsPod(res, end, p))) return;
      const ns = probeNamespace(res, end, done.size);
      const name = `zero-trust-proof-${done.size}`;
      pods.add({
        ns,
        name,
        labels: { ...(end.podLabels ?? {}) },
        ports: probePorts(towards[key] ?? []),
        serviceAccount: end.serviceAccount ?? 'default',
        ownerKind: 'Pod',
        ownerName: name,
        annotations: {},
        hostNetwork: false,
      });
    });
  });
}

/** The trust domain of the chart's ALLOW principals (`<domain>/ns/<ns>/sa/<sa>`); the mesh writes one. */
function trustDomainOf(res: ParsedResources): string | undefined {
  for (const ap of res.authorizationPolicies) {
    for (const rule of ap.spec?.rules ?? []) {
      for (const f of rule?.from ?? []) {
        for (const p of f?.source?.principals ?? []) {
          const m = /^([^*/]+)\/ns\/[^/]+\/sa\/[^/]+$/.exec(String(p));
          if (m) return m[1];
        }
      }
    }
  }
  return undefined;
}

/** A judged end: `name` for the analyzer, `shown` in messages (an atom clipped to the flow's block). */
interface Point { readonly end: PairEnd; readonly name: string; readonly shown: string; readonly ports: ContainerPort[] }

function points(analyzer: ReachabilityAnalyzer, res: ParsedResources, workloads: Candidates<Workload>, end: ProofEnd, asSource: boolean): Point[] {
  if (end.ipBlocks !== undefined) {
    return end.ipBlocks.flatMap((b) => analyzer._atomsWithin(b.cidr, b.except ?? [], asSource)
      .map((a) => ({ end: { atom: a.index }, name: a.name, shown: a.within, ports: [] })));
  }
  return workloads.of(end).filter((w) => selectsPod(res, end, w.rep))
    .map((w) => ({ end: { workload: w.id }, name: w.id, shown: w.id, ports: w.rep.ports }));
}

/** The connections a query needs towards a destination, and its named ports the destination lacks. */
interface Wanted { readonly conns: ConnSet; readonly unnamed: string[] }

/**
 * The connections a query needs towards `dst`, named ports resolved on its container ports
 * (`unnamed`: names the destination has no container port for, which no rule can match).
 */
function required(q: ProofQuery, dst: Point | undefined): Wanted {
  if (q.ports === undefined) return { conns: ConnSet.ALL, unnamed: [] };
  let conns = ConnSet.NONE;
  const unnamed: string[] = [];
  for (const p of q.ports) {
    if (p.name !== undefined) {
      const cp = dst?.ports.find((c) => c.name === p.name && c.protocol === p.protocol);
      if (cp) conns = conns.union(ConnSet.of(p.protocol, cp.port));
      else unnamed.push(`${p.protocol} port named "${p.name}" (${dst?.shown} has no such container port)`);
    } else {
      conns = conns.union(ConnSet.of(p.protocol, p.port, p.endPort));
    }
  }
  return { conns, unnamed };
}

/** What a query needs towards each destination: the same for all without named ports (made once per query). */
function wantedBy(q: ProofQuery): (dst: Point) => Wanted {
  if ((q.ports ?? []).some((p) => p.name !== undefined)) return (dst) => required(q, dst);
  const want = required(q, undefined);
  return () => want;
}

function judge(analyzer: ReachabilityAnalyzer, q: ProofQuery, want: Wanted, s: Point, d: Point): { missing: string; layer: string } {
  if (want.unnamed.length > 0) return { missing: want.unnamed.join(', '), layer: 'NetworkPolicy' };
  const v = analyzer._judgePair(s.end, d.end, q.layers === 'mesh');
  const l4Missing = q.layers === 'mesh' ? ConnSet.NONE : want.conns.subtract(v.l4);
  if (!l4Missing.isEmpty) return { missing: l4Missing.toString(), layer: 'NetworkPolicy' };
  const missing = q.layers === 'network' ? ConnSet.NONE : want.conns.subtract(v.mesh);
  return { missing: missing.isEmpty ? '' : missing.toString(), layer: 'Istio' };
}

function reasonsFor(analyzer: ReachabilityAnalyzer, src: string, dst: string, layer: string): string[] {
  const all = analyzer.explain(src, dst).reasons;
  const keep = all.filter((r) => (layer === 'Istio' ? r.startsWith('istio') : r.startsWith('egress') || r.startsWith('ingress')));
  return keep.length ? keep : all;
}

/**
 * The declared flows that the objects do not allow (empty: every flow proved).
 *
 * @param objects the chart's objects (JSON)
 * @param queries the declared flows
 */
export function proveFlows(objects: any[], queries: ProofQuery[]): ProofGap[] {
  const res = new ParsedResources(objects);
  const keys = endIds(queries);
  addStandIns(res, queries, keys);
  const analyzer = ReachabilityAnalyzer._fromParsed(res, { trustDomain: trustDomainOf(res) });
  const workloads = new Candidates([...analyzer._workloads], (w) => w.rep);
  const gaps: ProofGap[] = [];
  // the pods an end selects, found once per end (queries share ends: a namespace's flows to DNS, istiod, ...)
  const found: Point[][] = [];
  const pointsOf = (end: ProofEnd, key: number, asSource: boolean): Point[] => {
    if (end.ipBlocks !== undefined) return points(analyzer, res, workloads, end, asSource);
    let out = found[key];
    if (out === undefined) { out = points(analyzer, res, workloads, end, asSource); found[key] = out; }
    return out;
  };
  queries.forEach((q, query) => {
    const srcs = pointsOf(q.from, keys[query][0], true);
    const dsts = pointsOf(q.to, keys[query][1], false);
    let first: ProofGap | undefined;
    let blocked = 0;
    let pairs = 0;
    const wanted = wantedBy(q);
    for (const s of srcs) {
      for (const d of dsts) {
        if (s.name === d.name) continue;
        pairs++;
        const { missing, layer } = judge(analyzer, q, wanted(d), s, d);
        if (missing === '') continue;
        blocked++;
        const reasons = first === undefined ? reasonsFor(analyzer, s.name, d.name, layer) : [];
        first = first ?? { query, src: s.shown, dst: d.shown, blockedPairs: 0, pairs: 0, missing, layer, reasons };
      }
    }
    if (first) gaps.push({ ...first, blockedPairs: blocked, pairs });
  });
  return gaps;
}
