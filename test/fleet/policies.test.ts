import * as fs from 'fs';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  FailoverPolicy, FailoverPolicyProps, Fleet, FleetCrdKind, FleetCrds, GlobalService, GslbStrategy,
  ReplicationPolicy, ReplicationPolicyProps,
} from '../../src';
import { cronProblem } from '../../src/fleet/cron';
import { errorOf, expectInvalid, expectValid, synthAndValidate } from '../util';
import { seedFleet, seedSample } from './fixtures';

const failoverProps: FailoverPolicyProps = {
  name: 'global-failover', primaryCluster: 'asia-east', secondaryClusters: ['europe-west', 'us-east'],
};

const replicationProps: ReplicationPolicyProps = {
  name: 'user-data-replication',
  source: { cluster: 'asia-east', namespace: 'database', service: 'user-db' },
  destinations: [
    { cluster: 'europe-west', namespace: 'database', service: 'user-db-replica' },
    { cluster: 'us-east', namespace: 'database', service: 'user-db-replica' },
  ],
  schedule: '*/15 * * * *',
};

function kinds(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

describe('shipped CRDs', () => {
  test.each(FleetCrds.ALL)('crds/cdk8s-zero-trust file of %s equals what the code emits', (kind) => {
    const file = path.join(__dirname, '..', '..', 'crds', 'cdk8s-zero-trust', FleetCrds.fileName(kind));
    expect(fs.readFileSync(file, 'utf8')).toBe(FleetCrds.yaml(kind));
  });

  test('the CRDs are valid CustomResourceDefinitions with a structural schema', () => {
    const crds = FleetCrds.ALL.map((k) => FleetCrds.definition(k));
    expectValid(crds);
    expect(crds.map((c) => c.metadata.name)).toEqual(['failoverpolicies.failover.k8s', 'replicationpolicies.replication.database']);
    // Kubernetes forbids additionalProperties: false; structural schemas prune unknown fields instead
    expect(JSON.stringify(crds)).not.toContain('additionalProperties');
  });

  test('each chart that needs a CRD gets it once, before the objects', () => {
    const { fleet } = seedSample();
    for (const c of fleet.clusters) {
      const objs = synthAndValidate(c.chart);
      const crds = kinds(objs, 'CustomResourceDefinition').map((o) => o.metadata.name);
      expect(crds).toEqual(['failoverpolicies.failover.k8s', 'replicationpolicies.replication.database']);
      const idx = (k: string): number => objs.findIndex((o) => o.kind === k);
      expect(idx('CustomResourceDefinition')).toBeLessThan(idx('FailoverPolicy'));
    }
  });

  test('our objects validate against the CRDs we ship (and what they forbid is caught)', () => {
    const { fleet } = seedSample();
    const objs = fleet.cluster('asia-east').chart.toJson();
    const crds = kinds(objs, 'CustomResourceDefinition');
    const fp = kinds(objs, 'FailoverPolicy')[0];
    expectValid([...crds, fp]);
    expectInvalid([...crds, { ...fp, spec: { ...fp.spec, healthCheck: { ...fp.spec.healthCheck, interval: 'thirty' } } }], 'must match pattern');
    expectInvalid([...crds, { ...fp, spec: { ...fp.spec, secondaryClusters: [] } }], 'secondaryClusters');
    const rp = kinds(objs, 'ReplicationPolicy')[0];
    expectInvalid([...crds, { ...rp, spec: { ...rp.spec, schedule: 'every 15 minutes' } }], 'must match pattern');
    expectInvalid([...crds, { ...rp, spec: { ...rp.spec, unknown: 1 } }], 'unknown');
  });
});

describe('FailoverPolicy (S24)', () => {
  test('the seed\'s policy, in the primary and every secondary cluster', () => {
    const { fleet, failover } = seedSample();
    expect(failover.primary.name).toBe('asia-east');
    for (const c of fleet.clusters) {
      const [fp] = kinds(synthAndValidate(c.chart), 'FailoverPolicy');
      expect(fp.apiVersion).toBe('failover.k8s/v1');
      expect(fp.metadata).toEqual({ name: 'global-failover', namespace: 'frontend' });
      expect(fp.spec).toEqual({
        primaryCluster: 'asia-east',
        secondaryClusters: ['europe-west', 'us-east'],
        healthCheck: { endpoint: '/healthz', interval: '30s', timeout: '10s', failureThreshold: 3 },
        autoFailover: true,
        notifications: { slack: { channel: '#ops-alerts' } },
      });
    }
  });

  test('only involved clusters get it; defaults', () => {
    const fleet = seedFleet();
    new FailoverPolicy(fleet, 'fo', { name: 'fo', primaryCluster: 'europe-west', secondaryClusters: ['us-east'] });
    expect(kinds(synthAndValidate(fleet.cluster('asia-east').chart), 'FailoverPolicy')).toEqual([]);
    const [fp] = kinds(synthAndValidate(fleet.cluster('us-east').chart), 'FailoverPolicy');
    expect(fp.metadata.namespace).toBe('default');
    expect(fp.spec.healthCheck).toEqual({ endpoint: '/healthz', interval: '30s', timeout: '10s', failureThreshold: 3 });
  });

  test('readiness probe on the health path carries the same intent', () => {
    const { failover } = seedSample();
    const probe = failover.readinessProbe(8080)._toKube({ portNumber: 8080 } as any);
    expect(probe).toEqual(expect.objectContaining({
      httpGet: expect.objectContaining({ path: '/healthz', port: expect.anything() }),
      periodSeconds: 30,
      timeoutSeconds: 10,
      failureThreshold: 3,
    }));
  });

  test('a primary listed as its own secondary', () => {
    const e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, secondaryClusters: ['europe-west', 'asia-east'] }));
    expect(e.field).toBe('secondaryClusters[1]');
    expect(e.message).toContain('"asia-east"');
    expect(e.message).toContain('own secondary');
  });

  test('bad input', () => {
    let e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, primaryCluster: 'mars' }));
    expect(e.field).toBe('primaryCluster');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, secondaryClusters: ['venus'] }));
    expect(e.field).toBe('secondaryClusters[0]');
    expect(e.message).toContain('"venus"');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, secondaryClusters: [] }));
    expect(e.field).toBe('secondaryClusters');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, secondaryClusters: ['us-east', 'us-east'] }));
    expect(e.field).toBe('secondaryClusters[1]');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, timeout: Duration.seconds(40) }));
    expect(e.field).toBe('timeout');
    expect(e.message).toContain('"40s"');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, healthCheckPath: 'healthz' }));
    expect(e.field).toBe('healthCheckPath');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, failureThreshold: 0 }));
    expect(e.field).toBe('failureThreshold');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, interval: Duration.millis(1500) }));
    expect(e.message).toContain('"1.5s"');
    expect(e.field).toBe('interval');
    e = errorOf(() => new FailoverPolicy(seedFleet(), 'fo', { ...failoverProps, slackChannel: 'Ops Alerts' }));
    expect(e.field).toBe('slackChannel');
  });

  test('the global service must fail over to the same primary (k8gb)', () => {
    const fleet = seedFleet(new App());
    const rr = new GlobalService(fleet, 'rr', {
      name: 'rr', namespace: 'web', port: 80, selector: { app: 'rr' }, dns: { hostname: 'rr.example.com' },
    });
    let e = errorOf(() => new FailoverPolicy(fleet, 'fo', { ...failoverProps, globalService: rr }));
    expect(e.field).toBe('globalService');
    expect(e.message).toContain('GslbStrategy.failover("asia")');
    expect(e.message).toContain('roundRobin');
    const partial = new GlobalService(fleet, 'partial', {
      name: 'partial',
      namespace: 'web',
      port: 80,
      selector: { app: 'p' },
      clusters: ['asia-east', 'europe-west'],
      dns: { hostname: 'p.example.com', strategy: GslbStrategy.failover('asia') },
    });
    e = errorOf(() => new FailoverPolicy(fleet, 'fo2', { ...failoverProps, globalService: partial }));
    expect(e.message).toContain('"us-east"');
  });
});

