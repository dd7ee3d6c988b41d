/**
 * A Polaris evaluator for tests: runs the checks of test/fixtures/polaris-checks (copied from
 * Fairwinds Polaris, Apache-2.0; SOURCES.txt there) with their default severities against a set of
 * manifests, the way `polaris audit` does:
 * - checks with a plain JSON schema (`schema`, or a `schemaString` without Go-template parts) are
 *   compiled with ajv and applied to their target: `Container` (each container; with
 *   `schemaTarget: PodSpec` the pod spec holding only that container), `PodSpec`, `PodTemplate`,
 *   `Controller` (the top-level workload, honouring `controllers.include/exclude` and
 *   `containers.exclude: initContainer`), or a `group/Kind` (Ingress, PodDisruptionBudget, HPA,
 *   ConfigMap, Role/ClusterRole, bindings);
 * - the Go-templated parts are evaluated in code here: `linuxHardening`,
 *   `metadataAndInstanceMismatched`, `hpaMaxAvailability`, and the `additionalSchemaStrings` of
 *   `automountServiceAccountToken` (ServiceAccount), `missingNetworkPolicy` (NetworkPolicy) and
 *   `missingPodDisruptionBudget` (PodDisruptionBudget): an additional schema passes when at least
 *   one object of that kind in the workload's namespace satisfies it.
 * `skippedPolarisChecks()` lists what is not evaluated (or only in part).
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import * as yaml from 'js-yaml';

const CHECKS_DIR = path.join(__dirname, '..', 'fixtures', 'polaris-checks');

export type PolarisSeverity = 'danger' | 'warning' | 'ignore';

export interface PolarisFinding {
  readonly check: string;
  readonly severity: PolarisSeverity;
  /** `Kind/namespace/name` of the object the check failed on. */
  readonly object: string;
  readonly container?: string;
  readonly message: string;
}

/** The evaluation context of one check against one object (and container). */
interface Ctx {
  readonly obj: any;
  readonly podSpec?: any;
  readonly podTemplate?: any;
  readonly container?: any;
  readonly all: any[];
}

interface LoadedCheck {
  readonly id: string;
  readonly severity: PolarisSeverity;
  /** Container, PodSpec, PodTemplate, Controller, or `group/Kind`. */
  readonly target: string;
  readonly message: string;
  readonly controllers?: { include?: string[]; exclude?: string[] };
  readonly skipInitContainers: boolean;
  /** True when the check passes. */
  readonly passes: (ctx: Ctx) => boolean;
}

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];

/**
 * Drops empty `required:` members (YAML null) so the schema compiles; keeps every other null
 * (`not: { const: null }` must stay, or `not: {}` fails every object).
 */
function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v === null || typeof v !== 'object') return v;
  const out: any = {};
  for (const [k, x] of Object.entries(v)) {
    if (!(x === null && k === 'required')) out[k] = dropNulls(x);
  }
  return out;
}

const ci = (list: string[] | undefined, cap: string) => (list ?? []).some((c) => String(c).toUpperCase() === cap);
const sameNs = (a: any, b: any) => (a.metadata?.namespace ?? '') === (b.metadata?.namespace ?? '');
const groupKind = (o: any) => `${String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : ''}/${o.kind}`;

/** Pod template (metadata + spec) of a workload manifest, or undefined. */
export function podTemplateOf(obj: any): any {
  switch (obj?.kind) {
    case 'Pod': return obj;
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return obj.spec?.template;
    default: return undefined;
  }
}

/** Pod spec of a workload manifest, or undefined. */
export function podSpecOf(obj: any): any {
  return podTemplateOf(obj)?.spec;
}

/**
 * Code for the Go-templated schemas (main schema, or the additional schema that is ANDed with
 * the plain main schema). Each returns true when the check passes.
 */
