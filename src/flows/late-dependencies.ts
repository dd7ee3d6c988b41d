import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The ApiObjects under `scope` (itself included) that belong to `scope`'s chart, as cdk8s selects them. */
function objectsOf(scope: IConstruct): ApiObject[] {
  const chart = Chart.of(scope);
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
}

/**
 * Objects created in the late-render phase take part in the dependencies declared on their
 * ancestors, as cdk8s gives them to objects that exist when it resolves dependencies: `App.synth()`
 * validates (so renders) before it resolves them, `Chart.toJson()` resolves first. Without this,
 * `deployment.node.addDependency(zeroTrustNamespace)` would put the Deployment before the
 * namespace's ServiceAccounts through `Chart.toJson()` and after them through `App.synth()`.
 *
 * Only cdk8s's public `addDependency` is used, and in cdk8s's order (the target's objects in tree
 * order): where cdk8s has not resolved a dependency yet (the eager objects are not linked), it is
 * left to cdk8s, so that `App.synth()` output is what it was.
 *
 * @param all every construct of the app (`root.node.findAll()`, after the render phase)
 * @param late the constructs the render phase created
 */
export function joinDeclaredDependencies(all: readonly IConstruct[], late: ReadonlySet<IConstruct>): void {
  if (late.size === 0) return;
  const declared: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const source of all) {
    for (const target of source.node.dependencies) declared.push({ source, target });
  }
  for (const { source, target } of declared) {
    const sources = objectsOf(source);
    const targets = objectsOf(target);
    const lateTargets = targets.filter((t) => late.has(t));
    if (lateTargets.length === 0 && !sources.some((s) => late.has(s))) continue;
    const eagerTargets = targets.filter((t) => !late.has(t));
    for (const s of sources) {
      if (late.has(s)) {
        link(s, targets);
      } else if (eagerTargets.length === 0 || s.node.dependencies.includes(eagerTargets[0])) {
        link(s, lateTargets); // resolved already (or nothing to resolve): add what cdk8s would have
      }
    }
  }
}

function link(source: ApiObject, targets: ApiObject[]): void {
  for (const t of targets) {
    if (t !== source) source.node.addDependency(t);
  }
}

/**
 * The constructs of `chart`'s subtree that are not in `before` (the subtree before the render
 * phase), read from the app's pre-order walk `all`: the subtree is the contiguous run that starts
 * at the chart, so no second walk of the chart is needed.
 *
 * @param all the app's constructs in pre-order (`root.node.findAll()`)
 * @param chart the chart whose flows were rendered
 * @param before the chart's subtree before the render phase
 */
export function createdUnder(all: readonly IConstruct[], chart: IConstruct, before: ReadonlySet<IConstruct>): Set<IConstruct> {
  const late = new Set<IConstruct>();
  for (let i = all.indexOf(chart) + 1; i < all.length; i++) {
    const c = all[i];
    if (before.has(c)) continue;
    if (!isUnder(c, chart)) break; // past the end of the chart's subtree
    late.add(c);
  }
  return late;
}

function isUnder(c: IConstruct, ancestor: IConstruct): boolean {
  for (let s = c.node.scope; s !== undefined; s = s.node.scope) {
    if (s === ancestor) return true;
  }
  return false;
}
