/**
 * The Service guardrails (internal, SECURITY.md finding 23): no `spec.externalIPs` (CVE-2020-8554:
 * whoever may write a Service may claim any external IP, and kube-proxy then intercepts the
 * cluster's traffic to it) and no `type: ExternalName` (a DNS alias to any name, internal
 * targets included, that an ingress controller or a mesh would then proxy to). Upstream's
 * best-practice policies `restrict-external-ips` and `restrict-service-external-names`.
 */
import { NOT_DELETE, RuleAction } from './guardrail-rules-common';
import { ClusterPolicySpecRules, ClusterPolicySpecRulesExclude } from '../imports/kyverno.io';

/**
 * How many externalIPs the Service has (a deny rule: cdk8s-plus writes an empty list, which the
 * upstream `X(externalIPs)` pattern would refuse).
 */
export const EXTERNAL_IPS_KEY = '{{ length(request.object.spec.externalIPs || `[]`) }}';

/** The ExternalName pattern: the type is anything else (or unset). */
export const NOT_EXTERNAL_NAME = { spec: { '=(type)': '!ExternalName' } };

/**
 * The two Service rules.
 *
 * @param act the rules' action
 * @param exclude the excluded namespaces' block
 */
export function serviceRules(act: RuleAction, exclude: { exclude?: ClusterPolicySpecRulesExclude }): ClusterPolicySpecRules[] {
  const match = { any: [{ resources: { kinds: ['Service'] } }] };
  return [
    {
      name: 'disallow-service-external-ips',
      match,
      ...exclude,
      preconditions: NOT_DELETE,
      validate: {
        ...act,
        message: 'Service {{request.object.metadata.name}} sets spec.externalIPs: not allowed (CVE-2020-8554, traffic to those IPs is intercepted). '
          + 'Use a LoadBalancer Service in a namespace that allows them, or an Ingress/Gateway.',
        deny: { conditions: { any: [{ key: EXTERNAL_IPS_KEY, operator: 'GreaterThan', value: 0 }] } },
      },
    },
    {
      name: 'disallow-service-external-name',
      match,
      ...exclude,
      validate: {
        ...act,
        message: 'Service {{request.object.metadata.name}} is of type ExternalName: not allowed (a DNS alias to any name, internal ones included). '
          + 'Declare an egress flow to the external peer instead.',
        pattern: NOT_EXTERNAL_NAME,
      },
    },
  ];
}

/** What the two rules refuse in a Service manifest: the fields, empty if none. */
export function serviceGuardrailFields(obj: any): string[] {
  if (obj?.kind !== 'Service') return [];
  return [
    ...((obj.spec?.externalIPs ?? []).length > 0 ? ['spec.externalIPs'] : []),
    ...(obj.spec?.type === 'ExternalName' ? ['spec.type'] : []),
  ];
}
