/**
 * Istio ambient (internal; used by MtlsMesh): the HBONE hops of the flows into and out of ambient
 * namespaces, waypoints for the flows with HTTP rules, and the L7 AuthorizationPolicies attached to
 * the waypoint with `targetRefs`.
 *
 * Paths (Istio 1.30): a meshed caller (ambient or sidecar) reaches an ambient pod, and an ambient
 * caller reaches a sidecar pod, over HBONE on the destination pod's TCP 15008, so the
 * NetworkPolicies must admit 15008 on that pair as well as the application port; the destination's
 * ztunnel enforces the selector AuthorizationPolicies (L4: identity and ports). An ambient caller of
 * a Service labelled `istio.io/use-waypoint` goes through the namespace's waypoint instead: caller ->
 * waypoint:15008 -> destination:15008, the waypoint enforces the Service's `targetRefs` policies
 * (identity, methods, paths), and the destination's ztunnel sees the waypoint's identity.
 */
import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AmbientExclusions } from './ambient-exclusion';
import { RenderedAuthorizationPolicy } from './rendered-authorization-policy';
import { HBONE_PORT, USE_WAYPOINT_LABEL } from '../core/ambient';
import { EnforcementMode } from '../core/enforcement';
import { addIstioGateway } from '../core/mesh-install';
import { Port, Protocol } from '../core/port';
import { toKubeName } from '../core/strings';
import { fail } from '../core/validate';
import { Enforcement } from '../flows/enforcement';
import { Flow, FlowLayers } from '../flows/flow';
import { Flows } from '../flows/flows';
import { IPeer, Peer, PeerKind } from '../flows/peer';
import { Gateway } from '../imports/gateway.networking.k8s.io';

/** The name (and service account) of the waypoint this library gives an ambient namespace. */
export const WAYPOINT_NAME = 'waypoint';
/** The label Istio puts on the pods of a Gateway API gateway it deploys. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/** A Service of the chart, as far as waypoint enrolment goes. */
interface ChartService {
  readonly obj: ApiObject;
  readonly name: string;
  readonly selector: { [key: string]: string };
}

/** What the ambient plan needs of the mesh. */
export interface AmbientFacts {
  readonly path: string;
  /** Namespaces in the ambient data plane. */
  readonly ambient: Set<string>;
  /** Namespaces with sidecars. */
  readonly sidecar: Set<string>;
  /** Ambient namespaces that must get no waypoint. */
  readonly noWaypoint: Set<string>;
  readonly istiod: IPeer;
  /** Whether a namespace is protected by the mesh (its waypoint is created). */
  readonly isProtected: (ns: string) => boolean;
  /** The workloads opted out of ambient (`istio.io/dataplane-mode: none`). */
  readonly excluded: AmbientExclusions;
}

/** True if the flow carries an HTTP restriction (methods or paths). */
export function isL7(f: Flow): boolean {
  return (f.http?.methods?.length ?? 0) + (f.http?.paths?.length ?? 0) > 0;
}

/** The waypoint's pods in `ns`, as a flow peer (identity `<td>/ns/<ns>/sa/waypoint`). */
export function waypointPeer(ns: string): Peer {
  return Peer.pods({ [GATEWAY_NAME_LABEL]: WAYPOINT_NAME }, { namespace: ns, name: WAYPOINT_NAME, serviceAccountName: WAYPOINT_NAME });
}

const subset = (sel: { [k: string]: string }, labels: { [k: string]: string }): boolean =>
  Object.keys(sel).every((k) => labels[k] === sel[k]);

/** The ambient plan of a chart: computed once every flow is declared (late contributor). */
export class AmbientPlan {
  /** Enrolled Services by namespace (name -> service). */
  public readonly enrolled = new Map<string, Map<string, ChartService>>();
  private readonly chart: Chart;

  constructor(private readonly scope: Construct, private readonly facts: AmbientFacts) {
    this.chart = Chart.of(scope);
  }

  /** True if the caller's packets are HBONE (an ambient or sidecar pod, or a mesh proxy). */
  public callerMeshed(f: Flow, flows: Flows): boolean {
    if (f.source.peerKind === PeerKind.IP_BLOCKS) return false;
    const src = f._fromNamespace;
    if (src === undefined || this.facts.excluded.has(f.source, src)) return false;
    return this.facts.ambient.has(src) || this.facts.sidecar.has(src) || flows._isMeshProxy(f.source, src);
  }

  /** True if the caller's ztunnel routes the flow through the destination's waypoint. */
  public viaWaypoint(f: Flow): boolean {
    const src = f.source.peerKind === PeerKind.IP_BLOCKS ? undefined : f._fromNamespace;
    const fromWaypoint = f.source.podLabels?.[GATEWAY_NAME_LABEL] === WAYPOINT_NAME;
    return src !== undefined && !fromWaypoint && this.facts.ambient.has(src) && !this.facts.excluded.has(f.source, src)
      && this.servicesOf(f).length > 0;
  }

