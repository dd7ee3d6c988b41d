/**
 * How the chart's Istio is installed, as far as admission is concerned (set by MeshCluster,
 * MtlsMesh and SecureGateway, read by the deployment model, ZeroTrustNamespace and the
 * guardrails): whether injected pods get the CNI plugin's `istio-validation` init container or the
 * privileged `istio-init`, whether ztunnel runs, the Gateways istiod deploys pods for. Kept on the
 * chart itself (state in the construct tree, as `Enforcement` does: a non-enumerable symbol
 * property, dropped with the tree), so core needs no cdk8s import.
 */
const STATE = Symbol.for('cdk8s-zero-trust.mesh-install');

/** What the chart's constructs recorded about its Istio install. */
interface MeshInstallState {
  /** The MeshCluster's Istio CNI mode. */
  cni?: boolean;
  /** Whether the MeshCluster installs ztunnel (profile ambient). */
  ambient?: boolean;
  /** True if the chart has an MtlsMesh (which declares the HBONE hops of ambient namespaces). */
  mesh?: boolean;
  /** Whether the MeshCluster's istiod gives Gateway API gateways the RuntimeDefault seccomp profile. */
  gatewaySeccomp?: boolean;
  /** The Gateways istiod deploys pods for, in the order they were added. */
  readonly gateways: IstioGatewayDeployment[];
}

/** The chart's state, created on first write. */
function stateOf(chart: object): MeshInstallState {
  let state = (chart as any)[STATE] as MeshInstallState | undefined;
  if (state === undefined) {
    state = { gateways: [] };
    Object.defineProperty(chart, STATE, { value: state, enumerable: false, configurable: false, writable: false });
  }
  return state;
}

/** The chart's state if anything was recorded (readers never create it). */
function recorded(chart: object): MeshInstallState | undefined {
  return (chart as any)?.[STATE] as MeshInstallState | undefined;
}

/** Records the chart's Istio CNI mode. */
export function setIstioCni(chart: object, cni: boolean): void {
  stateOf(chart).cni = cni;
}

/** The chart's Istio CNI mode, or undefined if no MeshCluster in the chart says. */
export function istioCniOf(chart: object): boolean | undefined {
  return recorded(chart)?.cni;
}

/** Records whether the chart's Istio install runs the ambient data plane (ztunnel + CNI). */
export function setAmbientInstall(chart: object, ambient: boolean): void {
  stateOf(chart).ambient = ambient;
}

/** Whether the chart's Istio install runs ztunnel, or undefined if no MeshCluster in the chart says. */
export function ambientInstallOf(chart: object): boolean | undefined {
  return recorded(chart)?.ambient;
}

/** Records that the chart has an MtlsMesh. */
export function setMeshPresent(chart: object): void {
  stateOf(chart).mesh = true;
}

/** True if the chart has an MtlsMesh. */
export function meshPresent(chart: object): boolean {
  return recorded(chart)?.mesh === true;
}

/** Records whether the chart's istiod gives its Gateway API gateways the RuntimeDefault seccomp profile. */
export function setIstioGatewaySeccomp(chart: object, seccomp: boolean): void {
  stateOf(chart).gatewaySeccomp = seccomp;
}

/** Whether the chart's istiod gives its Gateway API gateways a seccomp profile, or undefined if no MeshCluster in the chart says. */
export function istioGatewaySeccompOf(chart: object): boolean | undefined {
  return recorded(chart)?.gatewaySeccomp;
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

/** Records a Gateway istiod will deploy pods for. */
export function addIstioGateway(chart: object, gateway: IstioGatewayDeployment): void {
  stateOf(chart).gateways.push(gateway);
}

/** The Gateways istiod deploys pods for in the chart's cluster, in the order they were added. */
export function istioGatewaysOf(chart: object): IstioGatewayDeployment[] {
  return [...(recorded(chart)?.gateways ?? [])];
}
