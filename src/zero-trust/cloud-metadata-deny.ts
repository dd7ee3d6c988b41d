import { Construct } from 'constructs';
import { NetworkPolicyApiVersion } from './policy-tier';
import { CLOUD_METADATA_DENY_PROPS } from './props-specs';
import { checkApiVersion, claimPriorities, emitTierPolicy, NAMESPACE_NAME_LABEL, namespaceNames, TierSelector } from './tier-render';
import { Cidr } from '../core/cidr';
import { EnforcementMode } from '../core/enforcement';
import { fail } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of {@link CloudMetadataDeny}.
 */
export interface CloudMetadataDenyProps {
  /**
   * Priority in the Admin tier (0-1000, lower is evaluated first; unique in the chart).
   */
  readonly priority: number;

  /**
   * Which resource to emit (ClusterNetworkPolicy v1alpha2, or AdminNetworkPolicy v1alpha1).
   *
   * @default NetworkPolicyApiVersion.V1ALPHA2
   */
  readonly apiVersion?: NetworkPolicyApiVersion;

  /**
   * Namespaces (names) whose pods keep the metadata endpoint (e.g. a node agent that is not
   * host-network). Every other pod of the cluster is denied.
   *
   * @default - none: every pod
   */
  readonly exceptNamespaces?: string[];

  /**
   * More metadata endpoints to deny (CIDRs), e.g. a provider's other address.
   *
   * @default - only 169.254.169.254/32 and fd00:ec2::254/128
   */
  readonly extraNetworks?: string[];

  /**
   * Staged rollout: in AUDIT the policy (a deny) is held back into the EnforcementReport;
   * namespaces whose own mode is AUDIT leave its subject.
   *
   * @default - resolved from the scopes (`Enforcement.set`), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;
}

/**
 * An **Admin-tier** Deny that no namespace can override: no pod may reach the cloud instance
 * metadata endpoint (169.254.169.254, and AWS's IPv6 fd00:ec2::254), where node credentials live.
 * Admin-tier Deny is evaluated before every NetworkPolicy, so a namespace's allow-all egress does
 * not reopen it. Subject: every namespace (`namespaces: {}`), minus `exceptNamespaces`. Pods with
 * `hostNetwork` are not subjects of the Network Policy API (node traffic), which is where the
 * node agents that need the endpoint usually run.
 */
export class CloudMetadataDeny extends Construct {
  /** The metadata endpoints denied. */
  public static readonly METADATA_NETWORKS: string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];

  constructor(scope: Construct, id: string, props: CloudMetadataDenyProps) {
    super(scope, id);
    checkConstruct(this, 'CloudMetadataDenyProps', props, CLOUD_METADATA_DENY_PROPS);
    const path = this.node.path;
    const version = checkApiVersion(path, props.apiVersion);
    const except = namespaceNames(path, 'exceptNamespaces', props.exceptNamespaces);
    const extra = (props.extraNetworks ?? []).map((c, i) => {
      try {
        return Cidr.of(c).toString();
      } catch {
        return fail(path, `extraNetworks[${i}]`, c, 'a CIDR block, e.g. 169.254.170.2/32');
      }
    });
    claimPriorities(this, 'priority', 'Admin', props.priority, 1);
    const networks = Array.from(new Set([...CloudMetadataDeny.METADATA_NETWORKS, ...extra]));
    if (networks.length > 25) fail(path, 'extraNetworks', props.extraNetworks, 'at most 23 CIDRs (the API allows 25 networks per peer)');
    const subject: TierSelector = except.length > 0 ? { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: except }] } : {};
    emitTierPolicy(this, 'Resource', {
      tier: 'Admin',
      name: 'deny-cloud-metadata',
      priority: props.priority,
      subject,
      ingress: [],
      egress: [{ name: 'deny-cloud-metadata', action: 'Deny', peers: [{ networks }] }],
    }, {
      version,
      enforcement: props.enforcement,
      denies: true,
      reason: 'Admin-tier Deny of the cloud metadata endpoint for every pod (no audit mode)',
    });
  }
}
