import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ApplyOrder, Cidr, Fleet } from '../../src';
import { errorOf, expectValid, synthAndValidate } from '../util';
import { seedFleet, seedSample } from './fixtures';
import { byObjectKey } from '../util/snapshot';

function fleetOf(clusters: any[], extra: any = {}): Fleet {
  return new Fleet(new App(), 'fleet', { clusters, ...extra });
}

describe('Fleet cluster plan (S13)', () => {
  test('keeps the seed\'s CIDRs and emits the seed\'s kind configs', () => {
    const fleet = seedFleet();
    expect(fleet.clusters.map((c) => [c.name, c.podCidr, c.serviceCidr])).toEqual([
      ['asia-east', '10.1.0.0/16', '10.101.0.0/16'],
      ['europe-west', '10.2.0.0/16', '10.102.0.0/16'],
      ['us-east', '10.3.0.0/16', '10.103.0.0/16'],
    ]);
    const kind = yaml.load(fleet.kindConfig('asia-east')) as any;
    expect(kind).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'asia-east',
      networking: { podSubnet: '10.1.0.0/16', serviceSubnet: '10.101.0.0/16' },
    });
  });

  test('allocates missing CIDRs from the supernets, around the given ones, never overlapping', () => {
    const fleet = fleetOf([
      { name: 'a', region: 'r1' },
      { name: 'b', region: 'r2', podCidr: '10.0.0.0/16' },
      { name: 'c', region: 'r3', serviceCidr: '10.128.0.0/16' },
    ]);
    expect(fleet.clusters.map((c) => [c.podCidr, c.serviceCidr])).toEqual([
      ['10.1.0.0/16', '10.129.0.0/16'],
      ['10.0.0.0/16', '10.130.0.0/16'],
      ['10.2.0.0/16', '10.128.0.0/16'],
    ]);
    const all = fleet.clusters.flatMap((c) => [c.podCidrBlock, c.serviceCidrBlock]);
    all.forEach((x, i) => all.forEach((y, j) => expect(i === j || !x.overlaps(y)).toBe(true)));
  });

  test('custom supernets and prefix lengths', () => {
    const fleet = fleetOf([{ name: 'a', region: 'r1' }, { name: 'b', region: 'r2' }], {
      podSupernet: Cidr.of('172.16.0.0/12'),
      podPrefixLength: 14,
      serviceSupernet: Cidr.of('192.168.0.0/16'),
      servicePrefixLength: 20,
    });
    expect(fleet.clusters.map((c) => [c.podCidr, c.serviceCidr])).toEqual([
      ['172.16.0.0/14', '192.168.0.0/20'],
      ['172.20.0.0/14', '192.168.16.0/20'],
    ]);
  });

  test('IPv6 plan: kind config says ipFamily ipv6', () => {
    const fleet = fleetOf([{ name: 'v6', region: 'r', podCidr: 'fd00:10::/56', serviceCidr: 'fd00:20::/112' }]);
    expect((yaml.load(fleet.kindConfig('v6')) as any).networking).toEqual({
      ipFamily: 'ipv6', podSubnet: 'fd00:10::/56', serviceSubnet: 'fd00:20::/112',
    });
  });

  test('defaults: network per cluster, geo tag = region', () => {
    const c = fleetOf([{ name: 'a', region: 'eu' }]).cluster('a');
    expect([c.network, c.geoTag, c.region]).toEqual(['a-network', 'eu', 'eu']);
  });

  test('overlapping CIDRs: the error names both clusters and both CIDRs', () => {
    const e = errorOf(() => fleetOf([
      { name: 'one', region: 'r1', podCidr: '10.1.0.0/16', serviceCidr: '10.101.0.0/16' },
      { name: 'two', region: 'r2', podCidr: '10.1.128.0/17', serviceCidr: '10.102.0.0/16' },
    ]));
    expect(e.field).toBe('clusters[1].podCidr');
    expect(e.message).toContain('"10.1.128.0/17"');
    expect(e.message).toContain('cluster "two" podCidr 10.1.128.0/17 overlaps cluster "one" podCidr 10.1.0.0/16');
  });

  test('a cluster\'s pod CIDR overlapping another\'s service CIDR is caught too', () => {
    const e = errorOf(() => fleetOf([
      { name: 'one', region: 'r1', podCidr: '10.1.0.0/16', serviceCidr: '10.101.0.0/16' },
      { name: 'two', region: 'r2', podCidr: '10.101.0.0/16' },
    ]));
    expect(e.message).toContain('cluster "two" podCidr 10.101.0.0/16 overlaps cluster "one" serviceCidr 10.101.0.0/16');
  });

  test('a cluster named twice', () => {
    const e = errorOf(() => fleetOf([{ name: 'dup', region: 'r1' }, { name: 'dup', region: 'r2' }]));
    expect(e.field).toBe('clusters[1].name');
    expect(e.message).toContain('"dup"');
    expect(e.message).toContain('clusters[0]');
  });

  test('bad names, regions, CIDRs and geo tags', () => {
    expect(errorOf(() => fleetOf([{ name: 'Bad_Name', region: 'r' }])).field).toBe('clusters[0].name');
    expect(errorOf(() => fleetOf([{ name: 'a', region: '' }])).field).toBe('clusters[0].region');
    expect(errorOf(() => fleetOf([{ name: 'a', region: 'r', podCidr: '10.1.0.1/16' }])).message).toContain('10.1.0.0/16');
    expect(errorOf(() => fleetOf([{ name: 'a', region: 'r', podCidr: '10.1.0.0/26' }])).field).toBe('clusters[0].podCidr');
    expect(errorOf(() => fleetOf([{ name: 'a', region: 'r', serviceCidr: '10.0.0.0/8' }])).message).toContain('/12');
    expect(errorOf(() => fleetOf([{ name: 'a', region: 'same' }, { name: 'b', region: 'same' }])).field).toBe('clusters[1].geoTag');
    expect(errorOf(() => fleetOf([])).field).toBe('clusters');
    expect(errorOf(() => fleetOf([{ name: 'a', region: 'r', podCidr: '10.1.0.0/16', serviceCidr: 'fd00::/112' }])).message).toContain('same IP family');
  });

  test('a full supernet is reported', () => {
    const e = errorOf(() => fleetOf([{ name: 'a', region: 'r1' }, { name: 'b', region: 'r2' }], { podSupernet: Cidr.of('10.0.0.0/16') }));
    expect(e.field).toBe('clusters[1].podCidr');
    expect(e.message).toContain('no free /16');
  });

  test('an unknown cluster name lists the known ones', () => {
    const e = errorOf(() => seedFleet().cluster('mars'));
    expect(e.message).toContain('"mars"');
    expect(e.message).toContain('"asia-east", "europe-west", "us-east"');
  });

  test('one chart per cluster; synthClusters writes manifests and kind config per cluster', () => {
    const { app, fleet } = seedSample();
    expect(app.charts.map((c) => c.node.id).sort()).toEqual(['asia-east', 'europe-west', 'us-east']);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
    try {
      const dirs = fleet.synthClusters(out);
      expect(dirs).toEqual(['asia-east', 'europe-west', 'us-east'].map((n) => path.join(out, n)));
      for (const c of fleet.clusters) {
        const docs = yaml.loadAll(fs.readFileSync(path.join(out, c.name, 'manifests.k8s.yaml'), 'utf8')) as any[];
        expectValid(docs);
        expect(docs).toEqual(ApplyOrder.sort(c.chart.toJson()));
        expect(ApplyOrder.problems(docs)).toEqual([]);
        expect(fs.readFileSync(path.join(out, c.name, 'kind-config.yaml'), 'utf8')).toBe(fleet.kindConfig(c.name));
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test.each([
    ['asia-east', '10.1.0.0/16', '10.101.0.0/16'],
    ['europe-west', '10.2.0.0/16', '10.102.0.0/16'],
    ['us-east', '10.3.0.0/16', '10.103.0.0/16'],
  ])('cluster %s: snapshot (objects keyed by kind, namespace, name), CIDRs, global service, policies', (name, podCidr, serviceCidr) => {
    const { fleet } = seedSample();
    const objs = synthAndValidate(fleet.cluster(name).chart);
    expect({ kind: fleet.kindConfig(name), manifests: byObjectKey(objs) }).toMatchSnapshot();
    expect(yaml.load(fleet.kindConfig(name))).toMatchObject({ kind: 'Cluster', name, networking: { podSubnet: podCidr, serviceSubnet: serviceCidr } });
    // S15: the global service in every cluster: published by external-dns under this cluster's identifier, TLS at the ingress
    const one = (kind: string) => objs.filter((o) => o.kind === kind);
    expect(one('Service').map((o) => [o.spec.type, o.spec.ports, o.metadata.annotations['external-dns.alpha.kubernetes.io/set-identifier']]))
      .toEqual([['LoadBalancer', [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], name]]);
    expect(one('Ingress').map((o) => [o.spec.rules.map((r: any) => r.host), o.spec.tls])).toEqual([[['shop.example.com'], [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]]]);
    expect(one('Gslb').map((o) => o.spec.strategy)).toEqual([{ type: 'failover', primaryGeoTag: 'asia', dnsTtlSeconds: 30 }]);
    // S23/S24: the same failover and replication plan in every cluster, with the CRDs that define them
    expect(one('FailoverPolicy').map((o) => [o.spec.primaryCluster, o.spec.secondaryClusters])).toEqual([['asia-east', ['europe-west', 'us-east']]]);
    expect(one('ReplicationPolicy').map((o) => [o.spec.source.cluster, o.spec.destinations.map((d: any) => d.cluster), o.spec.dataProtection.dataMasking.fields]))
      .toEqual([['asia-east', ['europe-west', 'us-east'], ['credit_card', 'ssn']]]);
    expect(one('CustomResourceDefinition').map((o) => o.metadata.name).sort()).toEqual(['failoverpolicies.failover.k8s', 'replicationpolicies.replication.database']);
  });
});
