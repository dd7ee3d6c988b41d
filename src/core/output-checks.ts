/**
 * Checks of a chart's output (internal): what no single construct can see.
 *
 * - two objects with one identity (API group, kind, namespace, name): the API server keeps one
 *   (create fails, apply overwrites), so the output silently loses the other;
 * - an object over the size the API server stores;
 * - annotation keys the API server refuses and annotations over its total size limit.
 *
 * Run as a chart validation (src/flows/chart-checks.ts) or, by a writer that has the output at
 * hand (Fleet, HelmChart), on that output. Plain TypeScript: the caller locates objects.
 */
import { ApplyMethod, applyMethodOf } from './apply-method';
import { Names } from './names';
import { MAX_ANNOTATION_BYTES } from './props-check';
import { fail, LABEL_KEY_EXPECTED } from './validate';

/**
 * Largest object (JSON bytes) we emit. etcd refuses requests over 1.5 MiB (`--max-request-bytes`
 * default 1572864) and the API server answers "etcdserver: request is too large"; objects are
 * stored as protobuf (smaller than JSON), but a client-side `kubectl apply` adds a copy of the
 * object as an annotation, so the JSON size is the honest bound.
 */
export const MAX_OBJECT_BYTES = 1_572_864;

export { MAX_ANNOTATION_BYTES };

/**
 * The annotation client-side `kubectl apply` (and Argo CD's default sync) copies the object into,
 * as compact JSON: it counts against the API server's {@link MAX_ANNOTATION_BYTES} limit on all
 * of an object's annotations.
 */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The identity the API server keys objects by, from an object's parts. */
export function identityOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return `${group}/${kind} ${namespace ?? ''}/${name}`;
}

/** True if a rendered object has an identity (an apiVersion and a name). */
function identifiable(o: any): boolean {
  return o !== null && typeof o === 'object' && typeof o.apiVersion === 'string' && typeof o.metadata?.name === 'string';
}

/** The identity of a rendered object (undefined without apiVersion or name). */
export function identity(o: any): string | undefined {
  return identifiable(o) ? identityOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name) : undefined;
}

/** The fields of an ApiObject that make its identity. */
interface ObjectFields {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly namespace?: string };
  readonly name: string;
}

/** The identity of the object an ApiObject renders, from its fields. */
export function identityOfObject(o: ObjectFields): string {
  return identityOf(o.apiVersion, o.kind, o.metadata.namespace, o.name);
}

function describe(o: any): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns === undefined ? '' : `${ns}/`}${o.metadata?.name}`;
}

/** Where the objects of an output come from. */
export interface OutputLocator {
  /** The path of the whole output (the chart). */
  readonly path: string;
  /** The chart (its `ChartApplyMethod`); undefined: client-side apply. */
  readonly chart?: object;
  /** The construct paths of the objects with this identity (for an error only). */
  pathsOf(id: string): string[];
}

/** An object of a group of {@link checkDuplicates}, with its identity once computed. */
interface Seen {
  readonly o: any;
  id?: string;
}

function checkDuplicates(at: OutputLocator, objs: any[]): void {
  // grouped by name, then namespace (strings the objects hold: no key is built for each object);
  // identities are compared only within a group (a ServiceAccount, Deployment and Service of one
  // name), each computed once
  const groups = new Map<string, Map<string, Seen[]>>();
  for (const o of objs) {
    if (!identifiable(o)) continue;
    const ns = o.metadata.namespace;
    const nsKey = typeof ns === 'string' ? ns : String(ns ?? '');
    let byNs = groups.get(o.metadata.name);
    if (byNs === undefined) { byNs = new Map(); groups.set(o.metadata.name, byNs); }
    const same = byNs.get(nsKey);
    if (same === undefined) { byNs.set(nsKey, [{ o }]); continue; }
    const id = identity(o)!;
    for (const p of same) {
      p.id ??= identity(p.o)!;
      if (p.id === id) {
        const paths = at.pathsOf(id);
        fail(paths[1] ?? at.path, 'metadata.name', o.metadata.name,
          `a name no other object of the chart has: ${describe(o)} is emitted twice (${paths.join(' and ')}); the API server keeps only one`);
      }
    }
    same.push({ o, id });
  }
}

/** The construct path of `o` (looked up, a walk of the chart, only for an error). */
function whereOf(at: OutputLocator, o: any): string {
  const id = identity(o);
  return (id === undefined ? undefined : at.pathsOf(id)[0]) ?? at.path;
}

function checkObject(at: OutputLocator, o: any, method: ApplyMethod): void {
  const where = () => whereOf(at, o);
  const annotations = o?.metadata?.annotations;
  let annotationBytes = 0;
  if (annotations !== null && typeof annotations === 'object') {
    let total = 0;
    for (const k of Object.keys(annotations).sort()) {
      if (!Names.isLabelKey(k)) fail(where(), `${describe(o)} metadata.annotations key`, k, LABEL_KEY_EXPECTED);
      total += k.length + String(annotations[k]).length;
      annotationBytes += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(String(annotations[k]), 'utf8');
    }
    if (total > MAX_ANNOTATION_BYTES) {
      fail(where(), `${describe(o)} metadata.annotations`, `${total} bytes`, `annotations of at most ${MAX_ANNOTATION_BYTES} bytes in total (the API server's limit)`);
    }
  }
  // most objects are far below the limits: a walk bounds their JSON without writing it
  const budget = MAX_ANNOTATION_BYTES - annotationBytes - LAST_APPLIED_ANNOTATION.length;
  if (jsonBytesBound(o, budget, 0) <= budget) return;
  const json = JSON.stringify(o);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: an object within the limits below by that bound
  // (the annotation limit is the smaller one) is not measured byte by byte
  if (json.length * 3 + annotationBytes + LAST_APPLIED_ANNOTATION.length <= MAX_ANNOTATION_BYTES) return;
  const size = Buffer.byteLength(json, 'utf8');
  if (size > MAX_OBJECT_BYTES) {
    fail(where(), describe(o), `${size} bytes`, `an object of at most ${MAX_OBJECT_BYTES} bytes (etcd's request limit): split it`);
  }
  if (method === ApplyMethod.CLIENT_SIDE) checkClientSideApply(where, o, size, annotationBytes);
}

