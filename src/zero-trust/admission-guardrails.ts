import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AUTHZ_ALLOW_ALL_KEY, AUTHZ_ALLOW_ALL_MESSAGE, NETPOL_ALLOW_ALL_KEY, NETPOL_ALLOW_ALL_MESSAGE } from './allow-all-policies';
import { ClusterBaseline } from './cluster-baseline';
import { guardrailAdmissionErrors, policyAdmissionErrors } from './guardrail-admission-check';
import { GuardrailException } from './guardrail-exception';
import { PLATFORM_NAMESPACES } from './platform-namespaces';
import { NetworkPolicyApiVersion } from './policy-tier';
import { ADMISSION_GUARDRAILS_PROPS } from './props-specs';
import { ZeroTrustNamespace } from './zero-trust-namespace';
import { EnforcementMode } from '../core/enforcement';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Enforcement } from '../flows/enforcement';
import {
  ClusterPolicy,
  ClusterPolicySpecRules,
  ClusterPolicySpecRulesExclude,
  ClusterPolicySpecRulesMatch,
  ClusterPolicySpecRulesValidate,
  ClusterPolicySpecRulesValidateFailureAction,
  ClusterPolicySpecRulesValidateFailureActionOverridesAction,
} from '../imports/kyverno.io';

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

/**
 * Properties of {@link AdmissionGuardrails}.
 */
export interface AdmissionGuardrailsProps {
  /**
   * More namespaces the guardrails leave alone (no generated NetworkPolicies, no pod rules), in
   * addition to the platform namespaces ({@link AdmissionGuardrails.PLATFORM_NAMESPACES}) and the
   * Kyverno namespace, which are always left alone.
   *
   * @default - only the platform namespaces and the Kyverno namespace
   */
  readonly excludedNamespaces?: string[];

  /**
   * The namespace Kyverno runs in (always excluded: its webhook must stay reachable from the API
   * server, or fail-closed admission stops for the whole cluster).
   *
   * @default 'kyverno'
   */
  readonly kyvernoNamespace?: string;

  /**
   * Namespaces whose pods may add NET_ADMIN (e.g. the VPN). Prefer `exceptions`
   * (`GuardrailException.vpnGateway(ns)`), which can also admit SYS_MODULE.
   *
   * @default - none
   */
  readonly netAdminNamespaces?: string[];

  /**
   * Per-namespace exceptions: each loosens only the rules it names in its namespace (e.g.
   * `GuardrailException.vpnGateway('wireguard')`), every other rule still applies there. Prefer
   * them to `excludedNamespaces`.
   *
   * @default - none
   */
  readonly exceptions?: GuardrailException[];

  /**
   * Action of the "every namespace has a NetworkPolicy" rule.
   *
   * @default GuardrailAction.ENFORCE
   */
  readonly networkPolicyAction?: GuardrailAction;

  /**
   * Action of the pod hardening rules.
   *
   * @default GuardrailAction.ENFORCE
   */
  readonly podHardeningAction?: GuardrailAction;

  /**
   * Namespace of the cluster DNS pods (the generated allow-dns policy).
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
   * Staged rollout: in AUDIT every rule uses `Audit` and the generate rules (default-deny,
   * allow-dns) are held back into the `EnforcementReport`. Namespaces whose own mode is AUDIT are
   * always excluded from generation and audited only, whatever this mode.
   *
   * @default - resolved from the scopes (`Enforcement.set`), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;

  /**
   * Where the opted-in namespaces' default-deny comes from: Kyverno generate rules
   * (NetworkPolicies), the Baseline tier of the Network Policy API ({@link ClusterBaseline},
   * same DNS allowance), or both. The default stays Kyverno because it is enforced by every CNI
   * that enforces NetworkPolicy, while a Baseline-tier object on a CNI without the API is
   * accepted and silently enforces nothing (fail-open); choose BASELINE_TIER (or BOTH) where the
   * CNI implements `policyApiVersion` (table in {@link NetworkPolicyApiVersion}). With
   * BASELINE_TIER the "namespace has a NetworkPolicy" pod rule skips the opted-in namespaces
   * (the baseline covers them).
   *
   * @default DefaultDenyMechanism.KYVERNO_GENERATE
   */
  readonly defaultDeny?: DefaultDenyMechanism;

  /**
   * The Network Policy API version of the Baseline-tier policy (with `defaultDeny` BASELINE_TIER
   * or BOTH).
   *
   * @default NetworkPolicyApiVersion.V1ALPHA2
   */
  readonly policyApiVersion?: NetworkPolicyApiVersion;
}

const ALL_CONTAINERS = 'request.object.spec.[ephemeralContainers, initContainers, containers][]';
// in a foreach over hostPath volumes: how many container mounts of the volume are not readOnly
const HOST_PATH_WRITABLE_MOUNTS = '{{ request.object.spec.[ephemeralContainers, initContainers, containers][].volumeMounts[] '
  + '| [?name == \'{{ element.name }}\' && readOnly != `true`] | length(@) }}';
