/**
 * The Fairwinds Polaris checks (default config, /work/shared/polaris-checks at the commit in its
 * SOURCES.txt) that apply to a Deployment and its pod, re-implemented from their JSON schemas for
 * the fields the library sets. Returns the names of the checks that FAIL, with their default
 * severity, so tests can assert exactly which ones fire.
 */
export interface PolarisFinding {
  readonly check: string;
  readonly severity: 'danger' | 'warning';
}

const ci = (list: string[] | undefined, cap: string) => (list ?? []).some((c) => c.toUpperCase() === cap);

/** Failing Polaris checks for `deployment`, given every object emitted alongside it. */
export function polarisFindings(deployment: any, objects: any[]): PolarisFinding[] {
  const out: PolarisFinding[] = [];
  const add = (check: string, severity: 'danger' | 'warning', failed: boolean) => {
    if (failed) out.push({ check, severity });
  };
  const tpl = deployment.spec.template;
  const pod = tpl.spec;
  const containers: any[] = [...(pod.initContainers ?? []), ...pod.containers];
  const psc = pod.securityContext ?? {};
  const ns = deployment.metadata.namespace;

  // PodSpec / Controller / PodTemplate checks
  add('hostNetworkSet', 'danger', pod.hostNetwork === true);
  add('hostPIDSet', 'danger', pod.hostPID === true);
  add('hostIPCSet', 'danger', pod.hostIPC === true);
  add('hostProcess', 'warning', containers.some((c) => c.securityContext?.windowsOptions?.hostProcess === true));
  add('hostPathSet', 'warning', (pod.volumes ?? []).some((v: any) => v.hostPath !== undefined));
  add('automountServiceAccountToken', 'warning', pod.automountServiceAccountToken !== false);
  add('priorityClassNotSet', 'warning', pod.priorityClassName === undefined);
  add('topologySpreadConstraint', 'warning', !(pod.topologySpreadConstraints?.length >= 1));
  add('deploymentMissingReplicas', 'warning', !(deployment.spec.replicas >= 2));
  add('metadataAndInstanceMismatched', 'warning', deployment.metadata.labels?.['app.kubernetes.io/instance'] !== deployment.metadata.name);
  const matches = (sel: any) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => tpl.metadata.labels?.[k] === v);
  add('missingPodDisruptionBudget', 'warning', !objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === ns && matches(o.spec.selector)));
  add('missingNetworkPolicy', 'warning', !objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns
    && matches(o.spec.podSelector) && o.spec.ingress?.length >= 1 && o.spec.egress?.length >= 1));

  // Container checks (schemaTarget PodSpec: pod-level securityContext counts unless overridden)
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    add('runAsPrivileged', 'danger', sc.privileged === true);
    add('privilegeEscalationAllowed', 'danger', sc.allowPrivilegeEscalation !== false);
    add('dangerousCapabilities', 'danger', ['ALL', 'SYS_ADMIN', 'NET_ADMIN'].some((cap) => ci(sc.capabilities?.add, cap)));
    add('insecureCapabilities', 'warning', !ci(sc.capabilities?.drop, 'ALL'));
    const nonRoot = (x: any) => (x?.runAsUser !== undefined && x.runAsUser >= 1) || x?.runAsNonRoot === true;
    const notBad = (x: any) => !(x?.runAsUser !== undefined && x.runAsUser < 1) && x?.runAsNonRoot !== false;
    add('runAsRootAllowed', 'danger', !(nonRoot(sc) || (nonRoot(psc) && notBad(sc))));
    add('notReadOnlyRootFilesystem', 'warning', !(sc.readOnlyRootFilesystem === true || (psc.readOnlyRootFilesystem === true && sc.readOnlyRootFilesystem !== false)));
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    add('linuxHardening', 'warning', !((seccomp && seccomp !== 'Unconfined') || (sc.capabilities?.drop?.length >= 1 && !ci(sc.capabilities?.add, 'ALL'))));
    add('procMount', 'warning', sc.procMount !== undefined && sc.procMount !== 'Default');
    add('hostPortSet', 'warning', (c.ports ?? []).some((p: any) => p.hostPort !== undefined && p.hostPort !== 0));
    add('tagNotSpecified', 'danger', !/:[^/]+$/.test(c.image.split('@')[0]) || /:latest$/.test(c.image));
    add('pullPolicyNotAlways', 'warning', c.imagePullPolicy !== 'Always');
    add('readinessProbeMissing', 'warning', c.readinessProbe === undefined);
    add('livenessProbeMissing', 'warning', c.livenessProbe === undefined);
    add('cpuRequestsMissing', 'warning', c.resources?.requests?.cpu === undefined);
    add('cpuLimitsMissing', 'warning', c.resources?.limits?.cpu === undefined);
    add('memoryRequestsMissing', 'warning', c.resources?.requests?.memory === undefined);
    add('memoryLimitsMissing', 'warning', c.resources?.limits?.memory === undefined);
    add('sensitiveContainerEnvVar', 'danger', (c.env ?? []).some((e: any) => e.value !== undefined && /password|token|secret|key/i.test(e.name)));
  }
  // ConfigMaps of the same output
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
    const keys = Object.keys(cm.data ?? {});
    add('sensitiveConfigmapContent', 'danger',
      keys.some((k) => /password|token|bearer|secret|^AWS_SECRET_ACCESS_KEY$|^GOOGLE_APPLICATION_CREDENTIALS$|^AZURE_.+KEY$|^OCI_CLI_KEY_CONTENT$/i.test(k))
      || Object.values(cm.data ?? {}).some((v: any) => /\s*-BEGIN\s+.*PRIVATE KEY-\s*/i.test(v)));
  }
  const seen = new Set<string>();
  return out.filter((f) => !seen.has(f.check) && seen.add(f.check)).sort((a, b) => a.check.localeCompare(b.check));
}