  /** The enrolled Services that select the flow's destination pods. */
  public servicesOf(f: Flow): ChartService[] {
    const ns = f._toNamespace;
    const enrolled = ns === undefined ? undefined : this.enrolled.get(ns);
    if (enrolled === undefined || f.destination.peerKind === PeerKind.IP_BLOCKS) return [];
    return Array.from(enrolled.values()).filter((s) => this.selects(s, f.destination, ns!));
  }

  /** Enrols the Services of the L7 flows into ambient namespaces, then declares the HBONE hops. */
  public contribute(flows: Flows): void {
    const all = flows.all;
    for (const f of all) {
      const dst = f._toNamespace;
      if (!f.meshLayer || !isL7(f) || dst === undefined || !this.facts.ambient.has(dst) || this.facts.noWaypoint.has(dst)) continue;
      if (this.facts.excluded.toExcluded(f)) continue; // refused by AmbientExclusions.check
      const services = this.services(dst).filter((s) => this.selects(s, f.destination, dst));
      if (services.length === 0) continue; // refused at render (renderWaypoints)
      const map = this.enrolled.get(dst) ?? new Map<string, ChartService>();
      services.forEach((s) => map.set(s.name, s));
      this.enrolled.set(dst, map);
    }
    for (const f of all) {
      this.hbone(f, flows);
    }
    for (const ns of Array.from(this.enrolled.keys()).sort()) {
      flows.allow(waypointPeer(ns), this.facts.istiod, {
        ports: [Port.tcp(15012)], description: 'waypoint configuration and certificates from istiod',
      });
      // its pods are judged like a SecureGateway's: Pod Security, the chart's Kyverno rules, the quota
      if (this.facts.isProtected(ns)) {
        addIstioGateway(this.chart, { path: this.facts.path, name: WAYPOINT_NAME, namespace: ns, className: 'istio-waypoint', seccompClaimed: true });
      }
    }
  }

  /** The HBONE hops of one flow (NetworkPolicy layer), and the waypoint's ztunnel authorization. */
  private hbone(f: Flow, flows: Flows): void {
    const dst = f._toNamespace;
    const src = f.source.peerKind === PeerKind.IP_BLOCKS ? undefined : f._fromNamespace;
    if (!f.networkLayer || dst === undefined || f.destination.peerKind === PeerKind.IP_BLOCKS || this.facts.excluded.touches(f)) return;
    const ambientEnd = this.facts.ambient.has(dst) || (src !== undefined && this.facts.ambient.has(src));
    const dstMeshed = this.facts.ambient.has(dst) || this.facts.sidecar.has(dst);
    if (!ambientEnd || !dstMeshed || !this.callerMeshed(f, flows)) return;
    if (!f.allPorts && f.ports.every((p) => p.protocol !== Protocol.TCP)) return; // HBONE carries TCP only
    const hbone = [Port.tcp(HBONE_PORT)];
    const why = 'HBONE (ambient mTLS tunnel)';
    if (this.viaWaypoint(f)) {
      const wp = waypointPeer(dst);
      flows.allow(f.source, wp, { ports: hbone, layers: FlowLayers.NETWORK_ONLY, description: `${why} to the waypoint` });
      flows.allow(wp, f.destination, { ports: hbone, layers: FlowLayers.NETWORK_ONLY, description: `${why} from the waypoint` });
      // the destination's ztunnel sees the waypoint's identity: allow it on the flow's ports
      flows.allow(wp, f.destination, { ports: f.ports, allPorts: f.allPorts, layers: FlowLayers.MESH_ONLY, description: 'waypoint to destination' });
      if (f.destination.peerKind === PeerKind.PODS) return;
    }
    flows.allow(f.source, f.destination, { ports: hbone, layers: FlowLayers.NETWORK_ONLY, description: why });
  }

  /** The chart's Services of `ns` with a selector, by name. */
  private services(ns: string): ChartService[] {
    return this.chart.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Service' && c.metadata.namespace === ns)
      .map((obj) => ({ obj, name: obj.name, selector: (obj.toJson().spec?.selector ?? {}) as { [k: string]: string } }))
      .filter((s) => Object.keys(s.selector).length > 0)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** True if the Service selects some of the peer's pods (a pod of the chart with both label sets, or the selector within the peer's labels). */
  private selects(s: ChartService, to: Peer, ns: string): boolean {
    const want = to.peerKind === PeerKind.PODS ? to.podLabels ?? {} : {};
    const pods = this.chart.node.findAll()
      .filter((o): o is ApiObject => o instanceof ApiObject && POD_KINDS.includes(o.kind) && o.metadata.namespace === ns)
      .map((o) => { const j = o.toJson(); return (o.kind === 'Pod' ? j.metadata?.labels : j.spec?.template?.metadata?.labels) ?? {}; });
    return pods.some((l) => subset(want, l) && subset(s.selector, l))
      || (to.peerKind === PeerKind.PODS && Object.keys(want).length > 0 && subset(s.selector, want));
  }

