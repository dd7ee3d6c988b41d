import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Enforcement } from './enforcement';
import { Flow } from './flow';
import { mergePorts, NAMESPACE_NAME_LABEL, peerNamespace, podLabelsMemo } from './internal';
import { Peer, PeerKind } from './peer';
import { RenderedNetworkPolicy } from './rendered-network-policy';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { plainWith, shortHash, stableStringify, toKubeName } from '../core/strings';
import { fail } from '../core/validate';

/** Ingress or egress. */
type Direction = 'ingress' | 'egress';

interface PolicyEntry {
  readonly namespace: string;
  readonly direction: Direction;
  /** matchLabels of the local pods ({} = every pod). */
  readonly local: { [key: string]: string };
  readonly localName?: string;
  readonly remote: k8s.NetworkPolicyPeer[];
  readonly remoteName: string;
  readonly key: string;
  ports: Port[];
  allPorts: boolean;
}

/** A peer's pod labels (`podLabelsMemo`). */
type LabelsOf = (p: Peer) => { [key: string]: string } | undefined;

/** Namespace of `peer` (or of the other end, for a relative pod peer); an error when neither end has one. */
function resolveNamespace(path: string, field: string, peer: Peer, other: Peer): string | undefined {
  const ns = peerNamespace(peer, other);
  if (ns === undefined && peer.peerKind !== PeerKind.IP_BLOCKS && peer.namespaceLabels === undefined) {
    return fail(path, `${field}.namespace`, peer.peerName,
      'a namespace for one end at least (Peer.pods(labels, { namespace }), a workload with metadata.namespace, or a ZeroTrustNamespace)');
  }
  return ns;
}

function nsSelectorByName(name: string): k8s.LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: name } };
}

/** The NetworkPolicyPeers of `peer` as seen from a policy in namespace `policyNs`. */
function remotePeers(peer: Peer, resolvedNs: string | undefined, policyNs: string, labelsOf: LabelsOf):
{ peers: k8s.NetworkPolicyPeer[]; name: string } {
  switch (peer.peerKind) {
    case PeerKind.IP_BLOCKS:
      return {
        name: peer.peerName,
        peers: (peer.ipBlocks ?? []).map((b) => ({
          ipBlock: b.exceptCidrs && b.exceptCidrs.length > 0 ? { cidr: b.cidr, except: [...b.exceptCidrs] } : { cidr: b.cidr },
        })),
      };
    case PeerKind.NAMESPACE:
      if (peer.namespace !== undefined) {
        if (peer.namespace === policyNs) {
          return { name: 'same-namespace', peers: [{ podSelector: {} }] };
        }
        return { name: peer.peerName, peers: [{ namespaceSelector: nsSelectorByName(peer.namespace) }] };
      }
      return { name: peer.peerName, peers: [{ namespaceSelector: { matchLabels: { ...(peer.namespaceLabels ?? {}) } } }] };
    case PeerKind.PODS: {
      const podSelector: k8s.LabelSelector = { matchLabels: { ...(labelsOf(peer) ?? {}) } };
      if (peer.namespaceLabels !== undefined) {
        return {
          name: `ns-${peer.peerName}`,
          peers: [{ podSelector, namespaceSelector: { matchLabels: { ...peer.namespaceLabels } } }],
        };
      }
      if (resolvedNs === policyNs) {
        return { name: peer.peerName, peers: [{ podSelector }] };
      }
      return {
        name: peer.peerName === 'dns' ? 'dns' : `${resolvedNs}-${peer.peerName}`,
        peers: [{ podSelector, namespaceSelector: nsSelectorByName(resolvedNs!) }],
      };
    }
    default:
      return fail('Flows', 'peerKind', peer.peerKind, 'one of pods, namespace, ipBlocks');
  }
}

/** Local pods of `peer` in its (resolved) namespace, if the peer can carry a policy. */
function localSelector(peer: Peer, resolvedNs: string | undefined, labelsOf: LabelsOf):
{ ns: string; labels: { [key: string]: string }; name?: string } | undefined {
  if (resolvedNs === undefined) {
    return undefined;
  }
  if (peer.peerKind === PeerKind.NAMESPACE) {
    return { ns: resolvedNs, labels: {} };
  }
  if (peer.peerKind === PeerKind.PODS) {
    const labels = labelsOf(peer) ?? {};
    return { ns: resolvedNs, labels: { ...labels }, name: Object.keys(labels).length === 0 ? undefined : peer.peerName };
  }
  return undefined;
}

