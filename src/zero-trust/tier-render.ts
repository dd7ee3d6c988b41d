/**
 * Internal: the cluster-wide policy tiers (Network Policy API) as one neutral model, rendered as
 * ClusterNetworkPolicy v1alpha2 or AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1, the
 * per-chart priority registry, and the synthesis-time emission that AUDIT holds back.
 * Not exported from the package index.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { NetworkPolicyApiVersion } from './policy-tier';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { fail, validateDns1123Label } from '../core/validate';
import { Enforcement } from '../flows/enforcement';
import { Flows } from '../flows/flows';
import { AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy } from '../imports/policy.networking.k8s.io';

export const TIER_API_GROUP = 'policy.networking.k8s.io';
/** The label Kubernetes sets on every namespace: its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Priorities of both tiers (both API versions). */
export const MAX_TIER_PRIORITY = 1000;

export type TierAction = 'Accept' | 'Deny' | 'Pass';
export type TierName = 'Admin' | 'Baseline';

/** A label selector as the Network Policy API takes it. */
export interface TierSelector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** One peer (one-of, as both API versions require). */
export interface TierPeer {
  readonly namespaces?: TierSelector;
  readonly pods?: { namespaceSelector: TierSelector; podSelector: TierSelector };
  readonly networks?: string[];
}

export interface TierRule {
  readonly name: string;
  readonly action: TierAction;
  readonly peers: TierPeer[];
  /** undefined: every port. */
  readonly ports?: Port[];
}

export interface TierPolicy {
  readonly tier: TierName;
  /** v1alpha2 name (v1alpha1 BANP is always `default`). */
  readonly name: string;
  readonly priority: number;
  /** The namespaces whose pods are the subject. */
  readonly subject: TierSelector;
  readonly ingress: TierRule[];
  readonly egress: TierRule[];
}

/** The API kind a policy of `tier` has in `version`. */
export function tierKind(tier: TierName, version: NetworkPolicyApiVersion): string {
  if (version === NetworkPolicyApiVersion.V1ALPHA2) return 'ClusterNetworkPolicy';
  return tier === 'Admin' ? 'AdminNetworkPolicy' : 'BaselineAdminNetworkPolicy';
}

function sortedSelector(s: TierSelector): any {
  const out: any = {};
  if (s.matchLabels && Object.keys(s.matchLabels).length > 0) {
    out.matchLabels = Object.fromEntries(Object.keys(s.matchLabels).sort().map((k) => [k, s.matchLabels![k]]));
  }
  if (s.matchExpressions && s.matchExpressions.length > 0) {
    out.matchExpressions = s.matchExpressions
      .map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values].sort() } : {}) }));
  }
  return out;
}

function peerJson(p: TierPeer): any {
  if (p.namespaces) return { namespaces: sortedSelector(p.namespaces) };
  if (p.pods) return { pods: { namespaceSelector: sortedSelector(p.pods.namespaceSelector), podSelector: sortedSelector(p.pods.podSelector) } };
  return { networks: [...(p.networks ?? [])] };
}

/** v1alpha2 `protocols`: every port of a protocol is the range 1-65535 (a protocol needs a destinationPort). */
function protocolsV2(ports: Port[]): any[] {
  return ports.map((p) => {
    if (p.isNamed) return { destinationNamedPort: p.name };
    const proto = p.protocol.toLowerCase();
    if (p.isAll) return { [proto]: { destinationPort: { range: { start: 1, end: 65535 } } } };
    if (p.isRange) return { [proto]: { destinationPort: { range: { start: p.portNumber, end: p.endPort } } } };
    return { [proto]: { destinationPort: { number: p.portNumber } } };
  });
}

/** v1alpha1 `ports` (named ports are experimental in v1alpha1: refused before this is called). */
function portsV1(ports: Port[]): any[] {
  return ports.map((p) => {
    if (p.isAll) return { portRange: { protocol: p.protocol, start: 1, end: 65535 } };
    if (p.isRange) return { portRange: { protocol: p.protocol, start: p.portNumber, end: p.endPort } };
    return { portNumber: { protocol: p.protocol, port: p.portNumber } };
  });
}

