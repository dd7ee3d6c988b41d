import { Chart } from 'cdk8s';
import { meshChecksOptOut, setMeshChecksOptOut } from './mesh-flow-checks';
import { fail } from '../core/validate';

/**
 * What the mesh would make of the chart's flows, checked at synthesis: an L7 rule that nothing
 * enforces, AuthorizationPolicies in a namespace without sidecars, and a caller outside the mesh
 * into a STRICT sidecar fail synthesis, naming the flow, the layer and the fix. A chart may opt
 * out (experts, e.g. when another component enforces the rules).
 */
export class MeshChecks {
  /**
   * Turns the flow checks off for one chart (the MtlsMesh trust-domain and root-namespace checks
   * stay on). Say why: the reason is kept for reviewers.
   *
   * @param chart the cluster's chart
   * @param reason why the flows are known to work anyway (non-empty)
   */
  public static optOut(chart: Chart, reason: string): void {
    if (!(chart instanceof Chart)) fail('MeshChecks.optOut', 'chart', String(chart), 'a cdk8s Chart');
    if (typeof reason !== 'string' || reason.trim() === '') {
      fail('MeshChecks.optOut', 'reason', reason, 'a non-empty reason (why the flows work although the checks cannot prove it)');
    }
    setMeshChecksOptOut(chart, reason);
  }

  /**
   * The reason a chart opted out of the flow checks, or undefined.
   *
   * @param chart the chart
   */
  public static optOutReason(chart: Chart): string | undefined {
    if (!(chart instanceof Chart)) fail('MeshChecks.optOutReason', 'chart', String(chart), 'a cdk8s Chart');
    return meshChecksOptOut(chart);
  }

  private constructor() {}
}
