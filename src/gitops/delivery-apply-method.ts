/**
 * The apply method of the charts a delivery reconciles (not exported from the package index):
 * the chart's object-size check (`ChartApplyMethod`, core/output-checks.ts) must judge the
 * objects by what the reconciler really does with them.
 *
 * - Flux: kustomize-controller always applies server-side; helm-controller installs with Helm,
 *   which never writes `kubectl.kubernetes.io/last-applied-configuration`. Server-side.
 * - Argo CD: client-side `kubectl apply` (the annotation copy, 262144 bytes of annotations at
 *   most) unless the `ServerSideApply=true` sync option is set.
 *
 * A chart several deliveries reconcile gets the strictest method: client-side if any of them
 * applies client-side (the objects must fit both). A chart the program declared server-side
 * itself (`ChartApplyMethod.set` before the delivery) is refused by a client-side delivery.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplyMethod, ChartApplyMethod } from '../core/apply-method';
import { fail } from '../core/validate';
import { FleetCluster } from '../fleet';

const DELIVERIES = Symbol.for('cdk8s-zero-trust.gitops.DeliveryApplyMethods');

/** What the deliveries of one chart apply, and what the program had declared before them. */
interface ChartDeliveries {
  /** The chart's method before any delivery set it. */
  readonly declared: ApplyMethod;
  /** Construct paths of the deliveries that apply it client-side. */
  readonly clientSide: string[];
  /** Construct paths of the deliveries that apply it server-side. */
  readonly serverSide: string[];
}

function deliveriesOf(chart: Chart): ChartDeliveries {
  let d: ChartDeliveries | undefined = (chart as any)[DELIVERIES];
  if (d === undefined) {
    d = { declared: ChartApplyMethod.of(chart), clientSide: [], serverSide: [] };
    Object.defineProperty(chart, DELIVERIES, { value: d, configurable: true });
  }
  return d;
}

/** The method the chart's deliveries need: client-side if any applies client-side. */
function needed(d: ChartDeliveries): ApplyMethod {
  return d.clientSide.length > 0 ? ApplyMethod.CLIENT_SIDE : ApplyMethod.SERVER_SIDE;
}

/**
 * Declares on each delivered cluster's chart the apply method of its reconciler (at once, and
 * checked again at synthesis: a later `ChartApplyMethod.set(chart, SERVER_SIDE)` on a chart a
 * delivery applies client-side is an error).
 *
 * @param delivery the delivery construct (its path names it in errors)
 * @param clusters the delivered clusters
 * @param method what the reconciler does
 * @param field for a client-side delivery: the prop that decides the method, and its fix (for errors)
 */
export function declareDeliveryApplyMethod(delivery: Construct, clusters: FleetCluster[], method: ApplyMethod, field?: DeliveryMethodField): void {
  const path = delivery.node.path;
  for (const c of clusters) {
    const d = deliveriesOf(c.chart);
    if (method === ApplyMethod.CLIENT_SIDE && d.declared === ApplyMethod.SERVER_SIDE) {
      refuse(path, c, field, 'the program declared its chart ApplyMethod.SERVER_SIDE (ChartApplyMethod.set)');
    }
    (method === ApplyMethod.CLIENT_SIDE ? d.clientSide : d.serverSide).push(path);
    ChartApplyMethod.set(c.chart, needed(d));
  }
  if (method !== ApplyMethod.CLIENT_SIDE) return;
  delivery.node.addValidation({
    validate: () => {
      for (const c of clusters) {
        if (ChartApplyMethod.of(c.chart) === ApplyMethod.SERVER_SIDE) {
          refuse(path, c, field, 'its chart is declared ApplyMethod.SERVER_SIDE (ChartApplyMethod.set after the delivery)');
        }
      }
      return [];
    },
  });
}

/** The prop of a client-side delivery that decides its method, for errors. */
export interface DeliveryMethodField {
  readonly name: string;
  readonly value: unknown;
  readonly fix: string;
}

function refuse(path: string, c: FleetCluster, field: DeliveryMethodField | undefined, why: string): never {
  return fail(path, field?.name ?? 'scope', field?.value ?? path,
    `${field?.fix ?? 'a server-side delivery'}: this delivery applies cluster "${c.name}" client-side (kubectl apply copies each object into its `
    + 'kubectl.kubernetes.io/last-applied-configuration annotation, at most 262144 bytes of annotations), but '
    + `${why}, so synthesis would let through objects this delivery cannot apply`);
}
