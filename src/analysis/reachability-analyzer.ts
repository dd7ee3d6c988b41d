import { AmbientModel, hboneNote, probeAddressSpanned } from './ambient';
import { AnalysisError } from './analysis-error';
import { ConnSet } from './conn-set';
import { Engine, EnginePeer, INGRESS_CONTROLLER, Workload } from './engine';
import { routeNotes } from './gateway-api';
import { ingressTargets } from './ingress-targets';
import { formatInterval, IpInterval, mergeIntervals, parseCidr, parseIpAddress, partition } from './ip-range';
import { IstioLayer, IstioSource, IstioVerdict } from './istio';
import { loadObjects } from './loader';
import { ParsedResources, PodInfo } from './model';
import { PairEnd, PairVerdict } from './pair';
import { judgeProbes } from './probe-check';
import { ProbeFinding } from './probe-types';
import { ANALYZER_OPTIONS, RENDER_OPTIONS } from './props-specs';
import { compactConns, externalSetName, nsOf, RenderRow, toDot, toMarkdown, toMermaid } from './render';
import { TierDecision } from './tiers';
import { AnalyzerOptions, Connection, Decision, DiffEntry, Explanation, RenderOptions } from './types';
import { checkArgs, checkOptions, t } from '../core/props-check';

interface Row {
  readonly src: string;
  readonly dst: string;
  readonly conns: ConnSet;
  readonly l7: string[];
  readonly l7Short: string[];
  readonly mtls: boolean;
}

/** A decision's policy as reports name it: `NetworkPolicy ns/name`, `Admin/p/r`, `default allow`. */
function policyLabel(d: TierDecision): string {
  return d.tier === 'NetworkPolicy' ? `NetworkPolicy ${d.by}` : d.by;
}

/** One direction's decision (internal). */
interface DirDecision { readonly dir: string; readonly d: TierDecision }

