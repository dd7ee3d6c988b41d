/**
 * The Kubernetes Pod Security Standards (baseline and restricted, `latest`), checked on a pod spec
 * at synthesis (internal: used by ZeroTrustNamespace).
 */

/** One Pod Security violation: the field (relative to the object), its value, and what the level admits. */
export interface PodSecurityViolation {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
  readonly level: 'baseline' | 'restricted';
}

const BASELINE_CAPS = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Where a pod-bearing object keeps its pod spec and pod metadata, and these paths joined with dots (shared: read-only). */
interface PodPaths { readonly spec: readonly string[]; readonly meta: readonly string[]; readonly specAt: string; readonly metaAt: string }

function podPathsOf(spec: readonly string[], meta: readonly string[]): PodPaths {
  return { spec, meta, specAt: spec.join('.'), metaAt: meta.join('.') };
}

const POD = podPathsOf(['spec'], ['metadata']);
const TEMPLATE = podPathsOf(['spec', 'template', 'spec'], ['spec', 'template', 'metadata']);
const JOB_TEMPLATE = podPathsOf(['spec', 'jobTemplate', 'spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'metadata']);

/** JSON pointer-ish path of the pod spec and pod metadata in an object of `kind`; undefined if not pod-bearing. */
export function podPaths(kind: string): PodPaths | undefined {
  switch (kind) {
    case 'Pod': return POD;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return TEMPLATE;
    case 'CronJob': return JOB_TEMPLATE;
    default: return undefined;
  }
}

/** The value at `path` in `obj` (undefined when a step is missing). */
export function valueAt(obj: any, path: readonly string[]): any {
  let o = obj;
  for (const k of path) {
    if (o === undefined || o === null) return undefined;
    o = o[k];
  }
  return o;
}

type Bad = (lvl: 'baseline' | 'restricted', field: string, value: unknown, expected: string) => void;

/** Host namespaces, HostProcess, volumes and sysctls of the pod spec at `at`. */
function podLevelChecks(spec: any, at: string, level: string, bad: Bad): void {
  const psc = spec.securityContext ?? {};
  for (const h of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[h] === true) bad('baseline', `${at}.${h}`, true, 'false or unset (host namespaces)');
  }
  if (psc.windowsOptions?.hostProcess === true) bad('baseline', `${at}.securityContext.windowsOptions.hostProcess`, true, 'false or unset');
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    if (v.hostPath !== undefined) {bad('baseline', `${at}.volumes[${i}].hostPath`, v.hostPath.path, 'no hostPath volume');} else if (level === 'restricted') {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (type !== undefined && !RESTRICTED_VOLUMES.includes(type)) {
        bad('restricted', `${at}.volumes[${i}]`, type, `a volume of type ${RESTRICTED_VOLUMES.join(', ')}`);
      }
    }
  });
  (psc.sysctls ?? []).forEach((s: any, i: number) => {
    if (!SAFE_SYSCTLS.includes(s.name)) bad('baseline', `${at}.securityContext.sysctls[${i}].name`, s.name, `a safe sysctl (${SAFE_SYSCTLS.join(', ')})`);
  });
}

/** SELinux options of a securityContext at `f`. */
function seLinuxChecks(sc: any, f: string, bad: Bad): void {
  const o = sc?.seLinuxOptions;
  if (!o) return;
  if (!SELINUX_TYPES.includes(o.type ?? '')) bad('baseline', `${f}.seLinuxOptions.type`, o.type, 'unset or container_t, container_init_t, container_kvm_t, container_engine_t');
  for (const k of ['user', 'role']) if ((o[k] ?? '') !== '') bad('baseline', `${f}.seLinuxOptions.${k}`, o[k], 'unset');
}

/** The AppArmor profile field of a securityContext at `f`. */
function appArmorChecks(sc: any, f: string, bad: Bad): void {
  const t = sc?.appArmorProfile?.type;
  if (t !== undefined && t !== 'RuntimeDefault' && t !== 'Localhost') bad('baseline', `${f}.appArmorProfile.type`, t, 'RuntimeDefault, Localhost or unset');
}

const seccompType = (sc: any) => sc?.seccompProfile?.type;

/** The pod securityContext at `at` and the AppArmor annotations of the pod metadata at `metaAt`. */
function podContextChecks(psc: any, meta: any, at: string, metaAt: string, bad: Bad): void {
  seLinuxChecks(psc, `${at}.securityContext`, bad);
  appArmorChecks(psc, `${at}.securityContext`, bad);
  if (seccompType(psc) === 'Unconfined') bad('baseline', `${at}.securityContext.seccompProfile.type`, 'Unconfined', 'RuntimeDefault or Localhost');
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      bad('baseline', `${metaAt}.annotations[${JSON.stringify(k)}]`, v, 'runtime/default or localhost/<profile>');
    }
  }
  if (psc.runAsUser === 0) bad('restricted', `${at}.securityContext.runAsUser`, 0, 'a non-zero user id');
}