// upstream restrict-volume-types (restricted): the volume types a restricted pod may use
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
// upstream's DELETE guard: a deny/foreach rule must never block deleting a pod
const NOT_DELETE = { all: [{ key: '{{ request.operation || \'BACKGROUND\' }}', operator: 'NotEquals', value: 'DELETE' }] };
// the CRD's override action enum also allows 'Audit', which the binding folds into its lowercase member: keep our spelling
const AUDIT_OVERRIDE = GuardrailAction.AUDIT as string as ClusterPolicySpecRulesValidateFailureActionOverridesAction;

/**
 * Kyverno ClusterPolicies that keep the fleet's namespaces zero-trust (with Kyverno's own
 * mechanisms): generate a default-deny NetworkPolicy and an allow-dns NetworkPolicy, check with an
 * apiCall that a pod's namespace has a NetworkPolicy, and enforce the pod hardening rules.
 *
 * Where generation happens (opt-in): only in namespaces labelled
 * `zero-trust.cdk8s.io/generate-network-policies: "true"` ({@link AdmissionGuardrails.GENERATE_LABEL}),
 * new or existing (generateExisting, synchronize). The guardrails put the label on the chart's
 * own Namespace objects that no ZeroTrustNamespace manages (those own their policies, labelled
 * `zero-trust.cdk8s.io/managed: "true"`); a tenant namespace created later opts in with the
 * label. Why opt-in rather than "every namespace but a list": a cluster holds namespaces this
 * chart does not know (the CNI's, storage provisioners', operators' installed later); a
 * default-deny generated into one of them silently cuts it off (no webhook, no API server, no
 * ACME), and an exclusion list is always one component short. The platform namespaces
 * ({@link AdmissionGuardrails.PLATFORM_NAMESPACES}) and the Kyverno namespace are excluded on
 * top, so even a wrongly labelled platform namespace is never touched; `excludedNamespaces`
 * adds to them.
 *
 * The pod rules against the upstream Kyverno pod-security policies (kyverno/policies
 * `pod-security/`), rule by rule. They apply in every namespace that is not excluded, also where
 * Pod Security admission is `privileged` (there Kyverno is the only control); a
 * `GuardrailException` loosens only the rules it names:
 *
 * | Upstream policy (level) | Our rule | Difference |
 * |---|---|---|
 * | disallow-capabilities (baseline) | restrict-capabilities | stricter: only NET_BIND_SERVICE may be added, ALL must be dropped |
 * | disallow-capabilities-strict (restricted) | restrict-capabilities(-net-admin, -sys-module) | same; exceptions add NET_ADMIN / SYS_MODULE in their namespace only |
 * | disallow-host-namespaces (baseline) | disallow-host-namespaces, disallow-host-pid-ipc | same; a hostNetwork exception keeps hostPID/hostIPC refused |
 * | disallow-host-path (baseline) | disallow-host-path, restrict-host-paths | same; exceptions admit named directories, read-only, no `..` |
 * | disallow-host-ports (baseline) | disallow-host-ports(-without-host-network) | stricter: no hostPort at all (upstream: 0 or unset too) |
 * | disallow-host-ports-range (baseline) | disallow-host-ports | stricter: no range is admitted |
 * | disallow-host-process (baseline) | disallow-host-process | same (pod and every container) |
 * | disallow-privileged-containers (baseline) | disallow-privileged | same |
 * | disallow-proc-mount (baseline) | disallow-proc-mount | same |
 * | disallow-selinux (baseline) | disallow-selinux-type, disallow-selinux-user-role | same |
 * | restrict-apparmor-profiles (baseline) | restrict-apparmor-profiles | stricter: also the `appArmorProfile` field (Kubernetes 1.30+), pod and containers |
 * | restrict-seccomp (baseline) | require-seccomp-runtime-default | stricter: the restricted form |
 * | restrict-sysctls (baseline) | restrict-sysctls | same safe set |
 * | disallow-privilege-escalation (restricted) | disallow-privilege-escalation | same |
 * | require-run-as-nonroot (restricted) | require-run-as-non-root | same (pod level, or every container) |
 * | require-run-as-non-root-user (restricted) | require-run-as-non-root-user | same |
 * | restrict-seccomp-strict (restricted) | require-seccomp-runtime-default | same: a container cannot override to Unconfined |
 * | restrict-volume-types (restricted) | restrict-volume-types(-host-path) | same; hostPath only where an exception admits it |
 * | (none) | require-read-only-root-filesystem | beyond PSS |
 *
 * The deny/foreach rules carry upstream's DELETE guard (`request.operation != DELETE`), so they
 * never block deleting a pod.
 *
 * Allow-all policies: `disallow-allow-all-network-policy` and
 * `disallow-allow-all-authorization-policy` (action `networkPolicyAction`) refuse, in every
 * namespace that is not excluded, a NetworkPolicy rule with no ports whose peers are none, an
 * empty peer or an ipBlock `0.0.0.0/0` / `::/0` without except, and an ALLOW AuthorizationPolicy
 * rule without `from`, `to` and `when`. No label exempts an object (whoever may write a policy
 * may write its labels); the chart's own policies are checked against these rules at synthesis.
 */
