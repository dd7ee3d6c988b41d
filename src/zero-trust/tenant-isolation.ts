import { Construct } from 'constructs';
import { NetworkPolicyApiVersion } from './policy-tier';
import { TENANT_ISOLATION_PROPS } from './props-specs';
import { checkApiVersion, claimPriorities, emitTierPolicy, TierSelector } from './tier-render';
import { EnforcementMode } from '../core/enforcement';
import { toKubeName } from '../core/strings';
import { fail, validateLabelKey, validateLabelValue } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of {@link TenantIsolation}.
 */
export interface TenantIsolationProps {
  /** The namespace label whose value names a namespace's tenant, e.g. `tenant`. */
  readonly tenantLabel: string;

  /** The tenants (values of `tenantLabel`) to isolate from each other; at least two. */
  readonly tenants: string[];

  /**
   * The Admin-tier priority of the first tenant's policy; tenant `i` (in the sorted order) gets
   * `priority + i`, and all of them must be free in the chart and at most 1000.
   */
  readonly priority: number;

  /**
   * Which resource to emit (ClusterNetworkPolicy v1alpha2, or AdminNetworkPolicy v1alpha1).
   *
   * @default NetworkPolicyApiVersion.V1ALPHA2
   */
  readonly apiVersion?: NetworkPolicyApiVersion;

  /**
   * Staged rollout: in AUDIT the policies (denies) are held back into the EnforcementReport;
   * namespaces whose own mode is AUDIT leave their subjects.
   *
   * @default - resolved from the scopes (`Enforcement.set`), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;
}

/**
 * **Admin-tier** Deny between tenants: for each tenant `t`, pods of namespaces labelled
 * `tenantLabel=t` may not receive from, nor send to, pods of a namespace labelled with another
 * tenant (`tenantLabel` exists, value not `t`). No NetworkPolicy of a tenant can reopen it.
 * Namespaces without the label (the platform's) are not affected either way; traffic inside a
 * tenant is left to the next tiers (NetworkPolicies, the baseline).
 *
 * One policy per tenant, because a policy's peers cannot refer to its subject's label value in
 * the standard API (`sameLabels` is experimental, and gone in v1alpha2); named
 * `tenant-isolation-<tenant>`.
 */
export class TenantIsolation extends Construct {
  /** The tenants, sorted (tenant `i` has priority `priority + i`). */
  public readonly tenants: string[];

  constructor(scope: Construct, id: string, props: TenantIsolationProps) {
    super(scope, id);
    checkConstruct(this, 'TenantIsolationProps', props, TENANT_ISOLATION_PROPS);
    const path = this.node.path;
    const version = checkApiVersion(path, props.apiVersion);
    validateLabelKey(path, 'tenantLabel', props.tenantLabel);
    props.tenants.forEach((t, i) => {
      validateLabelValue(path, `tenants[${i}]`, t);
      if (t === '') fail(path, `tenants[${i}]`, t, 'a non-empty label value');
    });
    this.tenants = Array.from(new Set(props.tenants)).sort();
    if (this.tenants.length < 2) {
      fail(path, 'tenants', props.tenants, 'at least two distinct tenants (label values) to isolate from each other');
    }
    const names = new Map<string, string>();
    for (const t of this.tenants) {
      const name = toKubeName(['tenant-isolation', t]);
      if (names.has(name)) fail(path, 'tenants', props.tenants, `tenants whose policy names differ (${names.get(name)} and ${t} both give ${name})`);
      names.set(name, t);
    }
    claimPriorities(this, 'priority', 'Admin', props.priority, this.tenants.length);
    const key = props.tenantLabel;
    this.tenants.forEach((t, i) => {
      const others: TierSelector = { matchExpressions: [{ key, operator: 'Exists' }, { key, operator: 'NotIn', values: [t] }] };
      emitTierPolicy(this, t, {
        tier: 'Admin',
        name: toKubeName(['tenant-isolation', t]),
        priority: props.priority + i,
        subject: { matchLabels: { [key]: t } },
        ingress: [{ name: 'deny-from-other-tenants', action: 'Deny', peers: [{ namespaces: others }] }],
        egress: [{ name: 'deny-to-other-tenants', action: 'Deny', peers: [{ namespaces: others }] }],
      }, {
        version,
        enforcement: props.enforcement,
        denies: true,
        reason: `Admin-tier Deny between tenant ${t} and the other tenants (no audit mode)`,
      });
    });
  }
}
