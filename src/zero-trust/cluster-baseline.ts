import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PLATFORM_NAMESPACES } from './platform-namespaces';
import { NetworkPolicyApiVersion } from './policy-tier';
import { CLUSTER_BASELINE_PROPS } from './props-specs';
import { checkApiVersion, claimPriorities, emitTierPolicy, NAMESPACE_NAME_LABEL, TierPolicy, TierRule } from './tier-render';
import { ZeroTrustNamespace } from './zero-trust-namespace';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of {@link ClusterBaseline}.
 */
export interface ClusterBaselineProps {
  /**
   * Which resource to emit: `ClusterNetworkPolicy` v1alpha2 (tier Baseline) or the singleton
   * `BaselineAdminNetworkPolicy` `default` v1alpha1 (see {@link NetworkPolicyApiVersion} for
   * which CNI implements which).
   *
   * @default NetworkPolicyApiVersion.V1ALPHA2
   */
  readonly apiVersion?: NetworkPolicyApiVersion;

  /**
   * The labels that select the namespaces the baseline applies to (all must match). The platform
   * namespaces and `excludedNamespaces` are left out whatever their labels.
   *
   * @default { 'zero-trust.cdk8s.io/managed': 'true' } (every ZeroTrustNamespace of the fleet)
   */
  readonly namespaceLabels?: { [key: string]: string };

  /**
   * More namespaces (names) the baseline never applies to, in addition to the platform namespaces
   * ({@link AdmissionGuardrails.PLATFORM_NAMESPACES}).
   *
   * @default - only the platform namespaces
   */
  readonly excludedNamespaces?: string[];

  /**
   * Namespace of the cluster DNS pods (egress to them on port 53, UDP and TCP, is allowed).
   *
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;

  /**
   * Labels of the cluster DNS pods.
   *
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: { [key: string]: string };

  /**
   * Platform namespaces whose pods may connect to the selected namespaces' pods (every port), e.g.
   * the ingress controller's or the monitoring namespace.
   *
   * @default - none
   */
  readonly allowFromNamespaces?: string[];

  /**
   * Platform namespaces the selected namespaces' pods may connect to (every port), e.g.
   * `istio-system` for the sidecars' xDS and certificates.
   *
   * @default - none
   */
  readonly allowToNamespaces?: string[];

  /**
   * Priority inside the Baseline tier (v1alpha2 only; 0 is evaluated first). The v1alpha1 BANP has
   * no priority.
   *
   * @default 1000 (after any more specific Baseline policy)
   */
  readonly priority?: number;

  /**
   * Staged rollout: in AUDIT the baseline (a deny) is held back into the EnforcementReport;
   * namespaces whose own mode is AUDIT leave its subject.
   *
   * @default - resolved from the scopes (`Enforcement.set`), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;
}

/**
 * A cluster-wide default-deny in the **Baseline tier** of the Kubernetes Network Policy API: for
 * every pod of the selected namespaces, ingress from any pod and egress to anything (pods and
 * every network) are denied, except DNS to the cluster DNS pods and the platform namespaces listed.
 * The Baseline tier is evaluated after NetworkPolicies: a namespace's own NetworkPolicies (the
 * flows of a ZeroTrustNamespace) override it, exactly as a NetworkPolicy default-deny would be
 * completed by its allow policies; unlike a Kyverno-generated NetworkPolicy it needs no webhook,
 * does not race namespace creation and applies to a namespace the moment it carries the label.
 *
 * Subjects: namespaces matching `namespaceLabels`, never the platform namespaces
 * (`kubernetes.io/metadata.name NotIn [...]`). The tier API's ingress peers are pods and
 * namespaces only: traffic from nodes, the API server or outside the cluster is not matched by
 * the Baseline tier (it falls through to NetworkPolicies, then to allow), so keep the
 * NetworkPolicy default-deny of a ZeroTrustNamespace for those sources.
 *
 * One per chart (v1alpha1 allows a single BaselineAdminNetworkPolicy per cluster).
 */
export class ClusterBaseline extends Construct {
  /** The namespaces the baseline never applies to (platform and `excludedNamespaces`), sorted. */
  public readonly excludedNamespaces: string[];

  /** The API version emitted. */
  public readonly apiVersion: NetworkPolicyApiVersion;

  constructor(scope: Construct, id: string, props: ClusterBaselineProps = {}) {
    super(scope, id);
    checkConstruct(this, 'ClusterBaselineProps', props, CLUSTER_BASELINE_PROPS, true);
    const path = this.node.path;
    this.apiVersion = checkApiVersion(path, props.apiVersion);
    const other = Chart.of(this).node.findAll().find((c) => c instanceof ClusterBaseline && c !== this);
    if (other !== undefined) {
      fail(path, 'ClusterBaseline', id, `one ClusterBaseline per chart (cluster): ${other.node.path} is already one (v1alpha1 allows a single BaselineAdminNetworkPolicy)`);
    }
    const labels = props.namespaceLabels ?? { [ZeroTrustNamespace.MANAGED_LABEL]: 'true' };
    validateLabels(path, 'namespaceLabels', labels);
    if (Object.keys(labels).length === 0) {
      fail(path, 'namespaceLabels', labels, 'at least one label (an empty selector would make every namespace of the cluster default-deny)');
    }
    const names = (field: string, list: string[] | undefined) => (list ?? []).map((n, i) => { validateDns1123Label(path, `${field}[${i}]`, n); return n; });
    this.excludedNamespaces = Array.from(new Set([...PLATFORM_NAMESPACES, ...names('excludedNamespaces', props.excludedNamespaces)])).sort();
    const from = names('allowFromNamespaces', props.allowFromNamespaces).sort();
    const to = names('allowToNamespaces', props.allowToNamespaces).sort();
    const dnsNs = props.dnsNamespace ?? 'kube-system';
    validateDns1123Label(path, 'dnsNamespace', dnsNs);
    const dnsLabels = props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' };
    validateLabels(path, 'dnsPodLabels', dnsLabels);
    const priority = props.priority ?? 1000;
    claimPriorities(this, 'priority', 'Baseline', priority, 1);
    const byName = (ns: string[]) => ({ namespaces: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: ns }] } });
    const ingress: TierRule[] = [
      ...(from.length > 0 ? [{ name: 'accept-from-platform', action: 'Accept' as const, peers: [byName(from)] }] : []),
      { name: 'default-deny-ingress', action: 'Deny', peers: [{ namespaces: {} }] },
    ];
    const egress: TierRule[] = [
      {
        name: 'accept-dns',
        action: 'Accept',
        ports: [Port.udp(53), Port.tcp(53)],
        peers: [{ pods: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dnsNs } }, podSelector: { matchLabels: dnsLabels } } }],
      },
      ...(to.length > 0 ? [{ name: 'accept-to-platform', action: 'Accept' as const, peers: [byName(to)] }] : []),
      { name: 'default-deny-egress', action: 'Deny', peers: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] },
    ];
    const policy: TierPolicy = {
      tier: 'Baseline',
      name: 'zero-trust-baseline',
      priority,
      subject: {
        matchLabels: labels,
        matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: this.excludedNamespaces }],
      },
      ingress,
      egress,
    };
    emitTierPolicy(this, 'Resource', policy, {
      version: this.apiVersion,
      enforcement: props.enforcement,
      denies: true,
      reason: 'Baseline-tier default-deny: isolates every pod of the selected namespaces that no NetworkPolicy selects (no audit mode)',
    });
  }
}
