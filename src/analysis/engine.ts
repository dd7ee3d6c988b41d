/* eslint-disable no-bitwise */
import { ConnSet } from './conn-set';
import { formatInterval, fullRange, IpInterval, parseCidr, partition } from './ip-range';
import { gateConns, LbGate, LoadBalancerGates } from './load-balancer';
import { ContainerPort, ParsedResources, PeerSpec, PodInfo, PolicySpec, RuleSpec } from './model';
import { checkOwnerLabelGaps } from './owner-labels';
import { Selector } from './selector';
import { checkDistinctPriorities, evaluateTiers, TierDecision, TierPeer, TierPolicy, TierRule, TierRuleRef, tierOrder, tierRuleConns } from './tiers';
import { workloadId } from './workload-id';

/** Pods that are indistinguishable for NetworkPolicy purposes (same ns, labels, ports) (internal). */
export interface PodClass {
  readonly index: number;
  readonly ns: string;
  readonly labels: { [k: string]: string };
  readonly nsLabels: { [k: string]: string };
  readonly ports: ContainerPort[];
  /**
   * hostNetwork pods: never selected by a NetworkPolicy nor by pod/namespace selectors; their
   * traffic is node traffic, matched only by ipBlocks that contain a node address.
   */
  readonly host: boolean;
}

/** A workload: pods grouped by owner (internal). */
export interface Workload {
  readonly id: string;
  readonly ns: string;
  readonly name: string;
  readonly kind: string;
  readonly rep: PodInfo;
  readonly cls: PodClass;
}

/** Engine options (internal mirror of AnalyzerOptions). */
export interface EngineOptions {
  readonly ingressControllerNamespace: string;
  readonly ingressControllerLabels: { [k: string]: string };
  readonly externalUniverse?: string[];
  readonly nodeCidrs?: string[];
  readonly podCidrs?: string[];
  readonly hostNetworkAsNode: boolean;
  /**
   * Source addresses that are external atoms of their own, whatever the ipBlocks: the kubelet's
   * probe address of ambient pods, which Istio treats unlike the addresses around it.
   */
  readonly sourceCuts?: IpInterval[];
}

/** A reason a rule contributes to a connection (for explain). */
export interface RuleHit {
  readonly policy: string;
  readonly direction: string;
  readonly rule: number;
  readonly conns: ConnSet;
  /** Named ports of the rule that cannot match the destination (an IP address: named ports are pod ports). */
  readonly unresolvedNamedPorts: string[];
}

export const INGRESS_CONTROLLER = '{ingress-controller}';

type ConnMap = Map<number, ConnSet>;

/** The Admin- and Baseline-tier rules that apply to a class in one direction. */
interface TierRules { readonly admin: TierRuleRef[]; readonly baseline: TierRuleRef[] }

const NO_TIERS: TierRules = { admin: [], baseline: [] };

/** The other end of a connection: a pod class or an external atom. */
export interface EnginePeer { readonly cls?: PodClass; readonly atom?: number }

/** The external address space: the option, else IPv4 (and IPv6 when some block is IPv6). */
function externalUniverse(opts: EngineOptions, blocks: IpInterval[][]): IpInterval[] {
  if (opts.externalUniverse && opts.externalUniverse.length) {
    return opts.externalUniverse.map((c, i) => parseCidr(c, `options.externalUniverse[${i}]`));
  }
  const universe = [fullRange(false)];
  if (blocks.some((b) => b.some((r) => r.v6))) universe.push(fullRange(true));
  return universe;
}

/** Parsed CIDR option (undefined when not given or empty). */
function cidrList(cidrs: string[] | undefined, where: string): IpInterval[] | undefined {
  return cidrs && cidrs.length ? cidrs.map((c, i) => parseCidr(c, `${where}[${i}]`)) : undefined;
}

/** The NetworkPolicies of a namespace (indexes into `ParsedResources.policies`): by a `key=value` their podSelector requires, or always candidates. */
interface PolicyIndex { readonly always: number[]; readonly byLabel: Map<string, Map<string, number[]>> }

