/**
 * The objects of a ZeroTrustNamespace, rendered from its plan as plain props (pure functions; not
 * exported from the package index).
 */
import { k8s } from 'cdk8s-plus-27';
import type { ZeroTrustNamespacePlan } from './zero-trust-namespace-plan';
import { DATAPLANE_MODE_LABEL } from '../core/ambient';
import { DataPlane } from '../core/data-plane';

/** The Pod Security Admission modes a namespace's level is set for. */
const PSA_LEVEL_KEYS = ['enforce', 'audit', 'warn'];

/**
 * The Namespace's labels: the user's, then Pod Security Admission (every mode, latest version),
 * the Istio data plane, and the managed label.
 */
export function renderNamespaceLabels(plan: ZeroTrustNamespacePlan, userLabels: { [key: string]: string } | undefined,
  injection: boolean, managedLabel: string): { [key: string]: string } {
  const labels: { [key: string]: string } = { ...(userLabels ?? {}) };
  for (const k of PSA_LEVEL_KEYS) {
    labels[`pod-security.kubernetes.io/${k}`] = plan.podSecurity;
    labels[`pod-security.kubernetes.io/${k}-version`] = 'latest';
  }
  if (injection) {
    labels['istio-injection'] = 'enabled';
  }
  if (plan.dataPlane === DataPlane.AMBIENT) {
    labels[DATAPLANE_MODE_LABEL] = 'ambient';
  }
  labels[managedLabel] = 'true';
  return labels;
}

/** The ResourceQuota `default-quota`. */
export function renderQuota(plan: ZeroTrustNamespacePlan): k8s.KubeResourceQuotaProps {
  return {
    metadata: { name: 'default-quota', namespace: plan.name },
    spec: { hard: Object.fromEntries(plan.quota.map(([key, value]) => [key, k8s.Quantity.fromString(value)])) },
  };
}

/** The LimitRange `default-limits` (container defaults). */
export function renderLimitRange(plan: ZeroTrustNamespacePlan): k8s.KubeLimitRangeProps {
  const limits = plan.limits;
  return {
    metadata: { name: 'default-limits', namespace: plan.name },
    spec: {
      limits: [{
        type: 'Container',
        defaultRequest: {
          cpu: k8s.Quantity.fromString(limits.defaultRequestCpu),
          memory: k8s.Quantity.fromString(limits.defaultRequestMemory),
        },
        default: {
          cpu: k8s.Quantity.fromString(limits.defaultLimitCpu),
          memory: k8s.Quantity.fromString(limits.defaultLimitMemory),
        },
      }],
    },
  };
}
