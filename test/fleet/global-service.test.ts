import { App, Duration } from 'cdk8s';
import { Fleet, GlobalService, GlobalServiceProps, GslbStrategy, GslbStrategyType, ValidationError } from '../../src';
import { synthAndValidate } from '../util';
import { seedFleet } from './fixtures';

const base: GlobalServiceProps = {
  name: 'frontend', namespace: 'frontend', port: 80, targetPort: 8080, selector: { app: 'frontend' },
};

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

function byKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

describe('GlobalService (S15)', () => {
  test('each cluster gets a LoadBalancer Service (80 -> 8080) and an MCS ServiceExport, not the seed annotation', () => {
    const fleet = seedFleet();
    new GlobalService(fleet, 'frontend', base);
    for (const c of fleet.clusters) {
      const objs = synthAndValidate(c.chart);
      const [svc] = byKind(objs, 'Service');
      expect(svc.spec.type).toBe('LoadBalancer');
      expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
      expect(svc.spec.selector).toEqual({ app: 'frontend' });
      expect(svc.metadata.annotations?.['multicluster.kubernetes.io/service-name']).toBeUndefined();
      const [exp] = byKind(objs, 'ServiceExport');
      expect(exp.apiVersion).toBe('multicluster.x-k8s.io/v1alpha1');
      expect(exp.metadata).toEqual({ name: 'frontend', namespace: 'frontend' });
      expect(byKind(objs, 'Gslb')).toEqual([]);
    }
  });

  test('k8gb roundRobin: a Gslb referencing an Ingress for the global host in every cluster', () => {
    const fleet = seedFleet();
    new GlobalService(fleet, 'frontend', { ...base, dns: { hostname: 'shop.example.com', ttl: Duration.seconds(60) } });
    for (const c of fleet.clusters) {
      const objs = synthAndValidate(c.chart);
      const [gslb] = byKind(objs, 'Gslb');
      expect(gslb.apiVersion).toBe('k8gb.io/v1beta1');
      expect(gslb.spec).toEqual({
        resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'frontend' },
        strategy: { type: 'roundRobin', dnsTtlSeconds: 60 },
      });
      const [ing] = byKind(objs, 'Ingress');
      expect(ing.metadata.name).toBe('frontend');
      expect(ing.spec.rules[0].host).toBe('shop.example.com');
      expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'frontend', port: { name: 'http' } });
      expect(ing.spec.tls).toBeUndefined();
    }
  });

  test('failover with the primary geo tag, TLS, external-dns annotations per cluster', () => {
    const fleet = seedFleet();
    const gs = new GlobalService(fleet, 'frontend', {
      ...base,
      clusters: ['asia-east', 'europe-west'],
      dns: { hostname: 'shop.example.com', strategy: GslbStrategy.failover('asia'), externalDns: true, tlsSecretName: 'shop-tls' },
    });
    expect(gs.clusters.map((c) => c.name)).toEqual(['asia-east', 'europe-west']);
    expect(gs.strategy?.type).toBe(GslbStrategyType.FAILOVER);
    const objs = synthAndValidate(fleet.cluster('europe-west').chart);
    expect(byKind(objs, 'Gslb')[0].spec.strategy).toEqual({ type: 'failover', primaryGeoTag: 'asia', dnsTtlSeconds: 30 });
    expect(byKind(objs, 'Service')[0].metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
      'external-dns.alpha.kubernetes.io/ttl': '30',
      'external-dns.alpha.kubernetes.io/set-identifier': 'europe-west',
    });
    expect(byKind(objs, 'Ingress')[0].spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    // not in us-east
    expect(synthAndValidate(fleet.cluster('us-east').chart)).toEqual([]);
    expect(gs.serviceIn('asia-east').kind).toBe('Service');
    expect(errorOf(() => gs.serviceIn('us-east')).field).toBe('cluster');
  });

  test('geoip strategy and external-dns only', () => {
    const fleet = seedFleet();
    new GlobalService(fleet, 'geo', { ...base, dns: { hostname: 'geo.example.com', strategy: GslbStrategy.geoip() } });
    expect(byKind(synthAndValidate(fleet.cluster('us-east').chart), 'Gslb')[0].spec.strategy.type).toBe('geoip');
    const f2 = seedFleet();
    new GlobalService(f2, 'edns', { ...base, dns: { hostname: 'x.example.com', k8gb: false, externalDns: true } });
    const objs = synthAndValidate(f2.cluster('us-east').chart);
    expect(byKind(objs, 'Gslb')).toEqual([]);
    expect(byKind(objs, 'Ingress')).toEqual([]);
    expect(byKind(objs, 'Service')[0].metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('x.example.com');
  });

  test('what the engines would reject', () => {
    const f = (): Fleet => seedFleet(new App());
    let e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', strategy: GslbStrategy.failover('mars') } }));
    expect(e.field).toBe('dns.strategy.primaryGeoTag');
    expect(e.message).toContain('"mars"');
    expect(e.message).toContain('"asia", "eu", "us"');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, clusters: ['europe-west'], dns: { hostname: 'x.example.com', strategy: GslbStrategy.failover('asia') } }));
    expect(e.field).toBe('dns.strategy.primaryGeoTag');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: '*.example.com' } }));
    expect(e.field).toBe('dns.hostname');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', ttl: Duration.millis(500) } }));
    expect(e.field).toBe('dns.ttl');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', k8gb: false } }));
    expect(e.field).toBe('dns');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', k8gb: false, externalDns: true, strategy: GslbStrategy.geoip() } }));
    expect(e.field).toBe('dns.strategy');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, clusters: ['asia-east', 'mars'] }));
    expect(e.field).toBe('clusters[1]');
    expect(e.message).toContain('"mars"');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, clusters: ['asia-east', 'asia-east'] }));
    expect(e.field).toBe('clusters[1]');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, selector: {} }));
    expect(e.field).toBe('selector');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, port: 70000 }));
    expect(e.field).toBe('port');
    expect(e.message).toContain('70000');
  });
});
