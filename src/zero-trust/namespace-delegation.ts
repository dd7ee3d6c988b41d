import { Construct } from 'constructs';
import { NetworkPolicyApiVersion } from './policy-tier';
import { NAMESPACE_DELEGATION_PROPS } from './props-specs';
import { checkApiVersion, checkTierPorts, claimPriorities, emitTierPolicy, TierRule } from './tier-render';
import { Port } from '../core/port';
import { toKubeName } from '../core/strings';
import { fail, validateLabels } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of {@link NamespaceDelegation}.
 */
export interface NamespaceDelegationProps {
  /** Priority in the Admin tier (0-1000, lower is evaluated first; unique in the chart). */
  readonly priority: number;

  /** Labels of the namespaces whose pods are the subject (all must match; at least one label). */
  readonly namespaceLabels: { [key: string]: string };

  /**
   * Ingress from pods of the namespaces with these labels is passed to the namespaces' own
   * NetworkPolicies.
   *
   * @default - no ingress rule
   */
  readonly fromNamespaceLabels?: { [key: string]: string };

  /**
   * Egress to pods of the namespaces with these labels is passed to the namespaces' own
   * NetworkPolicies.
   *
   * @default - no egress rule
   */
  readonly toNamespaceLabels?: { [key: string]: string };

  /**
   * The ports passed.
   *
   * @default - every port
   */
  readonly ports?: Port[];

  /**
   * Which resource to emit (ClusterNetworkPolicy v1alpha2, or AdminNetworkPolicy v1alpha1).
   *
   * @default NetworkPolicyApiVersion.V1ALPHA2
   */
  readonly apiVersion?: NetworkPolicyApiVersion;
}

/**
 * An **Admin-tier Pass**: the matched connections skip every later Admin-tier policy (e.g. a
 * broader {@link TenantIsolation} or a platform deny at a higher number) and are decided by the
 * namespaces' NetworkPolicies, then the Baseline tier. Use it where the platform team delegates
 * a decision to the namespace owners on purpose (a shared-services namespace that tenants may
 * choose to reach). Pass denies nothing, so AUDIT does not hold it back.
 */
export class NamespaceDelegation extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceDelegationProps) {
    super(scope, id);
    checkConstruct(this, 'NamespaceDelegationProps', props, NAMESPACE_DELEGATION_PROPS);
    const path = this.node.path;
    const version = checkApiVersion(path, props.apiVersion);
    const nonEmpty = (field: string, labels: { [key: string]: string } | undefined) => {
      validateLabels(path, field, labels);
      if (labels !== undefined && Object.keys(labels).length === 0) {
        fail(path, field, labels, 'at least one label (an empty selector means every namespace of the cluster)');
      }
    };
    nonEmpty('namespaceLabels', props.namespaceLabels);
    nonEmpty('fromNamespaceLabels', props.fromNamespaceLabels);
    nonEmpty('toNamespaceLabels', props.toNamespaceLabels);
    if (props.fromNamespaceLabels === undefined && props.toNamespaceLabels === undefined) {
      fail(path, 'fromNamespaceLabels', undefined, 'fromNamespaceLabels or toNamespaceLabels (a Pass with no rule delegates nothing)');
    }
    if (props.ports !== undefined && props.ports.length === 0) {
      fail(path, 'ports', props.ports, 'at least one Port, or no ports for every port');
    }
    checkTierPorts(path, 'ports', props.ports, version);
    claimPriorities(this, 'priority', 'Admin', props.priority, 1);
    const rule = (name: string, labels: { [key: string]: string }): TierRule =>
      ({ name, action: 'Pass', peers: [{ namespaces: { matchLabels: labels } }], ports: props.ports ? [...props.ports].sort(Port.compare) : undefined });
    emitTierPolicy(this, 'Resource', {
      tier: 'Admin',
      name: toKubeName(['delegate', id]),
      priority: props.priority,
      subject: { matchLabels: props.namespaceLabels },
      ingress: props.fromNamespaceLabels ? [rule('pass-ingress', props.fromNamespaceLabels)] : [],
      egress: props.toNamespaceLabels ? [rule('pass-egress', props.toNamespaceLabels)] : [],
    }, { version, denies: false, reason: '' });
  }
}
