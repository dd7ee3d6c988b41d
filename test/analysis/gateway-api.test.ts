import { ReachabilityAnalyzer, ReachabilityAssertions } from '../../src';

const gateway = (gatewayClassName: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'shop', namespace: 'edge' },
  spec: {
    gatewayClassName,
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP' },
      { name: 'https-a', hostname: 'a.example.com', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'a' }] } },
      { name: 'https-b', hostname: 'b.example.com', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'b' }] } },
    ],
  },
});
const STRICT = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };

describe('analyzer: Gateway API gateways', () => {
  test('an Istio Gateway is modelled as the pods istiod deploys: <name>-istio, in the mesh, its listeners open to the outside under STRICT mTLS', () => {
    const a = ReachabilityAnalyzer.fromObjects([gateway('istio'), STRICT]);
    const reach = new ReachabilityAssertions(a);
    expect(a.peers()).toContain('edge/shop-istio[Deployment]');
    reach.assertAllowed('203.0.113.9', 'edge/shop-istio[Deployment]', '443');
    reach.assertAllowed('203.0.113.9', 'edge/shop-istio[Deployment]', '80');
    expect(a.explain('203.0.113.9', 'edge/shop-istio[Deployment]').reasons.join('\n')).toMatch(/gateway proxy/);
  });

  test('other classes are not modelled (their data plane is not known from the Gateway alone)', () => {
    expect(ReachabilityAnalyzer.fromObjects([gateway('eg')]).peers().some((p) => p.startsWith('edge/'))).toBe(false);
  });

  test('HTTPRoute matches become L7 notes on the gateway\'s flows to the Services\' pods, only for routes attached to that gateway', () => {
    const web = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web', ports: [{ containerPort: 8080 }] }] } } },
    };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
    const route = (name: string, parent: string, path: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace: 'shop' },
      spec: {
        parentRefs: [{ name: parent, namespace: 'edge' }],
        hostnames: ['a.example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: 'web', port: 80 }] }],
      },
    });
    const a = ReachabilityAnalyzer.fromObjects([gateway('istio'), web, svc, route('mine', 'shop', '/app'), route('theirs', 'other', '/x')]);
    const c = a.connections().find((x) => x.src === 'edge/shop-istio[Deployment]' && x.dst === 'shop/web[Deployment]')!;
    expect(c.l7).toEqual(['HTTPRoute shop/mine: a.example.com PathPrefix /app']);
    expect(a.connections().find((x) => x.src === 'shop/web[Deployment]' && x.dst === 'edge/shop-istio[Deployment]')!.l7).toEqual([]);
  });
});
