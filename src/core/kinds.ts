/**
 * What the library knows about Kubernetes kinds by (group, kind): the delivery tier tables
 * (gitops DeliveryOrder) and the cluster-scoped kinds (apply order, inventories).
 */

/** `group/kind`, the key of the tables below. */
export function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> `''`). */
export function groupOfApiVersion(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i === -1 ? '' : apiVersion.slice(0, i);
}

/** Namespaces and CRDs: what everything else lives in or is typed by. */
export const FOUNDATION_KINDS: ReadonlyArray<[string, string]> = [
  ['', 'Namespace'],
  ['apiextensions.k8s.io', 'CustomResourceDefinition'],
];

/** Policies and guardrails (delivered before the workloads). */
export const POLICY_KINDS: ReadonlyArray<[string, string]> = [
  ['networking.k8s.io', 'NetworkPolicy'],
  ['policy.networking.k8s.io', 'ClusterNetworkPolicy'],
  ['policy.networking.k8s.io', 'AdminNetworkPolicy'],
  ['policy.networking.k8s.io', 'BaselineAdminNetworkPolicy'],
  ['kyverno.io', 'ClusterPolicy'],
  ['kyverno.io', 'Policy'],
  ['security.istio.io', 'PeerAuthentication'],
  ['security.istio.io', 'AuthorizationPolicy'],
  ['security.istio.io', 'RequestAuthentication'],
  // the sidecars' egress scope and the east-west Gateway's exposure are in place before any pod starts (review finding 20)
  ['networking.istio.io', 'Sidecar'],
  ['networking.istio.io', 'Gateway'],
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
export const CLUSTER_SCOPED_KINDS: ReadonlyArray<[string, string]> = [
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
  ['policy.networking.k8s.io', 'ClusterNetworkPolicy'], ['policy.networking.k8s.io', 'AdminNetworkPolicy'],
  ['policy.networking.k8s.io', 'BaselineAdminNetworkPolicy'],
  ['cert-manager.io', 'ClusterIssuer'],
  ['gateway.networking.k8s.io', 'GatewayClass'],
];

export const FOUNDATION_SET = new Set(FOUNDATION_KINDS.map(([g, k]) => kindKey(g, k)));
export const POLICY_SET = new Set(POLICY_KINDS.map(([g, k]) => kindKey(g, k)));
export const CLUSTER_SCOPED_SET = new Set(CLUSTER_SCOPED_KINDS.map(([g, k]) => kindKey(g, k)));
