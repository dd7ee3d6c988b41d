import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  FailoverPolicy, FailoverPolicyProps, GlobalService, GlobalServiceProps, ReplicationPolicy, ReplicationPolicyProps,
} from '../../src';
import { errorOf, synthAndValidate } from '../util';
import { seedFleet } from './fixtures';

const service: GlobalServiceProps = { name: 'frontend', namespace: 'frontend', port: 80, selector: { app: 'frontend' } };
const failover: FailoverPolicyProps = { name: 'fo', primaryCluster: 'asia-east', secondaryClusters: ['us-east'] };
const replication: ReplicationPolicyProps = {
  name: 'rp',
  source: { cluster: 'asia-east', namespace: 'database', service: 'user-db' },
  destinations: [{ cluster: 'us-east', namespace: 'database', service: 'user-db-replica' }],
  schedule: '*/15 * * * *',
};

function names(objs: any[], kind: string): string[] {
  return objs.filter((o) => o.kind === kind).map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
}

describe('fleet-wide constructs take (scope, id, props)', () => {
  test('made in a construct inside the fleet, they find the fleet; the same id in two scopes does not collide', () => {
    const fleet = seedFleet();
    for (const team of ['team-a', 'team-b']) {
      const scope = new Construct(new Construct(fleet, team), 'global');
      new GlobalService(scope, 'svc', { ...service, name: `${team}-web`, namespace: team });
      new FailoverPolicy(scope, 'failover', { ...failover, name: `${team}-fo`, namespace: team });
      new ReplicationPolicy(scope, 'replication', { ...replication, name: `${team}-rp` });
    }
    const asia = synthAndValidate(fleet.cluster('asia-east').chart);
    expect(names(asia, 'Service')).toEqual(['team-a/team-a-web', 'team-b/team-b-web']);
    expect(names(asia, 'FailoverPolicy')).toEqual(['team-a/team-a-fo', 'team-b/team-b-fo']);
    expect(names(asia, 'ReplicationPolicy')).toEqual(['database/team-a-rp', 'database/team-b-rp']);
    expect(names(synthAndValidate(fleet.cluster('europe-west').chart), 'FailoverPolicy')).toEqual([]);
  });

  test('outside a fleet: a ValidationError naming the scope, never a TypeError', () => {
    const chart = Testing.chart();
    for (const make of [
      () => new GlobalService(chart, 'svc', service),
      () => new FailoverPolicy(chart, 'fo', failover),
      () => new ReplicationPolicy(chart, 'rp', replication),
    ]) {
      const e = errorOf(make);
      expect(e.name).toBe('ValidationError');
      expect(e.message).toMatch(/invalid scope "test\/(svc|fo|rp)": expected a construct inside a Fleet/);
    }
  });
});
