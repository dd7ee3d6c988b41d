/**
 * Which resource of the Kubernetes Network Policy API (SIG Network, `policy.networking.k8s.io`)
 * the cluster-wide policy tiers are emitted as. The same declarations give equivalent objects in
 * both versions (tested).
 *
 * Which CNIs implement what (from their projects' documentation and pull requests, late 2026;
 * check your release):
 *
 * | CNI | v1alpha1 AdminNetworkPolicy + BaselineAdminNetworkPolicy | v1alpha2 ClusterNetworkPolicy |
 * |---|---|---|
 * | Calico | 3.29-3.31 (tiers `adminnetworkpolicy`, `baselineadminnetworkpolicy`) | 3.32+ (tiers `kube-admin`, `kube-baseline`); ANP/BANP removed |
 * | OVN-Kubernetes (OpenShift) | yes (OpenShift 4.14 preview, GA later), with egress `nodes`/`networks` peers | not yet |
 * | Antrea | 1.13+ behind the `AdminNetworkPolicy` feature gate (no `sameLabels`) | not yet |
 * | kube-network-policies (SIG Network reference) | yes | yes (the upstream conformance implementation) |
 * | AWS VPC CNI network policy agent | no | yes (2025-12 and later) |
 * | Cilium | no (its own CiliumClusterwideNetworkPolicy) | only in releases after mid-2026 (docs merged 2026-07); older releases: no |
 *
 * A cluster whose CNI does not implement the API accepts the objects (the CRD is installed) and
 * enforces nothing: keep NetworkPolicy default-deny (ZeroTrustNamespace, the Kyverno generate
 * rules) there.
 */
export enum NetworkPolicyApiVersion {
  /**
   * `ClusterNetworkPolicy` (`policy.networking.k8s.io/v1alpha2`): one kind with `tier: Admin` or
   * `tier: Baseline`, actions Accept, Deny, Pass; priority 0-1000 in both tiers.
   */
  V1ALPHA2 = 'v1alpha2',
  /**
   * `AdminNetworkPolicy` (priority 0-1000; Allow, Deny, Pass) and the singleton
   * `BaselineAdminNetworkPolicy` named `default` (Allow, Deny; no priority), as still shipped by
   * several distributions.
   */
  V1ALPHA1 = 'v1alpha1',
}