function portToKube(p: Port): k8s.NetworkPolicyPort {
  if (p.name !== undefined) {
    return { protocol: p.protocol, port: k8s.IntOrString.fromString(p.name) };
  }
  if (p.portNumber === undefined) {
    return { protocol: p.protocol };
  }
  if (p.endPort !== undefined) {
    return { protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.portNumber), endPort: p.endPort };
  }
  return { protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.portNumber) };
}

function policyName(e: PolicyEntry): string {
  if (e.direction === 'ingress') {
    return e.localName ? `allow-from-${e.remoteName}-to-${e.localName}` : `allow-from-${e.remoteName}`;
  }
  return e.localName ? `allow-to-${e.remoteName}-from-${e.localName}` : `allow-to-${e.remoteName}`;
}

/**
 * The key of a policy entry: `stableStringify({ ns, direction, local, remote })` (it names the
 * policy on a name collision), written directly for the shapes `remotePeers` builds (label maps of
 * strings, IP blocks, selectors by labels); any other shape goes through the generic walk.
 *
 * @internal exported for its test
 */
export function entryKey(ns: string, direction: string, local: unknown, remote: readonly unknown[]): string {
  const labels = labelsJson(local);
  const peers = remote.map(peerJson);
  if (labels === undefined || peers.includes(undefined)) return stableStringify({ ns, direction, local, remote });
  return `{"direction":${JSON.stringify(direction)},"local":${labels},"ns":${JSON.stringify(ns)},"remote":[${peers.join(',')}]}`;
}

