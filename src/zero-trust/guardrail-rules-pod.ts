/**
 * The pod hardening rules of {@link AdmissionGuardrails} (internal): pure functions from the
 * resolved props and the rollout state to the Kyverno rules (the upstream comparison table is in
 * the class docs).
 */
import type { ExceptionScope, GuardrailPlan, HostPathGroup } from './guardrail-plan';
import { actionOf, NOT_DELETE, podExclude, podMatchIn, POD_MATCH, Rollout, RuleAction } from './guardrail-rules-common';
import { ClusterPolicySpecRules } from '../imports/kyverno.io';

const ALL_CONTAINERS = 'request.object.spec.[ephemeralContainers, initContainers, containers][]';
// in a foreach over hostPath volumes: how many container mounts of the volume are not readOnly
const HOST_PATH_WRITABLE_MOUNTS = '{{ request.object.spec.[ephemeralContainers, initContainers, containers][].volumeMounts[] '
  + '| [?name == \'{{ element.name }}\' && readOnly != `true`] | length(@) }}';
// upstream restrict-volume-types (restricted): the volume types a restricted pod may use
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * A rule before its match/exclude blocks: `loosenedBy` the exception scopes where it does not
 * apply (a generic rule), or `onlyIn` the scopes where it applies instead (a widened rule).
 */
interface RuleDef {
  readonly name: string;
  readonly body: Omit<ClusterPolicySpecRules, 'name' | 'match' | 'exclude'>;
  readonly loosenedBy?: ExceptionScope[];
  readonly onlyIn?: ExceptionScope[];
  /** The widened rule has no exclude block (restrict-host-paths). */
  readonly noExclude?: boolean;
}

/** Where a rule applies: generic (not in `loosenedBy`) or widened (`onlyIn`), with optional preconditions. */
interface Where {
  readonly loosenedBy?: ExceptionScope[];
  readonly onlyIn?: ExceptionScope[];
  readonly preconditions?: any;
}

/** The rule builders, bound to the pod rules' action. */
class PodRuleBuilder {
  constructor(readonly act: RuleAction) {}

  /** A validate `pattern` rule. */
  public pattern(name: string, message: string, pattern: any, where: Where = {}): RuleDef {
    const { preconditions, ...scope } = where;
    return { name, ...scope, body: { ...(preconditions ? { preconditions } : {}), validate: { ...this.act, message, pattern } } };
  }

  /** A validate `anyPattern` rule. */
  public anyPattern(name: string, message: string, anyPattern: any[], where: Where = {}): RuleDef {
    return { name, ...where, body: { validate: { ...this.act, message, anyPattern } } };
  }