function ruleJson(r: TierRule, dir: 'from' | 'to', version: NetworkPolicyApiVersion, tier: TierName): any {
  let action: string = r.action;
  if (version === NetworkPolicyApiVersion.V1ALPHA1) {
    if (r.action === 'Pass' && tier === 'Baseline') fail('BaselineAdminNetworkPolicy', 'action', 'Pass', 'Allow or Deny (the Baseline tier has no Pass)');
    action = r.action === 'Accept' ? 'Allow' : r.action;
  }
  const out: any = { name: r.name, action, [dir]: r.peers.map(peerJson) };
  if (r.ports !== undefined) {
    if (version === NetworkPolicyApiVersion.V1ALPHA2) out.protocols = protocolsV2(r.ports);
    else out.ports = portsV1(r.ports);
  }
  return out;
}

/** The manifest of `p` in `version` (plain JSON). */
export function tierManifest(p: TierPolicy, version: NetworkPolicyApiVersion): any {
  const v2 = version === NetworkPolicyApiVersion.V1ALPHA2;
  const spec: any = {};
  if (v2) spec.tier = p.tier;
  if (v2 || p.tier === 'Admin') spec.priority = p.priority;
  spec.subject = { namespaces: sortedSelector(p.subject) };
  if (p.ingress.length > 0) spec.ingress = p.ingress.map((r) => ruleJson(r, 'from', version, p.tier));
  if (p.egress.length > 0) spec.egress = p.egress.map((r) => ruleJson(r, 'to', version, p.tier));
  const name = !v2 && p.tier === 'Baseline' ? 'default' : p.name;
  return { apiVersion: `${TIER_API_GROUP}/${version}`, kind: tierKind(p.tier, version), metadata: { name }, spec };
}

/** Creates the object of `manifest` with the typed binding of its kind. */
function createTierObject(scope: Construct, id: string, manifest: any): ApiObject {
  const props = { metadata: manifest.metadata, spec: manifest.spec };
  switch (manifest.kind) {
    case 'ClusterNetworkPolicy': return new ClusterNetworkPolicy(scope, id, props);
    case 'AdminNetworkPolicy': return new AdminNetworkPolicy(scope, id, props);
    default: return new BaselineAdminNetworkPolicy(scope, id, props);
  }
}

const REGISTRY = Symbol.for('cdk8s-zero-trust.policy-tiers');

interface TierRegistry {
  /** `tier/priority` -> construct path. */
  readonly priorities: Map<string, string>;
}

function registryOf(scope: IConstruct): TierRegistry {
  const chart = Chart.of(scope);
  let r = (chart as any)[REGISTRY] as TierRegistry | undefined;
  if (!r) {
    r = { priorities: new Map() };
    Object.defineProperty(chart, REGISTRY, { value: r, enumerable: false });
  }
  return r;
}

/**
 * Validates and claims `count` consecutive priorities from `first` in `tier` for the construct at
 * `path`: ties are undefined upstream ("the outcome is undefined" when two policies of one tier
 * with the same priority match a connection), so one chart may not hold two.
 */
export function claimPriorities(scope: IConstruct, field: string, tier: TierName, first: number, count: number): void {
  const path = scope.node.path;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first + count - 1 > MAX_TIER_PRIORITY) {
    const what = count === 1 ? 'an integer priority' : `the first of ${count} consecutive integer priorities`;
    fail(path, field, first, `${what} from 0 to ${MAX_TIER_PRIORITY} (lower is evaluated first)${count > 1 ? `, so at most ${MAX_TIER_PRIORITY - count + 1}` : ''}`);
  }
  const reg = registryOf(scope);
  for (let p = first; p < first + count; p++) {
    const other = reg.priorities.get(`${tier}/${p}`);
    if (other !== undefined) {
      fail(path, field, first, `a ${tier}-tier priority no other policy of this chart uses: ${p} is taken by ${other} (two policies with one priority in a tier are evaluated in an undefined order upstream)`);
    }
  }
  for (let p = first; p < first + count; p++) reg.priorities.set(`${tier}/${p}`, path);
}

