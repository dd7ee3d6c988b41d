/**
 * Where a ZeroTrustNamespace's Pod Security check reads the pod-bearing objects from (internal).
 *
 * The check needs each object's final JSON (after hardening and JSON patches), which costs a
 * full rendering of the object. On a plain synthesis (`App.synth()`, `Testing.synth`) the objects
 * are rendered when the flows render, as before. A writer that synthesizes one chart and checks
 * its output itself (Fleet, HelmChart: see src/core/synthesis-scope.ts) renders every object
 * anyway: the check then runs on the objects it wrote (an output check), so each pod-bearing
 * object is rendered once instead of twice; and, for a chart that a later plain synthesis writes
 * instead, again on that synthesis (a validation), so that no path skips it.
 */
import { ApiObject, Chart } from 'cdk8s';
import { addOutputCheck, identityOf, identityOfObject } from '../core/output-checks';
import { isWriterChecking } from '../core/synthesis-scope';

/** Checks one object on its rendered JSON (throws a ValidationError). */
export type PodObjectCheck = (obj: ApiObject, json: any) => void;

interface Pending {
  readonly objects: ApiObject[];
  readonly check: PodObjectCheck;
}

const PENDING = Symbol.for('cdk8s-zero-trust.pod-output-check');

/** The pending checks of `chart`, registered with the writer and the validation on first use. */
function pendingOf(chart: Chart): Pending[] {
  const c = chart as any;
  if (c[PENDING] !== undefined) return c[PENDING];
  const pending: Pending[] = [];
  Object.defineProperty(c, PENDING, { value: pending });
  addOutputCheck(chart, (objs) => {
    // only the written objects of the kinds checked are looked up (the identity of every object is not needed)
    const kinds = new Set<string>();
    for (const p of pending) for (const o of p.objects) kinds.add(o.kind);
    const byId = new Map<string, any>();
    for (const o of objs) {
      if (kinds.has(o?.kind) && typeof o.apiVersion === 'string' && typeof o.metadata?.name === 'string') {
        byId.set(identityOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name), o);
      }
    }
    for (const p of pending) for (const o of p.objects) p.check(o, byId.get(identityOfObject(o)) ?? o.toJson());
    return [];
  });
  chart.node.addValidation({
    validate: () => {
      if (isWriterChecking(chart.node.root)) return [];
      for (const p of pending) for (const o of p.objects) p.check(o, o.toJson());
      return [];
    },
  });
  return pending;
}

/**
 * Runs `check` on each object's rendered JSON: now, or, while a writer synthesizes the app, on
 * the objects it writes (and on later plain syntheses).
 *
 * @param chart the chart of the objects
 * @param objects pod-bearing objects of the chart
 * @param check the check (throws)
 */
export function checkPodObjects(chart: Chart, objects: ApiObject[], check: PodObjectCheck): void {
  if (objects.length === 0) return;
  if (!isWriterChecking(chart.node.root)) {
    for (const o of objects) check(o, o.toJson());
    return;
  }
  pendingOf(chart).push({ objects, check });
}
