/**
 * The props of {@link AdmissionGuardrails}, checked and resolved into what the rule builders need
 * (internal): the excluded namespaces, the exceptions grouped by what they loosen, the actions.
 */
import type { AdmissionGuardrailsProps } from './admission-guardrails';
import { DefaultDenyMechanism, GuardrailAction } from './guardrail-action';
import { GuardrailException } from './guardrail-exception';
import { PLATFORM_NAMESPACES } from './platform-namespaces';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';

/** Where an exception applies: a namespace, and in it the pods with these labels (all of them when undefined). */
export interface ExceptionScope {
  readonly namespace: string;
  readonly labels?: { [key: string]: string };
}

/** Scopes whose pods may add the same capabilities besides NET_BIND_SERVICE: one rule per group. */
export interface CapabilityGroup {
  readonly extra: string[];
  readonly scopes: ExceptionScope[];
}

/** Scopes whose hostPath volumes may mount the same node directories read-only: one rule per group. */
export interface HostPathGroup {
  readonly paths: string[];
  readonly scopes: ExceptionScope[];
}

/** The resolved props. */
export interface GuardrailPlan {
  /** Platform, Kyverno and `excludedNamespaces`, sorted. */
  readonly excluded: string[];
  readonly exceptions: GuardrailException[];
  /** In first-seen order of the sorted namespaces. */
  readonly capGroups: CapabilityGroup[];
  /** The scopes of all capability groups, sorted by namespace. */
  readonly widened: ExceptionScope[];
  readonly hostNet: ExceptionScope[];
  readonly hostPath: ExceptionScope[];
  /** Sorted by their paths. */
  readonly hostPathGroups: HostPathGroup[];
  /** Namespaces (generation is per namespace). */
  readonly noGenerate: string[];
  readonly allowRoot: ExceptionScope[];
  readonly writableRoot: ExceptionScope[];
  readonly npAction: GuardrailAction;
  readonly podAction: GuardrailAction;
  readonly dnsNs: string;
  readonly dnsLabels: { [key: string]: string };
  readonly mechanism: DefaultDenyMechanism;
  readonly useKyverno: boolean;
}

/** The exceptions, checked: GuardrailException instances, one per namespace, none in an excluded namespace. */
function checkExceptions(path: string, exceptions: GuardrailException[], excluded: string[]): void {
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
}

const byNamespace = (a: ExceptionScope, b: ExceptionScope): number => a.namespace.localeCompare(b.namespace);
const scopeOf = (e: GuardrailException): ExceptionScope => (e.podLabels
  ? { namespace: e.namespace, labels: e.podLabels } : { namespace: e.namespace });

/**
 * Scopes grouped by the capabilities they may add besides NET_BIND_SERVICE (`netAdminNamespaces`
 * are namespace-wide).
 */
function capabilityGroups(netAdminNamespaces: string[], exceptions: GuardrailException[]): CapabilityGroup[] {
  const groups = new Map<string, { extra: string[]; scopes: ExceptionScope[] }>();
  const byNs = new Map(exceptions.map((e) => [e.namespace, e]));
  const netAdmin = new Set([...netAdminNamespaces, ...exceptions.filter((e) => e.allowNetAdmin).map((e) => e.namespace)]);
  const sysModule = new Set(exceptions.filter((e) => e.allowSysModule).map((e) => e.namespace));
  for (const ns of Array.from(new Set([...netAdmin, ...sysModule])).sort()) {
    const extra = [...(netAdmin.has(ns) ? ['NET_ADMIN'] : []), ...(sysModule.has(ns) ? ['SYS_MODULE'] : [])];
    const key = extra.join(',');
    if (!groups.has(key)) groups.set(key, { extra, scopes: [] });
    const e = byNs.get(ns);
    groups.get(key)!.scopes.push(e && !netAdminNamespaces.includes(ns) ? scopeOf(e) : { namespace: ns });
  }
  return Array.from(groups.values());
}

/** Scopes grouped by the node directories their hostPath volumes may mount, sorted by the directories. */
function hostPathGroups(exceptions: GuardrailException[]): HostPathGroup[] {
  const groups = new Map<string, { paths: string[]; scopes: ExceptionScope[] }>();
  for (const e of exceptions.filter((x) => x.allowHostPath && x.allowedHostPaths.length > 0)) {
    const key = e.allowedHostPaths.join(',');
    if (!groups.has(key)) groups.set(key, { paths: e.allowedHostPaths, scopes: [] });
    groups.get(key)!.scopes.push(scopeOf(e));
  }
  return Array.from(groups.entries()).sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => ({ paths: g.paths, scopes: g.scopes.sort(byNamespace) }));
}

/** The actions, the DNS peer and the default-deny mechanism, checked. */
function checkSettings(path: string, props: AdmissionGuardrailsProps) {
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
  if (props.policyApiVersion !== undefined && mechanism === DefaultDenyMechanism.KYVERNO_GENERATE) {
    fail(path, 'policyApiVersion', props.policyApiVersion, 'no policyApiVersion unless defaultDeny is BASELINE_TIER or BOTH (the Kyverno rules emit no tier policy)');
  }
  return {
    npAction: props.networkPolicyAction ?? GuardrailAction.ENFORCE,
    podAction: props.podHardeningAction ?? GuardrailAction.ENFORCE,
    dnsNs,
    dnsLabels,
    mechanism,
    useKyverno: mechanism !== DefaultDenyMechanism.BASELINE_TIER,
  };
}

/**
 * The props checked (ValidationError naming `path` and the field) and resolved.
 *
 * @param path the construct path
 * @param props the props (their types already checked)
 */
export function guardrailPlan(path: string, props: AdmissionGuardrailsProps): GuardrailPlan {
  (props.excludedNamespaces ?? []).forEach((n, i) => validateDns1123Label(path, `excludedNamespaces[${i}]`, n));
  const kyvernoNs = props.kyvernoNamespace ?? 'kyverno';
  validateDns1123Label(path, 'kyvernoNamespace', kyvernoNs);
  const excluded = Array.from(new Set([...PLATFORM_NAMESPACES, kyvernoNs, ...(props.excludedNamespaces ?? [])])).sort();
  (props.netAdminNamespaces ?? []).forEach((n, i) => validateDns1123Label(path, `netAdminNamespaces[${i}]`, n));
  const exceptions = props.exceptions ?? [];
  checkExceptions(path, exceptions, excluded);
  const except = (pick: (e: GuardrailException) => boolean): ExceptionScope[] => exceptions.filter(pick).map(scopeOf).sort(byNamespace);
  const capGroups = capabilityGroups(props.netAdminNamespaces ?? [], exceptions);
  return {
    excluded,
    exceptions,
    capGroups,
    widened: capGroups.flatMap((g) => g.scopes).sort(byNamespace),
    hostNet: except((e) => e.allowHostNetwork),
    hostPath: except((e) => e.allowHostPath),
    hostPathGroups: hostPathGroups(exceptions),
    noGenerate: except((e) => !e.generateNetworkPolicies).map((x) => x.namespace),
    allowRoot: except((e) => e.allowRoot),
    writableRoot: except((e) => e.allowWritableRootFilesystem),
    ...checkSettings(path, props),
  };
}
