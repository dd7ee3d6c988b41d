import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ENFORCEMENT_LOOKUP_OPTIONS } from './props-specs';
import { EnforcementMode } from '../core/enforcement';
import { checkArgs, checkOptions, ENFORCEMENT_EXPECTED, t } from '../core/props-check';
import { fail, validateDns1123Label } from '../core/validate';

/**
 * A policy that AUDIT mode did not emit (Kubernetes NetworkPolicies and Kyverno generate rules
 * have no audit mode): it is listed in the {@link EnforcementReport} instead, never dropped. Also
 * an object AUDIT emits relaxed so that it neither breaks nor enforces (reason `relaxed in AUDIT:
 * ...`: a STRICT PeerAuthentication as PERMISSIVE, a namespace's Pod Security `enforce` label as
 * `privileged`, a Sidecar's REGISTRY_ONLY as ALLOW_ANY, a ResourceQuota without limits); its
 * manifest is then the enforced object.
 */
export interface HeldBackPolicy {
  /** Namespace the policy would live in (`*` for a cluster-wide rule that applies to every namespace). */
  readonly namespace: string;

  /** Kind of the held-back object (`NetworkPolicy`, or `ClusterPolicyRule` for a Kyverno rule). */
  readonly kind: string;

  /** Name of the held-back object (a Kyverno rule: `<ClusterPolicy>/<rule>`). */
  readonly name: string;

  /** Why it was held back. */
  readonly reason: string;

  /** The object (or rule) that ENFORCE would emit, as plain JSON. */
  readonly manifest: any;

  /**
   * The cluster (chart id) it belongs to; filled in by the report.
   *
   * @default - unknown until reported
   */
  readonly cluster?: string;
}

/**
 * What to resolve the enforcement mode for.
 */
export interface EnforcementLookupOptions {
  /**
   * The construct's own setting (its `enforcement` prop): wins over every scope.
   *
   * @default - none: resolve from the scopes
   */
  readonly override?: EnforcementMode;

  /**
   * The namespace the policy applies to: namespace settings apply.
   *
   * @default - a cluster-scoped policy (no namespace settings)
   */
  readonly namespace?: string;
}

/**
 * Enforcement settings live on the constructs they are set on (as AWS CDK's `Aspects.of` keeps
 * aspects): a non-enumerable property, found by walking the scopes, dropped with the tree.
 */
const STATE = Symbol.for('cdk8s-zero-trust.Enforcement');

interface EnforcementState {
  /** The mode set on this construct. */
  mode?: EnforcementMode;
  /** Namespace modes set on this construct (`setNamespace`). */
  namespaces?: Map<string, EnforcementMode>;
  /** Policies held back in this chart. */
  held?: Map<string, HeldBackPolicy>;
  /** On the root: a mode was set somewhere in the tree (fast path: nothing set = ENFORCE). */
  used?: boolean;
}

/** The state on `c` (read-only view when `create` is false and there is none). */
function stateOf(c: IConstruct, create: true): EnforcementState;
function stateOf(c: IConstruct, create?: false): EnforcementState | undefined;
function stateOf(c: IConstruct, create = false): EnforcementState | undefined {
  const existing = (c as any)[STATE] as EnforcementState | undefined;
  if (existing !== undefined || !create) return existing;
  const state: EnforcementState = {};
  Object.defineProperty(c, STATE, { value: state, enumerable: false, configurable: false, writable: false });
  return state;
}

function markUsed(scope: IConstruct): void {
  stateOf(scope.node.root, true).used = true;
}

function isUsed(scope: IConstruct): boolean {
  return stateOf(scope.node.root)?.used === true;
}

function modeOf(c: IConstruct): EnforcementMode | undefined {
  return stateOf(c)?.mode;
}

function checkMode(path: string, field: string, mode: EnforcementMode): void {
  if (!Object.values(EnforcementMode).includes(mode)) {
    fail(path, field, mode, 'EnforcementMode.ENFORCE (Enforce) or EnforcementMode.AUDIT (Audit)');
  }
}

/** The nearest Chart at or above `scope` (undefined outside any chart). */
function chartOf(scope: IConstruct): IConstruct | undefined {
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    if (Chart.isChart(c)) return c;
  }
  return undefined;
}

/**
 * The staged-rollout switch: ENFORCE (default) or AUDIT, settable on the whole fleet (the `Fleet`
 * or the `App`), a cluster (its chart), a namespace (`setNamespace`, or `set` on the
 * `ZeroTrustNamespace` / Namespace that declares it) or a single construct.
 *
 * Resolution for a policy emitted by construct `c` (in namespace `ns`), most specific first:
 * 1. `c`'s own `enforcement` prop, then `Enforcement.set(c, ...)`;
 * 2. the namespace: the nearest `setNamespace(scope, ns, ...)` above `c`, else a mode set on the
 *    construct that declares the Namespace object `ns` in the same chart (e.g. the ZeroTrustNamespace);
 * 3. the nearest ancestor of `c` with a mode (a mesh, the cluster chart, the fleet, the app);
 * 4. ENFORCE.
 *
 * Modes are read at synthesis, so the order of `set` calls and construct creation does not matter.
 */
export class Enforcement {
  /** Istio's annotation (value `"true"`): the AuthorizationPolicy is evaluated and logged, not enforced. */
  public static readonly ISTIO_DRY_RUN_ANNOTATION = 'istio.io/dry-run';

