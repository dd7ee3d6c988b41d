/**
 * Validation of ZeroTrustNamespaceProps into a plan (pure data) the ZeroTrustNamespace renders
 * (not exported from the package index). Every check runs before the construct creates anything:
 * no partial output.
 */
import { PLATFORM_NAMESPACES } from './platform-namespaces';
import { PodSecurityLevel, ZeroTrustNamespace, ZeroTrustNamespaceProps } from './zero-trust-namespace';
import { DATAPLANE_MODE_LABEL } from '../core/ambient';
import { Cidr } from '../core/cidr';
import { DataPlane } from '../core/data-plane';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { compareQuantities, fail, validateDns1123Label, validateLabels, validateQuantity } from '../core/validate';
import { Peer } from '../flows';

/** The LimitRange defaults of a namespace, defaults applied. */
export interface ZeroTrustNamespaceLimits {
  readonly defaultRequestCpu: string;
  readonly defaultRequestMemory: string;
  readonly defaultLimitCpu: string;
  readonly defaultLimitMemory: string;
}

/** A ZeroTrustNamespace's props, checked, defaults applied. */
export interface ZeroTrustNamespacePlan {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  readonly dataPlane: DataPlane;
  readonly internalOnly: boolean;
  /** `spec.hard` of the ResourceQuota: [ResourceQuota key, quantity], in this order. */
  readonly quota: ReadonlyArray<readonly [string, string]>;
  readonly limits: ZeroTrustNamespaceLimits;
  /** The cluster DNS pods (always reachable). */
  readonly dnsPeer: Peer;
  /** The API server endpoints, if reachable. */
  readonly apiServerPeer?: Peer;
  readonly apiServerPorts: Port[];
}

/** Checks `props` (in the order of its fields) and applies the defaults. */
export function planZeroTrustNamespace(path: string, props: ZeroTrustNamespaceProps): ZeroTrustNamespacePlan {
  checkIdentity(path, props);
  const dataPlane = checkDataPlane(path, props);
  const level = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
  if (!Object.values(PodSecurityLevel).includes(level)) {
    fail(path, 'podSecurity', level, 'one of privileged, baseline, restricted');
  }
  checkApiServerPorts(path, props.kubeApiServerPorts);
  const quota = planQuota(path, props);
  const limits = planLimits(path, props);
  // the peers are built (and so validated) before any child or flow exists: no partial output
  const dnsPeer = planDnsPeer(path, props);
  const apiServerPeer = planApiServerPeer(path, props.kubeApiServerCidrs);
  return {
    name: props.name,
    podSecurity: level,
    dataPlane,
    internalOnly: props.internalOnly ?? false,
    quota,
    limits,
    dnsPeer,
    apiServerPeer,
    apiServerPorts: props.kubeApiServerPorts ?? [Port.tcp(443), Port.tcp(6443)],
  };
}

/** The name, labels, annotations and enforcement mode. */
function checkIdentity(path: string, props: ZeroTrustNamespaceProps): void {
  if (props === undefined || props === null) {
    fail(path, 'props', props, 'ZeroTrustNamespaceProps with a name');
  }
  validateDns1123Label(path, 'name', props.name);
  if (PLATFORM_NAMESPACES.includes(props.name)) {
    fail(path, 'name', props.name, `a namespace of your own, not a platform namespace (${PLATFORM_NAMESPACES.join(', ')}): `
      + 'their components need network access only their installers know, and a default-deny there cuts off the cluster');
  }
  validateLabels(path, 'labels', props.labels);
  if (props.annotations !== undefined) {
    for (const k of Object.keys(props.annotations)) {
      if (typeof props.annotations[k] !== 'string') {
        fail(path, `annotations[${JSON.stringify(k)}]`, props.annotations[k], 'a string');
      }
    }
  }
  if (props.labels !== undefined && ZeroTrustNamespace.MANAGED_LABEL in props.labels) {
    fail(path, `labels[${JSON.stringify(ZeroTrustNamespace.MANAGED_LABEL)}]`, props.labels[ZeroTrustNamespace.MANAGED_LABEL],
      'no such label: ZeroTrustNamespace sets it (value "true")');
  }
  if (props.enforcement !== undefined && !Object.values(EnforcementMode).includes(props.enforcement)) {
    fail(path, 'enforcement', props.enforcement, 'EnforcementMode.ENFORCE (Enforce) or EnforcementMode.AUDIT (Audit)');
  }
}