/** The policies of a namespace whose podSelector selects `labels`, in input order. */
function policiesSelecting(policies: PolicySpec[], index: PolicyIndex | undefined, labels: { [k: string]: string }): PolicySpec[] {
  if (index === undefined) return [];
  let candidates = index.always;
  for (const k of Object.keys(labels)) {
    const hits = index.byLabel.get(k)?.get(labels[k]);
    if (hits !== undefined) candidates = candidates === index.always ? [...candidates, ...hits] : candidates.concat(hits);
  }
  if (candidates !== index.always) candidates.sort((a, b) => a - b);
  return candidates.map((i) => policies[i]).filter((p) => p.podSelector.matches(labels));
}

/**
 * Pod labels as a class key part, in key order: each string with its length (no escaping needed),
 * or JSON when a value is no string (JSON starts otherwise).
 */
function labelsKey(labels: { [k: string]: string }): string {
  const keys = Object.keys(labels);
  if (keys.length > 1) keys.sort();
  let out = `${keys.length}|`;
  for (const k of keys) {
    const v = labels[k];
    if (typeof v !== 'string') return JSON.stringify(keys.map((x) => [x, labels[x]]));
    out += `${k.length}:${k}${v.length}:${v}`;
  }
  return out;
}

/** The NetworkPolicy evaluation core. Indexes selectors by class and caches per policy set. */
export class Engine {
  public readonly classes: PodClass[] = [];
  public readonly workloads: Workload[] = [];
  /** External atoms as sources (split by ingress ipBlocks) and as destinations (split by egress ipBlocks). */
  public readonly atomsIn: IpInterval[];
  public readonly atomNamesIn: string[];
  public readonly atomsOut: IpInterval[];
  public readonly atomNamesOut: string[];
  public readonly controllerClass: PodClass;
  /** The addresses hostNetwork pods' traffic comes from (node addresses; undefined = unknown: any address). */
  public readonly nodeSpace: IpInterval[] | undefined;
  /** The addresses pods get (undefined = unknown: only a whole address family surely holds them). */
  public readonly podSpace: IpInterval[] | undefined;
  private readonly hostClasses: PodClass[] = [];
  private readonly classesByNs = new Map<string, PodClass[]>();
  private readonly peerClassCache = new Map<PeerSpec, PodClass[]>();
  /** Classes by the peer's namespace (its selector's text, or the policy's namespace), then its pod selector's text. */
  private readonly peerSigCache = { bySelector: new Map<string, Map<string, PodClass[]>>(), byName: new Map<string, Map<string, PodClass[]>>() };
  private readonly nsSelCache = new Map<string, string[]>();
  /** Source-ranged LoadBalancer Services, and per class the ones it is reached through from outside (null: none). */
  private readonly lb: LoadBalancerGates;
  private readonly gates: Array<LbGate[] | null> = [];
  private nsIndex?: Map<string, Map<string, string[]>>;
  /** Namespaces in the order of `classesByNs` (the order selectors list them in). */
  private readonly nsOrder = new Map<string, number>();
  private readonly egressByClass: Array<{ pods: ConnMap; atoms: ConnMap } | null | undefined> = [];
  private readonly ingressByClass: Array<{ pods: ConnMap; atoms: ConnMap } | null | undefined> = [];
  private readonly peerAtomCache = new Map<string, Map<PeerSpec, number[]>>([['ingress', new Map()], ['egress', new Map()]]);
  private readonly egressPols: PolicySpec[][] = [];
  private readonly ingressPols: PolicySpec[][] = [];
  private readonly egressCache = new Map<string, { pods: ConnMap; atoms: ConnMap }>();
  private readonly ingressCache = new Map<string, { pods: ConnMap; atoms: ConnMap }>();
  /** Per class: the tier rules of the policies whose subject selects it (undefined = none). */
  private readonly tierEgress: Array<TierRules | undefined> = [];
  private readonly tierIngress: Array<TierRules | undefined> = [];

