import { ambientEastWestGateway, ambientEastWestUnroutable, isAmbientEastWest, refsOf, WAYPOINT_CONTROLLER } from './ambient';
import { AnalysisError } from './analysis-error';
import { ConnSet } from './conn-set';
import { IpInterval, parseCidr } from './ip-range';
import { ParsedResources, PodInfo } from './model';

/** Who is connecting, as Istio sees it (internal). */
export interface IstioSource {
  /** The source pod, undefined for external addresses and the ingress controller outside the mesh. */
  readonly pod?: PodInfo;
  readonly inMesh: boolean;
  readonly atom?: IpInterval;
}

/** The Istio verdict on an L4-allowed connection (internal). */
export interface IstioVerdict {
  readonly conns: ConnSet;
  readonly l7: string[];
  /** The L7 limits in short form for diagrams (`POST /api/payments`, `deny DELETE`). */
  readonly l7Short: string[];
  readonly reasons: string[];
}

/** A short form of an AuthorizationPolicy operation: `POST /api/*`, `host a.b`, `not DELETE`. */
function shortOf(op: any, extra: string[]): string {
  const j = (x: any[] | undefined): string => (x ?? []).join('|');
  return [
    j(op?.methods), j(op?.paths), op?.hosts ? `host ${j(op.hosts)}` : '',
    op?.notMethods ? `not ${j(op.notMethods)}` : '', op?.notPaths ? `not ${j(op.notPaths)}` : '', op?.notHosts ? `not host ${j(op.notHosts)}` : '',
    ...extra,
  ].filter((x) => x).join(' ');
}

function istioMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function anyMatch(patterns: string[] | undefined, value: string | undefined): boolean {
  return (patterns ?? []).some((p) => istioMatch(String(p), value));
}

/** istiod's xDS and certificate port (the proxies' default discovery address `istiod.<root>.svc:15012`). */
const ISTIOD_XDS_PORT = 15012;

const TLS_MODES = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'];

/** The keys of an AuthorizationPolicy source that name the peer's mesh identity. */
const IDENTITY_KEYS: Array<[string, string]> = [['principals', ''], ['notPrincipals', 'not '], ['namespaces', 'ns '], ['notNamespaces', 'not ns ']];

/**
 * `cache`: the lists of one analysis already parsed (valid ones only: a bad list throws each time,
 * naming its place); `where` is made only for an error.
 */
function portsOf(list: any[] | undefined, where: () => string, cache?: WeakMap<any[], ConnSet>): ConnSet {
  if (!list || !list.length) return ConnSet.ALL;
  // one port (the usual list): by its value, valid ones only; each policy has a list of its own
  const one = Array.isArray(list) && list.length === 1 ? ONE_PORT.get(list[0]) : undefined;
  if (one) return one;
  const known = Array.isArray(list) ? cache?.get(list) : undefined;
  if (known) return known;
  let c = ConnSet.NONE;
  for (const p of list) {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new AnalysisError(`${where()}: invalid port "${p}" (valid: 1-65535)`);
    c = c.union(ConnSet.of('TCP', n));
  }
  if (Array.isArray(list)) cache?.set(list, c);
  if (Array.isArray(list) && list.length === 1 && (typeof list[0] === 'string' || typeof list[0] === 'number') && ONE_PORT.size < MAX_ONE_PORT) ONE_PORT.set(list[0], c);
  return c;
}

/** {@link portsOf} of valid one-port lists, by the port as written (`"8080"` or `8080`); bounded. */
const ONE_PORT = new Map<string | number, ConnSet>();
const MAX_ONE_PORT = 10_000;

/**
 * The Istio layer: PeerAuthentication (mTLS mode) and AuthorizationPolicy (CUSTOM, DENY, ALLOW),
 * evaluated statically on top of the L4 result. Istio only intercepts TCP, so other protocols pass.
 */
export class IstioLayer {
  public readonly active: boolean;
  /** True if some Gateway has an AUTO_PASSTHROUGH server: it routes by SNI to Services only. */
  public readonly routing: boolean;
  private readonly passthroughBy = new Map<PodInfo, string | undefined>();
  private readonly apsByPod = new Map<PodInfo, any[]>();
  private readonly portsCache = new WeakMap<any[], ConnSet>();
  /** Verdicts with reasons per destination pod, by source mesh state, matched rule sources and L4 connections (a flow proof keeps none). */
  private readonly verdicts = new Map<PodInfo, Map<string, IstioVerdict>>();
  private readonly modeByPod = new Map<PodInfo, { mode: string; by?: string; pas: any[] }>();
  /** {@link inMesh} per pod (the pods and namespaces of an analysis do not change). */
  private readonly meshed = new Map<PodInfo, boolean>();
  /** Per namespace, its AuthorizationPolicies by the first label their selector requires (built on first use; a policy applies in its namespace, or everywhere from the root). */
  private apIndexes?: Map<string, ApIndex>;
  /** PeerAuthentications by namespace. */
  private readonly pasByNs: Map<string, any[]>;

