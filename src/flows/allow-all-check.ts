/**
 * Allow-all in disguise at declaration (internal, SECURITY.md finding 12): a flow on every port
 * whose other end is every address or every namespace opens everything in that direction, as an
 * empty NetworkPolicy rule would. The chart's Kyverno guardrails refuse such a policy written by
 * a tenant; the library refuses to write one unless asked for explicitly.
 */
import { Peer, PeerKind } from './peer';
import { fail } from '../core/validate';

/** Why `peer` covers every source or destination, or undefined. */
function coversEverything(peer: Peer): string | undefined {
  if (peer.peerKind === PeerKind.NAMESPACE && peer.namespace === undefined
    && peer.namespaceLabels !== undefined && Object.keys(peer.namespaceLabels).length === 0) {
    return 'every namespace';
  }
  if (peer.peerKind !== PeerKind.IP_BLOCKS) return undefined;
  const open = (peer.ipBlocks ?? []).filter((b) => (b.except ?? []).length === 0).map((b) => b.cidr);
  const whole = open.filter((c) => c.endsWith('/0'));
  if (whole.length > 0) return `ipBlock ${whole.join(', ')}`;
  const halves = (v6: boolean) => open.filter((c) => c.endsWith('/1') && c.includes(':') === v6);
  const pair = [halves(false), halves(true)].find((h) => h.length > 1);
  return pair ? `ipBlocks ${pair.join(', ')} (both halves of the address space)` : undefined;
}

/**
 * Refuses a flow on every port (`allPorts`) between a peer and every address (an ipBlock `/0`
 * without except, or both `/1` halves) or every namespace, unless `allowEveryPeer` is true.
 *
 * @param path the flow's construct path
 * @param source the resolved source
 * @param destination the resolved destination
 * @param allPorts the flow's allPorts
 * @param allowEveryPeer the caller's explicit opt-in
 */
export function checkFlowNotAllowAll(path: string, source: Peer, destination: Peer, allPorts: boolean, allowEveryPeer: boolean | undefined): void {
  if (!allPorts || allowEveryPeer === true) return;
  for (const [field, peer] of [['from', source], ['to', destination]] as const) {
    const why = coversEverything(peer);
    if (why !== undefined) {
      fail(path, field, `${peer.peerName} (${why}) on allPorts`,
        'named ports, or a peer narrower than every address / every namespace: this flow opens everything in that direction, '
        + 'which undoes deny by default and which the AdmissionGuardrails refuse from tenants (set allowEveryPeer: true if that is meant)');
    }
  }
}
