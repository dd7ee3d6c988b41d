import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FleetCluster } from './fleet-cluster';
import { FleetCrdKind, FleetCrds } from './fleet-crds';
import { fleetScope } from './fleet-scope';
import { REPLICATION_POLICY_PROPS } from './props-specs';
import { planReplicationPolicy, renderReplicationPolicySpec } from './replication-policy-plan';
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
    checkConstruct(this, 'ReplicationPolicyProps', props, REPLICATION_POLICY_PROPS);
    const plan = planReplicationPolicy(this.node.path, fleet, props);
    this.sourceCluster = plan.sourceCluster;
    this.destinationClusters = plan.destinationClusters;

    const spec = renderReplicationPolicySpec(plan);
    const involved = fleet.clusters.filter((c) => c === this.sourceCluster || this.destinationClusters.includes(c));
    for (const c of involved) {
      const crd = FleetCrds.ensure(c.chart, FleetCrdKind.REPLICATION_POLICY);
      const obj = new ApiObject(c.chart, `replication-policy-${objectId}`, {
        apiVersion: 'replication.database/v1',
        kind: 'ReplicationPolicy',
        metadata: { name: plan.name, namespace: plan.namespace },
        spec,
      });
      obj.addDependency(crd);
    }
  }
}