/** The checked data plane of a namespace (ambient excludes injection and the labels it sets itself). */
function checkDataPlane(path: string, props: ZeroTrustNamespaceProps): DataPlane {
  const dataPlane = props.dataPlane ?? DataPlane.SIDECAR;
  if (!Object.values(DataPlane).includes(dataPlane)) {
    fail(path, 'dataPlane', dataPlane, 'DataPlane.SIDECAR (sidecar) or DataPlane.AMBIENT (ambient)');
  }
  if (props.labels !== undefined && DATAPLANE_MODE_LABEL in props.labels) {
    fail(path, `labels[${JSON.stringify(DATAPLANE_MODE_LABEL)}]`, props.labels[DATAPLANE_MODE_LABEL],
      'no such label: set dataPlane: DataPlane.AMBIENT (ZeroTrustNamespace sets the label, and the mesh and NetworkPolicies follow it)');
  }
  if (dataPlane !== DataPlane.AMBIENT) return dataPlane;
  if (props.istioInjection === true) {
    fail(path, 'istioInjection', true,
      'false with dataPlane: DataPlane.AMBIENT: a namespace is either injected with sidecars or in the ambient data plane '
      + '(Istio gives an injected pod its sidecar and ztunnel skips it, so the namespace would not be what it says)');
  }
  if (props.labels !== undefined && ('istio-injection' in props.labels || 'istio.io/rev' in props.labels)) {
    const key = 'istio-injection' in props.labels ? 'istio-injection' : 'istio.io/rev';
    fail(path, `labels[${JSON.stringify(key)}]`, props.labels[key],
      'no injection label on an ambient namespace (dataPlane: DataPlane.AMBIENT): injected pods get sidecars and leave the ambient data plane');
  }
  return dataPlane;
}

function checkApiServerPorts(path: string, ports: Port[] | undefined): void {
  if (ports === undefined) return;
  if (!Array.isArray(ports) || ports.length === 0) {
    fail(path, 'kubeApiServerPorts', ports, 'at least one port');
  }
  ports.forEach((p, i) => {
    if (!(p instanceof Port)) {
      fail(path, `kubeApiServerPorts[${i}]`, p, 'a Port (Port.tcp(443), ...)');
    }
  });
}

/** The ResourceQuota's `spec.hard`, checked (LoadBalancer and NodePort Services 0 unless allowed). */
function planQuota(path: string, props: ZeroTrustNamespaceProps): Array<[string, string]> {
  const allowLb = props.allowLoadBalancers ?? false;
  const q = props.quota ?? {};
  const hard: Array<[string, string, string, boolean]> = [
    // [quota field, ResourceQuota key, value, whole number]
    ['requestsCpu', 'requests.cpu', q.requestsCpu ?? '4', false],
    ['requestsMemory', 'requests.memory', q.requestsMemory ?? '8Gi', false],
    ['limitsCpu', 'limits.cpu', q.limitsCpu ?? '8', false],
    ['limitsMemory', 'limits.memory', q.limitsMemory ?? '16Gi', false],
    ['pods', 'pods', q.pods ?? '50', true],
    ['servicesLoadBalancers', 'services.loadbalancers', q.servicesLoadBalancers ?? (allowLb ? '10' : '0'), true],
    ['servicesNodePorts', 'services.nodeports', q.servicesNodePorts ?? (allowLb ? '10' : '0'), true],
  ];
  for (const [field, , value, integer] of hard) {
    validateQuantity(path, `quota.${field}`, value, { nonNegative: true, integer });
  }
  return hard.map(([, key, value]) => [key, value]);
}

/** The LimitRange defaults, checked (a default request above its default limit is refused by the API server). */
function planLimits(path: string, props: ZeroTrustNamespaceProps): ZeroTrustNamespaceLimits {
  const l = props.limits ?? {};
  const limits = {
    defaultRequestCpu: l.defaultRequestCpu ?? '100m',
    defaultRequestMemory: l.defaultRequestMemory ?? '128Mi',
    defaultLimitCpu: l.defaultLimitCpu ?? '500m',
    defaultLimitMemory: l.defaultLimitMemory ?? '512Mi',
  };
  for (const [field, value] of Object.entries(limits)) {
    validateQuantity(path, `limits.${field}`, value, { nonNegative: true });
  }
  // the API server refuses a LimitRange whose default request is above its default limit
  for (const r of ['Cpu', 'Memory'] as const) {
    const req = limits[`defaultRequest${r}`];
    const lim = limits[`defaultLimit${r}`];
    if (compareQuantities(req, lim) === 1) {
      fail(path, `limits.defaultRequest${r}`, req, `a quantity <= limits.defaultLimit${r} (${lim})`);
    }
  }
  return limits;
}

function planDnsPeer(path: string, props: ZeroTrustNamespaceProps): Peer {
  if (props.dns !== undefined) {
    if (props.dns === null || typeof props.dns !== 'object') {
      fail(path, 'dns', props.dns, 'DnsPeerOptions (namespace and pod labels of the cluster DNS pods)');
    }
    if (props.dns.namespace !== undefined) validateDns1123Label(path, 'dns.namespace', props.dns.namespace);
    validateLabels(path, 'dns.podLabels', props.dns.podLabels);
  }
  return Peer.dns(props.dns);
}

function planApiServerPeer(path: string, cidrs: string[] | undefined): Peer | undefined {
  if (cidrs === undefined) return undefined;
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    fail(path, 'kubeApiServerCidrs', cidrs, 'a non-empty list of CIDR blocks (the API server endpoint addresses)');
  }
  cidrs.forEach((c, i) => {
    try {
      Cidr.of(c);
    } catch (e) {
      fail(path, `kubeApiServerCidrs[${i}]`, c, (e as { expected?: string }).expected ?? 'a CIDR block, e.g. 10.0.0.1/32');
    }
  });
  return Peer.kubeApiServer(cidrs);
}
