/**
 * Istio ambient as the analyzer sees it (internal; Istio 1.30):
 *
 * - a pod is ambient when its namespace (or the pod) is labelled `istio.io/dataplane-mode: ambient`
 *   and it has no sidecar (a pod label `none` opts out);
 * - between two meshed pods with an ambient end, TCP travels as HBONE to the destination pod's port
 *   15008: the NetworkPolicies must admit TCP 15008 on the pair (then any TCP port passes them, and
 *   ztunnel's AuthorizationPolicies decide), the application port alone carries nothing;
 * - an ambient caller of a Service labelled `istio.io/use-waypoint` (or in a namespace so labelled)
 *   goes through that waypoint: caller -> waypoint:15008 -> destination:15008; the waypoint
 *   enforces the policies with `targetRefs` to the Service (caller identity, L7), the destination's
 *   ztunnel the selector policies with the waypoint's identity.
 *
 * The waypoint's pods are not in the manifests: they are modelled from the Gateway of class
 * `istio-waypoint` as Istio 1.30's waypoint template deploys them.
 *
 * Multi-network (Istio 1.29/1.30, beta): a Gateway of class `istio-east-west` is deployed with the
 * same template (controller label `istio.io-eastwest-controller`). Remote callers reach it with
 * double HBONE and it opens HBONE to the destination pod's 15008; the inner tunnel is end to end,
 * so the destination's AuthorizationPolicies see the remote callers' identities (as through a
 * classic AUTO_PASSTHROUGH gateway), and it routes only to Services labelled `istio.io/global: "true"`.
 */
import { ConnSet } from './conn-set';
import { IpInterval, parseIpAddress } from './ip-range';
import type { IstioSource } from './istio';
import { ParsedResources, PodInfo } from './model';

const MODE_LABEL = 'istio.io/dataplane-mode';
const USE_WAYPOINT = 'istio.io/use-waypoint';
const WAYPOINT_CLASS = 'istio-waypoint';
const EAST_WEST_CLASS = 'istio-east-west';
/** The controller label istiod puts on the waypoints it deploys. */
export const WAYPOINT_CONTROLLER = 'istio.io-mesh-controller';
/** The controller label istiod puts on the ambient east-west gateways it deploys. */
export const EAST_WEST_CONTROLLER = 'istio.io-eastwest-controller';
const GLOBAL_LABEL = 'istio.io/global';
const INGRESS_USE_WAYPOINT = 'istio.io/ingress-use-waypoint';
/** The address istio-cni SNATs the kubelet's probes of ambient pods to (Istio 1.30). */
const KUBELET_PROBE_IP = parseIpAddress('169.254.7.127')!.value;
const NETWORK_LABEL = 'topology.istio.io/network';
const HBONE = ConnSet.of('TCP', 15008);

/**
 * The pod Istio deploys for a Gateway of class `istio-waypoint` or `istio-east-west` (the waypoint
 * template: Deployment and service account `<name>`), or undefined.
 */
export function waypointPod(o: any): PodInfo | undefined {
  const name = o?.metadata?.name;
  if (o?.kind !== 'Gateway' || !String(o.apiVersion ?? '').startsWith('gateway.networking.k8s.io/')) return undefined;
  const cls = o.spec?.gatewayClassName;
  if ((cls !== WAYPOINT_CLASS && cls !== EAST_WEST_CLASS) || typeof name !== 'string') return undefined;
  const network = o.metadata?.labels?.[NETWORK_LABEL];
  return {
    ns: o.metadata.namespace ?? 'default',
    name,
    labels: {
      'gateway.istio.io/managed': cls === WAYPOINT_CLASS ? WAYPOINT_CONTROLLER : EAST_WEST_CONTROLLER,
      'gateway.networking.k8s.io/gateway-class-name': cls,
      'gateway.networking.k8s.io/gateway-name': name,
      [MODE_LABEL]: 'none',
      'sidecar.istio.io/inject': 'false',
      ...(typeof network === 'string' ? { [NETWORK_LABEL]: network } : {}),
    },
    ports: [{ port: 15008, protocol: 'TCP' }, { port: 15021, protocol: 'TCP' }],
    serviceAccount: name,
    ownerKind: 'Deployment',
    ownerName: name,
    annotations: {},
    hostNetwork: false,
  };
}

/** The ambient data plane of a set of manifests. */
export class AmbientModel {
  /** The kubelet's probe address of ambient pods (169.254.7.127), as a one-address interval. */
  public static readonly KUBELET_PROBE_RANGE: IpInterval = { v6: false, lo: KUBELET_PROBE_IP, hi: KUBELET_PROBE_IP };

