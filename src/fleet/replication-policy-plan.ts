/**
 * Validation of ReplicationPolicyProps into a plan (pure data) and the ReplicationPolicy object's
 * spec rendered from it (not exported from the package index).
 */
import { CRON_EXPECTED, cronProblem } from './cron';
import type { Fleet } from './fleet';
import type { FleetCluster } from './fleet-cluster';
import type { ReplicationEndpoint, ReplicationPolicyProps } from './replication-policy';
import { fail, validateDns1123Label } from '../core/validate';

/** A ReplicationPolicy's props, checked, defaults applied. */
export interface ReplicationPolicyPlan {
  readonly name: string;
  readonly namespace: string;
  readonly source: ReplicationEndpoint;
  readonly destinations: ReplicationEndpoint[];
  readonly sourceCluster: FleetCluster;
  readonly destinationClusters: FleetCluster[];
  readonly schedule: string;
  readonly encryption: boolean;
  readonly maskedFields: string[];
}

/** Checks `props` (in the order of its fields) and applies the defaults. */
export function planReplicationPolicy(path: string, fleet: Fleet, props: ReplicationPolicyProps): ReplicationPolicyPlan {
  validateDns1123Label(path, 'name', props.name);
  const sourceCluster = checkEndpoint(path, fleet, 'source', props.source);
  const namespace = props.namespace ?? props.source.namespace;
  validateDns1123Label(path, 'namespace', namespace);
  if (!Array.isArray(props.destinations) || props.destinations.length === 0) {
    fail(path, 'destinations', props.destinations, 'a non-empty list of destinations in clusters of the fleet');
  }
  const destinationClusters = props.destinations.map((d, i) => {
    const c = checkEndpoint(path, fleet, `destinations[${i}]`, d);
    if (c === sourceCluster) {
      fail(path, `destinations[${i}].cluster`, d.cluster, `a cluster other than the source "${props.source.cluster}"`);
    }
    const j = props.destinations.findIndex((x) => x.cluster === d.cluster);
    if (j !== i) {
      fail(path, `destinations[${i}].cluster`, d.cluster, `a cluster not already a destination (destinations[${j}])`);
    }
    return c;
  });
  const problem = cronProblem(props.schedule);
  if (problem !== undefined) {
    fail(path, 'schedule', props.schedule, `${CRON_EXPECTED} (${problem})`);
  }
  const encryption = props.encryption ?? true;
  if (!encryption) {
    const crossing = destinationClusters.filter((c) => c.region !== sourceCluster.region);
    if (crossing.length > 0 && props.allowUnencryptedCrossRegion !== true) {
      fail(path, 'encryption', false,
        `true, because data would cross regions in clear (${sourceCluster.region} -> ${crossing.map((c) => c.region).join(', ')}); `
        + 'set allowUnencryptedCrossRegion: true to accept that explicitly');
    }
  }
  const maskedFields = props.maskedFields ?? [];
  checkMaskedFields(path, maskedFields);
  return {
    name: props.name,
    namespace,
    source: props.source,
    destinations: props.destinations,
    sourceCluster,
    destinationClusters,
    schedule: props.schedule,
    encryption,
    maskedFields,
  };
}

/** An endpoint: a cluster of the fleet, a namespace and a Service name. */
function checkEndpoint(path: string, fleet: Fleet, field: string, e: ReplicationEndpoint): FleetCluster {
  if (!e || typeof e !== 'object') fail(path, field, e, 'a { cluster, namespace, service } object');
  const c = fleet.cluster(e.cluster, `${field}.cluster`);
  validateDns1123Label(path, `${field}.namespace`, e.namespace);
  validateDns1123Label(path, `${field}.service`, e.service);
  return c;
}

function checkMaskedFields(path: string, masked: string[]): void {
  masked.forEach((f, i) => {
    if (typeof f !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(f) || f.length > 253) {
      fail(path, `maskedFields[${i}]`, f, 'a field name: a letter or \'_\', then letters, digits, \'_\' or \'.\'');
    }
    if (masked.indexOf(f) !== i) fail(path, `maskedFields[${i}]`, f, 'a field not listed before');
  });
}

/** The `spec` of the ReplicationPolicy object (the schedule's fields separated by one space). */
export function renderReplicationPolicySpec(plan: ReplicationPolicyPlan): any {
  const dataProtection: any = { encryption: plan.encryption };
  if (plan.maskedFields.length > 0) {
    dataProtection.dataMasking = { fields: [...plan.maskedFields] };
  }
  return {
    source: { cluster: plan.source.cluster, namespace: plan.source.namespace, service: plan.source.service },
    destinations: plan.destinations.map((d) => ({ cluster: d.cluster, namespace: d.namespace, service: d.service })),
    schedule: plan.schedule.trim().split(/\s+/).join(' '),
    dataProtection,
  };
}
