/**
 * The capability options of {@link HardeningOptions} against the namespace's Pod Security level
 * (internal, SECURITY.md finding 26): Pod Security baseline and restricted admit neither NET_RAW
 * nor NET_ADMIN, so a workload hardened with them in such a namespace would never get a pod.
 */
import { HardeningOptions } from './hardening-options';
import { fail } from '../core/validate';

/**
 * Refuses `allowNetRaw` / `allowNetAdmin` in a namespace whose Pod Security level is baseline or
 * restricted, with the fix.
 *
 * @param path the workload's construct path
 * @param namespace the workload's namespace
 * @param options the hardening options
 * @param podSecurity the namespace's Pod Security level (undefined: not known here, not checked)
 */
export function checkHardeningCapabilities(
  path: string, namespace: string | undefined, options: HardeningOptions, podSecurity: string | undefined,
): void {
  if (podSecurity === undefined || podSecurity === 'privileged') return;
  for (const [option, cap] of [['allowNetRaw', 'NET_RAW'], ['allowNetAdmin', 'NET_ADMIN']] as const) {
    if (options[option] === true) {
      fail(path, `hardening.${option}`, true,
        `false in namespace ${namespace}, whose Pod Security level "${podSecurity}" refuses ${cap} (baseline and restricted admit neither NET_RAW `
        + 'nor NET_ADMIN): the workload would never get a pod. Drop the option (ping: net.ipv4.ping_group_range gives unprivileged ICMP sockets), '
        + 'or run the workload in a namespace with podSecurity PRIVILEGED and, with AdmissionGuardrails, a GuardrailException scoped to its pods'
        + (cap === 'NET_ADMIN' ? ' (allowNetAdmin)' : ' (none admits NET_RAW: the guardrails refuse it everywhere)'));
    }
  }
}