  /** The L4 result of a HBONE pair: its TCP is only what the tunnel port (15008) lets through. */
  public static tunnel(l4: ConnSet): ConnSet {
    const other = l4.subtract(ConnSet.of('TCP'));
    return HBONE.intersect(l4).isEmpty ? other : other.union(ConnSet.of('TCP'));
  }

  /** {@link isAmbient} per pod (the pods and namespaces of an analysis do not change). */
  private readonly ambient = new Map<PodInfo, boolean>();

  constructor(private readonly res: ParsedResources) {}

  /** True if the pod gets a sidecar (injection labels of the pod or its namespace): sidecars take precedence over ambient. */
  private sidecar(pod: PodInfo): boolean {
    const inject = pod.labels['sidecar.istio.io/inject'] ?? pod.annotations['sidecar.istio.io/inject'];
    if (inject === 'false') return false;
    if (inject === 'true' || pod.annotations['sidecar.istio.io/status'] !== undefined) return true;
    const ns = this.res.namespaces.get(pod.ns) ?? {};
    return ns['istio-injection'] === 'enabled' || (ns['istio-injection'] === undefined && ns['istio.io/rev'] !== undefined);
  }

  /** True if ztunnel carries the pod's traffic. */
  public isAmbient(pod: PodInfo): boolean {
    let known = this.ambient.get(pod);
    if (known === undefined) { known = this.computeAmbient(pod); this.ambient.set(pod, known); }
    return known;
  }

  private computeAmbient(pod: PodInfo): boolean {
    if (pod.hostNetwork || pod.labels['gateway.istio.io/managed'] !== undefined) return false;
    const own = pod.labels[MODE_LABEL];
    if (own === 'none') return false;
    const ns = this.res.namespaces.get(pod.ns) ?? {};
    if (own !== 'ambient' && ns[MODE_LABEL] !== 'ambient') return false;
    return !this.sidecar(pod);
  }

  /** True if the pair talks HBONE: both ends meshed, one of them ambient. */
  public hbone(src: PodInfo, dst: PodInfo, inMesh: (p: PodInfo) => boolean): boolean {
    return inMesh(src) && inMesh(dst) && (this.isAmbient(src) || this.isAmbient(dst));
  }

  /**
   * The waypoint an ambient caller's traffic to `dst` goes through (Service or namespace
   * `istio.io/use-waypoint`), or undefined. An Istio ingress gateway's traffic goes through it
   * only where the Service (or its namespace) is also labelled `istio.io/ingress-use-waypoint: "true"`
   * (otherwise the gateway sends straight to the pod, past the waypoint and its L7 rules).
   */
  public waypointFor(src: PodInfo, dst: PodInfo): { pod: PodInfo; services: string[] } | undefined {
    const ingress = src.labels['gateway.istio.io/managed'] === 'istio.io-gateway-controller';
    if (!(this.isAmbient(src) || ingress) || !this.isAmbient(dst)) return undefined;
    const services = this.servicesOf(dst);
    const nsLabels = this.res.namespaces.get(dst.ns) ?? {};
    const ingressOptIn = nsLabels[INGRESS_USE_WAYPOINT] === 'true' || services.some((s) => s.metadata?.labels?.[INGRESS_USE_WAYPOINT] === 'true');
    if (ingress && !ingressOptIn) return undefined;
    const nsWaypoint = nsLabels[USE_WAYPOINT];
    const svc = services.find((s) => s.metadata?.labels?.[USE_WAYPOINT] !== undefined);
    const name = svc?.metadata?.labels?.[USE_WAYPOINT] ?? (services.length > 0 ? nsWaypoint : undefined);
    if (name === undefined || name === 'none') return undefined;
    const pod = this.res.pods.find((p) => p.ns === dst.ns && p.labels['gateway.istio.io/managed'] === WAYPOINT_CONTROLLER && p.name === name);
    if (pod === undefined) return undefined;
    return { pod, services: services.map((s) => s.metadata?.name).filter((n) => typeof n === 'string').sort() };
  }

  /**
   * The kubelet's health probe of an ambient pod: istio-cni SNATs it to 169.254.7.127 and ztunnel
   * lets it through unencrypted, so no PeerAuthentication or AuthorizationPolicy applies: only the
   * NetworkPolicies decide (they must admit 169.254.7.127 on the probe ports). Undefined otherwise.
   */
  public kubeletProbe(src: IstioSource, dst: PodInfo): string | undefined {
    const a = src.atom;
    if (src.pod !== undefined || a === undefined || a.v6 || a.lo !== KUBELET_PROBE_IP || a.hi !== KUBELET_PROBE_IP) return undefined;
    if (!this.isAmbient(dst)) return undefined;
    return 'ambient: 169.254.7.127 is the kubelet\'s health probes (SNAT by istio-cni): ztunnel passes them unencrypted, no PeerAuthentication or AuthorizationPolicy applies, the NetworkPolicies decide';
  }

