import { AnalysisError } from './analysis-error';
import { LoadedObject } from './documents';
import { INPUT_SCHEMAS } from './input-schemas';
import { TIER_KINDS } from './tiers';

/** Kinds without a namespace (a duplicate is the same name, whatever `metadata.namespace` says). */
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterPolicy',
  'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass', 'ClusterIssuer', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);
const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);
const MAX_ERRORS = 20;
/** Policy kinds whose apiVersion must be one the analyzer reads (another one is an error naming the valid ones). */
const ANALYSED_POLICY_KINDS = ['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication', ...TIER_KINDS.map((k) => k.split('/').pop()!)];

function kindGroup(o: any): string {
  const v = String(o.apiVersion ?? '');
  return `${v.includes('/') ? v.split('/')[0] : ''}/${o.kind}`;
}

function describe(o: any): string {
  const md = o.metadata ?? {};
  return `${o.kind} ${md.namespace && !CLUSTER_SCOPED.has(o.kind) ? `${md.namespace}/` : ''}${md.name ?? '(no name)'}`;
}

/** Kubernetes `List`s (`kind: List` or `XxxList` with `items`) become their items (internal). */
export function flattenLists(objects: LoadedObject[]): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const { obj, origin } of objects) {
    const kind = String(obj.kind ?? '');
    if (Array.isArray(obj.items) && (kind === 'List' || kind.endsWith('List') || !kind)) {
      const itemKind = kind.endsWith('List') && kind !== 'List' ? kind.slice(0, -4) : undefined;
      const items = obj.items.map((it: any, i: number) => ({
        obj: it && typeof it === 'object' && !it.kind && itemKind ? { ...it, kind: itemKind } : it,
        origin: `${origin} items[${i}]`,
      }));
      out.push(...flattenLists(items.filter((x: LoadedObject) => x.obj && typeof x.obj === 'object')));
    } else {
      out.push({ obj, origin });
    }
  }
  return out;
}

