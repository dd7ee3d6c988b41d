/**
 * How the chart's Istio is installed, as far as admission is concerned (set by MeshCluster, read
 * by the deployment model): whether injected pods get the CNI plugin's `istio-validation` init
 * container or the privileged `istio-init`. Keyed by the chart object (no cdk8s import here).
 */
const ISTIO_CNI = new WeakMap<object, boolean>();

/** Records the chart's Istio CNI mode. */
export function setIstioCni(chart: object, cni: boolean): void {
  ISTIO_CNI.set(chart, cni);
}

/** The chart's Istio CNI mode, or undefined if no MeshCluster in the chart says. */
export function istioCniOf(chart: object): boolean | undefined {
  return ISTIO_CNI.get(chart);
}

/** Whether the chart's MeshCluster installs ztunnel (profile ambient), keyed by the chart object. */
const AMBIENT_INSTALL = new WeakMap<object, boolean>();

/** Records whether the chart's Istio install runs the ambient data plane (ztunnel + CNI). */
export function setAmbientInstall(chart: object, ambient: boolean): void {
  AMBIENT_INSTALL.set(chart, ambient);
}

/** Whether the chart's Istio install runs ztunnel, or undefined if no MeshCluster in the chart says. */
export function ambientInstallOf(chart: object): boolean | undefined {
  return AMBIENT_INSTALL.get(chart);
}

/** The charts with an MtlsMesh (which declares the HBONE hops of ambient namespaces), keyed by the chart object. */
const MESHES = new WeakSet<object>();

/** Records that the chart has an MtlsMesh. */
export function setMeshPresent(chart: object): void {
  MESHES.add(chart);
}

/** True if the chart has an MtlsMesh. */
export function meshPresent(chart: object): boolean {
  return MESHES.has(chart);
}

const GATEWAY_SECCOMP = new WeakMap<object, boolean>();

/** Records whether the chart's istiod gives its Gateway API gateways the RuntimeDefault seccomp profile. */
export function setIstioGatewaySeccomp(chart: object, seccomp: boolean): void {
  GATEWAY_SECCOMP.set(chart, seccomp);
}

/** Whether the chart's istiod gives its Gateway API gateways a seccomp profile, or undefined if no MeshCluster in the chart says. */
export function istioGatewaySeccompOf(chart: object): boolean | undefined {
  return GATEWAY_SECCOMP.get(chart);
}

/** A Gateway API Gateway of the chart that istiod deploys (its Deployment is not in the chart). */
export interface IstioGatewayDeployment {
  /** Construct path of the Gateway's construct (for errors). */
  readonly path: string;
  readonly name: string;
  readonly namespace: string;
  readonly className: string;
  /** What the Gateway's implementation claims about `values.gateways.seccompProfile` (used when no MeshCluster in the chart says). */
  readonly seccompClaimed: boolean;
}

const ISTIO_GATEWAYS = new WeakMap<object, IstioGatewayDeployment[]>();

/** Records a Gateway istiod will deploy pods for. */
export function addIstioGateway(chart: object, gateway: IstioGatewayDeployment): void {
  ISTIO_GATEWAYS.set(chart, [...(ISTIO_GATEWAYS.get(chart) ?? []), gateway]);
}

/** The Gateways istiod deploys pods for in the chart's cluster, in the order they were added. */
export function istioGatewaysOf(chart: object): IstioGatewayDeployment[] {
  return ISTIO_GATEWAYS.get(chart) ?? [];
}