export class AdmissionGuardrails extends Construct {
  /**
   * The namespaces always left alone: kube-system, kube-public, kube-node-lease, kyverno,
   * istio-system, cert-manager, argocd, flux-system, k8gb, opentelemetry-operator-system.
   */
  public static readonly PLATFORM_NAMESPACES: string[] = [...PLATFORM_NAMESPACES];

  /**
   * The Namespace label (value `"true"`) that opts a namespace into the generated default-deny
   * and allow-dns NetworkPolicies.
   */
  public static readonly GENERATE_LABEL = 'zero-trust.cdk8s.io/generate-network-policies';

  /** The network ClusterPolicy (generate + check). */
  public readonly networkPolicy: ApiObject;

  /** The pod hardening ClusterPolicy. */
  public readonly podHardeningPolicy: ApiObject;

  /** The Baseline-tier default-deny (`defaultDeny` BASELINE_TIER or BOTH). */
  public readonly baseline?: ClusterBaseline;

  constructor(scope: Construct, id: string, props: AdmissionGuardrailsProps = {}) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'AdmissionGuardrailsProps', props, ADMISSION_GUARDRAILS_PROPS, true);
    (props.excludedNamespaces ?? []).forEach((n, i) => validateDns1123Label(path, `excludedNamespaces[${i}]`, n));
    const kyvernoNs = props.kyvernoNamespace ?? 'kyverno';
    validateDns1123Label(path, 'kyvernoNamespace', kyvernoNs);
    const excluded = Array.from(new Set([...PLATFORM_NAMESPACES, kyvernoNs, ...(props.excludedNamespaces ?? [])])).sort();
    (props.netAdminNamespaces ?? []).forEach((n, i) => validateDns1123Label(path, `netAdminNamespaces[${i}]`, n));
    const exceptions = props.exceptions ?? [];
    if (!Array.isArray(exceptions)) {
      fail(path, 'exceptions', exceptions, 'a list of GuardrailException (GuardrailException.vpnGateway(ns), ...)');
    }
    const seen = new Set<string>();
    exceptions.forEach((e, i) => {
      if (!(e instanceof GuardrailException)) {
        fail(path, `exceptions[${i}]`, e, 'a GuardrailException (GuardrailException.vpnGateway(ns), .ingressController(ns), .logShipper(ns) or .of({...}))');
      }
      if (seen.has(e.namespace)) {
        fail(path, `exceptions[${i}].namespace`, e.namespace, 'one exception per namespace (merge the two)');
      }
      if (excluded.includes(e.namespace)) {
        fail(path, `exceptions[${i}].namespace`, e.namespace, 'a namespace that is not in excludedNamespaces, the platform namespaces or the Kyverno namespace (an exception keeps the other rules applied; remove it from excludedNamespaces)');
      }
      seen.add(e.namespace);
    });
    const except = (pick: (e: GuardrailException) => boolean): string[] => exceptions.filter(pick).map((e) => e.namespace).sort();
    const netAdmin = Array.from(new Set([...(props.netAdminNamespaces ?? []), ...except((e) => e.allowNetAdmin)])).sort();
    const sysModule = except((e) => e.allowSysModule);
    // namespaces grouped by the capabilities they may add besides NET_BIND_SERVICE: one rule per group
    const capGroups = new Map<string, { extra: string[]; namespaces: string[] }>();
    for (const ns of Array.from(new Set([...netAdmin, ...sysModule])).sort()) {
      const extra = [...(netAdmin.includes(ns) ? ['NET_ADMIN'] : []), ...(sysModule.includes(ns) ? ['SYS_MODULE'] : [])];
      const key = extra.join(',');
      if (!capGroups.has(key)) capGroups.set(key, { extra, namespaces: [] });
      capGroups.get(key)!.namespaces.push(ns);
    }
    const widened = Array.from(capGroups.values()).flatMap((g) => g.namespaces).sort();
    const hostNet = except((e) => e.allowHostNetwork);
    const hostPath = except((e) => e.allowHostPath);
    // namespaces grouped by the node directories their hostPath volumes may mount read-only: one rule per group
    const hostPathGroups = new Map<string, { paths: string[]; namespaces: string[] }>();
    for (const e of exceptions.filter((x) => x.allowHostPath && x.allowedHostPaths.length > 0)) {
      const key = e.allowedHostPaths.join(',');
      if (!hostPathGroups.has(key)) hostPathGroups.set(key, { paths: e.allowedHostPaths, namespaces: [] });
      hostPathGroups.get(key)!.namespaces.push(e.namespace);
    }
    const noGenerate = except((e) => !e.generateNetworkPolicies);
    const actions = Object.values(GuardrailAction) as string[];
    if (props.networkPolicyAction !== undefined && !actions.includes(props.networkPolicyAction)) {
      fail(path, 'networkPolicyAction', props.networkPolicyAction, 'Enforce or Audit');
    }
    if (props.podHardeningAction !== undefined && !actions.includes(props.podHardeningAction)) {
      fail(path, 'podHardeningAction', props.podHardeningAction, 'Enforce or Audit');
    }
    const dnsNs = props.dnsNamespace ?? 'kube-system';
    validateDns1123Label(path, 'dnsNamespace', dnsNs);
    const dnsLabels = props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' };
    validateLabels(path, 'dnsPodLabels', dnsLabels);
    const mechanism = props.defaultDeny ?? DefaultDenyMechanism.KYVERNO_GENERATE;
    if (!Object.values(DefaultDenyMechanism).includes(mechanism)) {
      fail(path, 'defaultDeny', mechanism, 'DefaultDenyMechanism.KYVERNO_GENERATE, .BASELINE_TIER or .BOTH');
    }
    const useKyverno = mechanism !== DefaultDenyMechanism.BASELINE_TIER;
    if (props.policyApiVersion !== undefined && mechanism === DefaultDenyMechanism.KYVERNO_GENERATE) {
      fail(path, 'policyApiVersion', props.policyApiVersion, 'no policyApiVersion unless defaultDeny is BASELINE_TIER or BOTH (the Kyverno rules emit no tier policy)');
    }
    const npAction = props.networkPolicyAction ?? GuardrailAction.ENFORCE;
    const podAction = props.podHardeningAction ?? GuardrailAction.ENFORCE;
    if (props.enforcement !== undefined) {
      Enforcement.resolve(this, { override: props.enforcement });
    }
    // staged rollout, resolved at synthesis: the cluster's mode, and the namespaces in AUDIT
    const rollout = (): { audit: boolean; auditNs: string[] } => {
      const audit = Enforcement.resolve(this, { override: props.enforcement }) === EnforcementMode.AUDIT;
      return { audit, auditNs: Enforcement.auditNamespaces(this).filter((n) => !excluded.includes(n)) };
    };
    const failureAction = (action: GuardrailAction): ClusterPolicySpecRulesValidateFailureAction =>
      action === GuardrailAction.AUDIT ? ClusterPolicySpecRulesValidateFailureAction.AUDIT : ClusterPolicySpecRulesValidateFailureAction.ENFORCE;
    type RuleAction = Pick<ClusterPolicySpecRulesValidate, 'failureAction' | 'failureActionOverrides'>;
    const actionOf = (action: GuardrailAction, r: { audit: boolean; auditNs: string[] }): RuleAction => {
      if (r.audit) return { failureAction: failureAction(GuardrailAction.AUDIT) };
      return action === GuardrailAction.ENFORCE && r.auditNs.length > 0
        ? {
          failureAction: failureAction(action),
          failureActionOverrides: [{ action: AUDIT_OVERRIDE, namespaces: r.auditNs }],
        }
        : { failureAction: failureAction(action) };
    };

    // opt-in: only namespaces labelled for generation (see the class docs)
    const nsMatch: ClusterPolicySpecRulesMatch = {
      any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { [AdmissionGuardrails.GENERATE_LABEL]: 'true' } } } }],
    };
    // namespaces of a ZeroTrustNamespace own their NetworkPolicies (default-deny, allow-to-dns):
    // generating ours there would give one object two owners, so they are excluded by their label
    const managed = { resources: { selector: { matchLabels: { [ZeroTrustNamespace.MANAGED_LABEL]: 'true' } } } };
    const nsExclude = (extra: string[]): { exclude: ClusterPolicySpecRulesExclude } => {
      const names = Array.from(new Set([...excluded, ...extra])).sort();
      return { exclude: { any: [...(names.length > 0 ? [{ resources: { names } }] : []), managed] } };
    };
    /** Names of the chart's Namespace objects that a ZeroTrustNamespace manages (the generate rules skip them). */
    const managedNamespaces = (): Set<string> => new Set(Chart.of(this).node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace'
        && c.metadata.getLabel(ZeroTrustNamespace.MANAGED_LABEL) === 'true')
      .map((c) => c.metadata.name ?? ''));
    const podMatch: ClusterPolicySpecRulesMatch = { any: [{ resources: { kinds: ['Pod'] } }] };
    const podExclude = (extra: string[]): { exclude?: ClusterPolicySpecRulesExclude } => {
      const names = Array.from(new Set([...excluded, ...extra])).sort();
      return names.length > 0 ? { exclude: { any: [{ resources: { namespaces: names } }] } } : {};
    };
    const generate = (name: string, spec: any, extraExcluded: string[] = []): ClusterPolicySpecRules => ({
      name: `generate-${name}`,
      match: nsMatch,
      ...nsExclude(extraExcluded),
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
    });

    this.networkPolicy = new ClusterPolicy(this, 'NetworkPolicies', {
      metadata: {
        name: 'zero-trust-network-policies',
        annotations: {
          'policies.kyverno.io/title': 'Zero-trust NetworkPolicies',
          'policies.kyverno.io/description': 'Every namespace gets default-deny and allow-dns NetworkPolicies; pods are admitted only in namespaces that have a NetworkPolicy.',
        },
      },
      spec: {
        background: true,
        rules: Lazy.any({ produce: () => networkRules(rollout()) }),
      },
    });
    if (!useKyverno || mechanism === DefaultDenyMechanism.BOTH) {
      this.baseline = new ClusterBaseline(this, 'Baseline', {
        apiVersion: props.policyApiVersion,
        namespaceLabels: { [AdmissionGuardrails.GENERATE_LABEL]: 'true' },
        excludedNamespaces: Array.from(new Set([...excluded, ...noGenerate])).sort(),
        dnsNamespace: dnsNs,
        dnsPodLabels: dnsLabels,
        enforcement: props.enforcement,
      });
    }
    const generated: { [name: string]: any } = {
      'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      'allow-dns': {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dnsNs } },
            podSelector: { matchLabels: sorted(dnsLabels) },
          }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      },
    };
    const policyName = 'zero-trust-network-policies';
    const holdBackGenerated = (namespaces: string[], why: string) => {
      const skip = new Set([...managedNamespaces(), ...noGenerate]);
      for (const ns of namespaces.filter((n) => !skip.has(n))) {
        for (const name of Object.keys(generated)) {
          Enforcement.holdBack(this, {
            namespace: ns,
            kind: 'NetworkPolicy',
            name,
            reason: `Kyverno ${policyName}/generate-${name} ${why}`,
            manifest: k8s.KubeNetworkPolicy.manifest({ metadata: { name, namespace: ns }, spec: generated[name] }),
          });
        }
      }
    };
    // BASELINE_TIER: the opted-in namespaces get their default-deny from the baseline, no NetworkPolicy
    const requireNpExclude = (): { exclude?: ClusterPolicySpecRulesExclude } => {
      const base = podExclude([]);
      if (useKyverno) return base;
      const optedIn = { resources: { namespaceSelector: { matchLabels: { [AdmissionGuardrails.GENERATE_LABEL]: 'true' } } } };
      return { exclude: { any: [...(base.exclude?.any ?? []), optedIn] } };
    };
    const networkRules = (r: { audit: boolean; auditNs: string[] }): ClusterPolicySpecRules[] => {
      const gen = useKyverno ? Object.keys(generated).map((name) => generate(name, generated[name], [...r.auditNs, ...noGenerate])) : [];
      // without Kyverno generation the ClusterBaseline holds itself back (AUDIT) and leaves AUDIT namespaces out
      if (useKyverno && r.audit) {
        // a generate rule has no audit mode, and would emit default-deny: hold it back
        for (const g of gen) {
          Enforcement.holdBack(this, {
            namespace: '*',
            kind: 'ClusterPolicyRule',
            name: `${policyName}/${g.name}`,
            manifest: g,
            reason: 'generate rule: would create a NetworkPolicy that isolates pods in every matched namespace (no audit mode)',
          });
        }
        const known = Array.from(new Set(Chart.of(this).node.findAll()
          .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace')
          .map((c) => c.metadata.name ?? '')))
          .filter((n) => n !== '' && !excluded.includes(n) && !noGenerate.includes(n)).sort();
        holdBackGenerated(known, 'would generate it in this existing namespace (generateExisting)');
      } else if (useKyverno) {
        holdBackGenerated(r.auditNs, 'excludes this namespace while it is in AUDIT');
      }
      return [
        ...(r.audit ? [] : gen),
        {
          name: 'require-network-policy',
          match: podMatch,
          ...requireNpExclude(),
          preconditions: { all: [{ key: '{{request.operation || \'BACKGROUND\'}}', operator: 'Equals', value: 'CREATE' }] },
          context: [{
            name: 'netpolCount',
            apiCall: {
              urlPath: '/apis/networking.k8s.io/v1/namespaces/{{request.namespace}}/networkpolicies',
              jmesPath: 'items | length(@)',
            },
          }],
          validate: {
            ...actionOf(npAction, r),
            message: 'Namespace {{request.namespace}} has no NetworkPolicy: zero-trust namespaces deny by default.',
            deny: { conditions: { any: [{ key: '{{netpolCount}}', operator: 'Equals', value: 0 }] } },
          },
        },
        ...allowAllRules(actionOf(npAction, r), podExclude([])),
      ];
    };

    const podRules = (r: { audit: boolean; auditNs: string[] }): ClusterPolicySpecRules[] => {
      const podAct = actionOf(podAction, r);
      const capRule = (name: string, allowed: string[], namespaces: { match?: string[]; exclude: string[] }): ClusterPolicySpecRules => ({
        name,
        match: namespaces.match
          ? { any: [{ resources: { kinds: ['Pod'], namespaces: namespaces.match } }] }
          : podMatch,
        ...podExclude(namespaces.exclude),
        preconditions: NOT_DELETE,
        validate: {
          ...podAct,
          message: `Containers may add only ${allowed.join(', ')} and must drop ALL capabilities.`,
          foreach: [{
            list: ALL_CONTAINERS,
            deny: {
              conditions: {
                any: [
                  { key: '{{ element.securityContext.capabilities.add[] || `[]` }}', operator: 'AnyNotIn', value: allowed },
                  { key: 'ALL', operator: 'AnyNotIn', value: '{{ element.securityContext.capabilities.drop[] || `[]` }}' },
                ],
              },
            },
          }],
        },
      });
      const patternRule = (
        name: string, message: string, pattern: any, ns: { match?: string[]; exclude?: string[]; preconditions?: any } = {},
      ): ClusterPolicySpecRules => ({
        name,
        match: ns.match ? { any: [{ resources: { kinds: ['Pod'], namespaces: ns.match } }] } : podMatch,
        ...podExclude(ns.exclude ?? []),
        ...(ns.preconditions ? { preconditions: ns.preconditions } : {}),
        validate: { ...podAct, message, pattern },
      });
      const anyPatternRule = (name: string, message: string, anyPattern: any[], ns: { exclude?: string[] } = {}): ClusterPolicySpecRules => ({
        name,
        match: podMatch,
        ...podExclude(ns.exclude ?? []),
        validate: { ...podAct, message, anyPattern },
      });
      const restrictVolumeTypes = (name: string, allowed: string[], ns: { match?: string[]; exclude?: string[] }): ClusterPolicySpecRules => ({
        name,
        match: ns.match ? { any: [{ resources: { kinds: ['Pod'], namespaces: ns.match } }] } : podMatch,
        ...podExclude(ns.exclude ?? []),
        preconditions: NOT_DELETE,
        validate: {
          ...podAct,
          message: `Only these volume types may be used: ${allowed.join(', ')}.`,
          deny: { conditions: { all: [{ key: '{{ request.object.spec.volumes[].keys(@)[] || \'\' }}', operator: 'AnyNotIn', value: ['name', ...allowed, ''] }] } },
        },
      });
      const hostPortsPattern = {
        spec: {
          '=(initContainers)': [{ '=(ports)': [{ '=(hostPort)': 0 }] }],
          'containers': [{ '=(ports)': [{ '=(hostPort)': 0 }] }],
        },
      };
      const hostPathGroupList = Array.from(hostPathGroups.entries()).sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
      const hostPathRule = (g: { paths: string[]; namespaces: string[] }, i: number): ClusterPolicySpecRules => ({
        name: hostPathGroupList.length === 1 ? 'restrict-host-paths' : `restrict-host-paths-${i + 1}`,
        match: { any: [{ resources: { kinds: ['Pod'], namespaces: g.namespaces.sort() } }] },
        preconditions: NOT_DELETE,
        validate: {
          ...podAct,
          message: `hostPath volumes may mount only ${g.paths.join(', ')} (or below, without '..'), and read-only.`,
          foreach: [{
            list: 'request.object.spec.volumes[?hostPath] || `[]`',
            deny: {
              conditions: {
                any: [
                  { key: '{{ element.hostPath.path }}', operator: 'AnyNotIn', value: g.paths.flatMap((p) => [p, `${p}/*`]) },
                  { key: '{{ contains(element.hostPath.path, \'..\') }}', operator: 'Equals', value: true },
                  {
                    key: HOST_PATH_WRITABLE_MOUNTS,
                    operator: 'GreaterThan',
                    value: 0,
                  },
                ],
              },
            },
          }],
        },
      });
      const eachContainer = (sc: any) => ({
        '=(ephemeralContainers)': [{ '=(securityContext)': sc }],
        '=(initContainers)': [{ '=(securityContext)': sc }],
        'containers': [{ '=(securityContext)': sc }],
      });
      const rules: ClusterPolicySpecRules[] = [
        capRule('restrict-capabilities', ['NET_BIND_SERVICE'], { exclude: widened }),
        // e.g. restrict-capabilities-net-admin, -sys-module, -net-admin-sys-module
        ...Array.from(capGroups.values())
          .sort((a, b) => a.extra.length - b.extra.length || a.extra.join().localeCompare(b.extra.join()))
          .map((g) => capRule(
            `restrict-capabilities-${g.extra.map((c) => c.toLowerCase().replace(/_/g, '-')).join('-')}`,
            [...g.extra, 'NET_BIND_SERVICE'].sort(),
            { match: g.namespaces, exclude: [] },
          )),
        patternRule('disallow-privileged', 'Privileged containers are not allowed.', { spec: eachContainer({ '=(privileged)': 'false' }) }),
        patternRule('disallow-privilege-escalation', 'allowPrivilegeEscalation must be false.', {
          spec: {
            '=(ephemeralContainers)': [{ securityContext: { allowPrivilegeEscalation: 'false' } }],
            '=(initContainers)': [{ securityContext: { allowPrivilegeEscalation: 'false' } }],
            'containers': [{ securityContext: { allowPrivilegeEscalation: 'false' } }],
          },
        }),
        // upstream require-run-as-nonroot: pod level (not overridden per container), or every container
        anyPatternRule('require-run-as-non-root', 'Pods must set runAsNonRoot: true (pod level, or in every container).',
          podOrEachContainer('runAsNonRoot', 'true'), { exclude: except((e) => e.allowRoot) }),
        patternRule('require-run-as-non-root-user', 'runAsUser must be unset or greater than 0 (pod and containers).', {
          spec: { '=(securityContext)': { '=(runAsUser)': '>0' }, ...eachContainer({ '=(runAsUser)': '>0' }) },
        }, { exclude: except((e) => e.allowRoot) }),
        patternRule('require-read-only-root-filesystem', 'Containers must use a read-only root filesystem.', {
          spec: { containers: [{ securityContext: { readOnlyRootFilesystem: 'true' } }] },
        }, { exclude: except((e) => e.allowWritableRootFilesystem) }),
        // upstream restrict-seccomp-strict: a container cannot override the pod's profile to Unconfined
        anyPatternRule('require-seccomp-runtime-default',
          'seccompProfile.type must be RuntimeDefault or Localhost (pod level, or in every container), and no container may override it.',
          podOrEachContainer('seccompProfile', { type: 'RuntimeDefault | Localhost' })),
        ...upstreamBaselineRules(patternRule),
        restrictVolumeTypes('restrict-volume-types', RESTRICTED_VOLUME_TYPES, { exclude: hostPath }),
        ...(hostPath.length > 0 ? [restrictVolumeTypes('restrict-volume-types-host-path', [...RESTRICTED_VOLUME_TYPES, 'hostPath'], { match: hostPath })] : []),
        patternRule('disallow-host-namespaces', 'hostNetwork, hostPID and hostIPC are not allowed.', {
          spec: { '=(hostNetwork)': 'false', '=(hostPID)': 'false', '=(hostIPC)': 'false' },
        }, { exclude: hostNet }),
        patternRule('disallow-host-ports', 'hostPort is not allowed: use a ClusterIP Service.', hostPortsPattern, { exclude: hostNet }),
        // upstream kyverno/policies disallow-host-path: a hostPath volume is a way out of the container
        patternRule('disallow-host-path', 'hostPath volumes are not allowed: spec.volumes[*].hostPath must be unset.', {
          spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] },
        }, { exclude: hostPath }),
        // exceptions that name their node directories: only those, read-only
        ...hostPathGroupList.map(hostPathRule),
        // exceptions with hostNetwork: hostPID and hostIPC stay refused, and hostPort is allowed
        // only on hostNetwork pods (where the API server sets hostPort = containerPort)
        ...(hostNet.length > 0 ? [
          patternRule('disallow-host-pid-ipc', 'hostPID and hostIPC are not allowed (hostNetwork is, by a GuardrailException).', {
            spec: { '=(hostPID)': 'false', '=(hostIPC)': 'false' },
          }, { match: hostNet }),
          patternRule('disallow-host-ports-without-host-network', 'hostPort is allowed only on hostNetwork pods: use a ClusterIP Service.', hostPortsPattern, {
            match: hostNet,
            preconditions: { all: [{ key: '{{ request.object.spec.hostNetwork || `false` }}', operator: 'Equals', value: false }] },
          }),
        ] : []),
      ];
      return rules;
    };
    this.podHardeningPolicy = new ClusterPolicy(this, 'PodHardening', {
      metadata: {
        name: 'zero-trust-pod-hardening',
        annotations: {
          'policies.kyverno.io/title': 'Zero-trust pod hardening',
          'policies.kyverno.io/description': 'Drop ALL capabilities, no privilege, non-root, read-only root filesystem, RuntimeDefault seccomp, no host namespaces, ports or paths.',
        },
      },
      spec: { background: true, rules: Lazy.any({ produce: () => podRules(rollout()) }) },
    });

    // --- namespace scoping: the chart's own unmanaged namespaces opt in to generation (issue 18) ---
    this.node.addValidation({
      validate: () => {
        const skip = new Set([...excluded, ...noGenerate, ...managedNamespaces()]);
        for (const o of Chart.of(this).node.findAll()) {
          if (o instanceof ApiObject && o.kind === 'Namespace' && o.apiVersion === 'v1' && !skip.has(o.metadata.name ?? '')) {
            o.metadata.addLabel(AdmissionGuardrails.GENERATE_LABEL, 'true');
          }
        }
        return [];
      },
    });
    // --- deployment model: the chart's own pods against these rules (issue 18) ---
    this.node.addValidation({ validate: () => guardrailAdmissionErrors(this, [this.podHardeningPolicy]) });
    this.node.addValidation({ validate: () => policyAdmissionErrors(this, [this.networkPolicy]) });
    // --- end deployment model ---

    // Kyverno's background controller needs RBAC to generate NetworkPolicies
    new k8s.KubeClusterRole(this, 'GenerateRbac', {
      metadata: {
        name: 'kyverno-zero-trust-generate-networkpolicies',
        labels: {
          'rbac.kyverno.io/aggregate-to-background-controller': 'true',
          'rbac.kyverno.io/aggregate-to-admission-controller': 'true',
        },
      },
      rules: [{
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      }],
    });
  }
}

