import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { FleetCluster } from './fleet-cluster';
import { FleetCrdKind, FleetCrds } from './fleet-crds';
import { fleetScope } from './fleet-scope';
import { GlobalService } from './global-service';
import { GslbStrategyType } from './gslb-strategy';
import { FAILOVER_POLICY_PROPS } from './props-specs';
import { checkArgs, t } from '../core/props-check';
import { fail, validateDns1123Label, validatePort } from '../core/validate';
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
    const p = this.node.path;
    checkConstruct(this, 'FailoverPolicyProps', props, FAILOVER_POLICY_PROPS);
    validateDns1123Label(p, 'name', props.name);
    const namespace = props.namespace ?? 'default';
    validateDns1123Label(p, 'namespace', namespace);
    this.primary = fleet.cluster(props.primaryCluster, 'primaryCluster');
    if (!Array.isArray(props.secondaryClusters) || props.secondaryClusters.length === 0) {
      fail(p, 'secondaryClusters', props.secondaryClusters, 'a non-empty list of cluster names of the fleet');
    }
    props.secondaryClusters.forEach((n, i) => {
      if (n === props.primaryCluster) {
        fail(p, `secondaryClusters[${i}]`, n, `a cluster other than the primary "${props.primaryCluster}" (a primary cannot be its own secondary)`);
      }
      if (props.secondaryClusters.indexOf(n) !== i) {
        fail(p, `secondaryClusters[${i}]`, n, 'a cluster not listed before');
      }
    });
    this.secondaries = props.secondaryClusters.map((n, i) => fleet.cluster(n, `secondaryClusters[${i}]`));

    this.healthCheckPath = props.healthCheckPath ?? '/healthz';
    if (typeof this.healthCheckPath !== 'string' || !/^\/[^\s]*$/.test(this.healthCheckPath) || this.healthCheckPath.length > 1024) {
      fail(p, 'healthCheckPath', this.healthCheckPath, 'an HTTP path starting with \'/\' without spaces, e.g. /healthz');
    }
    const seconds = (field: string, d: Duration): number => {
      const s = d.toMilliseconds() / 1000;
      if (!Number.isInteger(s) || s < 1 || s > 3600) fail(p, field, `${s}s`, 'a whole number of seconds from 1 to 3600');
      return s;
    };
    this.intervalSeconds = seconds('interval', props.interval ?? Duration.seconds(30));
    this.timeoutSeconds = seconds('timeout', props.timeout ?? Duration.seconds(10));
    if (this.timeoutSeconds > this.intervalSeconds) {
      fail(p, 'timeout', `${this.timeoutSeconds}s`, `at most the interval (${this.intervalSeconds}s)`);
    }
    this.failureThreshold = props.failureThreshold ?? 3;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1 || this.failureThreshold > 100) {
      fail(p, 'failureThreshold', props.failureThreshold, 'an integer from 1 to 100');
    }
    if (props.slackChannel !== undefined && !/^#?[a-z0-9][a-z0-9_-]{0,79}$/.test(props.slackChannel)) {
      fail(p, 'slackChannel', props.slackChannel, 'a Slack channel name: optional \'#\', then up to 80 lowercase letters, digits, \'-\' or \'_\', e.g. #ops-alerts');
    }

    const gs = props.globalService;
    if (gs) {
      const s = gs.strategy;
      if (!gs.usesK8gb || !s || s.type !== GslbStrategyType.FAILOVER || s.primaryGeoTag !== this.primary.geoTag) {
        fail(p, 'globalService', gs.node.path,
          `a global service with k8gb DNS strategy GslbStrategy.failover(${JSON.stringify(this.primary.geoTag)}) (the primary's geo tag), `
          + `but it has ${s ? (s.type + (s.primaryGeoTag ? ` ${JSON.stringify(s.primaryGeoTag)}` : '')) : 'no DNS'}${gs.usesK8gb ? '' : ' without k8gb'}`);
      }
      for (const c of [this.primary, ...this.secondaries]) {
        if (!gs.clusters.includes(c)) {
          fail(p, 'globalService', gs.node.path, `a global service running in every cluster of the policy, but it does not run in "${c.name}"`);
        }
      }
    }

    const spec: any = {
      primaryCluster: this.primary.name,
      secondaryClusters: this.secondaries.map((c) => c.name),
      healthCheck: {
        endpoint: this.healthCheckPath,
        interval: `${this.intervalSeconds}s`,
        timeout: `${this.timeoutSeconds}s`,
        failureThreshold: this.failureThreshold,
      },
      autoFailover: props.autoFailover ?? true,
    };
    if (props.slackChannel !== undefined) {
      spec.notifications = { slack: { channel: props.slackChannel } };
    }
    const involved = fleet.clusters.filter((c) => c === this.primary || this.secondaries.includes(c));
    for (const c of involved) {
      const crd = FleetCrds.ensure(c.chart, FleetCrdKind.FAILOVER_POLICY);
      const obj = new ApiObject(c.chart, `failover-policy-${objectId}`, {
        apiVersion: 'failover.k8s/v1',
        kind: 'FailoverPolicy',
        metadata: { name: props.name, namespace },
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
