import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { planFailoverPolicy, renderFailoverPolicySpec } from './failover-policy-plan';
import { FleetCluster } from './fleet-cluster';
import { FleetCrdKind, FleetCrds } from './fleet-crds';
import { fleetScope } from './fleet-scope';
import { GlobalService } from './global-service';
import { FAILOVER_POLICY_PROPS } from './props-specs';
import { checkArgs, t } from '../core/props-check';
import { validatePort } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of a {@link FailoverPolicy}.
 */
export interface FailoverPolicyProps {
  /**
   * Name of the FailoverPolicy object (a DNS-1123 label).
   */
  readonly name: string;

  /**
   * Namespace of the FailoverPolicy object.
   *
   * @default 'default'
   */
  readonly namespace?: string;

  /**
   * The cluster that serves while healthy.
   */
  readonly primaryCluster: string;

  /**
   * The clusters that take over, in order of preference (distinct, never the primary).
   */
  readonly secondaryClusters: string[];

  /**
   * HTTP path probed, e.g. `/healthz`.
   *
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;

  /**
   * Time between health checks (whole seconds).
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Health check timeout (whole seconds, at most the interval).
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Consecutive failures before failing over (1-100).
   *
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * Fail over without a human.
   *
   * @default true
   */
  readonly autoFailover?: boolean;

  /**
   * Slack channel notified on failover, e.g. `#ops-alerts`.
   *
   * @default - no notification
   */
  readonly slackChannel?: string;

  /**
   * The global service whose DNS follows this policy. Its k8gb strategy must be
   * `GslbStrategy.failover(<the primary's geo tag>)` and it must run in every cluster of the policy.
   *
   * @default - no global DNS check
   */
  readonly globalService?: GlobalService;
}

/**
 * A typed `FailoverPolicy` (`failover.k8s/v1`), emitted with its CRD into the chart of every
 * cluster it names. The same intent is expressed through real engines: a k8gb failover strategy
 * on the given global service (checked), and {@link FailoverPolicy.readinessProbe} for the
 * workloads (k8gb sees a cluster as unhealthy when its Service has no ready endpoints).
 */
export class FailoverPolicy extends Construct {
  /**
   * The primary cluster.
   */
  public readonly primary: FleetCluster;

  /**
   * The secondary clusters, in order.
   */
  public readonly secondaries: FleetCluster[];

  /**
   * The health check path.
   */
  public readonly healthCheckPath: string;

  private readonly intervalSeconds: number;
  private readonly timeoutSeconds: number;
  private readonly failureThreshold: number;

  /**
   * @param scope the fleet, or a construct inside it
   * @param id construct id (unique in `scope`)
   * @param props the FailoverPolicy properties
   */
  constructor(scope: Construct, id: string, props: FailoverPolicyProps) {
    super(scope, id);
    const { fleet, id: objectId } = fleetScope(this);
    checkConstruct(this, 'FailoverPolicyProps', props, FAILOVER_POLICY_PROPS);
    const plan = planFailoverPolicy(this.node.path, fleet, props);
    this.primary = plan.primary;
    this.secondaries = plan.secondaries;
    this.healthCheckPath = plan.healthCheckPath;
    this.intervalSeconds = plan.intervalSeconds;
    this.timeoutSeconds = plan.timeoutSeconds;
    this.failureThreshold = plan.failureThreshold;

    const spec = renderFailoverPolicySpec(plan);
    const involved = fleet.clusters.filter((c) => c === this.primary || this.secondaries.includes(c));
    for (const c of involved) {
      const crd = FleetCrds.ensure(c.chart, FleetCrdKind.FAILOVER_POLICY);
      const obj = new ApiObject(c.chart, `failover-policy-${objectId}`, {
        apiVersion: 'failover.k8s/v1',
        kind: 'FailoverPolicy',
        metadata: { name: plan.name, namespace: plan.namespace },
        spec,
      });
      obj.addDependency(crd);
    }
  }

  /**
   * A readiness probe on the health check path with the policy's interval, timeout and failure
   * threshold: put it on the workload's container so that the Service (and so k8gb) sees the
   * cluster as unhealthy when the check fails.
   *
   * @param port the container port to probe
   * @default - the container's port
   */
  public readinessProbe(port?: number): kplus.Probe {
    checkArgs(this.node.path, ['port', port, t.num()]);
    if (port !== undefined) validatePort(this.node.path, 'port', port);
    return kplus.Probe.fromHttpGet(this.healthCheckPath, {
      port,
      periodSeconds: Duration.seconds(this.intervalSeconds),
      timeoutSeconds: Duration.seconds(this.timeoutSeconds),
      failureThreshold: this.failureThreshold,
    });
  }
}