/** Nesting past which {@link jsonBytesBound} gives up (a cycle, or a very deep value): the exact measure runs. */
const BOUND_DEPTH = 64;

/**
 * An upper bound of the UTF-8 bytes of `JSON.stringify(v)`, or more than `budget` (possibly
 * Infinity) once it exceeds it: each UTF-16 code unit of a string or key is at most 6 bytes (a
 * `\uXXXX` escape; UTF-8 needs at most 3), a number at most 25, every member is counted with its
 * quotes, colon and comma (undefined ones too, which JSON drops). Anything whose JSON is not its
 * plain data (a class instance, a `toJSON` function, a symbol, a bigint) gives Infinity.
 */
function jsonBytesBound(v: unknown, budget: number, depth: number): number {
  switch (typeof v) {
    case 'string': return v.length * 6 + 2;
    case 'number': return 25;
    case 'boolean': case 'undefined': return 5;
    case 'object': return v === null ? 4 : containerBytesBound(v, budget, depth);
    default: return Infinity;
  }
}

/** {@link jsonBytesBound} of an array or object (not null); strings, the most common members, are counted in the loop. */
function containerBytesBound(v: object, budget: number, depth: number): number {
  if (depth > BOUND_DEPTH) return Infinity;
  if (Array.isArray(v)) {
    let n = 2 + v.length;
    for (let i = 0; i < v.length && n <= budget; i++) {
      const x = v[i];
      n += typeof x === 'string' ? x.length * 6 + 2 : jsonBytesBound(x, budget, depth + 1);
    }
    return n;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return Infinity;
  let n = 2;
  const record = v as { [key: string]: unknown };
  for (const key in record) {
    const x = record[key];
    n += key.length * 6 + 4 + (typeof x === 'string' ? x.length * 6 + 2 : jsonBytesBound(x, budget, depth + 1));
    if (n > budget) return n;
  }
  return n;
}

/**
 * Client-side apply copies the object into an annotation: its JSON, the annotation's key and the
 * other annotations must fit the API server's annotation limit.
 */
function checkClientSideApply(where: () => string, o: any, size: number, annotationBytes: number): void {
  const total = annotationBytes + LAST_APPLIED_ANNOTATION.length + size;
  if (total <= MAX_ANNOTATION_BYTES) return;
  fail(where(), describe(o), `${size} bytes of JSON (${total} bytes of annotations with its ${LAST_APPLIED_ANNOTATION} copy)`,
    'an object client-side apply can apply: kubectl apply (without --server-side) and Argo CD\'s default sync copy the object into '
    + `its ${LAST_APPLIED_ANNOTATION} annotation, and the API server refuses more than ${MAX_ANNOTATION_BYTES} bytes of annotations `
    + '("metadata.annotations: Too long"). Fix: shrink or split the object, or, if this chart is applied server-side '
    + '(kubectl apply --server-side, Argo CD ServerSideApply=true, Flux), declare it: ChartApplyMethod.set(chart, ApplyMethod.SERVER_SIDE)');
}

/**
 * Runs the output checks on one chart's objects (in output order); throws a ValidationError.
 *
 * @param at where the objects come from
 * @param objs the rendered objects
 */
export function checkOutput(at: OutputLocator, objs: any[], chart?: object): void {
  checkDuplicates(at, objs);
  const method = applyMethodOf(at.chart ?? chart);
  for (const o of objs) checkObject(at, o, method);
  const errors = chart === undefined ? [] : ((chart as any)[OUTPUT_CHECKS] ?? []).flatMap((c: OutputCheck) => c(objs));
  if (errors.length > 0) {
    // the same text cdk8s gives for a failed validation (these checks are skipped there for a writer)
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/** A check a writer runs on the objects of one chart (returns error texts, empty if none). */
export type OutputCheck = (objs: any[]) => string[];

const OUTPUT_CHECKS = Symbol.for('cdk8s-zero-trust.output-checks');

/**
 * Registers a check of a chart's output that a writer (Fleet, HelmChart) runs on the objects it
 * wrote, since the validation skips it then (e.g. the flow proof): one rendering, not two.
 *
 * @param chart the chart
 * @param check the check
 */
export function addOutputCheck(chart: object, check: OutputCheck): void {
  const c = chart as any;
  if (c[OUTPUT_CHECKS] === undefined) Object.defineProperty(c, OUTPUT_CHECKS, { value: [], configurable: true });
  c[OUTPUT_CHECKS].push(check);
}