  constructor(public readonly res: ParsedResources, opts: EngineOptions) {
    checkOwnerLabelGaps(res);
    this.controllerClass = this.indexClasses(res, opts);
    const blocksIn: IpInterval[][] = [];
    const blocksOut: IpInterval[][] = [];
    for (const pol of res.policies) {
      for (const r of pol.ingress ?? []) for (const p of r.peers ?? []) if (p.ipBlock) blocksIn.push(p.ipBlock);
      for (const r of pol.egress ?? []) for (const p of r.peers ?? []) if (p.ipBlock) blocksOut.push(p.ipBlock);
    }
    for (const pol of res.tierPolicies) for (const r of pol.egress) for (const p of r.peers) if (p.networks) blocksOut.push(p.networks);
    this.lb = new LoadBalancerGates(res.services);
    blocksIn.push(...this.lb.allRanges);
    const universe = externalUniverse(opts, [...blocksIn, ...blocksOut]);
    this.nodeSpace = cidrList(opts.nodeCidrs, 'options.nodeCidrs');
    this.podSpace = cidrList(opts.podCidrs, 'options.podCidrs');
    this.atomsIn = partition(universe, [...blocksIn, ...(opts.sourceCuts ?? []).map((c) => [c])]);
    this.atomNamesIn = this.atomsIn.map((a) => `${formatInterval(a)}[External]`);
    this.atomsOut = partition(universe, blocksOut);
    this.atomNamesOut = this.atomsOut.map((a) => `${formatInterval(a)}[External]`);
    this.indexPolicies(res);
    this.indexTiers([...res.tierPolicies].sort(tierOrder));
  }

  /** Groups the pods into classes and workloads; returns the ingress controller's class. */
  private indexClasses(res: ParsedResources, opts: EngineOptions): PodClass {
    const classKey = new Map<string, PodClass>();
    const seen = new Set<string>();
    const mkClass = (ns: string, labels: { [k: string]: string }, ports: ContainerPort[], host: boolean): PodClass => {
      const key = `${ns}\0${labelsKey(labels)}\0${JSON.stringify(ports)}\0${host}`;
      let c = classKey.get(key);
      if (!c) {
        // a hostNetwork pod is reached at a node address: named ports never resolve against it
        c = { index: this.classes.length, ns, labels, nsLabels: res.namespaces.get(ns) ?? { 'kubernetes.io/metadata.name': ns }, ports: host ? [] : ports, host };
        this.addClass(c);
        classKey.set(key, c);
      }
      return c;
    };
    for (const p of res.pods) {
      const id = workloadId(p.ns, p.ownerName, p.ownerKind);
      if (seen.has(id)) continue;
      seen.add(id);
      const cls = mkClass(p.ns, p.labels, p.ports, p.hostNetwork && opts.hostNetworkAsNode);
      this.workloads.push({ id, ns: p.ns, name: p.ownerName, kind: p.ownerKind, rep: p, cls });
    }
    this.workloads.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // the ingress controller: a pod outside the analysed workloads
    const icNs = opts.ingressControllerNamespace;
    const nsLabels = res.namespaces.get(icNs) ?? { 'kubernetes.io/metadata.name': icNs };
    const controller = { index: this.classes.length, ns: icNs, labels: opts.ingressControllerLabels, nsLabels, ports: [], host: false };
    this.addClass(controller);
    return controller;
  }

  private addClass(c: PodClass): void {
    this.classes.push(c);
    if (c.host) this.hostClasses.push(c);
    if (!this.classesByNs.has(c.ns)) this.classesByNs.set(c.ns, []);
    this.classesByNs.get(c.ns)!.push(c);
  }

  /** Per class and direction: the NetworkPolicies whose podSelector selects it. */
  private indexPolicies(res: ParsedResources): void {
    const polsByNs = new Map<string, PolicyIndex>();
    res.policies.forEach((p, i) => {
      let index = polsByNs.get(p.ns);
      if (index === undefined) { index = { always: [], byLabel: new Map() }; polsByNs.set(p.ns, index); }
      // a podSelector with a `key in (values)` requirement selects only pods with one of those labels: looked up by label
      const eq = p.podSelector.equality;
      if (eq === undefined) { index.always.push(i); return; }
      let byValue = index.byLabel.get(eq.key);
      if (byValue === undefined) { byValue = new Map(); index.byLabel.set(eq.key, byValue); }
      for (const v of eq.values.length === 1 ? eq.values : new Set(eq.values)) {
        const list = byValue.get(v);
        if (list === undefined) byValue.set(v, [i]); else list.push(i);
      }
    });
    for (const c of this.classes) {
      const pols = c.host ? [] : policiesSelecting(res.policies, polsByNs.get(c.ns), c.labels);
      this.egressPols.push(pols.filter((p) => p.egress));
      this.ingressPols.push(pols.filter((p) => p.ingress));
    }
  }