/** How a tier policy behaves in the staged rollout. */
export interface TierEmitOptions {
  readonly version: NetworkPolicyApiVersion;
  /** The construct's own `enforcement` prop. */
  readonly enforcement?: EnforcementMode;
  /** The policy denies (Deny rules): AUDIT holds it back, AUDIT namespaces leave its subject. */
  readonly denies: boolean;
  /** Why it is held back (the EnforcementReport line). */
  readonly reason: string;
}

/**
 * Emits `policy` at synthesis (modes are read then): in AUDIT (the construct's, or a scope's) a
 * denying policy is held back into the EnforcementReport; in ENFORCE, namespaces whose own mode
 * is AUDIT leave its subject (their NetworkPolicies are held back: a Deny would still cut them
 * off) and are listed as held back for that namespace.
 */
export function emitTierPolicy(scope: Construct, id: string, policy: TierPolicy, o: TierEmitOptions): void {
  Flows.of(scope).addRenderer({
    renderFlows: () => {
      const mode = Enforcement.resolve(scope, { override: o.enforcement });
      const enforced = tierManifest(policy, o.version);
      if (o.denies && mode === EnforcementMode.AUDIT) {
        Enforcement.holdBack(scope, { namespace: '*', kind: enforced.kind, name: enforced.metadata.name, reason: o.reason, manifest: enforced });
        return;
      }
      const audit = o.denies ? Enforcement.auditNamespaces(scope) : [];
      if (audit.length === 0) {
        createTierObject(scope, id, enforced);
        return;
      }
      for (const ns of audit) {
        Enforcement.holdBack(scope, {
          namespace: ns,
          kind: enforced.kind,
          name: enforced.metadata.name,
          manifest: enforced,
          reason: `${o.reason}; this namespace is left out of its subject while it is in AUDIT`,
        });
      }
      const subject: TierSelector = {
        ...policy.subject,
        matchExpressions: [...(policy.subject.matchExpressions ?? []), { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: audit }],
      };
      createTierObject(scope, id, tierManifest({ ...policy, subject }, o.version));
    },
  });
}

/** Refuses named ports with v1alpha1 (its standard channel has `portNumber` and `portRange` only). */
export function checkTierPorts(path: string, field: string, ports: Port[] | undefined, version: NetworkPolicyApiVersion): void {
  (ports ?? []).forEach((p, i) => {
    if (p.isNamed && version === NetworkPolicyApiVersion.V1ALPHA1) {
      fail(path, `${field}[${i}]`, p.toString(), 'a port number or range with apiVersion v1alpha1 (named ports are experimental there; v1alpha2 has destinationNamedPort)');
    }
  });
}

/** The `apiVersion` prop of a tier construct, checked. */
export function checkApiVersion(path: string, v: NetworkPolicyApiVersion | undefined): NetworkPolicyApiVersion {
  const version = v ?? NetworkPolicyApiVersion.V1ALPHA2;
  if (!Object.values(NetworkPolicyApiVersion).includes(version)) {
    fail(path, 'apiVersion', version, 'NetworkPolicyApiVersion.V1ALPHA2 (v1alpha2) or NetworkPolicyApiVersion.V1ALPHA1 (v1alpha1)');
  }
  return version;
}

/** Validates a list of namespace names (`field[i]`), returning a sorted copy without duplicates. */
export function namespaceNames(path: string, field: string, list: string[] | undefined): string[] {
  (list ?? []).forEach((n, i) => validateDns1123Label(path, `${field}[${i}]`, n));
  return Array.from(new Set(list ?? [])).sort();
}