  /** The AuthorizationPolicies the waypoint enforces for `dst`: `targetRefs` to a Service that selects it, or to the waypoint Gateway. */
  public waypointPolicies(dst: PodInfo, waypoint: PodInfo, services: string[]): any[] {
    return this.res.authorizationPolicies.filter((p) => (p.metadata?.namespace ?? 'default') === dst.ns && refsOf(p).some((r) =>
      (r.kind === 'Service' && services.includes(r.name)) || (r.kind === 'Gateway' && r.name === waypoint.name)));
  }

  private servicesOf(dst: PodInfo): any[] {
    return this.res.services.filter((svc) => {
      if ((svc.metadata?.namespace ?? 'default') !== dst.ns) return false;
      const sel = svc.spec?.selector;
      return !!sel && Object.keys(sel).length > 0 && Object.keys(sel).every((k) => dst.labels[k] === String(sel[k]));
    });
  }
}

/**
 * True if an ingress ipBlock of a NetworkPolicy that selects an ambient pod spans the kubelet's
 * probe address (contains it, or leaves it in an `except` inside its CIDR, as `169.254.0.0/16`
 * except `169.254.7.0/24`): the address then needs an atom of its own, since Istio lets the
 * probe through where it judges the addresses around it.
 */
export function probeAddressSpanned(res: ParsedResources, ambient: AmbientModel): boolean {
  const spans = (block: IpInterval[]): boolean => block.length > 0 && !block[0].v6
    && block.some((r) => r.lo <= KUBELET_PROBE_IP) && block.some((r) => r.hi >= KUBELET_PROBE_IP);
  for (const pol of res.policies) {
    if (!(pol.ingress ?? []).some((r) => (r.peers ?? []).some((p) => p.ipBlock !== undefined && spans(p.ipBlock)))) continue;
    if (res.pods.some((pod) => pod.ns === pol.ns && ambient.isAmbient(pod) && pol.podSelector.matches(pod.labels))) return true;
  }
  return false;
}

/** The explanation line of a HBONE pair. */
export function hboneNote(tunnelled: ConnSet, src: string, dst: string): string {
  return `ambient: ${src} -> ${dst} is HBONE: NetworkPolicy must admit TCP 15008 on the pair (${tunnelled.intersect(ConnSet.of('TCP')).isEmpty
    ? 'it does not: no TCP passes, whatever the application ports' : 'it does: every TCP port passes it, ztunnel decides'})`;
}

/** The `targetRefs` (and the older `targetRef`) of a policy. */
export function refsOf(p: any): Array<{ kind: string; name: string }> {
  if (p?.spec?.targetRefs === undefined && !p?.spec?.targetRef) return [];
  const refs = [...(p?.spec?.targetRefs ?? []), ...(p?.spec?.targetRef ? [p.spec.targetRef] : [])];
  return refs.filter((r: any) => r && typeof r.kind === 'string' && typeof r.name === 'string');
}

/** True for the pod of an ambient east-west gateway (class `istio-east-west`). */
export function isAmbientEastWest(pod: PodInfo): boolean {
  return pod.labels['gateway.istio.io/managed'] === EAST_WEST_CONTROLLER;
}

/** `ns/name` of the ambient east-west Gateway whose pod this is, or undefined. */
export function ambientEastWestGateway(pod: PodInfo): string | undefined {
  return isAmbientEastWest(pod) ? `${pod.ns}/${pod.labels['gateway.networking.k8s.io/gateway-name'] ?? pod.name}` : undefined;
}

/**
 * Why an ambient east-west gateway routes nothing to `dst` (no Service labelled
 * `istio.io/global: "true"` selects it: the other clusters do not see it), or undefined if it does.
 */
export function ambientEastWestUnroutable(services: any[], dst: PodInfo): string | undefined {
  const selecting = services.filter((svc) => {
    if ((svc.metadata?.namespace ?? 'default') !== dst.ns) return false;
    const sel = svc.spec?.selector;
    return !!sel && typeof sel === 'object' && Object.keys(sel).length > 0 && Object.keys(sel).every((k) => dst.labels[k] === String(sel[k]));
  });
  if (selecting.some((svc) => svc.metadata?.labels?.[GLOBAL_LABEL] === 'true')) return undefined;
  const names = selecting.map((svc) => String(svc.metadata?.name)).sort();
  return `no Service selecting ${dst.ns}/${dst.name} is labelled ${GLOBAL_LABEL}: "true"${names.length ? ` (${names.join(', ')})` : ''}: the other clusters never route to it`;
}
