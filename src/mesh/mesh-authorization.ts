import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { RenderedRule, selectorOf, sortedLabels, trustDomains } from './internal';
import { MeshRuleProps } from './mesh-rule';
import { MESH_AUTHORIZATION_PROPS, MESH_POLICY_OPTIONS } from './props-specs';
import { RenderedAuthorizationPolicy } from './rendered-authorization-policy';
import { renderMeshRule } from './rule-render';
import { EnforcementMode } from '../core/enforcement';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Label, validateDns1123Subdomain, validateLabels } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Enforcement } from '../flows/enforcement';
import { AuthorizationPolicySpec, AuthorizationPolicySpecAction } from '../imports/security.istio.io';

/**
 * The action of a mesh authorization policy.
 */
export enum MeshAction {
  /** Requests matching a rule are allowed (if no DENY policy matches). */
  ALLOW = 'ALLOW',
  /** Requests matching a rule are denied (evaluated before ALLOW). */
  DENY = 'DENY',
  /** Requests matching a rule are audited (logged by an audit provider); no effect on access. */
  AUDIT = 'AUDIT',
}

/** The CRD's action for each of ours. */
const CRD_ACTION: Record<MeshAction, AuthorizationPolicySpecAction> = {
  [MeshAction.ALLOW]: AuthorizationPolicySpecAction.ALLOW,
  [MeshAction.DENY]: AuthorizationPolicySpecAction.DENY,
  [MeshAction.AUDIT]: AuthorizationPolicySpecAction.AUDIT,
};

/**
 * Properties of a {@link MeshAuthorization}.
 */
export interface MeshAuthorizationProps {
  /**
   * The namespace whose workloads the policies protect.
   */
  readonly namespace: string;

  /**
   * The mesh trust domain (principals are `<trust-domain>/ns/<ns>/sa/<sa>`).
   *
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;

  /**
   * Other trust domains the mesh accepts for the same identities (e.g. during a trust-domain
   * migration): every identity principal is also rendered with each alias.
   *
   * @default - none
   */
  readonly trustDomainAliases?: string[];

  /**
   * Add the allow-nothing policy (`allow-nothing`, an ALLOW policy without rules) that denies
   * every request to a sidecar of the namespace unless another ALLOW policy matches it.
   *
   * @default true
   */
  readonly allowNothing?: boolean;

  /**
   * The staged-rollout mode of this namespace's AuthorizationPolicies (AUDIT: each carries
   * `istio.io/dry-run: "true"`, evaluated and logged, not enforced). Wins over the namespace's
   * and the mesh's modes.
   *
   * @default - resolved from the scopes (namespace, mesh, chart, fleet), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;
}

/**
 * Options of one policy of a {@link MeshAuthorization}.
 */
export interface MeshPolicyOptions {
  /**
   * The workload the policy applies to (its selector labels).
   *
   * @default - every workload of the namespace (unless `podLabels`)
   */
  readonly workload?: kplus.AbstractPod;

  /**
   * Labels of the pods the policy applies to (exclusive with `workload`).
   *
   * @default - every workload of the namespace (unless `workload`)
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * The rules (any one matching makes the policy match). Must not be empty.
   */
  readonly rules: MeshRuleProps[];

  /**
   * Accept ALLOW rules that admit every request: no `from` (or only IP blocks covering every
   * address) and no restriction on `to` beyond `paths: ['*']` or `notPaths`. Such a rule
   * undoes deny-by-default for the selected workloads, so it must be asked for.
   *
   * @default false
   */
  readonly allowEveryRequest?: boolean;
}

/** A policy of the namespace. */
interface PolicyEntry {
  readonly name: string;
  readonly action: MeshAction;
  readonly selector?: { [key: string]: string };
  readonly rules?: RenderedRule[];
}

/**
 * Istio authorization of one namespace, deny by default: an allow-nothing AuthorizationPolicy,
 * then typed ALLOW, DENY and AUDIT policies. Principals are derived from workload identities and
 * the trust domain, never typed by hand.
 *
 * Istio evaluates DENY policies first, then ALLOW: a request to a sidecar of this namespace is
 * allowed only if no DENY policy matches and some ALLOW policy matches. Principals and namespaces
 * need mTLS (STRICT), see `MtlsMesh`.
 */
export class MeshAuthorization extends Construct {
  /** The namespace. */
  public readonly namespace: string;

  /** The trust domain, then its aliases (sorted). */
  public readonly trustDomains: string[];

  private readonly policies = new Map<string, PolicyEntry>();

