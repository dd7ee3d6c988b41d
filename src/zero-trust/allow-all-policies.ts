/**
 * The "no allow-all policy" guardrail (internal): the Kyverno validate rules that refuse a
 * NetworkPolicy or Istio AuthorizationPolicy that opens everything, and the same judgement in
 * TypeScript for the synthesis-time model (deployment-model.ts).
 */

/** Every address, as a NetworkPolicy ipBlock or an Istio ipBlock writes it. */
const EVERY_ADDRESS = ['0.0.0.0/0', '::/0'];

// JMESPath (Kyverno): an empty list, object or null is false, so `!ports` is "no ports" (all ports),
// `!@` on a peer is the empty peer, `!(ipBlock.except)` is "no exception" (`!` binds tighter than `.`).
const everyPeer = (peers: string): string =>
  `!${peers} || ${peers}[?!@ || (contains(\`${JSON.stringify(EVERY_ADDRESS)}\`, ipBlock.cidr) && !(ipBlock.except))]`;

/** How many ingress (egress) rules of the NetworkPolicy allow every source (destination) on every port. */
export const NETPOL_ALLOW_ALL_KEY = (direction: 'ingress' | 'egress'): string =>
  `{{ (request.object.spec.${direction} || \`[]\`)[?!ports && (${everyPeer(direction === 'ingress' ? 'from' : 'to')})] | length(@) }}`;

/** How many rules of an ALLOW AuthorizationPolicy match every request (no from, to or when). */
export const AUTHZ_ALLOW_ALL_KEY = '{{ ((request.object.spec.action || \'ALLOW\') == \'ALLOW\' && (request.object.spec.rules || `[]`)[?!from && !to && !when]) || `[]` | length(@) }}';

/** The message of the NetworkPolicy rule. */
export const NETPOL_ALLOW_ALL_MESSAGE = 'NetworkPolicy {{request.object.metadata.name}} allows everything: an ingress or egress rule with no ports '
  + 'and no peers, an empty peer, or ipBlock 0.0.0.0/0 or ::/0 without except. Name the peers or the ports.';

/** The message of the AuthorizationPolicy rule. */
export const AUTHZ_ALLOW_ALL_MESSAGE = 'AuthorizationPolicy {{request.object.metadata.name}} allows every request: an ALLOW rule with no from, to '
  + 'or when. Name the sources or the operations.';

/**
 * What the Kyverno rules above refuse in `obj` (a NetworkPolicy or AuthorizationPolicy manifest):
 * the fields that allow everything, empty if none.
 */
export function allowAllFields(obj: any): string[] {
  const spec = obj?.spec ?? {};
  const empty = (v: any): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0)
    || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) || v === false || v === '';
  if (obj?.kind === 'NetworkPolicy') {
    const everyPeerJs = (peers: any[] | undefined): boolean => empty(peers) || (peers ?? []).some((p) => empty(p)
      || (EVERY_ADDRESS.includes(p?.ipBlock?.cidr) && empty(p?.ipBlock?.except)));
    return (['ingress', 'egress'] as const).flatMap((d) => (spec[d] ?? []).flatMap((r: any, i: number) =>
      (empty(r?.ports) && everyPeerJs(d === 'ingress' ? r?.from : r?.to) ? [`spec.${d}[${i}]`] : [])));
  }
  if (obj?.kind === 'AuthorizationPolicy' && String(obj.apiVersion).startsWith('security.istio.io/')) {
    if ((spec.action ?? 'ALLOW') !== 'ALLOW') return [];
    return (spec.rules ?? []).flatMap((r: any, i: number) => (empty(r?.from) && empty(r?.to) && empty(r?.when) ? [`spec.rules[${i}]`] : []));
  }
  return [];
}