  constructor(
    private readonly res: ParsedResources,
    private readonly rootNs: string,
    private readonly trustDomain: string,
    private readonly meshAll: boolean,
    private readonly hostNetworkAsNode: boolean = false,
  ) {
    this.active = res.peerAuthentications.length > 0 || res.authorizationPolicies.length > 0;
    this.pasByNs = byNamespace(res.peerAuthentications);
    this.routing = res.gateways.some((g) => (g.spec?.servers ?? []).some((srv: any) => srv?.tls?.mode === 'AUTO_PASSTHROUGH'));
    for (const ap of res.authorizationPolicies) {
      const action = ap.spec?.action ?? 'ALLOW';
      if (!['ALLOW', 'DENY', 'CUSTOM', 'AUDIT'].includes(action)) {
        throw new AnalysisError(`AuthorizationPolicy ${ap.metadata?.namespace ?? 'default'}/${ap.metadata?.name}.spec.action: invalid value "${action}" (valid: ALLOW, DENY, CUSTOM, AUDIT)`);
      }
    }
    for (const gw of res.gateways) {
      (gw.spec?.servers ?? []).forEach((srv: any, i: number) => {
        const m = srv?.tls?.mode;
        if (m !== undefined && !TLS_MODES.includes(m)) {
          throw new AnalysisError(`Gateway ${gw.metadata?.namespace ?? 'default'}/${gw.metadata?.name}.spec.servers[${i}].tls.mode: invalid value "${m}" (valid: ${TLS_MODES.join(', ')})`);
        }
      });
    }
    for (const pa of res.peerAuthentications) {
      const m = pa.spec?.mtls?.mode;
      if (m !== undefined && !['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'].includes(m)) {
        throw new AnalysisError(`PeerAuthentication ${pa.metadata?.namespace ?? 'default'}/${pa.metadata?.name}.spec.mtls.mode: invalid value "${m}" (valid: UNSET, DISABLE, PERMISSIVE, STRICT)`);
      }
    }
  }

  /**
   * True if the pod runs an Istio proxy: a sidecar (namespace/pod injection labels, or meshAll),
   * or the pod of a Gateway API gateway that istiod deployed (`gateway.istio.io/managed`; it is
   * labelled `sidecar.istio.io/inject: "false"` because its only container is the proxy, in
   * router mode, with the mesh identity of its service account).
   */
  public inMesh(pod: PodInfo): boolean {
    let known = this.meshed.get(pod);
    if (known === undefined) { known = this.computeInMesh(pod); this.meshed.set(pod, known); }
    return known;
  }

  private computeInMesh(pod: PodInfo): boolean {
    if (pod.hostNetwork && this.hostNetworkAsNode) return false; // Istio never injects a sidecar into a hostNetwork pod
    if (this.isGatewayProxy(pod) || pod.labels['gateway.istio.io/managed'] === WAYPOINT_CONTROLLER || isAmbientEastWest(pod)) return true;
    const inject = pod.labels['sidecar.istio.io/inject'] ?? pod.annotations['sidecar.istio.io/inject'];
    if (inject === 'false') return false;
    if (inject === 'true' || pod.annotations['sidecar.istio.io/status'] !== undefined) return true;
    const nsl = this.res.namespaces.get(pod.ns) ?? {};
    if (nsl['istio-injection'] === 'enabled' || nsl['istio.io/rev'] !== undefined) return true;
    if (nsl['istio.io/dataplane-mode'] === 'ambient') return pod.labels['istio.io/dataplane-mode'] !== 'none'; // opted out of ambient
    return this.meshAll;
  }

  /**
   * True for the pod of a Gateway API gateway that istiod deployed: its listeners are the
   * gateway's own (TLS from outside the mesh), so PeerAuthentication does not apply to them;
   * AuthorizationPolicies do.
   */
  public isGatewayProxy(pod: PodInfo): boolean {
    return pod.labels['gateway.istio.io/managed'] === 'istio.io-gateway-controller';
  }

  /** The SPIFFE principal of a pod (trustDomain/ns/NS/sa/SA). */
  public principal(pod: PodInfo): string {
    return `${this.trustDomain}/ns/${pod.ns}/sa/${pod.serviceAccount}`;
  }

  private selects(obj: any, pod: PodInfo): boolean {
    const ns = obj.metadata?.namespace ?? 'default';
    if (ns !== pod.ns && ns !== this.rootNs) return false;
    const refs = refsOf(obj);
    // a policy with targetRefs binds to the named gateway (or a waypoint's Service), never by selector
    if (refs.length > 0) return refs.some((r) => r.kind === 'Gateway' && pod.labels['gateway.networking.k8s.io/gateway-name'] === r.name && ns === pod.ns);
    const ml = obj.spec?.selector?.matchLabels;
    if (!ml) return true;
    return Object.keys(ml).every((k) => pod.labels[k] === String(ml[k]));
  }

