import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { checkHardeningCapabilities } from './hardening-capabilities';
import { HardeningOptions } from './hardening-options';
import { fail } from '../core/validate';

/** Pod spec JSON pointer of a cdk8s-plus workload kind. */
function podSpecPath(w: kplus.AbstractPod): string {
  if (w instanceof kplus.Pod) {
    return '/spec';
  }
  if (w instanceof kplus.CronJob) {
    return '/spec/jobTemplate/spec/template/spec';
  }
  return '/spec/template/spec';
}

/**
 * Validates `w` against the hardening rules (explicit conflicts are errors) and adds JSON patches
 * that force the hardened settings. Internal: used by ZeroTrustNamespace at synthesis.
 */
export function hardenWorkload(w: kplus.AbstractPod, serviceAccountName: string | undefined, options: HardeningOptions, podSecurity?: string): void {
  const path = w.node.path;
  checkHardeningCapabilities(path, w.metadata.namespace, options, podSecurity);
  if (w.hostNetwork) {
    fail(path, 'hostNetwork', true, 'false: workloads in a zero-trust namespace never use the host network');
  }
  const add: string[] = [];
  if (options.allowNetAdmin) add.push('NET_ADMIN');
  if (options.allowNetBindService) add.push('NET_BIND_SERVICE');
  if (options.allowNetRaw) add.push('NET_RAW');
  const containers = [
    ...w.initContainers.map((c, i) => ({ c, field: `initContainers[${i}]`, ptr: `initContainers/${i}` })),
    ...w.containers.map((c, i) => ({ c, field: `containers[${i}]`, ptr: `containers/${i}` })),
  ];
  const spec = podSpecPath(w);
  const api = ApiObject.of(w);
  for (const { c, field, ptr } of containers) {
    const sc = c.securityContext;
    if (sc.privileged) {
      fail(path, `${field}.securityContext.privileged`, true, 'false: never privileged (add a capability explicitly instead)');
    }
    for (const cap of sc.capabilities?.add ?? []) {
      const name = String(cap).toUpperCase().replace(/^CAP_/, '');
      if (!add.includes(name)) {
        fail(path, `${field}.securityContext.capabilities.add`, cap,
          'only NET_BIND_SERVICE, NET_ADMIN or NET_RAW, each enabled by its hardening option');
      }
    }
    (c.ports ?? []).forEach((p, i) => {
      if (p.hostPort !== undefined) {
        fail(path, `${field}.ports[${i}].hostPort`, p.hostPort, 'no hostPort: expose the port with a ClusterIP Service');
      }
    });
    api.addJsonPatch(JsonPatch.add(`${spec}/${ptr}/securityContext`, {
      allowPrivilegeEscalation: false,
      capabilities: add.length > 0 ? { add, drop: ['ALL'] } : { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: !options.writableRootFilesystem,
      runAsNonRoot: true,
      ...(sc.user !== undefined ? { runAsUser: sc.user } : {}),
      ...(sc.group !== undefined ? { runAsGroup: sc.group } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    }));
  }
  const psc = w.securityContext;
  api.addJsonPatch(JsonPatch.add(`${spec}/securityContext`, {
    runAsNonRoot: true,
    ...(psc.user !== undefined ? { runAsUser: psc.user } : {}),
    ...(psc.group !== undefined ? { runAsGroup: psc.group } : {}),
    ...(psc.fsGroup !== undefined ? { fsGroup: psc.fsGroup } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  }));
  api.addJsonPatch(JsonPatch.add(`${spec}/automountServiceAccountToken`, options.automountServiceAccountToken ?? false));
  api.addJsonPatch(JsonPatch.add(`${spec}/hostNetwork`, false));
  api.addJsonPatch(JsonPatch.add(`${spec}/hostPID`, false));
  api.addJsonPatch(JsonPatch.add(`${spec}/hostIPC`, false));
  if (serviceAccountName !== undefined) {
    api.addJsonPatch(JsonPatch.add(`${spec}/serviceAccountName`, serviceAccountName));
  }
}
