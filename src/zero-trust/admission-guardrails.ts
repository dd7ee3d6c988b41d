import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GuardrailException } from './guardrail-exception';
import { ZeroTrustNamespace } from './zero-trust-namespace';
import {
  ClusterPolicy,
  ClusterPolicySpecRules,
  ClusterPolicySpecRulesExclude,
  ClusterPolicySpecRulesMatch,
  ClusterPolicySpecRulesValidate,
  ClusterPolicySpecRulesValidateFailureAction,
  ClusterPolicySpecRulesValidateFailureActionOverridesAction,
} from '../imports/kyverno.io';
import { EnforcementMode } from '../core/enforcement';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';
import { Enforcement } from '../rollout/enforcement';
import { checkConstruct } from '../flows/chart-checks';
import { ADMISSION_GUARDRAILS_PROPS } from './props-specs';

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
 * Properties of {@link AdmissionGuardrails}.
 */
export interface AdmissionGuardrailsProps {
  /**
   * Namespaces the guardrails leave alone.
   *
   * @default ['kube-system', 'kube-public', 'istio-system']
   */
  readonly excludedNamespaces?: string[];

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
}

const ALL_CONTAINERS = 'request.object.spec.[ephemeralContainers, initContainers, containers][]';
// in a foreach over hostPath volumes: how many container mounts of the volume are not readOnly
const HOST_PATH_WRITABLE_MOUNTS = '{{ request.object.spec.[ephemeralContainers, initContainers, containers][].volumeMounts[] '
  + '| [?name == \'{{ element.name }}\' && readOnly != `true`] | length(@) }}';
// the CRD's override action enum also allows 'Audit', which the binding folds into its lowercase member: keep our spelling
const AUDIT_OVERRIDE = GuardrailAction.AUDIT as string as ClusterPolicySpecRulesValidateFailureActionOverridesAction;

/**
 * Kyverno ClusterPolicies that keep every namespace zero-trust (S18, done with real Kyverno
 * mechanisms): generate a default-deny NetworkPolicy and an allow-dns NetworkPolicy in every new
 * and existing namespace (generateExisting, synchronize) except those of a ZeroTrustNamespace
 * (labelled `zero-trust.cdk8s.io/managed: "true"`: they own their policies), check with an apiCall that a pod's
 * namespace has a NetworkPolicy, and enforce the pod hardening rules.
 */
export class AdmissionGuardrails extends Construct {
  /** The network ClusterPolicy (generate + check). */
  public readonly networkPolicy: ApiObject;

  /** The pod hardening ClusterPolicy. */
  public readonly podHardeningPolicy: ApiObject;

  constructor(scope: Construct, id: string, props: AdmissionGuardrailsProps = {}) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'AdmissionGuardrailsProps', props, ADMISSION_GUARDRAILS_PROPS, true);
    const excluded = Array.from(new Set(props.excludedNamespaces ?? ['kube-system', 'kube-public', 'istio-system'])).sort();
    excluded.forEach((n, i) => validateDns1123Label(path, `excludedNamespaces[${i}]`, n));
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
        fail(path, `exceptions[${i}].namespace`, e.namespace, 'a namespace that is not in excludedNamespaces (an exception keeps the other rules applied; remove it from excludedNamespaces)');
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

    const nsMatch: ClusterPolicySpecRulesMatch = { any: [{ resources: { kinds: ['Namespace'] } }] };
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
    const networkRules = (r: { audit: boolean; auditNs: string[] }): ClusterPolicySpecRules[] => {
      const gen = Object.keys(generated).map((name) => generate(name, generated[name], [...r.auditNs, ...noGenerate]));
      if (r.audit) {
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
      } else {
        holdBackGenerated(r.auditNs, 'excludes this namespace while it is in AUDIT');
      }
      return [
        ...(r.audit ? [] : gen),
        {
          name: 'require-network-policy',
          match: podMatch,
          ...podExclude([]),
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
        patternRule('require-run-as-non-root', 'Pods must set runAsNonRoot: true.', {
          spec: { securityContext: { runAsNonRoot: 'true' }, ...eachContainer({ '=(runAsNonRoot)': 'true' }) },
        }, { exclude: except((e) => e.allowRoot) }),
        patternRule('require-read-only-root-filesystem', 'Containers must use a read-only root filesystem.', {
          spec: { containers: [{ securityContext: { readOnlyRootFilesystem: 'true' } }] },
        }, { exclude: except((e) => e.allowWritableRootFilesystem) }),
        patternRule('require-seccomp-runtime-default', 'Pods must use the RuntimeDefault (or a Localhost) seccomp profile.', {
          spec: { securityContext: { seccompProfile: { type: 'RuntimeDefault | Localhost' } } },
        }),
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

function sorted(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}