  /** Indexes, per class and direction, the tier rules of the policies whose subject selects it. */
  private indexTiers(pols: TierPolicy[]): void {
    if (pols.length === 0) {
      // no tier policy (the usual case): no class has tier rules
      this.tierEgress.length = this.tierIngress.length = this.classes.length;
      this.tierEgress.fill(undefined);
      this.tierIngress.fill(undefined);
      return;
    }
    for (const c of this.classes) {
      // hostNetwork pods are node traffic: no tier policy subject selects them
      const sel = c.host ? [] : pols.filter((p) => p.subjectNamespaces.matches(c.nsLabels) && (!p.subjectPods || p.subjectPods.matches(c.labels)));
      if (c !== this.controllerClass && sel.length > 1) checkDistinctPriorities(sel, this.workloads.find((w) => w.cls === c)?.id ?? `pods of namespace ${c.ns}`);
      const rules = (dir: 'ingress' | 'egress'): TierRules | undefined => {
        const refs = (tier: string): TierRuleRef[] => sel.filter((p) => p.tier === tier).flatMap((p) => p[dir].map((rule) => ({ policy: p, rule })));
        const out = { admin: refs('Admin'), baseline: refs('Baseline') };
        return out.admin.length || out.baseline.length ? out : undefined;
      };
      this.tierEgress.push(rules('egress'));
      this.tierIngress.push(rules('ingress'));
    }
  }

  /** True if a tier rule's peer is the other end of the connection. */
  private tierPeerMatches(p: TierPeer, peer: EnginePeer): boolean {
    const c = peer.cls;
    if (p.networks) {
      if (peer.atom !== undefined) {
        const a = this.atomsOut[peer.atom];
        return p.networks.some((n) => n.v6 === a.v6 && n.lo <= a.lo && a.hi <= n.hi);
      }
      if (!c) return false;
      return c.host ? this.blockHasNode({ ipBlock: p.networks }) : this.networksHavePods(p.networks);
    }
    if (!c || c.host) return false;
    if (p.namespaces) return p.namespaces.matches(c.nsLabels);
    if (p.pods) return p.podNamespaces!.matches(c.nsLabels) && p.pods.matches(c.labels);
    return false;
  }

  /**
   * True if tier `networks` hold pod addresses: they match cluster traffic too (the API's
   * "Deny 0.0.0.0/0 denies pod-to-pod traffic as well"). With pod CIDRs, any overlap (a pod may
   * get any of their addresses); without, only a whole address family surely holds them.
   */
  private networksHavePods(nets: IpInterval[]): boolean {
    if (this.podSpace) return nets.some((n) => this.podSpace!.some((q) => q.v6 === n.v6 && q.lo <= n.hi && n.lo <= q.hi));
    return nets.some((n) => { const f = fullRange(n.v6); return n.lo === f.lo && n.hi === f.hi; });
  }

  /** One direction of a connection through the tiers; `np` is what the NetworkPolicies allow (undefined = not isolated). */
  private tiered(rules: TierRules, np: ConnSet | undefined, npNames: string[], peer: EnginePeer,
    dstPorts: ContainerPort[] | undefined, decisions?: TierDecision[]): ConnSet {
    return evaluateTiers({
      admin: rules.admin,
      baseline: rules.baseline,
      np,
      npNames,
      matches: (r: TierRule) => r.peers.some((p) => this.tierPeerMatches(p, peer)),
      conns: (r: TierRule) => tierRuleConns(r, dstPorts),
    }, decisions);
  }

  /** What the egress side allows from `s` to `peer`, across the tiers. */
  public egressConns(s: PodClass, peer: EnginePeer, decisions?: TierDecision[]): ConnSet {
    const e = this.egressOf(s);
    const np = e ? (peer.cls ? e.pods.get(peer.cls.index) : e.atoms.get(peer.atom!)) ?? ConnSet.NONE : undefined;
    const rules = this.tierEgress[s.index];
    if (!rules && !decisions) return np ?? ConnSet.ALL;
    const dstPorts = peer.cls ? peer.cls.ports : undefined;
    return this.tiered(rules ?? NO_TIERS, np, this.egressPols[s.index].map((p) => `${p.ns}/${p.name}`), peer, dstPorts, decisions);
  }