  /**
   * The Istio Gateway (`ns/name`) that makes the pod a cross-network east-west gateway: a
   * `networking.istio.io` Gateway whose `selector` (labels, matched in every namespace, Istio's
   * default) selects the pod and that has a server with `tls.mode: AUTO_PASSTHROUGH`. Such a pod
   * forwards other clusters' mTLS connections end to end (SNI routing, no TLS termination).
   * A Gateway without a selector selects nothing here. Undefined when no such Gateway exists.
   */
  public passthroughGateway(pod: PodInfo): string | undefined {
    if (this.passthroughBy.has(pod)) return this.passthroughBy.get(pod);
    if (isAmbientEastWest(pod)) return ambientEastWestGateway(pod); // double HBONE: the inner tunnel is end to end
    const gws = this.res.gateways.filter((g) => {
      const sel = g.spec?.selector;
      if (!sel || typeof sel !== 'object' || !Object.keys(sel).length) return false;
      if (!Object.keys(sel).every((k) => pod.labels[k] === String(sel[k]))) return false;
      return (g.spec?.servers ?? []).some((srv: any) => srv?.tls?.mode === 'AUTO_PASSTHROUGH');
    }).map((g) => `${g.metadata?.namespace ?? 'default'}/${g.metadata?.name}`).sort();
    const out = gws.length ? gws[0] : undefined;
    this.passthroughBy.set(pod, out);
    return out;
  }

  /**
   * The hosts the AUTO_PASSTHROUGH servers of the Gateways selecting `pod` route (a Gateway host
   * may carry a `namespace/` prefix, dropped here), sorted.
   */
  private passthroughHosts(pod: PodInfo): string[] {
    const out = new Set<string>();
    for (const g of this.res.gateways) {
      const sel = g.spec?.selector;
      if (!sel || typeof sel !== 'object' || !Object.keys(sel).length) continue;
      if (!Object.keys(sel).every((k) => pod.labels[k] === String(sel[k]))) continue;
      for (const srv of g.spec?.servers ?? []) {
        if (srv?.tls?.mode !== 'AUTO_PASSTHROUGH') continue;
        for (const h of srv.hosts ?? []) out.add(String(h).includes('/') ? String(h).split('/')[1] : String(h));
      }
    }
    return Array.from(out).sort();
  }

  /**
   * Whether the AUTO_PASSTHROUGH gateway pod `gw` routes to `dst`: SNI routing reaches a pod only
   * through a Service (`<name>.<ns>.svc.cluster.local`) that selects it and matches the Gateway's
   * hosts. Returns the reason when it does not.
   */
  private unroutable(gw: PodInfo, dst: PodInfo): string | undefined {
    if (isAmbientEastWest(gw)) return ambientEastWestUnroutable(this.res.services, dst);
    const hosts = this.passthroughHosts(gw);
    const services = this.res.services.filter((svc) => {
      if ((svc.metadata?.namespace ?? 'default') !== dst.ns) return false;
      const sel = svc.spec?.selector;
      if (!sel || typeof sel !== 'object' || !Object.keys(sel).length) return false;
      return Object.keys(sel).every((k) => dst.labels[k] === String(sel[k]));
    }).map((svc) => `${svc.metadata?.name}.${dst.ns}.svc.cluster.local`);
    if (services.some((fqdn) => anyMatch(hosts, fqdn))) return undefined;
    return `the AUTO_PASSTHROUGH Gateway hosts (${hosts.join(', ') || 'none'}) match no Service selecting ${dst.ns}/${dst.name}${services.length ? ` (${services.sort().join(', ')})` : ''}: nothing is routed to it`;
  }

  /**
   * What an AUTO_PASSTHROUGH gateway opens to a pod it routes nothing to: only its own proxy's
   * connections, to istiod (xDS and certificates, TCP 15012, the default discovery address) and to
   * cluster DNS (TCP 53); other protocols stay as the NetworkPolicies allow them.
   */
  private gatewayOwnConnections(gw: string, dst: PodInfo, l4: ConnSet, why: string): IstioVerdict {
    const tcp = ConnSet.of('TCP');
    const reasons = [`Gateway ${gw}: ${why}`];
    let own = ConnSet.NONE;
    if (dst.ns === this.rootNs && dst.labels.app === 'istiod') {
      own = ConnSet.of('TCP', ISTIOD_XDS_PORT);
      reasons.push(`Gateway ${gw}: its own proxy connects to istiod on TCP ${ISTIOD_XDS_PORT} (xDS, certificates)`);
    } else if (dst.labels['k8s-app'] === 'kube-dns') {
      own = ConnSet.of('TCP', 53);
      reasons.push(`Gateway ${gw}: its own proxy resolves names over TCP 53`);
    }
    return { conns: l4.subtract(tcp).union(l4.intersect(own)), l7: [], l7Short: [], reasons };
  }