/**
 * The rules that refuse a tenant's allow-all NetworkPolicy or AuthorizationPolicy (SECURITY.md
 * finding 12), on CREATE and UPDATE. No label exempts an object: whoever may write a policy may
 * write its labels, and the chart's own policies never open everything (checked at synthesis).
 */
function allowAllRules(action: Pick<ClusterPolicySpecRulesValidate, 'failureAction' | 'failureActionOverrides'>,
  exclude: { exclude?: ClusterPolicySpecRulesExclude }): ClusterPolicySpecRules[] {
  const rule = (name: string, kind: string, message: string, keys: string[]): ClusterPolicySpecRules => ({
    name,
    match: { any: [{ resources: { kinds: [kind] } }] },
    ...exclude,
    preconditions: NOT_DELETE,
    validate: {
      ...action,
      message,
      deny: { conditions: { any: keys.map((key) => ({ key, operator: 'GreaterThan', value: 0 })) } },
    },
  });
  return [
    rule('disallow-allow-all-network-policy', 'networking.k8s.io/v1/NetworkPolicy', NETPOL_ALLOW_ALL_MESSAGE, [NETPOL_ALLOW_ALL_KEY('ingress'), NETPOL_ALLOW_ALL_KEY('egress')]),
    rule('disallow-allow-all-authorization-policy', 'security.istio.io/*/AuthorizationPolicy', AUTHZ_ALLOW_ALL_MESSAGE, [AUTHZ_ALLOW_ALL_KEY]),
  ];
}