const TEMPLATED: { [id: string]: (ctx: Ctx) => boolean } = {
  linuxHardening: ({ podSpec, podTemplate, container }) => {
    const ann = podTemplate?.metadata?.annotations ?? {};
    if (ann[`container.apparmor.security.beta.kubernetes.io/${container.name}`]) return true;
    const sc = container.securityContext ?? {};
    const podSeccomp = podSpec?.securityContext?.seccompProfile?.type;
    const podSeccompGood = podSeccomp && podSeccomp !== 'Unconfined';
    const ctrSeccomp = sc.seccompProfile?.type;
    const seccomp = podSeccompGood
      ? ctrSeccomp !== 'Unconfined'
      : typeof ctrSeccomp === 'string' && ctrSeccomp.length >= 1 && ctrSeccomp !== 'Unconfined';
    const podSeLinux = podSpec?.securityContext?.seLinuxOptions;
    const seLinux = podSeLinux ? true : Object.keys(sc.seLinuxOptions ?? {}).length >= 1;
    const drop = Array.isArray(sc.capabilities?.drop) && sc.capabilities.drop.length >= 1 && !ci(sc.capabilities?.add, 'ALL');
    return seccomp || seLinux || drop;
  },
  metadataAndInstanceMismatched: ({ obj }) => obj.metadata?.labels !== undefined
    && obj.metadata.labels['app.kubernetes.io/instance'] === obj.metadata.name,
  hpaMaxAvailability: ({ obj }) => {
    const s = obj.spec ?? {};
    if (!(Number.isInteger(s.maxReplicas) && s.maxReplicas >= 1)) return false;
    if (s.minReplicas === undefined) return true;
    return Number.isInteger(s.minReplicas) && s.minReplicas >= 1 && s.maxReplicas > s.minReplicas;
  },
  // additional schema: the pod opts out, or its ServiceAccount does
  automountServiceAccountToken: ({ obj, podSpec, all }) => podSpec.automountServiceAccountToken === false
    || all.some((o) => o.kind === 'ServiceAccount' && sameNs(o, obj)
      && o.metadata?.name === (podSpec.serviceAccountName ?? '') && o.automountServiceAccountToken === false),
  // additional schema: a NetworkPolicy selecting the pods by matchLabels (exactly one of the pod's
  // labels, Polaris' `oneOf`), with ingress and egress rules, and both policyTypes if listed
  missingNetworkPolicy: ({ obj, podTemplate, all }) => {
    const labels = Object.entries(podTemplate?.metadata?.labels ?? {});
    return all.some((np) => {
      if (np.kind !== 'NetworkPolicy' || !sameNs(np, obj)) return false;
      const s = np.spec ?? {};
      const ml = s.podSelector?.matchLabels;
      if (!ml || !Array.isArray(s.egress) || s.egress.length < 1 || !Array.isArray(s.ingress) || s.ingress.length < 1) return false;
      if (s.policyTypes !== undefined && !(ci(s.policyTypes, 'EGRESS') && ci(s.policyTypes, 'INGRESS'))) return false;
      return labels.filter(([k, v]) => ml[k] === v).length === 1;
    });
  },
  // additional schema: a PodDisruptionBudget whose matchLabels matches any of the pod's labels
  missingPodDisruptionBudget: ({ obj, podTemplate, all }) => {
    const labels = Object.entries(podTemplate?.metadata?.labels ?? {});
    return all.some((pdb) => pdb.kind === 'PodDisruptionBudget' && sameNs(pdb, obj)
      && labels.some(([k, v]) => pdb.spec?.selector?.matchLabels?.[k] === v));
  },
};

/** Checks (or parts) this evaluator leaves out, with the reason. */
const NOT_EVALUATED: { [id: string]: string } = {
  pdbMinAvailableGreaterThanHPAMinReplicas: 'implemented in Go upstream, no schema',
  clusterrolebindingClusterAdmin: 'additional ClusterRole schema (templated) not evaluated',
  clusterrolebindingPodExecAttach: 'additional ClusterRole/Role schema (templated) not evaluated',
  rolebindingClusterAdminClusterRole: 'additional ClusterRole schema (templated) not evaluated',
  rolebindingClusterAdminRole: 'additional Role schema (templated) not evaluated',
  rolebindingClusterRolePodExecAttach: 'additional ClusterRole schema (templated) not evaluated',
  rolebindingRolePodExecAttach: 'additional Role schema (templated) not evaluated',
};

let loaded: LoadedCheck[] | undefined;

