import { Chart } from 'cdk8s';
import { fail } from './validate';

/**
 * How a chart's manifests are applied to the cluster: it decides the largest object the chart
 * may emit (checked at synthesis, see `ChartApplyMethod`).
 */
export enum ApplyMethod {
  /**
   * Client-side apply: `kubectl apply` without `--server-side`, and Argo CD's default sync.
   * kubectl copies each object (as compact JSON) into its
   * `kubectl.kubernetes.io/last-applied-configuration` annotation, and the API server refuses
   * more than 262144 bytes of annotations per object ("metadata.annotations: Too long"): an
   * object of about 256 KiB or more cannot be applied this way.
   */
  CLIENT_SIDE = 'ClientSide',

  /**
   * Server-side apply: `kubectl apply --server-side`, Argo CD's `ServerSideApply=true` sync
   * option (ArgoCdDelivery's default), Flux (always). No annotation copy: objects up to etcd's
   * request limit (1.5 MiB). Declare it too for a chart only installed with Helm, which never
   * writes the annotation (Helm 3 patches against its release record, Helm 4 applies server-side).
   */
  SERVER_SIDE = 'ServerSide',
}

const METHOD = Symbol.for('cdk8s-zero-trust.ApplyMethod');

/**
 * The apply method a chart's output is meant for (default `ApplyMethod.CLIENT_SIDE`, which
 * every tool can do). Synthesis refuses an object over 1.5 MiB (etcd's request limit) whatever
 * the method, and, for client-side apply, an object whose last-applied-configuration copy would
 * exceed the API server's 262144-byte annotation limit.
 */
export class ChartApplyMethod {
  /**
   * Declares how the chart's manifests are applied.
   *
   * @param chart the chart (one cluster's manifests)
   * @param method the apply method
   */
  public static set(chart: Chart, method: ApplyMethod): void {
    if (!Chart.isChart(chart)) fail('ChartApplyMethod.set', 'chart', chart, 'a cdk8s Chart');
    if (!Object.values(ApplyMethod).includes(method)) {
      fail('ChartApplyMethod.set', 'method', method, `one of ${Object.values(ApplyMethod).join(', ')} (ApplyMethod)`);
    }
    Object.defineProperty(chart, METHOD, { value: method, configurable: true });
  }

  /**
   * The apply method declared for the chart (`ApplyMethod.CLIENT_SIDE` unless set).
   *
   * @param chart the chart
   */
  public static of(chart: Chart): ApplyMethod {
    if (!Chart.isChart(chart)) fail('ChartApplyMethod.of', 'chart', chart, 'a cdk8s Chart');
    return applyMethodOf(chart);
  }

  private constructor() {}
}

/**
 * The apply method of a chart given as a plain object (internal: for the output checks).
 *
 * @internal
 */
export function applyMethodOf(chart: object | undefined): ApplyMethod {
  return (chart as any)?.[METHOD] ?? ApplyMethod.CLIENT_SIDE;
}