  /** What the ingress side allows into `d` from `peer`, across the tiers. */
  public ingressConns(d: PodClass, peer: EnginePeer, decisions?: TierDecision[]): ConnSet {
    const i = this.ingressOf(d);
    const np = i ? (peer.cls ? i.pods.get(peer.cls.index) : i.atoms.get(peer.atom!)) ?? ConnSet.NONE : undefined;
    const rules = this.tierIngress[d.index];
    if (!rules && !decisions) return np ?? ConnSet.ALL;
    return this.tiered(rules ?? NO_TIERS, np, this.ingressPols[d.index].map((p) => `${p.ns}/${p.name}`), peer, d.ports, decisions);
  }

  /**
   * Who decides which part of one direction of a connection: Admin-tier rules, the NetworkPolicies
   * that isolate `selected`, Baseline-tier rules or the default (hostNetwork pods: the default).
   */
  public decide(dir: 'ingress' | 'egress', selected: PodClass, peer: EnginePeer): TierDecision[] {
    if (selected.host) return [{ tier: 'Default', by: 'default allow', action: 'Allow', conns: ConnSet.ALL }];
    const out: TierDecision[] = [];
    if (dir === 'egress') this.egressConns(selected, peer, out);
    else this.ingressConns(selected, peer, out);
    return out;
  }

  /** True if some Admin- or Baseline-tier policy selects the class for this direction. */
  public hasTiers(c: PodClass, dir: 'ingress' | 'egress'): boolean {
    return !!(dir === 'egress' ? this.tierEgress : this.tierIngress)[c.index];
  }

  /** Classes a (pod/namespace selector) peer of a policy in `ns` selects. */
  public peerClasses(peer: PeerSpec, ns: string): PodClass[] {
    let out = this.peerClassCache.get(peer);
    if (out) return out;
    // peers with the same selectors select the same classes: share the work (by the selectors' texts,
    // made once per selector: no key is built per peer)
    const byNs = peer.namespaceSelector ? this.peerSigCache.bySelector : this.peerSigCache.byName;
    const first = peer.namespaceSelector ? peer.namespaceSelector.toString() : ns;
    let byPods = byNs.get(first);
    if (byPods === undefined) { byPods = new Map(); byNs.set(first, byPods); }
    const second = peer.podSelector ? peer.podSelector.toString() : '*';
    out = byPods.get(second);
    if (out) { this.peerClassCache.set(peer, out); return out; }
    out = [];
    byPods.set(second, out);
    if (!peer.ipBlock) {
      const nss = peer.namespaceSelector ? this.namespacesOf(peer.namespaceSelector) : [ns];
      for (const n of nss) {
        for (const c of this.classesByNs.get(n) ?? []) if (!c.host && (!peer.podSelector || peer.podSelector.matches(c.labels))) out.push(c);
      }
    }
    this.peerClassCache.set(peer, out);
    return out;
  }

  /** The namespaces (with classes) a namespaceSelector selects, cached by selector. */
  private namespacesOf(sel: Selector): string[] {
    const key = sel.toString();
    let out = this.nsSelCache.get(key);
    if (!out) {
      const eq = sel.equality;
      let candidates: Iterable<string> = this.classesByNs.keys();
      if (eq) {
        const byValue = this.nsLabelIndex().get(eq.key);
        const order = this.nsOrder;
        candidates = [...new Set(eq.values.flatMap((v) => byValue?.get(v) ?? []))].sort((a, b) => order.get(a)! - order.get(b)!);
      }
      out = [...candidates].filter((n) => sel.matches(this.classesByNs.get(n)![0].nsLabels));
      this.nsSelCache.set(key, out);
    }
    return out;
  }

  /** Namespaces (with classes) by label key and value. */
  private nsLabelIndex(): Map<string, Map<string, string[]>> {
    if (this.nsIndex) return this.nsIndex;
    const index = new Map<string, Map<string, string[]>>();
    for (const [n, cs] of this.classesByNs) {
      this.nsOrder.set(n, this.nsOrder.size);
      for (const [k, v] of Object.entries(cs[0].nsLabels)) {
        if (!index.has(k)) index.set(k, new Map());
        const byValue = index.get(k)!;
        if (!byValue.has(v)) byValue.set(v, []);
        byValue.get(v)!.push(n);
      }
    }
    this.nsIndex = index;
    return index;
  }

