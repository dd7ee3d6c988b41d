import { AnalysisError } from './analysis-error';
import { ConnSet } from './conn-set';
import { IpInterval, parseCidr } from './ip-range';
import { ContainerPort } from './model';
import { Selector } from './selector';

/** The Network Policy API group (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy). */
const TIER_GROUP = 'policy.networking.k8s.io';
/** The tier kinds the analyzer evaluates, by `apiVersion/kind` (internal). */
export const TIER_KINDS = [
  `${TIER_GROUP}/v1alpha1/AdminNetworkPolicy`,
  `${TIER_GROUP}/v1alpha1/BaselineAdminNetworkPolicy`,
  `${TIER_GROUP}/v1alpha2/ClusterNetworkPolicy`,
];

/** One peer of a tier rule (internal); a peer of a kind the analyzer does not model matches nothing. */
export interface TierPeer {
  /** `namespaces`: every pod of the selected namespaces. */
  readonly namespaces?: Selector;
  /** `pods`: namespace selector and pod selector, both must match. */
  readonly podNamespaces?: Selector;
  readonly pods?: Selector;
  /** `networks` (egress only): CIDRs. */
  readonly networks?: IpInterval[];
  /** `nodes` or `domainNames`: not modelled (matches no peer). */
  readonly unmodelled?: string;
}

/** One port entry (internal): a number or range of a protocol, or a named container port (any protocol). */
export interface TierPort { readonly protocol?: string; readonly port?: number; readonly end?: number; readonly named?: string }

/** Normalised action: Accept (v1alpha2) and Allow (v1alpha1) are the same. */
export type TierAction = 'Allow' | 'Deny' | 'Pass';

/** A rule of a tier policy (internal). `ports` undefined = every port. */
export interface TierRule {
  readonly index: number;
  readonly name: string;
  readonly action: TierAction;
  /** The action as written (`Accept` or `Allow`, `Deny`, `Pass`). */
  readonly word: string;
  readonly peers: TierPeer[];
  readonly ports?: TierPort[];
}

/** A cluster-wide policy of the Admin or Baseline tier (internal). */
export interface TierPolicy {
  readonly kind: string;
  readonly name: string;
  readonly tier: 'Admin' | 'Baseline';
  /** Lower first; a BaselineAdminNetworkPolicy (no priority) comes after every Baseline-tier ClusterNetworkPolicy. */
  readonly priority: number;
  readonly subjectNamespaces: Selector;
  /** undefined = every pod of the subject namespaces. */
  readonly subjectPods?: Selector;
  readonly ingress: TierRule[];
  readonly egress: TierRule[];
}

/** The part of the connections one tier rule (or tier) decided, for reports (internal). */
export interface TierDecision {
  /** `Admin`, `NetworkPolicy`, `Baseline` or `Default`. */
  readonly tier: string;
  /** `Admin/<policy>/<rule>`, `Baseline/<policy>/<rule>`, NetworkPolicy names, or `default allow`. */
  readonly by: string;
  /** `Allow`, `Deny` or `Pass` (Pass never ends a decision: the next tier's decision follows). */
  readonly action: string;
  readonly conns: ConnSet;
}

/** The one field set among `keys`; `what` names the object as netpol-analyzer's errors do ("a subject", "a rule peer"). */
function one(o: any, keys: string[], where: string, what: string): string {
  const set = keys.filter((k) => o?.[k] !== undefined && o?.[k] !== null);
  const other = Object.keys(o ?? {}).filter((k) => !keys.includes(k));
  if (set.length + other.length !== 1) {
    throw new AnalysisError(`${where}: exactly one field must be set in ${what} (one of ${keys.join(', ')}; got ${[...set, ...other].join(', ') || 'none'})`);
  }
  return set[0] ?? other[0];
}

/** A label selector; anything but a mapping is refused (a string would otherwise select everything). */
function selector(v: any, where: string): Selector {
  if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) {
    throw new AnalysisError(`${where}: expected a label selector (a mapping with matchLabels/matchExpressions), got ${JSON.stringify(v)}`);
  }
  return Selector.parse(v ?? {}, where);
}

function parseSubject(s: any, where: string): { ns: Selector; pods?: Selector } {
  const k = one(s, ['namespaces', 'pods'], where, 'a subject');
  if (k === 'namespaces') return { ns: selector(s.namespaces, `${where}.namespaces`) };
  if (k !== 'pods') throw new AnalysisError(`${where}: unknown subject "${k}" (valid: namespaces, pods)`);
  return { ns: selector(s.pods.namespaceSelector, `${where}.pods.namespaceSelector`), pods: selector(s.pods.podSelector, `${where}.pods.podSelector`) };
}