  /**
   * True if traffic from `src` to `dst` runs over Istio mTLS (both have sidecars, the destination
   * does not DISABLE it). An AUTO_PASSTHROUGH gateway forwards the remote sidecars' mTLS.
   */
  public mtls(src: PodInfo, dst: PodInfo): boolean {
    return (this.inMesh(src) || this.passthroughGateway(src) !== undefined) && this.inMesh(dst) && this.mode(dst).mode !== 'DISABLE';
  }

  /** The workload-wide mTLS mode of the pod (most specific PeerAuthentication wins). */
  private mode(pod: PodInfo): { mode: string; by?: string; pas: any[] } {
    let out = this.modeByPod.get(pod);
    if (!out) { out = this.computeMode(pod); this.modeByPod.set(pod, out); }
    return out;
  }

  /** The policies of `pod`'s namespace and of the root namespace, in their input order. */
  private candidates(index: Map<string, any[]>, all: any[], pod: PodInfo): any[] {
    const own = index.get(pod.ns) ?? [];
    const root = pod.ns === this.rootNs ? [] : index.get(this.rootNs) ?? [];
    if (!root.length) return own;
    if (!own.length) return root;
    const keep = new Set([...own, ...root]);
    return all.filter((p) => keep.has(p));
  }

  private computeMode(pod: PodInfo): { mode: string; by?: string; pas: any[] } {
    const pas = this.candidates(this.pasByNs, this.res.peerAuthentications, pod).filter((p) => this.selects(p, pod));
    const rank = (p: any): number => (p.spec?.selector ? 0 : (p.metadata?.namespace ?? 'default') === pod.ns ? 1 : 2);
    pas.sort((a, b) => rank(a) - rank(b));
    let mode = 'PERMISSIVE';
    let by: string | undefined;
    for (const p of [...pas].reverse()) {
      const m = p.spec?.mtls?.mode;
      if (m && m !== 'UNSET') { mode = m; by = `PeerAuthentication ${p.metadata?.namespace ?? 'default'}/${p.metadata?.name}`; }
    }
    return { mode, by, pas };
  }

  /** TCP ports on which STRICT mTLS is enforced for the pod. */
  private strictPorts(pod: PodInfo): { ports: ConnSet; by?: string } {
    const { mode, by, pas } = this.mode(pod);
    let ports = mode === 'STRICT' ? ConnSet.of('TCP') : ConnSet.NONE;
    const wl = pas.find((p) => p.spec?.selector && p.spec?.portLevelMtls);
    if (wl) {
      for (const k of Object.keys(wl.spec.portLevelMtls)) {
        const m = wl.spec.portLevelMtls[k]?.mode;
        const pc = ConnSet.of('TCP', Number(k));
        if (m === 'STRICT') ports = ports.union(pc);
        else if (m === 'PERMISSIVE' || m === 'DISABLE') ports = ports.subtract(pc);
      }
    }
    return { ports, by };
  }

  /** Whether rule sources (`from`) match `src` (its principal made once, for all the rules it is matched against). */
  private sourceMatcher(src: IstioSource): (from: any[] | undefined) => boolean {
    const principal = src.inMesh && src.pod ? this.principal(src.pod) : undefined;
    const ns = src.inMesh && src.pod ? src.pod.ns : undefined;
    return (from) => this.sourceMatches(from, src, principal, ns);
  }

