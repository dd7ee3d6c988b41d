import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Flows, IFlowContributor, Peer, Port } from '../../src';
import { synthAndValidate } from '../util';

describe('Flows', () => {
  test('renders both ends of a flow between managed namespaces', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web' }] });
    const flows = Flows.of(chart);
    flows.manageNamespace('shop');
    flows.manageNamespace('data');
    flows.allow(Peer.workload(web), Peer.pods({ role: 'db' }, { namespace: 'data' }), { ports: [Port.tcp(5432)] });
    const out = synthAndValidate(chart).filter((o: any) => o.kind === 'NetworkPolicy');
    expect(out.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'data/allow-from-shop-web-to-db',
      'data/default-deny',
      'shop/allow-to-data-db-from-web',
      'shop/default-deny',
    ]);
  });

  test('contributors declare flows at synthesis, before the NetworkPolicies are rendered', () => {
    const chart = Testing.chart();
    const flows = Flows.of(chart);
    flows.manageNamespace('shop');
    const calls: string[] = [];
    const contributor: IFlowContributor = {
      contributeFlows: (f) => {
        calls.push(`contribute rendered=${f.rendered}`);
        f.allow(Peer.pods({ app: 'web' }, { namespace: 'shop' }), Peer.pods({ app: 'api' }), { ports: [Port.tcp(8080)] });
      },
    };
    flows.addContributor(contributor);
    flows.addRenderer({ renderFlows: (f) => calls.push(`render flows=${f.all.length}`) });
    const names = synthAndValidate(chart).filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.name);
    expect(names).toContain('allow-from-web-to-api');
    expect(calls).toEqual(['contribute rendered=false', 'render flows=1']);
    expect(() => flows.addContributor(contributor)).toThrow(/invalid addContributor "addContributor": expected a call before synthesis/);
  });
});

describe('allow-all in disguise at declaration (SECURITY.md finding 12)', () => {
  const declare = (to: Peer, options: { allowEveryPeer?: boolean; ports?: Port[] } = {}) => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web:1', portNumber: 8080 }] });
    return () => Flows.of(chart).allow(Peer.workload(web), to, {
      ports: options.ports ?? [], allPorts: options.ports === undefined, allowEveryPeer: options.allowEveryPeer,
    });
  };

  test.each([
    ['every IPv4 address', Peer.cidr('0.0.0.0/0'), /to.*0\.0\.0\.0\/0.*on allPorts.*allowEveryPeer: true/],
    ['every IPv6 address', Peer.cidr('::/0'), /ipBlock ::\/0/],
    ['every namespace', Peer.allNamespaces(), /every namespace/],
  ])('all ports to %s is refused unless allowEveryPeer', (_what, peer, message) => {
    expect(declare(peer)).toThrow(message);
    expect(declare(peer, { allowEveryPeer: true })).not.toThrow();
    expect(declare(peer, { ports: [Port.tcp(443)] })).not.toThrow();
  });

  test('a narrower peer, or 0.0.0.0/0 with except, on all ports is accepted', () => {
    expect(declare(Peer.cidr('10.0.0.0/8'))).not.toThrow();
    expect(declare(Peer.internet())).not.toThrow();
    expect(declare(Peer.cidr('0.0.0.0/1'))).not.toThrow();
  });
});
