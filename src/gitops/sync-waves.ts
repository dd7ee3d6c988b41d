import { ApiObject, Chart } from 'cdk8s';
import { DeliveryOrder } from './delivery-order';
import { Flows } from '../flows/flows';

/** The Argo CD annotation that orders a sync. */
const ANNOTATION = 'argocd.argoproj.io/sync-wave';
const APPLIED = Symbol.for('cdk8s-zero-trust.gitops.SyncWaves');

/**
 * The object's sync-wave annotation. Read from the metadata's annotations map when it holds a
 * plain string (resolving the whole metadata for every object, at every validation, was ~40% of
 * a chart's synthesis with SyncWaves); otherwise (a token, or another cdk8s layout) resolved.
 */
function annotationOf(o: ApiObject): string | undefined {
  const annotations = (o.metadata as any).annotations;
  if (annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)) {
    const v = Object.prototype.hasOwnProperty.call(annotations, ANNOTATION) ? annotations[ANNOTATION] : undefined;
    if (v === undefined || typeof v === 'string') {
      return v;
    }
  }
  return o.metadata.toJson()?.annotations?.[ANNOTATION];
}

/**
 * Argo CD sync waves for a chart's objects, by {@link DeliveryOrder}: Namespaces and CRDs wave
 * -2, policies and guardrails wave -1, workloads wave 0. Argo CD applies a wave only when every
 * object of the previous one is healthy, so no workload starts before the default-deny policies.
 *
 * Opt-in (it adds an annotation to every object of the chart). The annotations are added now and
 * again at the end of the chart's late-render phase (at synthesis, which the Helm writer also
 * runs), so objects added later or rendered late (flows) get theirs too.
 */
export class SyncWaves {
  /**
   * The annotation key, `argocd.argoproj.io/sync-wave`.
   */
  public static readonly ANNOTATION = ANNOTATION;

  /**
   * Annotates every ApiObject of the chart with its sync wave, now and again at synth. An object
   * that already has the annotation keeps it, but a policy must stay in a negative wave and a workload in wave 0 or
   * more (else the chart fails validation). Calling it again does nothing.
   *
   * @param chart the cluster's chart (e.g. `fleet.cluster('asia-east').chart`)
   */
  public static apply(chart: Chart): void {
    const c = chart as any;
    if (c[APPLIED]) return;
    c[APPLIED] = true;
    SyncWaves.annotate(chart);
    Flows.of(chart)._onRendered(() => { SyncWaves.annotate(chart); });
    chart.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        for (const o of SyncWaves.objectsOf(chart)) {
          const wave = annotationOf(o);
          if (wave === undefined) continue; // annotated at synth
          const id = `${o.kind} ${o.node.path}`;
          const expected = DeliveryOrder.syncWaveOf(DeliveryOrder.tierOf(o.apiVersion, o.kind));
          const n = /^-?\d+$/.test(wave) ? Number(wave) : NaN;
          if (expected < 0 && !(n < 0)) {
            errors.push(`${id}: invalid metadata.annotations["${ANNOTATION}"] ${JSON.stringify(wave)}: expected a negative integer wave (before the workloads' waves, which are 0 or more), e.g. "${expected}"`);
          } else if (expected >= 0 && !(n >= 0)) {
            errors.push(`${id}: invalid metadata.annotations["${ANNOTATION}"] ${JSON.stringify(wave)}: expected an integer wave of 0 or more (negative waves are for namespaces, CRDs and policies, which must come before workloads)`);
          }
        }
        return errors;
      },
    });
  }

  /**
   * The sync wave an object has (its annotation), or undefined.
   *
   * @param obj a manifest object (JSON)
   */
  public static waveOf(obj: any): number | undefined {
    const v = obj?.metadata?.annotations?.[ANNOTATION];
    return v === undefined ? undefined : Number(v);
  }

  /** Annotates the objects without a wave; returns how many. */
  private static annotate(chart: Chart): number {
    let n = 0;
    for (const o of SyncWaves.objectsOf(chart)) {
      if (annotationOf(o) === undefined) {
        o.metadata.addAnnotation(ANNOTATION, String(DeliveryOrder.syncWaveOf(DeliveryOrder.tierOf(o.apiVersion, o.kind))));
        n++;
      }
    }
    return n;
  }

  private static objectsOf(chart: Chart): ApiObject[] {
    return chart.node.findAll().filter((n): n is ApiObject => ApiObject.isApiObject(n));
  }

  private constructor() {}
}