describe('ReplicationPolicy (S23)', () => {
  test('the seed\'s policy, encrypted by default, in source and destinations', () => {
    const { fleet, replication } = seedSample();
    expect(replication.destinationClusters.map((c) => c.name)).toEqual(['europe-west', 'us-east']);
    for (const c of fleet.clusters) {
      const [rp] = kinds(synthAndValidate(c.chart), 'ReplicationPolicy');
      expect(rp.apiVersion).toBe('replication.database/v1');
      expect(rp.metadata).toEqual({ name: 'user-data-replication', namespace: 'database' });
      expect(rp.spec).toEqual({
        source: { cluster: 'asia-east', namespace: 'database', service: 'user-db' },
        destinations: [
          { cluster: 'europe-west', namespace: 'database', service: 'user-db-replica' },
          { cluster: 'us-east', namespace: 'database', service: 'user-db-replica' },
        ],
        schedule: '*/15 * * * *',
        dataProtection: { encryption: true, dataMasking: { fields: ['credit_card', 'ssn'] } },
      });
    }
  });

  test('a destination that is not in the fleet', () => {
    const e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', {
      ...replicationProps, destinations: [{ cluster: 'mars', namespace: 'database', service: 'db' }],
    }));
    expect(e.field).toBe('destinations[0].cluster');
    expect(e.message).toContain('"mars"');
  });

  test('source and destinations are distinct clusters', () => {
    let e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', {
      ...replicationProps, destinations: [{ cluster: 'asia-east', namespace: 'database', service: 'replica' }],
    }));
    expect(e.field).toBe('destinations[0].cluster');
    expect(e.message).toContain('other than the source');
    e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', {
      ...replicationProps, destinations: [replicationProps.destinations[0], replicationProps.destinations[0]],
    }));
    expect(e.field).toBe('destinations[1].cluster');
    e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', { ...replicationProps, destinations: [] }));
    expect(e.field).toBe('destinations');
  });

  test.each(['every 15 minutes', '*/15 * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '*/0 * * * *', '5-1 * * * *', '@often'])(
    'a schedule that is not cron: %s', (schedule) => {
      const e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', { ...replicationProps, schedule }));
      expect(e.field).toBe('schedule');
      expect(e.message).toContain(JSON.stringify(schedule));
      expect(e.message).toContain('cron');
    });

  test.each(['*/15 * * * *', '0 3 * * 1-5', '0,30 8-18/2 1,15 JAN-JUN mon', '@daily', '0 0 * * 7', '  5  4 * * *  '])(
    'valid cron: %s', (schedule) => {
      expect(cronProblem(schedule)).toBeUndefined();
      const fleet = seedFleet();
      new ReplicationPolicy(fleet, 'r', { ...replicationProps, schedule });
      expectValid(fleet.cluster('asia-east').chart.toJson());
    });

  test('encryption cannot be turned off silently across regions', () => {
    const e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', { ...replicationProps, encryption: false }));
    expect(e.field).toBe('encryption');
    expect(e.message).toContain('asia-east -> europe-west, us-east');
    expect(e.message).toContain('allowUnencryptedCrossRegion');
    const fleet = seedFleet();
    new ReplicationPolicy(fleet, 'r', { ...replicationProps, encryption: false, allowUnencryptedCrossRegion: true });
    expect(kinds(synthAndValidate(fleet.cluster('us-east').chart), 'ReplicationPolicy')[0].spec.dataProtection).toEqual({ encryption: false });
  });

  test('unencrypted within one region needs no override', () => {
    const fleet = new Fleet(new App(), 'fleet', {
      clusters: [{ name: 'a', region: 'eu', geoTag: 'eu-a' }, { name: 'b', region: 'eu', geoTag: 'eu-b' }],
    });
    new ReplicationPolicy(fleet, 'r', {
      ...replicationProps,
      source: { cluster: 'a', namespace: 'db', service: 'db' },
      destinations: [{ cluster: 'b', namespace: 'db', service: 'db' }],
      encryption: false,
    });
    const objs = synthAndValidate(fleet.cluster('b').chart);
    expect(yaml.dump(objs)).toContain('encryption: false');
    expect(kinds(objs, 'CustomResourceDefinition').map((o) => o.metadata.name)).toEqual(['replicationpolicies.replication.database']);
  });

  test('bad masked fields', () => {
    const e = errorOf(() => new ReplicationPolicy(seedFleet(), 'r', { ...replicationProps, maskedFields: ['credit card'] }));
    expect(e.field).toBe('maskedFields[0]');
    expect(e.message).toContain('"credit card"');
  });
});

test('FleetCrdKind values', () => {
  expect(FleetCrdKind.FAILOVER_POLICY).toBe('FailoverPolicy');
});
