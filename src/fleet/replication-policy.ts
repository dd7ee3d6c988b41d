import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CRON_EXPECTED, cronProblem } from './cron';
import { FleetCluster } from './fleet-cluster';
import { FleetCrdKind, FleetCrds } from './fleet-crds';
import { fleetScope } from './fleet-scope';
import { REPLICATION_POLICY_PROPS } from './props-specs';
import { fail, validateDns1123Label } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

/**
 * A database service in a cluster of the fleet.
 */
export interface ReplicationEndpoint {
  /**
   * Cluster name (a cluster of the fleet).
   */
  readonly cluster: string;

  /**
   * Namespace of the database service.
   */
  readonly namespace: string;

  /**
   * Name of the database Service.
   */
  readonly service: string;
}

/**
 * Properties of a {@link ReplicationPolicy}.
 */
export interface ReplicationPolicyProps {
  /**
   * Name of the ReplicationPolicy object (a DNS-1123 label).
   */
  readonly name: string;

  /**
   * Namespace of the ReplicationPolicy object.
   *
   * @default - the source's namespace
   */
  readonly namespace?: string;

  /**
   * The database replicated.
   */
  readonly source: ReplicationEndpoint;

  /**
   * Where replicas go: clusters of the fleet, distinct from each other and from the source.
   */
  readonly destinations: ReplicationEndpoint[];

  /**
   * When to replicate: a 5-field cron schedule, e.g. `*\/15 * * * *`.
   */
  readonly schedule: string;

  /**
   * Encrypt the replicated data.
   *
   * @default true
   */
  readonly encryption?: boolean;

  /**
   * Allow `encryption: false` when a destination is in another region than the source
   * (data would cross regions in clear): required to turn encryption off across regions.
   *
   * @default false
   */
  readonly allowUnencryptedCrossRegion?: boolean;

  /**
   * Fields masked in the replicas, e.g. `credit_card`, `ssn`.
   *
   * @default - no masking
   */
  readonly maskedFields?: string[];
}

/**
 * A typed `ReplicationPolicy` (`replication.database/v1`), emitted with its CRD into the
 * chart of the source and of every destination cluster.
 *
 * Intent only: no controller ships with this library, so nothing acts on the object. Its
 * `maskedFields` and `encryption` are not enforced by anything in the output; the replication
 * itself is whatever the database does over the network path the flows open (in the sample,
 * plain Postgres 5432 through the WireGuard tunnel, which encrypts only the cross-region leg and
 * copies every column). Wire a real mechanism (logical replication with column lists, a masking
 * proxy, Postgres TLS) before relying on these fields.
 */
export class ReplicationPolicy extends Construct {
  /**
   * The source cluster.
   */
  public readonly sourceCluster: FleetCluster;

  /**
   * The destination clusters, in order.
   */
  public readonly destinationClusters: FleetCluster[];

  /**
   * @param scope the fleet, or a construct inside it
   * @param id construct id (unique in `scope`)
   * @param props the ReplicationPolicy properties
   */
  constructor(scope: Construct, id: string, props: ReplicationPolicyProps) {
    super(scope, id);
    const { fleet, id: objectId } = fleetScope(this);
    const p = this.node.path;
    checkConstruct(this, 'ReplicationPolicyProps', props, REPLICATION_POLICY_PROPS);
    validateDns1123Label(p, 'name', props.name);
    const checkEndpoint = (field: string, e: ReplicationEndpoint): FleetCluster => {
      if (!e || typeof e !== 'object') fail(p, field, e, 'a { cluster, namespace, service } object');
      const c = fleet.cluster(e.cluster, `${field}.cluster`);
      validateDns1123Label(p, `${field}.namespace`, e.namespace);
      validateDns1123Label(p, `${field}.service`, e.service);
      return c;
    };
    this.sourceCluster = checkEndpoint('source', props.source);
    const namespace = props.namespace ?? props.source.namespace;
    validateDns1123Label(p, 'namespace', namespace);
    if (!Array.isArray(props.destinations) || props.destinations.length === 0) {
      fail(p, 'destinations', props.destinations, 'a non-empty list of destinations in clusters of the fleet');
    }
    this.destinationClusters = props.destinations.map((d, i) => {
      const c = checkEndpoint(`destinations[${i}]`, d);
      if (c === this.sourceCluster) {
        fail(p, `destinations[${i}].cluster`, d.cluster, `a cluster other than the source "${props.source.cluster}"`);
      }
      const j = props.destinations.findIndex((x) => x.cluster === d.cluster);
      if (j !== i) {
        fail(p, `destinations[${i}].cluster`, d.cluster, `a cluster not already a destination (destinations[${j}])`);
      }
      return c;
    });
    const problem = cronProblem(props.schedule);
    if (problem !== undefined) {
      fail(p, 'schedule', props.schedule, `${CRON_EXPECTED} (${problem})`);
    }
    const encryption = props.encryption ?? true;
    if (!encryption) {
      const crossing = this.destinationClusters.filter((c) => c.region !== this.sourceCluster.region);
      if (crossing.length > 0 && props.allowUnencryptedCrossRegion !== true) {
        fail(p, 'encryption', false,
          `true, because data would cross regions in clear (${this.sourceCluster.region} -> ${crossing.map((c) => c.region).join(', ')}); `
          + 'set allowUnencryptedCrossRegion: true to accept that explicitly');
      }
    }
    const masked = props.maskedFields ?? [];
    masked.forEach((f, i) => {
      if (typeof f !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(f) || f.length > 253) {
        fail(p, `maskedFields[${i}]`, f, 'a field name: a letter or \'_\', then letters, digits, \'_\' or \'.\'');
      }
      if (masked.indexOf(f) !== i) fail(p, `maskedFields[${i}]`, f, 'a field not listed before');
    });

    const dataProtection: any = { encryption };
    if (masked.length > 0) {
      dataProtection.dataMasking = { fields: [...masked] };
    }
    const spec = {
      source: { cluster: props.source.cluster, namespace: props.source.namespace, service: props.source.service },
      destinations: props.destinations.map((d) => ({ cluster: d.cluster, namespace: d.namespace, service: d.service })),
      schedule: props.schedule.trim().split(/\s+/).join(' '),
      dataProtection,
    };
    const involved = fleet.clusters.filter((c) => c === this.sourceCluster || this.destinationClusters.includes(c));
    for (const c of involved) {
      const crd = FleetCrds.ensure(c.chart, FleetCrdKind.REPLICATION_POLICY);
      const obj = new ApiObject(c.chart, `replication-policy-${objectId}`, {
        apiVersion: 'replication.database/v1',
        kind: 'ReplicationPolicy',
        metadata: { name: props.name, namespace },
        spec,
      });
      obj.addDependency(crd);
    }
  }
}