  /**
   * Sets the mode of a scope (fleet, cluster chart, namespace construct or single construct).
   *
   * @param scope the scope
   * @param mode ENFORCE or AUDIT
   */
  public static set(scope: IConstruct, mode: EnforcementMode): void {
    checkArgs('Enforcement.set', ['scope', scope, t.required(t.construct())], ['mode', mode, t.required(t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED))]);
    checkMode(scope.node.path, 'mode', mode);
    stateOf(scope, true).mode = mode;
    markUsed(scope);
  }

  /**
   * Sets the mode of a namespace for every construct under `scope` (usually the cluster chart, or
   * the Fleet for that namespace in every cluster): NetworkPolicies, mesh policies and the
   * guardrails' per-namespace behaviour follow it.
   *
   * @param scope where the setting applies (the chart or an ancestor)
   * @param namespace namespace name
   * @param mode ENFORCE or AUDIT
   */
  public static setNamespace(scope: IConstruct, namespace: string, mode: EnforcementMode): void {
    checkArgs('Enforcement.setNamespace', ['scope', scope, t.required(t.construct())], ['namespace', namespace, t.required(t.str())], ['mode', mode, t.required(t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED))]);
    validateDns1123Label(scope.node.path, 'namespace', namespace);
    checkMode(scope.node.path, 'mode', mode);
    const state = stateOf(scope, true);
    state.namespaces = state.namespaces ?? new Map();
    state.namespaces.set(namespace, mode);
    markUsed(scope);
  }

  /**
   * The mode set directly on `scope` (not inherited).
   *
   * @param scope the scope
   * @returns the mode, or undefined if none was set on it
   */
  public static explicit(scope: IConstruct): EnforcementMode | undefined {
    checkArgs('Enforcement.explicit', ['scope', scope, t.required(t.construct())]);
    return modeOf(scope);
  }

  /**
   * Resolves the mode of a policy emitted by `scope` (see the class doc for the order).
   *
   * @param scope the emitting construct
   * @param options its own prop and the namespace of the policy
   */
  public static resolve(scope: IConstruct, options: EnforcementLookupOptions = {}): EnforcementMode {
    checkArgs('Enforcement.resolve', ['scope', scope, t.required(t.construct())]);
    checkOptions('Enforcement.resolve', 'options', 'EnforcementLookupOptions', options, ENFORCEMENT_LOOKUP_OPTIONS, true, false);
    if (options.override !== undefined) {
      checkMode(scope.node.path, 'enforcement', options.override);
      return options.override;
    }
    if (!isUsed(scope)) {
      return EnforcementMode.ENFORCE;
    }
    const own = modeOf(scope);
    if (own !== undefined) {
      return own;
    }
    if (options.namespace !== undefined) {
      const ns = Enforcement.namespaceMode(scope, options.namespace);
      if (ns !== undefined) {
        return ns;
      }
    }
    for (let c = scope.node.scope; c; c = c.node.scope) {
      const m = modeOf(c);
      if (m !== undefined) {
        return m;
      }
    }
    return EnforcementMode.ENFORCE;
  }

  /**
   * The namespace-level mode of `namespace` as seen from `scope`, if any namespace setting applies.
   *
   * @param scope a construct in the cluster chart
   * @param namespace namespace name
   */
  public static namespaceMode(scope: IConstruct, namespace: string): EnforcementMode | undefined {
    checkArgs('Enforcement.namespaceMode', ['scope', scope, t.required(t.construct())], ['namespace', namespace, t.required(t.str())]);
    if (!isUsed(scope)) {
      return undefined;
    }
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      const m = stateOf(c)?.namespaces?.get(namespace);
      if (m !== undefined) {
        return m;
      }
    }
    const chart = chartOf(scope);
    if (!chart) {
      return undefined;
    }
    for (const decl of chart.node.findAll()) {
      if (!(decl instanceof ApiObject) || decl.kind !== 'Namespace' || decl.metadata.name !== namespace) {
        continue;
      }
      for (let c: IConstruct | undefined = decl; c && c !== chart; c = c.node.scope) {
        const m = modeOf(c);
        if (m !== undefined) {
          return m;
        }
      }
    }
    return undefined;
  }

  /**
   * The namespaces of the chart containing `scope` (declared by a Namespace object or a namespace
   * setting) whose namespace-level mode is AUDIT, sorted.
   *
   * @param scope a construct in the cluster chart
   */
  public static auditNamespaces(scope: IConstruct): string[] {
    checkArgs('Enforcement.auditNamespaces', ['scope', scope, t.required(t.construct())]);
    if (!isUsed(scope)) {
      return [];
    }
    const names = new Set<string>();
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      for (const n of stateOf(c)?.namespaces?.keys() ?? []) names.add(n);
    }
    const chart = chartOf(scope);
    for (const o of chart ? chart.node.findAll() : []) {
      if (o instanceof ApiObject && o.kind === 'Namespace' && o.metadata.name) names.add(o.metadata.name);
    }
    return Array.from(names).filter((n) => Enforcement.namespaceMode(scope, n) === EnforcementMode.AUDIT).sort();
  }

  /**
   * Records a policy that AUDIT mode holds back (called by the renderers at synthesis; the same
   * kind/namespace/name is recorded once).
   *
   * @param scope the construct that would have emitted it
   * @param policy the held-back policy
   */
  public static holdBack(scope: IConstruct, policy: HeldBackPolicy): void {
    const chart = chartOf(scope) ?? scope.node.root;
    const state = stateOf(chart, true);
    state.held = state.held ?? new Map();
    state.held.set(`${policy.kind}\0${policy.namespace}\0${policy.name}\0${policy.reason}`, policy);
  }

  /**
   * The policies held back in a chart so far (complete once the chart is synthesized), sorted by
   * namespace, kind and name.
   *
   * @param chart the cluster chart
   */
  public static heldBack(chart: IConstruct): HeldBackPolicy[] {
    checkArgs('Enforcement.heldBack', ['chart', chart, t.required(t.construct())]);
    return Array.from(stateOf(chart)?.held?.values() ?? [])
      .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
  }

  private constructor() {}
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
