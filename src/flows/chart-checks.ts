/**
 * Synthesis-time checks of a whole chart (internal): what no single construct can see.
 *
 * - two objects with one identity (API group, kind, namespace, name): the API server keeps one
 *   (create fails, apply overwrites), so the output silently loses the other;
 * - an object over the size the API server stores;
 * - annotation keys the API server refuses and annotations over its total size limit.
 *
 * Each of our constructs calls {@link checkConstruct} first thing; the chart it is in gets the
 * checks once, as a validation that returns errors (cdk8s runs validations on every synthesis path:
 * `Testing.synth`, `App.synth`, `Chart.toJson`, and so Fleet and Helm output); no cdk8s function is replaced.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Flows } from './flows';
import { Names } from '../core/names';
import { checkProps, MAX_ANNOTATION_BYTES, PropsSpec } from '../core/props-check';
import { fail, LABEL_KEY_EXPECTED } from '../core/validate';
import { ValidationError } from '../core/validation-error';

/**
 * Largest object (JSON bytes) we emit. etcd refuses requests over 1.5 MiB (`--max-request-bytes`
 * default 1572864) and the API server answers "etcdserver: request is too large"; objects are
 * stored as protobuf (smaller than JSON), but a client-side `kubectl apply` adds a copy of the
 * object as an annotation, so the JSON size is the honest bound.
 */
export const MAX_OBJECT_BYTES = 1_572_864;


export { MAX_ANNOTATION_BYTES };

const CHECKED = Symbol.for('cdk8s-zero-trust.chart-checks');
const CHECKING = Symbol.for('cdk8s-zero-trust.chart-checks.running');
const SUMMARY_ONLY = Symbol.for('cdk8s-zero-trust.chart-checks.summary-only');

/**
 * Checks only the identity of `obj` (duplicates), not its rendered body: for an object whose
 * spec is derived from other charts' output (an Argo CD AppProject lists what the clusters
 * contain), where rendering it in the check would synthesize those charts again.
 */
export function checkIdentityOnly(obj: ApiObject): void {
  Object.defineProperty(obj, SUMMARY_ONLY, { value: true });
}

/** The identity the API server keys objects by. */
function identity(o: any): string | undefined {
  if (o === null || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string') return undefined;
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function describe(o: any): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns === undefined ? '' : `${ns}/`}${o.metadata?.name}`;
}

/** The construct paths of the ApiObjects of `chart` that render an object with identity `id`. */
function pathsOf(chart: Chart, id: string): string[] {
  const out: string[] = [];
  for (const c of chart.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const o = c as ApiObject;
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    if (`${group}/${o.kind} ${o.metadata.namespace ?? ''}/${o.name}` === id) out.push(o.node.path);
  }
  return out;
}

function checkDuplicates(chart: Chart, objs: any[]): void {
  const seen = new Set<string>();
  for (const o of objs) {
    const id = identity(o);
    if (id === undefined) continue;
    if (seen.has(id)) {
      const paths = pathsOf(chart, id);
      fail(paths[1] ?? chart.node.path, 'metadata.name', o.metadata.name,
        `a name no other object of the chart has: ${describe(o)} is emitted twice (${paths.join(' and ')}); the API server keeps only one`);
    }
    seen.add(id);
  }
}

function checkObject(chart: Chart, o: any): void {
  const id = identity(o);
  const where = (id === undefined ? undefined : pathsOf(chart, id)[0]) ?? chart.node.path;
  const annotations = o?.metadata?.annotations;
  if (annotations !== null && typeof annotations === 'object') {
    let total = 0;
    for (const k of Object.keys(annotations).sort()) {
      if (!Names.isLabelKey(k)) fail(where, `${describe(o)} metadata.annotations key`, k, LABEL_KEY_EXPECTED);
      total += k.length + String(annotations[k]).length;
    }
    if (total > MAX_ANNOTATION_BYTES) {
      fail(where, `${describe(o)} metadata.annotations`, `${total} bytes`, `annotations of at most ${MAX_ANNOTATION_BYTES} bytes in total (the API server's limit)`);
    }
  }
  const size = Buffer.byteLength(JSON.stringify(o), 'utf8');
  if (size > MAX_OBJECT_BYTES) {
    fail(where, describe(o), `${size} bytes`, `an object of at most ${MAX_OBJECT_BYTES} bytes (etcd's request limit): split it`);
  }
}

/** Runs the chart checks on a synthesized chart (its objects, in output order). */
export function checkChartOutput(chart: Chart, objs: any[]): void {
  checkDuplicates(chart, objs);
  for (const o of objs) checkObject(chart, o);
}

/**
 * The chart checks as validation errors (empty if none). The chart's flows are rendered first
 * (idempotent: the late objects exist, as in the output); the tree is not changed otherwise.
 */
function chartCheckErrors(chart: Chart): string[] {
  const c = chart as any;
  // an object whose spec synthesizes other charts (an Argo CD AppProject reads the clusters'
  // output) validates the app again from inside this check: the chart is being checked already
  if (c[CHECKING]) return [];
  Object.defineProperty(c, CHECKING, { value: true, configurable: true });
  try {
    return chartCheckErrorsOnce(chart);
  } finally {
    delete c[CHECKING];
  }
}

function chartCheckErrorsOnce(chart: Chart): string[] {
  for (const f of chart.node.children) if (f instanceof Flows) f.render();
  const objs = chart.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map((o) => ((o as any)[SUMMARY_ONLY]
      ? { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } }
      : o.toJson()));
  // the flow proof reads the same objects (rendered once); the registry's validation reports it
  for (const f of chart.node.children) if (f instanceof Flows) f._proofErrors(objs);
  try {
    checkChartOutput(chart, objs);
    return [];
  } catch (e) {
    if (e instanceof ValidationError) return [e.message];
    throw e;
  }
}

/** Puts the chart checks on `chart` once, as a validation (cdk8s runs it on every synthesis path). */
function watchChart(chart: Chart): void {
  const c = chart as any;
  if (c[CHECKED]) return;
  Object.defineProperty(c, CHECKED, { value: true });
  chart.node.addValidation({ validate: () => chartCheckErrors(chart) });
}

/**
 * The chart that contains `scope`, if any (a Fleet lives beside its cluster charts, not in one).
 */
function chartOf(scope: IConstruct): Chart | undefined {
  for (let c: IConstruct | undefined = scope; c !== undefined; c = c.node.scope) {
    if (Chart.isChart(c)) return c;
  }
  return undefined;
}

/**
 * Checks a construct's props (see `checkProps`) and puts the chart checks on the chart it is in,
 * or, for a construct outside any chart (Fleet and what it owns), on every chart of the app at
 * synthesis.
 *
 * @param scope the construct being built
 * @param name the props interface name
 * @param props what the caller passed
 * @param spec the fields of the props interface
 * @param optional whether `props` may be undefined
 */
export function checkConstruct(scope: Construct, name: string, props: unknown, spec: PropsSpec, optional = false): void {
  checkProps(scope.node.path, name, props, spec, optional);
  const chart = chartOf(scope);
  if (chart !== undefined) {
    watchChart(chart);
    return;
  }
  const root = scope.node.root;
  if ((root as any)[CHECKED]) return;
  Object.defineProperty(root, CHECKED, { value: true });
  root.node.addValidation({
    validate: () => root.node.findAll()
      .filter((c): c is Chart => Chart.isChart(c) && !(c as any)[CHECKED])
      .flatMap((c) => chartCheckErrors(c)),
  });
}
