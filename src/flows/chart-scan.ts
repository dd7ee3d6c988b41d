/**
 * One walk of a chart shared by the steps of its late-render phase (internal; issue 25).
 *
 * The render phase walks the chart when it starts (to tell the objects it creates from the
 * others), and several of the library's steps walk it again for what they read of it: the mesh
 * its Namespaces and MeshCluster (istiod flows, ambient hops, ALLOW policies), ZeroTrustNamespace
 * its workloads and Services. The tree is known not to have changed for them as long as only
 * steps that create none of those ran since the walk: the library's steps that only declare flows
 * or create policies, ServiceAccounts and waypoints are marked so (`keepsChartScan`). Any other
 * step (a user's contributor, renderer or hook, or one of ours that is not marked) drops the walk
 * before it runs, and the next reader walks the chart again. Outside the render phase every read
 * walks the chart.
 */
import { IConstruct } from 'constructs';

const KEEPS_SCAN = Symbol.for('cdk8s-zero-trust.Flows.keeps-chart-scan');

/**
 * Marks a contributor or renderer of this library that creates no Namespace, pod-bearing object,
 * Service or MeshCluster (it declares flows, or creates policies, ServiceAccounts or waypoints):
 * the render phase's walk of the chart stays current across it for the readers of those.
 *
 * @param step the contributor or renderer
 * @returns the same step
 */
export function keepsChartScan<T extends object>(step: T): T {
  Object.defineProperty(step, KEEPS_SCAN, { value: true, enumerable: false });
  return step;
}

/** True if `step` is marked with `keepsChartScan`. */
export function isScanKeeping(step: object): boolean {
  return (step as any)[KEEPS_SCAN] === true;
}

/**
 * The walk of one render phase: current from the phase's start while only marked steps run.
 */
export class ChartScan {
  private walked?: IConstruct[];
  private inSafeStep = false;

  /**
   * @param walk walks the chart (pre-order)
   * @param first the walk the phase starts with
   */
  constructor(private readonly walk: () => IConstruct[], first: IConstruct[]) {
    this.walked = first;
  }

  /** The chart's constructs in pre-order (the kept walk, or a new one, kept if taken in a marked step). */
  public constructs(): IConstruct[] {
    if (this.walked !== undefined) return this.walked;
    const all = this.walk();
    // a walk taken in an unmarked step is not kept: the step may create objects after it
    if (this.inSafeStep) this.walked = all;
    return all;
  }

  /**
   * Runs one step of the phase: an unmarked step drops the kept walk first.
   *
   * @param step the contributor or renderer (its mark is read)
   * @param run calls it
   */
  public step(step: object, run: () => void): void {
    const safe = isScanKeeping(step);
    if (!safe) this.walked = undefined;
    const outer = this.inSafeStep;
    this.inSafeStep = safe;
    try {
      run();
    } finally {
      this.inSafeStep = outer;
    }
  }

  /** Drops the kept walk (before code that is not a marked step). */
  public drop(): void {
    this.walked = undefined;
  }
}
