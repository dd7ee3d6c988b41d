import { ErrorObject, ValidateFunction } from 'ajv';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { CrdIndex, CrdVersion, crdVersionsOf } from './crd-index';
import { K8sSchema } from './k8s-schema';
import {
  CLUSTER_SCOPED_KINDS, checkDns1123Label, checkLabelValue, checkObjectName, checkQualifiedName, checkDns1123Subdomain,
} from './meta-rules';
import { K8S_VERSIONS } from './paths';
import { workerCached } from './worker-cache';
import { stringifyYaml } from '../../src/core/yaml-writer';

/** One problem found in one object. */
export interface ValidationIssue {
  /** `Kind/namespace/name` (`Kind/name` when the object has no namespace). */
  readonly object: string;
  /** Dotted path inside the object, e.g. `.spec.template.spec.containers[0].ports`; '' for the object itself. */
  readonly path: string;
  /** What is wrong, naming the Kubernetes version(s) when the problem comes from the API schema. */
  readonly message: string;
}

/** Options of validateObjects(). */
export interface ValidateOptions {
  /** Kubernetes versions to validate built-in kinds against. @default ['1.27', '1.33'] */
  readonly versions?: string[];
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function objectId(o: any): string {
  const kind = o?.kind ?? '<no kind>';
  const name = o?.metadata?.name ?? o?.metadata?.generateName ?? '<no name>';
  const ns = o?.metadata?.namespace;
  return ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`;
}

function toDotted(instancePath: string): string {
  if (!instancePath) return '';
  return instancePath.split('/').slice(1).map((seg) => {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }).join('');
}

function valueAt(obj: any, instancePath: string): any {
  let cur = obj;
  for (const seg of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function short(v: any): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Ajv errors → [path, message], dropping the per-branch noise of a failed oneOf/anyOf. */
function ajvIssues(errors: ErrorObject[] | null | undefined, obj: any, base = ''): Array<[string, string]> {
  const errs = errors ?? [];
  const combinators = errs.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const out: Array<[string, string]> = [];
  for (const e of errs) {
    if (combinators.some((c) => c !== e && e.instancePath === c.instancePath && e.schemaPath.startsWith(c.schemaPath + '/'))) continue;
    const p = base + toDotted(e.instancePath);
    const got = valueAt(obj, e.instancePath);
    switch (e.keyword) {
      case 'additionalProperties':
        out.push([`${p}.${(e.params as any).additionalProperty}`, `unknown field "${(e.params as any).additionalProperty}"`]);
        break;
      case 'required':
        out.push([`${p}.${(e.params as any).missingProperty}`, 'Required value']);
        break;
      case 'enum':
        out.push([p, `Unsupported value: ${short(got)}: supported values: ${(e.params as any).allowedValues.map((x: any) => JSON.stringify(x)).join(', ')}`]);
        break;
      case 'x-kubernetes-validations':
        out.push([p, `Invalid value: ${short(got)}: ${e.message}`]);
        break;
      default:
        out.push([p, `Invalid value: ${short(got)}: ${e.message}`]);
    }
  }
  return out;
}

function checkLabelMap(labels: any, path: string, push: (path: string, msg: string) => void): void {
  if (labels === null || typeof labels !== 'object') return;
  for (const [k, v] of Object.entries(labels)) {
    const ek = checkQualifiedName(k);
    if (ek) push(`${path}[${JSON.stringify(k)}]`, `Invalid label key ${JSON.stringify(k)}: ${ek}`);
    const ev = checkLabelValue(v);
    if (ev) push(`${path}[${JSON.stringify(k)}]`, `Invalid label value ${short(v)}: ${ev}`);
  }
}

/** Name, namespace, labels and annotations as the API server's ObjectMeta validation checks them. */
function checkMetadata(o: any, namespaced: boolean, push: (path: string, msg: string) => void): void {
  const md = o.metadata;
  if (md === null || typeof md !== 'object') { push('.metadata', 'Required value'); return; }
  if (md.name === undefined && md.generateName === undefined) push('.metadata.name', 'Required value: name or generateName is required');
  if (typeof md.name === 'string') {
    const e = o.kind === 'CustomResourceDefinition' ? checkDns1123Subdomain(md.name) : checkObjectName(o.apiVersion, o.kind, md.name);
    if (e) push('.metadata.name', `Invalid value: ${JSON.stringify(md.name)}: ${e}`);
  }
  if (md.namespace !== undefined) {
    if (!namespaced) {push('.metadata.namespace', `Forbidden: not allowed on cluster-scoped ${o.kind} (got ${JSON.stringify(md.namespace)})`);} else if (typeof md.namespace === 'string') {
      const e = checkDns1123Label(md.namespace);
      if (e) push('.metadata.namespace', `Invalid value: ${JSON.stringify(md.namespace)}: ${e}`);
    }
  }
  checkLabelMap(md.labels, '.metadata.labels', push);
  if (md.annotations && typeof md.annotations === 'object') {
    let size = 0;
    for (const [k, v] of Object.entries(md.annotations)) {
      const ek = checkQualifiedName(k);
      if (ek) push(`.metadata.annotations[${JSON.stringify(k)}]`, `Invalid annotation key ${JSON.stringify(k)}: ${ek}`);
      size += k.length + String(v).length;
    }
    if (size > MAX_ANNOTATIONS_BYTES) push('.metadata.annotations', `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes (got ${size})`);
  }
}

/** Nested label maps of built-in objects: pod template labels and label selectors' matchLabels. */
function checkNestedLabels(node: any, path: string, push: (path: string, msg: string) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) { node.forEach((x, i) => checkNestedLabels(x, `${path}[${i}]`, push)); return; }
  for (const [k, v] of Object.entries(node)) {
    const p = `${path}.${k}`;
    if (k === 'matchLabels') checkLabelMap(v, p, push);
    else if (k === 'metadata' && path !== '' && v && typeof v === 'object') checkLabelMap((v as any).labels, `${p}.labels`, push);
    checkNestedLabels(v, p, push);
  }
}

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** Error text, or undefined if `k` is a valid ConfigMap / Secret data key (IsConfigMapKey). */
function checkConfigMapKey(k: string): string | undefined {
  if (k.length > 253) return `must be no more than 253 characters (got ${k.length})`;
  if (!CONFIG_MAP_KEY.test(k)) return 'a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (regex [-._a-zA-Z0-9]+)';
  if (k === '.') return 'must not be \'.\'';
  if (k === '..') return 'must not be \'..\'';
  if (k.startsWith('..')) return 'must not start with \'..\'';
  return undefined;
}

/** ConfigMap data/binaryData and Secret data/stringData keys, as ValidateConfigMap / ValidateSecret check them. */
function checkDataKeys(o: any, push: (path: string, msg: string) => void): void {
  const fields = o.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
  for (const f of fields) {
    const m = o[f];
    if (m === null || typeof m !== 'object') continue;
    for (const k of Object.keys(m)) {
      const e = checkConfigMapKey(k);
      if (e) push(`.${f}[${JSON.stringify(k)}]`, `Invalid value: ${JSON.stringify(k)}: ${e}`);
    }
  }
  if (o.kind === 'ConfigMap' && o.data && o.binaryData && typeof o.data === 'object' && typeof o.binaryData === 'object') {
    for (const k of Object.keys(o.data)) {
      if (k in o.binaryData) push(`.data[${JSON.stringify(k)}]`, `Invalid value: ${JSON.stringify(k)}: duplicate of key present in binaryData`);
    }
  }
}

/** A CRD's own checks: name is `<plural>.<group>`, and its schemas are structural (every node typed). */
function checkCrdObject(o: any, push: (path: string, msg: string) => void): void {
  const spec = o.spec ?? {};
  const expected = `${spec.names?.plural}.${spec.group}`;
  if (o.metadata?.name !== expected) push('.metadata.name', `Invalid value: ${JSON.stringify(o.metadata?.name)}: must be spec.names.plural + "." + spec.group (${JSON.stringify(expected)})`);
  (spec.versions ?? []).forEach((v: any, i: number) => {
    const walk = (s: any, p: string, root: boolean) => {
      if (!s || typeof s !== 'object') return;
      if (s.type === undefined && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) {
        push(p, 'Required value: must not be empty for specified object fields (structural schema needs a type)');
      }
      if (root && s.type !== 'object') push(`${p}.type`, 'Unsupported value: the root of a CRD schema must be type: object');
      for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, `${p}.properties.${k}`, false);
      if (s.items && typeof s.items === 'object') walk(s.items, `${p}.items`, false);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${p}.additionalProperties`, false);
    };
    if (!v.schema?.openAPIV3Schema) push(`.spec.versions[${i}].schema.openAPIV3Schema`, 'Required value: schemas are required');
    else walk(v.schema.openAPIV3Schema, `.spec.versions[${i}].schema.openAPIV3Schema`, true);
  });
}

