/**
 * The enums of {@link AdmissionGuardrails}' props (their own file: the rule builders use them too).
 */

/**
 * What Kyverno does with a failing validate rule.
 */
export enum GuardrailAction {
  /** Reject the request. */
  ENFORCE = 'Enforce',
  /** Allow the request and report the violation. */
  AUDIT = 'Audit',
}

/**
 * How {@link AdmissionGuardrails} gives the opted-in namespaces their default-deny.
 */
export enum DefaultDenyMechanism {
  /**
   * Kyverno generate rules write `default-deny` and `allow-dns` NetworkPolicies into each
   * namespace: works with every CNI that enforces NetworkPolicy.
   */
  KYVERNO_GENERATE = 'KyvernoGenerate',
  /**
   * A {@link ClusterBaseline} (Baseline tier of the Network Policy API) selects the opted-in
   * namespaces by label: no webhook, no race with namespace creation. Needs a CNI that implements
   * the API version chosen (see {@link NetworkPolicyApiVersion}); on one that does not, nothing is
   * enforced.
   */
  BASELINE_TIER = 'BaselineTier',
  /** Both: the Baseline tier, and the generated NetworkPolicies on top (migration, mixed fleets). */
  BOTH = 'Both',
}
