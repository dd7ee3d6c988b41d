/**
 * Internal helpers of the flows folder (not exported from the package index).
 */
import { IPeer, PeerKind } from './peer';
import { Port } from '../core/port';
import { stableStringify } from '../core/strings';

/** The label every namespace carries (set by Kubernetes since 1.21): its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Stable identity of a peer (used to merge and sort). */
export function peerKey(p: IPeer): string {
  return stableStringify({
    k: p.peerKind,
    ns: p.namespace,
    nsl: p.namespaceLabels,
    pl: p.podLabels,
    ip: p.ipBlocks,
  });
}

/** Sorted ports without duplicates or ports contained in another port of the list. */
export function mergePorts(ports: Port[]): Port[] {
  const sorted = [...ports].sort(Port.compare);
  const out: Port[] = [];
  for (const p of sorted) {
    if (out.some((q) => q.contains(p))) {
      continue;
    }
    for (let i = out.length - 1; i >= 0; i--) {
      if (p.contains(out[i])) {
        out.splice(i, 1);
      }
    }
    out.push(p);
  }
  return out.sort(Port.compare);
}


/**
 * Namespace of `peer`, or of the other end when `peer` is a relative pod peer (no namespace of its
 * own); undefined for IP blocks, for namespaces selected by labels, and when neither end knows.
 */
export function peerNamespace(peer: IPeer, other: IPeer): string | undefined {
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