// validators for CRDs found in a validateObjects() call, keyed by the CRD's JSON (tests re-synthesize the same CRDs)
const inCallValidators = workerCached('crd-index/in-call', () => new Map<string, { index: CrdIndex }>());

function inCallIndex(objs: any[]): CrdIndex | undefined {
  const crds = objs.filter((o) => o && o.kind === 'CustomResourceDefinition' && String(o.apiVersion).startsWith('apiextensions.k8s.io/'));
  if (crds.length === 0) return undefined;
  const key = JSON.stringify(crds);
  let hit = inCallValidators.get(key);
  if (!hit) {
    const index = new CrdIndex();
    index.add(crdVersionsOf(crds, 'in-call'));
    hit = { index };
    inCallValidators.set(key, hit);
  }
  return hit.index;
}

/**
 * Validate Kubernetes objects as the API server (with strict field validation) would:
 * built-in kinds against the Kubernetes 1.27 and 1.33 API schemas (both must accept them), custom
 * resources against the openAPIV3Schema of the exact CRD version (from crds/ or from a
 * CustomResourceDefinition among `objs`), metadata by Kubernetes name/label rules. An unknown
 * field, an unknown kind or an API missing from one version is an error.
 * @returns every problem found (empty if all objects are valid)
 */
export function validateObjects(objs: any[], opts: ValidateOptions = {}): ValidationIssue[] {
  const versions = opts.versions ?? K8S_VERSIONS;
  const issues: ValidationIssue[] = [];
  const local = inCallIndex(objs);
  const repo = CrdIndex.repo();

  objs.forEach((o, i) => {
    const id = o && typeof o === 'object' ? objectId(o) : `<object #${i}>`;
    const push = (path: string, message: string) => issues.push({ object: id, path, message });
    if (o === null || typeof o !== 'object' || Array.isArray(o)) { push('', `not an object: ${short(o)}`); return; }
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') { push('', 'apiVersion and kind are required strings'); return; }
    // our YAML writer (Fleet, HelmChart, PolicySplit) must write what cdk8s writes, for every object
    const cdk8sYaml = Yaml.stringify(o);
    if (stringifyYaml([o], (d) => Yaml.stringify(d)) !== cdk8sYaml) push('', 'src/core/yaml-writer.ts writes other bytes than cdk8s Yaml.stringify for this object');

    const served = versions.map((v) => ({ v, schema: K8sSchema.of(v), def: K8sSchema.of(v).definitionOf(o.apiVersion, o.kind) }));
    if (served.some((s) => s.def)) {
      const byIssue = new Map<string, string[]>();
      for (const s of served) {
        if (!s.def) { push('', `${o.apiVersion} ${o.kind} is not served by Kubernetes ${s.v}`); continue; }
        const validate = s.schema.validator(s.def);
        validate(o);
        for (const [p, m] of ajvIssues(validate.errors, o)) {
          const k = JSON.stringify([p, m]);
          byIssue.set(k, [...(byIssue.get(k) ?? []), s.v]);
        }
      }
      for (const [k, vs] of byIssue) { const [p, m] = JSON.parse(k); push(p, `${m} (Kubernetes ${vs.join(', ')})`); }
      checkMetadata(o, !CLUSTER_SCOPED_KINDS.has(o.kind), push);
      checkNestedLabels({ ...o, metadata: undefined }, '', push);
      if (o.kind === 'CustomResourceDefinition' && o.apiVersion === 'apiextensions.k8s.io/v1') checkCrdObject(o, push);
      if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && o.apiVersion === 'v1') checkDataKeys(o, push);
      return;
    }

    const crd: CrdVersion | undefined = local?.lookup(o.apiVersion, o.kind) ?? repo.lookup(o.apiVersion, o.kind);
    if (!crd) {
      push('', `unknown apiVersion/kind ${o.apiVersion} ${o.kind}: not in the Kubernetes ${versions.join('/')} API and no CRD for it in crds/ or among the validated objects`);
      return;
    }
    const validate: ValidateFunction = (local?.lookup(o.apiVersion, o.kind) ? local : repo).validator(crd);
    const copy = JSON.parse(JSON.stringify(o)); // defaults are applied to the copy
    validate(copy);
    for (const [p, m] of ajvIssues(validate.errors, copy)) push(p, `${m} (CRD ${crd.crdName} ${crd.version})`);
    const meta = K8sSchema.of(versions[versions.length - 1]).validator(OBJECT_META);
    if (o.metadata !== undefined) {
      meta(o.metadata);
      for (const [p, m] of ajvIssues(meta.errors, o.metadata, '.metadata')) push(p, m);
    }
    checkMetadata(o, crd.namespaced, push);
  });
  return issues;
}

