/**
 * Flows -> Istio ALLOW AuthorizationPolicies (internal: used by MtlsMesh).
 */
import { RenderedOperation, RenderedRule, RenderedSource, sortedLabels } from './internal';
import { MeshAuthorization, MeshAction } from './mesh-authorization';
import { UnknownIdentity } from './unknown-identity';
import { Protocol } from '../core/port';
import { plainWith, shortHash, stableStringify, toKubeName } from '../core/strings';
import { fail } from '../core/validate';
import { Flow } from '../flows/flow';
import { Flows } from '../flows/flows';
import { PeerKind } from '../flows/peer';

/** Most ports a TCP range may span to be expanded into AuthorizationPolicy ports. */
const MAX_RANGE_PORTS = 64;

interface Group {
  readonly namespace: string;
  readonly selector?: { [key: string]: string };
  readonly peerName: string;
  readonly rules: RenderedRule[];
  /** stableStringify of each rule, in the order of `rules` (de-duplication and sort keys). */
  readonly ruleKeys: string[];
  /** The same keys, for lookups. */
  readonly keySet: Set<string>;
}

function flowLabel(f: Flow): string {
  return `${f.source.peerName} -> ${f.destination.peerName}`;
}


/** The AuthorizationPolicy sources of a flow's caller. */
export function sourceOf(path: string, f: Flow, trustDomains: string[], unknown: UnknownIdentity): RenderedSource[] {
  const p = f.source;
  const field = `flows[${flowLabel(f)}].from`;
  switch (p.peerKind) {
    case PeerKind.IP_BLOCKS:
      return (p.ipBlocks ?? []).map((b) => (b.except && b.except.length > 0
        ? { ipBlocks: [b.cidr], notIpBlocks: [...b.except] }
        : { ipBlocks: [b.cidr] }));
    case PeerKind.NAMESPACE:
      if (p.namespace !== undefined) {
        return [{ namespaces: [p.namespace] }];
      }
      if (p.namespaceLabels !== undefined && Object.keys(p.namespaceLabels).length === 0) {
        return [{ namespaces: ['*'] }];
      }
      return fail(path, field, p.peerName,
        'a namespace by name (Peer.namespaceByName) or every namespace: AuthorizationPolicy cannot select namespaces by labels');
    default: {
      const ns = f._fromNamespace;
      if (ns === undefined) {
        return fail(path, `${field}.namespace`, p.peerName,
          'a pod source in a namespace given by name: a mesh principal is <trust-domain>/ns/<namespace>/sa/<service-account>');
      }
      const sa = p.serviceAccountName;
      if (sa === undefined || sa === 'default') {
        if (unknown === UnknownIdentity.NAMESPACE) {
          return [{ namespaces: [ns] }];
        }
        return fail(path, `${field}.serviceAccountName`, sa ?? p.peerName,
          `a dedicated service account for the source pods (kplus serviceAccount, or Peer.pods(..., { serviceAccountName })): without it the mesh principal would be the namespace's shared default identity; or use Peer.namespaceByName(${JSON.stringify(ns)}) as the source, or MtlsMesh unknownIdentity: NAMESPACE`);
      }
      return [{ principals: trustDomains.map((td) => `${td}/ns/${ns}/sa/${sa}`) }];
    }
  }
}

/** TCP ports of a flow as AuthorizationPolicy port strings; undefined = any port; [] = no TCP. */
function portsOf(path: string, f: Flow): string[] | undefined {
  if (f.allPorts) {
    return undefined;
  }
  const out: number[] = [];
  for (const port of f.ports) {
    if (port.protocol !== Protocol.TCP) {
      continue; // sidecars proxy TCP only: UDP/SCTP are not subject to AuthorizationPolicy
    }
    if (port.isNamed) {
      fail(path, `flows[${flowLabel(f)}].ports`, port.toString(),
        'numbered ports for flows into a mesh-protected namespace: AuthorizationPolicy matches container port numbers, not names');
    }
    if (port.isAll) {
      return undefined;
    }
    const from = port.portNumber as number;
    const to = port.endPort ?? from;
    if (to - from + 1 > MAX_RANGE_PORTS) {
      fail(path, `flows[${flowLabel(f)}].ports`, port.toString(),
        `a port range of at most ${MAX_RANGE_PORTS} ports: AuthorizationPolicy has no ranges, each port is listed`);
    }
    for (let n = from; n <= to; n++) {
      out.push(n);
    }
  }
  return Array.from(new Set(out)).sort((a, b) => a - b).map(String);
}

/** The rule of one flow: its callers and, when it has any, the operation (ports, HTTP methods and paths). */
function ruleOf(path: string, f: Flow, ports: string[] | undefined, trustDomains: string[], unknown: UnknownIdentity): RenderedRule {
  const op: { -readonly [K in keyof RenderedOperation]: RenderedOperation[K] } = {};
  if (ports !== undefined) {
    op.ports = ports;
  }
  if (f.http?.methods !== undefined && f.http.methods.length > 0) {
    op.methods = [...f.http.methods];
  }
  if (f.http?.paths !== undefined && f.http.paths.length > 0) {
    op.paths = [...f.http.paths];
  }
  return {
    from: sourceOf(path, f, trustDomains, unknown).map((source) => ({ source })),
    to: Object.keys(op).length > 0 ? [{ operation: op }] : undefined,
  };
}

