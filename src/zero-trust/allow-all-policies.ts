/**
 * The "no allow-all policy" guardrail (internal): the Kyverno validate rules that refuse a
 * NetworkPolicy or Istio AuthorizationPolicy that opens everything, also in disguise, and the
 * same judgement in TypeScript for the synthesis-time model (deployment-model.ts).
 *
 * A NetworkPolicy rule opens everything when it has no ports and one of its peers covers every
 * source (destination): no peers, an empty peer, an ipBlock `/0` without except (any spelling:
 * `0.0.0.0/0`, `::/0`, `1.2.3.4/0`), two `/1` ipBlocks of one family without except (the two
 * halves, e.g. `0.0.0.0/1` + `128.0.0.0/1`), or `namespaceSelector: {}` without a podSelector
 * (every pod of every namespace). Finer splits (four `/2`, ...) are not recognised at admission.
 *
 * An ALLOW AuthorizationPolicy rule opens everything when it has no `when`, its `from` is absent
 * or has a source whose only restriction is an ipBlock `/0` (ipBlocks or remoteIpBlocks), and its
 * `to` is absent or has an operation that restricts nothing: no hosts, ports or methods (or `*`
 * among them), and paths absent (`notPaths` alone admits every other path) or containing `*`.
 */

// JMESPath (Kyverno): an empty list, object or null is false, so `!ports` is "no ports" (all ports),
// `!@` on a peer is the empty peer, `!(ipBlock.except)` is "no exception" (`!` binds tighter than `.`);
// `|| ''` keeps a string function from failing on a missing field.
const everyAddress = (cidr: string, except: string): string => `(ends_with(${cidr} || '', '/0') && !(${except}))`;
const half = (peers: string, family: string): string =>
  `length(${peers}[?ends_with(ipBlock.cidr || '', '/1') && ${family}contains(ipBlock.cidr || '', ':') && !(ipBlock.except)]) > \`1\``;
const emptySelector = (s: string): string => `!(${s}.matchLabels) && !(${s}.matchExpressions)`;
const everyPeer = (peers: string): string =>
  `!${peers} || ${peers}[?!@ || ${everyAddress('ipBlock.cidr', 'ipBlock.except')}`
  + ` || (namespaceSelector != null && ${emptySelector('namespaceSelector')} && ${emptySelector('podSelector')})]`
  + ` || ${half(peers, '!')} || ${half(peers, '')}`;

/** How many ingress (egress) rules of the NetworkPolicy allow every source (destination) on every port. */
export const NETPOL_ALLOW_ALL_KEY = (direction: 'ingress' | 'egress'): string =>
  `{{ (request.object.spec.${direction} || \`[]\`)[?!ports && (${everyPeer(direction === 'ingress' ? 'from' : 'to')})] | length(@) }}`;

const OPEN_SOURCE = 'source.keys(@) == `["ipBlocks"]` && source.ipBlocks[?ends_with(@, \'/0\')]'
  + ' || source.keys(@) == `["remoteIpBlocks"]` && source.remoteIpBlocks[?ends_with(@, \'/0\')]';
const unrestricted = (field: string): string => `(!(operation.${field}) || contains(operation.${field}, '*'))`;
const OPEN_OPERATION = `!operation || (${unrestricted('hosts')} && !(operation.ports) && ${unrestricted('methods')} && ${unrestricted('paths')})`;

/** How many rules of an ALLOW AuthorizationPolicy match every request (no from, to or when, or in disguise). */
export const AUTHZ_ALLOW_ALL_KEY = '{{ ((request.object.spec.action || \'ALLOW\') == \'ALLOW\' && (request.object.spec.rules || `[]`)'
  + `[?!when && (!from || from[?${OPEN_SOURCE}]) && (!to || to[?${OPEN_OPERATION}])]) || \`[]\` | length(@) }}`;

/** The message of the NetworkPolicy rule. */
export const NETPOL_ALLOW_ALL_MESSAGE = 'NetworkPolicy {{request.object.metadata.name}} allows everything: an ingress or egress rule with no ports '
  + 'and no peers, an empty peer, an ipBlock /0 (or both /1 halves) without except, or namespaceSelector {} without podSelector. Name the peers or the ports.';

/** The message of the AuthorizationPolicy rule. */
export const AUTHZ_ALLOW_ALL_MESSAGE = 'AuthorizationPolicy {{request.object.metadata.name}} allows every request: an ALLOW rule without when, '
  + 'whose from is absent or an ipBlock /0 and whose to is absent or restricts nothing (paths [*], notPaths alone). Name the sources or the operations.';

const empty = (v: any): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0)
  || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) || v === false || v === '';

/** Does one NetworkPolicy rule's peer list cover every address or pod (the JMESPath `everyPeer`)? */
function everyPeerJs(peers: any[] | undefined): boolean {
  const list = peers ?? [];
  const cidr = (p: any): string => (typeof p?.ipBlock?.cidr === 'string' ? p.ipBlock.cidr : '');
  const noExcept = (p: any): boolean => empty(p?.ipBlock?.except);
  const halves = (v6: boolean): number => list.filter((p) => cidr(p).endsWith('/1') && cidr(p).includes(':') === v6 && noExcept(p)).length;
  const emptySel = (s: any): boolean => empty(s?.matchLabels) && empty(s?.matchExpressions);
  return empty(peers) || list.some((p) => empty(p) || (cidr(p).endsWith('/0') && noExcept(p))
    || (p?.namespaceSelector !== undefined && p?.namespaceSelector !== null && emptySel(p.namespaceSelector) && emptySel(p?.podSelector)))
    || halves(false) > 1 || halves(true) > 1;
}

/** Does one AuthorizationPolicy rule admit every request (the JMESPath of `AUTHZ_ALLOW_ALL_KEY`)? */
function openAuthzRule(r: any): boolean {
  const every = (l: any): boolean => Array.isArray(l) && l.some((c) => String(c).endsWith('/0'));
  const keys = (s: any): string => Object.keys(s ?? {}).join();
  const openSource = (f: any): boolean => (keys(f?.source) === 'ipBlocks' && every(f.source.ipBlocks))
    || (keys(f?.source) === 'remoteIpBlocks' && every(f.source.remoteIpBlocks));
  const anyValue = (l: any): boolean => empty(l) || (Array.isArray(l) && l.includes('*'));
  const openOperation = (t: any): boolean => empty(t?.operation)
    || (anyValue(t.operation.hosts) && empty(t.operation.ports) && anyValue(t.operation.methods) && anyValue(t.operation.paths));
  return empty(r?.when) && (empty(r?.from) || r.from.some(openSource)) && (empty(r?.to) || r.to.some(openOperation));
}

/**
 * What the Kyverno rules above refuse in `obj` (a NetworkPolicy or AuthorizationPolicy manifest):
 * the fields that allow everything, empty if none.
 */
export function allowAllFields(obj: any): string[] {
  const spec = obj?.spec ?? {};
  if (obj?.kind === 'NetworkPolicy') {
    return (['ingress', 'egress'] as const).flatMap((d) => (spec[d] ?? []).flatMap((r: any, i: number) =>
      (empty(r?.ports) && everyPeerJs(d === 'ingress' ? r?.from : r?.to) ? [`spec.${d}[${i}]`] : [])));
  }
  if (obj?.kind === 'AuthorizationPolicy' && String(obj.apiVersion).startsWith('security.istio.io/')) {
    if ((spec.action ?? 'ALLOW') !== 'ALLOW') return [];
    return (spec.rules ?? []).flatMap((r: any, i: number) => (openAuthzRule(r) ? [`spec.rules[${i}]`] : []));
  }
  return [];
}
