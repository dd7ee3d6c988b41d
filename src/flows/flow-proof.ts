import { Chart } from 'cdk8s';
import { fail } from '../core/validate';

const OPT_OUT = Symbol.for('cdk8s-zero-trust.flow-proof.opt-out');

/**
 * The proof of a chart's declared flows, at synthesis: every chart that declares flows runs the
 * library's reachability analyzer once on its own objects (NetworkPolicies, and Istio's
 * PeerAuthentications and AuthorizationPolicies when the chart has them) and fails synthesis,
 * naming the flow (from, to, ports), the layer that blocks it and why, when a declared flow is
 * not allowed.
 *
 * How it judges: each end of a flow is the chart's own pods that it selects; an end that selects
 * none of them (pods another installer creates: istiod, CoreDNS, an ingress controller, a
 * gateway) is a stand-in pod with exactly the flow's labels, service account and ports, in its
 * namespace (never sidecar-injected unless that namespace is labelled for injection in the
 * chart). IP-block ends are every address range of the block. A `NETWORK_ONLY` flow is proved
 * at the NetworkPolicy layer only, a `MESH_ONLY` flow at the Istio layer only.
 *
 * Where the analyzer is stricter than the cluster (policies the chart does not contain, e.g.
 * a CNI's own global policies, or a mesh installed with settings the chart does not show), opt
 * out per chart with a reason: `FlowProof.optOut(chart, reason)`.
 */
export class FlowProof {
  /**
   * Turns the proof off for one chart. The reason is required and kept (`optOutReason`) for
   * reviewers.
   *
   * @param chart the cluster's chart
   * @param reason why the declared flows work although the chart's objects do not show it (non-empty)
   */
  public static optOut(chart: Chart, reason: string): void {
    if (!Chart.isChart(chart)) fail('FlowProof.optOut', 'chart', String(chart), 'a cdk8s Chart');
    if (typeof reason !== 'string' || reason.trim() === '') {
      fail('FlowProof.optOut', 'reason', reason, 'a non-empty reason (why the declared flows work although the chart\'s objects cannot prove it)');
    }
    Object.defineProperty(chart, OPT_OUT, { value: reason, configurable: true });
  }

  /**
   * The reason a chart opted out of the proof, or undefined.
   *
   * @param chart the chart
   */
  public static optOutReason(chart: Chart): string | undefined {
    if (!Chart.isChart(chart)) fail('FlowProof.optOutReason', 'chart', String(chart), 'a cdk8s Chart');
    return (chart as any)?.[OPT_OUT];
  }

  private constructor() {}
}