  /**
   * @param scope parent
   * @param id construct id
   * @param props namespace, trust domain
   */
  constructor(scope: Construct, id: string, props: MeshAuthorizationProps) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'MeshAuthorizationProps', props, MESH_AUTHORIZATION_PROPS);
    if (props === undefined || props === null) {
      fail(path, 'props', props, 'MeshAuthorizationProps with a namespace');
    }
    validateDns1123Label(path, 'namespace', props.namespace);
    this.namespace = props.namespace;
    this.trustDomains = trustDomains(path, props.trustDomain ?? 'cluster.local', props.trustDomainAliases);
    if (props.enforcement !== undefined) {
      if (!Object.values(EnforcementMode).includes(props.enforcement)) {
        fail(path, 'enforcement', props.enforcement, 'EnforcementMode.ENFORCE (Enforce) or EnforcementMode.AUDIT (Audit)');
      }
      Enforcement.set(this, props.enforcement);
    }
    if (props.allowNothing ?? true) {
      this.add('allow-nothing', MeshAction.ALLOW, undefined, undefined);
    }
  }

  /**
   * Adds an ALLOW policy.
   *
   * @param name policy name (DNS-1123 subdomain, unique in the namespace)
   * @param options workload and rules
   */
  public allow(name: string, options: MeshPolicyOptions): void {
    this.addPolicy(name, MeshAction.ALLOW, options);
  }

  /**
   * Adds a DENY policy (evaluated before any ALLOW policy).
   *
   * @param name policy name (DNS-1123 subdomain, unique in the namespace)
   * @param options workload and rules
   */
  public deny(name: string, options: MeshPolicyOptions): void {
    this.addPolicy(name, MeshAction.DENY, options);
  }

  /**
   * Adds an AUDIT policy (needs an audit provider in the mesh; does not change access).
   *
   * @param name policy name (DNS-1123 subdomain, unique in the namespace)
   * @param options workload and rules
   */
  public audit(name: string, options: MeshPolicyOptions): void {
    this.addPolicy(name, MeshAction.AUDIT, options);
  }

  /**
   * Adds a policy.
   *
   * @param name policy name
   * @param action ALLOW, DENY or AUDIT
   * @param options workload and rules
   */
  public addPolicy(name: string, action: MeshAction, options: MeshPolicyOptions): void {
    const path = this.node.path;
    checkOptions(path, 'options', 'MeshPolicyOptions', options, MESH_POLICY_OPTIONS, false, false);
    validateDns1123Subdomain(path, 'name', name);
    if (![MeshAction.ALLOW, MeshAction.DENY, MeshAction.AUDIT].includes(action)) {
      fail(path, 'action', action, 'ALLOW, DENY or AUDIT');
    }
    if (options === undefined || options === null) {
      fail(path, 'options', options, 'policy options with rules');
    }
    if (options.workload !== undefined && options.podLabels !== undefined) {
      fail(path, 'podLabels', options.podLabels, 'either workload or podLabels, not both');
    }
    let selector: { [key: string]: string } | undefined;
    if (options.workload !== undefined) {
      selector = selectorOf(options.workload);
    } else if (options.podLabels !== undefined) {
      validateLabels(path, 'podLabels', options.podLabels);
      selector = Object.keys(options.podLabels).length > 0 ? sortedLabels(options.podLabels) : undefined;
    }
    if (!Array.isArray(options.rules) || options.rules.length === 0) {
      fail(path, 'rules', options.rules,
        'a non-empty list of rules (an ALLOW policy without rules allows nothing: that is the allow-nothing policy, already there)');
    }
    const rules = options.rules.map((r, i) => renderMeshRule(path, `rules[${i}]`, r, this.trustDomains,
      action !== MeshAction.ALLOW || options.allowEveryRequest === true));
    this.add(name, action, selector, rules);
  }

  /** Policy names, sorted. */
  public get policyNames(): string[] {
    return Array.from(this.policies.keys()).sort();
  }

  /**
   * Adds an already rendered policy (used by the flow renderer).
   *
   * @internal
   */
  public _addRendered(name: string, action: MeshAction, selector: { [key: string]: string } | undefined, rules: RenderedRule[]): void {
    this.add(name, action, selector, rules);
  }

  private add(name: string, action: MeshAction, selector: { [key: string]: string } | undefined, rules: RenderedRule[] | undefined): void {
    if (this.policies.has(name)) {
      fail(this.node.path, 'name', name, `a policy name not yet used in namespace ${this.namespace}`);
    }
    const entry: PolicyEntry = { name, action, selector, rules };
    this.policies.set(name, entry);
    const spec: AuthorizationPolicySpec = {
      selector: selector === undefined ? undefined : { matchLabels: selector },
      // ALLOW is the default: not written
      action: action === MeshAction.ALLOW ? undefined : CRD_ACTION[action],
      rules,
    };
    const policy = new RenderedAuthorizationPolicy(this, `${action.toLowerCase()}-${name}`, {
      metadata: { name, namespace: this.namespace },
      spec,
    });
    // staged rollout (resolved at synthesis): AUDIT = Istio dry-run, evaluated and logged, not enforced
    policy.metadata.addAnnotation(Enforcement.ISTIO_DRY_RUN_ANNOTATION, Lazy.any({
      produce: () => (Enforcement.resolve(this, { namespace: this.namespace }) === EnforcementMode.AUDIT ? 'true' : undefined),
    }) as unknown as string);
  }
}
