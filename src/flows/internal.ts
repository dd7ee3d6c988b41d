/**
 * Internal helpers of the flows folder (not exported from the package index).
 */
import { Peer, PeerKind } from './peer';
import { Port } from '../core/port';
import { stableStringify } from '../core/strings';

/** The label every namespace carries (set by Kubernetes since 1.21): its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Stable identity of a peer (used to merge and sort). */
export function peerKey(p: Peer): string {
  const key = {
    ip: p.ipBlocks?.map((b) => (b.exceptCidrs ? { cidr: b.cidr, except: b.exceptCidrs } : { cidr: b.cidr })),
    k: p.peerKind,
    ns: p.namespace,
    nsl: p.namespaceLabels,
    pl: p.podLabels,
  };
  if (!stringMap(key.nsl) || !stringMap(key.pl) || !(key.ip ?? []).every((b) => typeof b.cidr === 'string' && (b.except === undefined || strings(b.except)))) {
    return stableStringify(key);
  }
  // stableStringify's text, made without its generic walk: the members are in sorted order already
  // (ip, k, ns, nsl, pl; cidr, except), the labels' keys are sorted here and every value is a string
  return JSON.stringify({ ...key, nsl: key.nsl && sortedKeys(key.nsl), pl: key.pl && sortedKeys(key.pl) });
}

/**
 * `peer.podLabels`, read once per workload while the memo is used: within one computation over
 * the flows (no code runs meanwhile that may change a selector). The labels returned are shared:
 * callers copy them before changing them.
 */
export function podLabelsMemo(): (p: Peer) => { [key: string]: string } | undefined {
  const byWorkload = new Map<object, { [key: string]: string } | undefined>();
  return (p) => {
    const w = p._workload;
    if (w === undefined) return p.podLabels;
    if (byWorkload.has(w)) return byWorkload.get(w);
    const labels = p.podLabels;
    byWorkload.set(w, labels);
    return labels;
  };
}

/** True for undefined or an object whose values are all strings. */
function stringMap(m: { [key: string]: string } | undefined): boolean {
  if (m === undefined) return true;
  for (const k of Object.keys(m)) if (typeof m[k] !== 'string') return false;
  return true;
}

/** True for an array of strings only. */
export function strings(a: readonly unknown[]): boolean {
  return Array.isArray(a) && a.every((x) => typeof x === 'string');
}

/** A copy of `m` with its keys added in sorted order (as stableStringify writes an object). */
function sortedKeys(m: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

/**
 * Sorted ports without duplicates or ports contained in another port of the list. One sweep over
 * the sorted list (linear after the sort; a flow may list every port one by one): all-ports of a
 * protocol come first and contain the rest of it; numbered ports come by first then last port, so
 * a port is contained iff the kept one with the highest last port reaches it.
 */
export function mergePorts(ports: Port[]): Port[] {
  const sorted = [...ports].sort(Port.compare);
  const out: Port[] = [];
  let all: Port | undefined;
  let lastNumbered: Port | undefined;
  for (const p of sorted) {
    if (all !== undefined && all.protocol === p.protocol) continue;
    const prev = out[out.length - 1];
    if (p.isAll) {
      all = p;
    } else if (p.isNamed) {
      if (prev !== undefined && prev.isEqual(p)) continue;
    } else {
      const last = lastNumbered !== undefined && lastNumbered.protocol === p.protocol ? lastNumbered : undefined;
      if (last !== undefined && last.contains(p)) continue;
      // same first port, larger range: it contains the one kept just before
      while (out.length > 0 && out[out.length - 1] === last && last.portNumber === p.portNumber) out.pop();
      lastNumbered = p;
    }
    out.push(p);
  }
  return out;
}

/**
 * Namespace of `peer`, or of the other end when `peer` is a relative pod peer (no namespace of its
 * own); undefined for IP blocks, for namespaces selected by labels, and when neither end knows.
 */
export function peerNamespace(peer: Peer, other: Peer): string | undefined {
  if (peer.peerKind === PeerKind.IP_BLOCKS) {
    return undefined;
  }
  if (peer.namespace !== undefined) {
    return peer.namespace;
  }
  if (peer.namespaceLabels !== undefined) {
    return undefined;
  }
  return other.peerKind !== PeerKind.IP_BLOCKS ? other.namespace : undefined;
}