/** Throws if two objects have the same group, kind, namespace and name, naming both origins (internal). */
export function checkDuplicates(objects: LoadedObject[]): void {
  const seen = new Map<string, string>();
  for (const { obj, origin } of objects) {
    const name = obj.metadata?.name;
    if (!obj.kind || name === undefined) continue;
    const ns = CLUSTER_SCOPED.has(obj.kind) ? '' : obj.metadata?.namespace ?? 'default';
    const key = `${kindGroup(obj)}\0${ns}\0${name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new AnalysisError(`${describe({ ...obj, metadata: { ...obj.metadata, namespace: ns } })} is defined twice: in ${first} and in ${origin} `
        + '(the second would replace the first at apply; if they are two clusters, analyse each cluster\'s folder on its own, '
        + 'or give --cluster-per-file when each file is one cluster, as cdk8s synth writes a fleet)');
    }
    seen.set(key, origin);
  }
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

const EXPECTED: { [t: string]: string } = {
  'object': 'a mapping',
  'array': 'a list',
  'string': 'a string',
  'integer': 'an integer',
  'number': 'a number',
  'boolean': 'a boolean (true or false)',
  'int-or-string': 'an integer or a string',
};

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object': return typeof v === 'object' && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
    case 'int-or-string': return Number.isInteger(v) || typeof v === 'string';
    default: return true;
  }
}

/** Structural check of `v` against a generated schema node; pushes `field: problem` lines. */
function check(node: any, v: unknown, field: string, errs: string[]): void {
  if (v === null || v === undefined || node.t === 'any' || errs.length >= MAX_ERRORS) return;
  if (!typeOk(node.t, v)) { errs.push(`field ${field}: expected ${EXPECTED[node.t] ?? node.t}, got ${typeName(v)}`); return; }
  if (node.e && !node.e.includes(String(v))) { errs.push(`field ${field}: invalid value ${JSON.stringify(v)} (valid: ${node.e.join(', ')})`); return; }
  if (node.t === 'array') { (v as unknown[]).forEach((x, i) => check(node.i, x, `${field}[${i}]`, errs)); return; }
  if (node.t !== 'object') return;
  for (const [k, x] of Object.entries(v as object)) {
    const sub = node.p ? node.p[k] : node.m;
    const f = field ? `${field}.${k}` : k;
    if (sub) check(sub, x, f, errs);
    else errs.push(`field ${f}: unknown field (valid: ${Object.keys(node.p ?? {}).join(', ')})`);
  }
}

function templateLabels(o: any): [string, any] | undefined {
  if (o.kind === 'Pod') return undefined;
  if (o.kind === 'CronJob') return ['spec.jobTemplate.spec.template.metadata.labels', o.spec?.jobTemplate?.spec?.template?.metadata?.labels];
  return ['spec.template.metadata.labels', o.spec?.template?.metadata?.labels];
}

/** The problems of one object: schema (strict) and the shapes the analyzer cannot read (always). */
function problemsOf(o: any, strict: boolean): string[] {
  const errs: string[] = [];
  const schema = INPUT_SCHEMAS[`${o.apiVersion}/${o.kind}`];
  if (o.spec !== undefined && o.spec !== null && (typeof o.spec !== 'object' || Array.isArray(o.spec)) && (schema || WORKLOADS.has(o.kind))) {
    errs.push(`field spec: expected a mapping, got ${typeName(o.spec)}`);
  }
  if (!strict) return errs;
  // status is the server's (ignored on apply; v1.27 still served NetworkPolicy.status)
  const { status: _status, ...checked } = o;
  if (schema) check(schema, checked, '', errs);
  else check({ t: 'object', m: { t: 'string' } }, o.metadata?.labels, 'metadata.labels', errs);
  const tl = WORKLOADS.has(o.kind) && !errs.length ? templateLabels(o) : undefined;
  if (tl) check({ t: 'object', m: { t: 'string' } }, tl[1], tl[0], errs);
  if (!schema && ANALYSED_POLICY_KINDS.includes(o.kind) && (o.kind === 'NetworkPolicy' || String(o.apiVersion ?? '').startsWith('policy.networking.k8s.io/')
    || String(o.apiVersion ?? '').startsWith('security.istio.io/'))) {
    const valid = Object.keys(INPUT_SCHEMAS).filter((k) => k.endsWith(`/${o.kind}`)).map((k) => k.slice(0, -o.kind.length - 1));
    errs.push(`field apiVersion: ${JSON.stringify(o.apiVersion)} does not serve ${o.kind} (valid: ${valid.join(', ')})`);
  }
  return errs;
}

/** Policy kinds that change reachability but that the analyzer does not evaluate (CNI-specific ones). */
const NOT_ANALYSED: { [group: string]: string[] } = {
  'projectcalico.org': ['NetworkPolicy', 'GlobalNetworkPolicy'],
  'cilium.io': ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'],
};

/**
 * The objects that change what can connect but that the analysis would ignore (CNI-specific
 * policies), as `origin: Kind name` lines (internal). The cluster-wide tiers of the Network Policy
 * API (AdminNetworkPolicy, BaselineAdminNetworkPolicy v1alpha1, ClusterNetworkPolicy v1alpha2)
 * are analysed; other versions of those kinds are refused by the input check.
 */
export function unanalysedPolicies(objects: LoadedObject[]): string[] {
  return objects.filter(({ obj }) => (NOT_ANALYSED[String(obj.apiVersion ?? '').split('/')[0]] ?? []).includes(obj.kind))
    .map(({ obj, origin }) => `${origin}: ${describe(obj)} (${obj.apiVersion})`);
}

/**
 * Checks the objects the analyzer reads as `kubectl apply` (strict field validation) would: with
 * `strict`, unknown fields and wrong types in NetworkPolicies, Ingresses, Services, Namespaces,
 * Istio AuthorizationPolicies, PeerAuthentications and Gateways, and the Network Policy API's
 * AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies (standard-channel CRDs), and non-string labels anywhere;
 * always, a `spec` that is not a mapping. Throws one error listing every problem with its file,
 * object and field (internal).
 */
export function checkInput(objects: LoadedObject[], strict: boolean): void {
  const lines: string[] = [];
  for (const { obj, origin } of objects) {
    for (const p of problemsOf(obj, strict)) lines.push(`${origin}: ${describe(obj)}: ${p}`);
    if (lines.length >= MAX_ERRORS) break;
  }
  if (lines.length) {
    const more = lines.length >= MAX_ERRORS ? `\n(first ${MAX_ERRORS} problems shown)` : '';
    const hint = strict ? '\n(kubectl apply would refuse these objects; --lenient analyses them anyway, ignoring unknown fields)' : '';
    throw new AnalysisError(`invalid input:\n  ${lines.slice(0, MAX_ERRORS).join('\n  ')}${more}${hint}`);
  }
}