/** `denied by Admin/p/r`, `allowed by NetworkPolicy ns/n`, `passed on by ...`, or the default. */
function decisionText(x: Decision): string {
  if (x.tier === 'Default') return 'allowed: no policy of any tier decides it (default allow)';
  return `${x.action === 'Allow' ? 'allowed' : x.action === 'Deny' ? 'denied' : 'passed on'} by ${x.policy}`;
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

function parseAtom(peer: string): IpInterval | undefined {
  const m = /^([^-\[]+)-([^-\[]+)\[External\]$/.exec(peer);
  const lo = m ? parseIpAddress(m[1]) : undefined;
  const hi = m ? parseIpAddress(m[2]) : undefined;
  return lo && hi ? { v6: lo.v6, lo: lo.value, hi: hi.value } : undefined;
}

/**
 * Computes every allowed connection between workloads, external IP ranges and the ingress
 * controller, with Kubernetes NetworkPolicy semantics and an Istio L7 layer on top.
 *
 * Cluster-wide tiers (ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy v1alpha1) are evaluated per direction and port: the Admin tier
 * (lowest priority first; equal priorities by kind, then name; rules in order; Accept/Allow and
 * Deny are final, Pass skips to the next tier), then the NetworkPolicies that select the pod, then
 * the Baseline tier, then allow. Egress `networks` match external ranges, and pods when they hold
 * pod addresses (`0.0.0.0/0`, `::/0`, or an overlap with `AnalyzerOptions.podCidrs`); `nodes` and
 * `domainNames` peers match nothing (not modelled). `decisions()` names who decided.
 *
 * A pod selected by an Istio `Gateway` (`networking.istio.io`) with a `tls.mode: AUTO_PASSTHROUGH`
 * server is a cross-network east-west gateway: it forwards other clusters' mTLS connections end to
 * end, so its connections to meshed pods are judged by AuthorizationPolicies for the remote
 * callers, not for the gateway's own identity. Such a connection is allowed (where NetworkPolicies
 * allow it) on the ports some ALLOW rule admits some remote caller on, with an L7 note naming the
 * identities admitted (`passthrough: cluster.local/ns/order/sa/order-service POST /api/payments`).
 *
 * Where netpol-analyzer and Kubernetes differ, Kubernetes wins, and the difference is listed here:
 * - hostNetwork pods can be modelled as node traffic (`AnalyzerOptions.hostNetworkAsNode`, on
 *   when `nodeCidrs` is given); netpol-analyzer treats them as ordinary pods (the default).
 * - A named port in an egress rule that reaches IP addresses (a rule with no `to`) matches no IP
 *   destination: named ports are container ports of the destination pod, an address outside the
 *   cluster has none. The rule still applies, with its numeric ports, to IPs and to every pod.
 *   netpol-analyzer fails the whole analysis here ("cannot convert named port for an IP
 *   destination"); `explain()` names the named ports that did not apply. An ipBlock peer in the
 *   same rule as a named port is still rejected, as netpol-analyzer does.
 */
export class ReachabilityAnalyzer {
  /** Analyses Kubernetes objects (plain JSON, e.g. from `Testing.synth(chart)` or `app.synth`). */
  public static fromObjects(objects: any[], options?: AnalyzerOptions): ReachabilityAnalyzer {
    checkArgs('ReachabilityAnalyzer.fromObjects', ['objects', objects, t.required(t.arrayOf(t.any()))]);
    checkOptions('ReachabilityAnalyzer.fromObjects', 'options', 'AnalyzerOptions', options, ANALYZER_OPTIONS, true, true);
    return new ReachabilityAnalyzer(new ParsedResources(objects), options ?? {});
  }

  /** Analyses YAML/JSON manifest files and directories (recursive). */
  public static fromPaths(paths: string[], options?: AnalyzerOptions): ReachabilityAnalyzer {
    checkArgs('ReachabilityAnalyzer.fromPaths', ['paths', paths, t.required(t.arrayOf(t.str()))]);
    checkOptions('ReachabilityAnalyzer.fromPaths', 'options', 'AnalyzerOptions', options, ANALYZER_OPTIONS, true, true);
    return new ReachabilityAnalyzer(new ParsedResources(loadObjects(paths)), options ?? {});
  }

  /**
   * An analyzer of resources already parsed (the flow proof adds stand-in pods to them first).
   *
   * @internal
   */
  public static _fromParsed(res: ParsedResources, options: AnalyzerOptions): ReachabilityAnalyzer {
    return new ReachabilityAnalyzer(res, options);
  }

  /** What opens (`added`), closes (`removed`) or changes from `before` to `after`. */
  public static diff(before: ReachabilityAnalyzer, after: ReachabilityAnalyzer): ReachabilityDiff {
    const analyzer = t.required(t.instanceOf('ReachabilityAnalyzer', () => ReachabilityAnalyzer));
    checkArgs('ReachabilityAnalyzer.diff', ['before', before, analyzer], ['after', after, analyzer]);
    return ReachabilityDiff._compute(before, after);
  }

  private readonly engine: Engine;
  private readonly istio: IstioLayer;
  private _rows?: Row[];
  private readonly ambient: AmbientModel;
  private readonly byName = new Map<string, Workload>();

  private constructor(res: ParsedResources, options: AnalyzerOptions) {
    const hostNetworkAsNode = options.hostNetworkAsNode ?? (options.nodeCidrs !== undefined && options.nodeCidrs.length > 0);
    this.istio = new IstioLayer(res, options.istioRootNamespace ?? 'istio-system', options.trustDomain ?? 'cluster.local', options.meshAllPods ?? false, hostNetworkAsNode);
    this.ambient = new AmbientModel(res);
    this.engine = new Engine(res, {
      ingressControllerNamespace: options.ingressControllerNamespace ?? 'ingress-controller-ns',
      ingressControllerLabels: { ...(options.ingressControllerLabels ?? {}) },
      externalUniverse: options.externalUniverse,
      nodeCidrs: options.nodeCidrs,
      podCidrs: options.podCidrs,
      hostNetworkAsNode,
      // the kubelet's probes of ambient pods bypass Istio: where an ipBlock around their address
      // (169.254.0.0/16) admits or excepts it, it is judged on its own, not with the addresses Istio judges
      sourceCuts: this.istio.active && probeAddressSpanned(res, this.ambient) ? [AmbientModel.KUBELET_PROBE_RANGE] : undefined,
    });
    for (const w of this.engine.workloads) this.byName.set(w.id, w);
  }

  /** Every allowed connection, computed on first use (a flow proof asks only for its pairs). */
  private get rows(): Row[] {
    if (this._rows === undefined) this._rows = this.compute();
    return this._rows;
  }

  /**
   * One pair, judged as `connections()` would without computing the others: `l4` is what the
   * NetworkPolicies allow; `mesh` what Istio admits of it, or, with `meshOnly`, of every
   * connection (the NetworkPolicies ignored). An end is a workload id or an external atom index.
   *
   * @internal
   */
  public _judgePair(src: PairEnd, dst: PairEnd, meshOnly: boolean): PairVerdict {
    const e = this.engine;
    const s = src.workload === undefined ? undefined : this.byName.get(src.workload);
    const d = dst.workload === undefined ? undefined : this.byName.get(dst.workload);
    let l4 = ConnSet.NONE;
    if (s && d) l4 = e.pairConns(s.cls, d.cls);
    else if (s && dst.atom !== undefined) l4 = e.podToAtom(s.cls, dst.atom);
    else if (d && src.atom !== undefined) l4 = e.atomToPod(src.atom, d.cls);
    const base = meshOnly ? ConnSet.ALL : l4;
    if (!d || !(this.istio.active || this.istio.routing)) return { l4, mesh: base };
    // a pod outside the mesh (istiod, DNS) from a pod that is no passthrough gateway: Istio does not
    // see the connection (what meshVerdict and IstioLayer.apply conclude, without their steps)
    if (s && !(this.istio.active && this.istio.inMesh(d.rep)) && this.istio.passthroughGateway(s.rep) === undefined) return { l4, mesh: base };
    const isrc: IstioSource = s
      ? { pod: s.rep, inMesh: this.istio.active ? this.istio.inMesh(s.rep) : false }
      : { inMesh: false, atom: src.atom === undefined ? undefined : e.atomsIn[src.atom] };
    return { l4, mesh: this.meshVerdict(isrc, d.rep, base, true).conns };
  }

  /**
   * The external atoms (as sources, or as destinations) that overlap `cidr` and are not inside an
   * `except`, with the part of each inside `cidr` (`within`).
   *
   * @internal
   */
  public _atomsWithin(cidr: string, except: string[], asSource: boolean): Array<{ index: number; name: string; within: string }> {
    const r = parseCidr(cidr, 'cidr');
    // adjacent exceptions merged: an atom may span two of them (224.0.0.0/4 and 240.0.0.0/4)
    const cuts = mergeIntervals(except.map((c) => parseCidr(c, 'except')));
    const atoms = asSource ? this.engine.atomsIn : this.engine.atomsOut;
    const names = asSource ? this.engine.atomNamesIn : this.engine.atomNamesOut;
    const out: Array<{ index: number; name: string; within: string }> = [];
    atoms.forEach((a, index) => {
      if (a.v6 !== r.v6 || a.hi < r.lo || a.lo > r.hi) return;
      if (cuts.some((c) => c.v6 === a.v6 && c.lo <= a.lo && a.hi <= c.hi)) return;
      const within = { v6: a.v6, lo: a.lo > r.lo ? a.lo : r.lo, hi: a.hi < r.hi ? a.hi : r.hi };
      out.push({ index, name: names[index], within: `${formatInterval(within)}[External]` });
    });
    return out;
  }

  /**
   * The analysed workloads (id, namespace, pod labels, container ports).
   *
   * @internal
   */
  public get _workloads(): Workload[] {
    return this.engine.workloads;
  }

  /**
   * The Istio verdict on an L4 result, ambient included: a HBONE pair carries TCP only if the
   * NetworkPolicies admit 15008 on it; through a waypoint, both hops need 15008, the waypoint
   * enforces its targetRefs policies with the caller's identity and the destination's ztunnel the
   * selector policies with the waypoint's.
   */
  private meshVerdict(src: IstioSource, dst: PodInfo, l4: ConnSet, connsOnly = false): IstioVerdict {
    const probe = this.istio.active ? this.ambient.kubeletProbe(src, dst) : undefined;
    if (probe !== undefined) return { conns: l4, l7: [], l7Short: [], reasons: [probe] };
    const from = src.pod;
    if (from === undefined || !this.istio.active || !this.ambient.hbone(from, dst, (p) => this.istio.inMesh(p))) {
      return this.istio.apply(src, dst, l4, undefined, connsOnly);
    }
    const wp = this.ambient.waypointFor(from, dst);
    if (wp === undefined) {
      const tunnelled = AmbientModel.tunnel(l4);
      const v = this.istio.apply(src, dst, tunnelled);
      const note = hboneNote(tunnelled, `${from.ns}/${from.name}`, `${dst.ns}/${dst.name}`);
      return { ...v, reasons: [note, ...v.reasons] };
    }
    const wpw = this.engine.workloads.find((w) => w.rep === wp.pod);
    const hop = (a: PodInfo, b: PodInfo): ConnSet => {
      const aw = this.engine.workloads.find((w) => w.rep === a);
      const bw = this.engine.workloads.find((w) => w.rep === b);
      return aw && bw ? this.engine.podToPod(aw.cls, bw.cls) : ConnSet.NONE;
    };
    const viaWp = wpw ? AmbientModel.tunnel(hop(from, wp.pod)).intersect(AmbientModel.tunnel(hop(wp.pod, dst))) : ConnSet.NONE;
    const tcp = viaWp.intersect(ConnSet.of('TCP'));
    const atWaypoint = this.istio.apply(src, dst, tcp, this.ambient.waypointPolicies(dst, wp.pod, wp.services));
    const atZtunnel = this.istio.apply({ pod: wp.pod, inMesh: true }, dst, atWaypoint.conns);
    const other = l4.subtract(ConnSet.of('TCP'));
    const conns = atZtunnel.conns.union(other);
    const reasons = [
      `ambient: ${from.ns}/${from.name} -> waypoint ${wp.pod.ns}/${wp.pod.name} -> ${dst.ns}/${dst.name} over HBONE (15008 ${tcp.isEmpty ? 'not admitted on both hops by NetworkPolicy' : 'admitted on both hops'})`,
      ...atWaypoint.reasons.map((r) => `waypoint: ${r}`),
      ...atZtunnel.reasons.map((r) => `ztunnel (waypoint identity): ${r}`),
    ];
    return { conns, l7: [...atWaypoint.l7, ...atZtunnel.l7], l7Short: [...atWaypoint.l7Short, ...atZtunnel.l7Short], reasons };
  }

  private controllerSource(): IstioSource {
    return { inMesh: false };
  }

  private compute(): Row[] {
    const e = this.engine;
    const rows: Row[] = [];
    const ws = e.workloads;
    const push = (src: string, dst: string, conns: ConnSet, istioSrc: IstioSource | undefined, dstW: Workload | undefined): void => {
      if (conns.isEmpty) return;
      let l7: string[] = [];
      let l7Short: string[] = [];
      if ((this.istio.active || this.istio.routing) && dstW && istioSrc) {
        const v = this.meshVerdict(istioSrc, dstW.rep, conns);
        conns = v.conns;
        l7 = v.l7;
        l7Short = v.l7Short;
        if (conns.isEmpty) return;
      }
      if (dstW && istioSrc?.pod) {
        const notes = routeNotes(this.engine.res.services, this.engine.res.httpRoutes, istioSrc.pod, dstW.rep);
        l7 = [...l7, ...notes.l7];
        l7Short = [...l7Short, ...notes.l7Short];
      }
      const mtls = !!(dstW && istioSrc?.pod && this.istio.mtls(istioSrc.pod, dstW.rep) && !conns.intersect(ConnSet.of('TCP')).isEmpty);
      rows.push({ src, dst, conns, l7, l7Short, mtls });
    };
    const byClass = new Map<number, Workload[]>();
    for (const w of ws) {
      if (!byClass.has(w.cls.index)) byClass.set(w.cls.index, []);
      byClass.get(w.cls.index)!.push(w);
    }
    for (const s of ws) {
      const sMesh = this.istio.active ? this.istio.inMesh(s.rep) : false;
      // an egress-isolated source only needs the classes its rules reach (sparse), others need every workload
      const targets = e.egressTargets(s.cls);
      const dsts = targets ? targets.flatMap((i) => byClass.get(i) ?? []) : ws;
      for (const d of dsts) {
        if (s === d) continue;
        push(s.id, d.id, e.podToPod(s.cls, d.cls), { pod: s.rep, inMesh: sMesh }, d);
      }
      const atomTargets = e.egressAtomTargets(s.cls);
      if (atomTargets) for (const i of atomTargets) push(s.id, e.atomNamesOut[i], e.podToAtom(s.cls, i), undefined, undefined);
      else e.atomsOut.forEach((_, i) => push(s.id, e.atomNamesOut[i], e.podToAtom(s.cls, i), undefined, undefined));
    }
    e.atomsIn.forEach((a, i) => {
      for (const d of ws) push(e.atomNamesIn[i], d.id, e.atomToPod(i, d.cls), { inMesh: false, atom: a }, d);
    });
    for (const [w, ports] of this.ingressTargets()) {
      push(INGRESS_CONTROLLER, w.id, ports.intersect(e.podToPod(e.controllerClass, w.cls)), this.controllerSource(), w);
    }
    rows.sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst));
    return rows;
  }

  /** Workloads exposed through Ingress/Route objects, with the target ports. */
  private ingressTargets(): Array<[Workload, ConnSet]> {
    return ingressTargets(this.engine.res, this.engine.workloads);
  }

  /** Every allowed connection, sorted by source then destination. */
  public connections(): Connection[] {
    return this.rows.map((r) => ({
      src: r.src,
      dst: r.dst,
      conns: r.conns.toString(),
      allowAll: r.conns.isAll,
      l7: [...r.l7],
      mtls: r.mtls,
      decidedBy: this.usesPolicyTiers ? this.allowedBy(r) : [],
    }));
  }

  /**
   * True if the input holds cluster-wide tier policies (AdminNetworkPolicy,
   * BaselineAdminNetworkPolicy v1alpha1, ClusterNetworkPolicy v1alpha2).
   */
  public get usesPolicyTiers(): boolean {
    return this.engine.res.tierPolicies.length > 0;
  }

  /** Per direction, who decided which part of `src => dst` (egress at a pod source, then ingress at a pod destination). */
  private pairDecisions(s: { w?: Workload; atom?: number; controller?: boolean }, d: { w?: Workload; atom?: number }): DirDecision[] {
    const e = this.engine;
    const srcCls = s.w ? s.w.cls : s.controller ? e.controllerClass : undefined;
    const srcPeer: EnginePeer = srcCls ? { cls: srcCls } : { atom: s.atom };
    const dstPeer: EnginePeer = d.w ? { cls: d.w.cls } : { atom: d.atom };
    const out: DirDecision[] = [];
    if (srcCls) for (const x of e.decide('egress', srcCls, dstPeer)) out.push({ dir: 'egress', d: x });
    if (d.w) for (const x of e.decide('ingress', d.w.cls, srcPeer)) out.push({ dir: 'ingress', d: x });
    return out;
  }

  /** `egress: Admin/p/r`, ... for the decisions that allowed part of a row's connections. */
  private allowedBy(r: Row): string[] {
    const out: string[] = [];
    for (const x of this.pairDecisions(this.resolve(r.src, true), this.resolve(r.dst, false))) {
      if (x.d.action !== 'Allow' || x.d.conns.intersect(r.conns).isEmpty) continue;
      const l = `${x.dir}: ${policyLabel(x.d)}`;
      if (!out.includes(l)) out.push(l);
    }
    return out;
  }

  /**
   * Which tier and policy decided each part of `src => dst`, per direction: the first matching
   * Admin-tier rule, else the NetworkPolicies that isolate the pod, else the first matching
   * Baseline-tier rule, else the default (allow).
   */
  public decisions(src: string, dst: string): Decision[] {
    checkArgs('ReachabilityAnalyzer.decisions', ['src', src, t.required(t.str())], ['dst', dst, t.required(t.str())]);
    return this.pairDecisions(this.resolve(src, true), this.resolve(dst, false)).map((x) => ({
      direction: x.dir, tier: x.d.tier, policy: policyLabel(x.d), action: x.d.action, conns: x.d.conns.toString(),
    }));
  }

  /**
   * The pairs with no allowed connection that an Admin- or Baseline-tier rule denied (in part), as
   * `src => dst : denied by egress Baseline/<policy>/<rule>, ...` lines, sorted (empty without tier policies).
   */
  public deniedByTiers(): string[] {
    if (!this.usesPolicyTiers) return [];
    const e = this.engine;
    const allowed = new Set(this.rows.map((r) => `${r.src}\0${r.dst}`));
    const out: string[] = [];
    const check = (sName: string, dName: string, s: { w?: Workload; atom?: number }, d: { w?: Workload; atom?: number }): void => {
      if (sName === dName || allowed.has(`${sName}\0${dName}`)) return;
      const by = this.pairDecisions(s, d).filter((x) => x.d.action === 'Deny' && x.d.tier !== 'NetworkPolicy').map((x) => `${x.dir} ${x.d.by}`);
      if (by.length) out.push(`${sName} => ${dName} : denied by ${[...new Set(by)].join(', ')}`);
    };
    for (const s of e.workloads) {
      for (const d of e.workloads) check(s.id, d.id, { w: s }, { w: d });
      e.atomNamesOut.forEach((n, i) => check(s.id, n, { w: s }, { atom: i }));
    }
    e.atomNamesIn.forEach((n, i) => { for (const d of e.workloads) check(n, d.id, { atom: i }, { w: d }); });
    return out.sort(cmp);
  }

  /**
   * Every liveness, readiness and startup probe of the analysed workloads, judged: an ambient pod's
   * httpGet/tcpSocket/grpc probes come from 169.254.7.127 (istio-cni's SNAT) and pass only where the
   * NetworkPolicies admit that address on the probe port; other pods are probed from their own
   * node, which NetworkPolicy always admits (with a sidecar, Istio rewrites the probe to port 15020);
   * exec probes need no network. Named ports resolve against the probing container.
   */
  public probes(): ProbeFinding[] {
    return judgeProbes(this.engine, this.ambient, this.istio);
  }

  /**
   * The probes that cannot pass as written (`probes()` with `problem` set): `blocked` (an ambient
   * pod's NetworkPolicies do not admit 169.254.7.127 on the probe port; `fix` says what to admit)
   * and `invalid` (a missing, out-of-range or unknown named port, or no handler).
   */
  public probeFindings(): ProbeFinding[] {
    return this.probes().filter((p) => p.problem);
  }

  /** The edges the renderers draw: filtered by namespace, external ranges merged, labels compact. */
  private renderRows(options: RenderOptions | undefined): Array<RenderRow & { readonly row: Row }> {
    const o = options ?? {};
    const e = this.engine;
    let rows = this.rows;
    if (o.namespaces) {
      const keep = new Set(o.namespaces);
      const inNs = (p: string): boolean => keep.has(p === INGRESS_CONTROLLER ? e.controllerClass.ns : nsOf(p) ?? '');
      rows = rows.filter((r) => inNs(r.src) || inNs(r.dst));
    }
    const label = (r: Row): string => (o.compact ?? true)
      ? compactConns(r.conns, r.mtls, r.l7Short)
      : `${r.conns}${r.l7.length ? ` [L7: ${r.l7.join('; ')}]` : ''}`;
    const decided = (r: Row): string[] | undefined => (this.usesPolicyTiers ? this.allowedBy(r) : undefined);
    let out = rows.map((r) => ({ src: r.src, dst: r.dst, label: label(r), limited: r.l7.length > 0, row: r, decidedBy: decided(r) }));
    if (o.mergeExternal ?? true) {
      const ranges = new Map<string, IpInterval>();
      e.atomsIn.forEach((a, i) => ranges.set(e.atomNamesIn[i], a));
      e.atomsOut.forEach((a, i) => ranges.set(e.atomNamesOut[i], a));
      // an external peer's signature: its edges (other end and label) on one side
      const rename = new Map<string, string>();
      for (const side of ['src', 'dst'] as const) {
        const other = side === 'src' ? 'dst' : 'src';
        const sig = new Map<string, string[]>();
        for (const r of out) if (ranges.has(r[side])) sig.set(r[side], [...(sig.get(r[side]) ?? []), `${r[other]}\0${r.label}`]);
        const bySig = new Map<string, string[]>();
        for (const [peer, edges] of sig) {
          const k = edges.sort(cmp).join('\n');
          bySig.set(k, [...(bySig.get(k) ?? []), peer]);
        }
        for (const peers of bySig.values()) {
          const name = externalSetName(peers.map((p) => ranges.get(p)!));
          for (const p of peers) rename.set(`${side}\0${p}`, name);
        }
      }
      const seen = new Set<string>();
      out = out.map((r) => ({ ...r, src: rename.get(`src\0${r.src}`) ?? r.src, dst: rename.get(`dst\0${r.dst}`) ?? r.dst }))
        .filter((r) => { const k = `${r.src}\0${r.dst}`; if (seen.has(k)) return false; seen.add(k); return true; })
        .sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst));
    }
    return out;
  }

  private renderPeers(rows: RenderRow[]): string[] {
    return [...new Set(rows.flatMap((r) => [r.src, r.dst]))].sort(cmp);
  }

  /** The peers (workloads, external ranges, ingress controller) that appear in the analysis. */
  public peers(): string[] {
    const out = [...new Set([...this.engine.workloads.map((w) => w.id), ...this.engine.atomNamesIn, ...this.engine.atomNamesOut])];
    if (this.rows.some((r) => r.src === INGRESS_CONTROLLER)) out.push(INGRESS_CONTROLLER);
    return out.sort(cmp);
  }

  /** netpol-analyzer's text format: one `src => dst : conns` line per connection. */
  public toText(): string {
    return this.rows.map((r) => `${r.src} => ${r.dst} : ${r.conns}${r.l7.length ? ` [L7: ${r.l7.join('; ')}]` : ''}`).join('\n');
  }

  /** JSON: `[{ "src", "dst", "conn" }]` (netpol-analyzer's shape; `l7` added when Istio limits it). */
  public toJson(): string {
    const rows = this.rows.map((r) => {
      const base = { src: r.src, dst: r.dst, conn: r.conns.toString() };
      return r.l7.length ? { ...base, l7: r.l7 } : base;
    });
    return JSON.stringify(rows, null, 2);
  }

  /**
   * A JSON summary for reports: `[{ "src", "dst", "conn", "label", "mtls", "l7"?, "decidedBy"? }]`
   * with the render options applied (external ranges merged, `label` compact, `conn` the full
   * text); `decidedBy` (see `Connection.decidedBy`) when the input has cluster-wide tier policies.
   */
  public toJsonSummary(options?: RenderOptions): string {
    checkOptions('ReachabilityAnalyzer.toJsonSummary', 'options', 'RenderOptions', options, RENDER_OPTIONS, true, true);
    const rows = this.renderRows(options).map((r) => {
      const base = { src: r.src, dst: r.dst, conn: r.row.conns.toString(), label: r.label, mtls: r.row.mtls };
      const l7 = r.row.l7.length ? { ...base, l7: r.row.l7 } : base;
      return r.decidedBy ? { ...l7, decidedBy: r.decidedBy } : l7;
    });
    return JSON.stringify(rows, null, 2);
  }

  /** A Markdown matrix: one row per source, one column per destination. */
  public toMarkdown(options?: RenderOptions): string {
    checkOptions('ReachabilityAnalyzer.toMarkdown', 'options', 'RenderOptions', options, RENDER_OPTIONS, true, true);
    const rows = this.renderRows(options);
    return toMarkdown(this.renderPeers(rows), rows);
  }

  /** A Mermaid flowchart (namespaces as subgraphs; L7-limited edges dotted). */
  public toMermaid(options?: RenderOptions): string {
    checkOptions('ReachabilityAnalyzer.toMermaid', 'options', 'RenderOptions', options, RENDER_OPTIONS, true, true);
    const rows = this.renderRows(options);
    return toMermaid(this.renderPeers(rows), rows);
  }

  /** A Graphviz DOT digraph (namespaces as clusters; L7-limited edges dashed; with tier policies, who allowed each edge under its label). */
  public toDot(options?: RenderOptions): string {
    checkOptions('ReachabilityAnalyzer.toDot', 'options', 'RenderOptions', options, RENDER_OPTIONS, true, true);
    const rows = this.renderRows(options);
    return toDot(this.renderPeers(rows), rows);
  }

  /** Resolves a peer given as `ns/name[Kind]`, `ns/name`, an IP address or a `[External]` range. */
  private resolve(peer: string, asSource: boolean): { w?: Workload; atom?: number; controller?: boolean; name: string } {
    const atoms = asSource ? this.engine.atomsIn : this.engine.atomsOut;
    const names = asSource ? this.engine.atomNamesIn : this.engine.atomNamesOut;
    if (peer === INGRESS_CONTROLLER) return { controller: true, name: peer };
    const w = this.byName.get(peer) ?? this.engine.workloads.filter((x) => `${x.ns}/${x.name}` === peer)[0];
    if (w) return { w, name: w.id };
    const ai = names.indexOf(peer);
    if (ai >= 0) return { atom: ai, name: peer };
    const ip = parseIpAddress(peer);
    if (ip) {
      const i = atoms.findIndex((a) => a.v6 === ip.v6 && a.lo <= ip.value && ip.value <= a.hi);
      if (i >= 0) return { atom: i, name: names[i] };
    }
    throw new AnalysisError(`unknown peer "${peer}": expected one of ${this.peers().slice(0, 20).join(', ')}${this.peers().length > 20 ? ', ...' : ''} or an IP address`);
  }

  private row(src: string, dst: string): Row | undefined {
    return this.rows.find((r) => r.src === src && r.dst === dst);
  }

  /**
   * True if `src` may connect to `dst` (on `port`, e.g. `8080`, `TCP/8080`, `udp/53`; any port when omitted).
   */
  public isAllowed(src: string, dst: string, port?: string): boolean {
    checkArgs('ReachabilityAnalyzer.isAllowed', ['src', src, t.required(t.str())], ['dst', dst, t.required(t.str())], ['port', port, t.str()]);
    // the port is read first: a port no packet can have (0, 99999, "http") would make every assertDenied pass
    const m = port === undefined ? undefined : /^(?:(tcp|udp|sctp)\/)?(\d+)$/i.exec(port.trim());
    if (port !== undefined && (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)) {
      throw new AnalysisError(`invalid port "${port}": expected 8080 or TCP/8080 (protocols TCP, UDP, SCTP; ports 1-65535)`);
    }
    const r = this.row(this.resolve(src, true).name, this.resolve(dst, false).name);
    if (!r) return false;
    if (m === undefined || m === null) return true;
    return r.conns.contains(m[1] ?? 'TCP', Number(m[2]));
  }

  /**
   * The connections allowed from `src` to `dst` in netpol-analyzer's text, undefined if none.
   *
   * @internal
   */
  public _allowedConns(src: string, dst: string): string | undefined {
    return this.row(this.resolve(src, true).name, this.resolve(dst, false).name)?.conns.toString();
  }

  /**
   * A peer's name as the output names it (`ns/name` becomes `ns/name[Kind]`, an IP its range).
   *
   * @internal
   */
  public _peerName(peer: string, asSource: boolean): string {
    return this.resolve(peer, asSource).name;
  }

  /**
   * Every allowed pair with its connections, without the per-tier decisions of `connections()`.
   *
   * @internal
   */
  public _pairs(): Array<{ readonly src: string; readonly dst: string; readonly conns: string }> {
    return this.rows.map((r) => ({ src: r.src, dst: r.dst, conns: r.conns.toString() }));
  }

  /** Explains which policies allow or deny `src => dst`, and why. */
  public explain(src: string, dst: string): Explanation {
    checkArgs('ReachabilityAnalyzer.explain', ['src', src, t.required(t.str())], ['dst', dst, t.required(t.str())]);
    const s = this.resolve(src, true);
    const d = this.resolve(dst, false);
    const e = this.engine;
    const reasons: string[] = [];
    const dstPorts = d.w ? d.w.cls.ports : undefined;
    const side = (label: string, sel: Workload | undefined, dir: 'ingress' | 'egress', peer: { cls?: any; atom?: number }): void => {
      if (!sel) { reasons.push(`${label}: ${dir === 'egress' ? 'source' : 'destination'} is not a pod; no ${dir} policy applies`); return; }
      if (sel.cls.host) {
        reasons.push(`${label}: ${sel.id} uses hostNetwork: no NetworkPolicy selects it (its traffic is node traffic): all ${dir} allowed`);
        return;
      }
      const x = e.explainDirection(sel.cls, dir, peer, dstPorts);
      if (!x.isolated && e.hasTiers(sel.cls, dir)) { reasons.push(`${label}: ${sel.id} is not selected by any ${dir} NetworkPolicy (the cluster-wide tiers decide, see tiers:)`); return; }
      if (!x.isolated) { reasons.push(`${label}: ${sel.id} is not selected by any ${dir} policy: all ${dir} allowed`); return; }
      reasons.push(`${label}: ${sel.id} is selected for ${dir} by ${[...x.policies].sort().join(', ')}`);
      if (!x.hits.length) reasons.push(`${label}: no ${dir} rule of these policies matches the peer: denied`);
      for (const h of x.hits) {
        reasons.push(`${label}: ${h.policy} ${dir} rule ${h.rule} allows ${h.conns}`);
        if (h.unresolvedNamedPorts.length) {
          reasons.push(`${label}: ${h.policy} ${dir} rule ${h.rule}: named port${h.unresolvedNamedPorts.length > 1 ? 's' : ''} ${h.unresolvedNamedPorts.join(', ')} cannot match an IP destination (named ports are pod container ports; netpol-analyzer reports an error here)`);
        }
      }
    };
    const srcPeer = s.w ? { cls: s.w.cls } : s.controller ? { cls: e.controllerClass } : { atom: s.atom };
    const dstPeer = d.w ? { cls: d.w.cls } : { atom: d.atom };
    const hostNote = (w: Workload | undefined, role: string): void => {
      if (!w?.cls.host) return;
      const nodes = e.nodeSpace ? `nodeCidrs ${e.nodeSpace.map(formatInterval).join(', ')}` : 'node addresses unknown (AnalyzerOptions.nodeCidrs): any ipBlock admits it';
      reasons.push(`${role}: ${w.id} uses hostNetwork: pod/namespace selectors never match it, only ipBlocks containing a node address (${nodes})`);
    };
    hostNote(s.w, 'source');
    hostNote(d.w, 'destination');
    if (s.controller) reasons.push(`egress: the ingress controller (namespace ${e.controllerClass.ns}) is not restricted; it reaches only Ingress/Route backends`);
    else side('egress', s.w, 'egress', dstPeer);
    side('ingress', d.w, 'ingress', srcPeer);
    reasons.push(...e.gateNotes(s.atom, d.w?.cls));
    const r = this.row(s.name, d.name);
    if ((this.istio.active || this.istio.routing) && d.w) {
      const l4 = s.w ? e.podToPod(s.w.cls, d.w.cls) : s.atom !== undefined ? e.atomToPod(s.atom, d.w.cls) : ConnSet.ALL;
      const atom = s.atom !== undefined ? e.atomsIn[s.atom] : undefined;
      const isrc = s.w ? { pod: s.w.rep, inMesh: this.istio.active && this.istio.inMesh(s.w.rep) } : { inMesh: false, atom };
      const v = this.meshVerdict(isrc, d.w.rep, l4);
      for (const x of v.reasons) reasons.push(`istio: ${x}`);
      for (const x of v.l7) reasons.push(`istio L7: ${x}`);
      const other = v.conns.subtract(ConnSet.of('TCP'));
      if (this.istio.inMesh(d.w.rep) && !other.isEmpty && !v.conns.isAll) {
        reasons.push(`istio: Istio mediates TCP only: ${other} stay${other.entries().length > 1 ? '' : 's'} as NetworkPolicy allows ${other.entries().length > 1 ? 'them' : 'it'} (not limited by mTLS or AuthorizationPolicies)`);
      }
    }
    if (r?.mtls) reasons.push(`istio: TCP runs over mTLS (both ends have a sidecar${this.istio.active ? '' : ', automatic mTLS'})`);
    if (s.name === d.name) reasons.push('a workload to itself is not analysed');
    const compact = r ? compactConns(r.conns, r.mtls, r.l7Short) : 'No Connections';
    const decisions = this.decisions(s.name, d.name);
    if (this.usesPolicyTiers) {
      for (const x of decisions) reasons.push(`tiers: ${x.direction} ${x.conns}: ${decisionText(x)}`);
    }
    return { src: s.name, dst: d.name, allowed: !!r, conns: r ? r.conns.toString() : 'No Connections', compact, reasons, decisions };
  }
}