function parsePeer(p: any, where: string, egress: boolean): TierPeer {
  const keys = egress ? ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'] : ['namespaces', 'pods'];
  const k = one(p, keys, where, 'a rule peer');
  if (!keys.includes(k)) throw new AnalysisError(`${where}: unknown peer "${k}" (valid: ${keys.join(', ')})`);
  switch (k) {
    case 'namespaces': return { namespaces: selector(p.namespaces, `${where}.namespaces`) };
    case 'pods': return {
      podNamespaces: selector(p.pods.namespaceSelector, `${where}.pods.namespaceSelector`),
      pods: selector(p.pods.podSelector, `${where}.pods.podSelector`),
    };
    case 'networks':
      if (!Array.isArray(p.networks) || !p.networks.length) throw new AnalysisError(`${where}.networks: expected a list of CIDRs, got ${JSON.stringify(p.networks)}`);
      return { networks: p.networks.map((c: string, i: number) => parseCidr(String(c), `${where}.networks[${i}]`)) };
    case 'nodes': case 'domainNames': return { unmodelled: k };
    default: throw new AnalysisError(`${where}: unknown peer "${k}" (valid: ${keys.join(', ')})`);
  }
}

function portNumber(v: any, where: string): number {
  if (!Number.isInteger(v) || v < 1 || v > 65535) throw new AnalysisError(`${where}: port ${JSON.stringify(v)} is not valid (valid: 1-65535)`);
  return v;
}

function protocolOf(v: any, where: string): string {
  const p = String(v ?? 'TCP').toUpperCase();
  if (!['TCP', 'UDP', 'SCTP'].includes(p)) throw new AnalysisError(`${where}: invalid protocol "${v}" (valid: TCP, UDP, SCTP)`);
  return p;
}

function range(protocol: string, start: any, end: any, where: string): TierPort {
  const s = portNumber(start, `${where}.start`);
  const e = portNumber(end, `${where}.end`);
  if (e < s) {
    throw new AnalysisError(`${where}: port range ${s}-${e} is legal; start and end values of the port range should be in {1-65535} `
      + `and end may not be less than start (end ${e} is less than start ${s})`);
  }
  return { protocol, port: s, end: e };
}

/** v1alpha1 `ports`: portNumber, portRange or namedPort. */
function parsePortV1(p: any, where: string): TierPort {
  const k = one(p, ['portNumber', 'portRange', 'namedPort'], where, 'an AdminNetworkPolicyPort');
  if (k === 'portNumber') return { protocol: protocolOf(p.portNumber.protocol, `${where}.portNumber.protocol`), port: portNumber(p.portNumber.port, `${where}.portNumber.port`) };
  if (k === 'portRange') return range(protocolOf(p.portRange.protocol, `${where}.portRange.protocol`), p.portRange.start, p.portRange.end, `${where}.portRange`);
  if (k === 'namedPort') return { named: String(p.namedPort) };
  throw new AnalysisError(`${where}: unknown port "${k}" (valid: portNumber, portRange, namedPort)`);
}

/** v1alpha2 `protocols`: tcp/udp/sctp with an optional destinationPort, or destinationNamedPort. */
function parseProtocolV2(p: any, where: string): TierPort {
  const k = one(p, ['tcp', 'udp', 'sctp', 'destinationNamedPort'], where, 'a protocol');
  if (k === 'destinationNamedPort') return { named: String(p.destinationNamedPort) };
  if (!['tcp', 'udp', 'sctp'].includes(k)) throw new AnalysisError(`${where}: unknown protocol "${k}" (valid: tcp, udp, sctp, destinationNamedPort)`);
  const protocol = k.toUpperCase();
  const dp = p[k]?.destinationPort;
  if (dp === undefined || dp === null) return { protocol };
  const w = `${where}.${k}.destinationPort`;
  const which = one(dp, ['number', 'range'], w, 'a destinationPort');
  if (which === 'number') return { protocol, port: portNumber(dp.number, `${w}.number`) };
  if (which !== 'range') throw new AnalysisError(`${w}: unknown field "${which}" (valid: number, range)`);
  return range(protocol, dp.range.start, dp.range.end, `${w}.range`);
}