/** A map of strings in stableStringify's text; undefined for another shape or a key it would not keep in order. */
function labelsJson(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object' || Object.getPrototypeOf(m) !== Object.prototype) return undefined;
  const labels = m as { [key: string]: unknown };
  let out = '';
  for (const k of Object.keys(labels).sort()) {
    const v = labels[k];
    const c = k.charCodeAt(0);
    // an array index is listed first by the generic walk's copy, `__proto__` is not copied
    if (typeof v !== 'string' || (c >= 48 && c <= 57) || k === '__proto__') return undefined;
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${JSON.stringify(v)}`;
  }
  return `{${out}}`;
}

/** A NetworkPolicyPeer of `remotePeers` in stableStringify's text (members in sorted order), or undefined. */
function peerJson(p: unknown): string | undefined {
  if (!plainWith(p, ['ipBlock', 'namespaceSelector', 'podSelector'])) return undefined;
  const parts: string[] = [];
  if (p.ipBlock !== undefined) {
    const b = p.ipBlock;
    if (!plainWith(b, ['cidr', 'except']) || typeof b.cidr !== 'string') return undefined;
    const except = b.except;
    if (except !== undefined && !(Array.isArray(except) && except.every((x) => typeof x === 'string'))) return undefined;
    const exceptText = except === undefined ? '' : `,"except":[${except.map((x) => JSON.stringify(x)).join(',')}]`;
    parts.push(`"ipBlock":{"cidr":${JSON.stringify(b.cidr)}${exceptText}}`);
  }
  for (const field of ['namespaceSelector', 'podSelector']) {
    const sel = p[field];
    if (sel === undefined) continue;
    if (!plainWith(sel, ['matchLabels'])) return undefined;
    const labels = sel.matchLabels === undefined ? '' : labelsJson(sel.matchLabels);
    if (labels === undefined) return undefined;
    parts.push(`${JSON.stringify(field)}:{${labels === '' ? '' : `"matchLabels":${labels}`}}`);
  }
  return `{${parts.join(',')}}`;
}

/** Computes the policy entries (deterministic, merged) of the managed namespaces. */
function collectEntries(path: string, flows: Flow[], isManaged: (ns: string) => boolean): Map<string, PolicyEntry> {
  const entries = new Map<string, PolicyEntry>();
  const labelsOf = podLabelsMemo();
  const add = (ns: string, direction: Direction, local: { labels: { [key: string]: string }; name?: string },
    remote: Peer, remoteNs: string | undefined, flow: Flow) => {
    const r = remotePeers(remote, remoteNs, ns, labelsOf);
    const key = entryKey(ns, direction, local.labels, r.peers);
    let e = entries.get(key);
    if (!e) {
      e = {
        namespace: ns,
        direction,
        local: local.labels,
        localName: local.name,
        remote: r.peers,
        remoteName: r.name,
        key,
        ports: [],
        allPorts: false,
      };
      entries.set(key, e);
    }
    if (flow.allPorts) {
      e.allPorts = true;
    }
    e.ports = mergePorts([...e.ports, ...flow.ports]);
  };
  flows.forEach((flow, i) => {
    if (!flow.networkLayer) {
      return; // FlowLayers.MESH_ONLY: no NetworkPolicy
    }
    const fromNs = resolveNamespace(path, `flows[${i}].from`, flow.source, flow.destination);
    const toNs = resolveNamespace(path, `flows[${i}].to`, flow.destination, flow.source);
    const src = localSelector(flow.source, fromNs, labelsOf);
    if (src && isManaged(src.ns)) {
      add(src.ns, 'egress', src, flow.destination, toNs, flow);
    }
    const dst = localSelector(flow.destination, toNs, labelsOf);
    if (dst && isManaged(dst.ns)) {
      add(dst.ns, 'ingress', dst, flow.source, fromNs, flow);
    }
  });
  return entries;
}

/** What the renderer needs of the registry. */
export interface FlowSource {
  readonly all: Flow[];
  readonly managedNamespaces: string[];
  isManaged(ns: string): boolean;
}

/** Creates the NetworkPolicies of a Flows registry under it. */
export function renderNetworkPolicies(flows: Construct & FlowSource): void {
  const path = flows.node.path;
  const managed = flows.managedNamespaces;
  const all = flows.all;

  // refuse flows whose local end uses a namespace that does not exist yet? (no: other charts may own it)
  const managedSet = new Set(managed); // flows.isManaged without its argument check per flow end
  const entries = collectEntries(path, all, (ns) => managedSet.has(ns));

  // names: purpose-based, unique per namespace (hash suffix only on collision), <= 63
  const byName = new Map<string, PolicyEntry[]>();
  for (const e of entries.values()) {
    const k = `${e.namespace}/${policyName(e)}`;
    byName.set(k, [...(byName.get(k) ?? []), e]);
  }
  const named: { ns: string; name: string; entry?: PolicyEntry }[] = [];
  for (const ns of managed) {
    named.push({ ns, name: 'default-deny' });
  }
  for (const [k, group] of byName) {
    const base = k.slice(k.indexOf('/') + 1);
    for (const e of group) {
      const name = group.length === 1 ? toKubeName([base]) : toKubeName([base.slice(0, 54), shortHash(e.key, 8)]);
      named.push({ ns: e.namespace, name, entry: e });
    }
  }
  named.sort((a, b) => (a.ns === b.ns ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.ns < b.ns ? -1 : 1));

  // AUDIT: NetworkPolicies have no audit mode and any policy selecting pods isolates them, so the
  // whole namespace's policies are held back into the EnforcementReport (never dropped silently)
  const modes = new Map<string, EnforcementMode>();
  const emit = (id: string, ns: string, name: string, props: k8s.KubeNetworkPolicyProps, reason: string) => {
    if (!modes.has(ns)) {
      modes.set(ns, Enforcement.resolve(flows, { namespace: ns }));
    }
    if (modes.get(ns) === EnforcementMode.AUDIT) {
      Enforcement.holdBack(flows, {
        namespace: ns, kind: 'NetworkPolicy', name, reason, manifest: k8s.KubeNetworkPolicy.manifest(props),
      });
      return;
    }
    new RenderedNetworkPolicy(flows, id, props);
  };
  for (const n of named) {
    const id = `${n.ns}.${n.name}`;
    const e = n.entry;
    if (!e) {
      emit(id, n.ns, n.name, {
        metadata: { name: n.name, namespace: n.ns },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      }, 'default-deny: isolates every pod of the namespace (NetworkPolicy has no audit mode)');
      continue;
    }
    const ports = e.allPorts ? undefined : e.ports.map(portToKube);
    const rule = e.direction === 'ingress'
      ? { from: e.remote, ...(ports ? { ports } : {}) }
      : { to: e.remote, ...(ports ? { ports } : {}) };
    emit(id, n.ns, n.name, {
      metadata: { name: n.name, namespace: n.ns },
      spec: {
        podSelector: { matchLabels: e.local },
        policyTypes: [e.direction === 'ingress' ? 'Ingress' : 'Egress'],
        ...(e.direction === 'ingress' ? { ingress: [rule] } : { egress: [rule] }),
      },
    }, `allow policy: isolates the pods it selects for ${e.direction} (NetworkPolicy has no audit mode)`);
  }
}