/** The difference between two analyses: what a change opens, closes or alters. */
export class ReachabilityDiff {
  /**
   * The difference from `before` to `after` (use `ReachabilityAnalyzer.diff`).
   *
   * @param before the analysis of the first set of manifests
   * @param after the analysis of the second set of manifests
   * @internal
   */
  public static _compute(before: ReachabilityAnalyzer, after: ReachabilityAnalyzer): ReachabilityDiff {
    return new ReachabilityDiff(before, after);
  }

  /** Changed pairs, sorted by source then destination. */
  public readonly entries: DiffEntry[];

  private constructor(before: ReachabilityAnalyzer, after: ReachabilityAnalyzer) {
    // refine external ranges of both sides to a common partition, so a range split is not a change
    const cuts: IpInterval[][] = [];
    const all = [...before.connections(), ...after.connections()];
    for (const c of all) for (const p of [c.src, c.dst]) { const r = parseAtom(p); if (r) cuts.push([r]); }
    const refine = (conns: Connection[]): Map<string, Connection> => {
      const m = new Map<string, Connection>();
      for (const c of conns) {
        const rs = parseAtom(c.src);
        const rd = parseAtom(c.dst);
        const srcs = rs ? partition([rs], cuts).map((x) => `${formatInterval(x)}[External]`) : [c.src];
        const dsts = rd ? partition([rd], cuts).map((x) => `${formatInterval(x)}[External]`) : [c.dst];
        for (const s of srcs) for (const d of dsts) m.set(`${s}\0${d}`, { ...c, src: s, dst: d });
      }
      return m;
    };
    const a = refine(before.connections());
    const b = refine(after.connections());
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort(cmp);
    const out: DiffEntry[] = [];
    for (const k of keys) {
      const x = a.get(k);
      const y = b.get(k);
      const [src, dst] = k.split('\0');
      const fx = x ? x.conns + (x.l7.length ? ` [L7: ${x.l7.join('; ')}]` : '') : 'No Connections';
      const fy = y ? y.conns + (y.l7.length ? ` [L7: ${y.l7.join('; ')}]` : '') : 'No Connections';
      if (fx === fy) continue;
      out.push({ diffType: !x ? 'added' : !y ? 'removed' : 'changed', src, dst, ref1: fx, ref2: fy });
    }
    this.entries = out;
  }

  /** True if nothing changed. */
  public get isEmpty(): boolean { return this.entries.length === 0; }

  /** netpol-analyzer's diff text: `diff-type: added, source: X, destination: Y, ref1: ..., ref2: ...`. */
  public toText(): string {
    return this.entries.map((e) => `diff-type: ${e.diffType}, source: ${e.src}, destination: ${e.dst}, ref1: ${e.ref1}, ref2: ${e.ref2}`).join('\n');
  }

  /** Only the connections the change opens (added, or changed to allow more). */
  public opened(): DiffEntry[] {
    return this.entries.filter((e) => e.diffType !== 'removed');
  }
}