function load(): LoadedCheck[] {
  if (loaded) return loaded;
  const config: any = yaml.load(fs.readFileSync(path.join(CHECKS_DIR, 'config', 'default.yaml'), 'utf8'));
  const ajv = new Ajv2019({
    strict: false,
    allErrors: false,
    // Polaris patterns use Go's inline (?i) flag
    code: {
      regExp: ((pattern: string, flags: string) => new RegExp(pattern.replace(/\(\?i\)/g, ''),
        pattern.includes('(?i)') ? `${flags}i` : flags)) as any,
    },
  });
  const checks: LoadedCheck[] = [];
  for (const f of fs.readdirSync(CHECKS_DIR).filter((x) => x.endsWith('.yaml')).sort()) {
    const id = f.replace(/\.yaml$/, '');
    const def: any = yaml.load(fs.readFileSync(path.join(CHECKS_DIR, f), 'utf8'));
    let schema: any = def.schema;
    if (!schema && typeof def.schemaString === 'string' && !def.schemaString.includes('{{')) schema = yaml.load(def.schemaString);
    let plain: ((d: unknown) => boolean) | undefined;
    if (schema && !JSON.stringify(schema).includes('{{')) { // templated main schemas are in TEMPLATED
      const { $schema: _s, ...rest } = dropNulls(schema);
      plain = ajv.compile(rest) as (d: unknown) => boolean;
    }
    const code = TEMPLATED[id];
    if (!plain && !code) continue; // NOT_EVALUATED
    const viaPodSpec = def.target === 'Container' && def.schemaTarget === 'PodSpec';
    const data = (ctx: Ctx): unknown => {
      switch (def.target) {
        case 'Container': return viaPodSpec ? { ...ctx.podSpec, initContainers: [], containers: [ctx.container] } : ctx.container;
        case 'PodSpec': return ctx.podSpec;
        case 'PodTemplate': return ctx.podTemplate;
        default: return ctx.obj;
      }
    };
    checks.push({
      id,
      severity: config.checks?.[id] ?? 'warning',
      target: def.target,
      message: def.failureMessage ?? def.FailureMessage ?? id,
      controllers: def.controllers,
      skipInitContainers: (def.containers?.exclude ?? []).includes('initContainer'),
      passes: (ctx) => (plain ? plain(data(ctx)) : true) && (code ? code(ctx) : true),
    });
  }
  loaded = checks;
  return loaded;
}

/** The checks this helper does not evaluate, or evaluates only in part, as `id: reason`. */
export function skippedPolarisChecks(): string[] {
  return Object.entries(NOT_EVALUATED).map(([id, why]) => `${id}: ${why}`).sort();
}

/** Runs every Polaris check against `objs` (a whole synth output: additional schemas look at the rest). */
export function polarisFindings(objs: any[]): PolarisFinding[] {
  const out: PolarisFinding[] = [];
  for (const obj of objs) {
    const name = `${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const podTemplate = podTemplateOf(obj);
    const podSpec = podTemplate?.spec;
    const isWorkload = WORKLOAD_KINDS.includes(obj.kind) && podSpec !== undefined;
    for (const c of load()) {
      const fail = (container?: string) => out.push({
        check: c.id, severity: c.severity, object: name, message: c.message, ...(container ? { container } : {}),
      });
      if (['Container', 'PodSpec', 'PodTemplate', 'Controller'].includes(c.target)) {
        if (!isWorkload) continue;
        if (c.controllers?.include && !c.controllers.include.includes(obj.kind)) continue;
        if (c.controllers?.exclude?.includes(obj.kind)) continue;
        if (c.target === 'Container') {
          const ctrs = [...(c.skipInitContainers ? [] : podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
          for (const container of ctrs) {
            if (!c.passes({ obj, podSpec, podTemplate, container, all: objs })) fail(container.name);
          }
        } else if (!c.passes({ obj, podSpec, podTemplate, all: objs })) {
          fail();
        }
      } else if (groupKind(obj) === c.target && !c.passes({ obj, all: objs })) {
        fail();
      }
    }
  }
  return out;
}

/**
 * The distinct failing checks on one object (`Kind/namespace/name`), sorted by check id:
 * the form a test lists exactly.
 */
export function polarisChecksOf(objs: any[], object: string): Array<{ check: string; severity: PolarisSeverity }> {
  const seen = new Map<string, PolarisSeverity>();
  for (const f of polarisFindings(objs)) if (f.object === object) seen.set(f.check, f.severity);
  return Array.from(seen.entries()).sort(([a], [b]) => a.localeCompare(b)).map(([check, severity]) => ({ check, severity }));
}
