/**
 * The network rules of {@link AdmissionGuardrails} (internal): the generated default-deny and
 * allow-dns NetworkPolicies, the "namespace has a NetworkPolicy" check and the "no allow-all
 * policy" rules, as pure functions of the resolved props and the rollout state.
 */
import { AUTHZ_ALLOW_ALL_KEY, AUTHZ_ALLOW_ALL_MESSAGE, NETPOL_ALLOW_ALL_KEY, NETPOL_ALLOW_ALL_MESSAGE } from './allow-all-policies';
import type { GuardrailPlan } from './guardrail-plan';
import { actionOf, NOT_DELETE, podExclude, POD_MATCH, Rollout, RuleAction } from './guardrail-rules-common';
import { serviceRules } from './guardrail-service-rules';
import { ZeroTrustNamespace } from './zero-trust-namespace';
import { ClusterPolicySpecRules, ClusterPolicySpecRulesExclude, ClusterPolicySpecRulesMatch } from '../imports/kyverno.io';

/** The Namespace label (value `"true"`) that opts a namespace into generation. */
export const GENERATE_LABEL = 'zero-trust.cdk8s.io/generate-network-policies';


function sorted(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

/** The specs of the generated NetworkPolicies, by name. */
export function generatedPolicies(plan: GuardrailPlan): { [name: string]: any } {
  return {
    'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    'allow-dns': {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': plan.dnsNs } },
          podSelector: { matchLabels: sorted(plan.dnsLabels) },
        }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    },
  };
}

// opt-in: only namespaces labelled for generation (see the class docs)
const NS_MATCH: ClusterPolicySpecRulesMatch = {
  any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { [GENERATE_LABEL]: 'true' } } } }],
};

/** One generate rule: the NetworkPolicy `name` with `spec` in every opted-in namespace but the excluded ones and `extra`. */
function generateRule(plan: GuardrailPlan, name: string, spec: any, extra: string[]): ClusterPolicySpecRules {
  // namespaces of a ZeroTrustNamespace own their NetworkPolicies (default-deny, allow-to-dns):
  // generating ours there would give one object two owners, so they are excluded by their label
  const managed = { resources: { selector: { matchLabels: { [ZeroTrustNamespace.MANAGED_LABEL]: 'true' } } } };
  const names = Array.from(new Set([...plan.excluded, ...extra])).sort();
  return {
    name: `generate-${name}`,
    match: NS_MATCH,
    exclude: { any: [...(names.length > 0 ? [{ resources: { names } }] : []), managed] },
    generate: {
      generateExisting: true,
      synchronize: true,
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name,
      namespace: '{{request.object.metadata.name}}',
      // free-form (x-kubernetes-preserve-unknown-fields): the binding types it `any`
      data: { spec },
    },
  };
}

/** The generate rules (none with BASELINE_TIER), leaving out the AUDIT namespaces and the exceptions without generation. */
export function generateRules(plan: GuardrailPlan, r: Rollout): ClusterPolicySpecRules[] {
  if (!plan.useKyverno) return [];
  const generated = generatedPolicies(plan);
  return Object.keys(generated).map((name) => generateRule(plan, name, generated[name], [...r.auditNs, ...plan.noGenerate]));
}

/** The "namespace has a NetworkPolicy" rule (with BASELINE_TIER, the opted-in namespaces are skipped: the baseline covers them). */
function requireNetworkPolicyRule(plan: GuardrailPlan, act: RuleAction): ClusterPolicySpecRules {
  const base = podExclude(plan.excluded, []);
  const optedIn = { resources: { namespaceSelector: { matchLabels: { [GENERATE_LABEL]: 'true' } } } };
  const exclude: { exclude?: ClusterPolicySpecRulesExclude } = plan.useKyverno ? base : { exclude: { any: [...(base.exclude?.any ?? []), optedIn] } };
  return {
    name: 'require-network-policy',
    match: POD_MATCH,
    ...exclude,
    preconditions: { all: [{ key: '{{request.operation || \'BACKGROUND\'}}', operator: 'Equals', value: 'CREATE' }] },
    context: [{
      name: 'netpolCount',
      apiCall: {
        urlPath: '/apis/networking.k8s.io/v1/namespaces/{{request.namespace}}/networkpolicies',
        jmesPath: 'items | length(@)',
      },
    }],
    validate: {
      ...act,
      message: 'Namespace {{request.namespace}} has no NetworkPolicy: zero-trust namespaces deny by default.',
      deny: { conditions: { any: [{ key: '{{netpolCount}}', operator: 'Equals', value: 0 }] } },
    },
  };
}

/**
 * The rules that refuse a tenant's allow-all NetworkPolicy or AuthorizationPolicy (SECURITY.md
 * finding 12), on CREATE and UPDATE. No label exempts an object: whoever may write a policy may
 * write its labels, and the chart's own policies never open everything (checked at synthesis).
 */
function allowAllRules(act: RuleAction, exclude: { exclude?: ClusterPolicySpecRulesExclude }): ClusterPolicySpecRules[] {
  const rule = (name: string, kind: string, message: string, keys: string[]): ClusterPolicySpecRules => ({
    name,
    match: { any: [{ resources: { kinds: [kind] } }] },
    ...exclude,
    preconditions: NOT_DELETE,
    validate: {
      ...act,
      message,
      deny: { conditions: { any: keys.map((key) => ({ key, operator: 'GreaterThan', value: 0 })) } },
    },
  });
  return [
    rule('disallow-allow-all-network-policy', 'networking.k8s.io/v1/NetworkPolicy', NETPOL_ALLOW_ALL_MESSAGE, [NETPOL_ALLOW_ALL_KEY('ingress'), NETPOL_ALLOW_ALL_KEY('egress')]),
    rule('disallow-allow-all-authorization-policy', 'security.istio.io/*/AuthorizationPolicy', AUTHZ_ALLOW_ALL_MESSAGE, [AUTHZ_ALLOW_ALL_KEY]),
  ];
}

/**
 * The rules of the network ClusterPolicy: the generate rules (none in an AUDIT rollout, where
 * they are held back), the NetworkPolicy check, the allow-all rules.
 *
 * @param plan the resolved props
 * @param r the rollout state
 */
export function networkRules(plan: GuardrailPlan, r: Rollout): ClusterPolicySpecRules[] {
  const act = actionOf(plan.npAction, r);
  return [
    ...(r.audit ? [] : generateRules(plan, r)),
    requireNetworkPolicyRule(plan, act),
    ...allowAllRules(act, podExclude(plan.excluded, [])),
    ...serviceRules(act, podExclude(plan.excluded, [])),
  ];
}