/** The baseline checks of one container at `f`. */
function containerBaselineChecks(c: any, f: string, bad: Bad): void {
  const sc = c.securityContext ?? {};
  const scf = `${f}.securityContext`;
  if (sc.privileged === true) bad('baseline', `${scf}.privileged`, true, 'false or unset');
  if (sc.windowsOptions?.hostProcess === true) bad('baseline', `${scf}.windowsOptions.hostProcess`, true, 'false or unset');
  for (const cap of (sc.capabilities?.add ?? []).map((x: string) => String(x))) {
    if (!BASELINE_CAPS.includes(cap)) bad('baseline', `${scf}.capabilities.add`, cap, `only ${BASELINE_CAPS.join(', ')}`);
  }
  (c.ports ?? []).forEach((p: any, i: number) => {
    if (p.hostPort !== undefined && p.hostPort !== 0) bad('baseline', `${f}.ports[${i}].hostPort`, p.hostPort, 'unset or 0 (expose the port with a Service)');
  });
  seLinuxChecks(sc, scf, bad);
  appArmorChecks(sc, scf, bad);
  if (sc.procMount !== undefined && sc.procMount !== 'Default') bad('baseline', `${scf}.procMount`, sc.procMount, 'Default or unset');
  if (seccompType(sc) === 'Unconfined') bad('baseline', `${scf}.seccompProfile.type`, 'Unconfined', 'RuntimeDefault or Localhost');
}

/** The restricted checks of one container at `f`, given the pod securityContext and OS. */
function containerRestrictedChecks(c: any, f: string, psc: any, windows: boolean, bad: Bad): void {
  const sc = c.securityContext ?? {};
  const scf = `${f}.securityContext`;
  if (sc.runAsUser === 0) bad('restricted', `${scf}.runAsUser`, 0, 'a non-zero user id');
  if (sc.runAsNonRoot === false || (psc.runAsNonRoot !== true && sc.runAsNonRoot !== true)) {
    bad('restricted', `${scf}.runAsNonRoot`, sc.runAsNonRoot, 'true (here or in the pod securityContext)');
  }
  if (windows) return;
  if (sc.allowPrivilegeEscalation !== false) bad('restricted', `${scf}.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation, 'false');
  if (!['RuntimeDefault', 'Localhost'].includes(seccompType(psc)) && !['RuntimeDefault', 'Localhost'].includes(seccompType(sc))) {
    bad('restricted', `${scf}.seccompProfile.type`, seccompType(sc), 'RuntimeDefault or Localhost (here or in the pod securityContext)');
  }
  const drop: string[] = (sc.capabilities?.drop ?? []).map((x: string) => String(x));
  if (!drop.includes('ALL')) bad('restricted', `${scf}.capabilities.drop`, drop, 'a list containing ALL');
  for (const cap of (sc.capabilities?.add ?? []).map((x: string) => String(x))) {
    if (cap !== 'NET_BIND_SERVICE' && BASELINE_CAPS.includes(cap)) bad('restricted', `${scf}.capabilities.add`, cap, 'only NET_BIND_SERVICE');
  }
}

/**
 * The violations of `obj` (a pod-bearing object as JSON) at `level` (baseline checks also apply
 * to restricted), in field order.
 */
export function podSecurityViolations(obj: any, level: string): PodSecurityViolation[] {
  const paths = podPaths(obj?.kind);
  if (!paths || level === 'privileged') return [];
  const spec = valueAt(obj, paths.spec) ?? {};
  const at = paths.specAt;
  const out: PodSecurityViolation[] = [];
  const bad: Bad = (lvl, field, value, expected) => {
    if (lvl === 'baseline' || level === 'restricted') out.push({ field, value, expected, level: lvl });
  };
  const psc = spec.securityContext ?? {};
  podLevelChecks(spec, at, level, bad);
  podContextChecks(psc, valueAt(obj, paths.meta) ?? {}, at, paths.metaAt, bad);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    (spec[list] ?? []).forEach((c: any, i: number) => {
      containerBaselineChecks(c, `${at}.${list}[${i}]`, bad);
      containerRestrictedChecks(c, `${at}.${list}[${i}]`, psc, spec.os?.name === 'windows', bad);
    });
  }
  return out;
}

/**
 * The violations at `level` of `added` containers (see `injectedContainers`) in the pod spec of
 * `pod` (a Pod manifest), in field order: the same as `podSecurityViolations` of the pod with
 * them, when the pod without them has no violation at `level` and nothing else of it changes but
 * volumes of the types restricted admits (sidecar injection). The pod's own containers and fields
 * are not checked again.
 */
export function addedContainerViolations(pod: any, level: string,
  added: ReadonlyArray<{ readonly list: string; readonly index: number; readonly container: any }>): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const spec = pod?.spec ?? {};
  const out: PodSecurityViolation[] = [];
  const bad: Bad = (lvl, field, value, expected) => {
    if (lvl === 'baseline' || level === 'restricted') out.push({ field, value, expected, level: lvl });
  };
  const psc = spec.securityContext ?? {};
  for (const a of added) {
    const f = `spec.${a.list}[${a.index}]`;
    containerBaselineChecks(a.container, f, bad);
    containerRestrictedChecks(a.container, f, psc, spec.os?.name === 'windows', bad);
  }
  return out;
}