function parseTierRules(rules: any, dir: 'ingress' | 'egress', v2: boolean, actions: string[], where: string): TierRule[] {
  if (rules !== undefined && rules !== null && !Array.isArray(rules)) throw new AnalysisError(`${where}.spec.${dir}: expected a list`);
  return (rules ?? []).map((r: any, i: number) => {
    const w = `${where}.spec.${dir}[${i}]`;
    const word = String(r?.action);
    if (!actions.includes(word)) throw new AnalysisError(`${w}.action: unrecognized action ${JSON.stringify(r?.action)} (valid: ${actions.join(', ')})`);
    const peerKey = dir === 'ingress' ? 'from' : 'to';
    const raw = r?.[peerKey];
    if (!Array.isArray(raw) || !raw.length) {
      throw new AnalysisError(`${w}.${peerKey}: ${peerKey} field must be defined and contain at least one item (a rule needs at least one peer; got ${JSON.stringify(raw ?? null)})`);
    }
    const peers = raw.map((p: any, j: number) => parsePeer(p, `${w}.${peerKey}[${j}]`, dir === 'egress'));
    const portKey = v2 ? 'protocols' : 'ports';
    const rawPorts = r?.[portKey];
    const ports = Array.isArray(rawPorts) && rawPorts.length
      ? rawPorts.map((p: any, j: number) => (v2 ? parseProtocolV2 : parsePortV1)(p, `${w}.${portKey}[${j}]`))
      : undefined;
    const action: TierAction = word === 'Accept' ? 'Allow' : word as TierAction;
    return { index: i, name: r?.name ? String(r.name) : String(i), action, word, peers, ports };
  });
}

/** Parses an AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) or ClusterNetworkPolicy (v1alpha2) (internal). */
export function parseTierPolicy(o: any): TierPolicy {
  const kind = String(o.kind);
  const name = String(o.metadata?.name ?? '');
  const where = `${kind} ${name}`;
  const spec = o.spec ?? {};
  const v2 = kind === 'ClusterNetworkPolicy';
  let tier: 'Admin' | 'Baseline' = kind === 'BaselineAdminNetworkPolicy' ? 'Baseline' : 'Admin';
  if (v2) {
    if (spec.tier !== 'Admin' && spec.tier !== 'Baseline') throw new AnalysisError(`${where}.spec.tier: invalid value ${JSON.stringify(spec.tier)} (valid: Admin, Baseline)`);
    tier = spec.tier;
  }
  if (kind === 'BaselineAdminNetworkPolicy' && name !== 'default') {
    throw new AnalysisError(`${where}: only one baseline admin network policy with metadata.name=default can be created in the cluster `
      + `(the BaselineAdminNetworkPolicy is a singleton; got metadata.name ${JSON.stringify(name)})`);
  }
  let priority = Number.MAX_SAFE_INTEGER;
  if (kind !== 'BaselineAdminNetworkPolicy') {
    if (!Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > 1000) {
      const what = kind === 'AdminNetworkPolicy' ? 'Admin Network Policy' : kind;
      throw new AnalysisError(`${where}.spec.priority: Invalid Priority Value: ${JSON.stringify(spec.priority)} in ${what}: ${JSON.stringify(name)}; `
        + 'Priority value must be between 0-1000 (an integer)');
    }
    priority = spec.priority;
  }
  const subject = parseSubject(spec.subject, `${where}.spec.subject`);
  const actions = v2 ? ['Accept', 'Deny', 'Pass'] : kind === 'AdminNetworkPolicy' ? ['Allow', 'Deny', 'Pass'] : ['Allow', 'Deny'];
  return {
    kind,
    name,
    tier,
    priority,
    subjectNamespaces: subject.ns,
    subjectPods: subject.pods,
    ingress: parseTierRules(spec.ingress, 'ingress', v2, actions, where),
    egress: parseTierRules(spec.egress, 'egress', v2, actions, where),
  };
}

/**
 * Tier evaluation order: by priority (lower first); ties, which the API leaves to the
 * implementation, by kind (AdminNetworkPolicy before ClusterNetworkPolicy) then name, so the
 * analysis is deterministic (internal).
 */
export function tierOrder(a: TierPolicy, b: TierPolicy): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Throws if two policies of the same tier with the same priority have rules of the same direction
 * for one pod (`pols`: the policies that select it, in evaluation order; `pod` names it): the API
 * leaves their order undefined, so which of their rules decides a connection is not known (internal).
 */
