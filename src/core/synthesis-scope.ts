/**
 * Which chart an output writer is synthesizing (internal).
 *
 * `chart.toJson()` validates the whole app, so our chart checks (which render every object of a
 * chart, see src/flows/chart-checks.ts) would check every chart of the app once per chart
 * written (clusters x app size), and render the written chart once more than its output. A writer
 * that synthesizes one chart at a time (Fleet, HelmChart) declares it here and runs the output
 * checks (src/core/output-checks.ts) on the objects it got: the validation skips them, and the
 * checks of the other charts wait until those are written. Without a declaration
 * (`App.synth()`, a plain `chart.toJson()`), every chart is checked in the validation, as cdk8s
 * validates.
 *
 * Plain TypeScript (no cdk8s import): keyed by the app's root construct and the chart object.
 */

const SCOPE = Symbol.for('cdk8s-zero-trust.synthesis-scope');

/**
 * Runs `fn` (which synthesizes `chart`, e.g. `chart.toJson()`) with `chart` declared as the only
 * chart being written in the app of `root`; the caller runs the output checks on the result.
 *
 * @param root the app's root construct
 * @param chart the chart being synthesized
 * @param fn the synthesis
 */
export function synthesizingChart<T>(root: object, chart: object, fn: () => T): T {
  return withMark(root, SCOPE, chart, fn);
}

/**
 * Runs `fn` with `holder[key]` set to `value` (a non-enumerable mark an app or construct carries
 * while a writer runs), then restores what was there.
 *
 * @param holder the object marked
 * @param key the mark's key (a `Symbol.for` key: copies of the library share it)
 * @param value the mark while `fn` runs
 * @param fn what runs
 */
export function withMark<T>(holder: object, key: symbol, value: unknown, fn: () => T): T {
  const h = holder as any;
  const previous = h[key];
  Object.defineProperty(h, key, { value, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    h[key] = previous;
  }
}

/**
 * Whether the output of `chart` is being produced now: true unless a writer declared another
 * chart of the app of `root` as the one it synthesizes.
 *
 * @param root the app's root construct
 * @param chart the chart whose checks would run
 */
export function isChartBeingWritten(root: object, chart: object): boolean {
  const current = (root as any)[SCOPE];
  return current === undefined || current === chart;
}

/**
 * Whether a writer that checks its output itself is synthesizing a chart of the app of `root`
 * (the validation's output checks are then skipped).
 *
 * @param root the app's root construct
 */
export function isWriterChecking(root: object): boolean {
  return (root as any)[SCOPE] !== undefined;
}
