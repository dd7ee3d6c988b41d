/**
 * When an object is delivered relative to the others of its cluster. Zero trust needs the
 * default-deny policies and admission guardrails in place before any workload starts.
 */
export enum DeliveryTier {
  /** Namespaces and CustomResourceDefinitions: what everything else lives in or is typed by. */
  FOUNDATION = 'foundation',
  /**
   * Policies and guardrails: NetworkPolicies, Kyverno policies, Istio PeerAuthentication /
   * AuthorizationPolicy / RequestAuthentication, admission policies, quotas and limit ranges,
   * and RBAC (ServiceAccounts, Roles, bindings).
   */
  POLICY = 'policy',
  /** Everything else: workloads, Services, ConfigMaps, custom resources of operators. */
  WORKLOAD = 'workload',
}

/** kind (and optional group) -> tier, for the kinds that are not workloads. */
const FOUNDATION_KINDS: ReadonlyArray<[string, string]> = [
  ['', 'Namespace'],
  ['apiextensions.k8s.io', 'CustomResourceDefinition'],
];

const POLICY_KINDS: ReadonlyArray<[string, string]> = [
  ['networking.k8s.io', 'NetworkPolicy'],
  ['kyverno.io', 'ClusterPolicy'],
  ['kyverno.io', 'Policy'],
  ['security.istio.io', 'PeerAuthentication'],
  ['security.istio.io', 'AuthorizationPolicy'],
  ['security.istio.io', 'RequestAuthentication'],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicy'],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'],
  ['', 'ResourceQuota'],
  ['', 'LimitRange'],
  ['', 'ServiceAccount'],
  ['rbac.authorization.k8s.io', 'Role'],
  ['rbac.authorization.k8s.io', 'RoleBinding'],
  ['rbac.authorization.k8s.io', 'ClusterRole'],
  ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
];

/** Kinds that are cluster-scoped (group, kind); a CRD in the output adds its own kind. */
const CLUSTER_SCOPED: ReadonlyArray<[string, string]> = [
  ['', 'Namespace'], ['', 'Node'], ['', 'PersistentVolume'],
  ['rbac.authorization.k8s.io', 'ClusterRole'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
  ['apiextensions.k8s.io', 'CustomResourceDefinition'],
  ['storage.k8s.io', 'StorageClass'], ['storage.k8s.io', 'CSIDriver'], ['storage.k8s.io', 'VolumeAttributesClass'],
  ['scheduling.k8s.io', 'PriorityClass'],
  ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'],
  ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration'],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicy'],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'],
  ['apiregistration.k8s.io', 'APIService'],
  ['networking.k8s.io', 'IngressClass'],
  ['node.k8s.io', 'RuntimeClass'],
  ['flowcontrol.apiserver.k8s.io', 'FlowSchema'], ['flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration'],
  ['kyverno.io', 'ClusterPolicy'], ['kyverno.io', 'ClusterCleanupPolicy'],
  ['cert-manager.io', 'ClusterIssuer'],
  ['gateway.networking.k8s.io', 'GatewayClass'],
];

const key = (group: string, kind: string) => `${group}/${kind}`;
const FOUNDATION = new Set(FOUNDATION_KINDS.map(([g, k]) => key(g, k)));
const POLICY = new Set(POLICY_KINDS.map(([g, k]) => key(g, k)));
const CLUSTER = new Set(CLUSTER_SCOPED.map(([g, k]) => key(g, k)));

/**
 * The order in which a cluster's objects are delivered, by kind: {@link DeliveryTier.FOUNDATION}
 * (sync wave -2), then {@link DeliveryTier.POLICY} (wave -1), then {@link DeliveryTier.WORKLOAD}
 * (wave 0). Argo CD applies a wave only when the previous one is healthy; Flux applies the
 * policies Kustomization before the apps one (`dependsOn`).
 */
export class DeliveryOrder {
  /**
   * The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> `''`).
   *
   * @param apiVersion e.g. `networking.k8s.io/v1`
   */
  public static groupOf(apiVersion: string): string {
    const i = apiVersion.indexOf('/');
    return i === -1 ? '' : apiVersion.slice(0, i);
  }

  /**
   * The tier of an object of this apiVersion and kind.
   *
   * @param apiVersion e.g. `networking.k8s.io/v1`
   * @param kind e.g. `NetworkPolicy`
   */
  public static tierOf(apiVersion: string, kind: string): DeliveryTier {
    const k = key(DeliveryOrder.groupOf(apiVersion), kind);
    if (FOUNDATION.has(k)) return DeliveryTier.FOUNDATION;
    if (POLICY.has(k)) return DeliveryTier.POLICY;
    return DeliveryTier.WORKLOAD;
  }

  /**
   * The Argo CD sync wave of a tier: -2, -1 or 0.
   *
   * @param tier the tier
   */
  public static syncWaveOf(tier: DeliveryTier): number {
    switch (tier) {
      case DeliveryTier.FOUNDATION: return -2;
      case DeliveryTier.POLICY: return -1;
      default: return 0;
    }
  }

  /**
   * True if objects of this apiVersion and kind are cluster-scoped (built-in kinds and the
   * known cluster-scoped kinds of Kyverno, cert-manager and Gateway API).
   *
   * @param apiVersion e.g. `kyverno.io/v1`
   * @param kind e.g. `ClusterPolicy`
   */
  public static isClusterScoped(apiVersion: string, kind: string): boolean {
    return CLUSTER.has(key(DeliveryOrder.groupOf(apiVersion), kind));
  }

  private constructor() {}
}