export function checkDistinctPriorities(pols: TierPolicy[], pod: string): void {
  for (let i = 0; i < pols.length; i++) {
    for (let j = i + 1; j < pols.length && pols[j].priority === pols[i].priority; j++) {
      const [a, b] = [pols[i], pols[j]];
      const both = (['ingress', 'egress'] as const).find((d) => a[d].length && b[d].length);
      if (a.tier !== b.tier || a.kind === 'BaselineAdminNetworkPolicy' || !both) continue;
      throw new AnalysisError(`${a.kind} "${a.name}" and ${b.kind} "${b.name}" both have priority ${a.priority} and ${both} rules for ${pod}: `
        + 'Two policies are considered to be conflicting if they are assigned the same priority. (The API leaves their order '
        + 'undefined, so which rule decides is not known: give them distinct priorities.)');
    }
  }
}

/** The connections a tier rule's ports mean toward a destination with these container ports (undefined = an IP). */
export function tierRuleConns(rule: TierRule, dstPorts: ContainerPort[] | undefined): ConnSet {
  if (!rule.ports) return ConnSet.ALL;
  let c = ConnSet.NONE;
  for (const p of rule.ports) {
    if (p.named !== undefined) {
      for (const cp of dstPorts ?? []) if (cp.name === p.named) c = c.union(ConnSet.of(cp.protocol, cp.port));
    } else {
      c = c.union(ConnSet.of(p.protocol!, p.port, p.end));
    }
  }
  return c;
}

/** A tier rule with its policy (internal). */
export interface TierRuleRef { readonly policy: TierPolicy; readonly rule: TierRule }

/** How one direction of one connection is evaluated across the tiers (internal). */
export interface TierInput {
  /** Admin-tier rules whose policy selects the pod, in evaluation order. */
  readonly admin: TierRuleRef[];
  /** Baseline-tier rules whose policy selects the pod, in evaluation order. */
  readonly baseline: TierRuleRef[];
  /** What the pod's NetworkPolicies allow (undefined = no NetworkPolicy isolates it in this direction). */
  readonly np: ConnSet | undefined;
  /** The NetworkPolicies that isolate the pod (for reports). */
  readonly npNames: string[];
  /** True if the rule's peers include the other end. */
  readonly matches: (r: TierRule) => boolean;
  /** The connections a rule's ports mean toward the destination. */
  readonly conns: (r: TierRule) => ConnSet;
}

function label(ref: TierRuleRef): string {
  return `${ref.policy.tier}/${ref.policy.name}/${ref.rule.name}`;
}

/**
 * Admin tier (first matching rule per port: Allow/Accept ends with allow, Deny with deny, Pass
 * hands the port to the next tier), then the NetworkPolicies (if any isolate the pod), then the
 * Baseline tier (first matching rule; Pass there leaves the port to the default), then allow.
 * Returns the allowed connections; `decisions` receives who decided which part (internal).
 */
export function evaluateTiers(t: TierInput, decisions?: TierDecision[]): ConnSet {
  let rest = ConnSet.ALL;
  let allowed = ConnSet.NONE;
  let passed = ConnSet.NONE;
  const note = (tier: string, by: string, action: string, conns: ConnSet): void => {
    if (decisions && !conns.isEmpty) decisions.push({ tier, by, action, conns });
  };
  for (const ref of t.admin) {
    if (rest.isEmpty) break;
    if (!t.matches(ref.rule)) continue;
    const c = t.conns(ref.rule).intersect(rest);
    if (c.isEmpty) continue;
    rest = rest.subtract(c);
    note('Admin', label(ref), ref.rule.action, c);
    if (ref.rule.action === 'Allow') allowed = allowed.union(c);
    else if (ref.rule.action === 'Pass') passed = passed.union(c);
  }
  let next = rest.union(passed);
  if (t.np) {
    const a = next.intersect(t.np);
    note('NetworkPolicy', t.npNames.join(', '), 'Allow', a);
    note('NetworkPolicy', t.npNames.join(', '), 'Deny', next.subtract(t.np));
    return allowed.union(a);
  }
  let passedOn = ConnSet.NONE;
  for (const ref of t.baseline) {
    if (next.isEmpty) break;
    if (!t.matches(ref.rule)) continue;
    const c = t.conns(ref.rule).intersect(next);
    if (c.isEmpty) continue;
    next = next.subtract(c);
    note('Baseline', label(ref), ref.rule.action, c);
    if (ref.rule.action === 'Allow') allowed = allowed.union(c);
    else if (ref.rule.action === 'Pass') passedOn = passedOn.union(c);
  }
  const rest2 = next.union(passedOn);
  note('Default', 'default allow', 'Allow', rest2);
  return allowed.union(rest2);
}