  /** Containers may add only `allowed` and must drop ALL. */
  public capabilities(name: string, allowed: string[], where: Where): RuleDef {
    return {
      name,
      ...where,
      body: {
        preconditions: NOT_DELETE,
        validate: {
          ...this.act,
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
      },
    };
  }

  /** Only the `allowed` volume types. */
  public volumeTypes(name: string, allowed: string[], where: Where): RuleDef {
    return {
      name,
      ...where,
      body: {
        preconditions: NOT_DELETE,
        validate: {
          ...this.act,
          message: `Only these volume types may be used: ${allowed.join(', ')}.`,
          deny: { conditions: { all: [{ key: '{{ request.object.spec.volumes[].keys(@)[] || \'\' }}', operator: 'AnyNotIn', value: ['name', ...allowed, ''] }] } },
        },
      },
    };
  }

  /** hostPath volumes only of the group's directories, read-only, without `..`. */
  public hostPaths(name: string, g: HostPathGroup): RuleDef {
    return {
      name,
      onlyIn: g.scopes,
      noExclude: true,
      body: {
        preconditions: NOT_DELETE,
        validate: {
          ...this.act,
          message: `hostPath volumes may mount only ${g.paths.join(', ')} (or below, without '..'), and read-only.`,
          foreach: [{
            list: 'request.object.spec.volumes[?hostPath] || `[]`',
            deny: {
              conditions: {
                any: [
                  { key: '{{ element.hostPath.path }}', operator: 'AnyNotIn', value: g.paths.flatMap((p) => [p, `${p}/*`]) },
                  { key: '{{ contains(element.hostPath.path, \'..\') }}', operator: 'Equals', value: true },
                  { key: HOST_PATH_WRITABLE_MOUNTS, operator: 'GreaterThan', value: 0 },
                ],
              },
            },
          }],
        },
      },
    };
  }
}

const namespacesOf = (scopes: ExceptionScope[]): string[] => Array.from(new Set(scopes.map((s) => s.namespace))).sort();
const labelled = (scopes: ExceptionScope[] | undefined): ExceptionScope[] => (scopes ?? []).filter((s) => s.labels !== undefined);
const scopeFilter = (s: ExceptionScope) => ({ namespaces: [s.namespace], selector: { matchLabels: s.labels } });

/** The rule in the main policy: generic rules skip every exception namespace; widened rules only in namespace-wide scopes. */
function mainRule(def: RuleDef, excluded: string[]): ClusterPolicySpecRules | undefined {
  if (def.onlyIn !== undefined) {
    const wide = def.onlyIn.filter((s) => s.labels === undefined);
    if (wide.length === 0) return undefined;
    return { name: def.name, match: podMatchIn(namespacesOf(wide)), ...(def.noExclude ? {} : podExclude(excluded, [])), ...def.body };
  }
  return { name: def.name, match: POD_MATCH, ...podExclude(excluded, namespacesOf(def.loosenedBy ?? [])), ...def.body };
}

/**
 * The rule in the exceptions policy (label-scoped exceptions only): a generic rule applies to the
 * pods of the excepted namespaces without the component's labels, a widened rule to those with them.
 */
function scopedRule(def: RuleDef): ClusterPolicySpecRules | undefined {
  if (def.onlyIn !== undefined) {
    const scoped = labelled(def.onlyIn);
    if (scoped.length === 0) return undefined;
    return { name: def.name, match: { any: scoped.map((s) => ({ resources: { kinds: ['Pod'], ...scopeFilter(s) } })) }, ...def.body };
  }
  const scoped = labelled(def.loosenedBy);
  if (scoped.length === 0) return undefined;
  const exclude = { any: scoped.map((s) => ({ resources: scopeFilter(s) })) };
  return { name: def.name, match: podMatchIn(namespacesOf(scoped)), exclude, ...def.body };
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

/** restrict-capabilities, and one widened rule per capability group (e.g. -net-admin, -sys-module, -net-admin-sys-module). */
function capabilityRules(b: PodRuleBuilder, plan: GuardrailPlan): RuleDef[] {
  return [
    b.capabilities('restrict-capabilities', ['NET_BIND_SERVICE'], { loosenedBy: plan.widened }),
    ...[...plan.capGroups]
      .sort((x, y) => x.extra.length - y.extra.length || x.extra.join().localeCompare(y.extra.join()))
      .map((g) => b.capabilities(
        `restrict-capabilities-${g.extra.map((c) => c.toLowerCase().replace(/_/g, '-')).join('-')}`,
        [...g.extra, 'NET_BIND_SERVICE'].sort(),
        { onlyIn: g.scopes },
      )),
  ];
}

/** Privilege, user, root filesystem and seccomp. */
function restrictedRules(b: PodRuleBuilder, plan: GuardrailPlan): RuleDef[] {
  return [
    b.pattern('disallow-privileged', 'Privileged containers are not allowed.', { spec: eachContainerOf({ '=(privileged)': 'false' }) }),
    b.pattern('disallow-privilege-escalation', 'allowPrivilegeEscalation must be false.', {
      spec: {
        '=(ephemeralContainers)': [{ securityContext: { allowPrivilegeEscalation: 'false' } }],
        '=(initContainers)': [{ securityContext: { allowPrivilegeEscalation: 'false' } }],
        'containers': [{ securityContext: { allowPrivilegeEscalation: 'false' } }],
      },
    }),
    // upstream require-run-as-nonroot: pod level (not overridden per container), or every container
    b.anyPattern('require-run-as-non-root', 'Pods must set runAsNonRoot: true (pod level, or in every container).',
      podOrEachContainer('runAsNonRoot', 'true'), { loosenedBy: plan.allowRoot }),
    b.pattern('require-run-as-non-root-user', 'runAsUser must be unset or greater than 0 (pod and containers).', {
      spec: { '=(securityContext)': { '=(runAsUser)': '>0' }, ...eachContainerOf({ '=(runAsUser)': '>0' }) },
    }, { loosenedBy: plan.allowRoot }),
    b.pattern('require-read-only-root-filesystem', 'Containers must use a read-only root filesystem.', {
      spec: { containers: [{ securityContext: { readOnlyRootFilesystem: 'true' } }] },
    }, { loosenedBy: plan.writableRoot }),
    // upstream restrict-seccomp-strict: a container cannot override the pod's profile to Unconfined
    b.anyPattern('require-seccomp-runtime-default',
      'seccompProfile.type must be RuntimeDefault or Localhost (pod level, or in every container), and no container may override it.',
      podOrEachContainer('seccompProfile', { type: 'RuntimeDefault | Localhost' })),
  ];
}

/**
 * The upstream baseline controls (kyverno/policies pod-security/baseline) the other rules do not
 * already cover: HostProcess, procMount, SELinux, AppArmor and sysctls, at pod and container level.
 */
function upstreamBaselineRules(b: PodRuleBuilder): RuleDef[] {
  const seLinuxTypes = 'container_t | container_init_t | container_kvm_t';
  const appArmor = { '=(appArmorProfile)': { '=(type)': 'RuntimeDefault | Localhost' } };
  return [
    b.pattern('disallow-host-process', 'Windows HostProcess containers are not allowed: windowsOptions.hostProcess must be unset or false.', {
      spec: { '=(securityContext)': { '=(windowsOptions)': { '=(hostProcess)': 'false' } }, ...eachContainerOf({ '=(windowsOptions)': { '=(hostProcess)': 'false' } }) },
    }),
    b.pattern('disallow-proc-mount', 'procMount must be unset or Default.', { spec: eachContainerOf({ '=(procMount)': 'Default' }) }),
    b.pattern('disallow-selinux-type', `seLinuxOptions.type must be unset or one of ${seLinuxTypes.replace(/ \| /g, ', ')}.`, {
      spec: { '=(securityContext)': { '=(seLinuxOptions)': { '=(type)': seLinuxTypes } }, ...eachContainerOf({ '=(seLinuxOptions)': { '=(type)': seLinuxTypes } }) },
    }),
    b.pattern('disallow-selinux-user-role', 'seLinuxOptions.user and seLinuxOptions.role must be unset.', {
      spec: {
        '=(securityContext)': { '=(seLinuxOptions)': { 'X(user)': 'null', 'X(role)': 'null' } },
        ...eachContainerOf({ '=(seLinuxOptions)': { 'X(user)': 'null', 'X(role)': 'null' } }),
      },
    }),
    b.pattern('restrict-apparmor-profiles', 'AppArmor profiles must be RuntimeDefault or Localhost (field) / runtime/default or localhost/* (annotation): never Unconfined.', {
      '=(metadata)': { '=(annotations)': { '=(container.apparmor.security.beta.kubernetes.io/*)': 'runtime/default | localhost/*' } },
      'spec': { '=(securityContext)': appArmor, ...eachContainerOf(appArmor) },
    }),
    b.pattern('restrict-sysctls', 'Only the safe sysctls may be set: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range.', {
      spec: {
        '=(securityContext)': {
          '=(sysctls)': [{ '=(name)': 'kernel.shm_rmid_forced | net.ipv4.ip_local_port_range | net.ipv4.ip_unprivileged_port_start | net.ipv4.tcp_syncookies | net.ipv4.ping_group_range' }],
        },
      },
    }),
  ];
}

const HOST_PORTS_PATTERN = {
  spec: {
    '=(initContainers)': [{ '=(ports)': [{ '=(hostPort)': 0 }] }],
    'containers': [{ '=(ports)': [{ '=(hostPort)': 0 }] }],
  },
};

/** Volume types, host namespaces, host ports and host paths, with the exceptions' widened rules. */
function hostRules(b: PodRuleBuilder, plan: GuardrailPlan): RuleDef[] {
  const { hostNet, hostPath } = plan;
  return [
    b.volumeTypes('restrict-volume-types', RESTRICTED_VOLUME_TYPES, { loosenedBy: hostPath }),
    ...(hostPath.length > 0 ? [b.volumeTypes('restrict-volume-types-host-path', [...RESTRICTED_VOLUME_TYPES, 'hostPath'], { onlyIn: hostPath })] : []),
    b.pattern('disallow-host-namespaces', 'hostNetwork, hostPID and hostIPC are not allowed.', {
      spec: { '=(hostNetwork)': 'false', '=(hostPID)': 'false', '=(hostIPC)': 'false' },
    }, { loosenedBy: hostNet }),
    b.pattern('disallow-host-ports', 'hostPort is not allowed: use a ClusterIP Service.', HOST_PORTS_PATTERN, { loosenedBy: hostNet }),
    // upstream kyverno/policies disallow-host-path: a hostPath volume is a way out of the container
    b.pattern('disallow-host-path', 'hostPath volumes are not allowed: spec.volumes[*].hostPath must be unset.', {
      spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] },
    }, { loosenedBy: hostPath }),
    // exceptions that name their node directories: only those, read-only
    ...plan.hostPathGroups.map((g, i) => b.hostPaths(plan.hostPathGroups.length === 1 ? 'restrict-host-paths' : `restrict-host-paths-${i + 1}`, g)),
    // exceptions with hostNetwork: hostPID and hostIPC stay refused, and hostPort is allowed
    // only on hostNetwork pods (where the API server sets hostPort = containerPort)
    ...(hostNet.length > 0 ? [
      b.pattern('disallow-host-pid-ipc', 'hostPID and hostIPC are not allowed (hostNetwork is, by a GuardrailException).', {
        spec: { '=(hostPID)': 'false', '=(hostIPC)': 'false' },
      }, { onlyIn: hostNet }),
      b.pattern('disallow-host-ports-without-host-network', 'hostPort is allowed only on hostNetwork pods: use a ClusterIP Service.', HOST_PORTS_PATTERN, {
        onlyIn: hostNet,
        preconditions: { all: [{ key: '{{ request.object.spec.hostNetwork || `false` }}', operator: 'Equals', value: false }] },
      }),
    ] : []),
  ];
}

/**
 * The rules of the pod hardening ClusterPolicy (`scoped` false), or of the exceptions policy
 * (`scoped` true: only the rules of label-scoped exceptions, none if there are none). Two
 * policies because Kyverno generates no controller rules for a policy whose match or exclude
 * selects by labels: the main one keeps them.
 *
 * @param plan the resolved props
 * @param r the rollout state
 * @param scoped the exceptions policy
 */
export function podHardeningRules(plan: GuardrailPlan, r: Rollout, scoped = false): ClusterPolicySpecRules[] {
  const b = new PodRuleBuilder(actionOf(plan.podAction, r));
  const defs = [...capabilityRules(b, plan), ...restrictedRules(b, plan), ...upstreamBaselineRules(b), ...hostRules(b, plan)];
  return defs.map((d) => (scoped ? scopedRule(d) : mainRule(d, plan.excluded))).filter((x): x is ClusterPolicySpecRules => x !== undefined);
}