/**
 * `stableStringify(rule)` (it orders the rules of a policy), written directly for the rules
 * `ruleOf` builds (sources and operations of string lists); any other shape goes through the
 * generic walk.
 *
 * @internal exported for its test
 */
export function ruleKey(rule: RenderedRule): string {
  const r: unknown = rule;
  if (!plainWith(r, ['from', 'to'])) return stableStringify(rule);
  const from = wrappedLists(r.from, 'source', ['ipBlocks', 'namespaces', 'notIpBlocks', 'principals']);
  const to = wrappedLists(r.to, 'operation', ['methods', 'notPaths', 'paths', 'ports']);
  if (from === undefined || to === undefined) return stableStringify(rule);
  return `{${[from === '' ? '' : `"from":${from}`, to === '' ? '' : `"to":${to}`].filter((x) => x !== '').join(',')}}`;
}

/**
 * `[{ <member>: { <list>: string[] } }]` in stableStringify's text ('' for undefined), the lists
 * given in sorted order; undefined for another shape.
 */
function wrappedLists(v: unknown, member: string, lists: readonly string[]): string | undefined {
  if (v === undefined) return '';
  if (!Array.isArray(v)) return undefined;
  const items: string[] = [];
  for (const item of v) {
    if (!plainWith(item, [member])) return undefined;
    const inner = item[member];
    if (inner === undefined) {
      items.push('{}');
      continue;
    }
    if (!plainWith(inner, lists)) return undefined;
    const parts: string[] = [];
    for (const k of lists) {
      const list = inner[k];
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined;
      parts.push(`${JSON.stringify(k)}:[${list.map((x) => JSON.stringify(x)).join(',')}]`);
    }
    items.push(`{${JSON.stringify(member)}:{${parts.join(',')}}}`);
  }
  return `[${items.join(',')}]`;
}

/** The group (namespace, workload selector) of a flow's destination, created on first use. */
function groupOf(groups: Map<string, Group>, f: Flow, ns: string): Group {
  const to = f.destination;
  // read once (a workload peer computes its labels on each read)
  const labels = to.peerKind === PeerKind.PODS ? to.podLabels : undefined;
  const selector = labels !== undefined && Object.keys(labels).length > 0 ? sortedLabels(labels) : undefined;
  // a Map key only (never written): the selector's keys are sorted and its values strings
  const key = `${ns}/${JSON.stringify(selector ?? null)}`;
  let g = groups.get(key);
  if (g === undefined) {
    g = { namespace: ns, selector, peerName: selector === undefined ? 'namespace' : to.peerName, rules: [], ruleKeys: [], keySet: new Set() };
    groups.set(key, g);
  }
  return g;
}

/** Adds each group's policy: allow-to-<peer>, with a hash of the selector when two destinations of a namespace share a peer name. */
function addGroupPolicies(groups: Map<string, Group>, protectedNs: Map<string, MeshAuthorization>): void {
  const byName = new Map<string, Group[]>();
  for (const g of groups.values()) {
    const key = `${g.namespace}/${toKubeName(['allow-to', g.peerName])}`;
    byName.set(key, [...(byName.get(key) ?? []), g]);
  }
  for (const key of Array.from(byName.keys()).sort()) {
    const list = byName.get(key)!;
    const base = key.slice(key.indexOf('/') + 1);
    for (const g of list) {
      const name = list.length === 1 ? base : toKubeName([base, shortHash(stableStringify(g.selector ?? {}), 6)]);
      // sorted by their keys, each computed once
      const rules = g.rules.map((rule, i) => ({ rule, key: g.ruleKeys[i] }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((x) => x.rule);
      protectedNs.get(g.namespace)!._addRendered(name, MeshAction.ALLOW, g.selector, rules);
    }
  }
}

/**
 * Renders one ALLOW policy per destination (workload selector or whole namespace) of every flow
 * into a protected namespace (except NETWORK_ONLY flows), one rule per flow.
 */
export function renderFlowAuthorization(path: string, flows: Flows, protectedNs: Map<string, MeshAuthorization>,
  trustDomains: string[], unknown: UnknownIdentity, atWaypoint?: (f: Flow) => boolean): void {
  const groups = new Map<string, Group>();
  for (const f of flows.all) {
    // a flow through a waypoint is authorized there (targetRefs); the ztunnel sees the waypoint's identity
    if (!f.meshLayer || f.destination.peerKind === PeerKind.IP_BLOCKS || atWaypoint?.(f)) {
      continue;
    }
    const ns = f._toNamespace;
    if (ns === undefined || !protectedNs.has(ns)) {
      continue;
    }
    const ports = portsOf(path, f);
    if (ports !== undefined && ports.length === 0) {
      continue; // only UDP/SCTP: not mesh traffic
    }
    const g = groupOf(groups, f, ns);
    const rule = ruleOf(path, f, ports, trustDomains, unknown);
    const rk = ruleKey(rule);
    if (!g.keySet.has(rk)) {
      g.keySet.add(rk);
      g.rules.push(rule);
      g.ruleKeys.push(rk);
    }
  }
  addGroupPolicies(groups, protectedNs);
}
