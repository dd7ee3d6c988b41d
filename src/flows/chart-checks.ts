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
import { checkOutput, identityOfObject } from '../core/output-checks';
import { checkProps, PropsSpec } from '../core/props-check';
import { isWriterChecking, synthesizingChart } from '../core/synthesis-scope';
import { ValidationError } from '../core/validation-error';

export { MAX_ANNOTATION_BYTES, MAX_OBJECT_BYTES } from '../core/output-checks';

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

/** The construct paths of the ApiObjects of `chart` that render an object with identity `id`. */
function pathsOf(chart: Chart, id: string): string[] {
  const out: string[] = [];
  for (const c of chart.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const o = c as ApiObject;
    if (identityOfObject(o) === id) out.push(o.node.path);
  }
  return out;
}

/**
 * `chart.toJson()` for a writer (Fleet): the chart's objects, with the chart checks run on them
 * instead of in the validation (one rendering instead of two; see synthesizingChart). A failed
 * check throws its ValidationError.
 */
export function synthesizeCheckedChart(chart: Chart): any[] {
  const objs = synthesizingChart(chart.node.root, chart, () => chart.toJson());
  // the output checks the validation skipped for a writer (the flow proof) run here, on the same objects
  checkOutput({ path: chart.node.path, pathsOf: (id) => pathsOf(chart, id), chart }, objs, chart);
  return objs;
}

/** Runs the chart checks on a synthesized chart (its objects, in output order). */
export function checkChartOutput(chart: Chart, objs: any[]): void {
  checkOutput({ path: chart.node.path, pathsOf: (id) => pathsOf(chart, id), chart }, objs);
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
  // a writer synthesizing a chart of the app (Fleet, HelmChart) checks its output itself, and
  // each other chart when it is written
  if (isWriterChecking(chart.node.root)) return [];
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
    // a writer checks its charts itself (chartCheckErrors would return nothing for each): no walk of the app
    validate: () => (isWriterChecking(root) ? [] : root.node.findAll()
      .filter((c): c is Chart => Chart.isChart(c) && !(c as any)[CHECKED])
      .flatMap((c) => chartCheckErrors(c))),
  });
}
