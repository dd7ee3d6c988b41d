import { ReachabilityAnalyzer } from '../../src';

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
    expect(a.peers()).toContain('edge/shop-istio[Deployment]');
    a.assertAllowed('203.0.113.9', 'edge/shop-istio[Deployment]', '443');
    a.assertAllowed('203.0.113.9', 'edge/shop-istio[Deployment]', '80');
    expect(a.explain('203.0.113.9', 'edge/shop-istio[Deployment]').reasons.join('\n')).toMatch(/gateway proxy/);
  });

  test('other classes are not modelled (their data plane is not known from the Gateway alone)', () => {
    expect(ReachabilityAnalyzer.fromObjects([gateway('eg')]).peers().some((p) => p.startsWith('edge/'))).toBe(false);
  });
});
