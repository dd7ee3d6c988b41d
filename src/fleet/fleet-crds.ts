import { ApiObject, Chart, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { checkArgs, t } from '../core/props-check';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
/** Loose 5-field cron or macro; the library checks ranges before emitting. */
const CRON = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*,/-]+( [0-9A-Za-z*,/-]+){4})$';

const dnsLabel = (description: string): any => ({ type: 'string', description, minLength: 1, maxLength: 63, pattern: DNS_LABEL });

const endpoint = (what: string): any => ({
  type: 'object',
  description: `The ${what} database service.`,
  required: ['cluster', 'namespace', 'service'],
  properties: {
    cluster: dnsLabel('Cluster name (as in the fleet plan).'),
    namespace: dnsLabel('Namespace of the service.'),
    service: dnsLabel('Name of the Service.'),
  },
});

/** Unknown fields are pruned: a structural schema without `additionalProperties` (Kubernetes forbids `false`) is closed. */
const statusSchema = {
  'type': 'object',
  'description': 'Observed state, written by the controller.',
  'x-kubernetes-preserve-unknown-fields': true,
};

function crd(group: string, kind: string, plural: string, singular: string, shortNames: string[], description: string, spec: any): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${group}`,
      labels: { 'app.kubernetes.io/part-of': 'cdk8s-zero-trust' },
    },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular, shortNames },
      scope: 'Namespaced',
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description,
            required: ['spec'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec,
              status: statusSchema,
            },
          },
        },
      }],
    },
  };
}

function failoverCrd(): any {
  return crd('failover.k8s', 'FailoverPolicy', 'failoverpolicies', 'failoverpolicy', ['fop'],
    'FailoverPolicy: which cluster serves a workload and which take over when its health check fails (shipped by cdk8s-zero-trust).', {
      type: 'object',
      required: ['primaryCluster', 'secondaryClusters', 'healthCheck'],
      properties: {
        primaryCluster: dnsLabel('The cluster that serves while healthy.'),
        secondaryClusters: {
          'type': 'array',
          'description': 'Clusters that take over, in order of preference; never the primary.',
          'minItems': 1,
          'x-kubernetes-list-type': 'set',
          'items': dnsLabel('A secondary cluster.'),
        },
        healthCheck: {
          type: 'object',
          required: ['endpoint', 'interval', 'timeout', 'failureThreshold'],
          properties: {
            endpoint: { type: 'string', description: 'HTTP path probed, e.g. /healthz.', pattern: '^/[^\\s]*$', maxLength: 1024 },
            interval: { type: 'string', description: 'Time between probes, e.g. 30s.', pattern: DURATION },
            timeout: { type: 'string', description: 'Probe timeout, e.g. 10s.', pattern: DURATION },
            failureThreshold: { type: 'integer', description: 'Consecutive failures before failing over.', minimum: 1, maximum: 100 },
          },
        },
        autoFailover: { type: 'boolean', description: 'Fail over without a human.', default: false },
        notifications: {
          type: 'object',
          properties: {
            slack: {
              type: 'object',
              required: ['channel'],
              properties: {
                channel: { type: 'string', description: 'Slack channel, e.g. #ops-alerts.', pattern: '^#?[a-z0-9][a-z0-9_-]{0,79}$' },
              },
            },
          },
        },
      },
    });
}

function replicationCrd(): any {
  return crd('replication.database', 'ReplicationPolicy', 'replicationpolicies', 'replicationpolicy', ['rpol'],
    'ReplicationPolicy: copy a database from one cluster to others on a schedule (shipped by cdk8s-zero-trust).', {
      type: 'object',
      required: ['source', 'destinations', 'schedule', 'dataProtection'],
      properties: {
        source: endpoint('source'),
        destinations: {
          'type': 'array',
          'description': 'Where replicas go; clusters distinct from the source.',
          'minItems': 1,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['cluster'],
          'items': endpoint('destination'),
        },
        schedule: { type: 'string', description: 'Cron schedule (5 fields), e.g. */15 * * * *.', pattern: CRON },
        dataProtection: {
          type: 'object',
          required: ['encryption'],
          properties: {
            encryption: { type: 'boolean', description: 'Encrypt data in transit and at rest on the replicas.' },
            dataMasking: {
              type: 'object',
              required: ['fields'],
              properties: {
                fields: {
                  'type': 'array',
                  'description': 'Fields masked in the replicas.',
                  'x-kubernetes-list-type': 'set',
                  'items': { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' },
                },
              },
            },
          },
        },
      },
    });
}

/**
 * Kinds of custom resource the library defines (APIs that belong to no existing product).
 */
export enum FleetCrdKind {
  /** `FailoverPolicy` (`failover.k8s/v1`). */
  FAILOVER_POLICY = 'FailoverPolicy',
  /** `ReplicationPolicy` (`replication.database/v1`). */
  REPLICATION_POLICY = 'ReplicationPolicy',
}

/**
 * The CustomResourceDefinitions the library ships, so that a cluster accepts the objects of
 * APIs that belong to no existing product. The same definitions are in the package's
 * `crds/cdk8s-zero-trust/` folder (for Helm charts' `crds/`).
 */
export class FleetCrds {
  /**
   * Every kind the library ships a CRD for.
   */
  public static readonly ALL: FleetCrdKind[] = [FleetCrdKind.FAILOVER_POLICY, FleetCrdKind.REPLICATION_POLICY];

  /**
   * The CRD of a kind, as a plain object (a fresh copy).
   *
   * @param kind the kind
   */
  public static definition(kind: FleetCrdKind): any {
    checkArgs('FleetCrds.definition', ['kind', kind, t.required(t.enumOf('FleetCrdKind', () => FleetCrdKind))]);
    return kind === FleetCrdKind.FAILOVER_POLICY ? failoverCrd() : replicationCrd();
  }

  /**
   * The CRD of a kind as YAML: the content of `crds/cdk8s-zero-trust/<file>`.
   *
   * @param kind the kind
   */
  public static yaml(kind: FleetCrdKind): string {
    checkArgs('FleetCrds.yaml', ['kind', kind, t.required(t.enumOf('FleetCrdKind', () => FleetCrdKind))]);
    return Yaml.stringify(FleetCrds.definition(kind));
  }

  /**
   * The file name of a kind's CRD under `crds/cdk8s-zero-trust/` (`<group>_<plural>.yaml`).
   *
   * @param kind the kind
   */
  public static fileName(kind: FleetCrdKind): string {
    checkArgs('FleetCrds.fileName', ['kind', kind, t.required(t.enumOf('FleetCrdKind', () => FleetCrdKind))]);
    const d = FleetCrds.definition(kind);
    return `${d.spec.group}_${d.spec.names.plural}.yaml`;
  }

  /**
   * The CRD of a kind in a chart, added once (later calls return the same object).
   *
   * @param chart the chart (a cluster's chart)
   * @param kind the kind
   */
  public static ensure(chart: Chart, kind: FleetCrdKind): ApiObject {
    checkArgs('FleetCrds.ensure', ['chart', chart, t.required(t.instanceOf('Chart', () => Chart))], ['kind', kind, t.required(t.enumOf('FleetCrdKind', () => FleetCrdKind))]);
    const id = `crd-${kind.toLowerCase()}`;
    const existing = chart.node.tryFindChild(id);
    if (existing) {
      return existing as ApiObject;
    }
    const d = FleetCrds.definition(kind);
    const { apiVersion, kind: k, metadata, ...rest } = d;
    return new ApiObject(chart as Construct, id, { apiVersion, kind: k, metadata, ...rest });
  }

  private constructor() {}
}
