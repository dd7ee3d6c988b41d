import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The ApiObjects under `scope` (itself included) that belong to `scope`'s chart, as cdk8s selects them. */
function objectsOf(scope: IConstruct): ApiObject[] {
  const chart = Chart.of(scope);
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
}

/** A dependency declared with `source.node.addDependency(target)`. */
export interface DeclaredDependency {
  readonly source: IConstruct;
  readonly target: IConstruct;
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
 * @param declared every dependency declared in the app, in cdk8s's order (`afterRender`)
 * @param late the constructs the render phase created
 */
export function joinDeclaredDependencies(declared: readonly DeclaredDependency[], late: ReadonlySet<IConstruct>): void {
  if (late.size === 0) return;
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
 * One pre-order walk of the app after `chart`'s render phase (the order of `root.node.findAll()`,
 * in which cdk8s lists the declared dependencies): every declared dependency, and the constructs
 * of `chart`'s subtree that are not in `before` (the subtree before the render phase).
 *
 * @param root the app's root construct
 * @param chart the chart whose flows were rendered
 * @param before the chart's subtree before the render phase
 */
export function afterRender(root: IConstruct, chart: IConstruct, before: ReadonlySet<IConstruct>):
{ declared: DeclaredDependency[]; late: Set<IConstruct> } {
  const declared: DeclaredDependency[] = [];
  const late = new Set<IConstruct>();
  const visit = (c: IConstruct, inChart: boolean): void => {
    if (hasDependencies(c)) for (const target of c.node.dependencies) declared.push({ source: c, target });
    if (inChart && !before.has(c)) late.add(c);
    const below = inChart || c === chart;
    const kids = childrenRecord(c);
    if (kids === undefined) {
      for (const child of c.node.children) visit(child, below);
    } else {
      // the same order as `node.children` (Object.values of this record), without an array per construct
      for (const id in kids) visit(kids[id], below);
    }
  };
  visit(root, false);
  return { declared, late };
}

/**
 * False only if `c` declares no dependency. The walk visits every construct of the app once per
 * chart: `node.dependencies` builds an array even when empty, so constructs' own set (a plain
 * `Set` in constructs 10) is read first; any other shape falls back to the public getter.
 */
function hasDependencies(c: IConstruct): boolean {
  const own = (c.node as any)._dependencies;
  return !(own instanceof Set) || own.size > 0;
}

/** constructs' record of `c`'s children (what `node.children` lists), or undefined if not a plain object. */
function childrenRecord(c: IConstruct): { [id: string]: IConstruct } | undefined {
  const own = (c.node as any)._children;
  return own !== null && typeof own === 'object' && Object.getPrototypeOf(own) === Object.prototype ? own : undefined;
}