  /**
   * Refuses the L7 flows into ambient namespaces that no waypoint would enforce, then creates the
   * waypoints, labels the enrolled Services and attaches their L7 policies.
   *
   * @param isProtected whether a namespace is protected by the mesh
   * @param sources the AuthorizationPolicy sources of a flow
   */
  public renderWaypoints(flows: Flows, isProtected: (ns: string) => boolean, sources: (f: Flow) => any[]): void {
    for (const f of flows.all) {
      const dst = f._toNamespace;
      if (!f.meshLayer || !isL7(f) || dst === undefined || !this.facts.ambient.has(dst)) continue;
      this.checkEnforced(f, dst);
    }
    for (const ns of Array.from(this.enrolled.keys()).sort()) {
      if (!isProtected(ns)) continue;
      this.createWaypoint(ns);
      for (const svc of Array.from(this.enrolled.get(ns)!.values())) {
        svc.obj.metadata.addLabel(USE_WAYPOINT_LABEL, WAYPOINT_NAME);
        const rules = flows.all
          .filter((f) => f.meshLayer && this.viaWaypoint(f) && this.servicesOf(f).includes(svc))
          .map((f) => ruleOf(f, sources(f)));
        const unique = Array.from(new Map(rules.map((r) => [JSON.stringify(r), r])).entries())
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
        this.attachPolicy(ns, svc.name, unique);
      }
    }
  }

  private checkEnforced(f: Flow, dst: string): void {
    const field = `flows[${f.source.peerName} -> ${f.destination.peerName}].http`;
    const value = JSON.stringify(f.http);
    if (this.facts.noWaypoint.has(dst)) {
      fail(this.facts.path, field, value, `an L7 rule something enforces: namespace ${dst} is ambient and has no waypoint (protectNamespace waypoint: false), `
        + 'and ztunnel enforces L4 only (identity and ports). Fix: leave the waypoint on, or drop http');
    }
    if (this.servicesOf(f).length === 0) {
      fail(this.facts.path, field, value, `a destination selected by a Service of the chart in namespace ${dst}: in ambient, HTTP rules are enforced by a waypoint, `
        + 'and a waypoint receives only the traffic addressed to a Service labelled istio.io/use-waypoint. Fix: add a Service that selects the destination pods, or drop http');
    }
    const src = f.source.peerKind === PeerKind.IP_BLOCKS ? undefined : f._fromNamespace;
    if (!this.viaWaypoint(f)) {
      fail(this.facts.path, field, value, `an ambient caller: ${f.source.peerName}${src ? ` (namespace ${src})` : ''} is not in the ambient data plane, so its traffic `
        + `reaches the destination's ztunnel directly and never passes the waypoint of ${dst}, where HTTP rules are enforced. `
        + 'Fix: dataPlane: DataPlane.AMBIENT on the caller\'s namespace, or drop http (L4 only)');
    }
  }

  private createWaypoint(ns: string): void {
    new Gateway(this.scope, `waypoint-${ns}`, {
      metadata: { name: WAYPOINT_NAME, namespace: ns, labels: { 'istio.io/waypoint-for': 'service' } },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }],
      },
    });
  }

  private attachPolicy(ns: string, service: string, rules: any[]): void {
    const name = toKubeName(['allow-to', service, 'via-waypoint']);
    const policy = new RenderedAuthorizationPolicy(this.scope, `waypoint-authz-${ns}-${service}`, {
      metadata: { name, namespace: ns },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: service }],
        rules,
      },
    });
    policy.metadata.addAnnotation(Enforcement.ISTIO_DRY_RUN_ANNOTATION, Lazy.any({
      produce: () => (Enforcement.resolve(this.scope, { namespace: ns }) === EnforcementMode.AUDIT ? 'true' : undefined),
    }) as unknown as string);
  }
}

/** The waypoint rule of a flow: its sources, and its methods and paths (the targeted Service bounds the ports). */
function ruleOf(f: Flow, sources: any[]): any {
  const op: any = {};
  if (f.http?.methods?.length) op.methods = [...f.http.methods];
  if (f.http?.paths?.length) op.paths = [...f.http.paths];
  return {
    from: sources.map((source) => ({ source })),
    ...(Object.keys(op).length > 0 ? { to: [{ operation: op }] } : {}),
  };
}