function sorted(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

/** The same securityContext check in every kind of container (optional in each). */
function eachContainerOf(sc: any): any {
  return {
    '=(ephemeralContainers)': [{ '=(securityContext)': sc }],
    '=(initContainers)': [{ '=(securityContext)': sc }],
    'containers': [{ '=(securityContext)': sc }],
  };
}

/**
 * Upstream's two-pattern form for a field PSS accepts at pod or container level: set on the pod
 * and not overridden by a container, or set on every container.
 */
function podOrEachContainer(field: string, value: any): any[] {
  const optional = (v: any): any => (typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [`=(${k})`, x])) : v);
  const required = (kind: string) => [{ securityContext: { [field]: value } }].map((c) => ({ [kind]: [c] }));
  return [
    { spec: { securityContext: { [field]: value }, ...eachContainerOf({ [`=(${field})`]: optional(value) }) } },
    { spec: Object.assign({}, ...required('=(ephemeralContainers)'), ...required('=(initContainers)'), ...required('containers')) },
  ];
}

/**
 * The upstream baseline controls (kyverno/policies pod-security/baseline) the other rules do not
 * already cover: HostProcess, procMount, SELinux, AppArmor and sysctls, at pod and container level.
 */
function upstreamBaselineRules(
  patternRule: (name: string, message: string, pattern: any) => ClusterPolicySpecRules,
): ClusterPolicySpecRules[] {
  const seLinuxTypes = 'container_t | container_init_t | container_kvm_t';
  const appArmor = { '=(appArmorProfile)': { '=(type)': 'RuntimeDefault | Localhost' } };
  return [
    patternRule('disallow-host-process', 'Windows HostProcess containers are not allowed: windowsOptions.hostProcess must be unset or false.', {
      spec: { '=(securityContext)': { '=(windowsOptions)': { '=(hostProcess)': 'false' } }, ...eachContainerOf({ '=(windowsOptions)': { '=(hostProcess)': 'false' } }) },
    }),
    patternRule('disallow-proc-mount', 'procMount must be unset or Default.', { spec: eachContainerOf({ '=(procMount)': 'Default' }) }),
    patternRule('disallow-selinux-type', `seLinuxOptions.type must be unset or one of ${seLinuxTypes.replace(/ \| /g, ', ')}.`, {
      spec: { '=(securityContext)': { '=(seLinuxOptions)': { '=(type)': seLinuxTypes } }, ...eachContainerOf({ '=(seLinuxOptions)': { '=(type)': seLinuxTypes } }) },
    }),
    patternRule('disallow-selinux-user-role', 'seLinuxOptions.user and seLinuxOptions.role must be unset.', {
      spec: {
        '=(securityContext)': { '=(seLinuxOptions)': { 'X(user)': 'null', 'X(role)': 'null' } },
        ...eachContainerOf({ '=(seLinuxOptions)': { 'X(user)': 'null', 'X(role)': 'null' } }),
      },
    }),
    patternRule('restrict-apparmor-profiles', 'AppArmor profiles must be RuntimeDefault or Localhost (field) / runtime/default or localhost/* (annotation): never Unconfined.', {
      '=(metadata)': { '=(annotations)': { '=(container.apparmor.security.beta.kubernetes.io/*)': 'runtime/default | localhost/*' } },
      'spec': { '=(securityContext)': appArmor, ...eachContainerOf(appArmor) },
    }),
    patternRule('restrict-sysctls', 'Only the safe sysctls may be set: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range.', {
      spec: {
        '=(securityContext)': {
          '=(sysctls)': [{ '=(name)': 'kernel.shm_rmid_forced | net.ipv4.ip_local_port_range | net.ipv4.ip_unprivileged_port_start | net.ipv4.tcp_syncookies | net.ipv4.ping_group_range' }],
        },
      },
    }),
  ];
}
