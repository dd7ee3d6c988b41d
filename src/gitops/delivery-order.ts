import { CLUSTER_SCOPED_SET, FOUNDATION_SET, groupOfApiVersion, kindKey, POLICY_SET } from '../core/kinds';
import { checkArgs, t } from '../core/props-check';

/**
 * When an object is delivered relative to the others of its cluster. Zero trust needs the
 * default-deny policies and admission guardrails in place before any workload starts.
 */
export enum DeliveryTier {
  /** Namespaces and CustomResourceDefinitions: what everything else lives in or is typed by. */
  FOUNDATION = 'foundation',
  /**
   * Policies and guardrails: NetworkPolicies, Kyverno policies, Istio PeerAuthentication /
   * AuthorizationPolicy / RequestAuthentication, Istio Sidecars (egress scope) and Istio
   * Gateways (the east-west gateway's exposure), admission policies, quotas and limit ranges,
   * and RBAC (ServiceAccounts, Roles, bindings).
   */
  POLICY = 'policy',
  /** Everything else: workloads, Services, ConfigMaps, custom resources of operators. */
  WORKLOAD = 'workload',
}

const key = kindKey;
const FOUNDATION = FOUNDATION_SET;
const POLICY = POLICY_SET;
const CLUSTER = CLUSTER_SCOPED_SET;

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
    checkArgs('DeliveryOrder.groupOf', ['apiVersion', apiVersion, t.required(t.str())]);
    return groupOfApiVersion(apiVersion);
  }

  /**
   * The tier of an object of this apiVersion and kind.
   *
   * @param apiVersion e.g. `networking.k8s.io/v1`
   * @param kind e.g. `NetworkPolicy`
   */
  public static tierOf(apiVersion: string, kind: string): DeliveryTier {
    checkArgs('DeliveryOrder.tierOf', ['apiVersion', apiVersion, t.required(t.str())], ['kind', kind, t.required(t.str())]);
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
    checkArgs('DeliveryOrder.syncWaveOf', ['tier', tier, t.required(t.enumOf('DeliveryTier', () => DeliveryTier))]);
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
    checkArgs('DeliveryOrder.isClusterScoped', ['apiVersion', apiVersion, t.required(t.str())], ['kind', kind, t.required(t.str())]);
    return CLUSTER.has(key(DeliveryOrder.groupOf(apiVersion), kind));
  }

  private constructor() {}
}