  private sourceMatches(from: any[] | undefined, src: IstioSource, principal: string | undefined, ns: string | undefined): boolean {
    if (!from || !from.length) return true;
    return from.some((f) => {
      const s = f?.source ?? {};
      if (s.principals && !anyMatch(s.principals, principal)) return false;
      if (s.notPrincipals && principal !== undefined && anyMatch(s.notPrincipals, principal)) return false;
      if (s.namespaces && !anyMatch(s.namespaces, ns)) return false;
      if (s.notNamespaces && ns !== undefined && anyMatch(s.notNamespaces, ns)) return false;
      for (const key of ['ipBlocks', 'remoteIpBlocks']) {
        if (s[key]) {
          if (!src.atom) return false;
          const a = src.atom;
          if (!s[key].some((c: string) => { const r = parseCidr(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`, `AuthorizationPolicy source.${key}`); return r.v6 === a.v6 && r.lo <= a.lo && a.hi <= r.hi; })) return false;
        }
      }
      if (s.requestPrincipals && !src.pod && !src.atom) return false;
      return true;
    });
  }

  /**
   * For a connection an AUTO_PASSTHROUGH gateway forwards: can some remote caller (any mesh
   * identity of another cluster) match these `from` sources? `who` names the identities the
   * match is limited to (`cluster.local/ns/order/sa/order-service`, `ns order`), undefined when
   * any remote caller matches. ipBlocks/remoteIpBlocks never match (the pod addresses are unknown).
   */
  private remoteMatch(from: any[] | undefined): { match: boolean; who?: string } {
    if (!from || !from.length) return { match: true };
    const whos: string[] = [];
    for (const f of from) {
      const s = f?.source ?? {};
      if (s.ipBlocks || s.remoteIpBlocks) continue;
      const parts = IDENTITY_KEYS.filter(([k]) => s[k]).map(([k, pre]) => `${pre}${(s[k] as any[]).join('|')}`);
      if (!parts.length) return { match: true };
      whos.push(parts.join(' '));
    }
    return whos.length ? { match: true, who: whos.join('|') } : { match: false };
  }

  /**
   * Applies Istio to an L4 result toward `dst`.
   *
   * When the source pod is an AUTO_PASSTHROUGH east-west gateway ({@link passthroughGateway}),
   * the connection carries other clusters' callers' mTLS end to end: STRICT mTLS is satisfied and
   * the AuthorizationPolicies are evaluated for the remote callers, not the gateway's identity.
   * A port is allowed if some ALLOW rule admits some remote caller on it, with an L7 note naming
   * the identities it admits (`passthrough: cluster.local/ns/order/sa/order-service POST /api/payments`);
   * a DENY rule limited to some identities becomes an L7 note too.
   *
   * `policies`, when given, are evaluated instead of those selecting `dst` (a waypoint's `targetRefs` policies).
   * `connsOnly`: only the verdict's `conns` are wanted (a flow proof): no reasons nor L7 notes are made.
   */
  public apply(src: IstioSource, dst: PodInfo, l4: ConnSet, policies?: any[], connsOnly = false): IstioVerdict {
    const gwSrc = src.pod ? this.passthroughGateway(src.pod) : undefined;
    if (gwSrc && src.pod && !l4.intersect(ConnSet.of('TCP')).isEmpty) {
      const why = this.unroutable(src.pod, dst);
      if (why) return this.gatewayOwnConnections(gwSrc, dst, l4, why);
    }
    if (!this.active || !this.inMesh(dst) || l4.isEmpty) return { conns: l4, l7: [], l7Short: [], reasons: [] };
    if (gwSrc || policies) return this.evaluate(src, dst, l4, gwSrc, policies, false);
    // a flow proof judges few sources per destination, without reasons: evaluating the rules once costs
    // less than the memo's key (which matches every rule too); nothing is kept for a caller that wants reasons
    if (connsOnly) return { conns: this.quietConns(src, dst, l4), l7: [], l7Short: [], reasons: [] };
    // the verdict depends on the source only through inMesh and which rule sources it matches
    const aps = this.policiesOf(dst);
    const matches = this.sourceMatcher(src);
    let bits = '';
    for (const p of aps) for (const r of p.spec?.rules ?? []) bits += matches(r.from) ? '1' : '0';
    const key = `${src.inMesh}\0${bits}\0${l4}`;
    let memo = this.verdicts.get(dst);
    if (!memo) { memo = new Map(); this.verdicts.set(dst, memo); }
    let v = memo.get(key);
    if (!v) { v = this.evaluate(src, dst, l4, undefined, undefined, false); memo.set(key, v); }
    return { conns: v.conns, l7: [...v.l7], l7Short: [...v.l7Short], reasons: [...v.reasons] };
  }

  /** {@link apply} for a destination in the mesh and a non-empty `l4`. */
  private evaluate(src: IstioSource, dst: PodInfo, l4: ConnSet, gwSrc: string | undefined, policies: any[] | undefined,
    quiet: boolean): IstioVerdict {
    const via = gwSrc;
    const matches = this.sourceMatcher(src);
    const st: ApplyState = {
      allowedTcp: l4.intersect(ConnSet.of('TCP')),
      quiet,
      reasons: [],
      l7: [],
      l7Short: [],
      via,
      ports: this.portsCache,
      matchOf: (from) => (via ? this.remoteMatch(from) : { match: matches(from) }),
    };
    if (via) {
      st.reasons.push(`Gateway ${via}: ${isAmbientEastWest(src.pod!) ? 'double HBONE' : 'AUTO_PASSTHROUGH'} forwards remote callers' mTLS end to end: AuthorizationPolicies see their principals, not the gateway's`);
    }
    this.applyPeerAuthentication(st, src, dst);
    const aps = policies ? [...policies].sort(byPolicyName) : this.policiesOf(dst);
    for (const p of quiet ? [] : aps.filter((x) => x.spec?.action === 'CUSTOM')) {
      st.l7.push(`CUSTOM ${p.spec?.provider?.name ?? ''} decides (${apName(p)})`.replace('  ', ' '));
      st.l7Short.push(`ext-authz ${p.spec?.provider?.name ?? ''}`.trim());
    }
    for (const p of aps.filter((x) => x.spec?.action === 'DENY')) applyDeny(st, p);
    const allows = aps.filter((x) => (x.spec?.action ?? 'ALLOW') === 'ALLOW');
    if (allows.length) applyAllows(st, allows);
    const other = l4.subtract(ConnSet.of('TCP'));
    const empty = st.allowedTcp.isEmpty;
    return { conns: st.allowedTcp.union(other), l7: empty ? [] : st.l7, l7Short: empty ? [] : [...new Set(st.l7Short)], reasons: st.reasons };
  }

  /** Plaintext from outside the mesh: STRICT mTLS ports refuse it (gateway proxies and passthrough excepted). */
  private applyPeerAuthentication(st: ApplyState, src: IstioSource, dst: PodInfo): void {
    const gwDst = isAmbientEastWest(dst) ? undefined : this.passthroughGateway(dst);
    if (gwDst && !src.inMesh) {
      st.reasons.push(`Gateway ${gwDst}: the east-west gateway terminates no mTLS on its AUTO_PASSTHROUGH listener (PeerAuthentication does not apply): any TLS client that reaches it is forwarded by SNI`);
    }
    if (src.inMesh || st.via || gwDst) return;
    if (this.isGatewayProxy(dst)) {
      st.reasons.push('istio: gateway proxy: its listeners take plaintext and TLS from outside the mesh (PeerAuthentication applies to sidecars only)');
      return;
    }
    const strict = this.strictPorts(dst);
    if (!strict.ports.isEmpty) {
      st.allowedTcp = st.allowedTcp.subtract(strict.ports);
      if (!st.quiet) st.reasons.push(`${strict.by}: STRICT mTLS refuses plaintext from outside the mesh on ${strict.ports}`);
    }
  }

  /**
   * {@link evaluate} of the policies selecting `dst`, for a source that is no passthrough gateway,
   * `conns` only (a flow proof): the same steps in the same order (so the same errors), without
   * the notes nor the per-call closures and filtered lists.
   */
  private quietConns(src: IstioSource, dst: PodInfo, l4: ConnSet): ConnSet {
    const tcp = ConnSet.of('TCP');
    const principal = src.inMesh && src.pod ? this.principal(src.pod) : undefined;
    const ns = src.inMesh && src.pod ? src.pod.ns : undefined;
    const st: ApplyState = {
      allowedTcp: l4.intersect(tcp),
      quiet: true,
      reasons: [],
      l7: [],
      l7Short: [],
      ports: this.portsCache,
      matchOf: (from) => ({ match: this.sourceMatches(from, src, principal, ns) }),
    };
    this.applyPeerAuthentication(st, src, dst);
    const aps = this.policiesOf(dst);
    for (const p of aps) if (p.spec?.action === 'DENY') applyDeny(st, p);
    let allows = false;
    let granted = ConnSet.NONE;
    for (const p of aps) {
      if ((p.spec?.action ?? 'ALLOW') !== 'ALLOW') continue;
      allows = true;
      const rules: any[] = p.spec?.rules ?? [];
      rules.forEach((r: any, i: number) => {
        if (!this.sourceMatches(r.from, src, principal, ns)) return;
        granted = granted.union(grantedBy(st, p, r, i));
      });
    }
    if (allows) st.allowedTcp = st.allowedTcp.intersect(granted);
    return st.allowedTcp.union(l4.subtract(tcp));
  }

  /** The AuthorizationPolicies selecting `dst`, sorted by namespace/name (cached per pod). */
  private policiesOf(dst: PodInfo): any[] {
    let out = this.apsByPod.get(dst);
    if (!out) {
      const own = this.apIndexOf(dst.ns).candidates(dst.labels);
      const ids = dst.ns === this.rootNs ? own : own.concat(this.apIndexOf(this.rootNs).candidates(dst.labels)).sort((a, b) => a - b);
      const all = this.res.authorizationPolicies;
      out = [];
      for (const i of ids) if (this.selects(all[i], dst)) out.push(all[i]);
      if (out.length > 1) out.sort(byPolicyName);
      this.apsByPod.set(dst, out);
    }
    return out;
  }

  private apIndexOf(ns: string): ApIndex {
    if (this.apIndexes === undefined) this.apIndexes = indexAps(this.res.authorizationPolicies);
    return this.apIndexes.get(ns) ?? NO_APS;
  }
}

/**
 * The AuthorizationPolicies of one namespace (indexes into the analysis's list, in input order):
 * by the first `matchLabels` label of their selector, or always candidates (no selector, or
 * `targetRefs`). Whether one selects a pod is still decided by `selects`.
 */
class ApIndex {
  private readonly always: number[] = [];
  private readonly byLabel = new Map<string, Map<string, number[]>>();

  /** Adds the policy at index `i` of the analysis's list (in input order). */
  public add(ap: any, i: number): void {
    const ml = ap.spec?.selector?.matchLabels;
    // refsOf is not called here (as `selects` would, for this namespace's pods only): only a policy without targetRefs is looked up by label
    const refs = ap.spec?.targetRefs !== undefined || !!ap.spec?.targetRef;
    const key = refs || !ml ? undefined : Object.keys(ml)[0];
    if (key === undefined) { this.always.push(i); return; }
    let byValue = this.byLabel.get(key);
    if (byValue === undefined) { byValue = new Map(); this.byLabel.set(key, byValue); }
    const value = String(ml[key]);
    const list = byValue.get(value);
    if (list === undefined) byValue.set(value, [i]); else list.push(i);
  }

  /** The policies that may select a pod with these labels, in input order. */
  public candidates(labels: { [k: string]: string }): number[] {
    let out = this.always;
    let lists = this.always.length > 0 ? 1 : 0;
    for (const k of Object.keys(labels)) {
      const hits = this.byLabel.get(k)?.get(labels[k]);
      if (hits !== undefined) { out = out.concat(hits); lists++; }
    }
    // each list is in input order: merged ones are sorted again
    return lists > 1 ? out.sort((a, b) => a - b) : out;
  }
}

const NO_APS = new ApIndex();

function indexAps(all: any[]): Map<string, ApIndex> {
  const out = new Map<string, ApIndex>();
  all.forEach((ap, i) => {
    const ns = ap.metadata?.namespace ?? 'default';
    let index = out.get(ns);
    if (index === undefined) { index = new ApIndex(); out.set(ns, index); }
    index.add(ap, i);
  });
  return out;
}

/** The running state of {@link IstioLayer.apply} (internal). */
interface ApplyState {
  allowedTcp: ConnSet;
  /** Only `allowedTcp` is wanted: no reasons nor L7 notes are made. */
  readonly quiet: boolean;
  readonly reasons: string[];
  readonly l7: string[];
  readonly l7Short: string[];
  /** The AUTO_PASSTHROUGH gateway the source is, if any. */
  readonly via?: string;
  readonly matchOf: (from: any[] | undefined) => { match: boolean; who?: string };
  /** Parsed operation port lists of this analysis. */
  readonly ports: WeakMap<any[], ConnSet>;
}

function byNamespace(objs: any[]): Map<string, any[]> {
  const out = new Map<string, any[]>();
  for (const o of objs) {
    const ns = o.metadata?.namespace ?? 'default';
    if (!out.has(ns)) out.set(ns, []);
    out.get(ns)!.push(o);
  }
  return out;
}

/** `String.prototype.localeCompare` without locales, as one reusable collator (much faster). */
const COLLATOR = new Intl.Collator();

function byPolicyName(a: any, b: any): number {
  return COLLATOR.compare(`${a.metadata?.namespace}/${a.metadata?.name}`, `${b.metadata?.namespace}/${b.metadata?.name}`);
}

function apName(p: any): string {
  return `AuthorizationPolicy ${p.metadata?.namespace ?? 'default'}/${p.metadata?.name}`;
}

function l7Of(op: any): string {
  const parts: string[] = [];
  for (const k of ['methods', 'paths', 'hosts', 'notMethods', 'notPaths', 'notHosts']) if (op?.[k]) parts.push(`${k} ${op[k].join(',')}`);
  return parts.join(' ');
}

/**
 * The TCP ports a rule's operation names: `ports` (all when absent or empty) minus `notPorts`
 * (none when absent or empty: proto3 reads an empty list as unset, for ALLOW and DENY alike).
 */
function operationPorts(st: ApplyState, p: any, i: number, op: any): ConnSet {
  const at = (): string => `${apName(p)}.spec.rules[${i}].to.operation`;
  const ports = portsOf(op.ports, () => `${at()}.ports`, st.ports);
  if (!op.notPorts || !op.notPorts.length) return ports;
  return ports.subtract(portsOf(op.notPorts, () => `${at()}.notPorts`, st.ports));
}

/** One DENY policy: unconditional rules cut ports, conditional ones (L7, when, JWT, some remote callers) become L7 notes. */
function applyDeny(st: ApplyState, p: any): void {
  (p.spec?.rules ?? []).forEach((r: any, i: number) => {
    const m = st.matchOf(r.from);
    if (!m.match) return;
    const tos: any[] = r.to && r.to.length ? r.to : [{}];
    for (const t of tos) {
      const op = t.operation ?? {};
      const ports = operationPorts(st, p, i, op);
      const l7s = l7Of(op);
      if (m.who !== undefined) {
        // denies some remote callers only: the others still pass
        if (!st.quiet && !st.allowedTcp.intersect(ports).isEmpty) {
          st.l7.push(`DENY passthrough: ${[m.who, l7s, r.when ? 'when conditions' : ''].filter((x) => x).join(' ')} on ${st.allowedTcp.intersect(ports)} (${apName(p)})`);
          st.l7Short.push(`deny passthrough: ${[m.who, shortOf(op, r.when ? ['when'] : [])].filter((x) => x).join(' ')}`);
        }
      } else if (!l7s && !r.when && !(r.from ?? []).some((f: any) => f?.source?.requestPrincipals)) {
        const before = st.allowedTcp;
        st.allowedTcp = st.allowedTcp.subtract(ports);
        if (!st.quiet && !before.equals(st.allowedTcp)) st.reasons.push(`${apName(p)} rule ${i}: DENY ${ports}`);
      } else if (!st.quiet && !st.allowedTcp.intersect(ports).isEmpty) {
        st.l7.push(`DENY ${l7s || 'when conditions'} on ${st.allowedTcp.intersect(ports)} (${apName(p)})`);
        st.l7Short.push(`deny ${shortOf(op, r.when ? ['when'] : []) || 'JWT'}`);
      }
    }
  });
}

/** The ALLOW policies: TCP is what some rule grants; conditional grants become L7 notes. */
function applyAllows(st: ApplyState, allows: any[]): void {
  const acc: AllowAcc = { granted: ConnSet.NONE, free: ConnSet.NONE, limited: [] };
  for (const p of allows) {
    const rules: any[] = p.spec?.rules ?? [];
    if (!rules.length && !st.quiet) st.reasons.push(`${apName(p)}: ALLOW with no rules (allow-nothing)`);
    rules.forEach((r: any, i: number) => applyAllowRule(st, acc, p, r, i));
  }
  if (acc.granted.isEmpty && !st.quiet && !st.reasons.some((r) => r.includes('ALLOW'))) {
    st.reasons.push(st.via ? 'no ALLOW rule admits a remote caller' : 'no ALLOW rule matches this source');
  }
  st.allowedTcp = st.allowedTcp.intersect(acc.granted);
  for (const [ports, cond, short] of acc.limited) {
    const rest = ports.subtract(acc.free);
    if (!rest.isEmpty) { st.l7.push(`${rest}: ${cond}`); st.l7Short.push(short); }
  }
}

/** What one matching ALLOW rule grants of `st.allowedTcp` ({@link applyAllowRule} without the notes). */
function grantedBy(st: ApplyState, p: any, r: any, i: number): ConnSet {
  let granted = ConnSet.NONE;
  const tos: any[] = r.to && r.to.length ? r.to : [{}];
  for (const t of tos) {
    const op = t.operation ?? {};
    granted = granted.union(operationPorts(st, p, i, op).intersect(st.allowedTcp));
  }
  return granted;
}

/** What the ALLOW rules grant so far: all ports, unconditionally granted ports, conditional grants (ports, note, short note). */
interface AllowAcc { granted: ConnSet; free: ConnSet; readonly limited: Array<[ConnSet, string, string]> }

function applyAllowRule(st: ApplyState, acc: AllowAcc, p: any, r: any, i: number): void {
  const m = st.matchOf(r.from);
  if (!m.match) return;
  const tos: any[] = r.to && r.to.length ? r.to : [{}];
  for (const t of tos) {
    const op = t.operation ?? {};
    const ports = operationPorts(st, p, i, op);
    const hit = ports.intersect(st.allowedTcp);
    if (hit.isEmpty) continue;
    acc.granted = acc.granted.union(hit);
    if (st.quiet) continue; // what follows only explains the grant
    const l7s = l7Of(op);
    const jwt = (r.from ?? []).some((f: any) => f?.source?.requestPrincipals);
    const cond = [l7s, r.when ? 'when conditions' : '', jwt ? 'JWT requestPrincipals' : ''].filter((x) => x).join(' ');
    const short = shortOf(op, [...(r.when ? ['when'] : []), ...(jwt ? ['JWT'] : [])]);
    if (st.via && (m.who !== undefined || cond)) {
      const who = m.who ?? 'any remote caller';
      st.reasons.push(`${apName(p)} rule ${i}: ALLOW ${hit} for remote callers ${who}${cond ? ` only ${cond}` : ''}`);
      acc.limited.push([hit, `passthrough: ${[who, cond].filter((x) => x).join(' ')}`, `passthrough: ${[who, short].filter((x) => x).join(' ')}`]);
      continue;
    }
    st.reasons.push(`${apName(p)} rule ${i}: ALLOW ${hit}${cond ? ` only ${cond}` : ''}`);
    if (cond) acc.limited.push([hit, cond, short]); else acc.free = acc.free.union(hit);
  }
}
