import { deploy, netpol, ns } from './fixtures';
import { ReachabilityAnalyzer } from '../../src/analysis';

function service(namespace: string, name: string, spec: any, annotations?: any): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec };
}

/** An east-west gateway behind a source-ranged LoadBalancer, an open web LoadBalancer, an internal api. */
function objects(extra: any[] = []): any[] {
  return [
    ns('istio-system'), ns('shop'),
    deploy('istio-system', 'eastwest', { labels: { istio: 'eastwestgateway' }, ports: [{ name: 'tls', containerPort: 15443 }, { name: 'status', containerPort: 15021 }] }),
    deploy('shop', 'web', { labels: { app: 'web' } }),
    deploy('shop', 'api', { labels: { app: 'api' } }),
    service('istio-system', 'eastwest', {
      type: 'LoadBalancer',
      selector: { istio: 'eastwestgateway' },
      ports: [{ name: 'tls', port: 15443, targetPort: 'tls' }],
      loadBalancerSourceRanges: ['203.0.113.0/24', '198.51.100.0/25'],
    }),
    service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
    service('shop', 'api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] }),
    ...extra,
  ];
}

describe('loadBalancerSourceRanges: External reaches the pods of a source-ranged LoadBalancer only from its ranges, on its ports', () => {
  const an = ReachabilityAnalyzer.fromObjects(objects());

  test('from inside a range: only the Service target ports (named targetPort resolved)', () => {
    expect(an.isAllowed('203.0.113.7', 'istio-system/eastwest', '15443')).toBe(true);
    expect(an.isAllowed('198.51.100.1', 'istio-system/eastwest', '15443')).toBe(true);
    expect(an.isAllowed('203.0.113.7', 'istio-system/eastwest', '15021')).toBe(false);
    expect(an.isAllowed('203.0.113.7', 'istio-system/eastwest', 'UDP/15443')).toBe(false);
    expect(an.toText()).toContain('203.0.113.0-203.0.113.255[External] => istio-system/eastwest[Deployment] : TCP 15443');
  });

  test('from outside the ranges: nothing', () => {
    expect(an.isAllowed('8.8.8.8', 'istio-system/eastwest')).toBe(false);
    expect(an.isAllowed('198.51.100.200', 'istio-system/eastwest')).toBe(false);
    expect(an.explain('8.8.8.8', 'istio-system/eastwest').reasons.join('\n')).toContain('only through LoadBalancer Service istio-system/eastwest (203.0.113.0-203.0.113.255, 198.51.100.0-198.51.100.127) (loadBalancerSourceRanges): from 0.0.0.0-198.51.99.255[External] none of them admits it');
  });

  test('pods behind an open LoadBalancer or no LoadBalancer: as before (NetworkPolicies decide)', () => {
    expect(an.isAllowed('8.8.8.8', 'shop/web', '9999')).toBe(true);
    expect(an.isAllowed('8.8.8.8', 'shop/api')).toBe(true);
  });

  test('cluster traffic is not limited by the ranges', () => {
    expect(an.isAllowed('shop/web', 'istio-system/eastwest', '15021')).toBe(true);
  });

  test('NetworkPolicies still apply on top of the ranges', () => {
    const np = netpol('istio-system', 'eastwest', {
      podSelector: { matchLabels: { istio: 'eastwestgateway' } },
      ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/28' } }], ports: [{ port: 15443 }] }],
    });
    const a = ReachabilityAnalyzer.fromObjects(objects([np]));
    expect(a.isAllowed('203.0.113.7', 'istio-system/eastwest', '15443')).toBe(true);
    expect(a.isAllowed('203.0.113.100', 'istio-system/eastwest', '15443')).toBe(false);
    expect(a.isAllowed('198.51.100.1', 'istio-system/eastwest', '15443')).toBe(false);
  });

  test('a NodePort Service (or an open LoadBalancer) exposing the same pods lifts the limit', () => {
    const np = service('istio-system', 'eastwest-np', { type: 'NodePort', selector: { istio: 'eastwestgateway' }, ports: [{ port: 15021 }] });
    const a = ReachabilityAnalyzer.fromObjects(objects([np]));
    expect(a.isAllowed('8.8.8.8', 'istio-system/eastwest', '15021')).toBe(true);
  });

  test('the legacy annotation counts when the field is empty', () => {
    const objs = objects().map((o) => (o.kind === 'Service' && o.metadata.name === 'web'
      ? service('shop', 'web', { ...o.spec }, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '192.0.2.0/24' }) : o));
    const a = ReachabilityAnalyzer.fromObjects(objs);
    expect(a.isAllowed('192.0.2.9', 'shop/web', '8080')).toBe(true);
    expect(a.isAllowed('192.0.2.9', 'shop/web', '9999')).toBe(false);
    expect(a.isAllowed('8.8.8.8', 'shop/web')).toBe(false);
  });

  test('a bad range is an error naming the Service and field', () => {
    const bad = service('shop', 'bad', { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 80 }], loadBalancerSourceRanges: ['300.0.0.0/8'] });
    expect(() => ReachabilityAnalyzer.fromObjects(objects([bad]))).toThrow(/Service shop\/bad\.spec\.loadBalancerSourceRanges\[0\]/);
  });
});