/** The same as validateObjects() (the name CONTRIBUTING.md uses). */
export const validateManifests = validateObjects;

/** Human-readable listing of issues, one per line. */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((e) => `  ${e.object} ${e.path || '(object)'}: ${e.message}`).join('\n');
}

/** Throw (failing the test) with every problem listed unless all objects are valid. */
export function expectValid(objs: any[], opts?: ValidateOptions): void {
  const issues = validateObjects(objs, opts);
  if (issues.length > 0) throw new Error(`${issues.length} schema validation error(s):\n${formatIssues(issues)}`);
}

/**
 * Throw unless validating `obj` (one object, or a list validated together) yields an issue whose
 * `path: message` contains `fragment`. Returns all issues found.
 */
export function expectInvalid(obj: any, fragment: string, opts?: ValidateOptions): ValidationIssue[] {
  const issues = validateObjects(Array.isArray(obj) ? obj : [obj], opts);
  if (!issues.some((e) => `${e.path}: ${e.message}`.includes(fragment))) {
    throw new Error(`expected a validation error containing ${JSON.stringify(fragment)}, got ${issues.length === 0 ? 'none' : `:\n${formatIssues(issues)}`}`);
  }
  return issues;
}

/**
 * Synthesize a Chart (Testing.synth) or an App (every chart's toJson(), in order), assert every
 * object is valid (expectValid) and return the objects.
 */
export function synthAndValidate(chartOrApp: Chart | App, opts?: ValidateOptions): any[] {
  // one chart is one apply unit (one cluster in a fleet): two objects with one identity in it is an error
  const perChart = Chart.isChart(chartOrApp) ? [Testing.synth(chartOrApp)] : (chartOrApp as App).charts.map((c) => c.toJson());
  const objs = perChart.flat();
  const issues = [...validateObjects(objs, opts), ...perChart.flatMap(duplicateIssues)];
  if (issues.length > 0) throw new Error(`${issues.length} schema validation error(s):\n${formatIssues(issues)}`);
  return objs;
}

/**
 * Objects of one apply unit that share an identity (API group, kind, namespace, name): the API
 * server keeps one of them (create fails, apply overwrites), so the output silently loses one.
 */
export function duplicateIssues(objs: any[]): ValidationIssue[] {
  const seen = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  objs.forEach((o, i) => {
    if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string') return;
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const key = JSON.stringify([group, o.kind, o.metadata.namespace ?? '', o.metadata.name]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else issues.push({ object: objectId(o), path: '', message: `duplicate object: same group, kind, namespace and name as object #${first} (the API server keeps only one)` });
  });
  return issues;
}
