/**
 * Validation of FailoverPolicyProps into a plan (pure data) and the FailoverPolicy object's spec
 * rendered from it (not exported from the package index).
 */
import { Duration } from 'cdk8s';
import type { FailoverPolicyProps } from './failover-policy';
import type { Fleet } from './fleet';
import type { FleetCluster } from './fleet-cluster';
import type { GlobalService } from './global-service';
import { GslbStrategyType } from './gslb-strategy';
import { fail, validateDns1123Label } from '../core/validate';

/** A FailoverPolicy's props, checked, defaults applied. */
export interface FailoverPolicyPlan {
  readonly name: string;
  readonly namespace: string;
  readonly primary: FleetCluster;
  readonly secondaries: FleetCluster[];
  readonly healthCheckPath: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly autoFailover: boolean;
  readonly slackChannel?: string;
}

/** Checks `props` (in the order of its fields) and applies the defaults. */
export function planFailoverPolicy(path: string, fleet: Fleet, props: FailoverPolicyProps): FailoverPolicyPlan {
  validateDns1123Label(path, 'name', props.name);
  const namespace = props.namespace ?? 'default';
  validateDns1123Label(path, 'namespace', namespace);
  const { primary, secondaries } = planClusters(path, fleet, props);
  const healthCheckPath = props.healthCheckPath ?? '/healthz';
  if (typeof healthCheckPath !== 'string' || !/^\/[^\s]*$/.test(healthCheckPath) || healthCheckPath.length > 1024) {
    fail(path, 'healthCheckPath', healthCheckPath, 'an HTTP path starting with \'/\' without spaces, e.g. /healthz');
  }
  const seconds = (field: string, d: Duration): number => {
    const s = d.toMilliseconds() / 1000;
    if (!Number.isInteger(s) || s < 1 || s > 3600) fail(path, field, `${s}s`, 'a whole number of seconds from 1 to 3600');
    return s;
  };
  const intervalSeconds = seconds('interval', props.interval ?? Duration.seconds(30));
  const timeoutSeconds = seconds('timeout', props.timeout ?? Duration.seconds(10));
  if (timeoutSeconds > intervalSeconds) {
    fail(path, 'timeout', `${timeoutSeconds}s`, `at most the interval (${intervalSeconds}s)`);
  }
  const failureThreshold = props.failureThreshold ?? 3;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 100) {
    fail(path, 'failureThreshold', props.failureThreshold, 'an integer from 1 to 100');
  }
  if (props.slackChannel !== undefined && !/^#?[a-z0-9][a-z0-9_-]{0,79}$/.test(props.slackChannel)) {
    fail(path, 'slackChannel', props.slackChannel, 'a Slack channel name: optional \'#\', then up to 80 lowercase letters, digits, \'-\' or \'_\', e.g. #ops-alerts');
  }
  if (props.globalService) {
    checkGlobalService(path, props.globalService, primary, secondaries);
  }
  return {
    name: props.name,
    namespace,
    primary,
    secondaries,
    healthCheckPath,
    intervalSeconds,
    timeoutSeconds,
    failureThreshold,
    autoFailover: props.autoFailover ?? true,
    slackChannel: props.slackChannel,
  };
}

/** The primary and the secondaries: clusters of the fleet, distinct, never the primary. */
function planClusters(path: string, fleet: Fleet, props: FailoverPolicyProps): { primary: FleetCluster; secondaries: FleetCluster[] } {
  const primary = fleet.cluster(props.primaryCluster, 'primaryCluster');
  if (!Array.isArray(props.secondaryClusters) || props.secondaryClusters.length === 0) {
    fail(path, 'secondaryClusters', props.secondaryClusters, 'a non-empty list of cluster names of the fleet');
  }
  props.secondaryClusters.forEach((n, i) => {
    if (n === props.primaryCluster) {
      fail(path, `secondaryClusters[${i}]`, n, `a cluster other than the primary "${props.primaryCluster}" (a primary cannot be its own secondary)`);
    }
    if (props.secondaryClusters.indexOf(n) !== i) {
      fail(path, `secondaryClusters[${i}]`, n, 'a cluster not listed before');
    }
  });
  return { primary, secondaries: props.secondaryClusters.map((n, i) => fleet.cluster(n, `secondaryClusters[${i}]`)) };
}

/** The global service's DNS follows the policy: k8gb failover to the primary's geo tag, in every cluster of the policy. */
function checkGlobalService(path: string, gs: GlobalService, primary: FleetCluster, secondaries: FleetCluster[]): void {
  const s = gs.strategy;
  if (!gs.usesK8gb || !s || s.type !== GslbStrategyType.FAILOVER || s.primaryGeoTag !== primary.geoTag) {
    fail(path, 'globalService', gs.node.path,
      `a global service with k8gb DNS strategy GslbStrategy.failover(${JSON.stringify(primary.geoTag)}) (the primary's geo tag), `
      + `but it has ${s ? (s.type + (s.primaryGeoTag ? ` ${JSON.stringify(s.primaryGeoTag)}` : '')) : 'no DNS'}${gs.usesK8gb ? '' : ' without k8gb'}`);
  }
  for (const c of [primary, ...secondaries]) {
    if (!gs.clusters.includes(c)) {
      fail(path, 'globalService', gs.node.path, `a global service running in every cluster of the policy, but it does not run in "${c.name}"`);
    }
  }
}

/** The `spec` of the FailoverPolicy object. */
export function renderFailoverPolicySpec(plan: FailoverPolicyPlan): any {
  const spec: any = {
    primaryCluster: plan.primary.name,
    secondaryClusters: plan.secondaries.map((c) => c.name),
    healthCheck: {
      endpoint: plan.healthCheckPath,
      interval: `${plan.intervalSeconds}s`,
      timeout: `${plan.timeoutSeconds}s`,
      failureThreshold: plan.failureThreshold,
    },
    autoFailover: plan.autoFailover,
  };
  if (plan.slackChannel !== undefined) {
    spec.notifications = { slack: { channel: plan.slackChannel } };
  }
  return spec;
}
