/**
 * What the Kyverno rule builders of {@link AdmissionGuardrails} share (internal): the rollout
 * state, the rule action, the pod match and exclude blocks, upstream's DELETE guard.
 */
import { GuardrailAction } from './guardrail-action';
import {
  ClusterPolicySpecRulesExclude,
  ClusterPolicySpecRulesMatch,
  ClusterPolicySpecRulesValidate,
  ClusterPolicySpecRulesValidateFailureAction,
  ClusterPolicySpecRulesValidateFailureActionOverridesAction,
} from '../imports/kyverno.io';

/** The staged rollout, resolved at synthesis: the cluster in AUDIT, and the namespaces in AUDIT. */
export interface Rollout {
  readonly audit: boolean;
  readonly auditNs: string[];
}

/** The action fields of a validate rule. */
export type RuleAction = Pick<ClusterPolicySpecRulesValidate, 'failureAction' | 'failureActionOverrides'>;

/** Upstream's DELETE guard: a deny/foreach rule must never block deleting a pod. */
export const NOT_DELETE = { all: [{ key: '{{ request.operation || \'BACKGROUND\' }}', operator: 'NotEquals', value: 'DELETE' }] };

// the CRD's override action enum also allows 'Audit', which the binding folds into its lowercase member: keep our spelling
const AUDIT_OVERRIDE = GuardrailAction.AUDIT as string as ClusterPolicySpecRulesValidateFailureActionOverridesAction;

function failureAction(action: GuardrailAction): ClusterPolicySpecRulesValidateFailureAction {
  return action === GuardrailAction.AUDIT ? ClusterPolicySpecRulesValidateFailureAction.AUDIT : ClusterPolicySpecRulesValidateFailureAction.ENFORCE;
}

/** The action of a rule: Audit everywhere in an AUDIT rollout, else `action` with the AUDIT namespaces overridden to Audit. */
export function actionOf(action: GuardrailAction, r: Rollout): RuleAction {
  if (r.audit) return { failureAction: failureAction(GuardrailAction.AUDIT) };
  return action === GuardrailAction.ENFORCE && r.auditNs.length > 0
    ? {
      failureAction: failureAction(action),
      failureActionOverrides: [{ action: AUDIT_OVERRIDE, namespaces: r.auditNs }],
    }
    : { failureAction: failureAction(action) };
}

/** Every Pod. */
export const POD_MATCH: ClusterPolicySpecRulesMatch = { any: [{ resources: { kinds: ['Pod'] } }] };

/** Pods in these namespaces, or every Pod. */
export function podMatchIn(namespaces?: string[]): ClusterPolicySpecRulesMatch {
  return namespaces ? { any: [{ resources: { kinds: ['Pod'], namespaces } }] } : POD_MATCH;
}

/** The exclude block of the excluded namespaces and `extra` (none if both are empty). */
export function podExclude(excluded: string[], extra: string[]): { exclude?: ClusterPolicySpecRulesExclude } {
  const names = Array.from(new Set([...excluded, ...extra])).sort();
  return names.length > 0 ? { exclude: { any: [{ resources: { namespaces: names } }] } } : {};
}
