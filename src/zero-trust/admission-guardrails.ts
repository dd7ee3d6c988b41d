import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClusterBaseline } from './cluster-baseline';
import { DefaultDenyMechanism, GuardrailAction } from './guardrail-action';
import { guardrailAdmissionErrors, policyAdmissionErrors, serviceAdmissionErrors } from './guardrail-admission-check';
import { GuardrailException } from './guardrail-exception';
import { GuardrailPlan, guardrailPlan } from './guardrail-plan';
import { Rollout } from './guardrail-rules-common';
import { generatedPolicies, generateRules, networkRules } from './guardrail-rules-network';
import { podHardeningRules } from './guardrail-rules-pod';
import { PLATFORM_NAMESPACES } from './platform-namespaces';
import { NetworkPolicyApiVersion } from './policy-tier';
import { ADMISSION_GUARDRAILS_PROPS } from './props-specs';
import { ZeroTrustNamespace } from './zero-trust-namespace';
import { EnforcementMode } from '../core/enforcement';
import { checkConstruct } from '../flows/chart-checks';
import { Enforcement } from '../flows/enforcement';
import { ClusterPolicy, ClusterPolicySpecRules } from '../imports/kyverno.io';

const NETWORK_POLICY_NAME = 'zero-trust-network-policies';

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
   * Exceptions: each loosens only the rules it names, in its namespace, for the pods with its
   * `podLabels` (e.g. `GuardrailException.vpnGateway('wireguard')`, scoped to the gateway's pods);
   * every other rule still applies there, and every rule to the namespace's other pods. Prefer
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
 * empty peer, an ipBlock `/0` (any spelling) or both `/1` halves without except, or
 * `namespaceSelector: {}` without a podSelector (every pod of the cluster); and an ALLOW
 * AuthorizationPolicy rule without `when` whose `from` is absent (or only an ipBlock `/0`) and
 * whose `to` is absent or restricts nothing (`paths: ['*']`, `notPaths` alone, no hosts, ports or
 * methods). Finer splits of the address space (four `/2`, ...) are not recognised. No label
 * exempts an object (whoever may write a policy may write its labels); the chart's own policies
 * are checked against these rules at synthesis.
 *
 * Exceptions are scoped to their component: a `GuardrailException` with `podLabels` (the presets
 * default to their component's labels) loosens its rules only for the pods of its namespace that
 * carry those labels; every other pod there gets every rule. Those rules are in their own
 * ClusterPolicy, `zero-trust-pod-hardening-exceptions` (`podExceptionsPolicy`): Kyverno
 * generates no controller rules (autogen) for a policy that selects by labels, so the main policy
 * keeps them and only the excepted namespaces' pods are checked at Pod rather than controller
 * creation.
 *
 * Services: `disallow-service-external-ips` and `disallow-service-external-name` refuse
 * `spec.externalIPs` (CVE-2020-8554) and `type: ExternalName` in every namespace that is not
 * excluded; the chart's own Services are checked at synthesis.
 *
 * Kyverno RBAC: write access to NetworkPolicies is aggregated only into Kyverno's background
 * controller (which runs the generate rules, and only when Kyverno generates), `list` into the
 * admission and reports controllers (the `require-network-policy` apiCall).
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

  /**
   * The pod hardening rules of the label-scoped exceptions (`GuardrailException` with
   * `podLabels`, the presets' default), in their own ClusterPolicy: Kyverno generates no
   * controller rules for a policy that selects by labels, and the main policy keeps them.
   */
  public readonly podExceptionsPolicy?: ApiObject;

  /** The Baseline-tier default-deny (`defaultDeny` BASELINE_TIER or BOTH). */
  public readonly baseline?: ClusterBaseline;

  constructor(scope: Construct, id: string, props: AdmissionGuardrailsProps = {}) {
    super(scope, id);
    checkConstruct(this, 'AdmissionGuardrailsProps', props, ADMISSION_GUARDRAILS_PROPS, true);
    const plan = guardrailPlan(this.node.path, props);
    if (props.enforcement !== undefined) {
      Enforcement.resolve(this, { override: props.enforcement });
    }
    // staged rollout, resolved at synthesis: the cluster's mode, and the namespaces in AUDIT
    const rollout = (): Rollout => ({
      audit: Enforcement.resolve(this, { override: props.enforcement }) === EnforcementMode.AUDIT,
      auditNs: Enforcement.auditNamespaces(this).filter((n) => !plan.excluded.includes(n)),
    });
    this.networkPolicy = new ClusterPolicy(this, 'NetworkPolicies', {
      metadata: {
        name: NETWORK_POLICY_NAME,
        annotations: {
          'policies.kyverno.io/title': 'Zero-trust NetworkPolicies',
          'policies.kyverno.io/description': 'Every namespace gets default-deny and allow-dns NetworkPolicies; pods are admitted only in namespaces that have a NetworkPolicy.',
        },
      },
      spec: {
        background: true,
        rules: Lazy.any({ produce: () => this.networkRules(plan, rollout()) }),
      },
    });
    if (!plan.useKyverno || plan.mechanism === DefaultDenyMechanism.BOTH) {
      this.baseline = new ClusterBaseline(this, 'Baseline', {
        apiVersion: props.policyApiVersion,
        namespaceLabels: { [AdmissionGuardrails.GENERATE_LABEL]: 'true' },
        excludedNamespaces: Array.from(new Set([...plan.excluded, ...plan.noGenerate])).sort(),
        dnsNamespace: plan.dnsNs,
        dnsPodLabels: plan.dnsLabels,
        enforcement: props.enforcement,
      });
    }
    this.podHardeningPolicy = new ClusterPolicy(this, 'PodHardening', {
      metadata: {
        name: 'zero-trust-pod-hardening',
        annotations: {
          'policies.kyverno.io/title': 'Zero-trust pod hardening',
          'policies.kyverno.io/description': 'Drop ALL capabilities, no privilege, non-root, read-only root filesystem, RuntimeDefault seccomp, no host namespaces, ports or paths.',
        },
      },
      spec: {
        background: true,
        rules: Lazy.any({ produce: () => this.rolloutRules(this.podHardeningPolicy, rollout(), (r) => podHardeningRules(plan, r)) }),
      },
    });
    this.podExceptionsPolicy = this.exceptionsPolicy(plan, rollout);
    this.addValidations(plan);
    kyvernoRbac(this, plan.useKyverno);
  }

  /** The ClusterPolicy of the label-scoped exceptions (see podExceptionsPolicy), if any. */
  private exceptionsPolicy(plan: GuardrailPlan, rollout: () => Rollout): ApiObject | undefined {
    if (!plan.exceptions.some((e) => e.podLabels !== undefined)) return undefined;
    const policy: ApiObject = new ClusterPolicy(this, 'PodHardeningExceptions', {
      metadata: {
        name: 'zero-trust-pod-hardening-exceptions',
        annotations: {
          'policies.kyverno.io/title': 'Zero-trust pod hardening: component-scoped exceptions',
          'policies.kyverno.io/description': 'In a namespace with a GuardrailException, the loosened rules for the component\'s pods (by label), the strict rules for every other pod.',
        },
      },
      spec: {
        background: true,
        rules: Lazy.any({ produce: () => this.rolloutRules(policy, rollout(), (r) => podHardeningRules(plan, r, true)) }),
      },
    });
    return policy;
  }

  /** The chart's own unmanaged namespaces opt in to generation (issue 18); the chart's own objects against these rules. */
  private addValidations(plan: GuardrailPlan): void {
    this.node.addValidation({
      validate: () => {
        const skip = new Set([...plan.excluded, ...plan.noGenerate, ...this.managedNamespaces()]);
        for (const o of Chart.of(this).node.findAll()) {
          if (o instanceof ApiObject && o.kind === 'Namespace' && o.apiVersion === 'v1' && !skip.has(o.metadata.name ?? '')) {
            o.metadata.addLabel(AdmissionGuardrails.GENERATE_LABEL, 'true');
          }
        }
        return [];
      },
    });
    // --- deployment model: the chart's own pods against these rules (issue 18) ---
    const podPolicies = () => [this.podHardeningPolicy, ...(this.podExceptionsPolicy ? [this.podExceptionsPolicy] : [])];
    this.node.addValidation({ validate: () => guardrailAdmissionErrors(this, podPolicies()) });
    this.node.addValidation({ validate: () => policyAdmissionErrors(this, [this.networkPolicy]) });
    this.node.addValidation({ validate: () => serviceAdmissionErrors(this, [this.networkPolicy]) });
    // --- end deployment model ---
  }

  /** Names of the chart's Namespace objects that a ZeroTrustNamespace manages (the generate rules skip them). */
  private managedNamespaces(): Set<string> {
    return new Set(Chart.of(this).node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace'
        && c.metadata.getLabel(ZeroTrustNamespace.MANAGED_LABEL) === 'true')
      .map((c) => c.metadata.name ?? ''));
  }

  /** The network rules, holding back what the rollout keeps out of the cluster. */
  private networkRules(plan: GuardrailPlan, r: Rollout): ClusterPolicySpecRules[] {
    // without Kyverno generation the ClusterBaseline holds itself back (AUDIT) and leaves AUDIT namespaces out
    if (plan.useKyverno && r.audit) {
      // a generate rule has no audit mode, and would emit default-deny: hold it back
      for (const g of generateRules(plan, r)) {
        Enforcement.holdBack(this, {
          namespace: '*',
          kind: 'ClusterPolicyRule',
          name: `${NETWORK_POLICY_NAME}/${g.name}`,
          manifest: g,
          reason: 'generate rule: would create a NetworkPolicy that isolates pods in every matched namespace (no audit mode)',
        });
      }
      const known = Array.from(new Set(Chart.of(this).node.findAll()
        .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace')
        .map((c) => c.metadata.name ?? '')))
        .filter((n) => n !== '' && !plan.excluded.includes(n) && !plan.noGenerate.includes(n)).sort();
      this.holdBackGenerated(plan, known, 'would generate it in this existing namespace (generateExisting)');
    } else if (plan.useKyverno) {
      this.holdBackGenerated(plan, r.auditNs, 'excludes this namespace while it is in AUDIT');
    }
    return this.rolloutRules(this.networkPolicy, r, (x) => networkRules(plan, x));
  }

  /**
   * The rules of one of the guardrails' ClusterPolicies for the rollout. In a cluster in AUDIT
   * the policy is emitted with every rule Audit (and no generate rule): its ENFORCE form, what
   * the same chart in ENFORCE emits, is held back so that `EnforcementReport.enforcedObjects`
   * gives it. Namespaces in AUDIT (`auditNs`) keep their Audit overrides there, as in ENFORCE.
   */
  private rolloutRules(policy: ApiObject, r: Rollout, rules: (r: Rollout) => ClusterPolicySpecRules[]): ClusterPolicySpecRules[] {
    if (r.audit) {
      Enforcement.holdBack(this, {
        namespace: '*',
        kind: 'ClusterPolicy',
        name: policy.name,
        reason: 'emitted with failureAction Audit on every rule (and no generate rule) while the cluster is in AUDIT; this is its ENFORCE form',
        // the after-render hooks (sync waves) have run: the metadata is the emitted one
        manifest: ClusterPolicy.manifest({
          metadata: policy.metadata.toJson(),
          spec: { background: true, rules: rules({ audit: false, auditNs: r.auditNs }) },
        }),
      });
    }
    return rules(r);
  }

  /** The generated NetworkPolicies of these namespaces, held back into the EnforcementReport. */
  private holdBackGenerated(plan: GuardrailPlan, namespaces: string[], why: string): void {
    const generated = generatedPolicies(plan);
    const skip = new Set([...this.managedNamespaces(), ...plan.noGenerate]);
    for (const ns of namespaces.filter((n) => !skip.has(n))) {
      for (const name of Object.keys(generated)) {
        Enforcement.holdBack(this, {
          namespace: ns,
          kind: 'NetworkPolicy',
          name,
          reason: `Kyverno ${NETWORK_POLICY_NAME}/generate-${name} ${why}`,
          manifest: k8s.KubeNetworkPolicy.manifest({ metadata: { name, namespace: ns }, spec: generated[name] }),
        });
      }
    }
  }
}

/**
 * Kyverno's RBAC for these rules, least privilege (SECURITY.md finding 19): the background
 * controller, which runs the generate rules, may write NetworkPolicies (none without generation);
 * the admission and reports controllers, which run the `require-network-policy` apiCall, may
 * only list them.
 */
function kyvernoRbac(scope: Construct, generate: boolean): void {
  if (generate) {
    new k8s.KubeClusterRole(scope, 'GenerateRbac', {
      metadata: {
        name: 'kyverno-zero-trust-generate-networkpolicies',
        labels: { 'rbac.kyverno.io/aggregate-to-background-controller': 'true' },
      },
      rules: [{
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      }],
    });
  }
  new k8s.KubeClusterRole(scope, 'ListRbac', {
    metadata: {
      name: 'kyverno-zero-trust-list-networkpolicies',
      labels: {
        'rbac.kyverno.io/aggregate-to-admission-controller': 'true',
        'rbac.kyverno.io/aggregate-to-reports-controller': 'true',
      },
    },
    rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list'] }],
  });
}
