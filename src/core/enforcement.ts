/**
 * Whether the zero-trust policies of a scope are enforced or only observed (staged rollout).
 *
 * Set it with `Enforcement.set(scope, mode)` (fleet, cluster chart, namespace or construct) or a
 * construct's `enforcement` prop; the most specific setting wins.
 */
export enum EnforcementMode {
  /** Policies are enforced: default-deny, Kyverno `Enforce`, Istio policies active. */
  ENFORCE = 'Enforce',
  /**
   * Policies are observed only: Istio AuthorizationPolicies carry `istio.io/dry-run: "true"`,
   * Kyverno validate rules use `Audit`, and NetworkPolicies (which have no audit mode) that would
   * isolate pods are held back into the `EnforcementReport` instead of being emitted.
   */
  AUDIT = 'Audit',
}