  /** Atom indexes an ipBlock peer contains. */
  public peerAtoms(peer: PeerSpec, dir: string): number[] {
    const cache = this.peerAtomCache.get(dir)!;
    let out = cache.get(peer);
    if (out) return out;
    out = [];
    const atoms = dir === 'ingress' ? this.atomsIn : this.atomsOut;
    for (const r of peer.ipBlock ?? []) {
      // atoms are sorted (IPv4 first) and never straddle an ipBlock edge: binary search the first one inside
      let lo = 0;
      let hi = atoms.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const a = atoms[mid];
        if (a.v6 < r.v6 || (a.v6 === r.v6 && a.lo < r.lo)) lo = mid + 1; else hi = mid;
      }
      for (let i = lo; i < atoms.length && atoms[i].v6 === r.v6 && atoms[i].hi <= r.hi; i++) out.push(i);
    }
    cache.set(peer, out);
    return out;
  }

  /** True if an ipBlock peer admits node traffic (some node address is inside it). */
  public blockHasNode(peer: PeerSpec): boolean {
    const blocks = peer.ipBlock ?? [];
    if (!this.nodeSpace) return blocks.length > 0;
    return blocks.some((b) => this.nodeSpace!.some((n) => n.v6 === b.v6 && n.lo <= b.hi && b.lo <= n.hi));
  }

  /** Named ports of a rule that cannot match an IP destination. */
  public namedPorts(rule: RuleSpec): string[] {
    return rule.ports.filter((p) => typeof p.port === 'string').map((p) => `${p.protocol}/${p.port}`);
  }

  /** The connections a rule's ports mean toward a destination with these container ports (undefined = an IP). */
  public ruleConns(rule: RuleSpec, dstPorts: ContainerPort[] | undefined): ConnSet {
    if (rule.fixed) return rule.fixed;
    let c = ConnSet.NONE;
    for (const p of rule.ports) {
      if (typeof p.port === 'string') {
        for (const cp of dstPorts ?? []) if (cp.name === p.port && cp.protocol === p.protocol) c = c.union(ConnSet.of(p.protocol, cp.port));
      } else {
        c = c.union(ConnSet.of(p.protocol, p.port, p.endPort));
      }
    }
    return c;
  }

  private buildMap(pols: PolicySpec[], dir: 'ingress' | 'egress', selfPorts: ContainerPort[]): { pods: ConnMap; atoms: ConnMap } {
    const pods: ConnMap = new Map();
    const atoms: ConnMap = new Map();
    const atomCount = (dir === 'ingress' ? this.atomsIn : this.atomsOut).length;
    for (const pol of pols) {
      for (const r of pol[dir] ?? []) {
        const selfConns = dir === 'ingress' ? this.ruleConns(r, selfPorts) : undefined;
        const add = (c: PodClass): void => {
          const conns = selfConns ?? this.ruleConns(r, c.ports);
          if (!conns.isEmpty) pods.set(c.index, (pods.get(c.index) ?? ConnSet.NONE).union(conns));
        };
        const addAtom = (i: number): void => {
          const conns = selfConns ?? this.ruleConns(r, undefined);
          if (!conns.isEmpty) atoms.set(i, (atoms.get(i) ?? ConnSet.NONE).union(conns));
        };
        if (!r.peers) {
          this.classes.forEach(add);
          for (let i = 0; i < atomCount; i++) addAtom(i);
        } else {
          for (const p of r.peers) {
            if (p.ipBlock) {
              this.peerAtoms(p, dir).forEach(addAtom);
              if (this.hostClasses.length && this.blockHasNode(p)) this.hostClasses.forEach(add);
            } else {
              this.peerClasses(p, pol.ns).forEach(add);
            }
          }
        }
      }
    }
    return { pods, atoms };
  }


  private egressOf(c: PodClass): { pods: ConnMap; atoms: ConnMap } | undefined {
    let m = this.egressByClass[c.index];
    if (m === undefined) { m = this.computeEgress(c) ?? null; this.egressByClass[c.index] = m; }
    return m ?? undefined;
  }

  private ingressOf(c: PodClass): { pods: ConnMap; atoms: ConnMap } | undefined {
    let m = this.ingressByClass[c.index];
    if (m === undefined) { m = this.computeIngress(c) ?? null; this.ingressByClass[c.index] = m; }
    return m ?? undefined;
  }

  private computeEgress(c: PodClass): { pods: ConnMap; atoms: ConnMap } | undefined {
    const pols = this.egressPols[c.index];
    if (!pols.length) return undefined;
    const key = pols.map((p) => `${p.ns}/${p.name}`).join('\0');
    let m = this.egressCache.get(key);
    if (!m) { m = this.buildMap(pols, 'egress', c.ports); this.egressCache.set(key, m); }
    return m;
  }

  private computeIngress(c: PodClass): { pods: ConnMap; atoms: ConnMap } | undefined {
    const pols = this.ingressPols[c.index];
    if (!pols.length) return undefined;
    const named = pols.some((p) => (p.ingress ?? []).some((r) => !r.fixed));
    const key = pols.map((p) => `${p.ns}/${p.name}`).join('\0') + (named ? `\0${JSON.stringify(c.ports)}` : '');
    let m = this.ingressCache.get(key);
    if (!m) { m = this.buildMap(pols, 'ingress', c.ports); this.ingressCache.set(key, m); }
    return m;
  }

  /** Pod classes a class may reach by its egress policies (undefined = not egress-isolated: all). */
  public egressTargets(s: PodClass): number[] | undefined {
    if (this.tierEgress[s.index]) return undefined;
    const e = this.egressOf(s);
    return e ? [...e.pods.keys()] : undefined;
  }

  /** External atoms a class may reach by its egress policies (undefined = not egress-isolated: all). */
  public egressAtomTargets(s: PodClass): number[] | undefined {
    if (this.tierEgress[s.index]) return undefined;
    const e = this.egressOf(s);
    return e ? [...e.atoms.keys()].sort((a, b) => a - b) : undefined;
  }

  /**
   * {@link podToPod} for one pair, without the per-class maps: a flow proof judges a few pairs per
   * class, and matching the rules of the policies that isolate each end against the other end costs
   * less than mapping every class those rules select. Tier policies take the mapped path.
   */
  public pairConns(s: PodClass, d: PodClass): ConnSet {
    if (this.tierEgress[s.index] || this.tierIngress[d.index]) return this.podToPod(s, d);
    const egress = this.egressPols[s.index];
    const eg = egress.length ? this.rulesConns(egress, 'egress', d, d.ports) : ConnSet.ALL;
    if (eg.isEmpty) return eg;
    const ingress = this.ingressPols[d.index];
    return ingress.length ? eg.intersect(this.rulesConns(ingress, 'ingress', s, d.ports)) : eg;
  }

  /** What the rules of `pols` in one direction allow with class `peer` (as {@link buildMap} maps it). */
  private rulesConns(pols: PolicySpec[], dir: 'ingress' | 'egress', peer: PodClass, dstPorts: ContainerPort[]): ConnSet {
    let out = ConnSet.NONE;
    // plain loops and named members: this runs for every judged pair
    for (const pol of pols) {
      const rules = dir === 'egress' ? pol.egress : pol.ingress;
      for (const r of rules ?? []) {
        if (r.peers === undefined || this.anyPeerSelects(r.peers, pol.ns, peer)) out = out.union(this.ruleConns(r, dstPorts));
      }
    }
    return out;
  }

  private anyPeerSelects(peers: PeerSpec[], ns: string, c: PodClass): boolean {
    for (const p of peers) if (this.peerSelects(p, ns, c)) return true;
    return false;
  }

  /** True if a peer of a policy in `ns` selects class `c` (as {@link peerClasses} and the node ipBlocks do). */
  private peerSelects(p: PeerSpec, ns: string, c: PodClass): boolean {
    if (p.ipBlock) return c.host && this.blockHasNode(p);
    if (c.host) return false;
    if (p.namespaceSelector ? !p.namespaceSelector.matches(c.nsLabels) : c.ns !== ns) return false;
    return !p.podSelector || p.podSelector.matches(c.labels);
  }

  /** Allowed connections from a pod class to a pod class. */
  public podToPod(s: PodClass, d: PodClass): ConnSet {
    if (this.tierEgress[s.index] || this.tierIngress[d.index]) {
      const eg = this.egressConns(s, { cls: d });
      return eg.isEmpty ? eg : eg.intersect(this.ingressConns(d, { cls: s }));
    }
    const e = this.egressOf(s);
    const eg = e ? e.pods.get(d.index) ?? ConnSet.NONE : ConnSet.ALL;
    if (eg.isEmpty) return eg;
    const i = this.ingressOf(d);
    const ig = i ? i.pods.get(s.index) ?? ConnSet.NONE : ConnSet.ALL;
    return eg.intersect(ig);
  }

  /** Allowed connections from a pod class to an external atom. */
  public podToAtom(s: PodClass, atom: number): ConnSet {
    if (this.tierEgress[s.index]) return this.egressConns(s, { atom });
    const e = this.egressOf(s);
    return e ? e.atoms.get(atom) ?? ConnSet.NONE : ConnSet.ALL;
  }

  /** Allowed connections from an external atom to a pod class (through its source-ranged load balancers, if any). */
  public atomToPod(atom: number, d: PodClass): ConnSet {
    let np: ConnSet;
    if (this.tierIngress[d.index]) {
      np = this.ingressConns(d, { atom });
    } else {
      const i = this.ingressOf(d);
      np = i ? i.atoms.get(atom) ?? ConnSet.NONE : ConnSet.ALL;
    }
    const gates = this.gatesOf(d);
    return gates && !np.isEmpty ? np.intersect(gateConns(gates, this.atomsIn[atom])) : np;
  }

  /** Why an external atom reaches a gated class on what it does (none: not an atom to a gated class). */
  public gateNotes(atom: number | undefined, d: PodClass | undefined): string[] {
    const gates = atom === undefined || !d ? undefined : this.gatesOf(d);
    if (!gates || atom === undefined) return [];
    const through = gateConns(gates, this.atomsIn[atom]);
    const names = gates.map((g) => `${g.service} (${g.ranges.map(formatInterval).join(', ')})`).join(', ');
    return [`external: reached from outside only through LoadBalancer Service${gates.length > 1 ? 's' : ''} ${names} (loadBalancerSourceRanges): from ${this.atomNamesIn[atom]} ${through.isEmpty ? 'none of them admits it' : `they carry ${through}`}`];
  }

  /** The source-ranged LoadBalancer Services a class is reached through from outside the cluster (undefined: not limited). */
  public gatesOf(d: PodClass): LbGate[] | undefined {
    let g = this.gates[d.index];
    if (g === undefined) { g = this.lb.gatesOf(d.ns, d.labels, d.ports) ?? null; this.gates[d.index] = g; }
    return g ?? undefined;
  }

  /** Slow, explained evaluation of one direction (for `explain`). */
  public explainDirection(selected: PodClass, dir: 'ingress' | 'egress', peer: { cls?: PodClass; atom?: number }, dstPorts: ContainerPort[] | undefined): { isolated: boolean; policies: string[]; hits: RuleHit[] } {
    const pols = dir === 'egress' ? this.egressPols[selected.index] : this.ingressPols[selected.index];
    const hits: RuleHit[] = [];
    for (const pol of pols) {
      for (const r of pol[dir] ?? []) {
        let match = !r.peers;
        for (const p of r.peers ?? []) {
          if (peer.cls && !p.ipBlock && this.peerClasses(p, pol.ns).includes(peer.cls)) match = true;
          if (peer.cls?.host && p.ipBlock && this.blockHasNode(p)) match = true;
          if (peer.atom !== undefined && p.ipBlock && this.peerAtoms(p, dir).includes(peer.atom)) match = true;
        }
        if (match) {
          const toIp = dir === 'egress' && (peer.atom !== undefined || !!peer.cls?.host);
          hits.push({ policy: `${pol.ns}/${pol.name}`, direction: dir, rule: r.index, conns: this.ruleConns(r, dstPorts), unresolvedNamedPorts: toIp ? this.namedPorts(r) : [] });
        }
      }
    }
    return { isolated: pols.length > 0, policies: pols.map((p) => `${p.ns}/${p.name}`), hits };
  }
}
