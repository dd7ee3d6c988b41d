import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Flows, IPeer, Peer, PeerKind, Port, ReachabilityAnalyzer, ReachabilityAssertions, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/** Three namespaces with one Deployment each (a/web, b/api, evil/x); only b is managed. */
function cluster() {
  const chart = Testing.chart();
  for (const [ns, app] of [['a', 'web'], ['b', 'api'], ['evil', 'x']]) {
    new k8s.KubeDeployment(chart, `${ns}-${app}`, {
      metadata: { name: app, namespace: ns },
      spec: {
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { containers: [{ name: 'c', image: `${app}:1`, ports: [{ containerPort: 8080 }] }] },
        },
      },
    });
  }
  const flows = Flows.of(chart);
  flows.manageNamespace('b');
  return { chart, flows };
}

/**
 * Declares a flow from `from` (what a JavaScript caller may pass) to b/api on 8080: either that is
 * refused with a ValidationError (returned), or nothing beyond a/web may reach b/api (asserted on
 * the manifests).
 */
function fromCustomPeer(from: unknown): Error {
  const { chart, flows } = cluster();
  try {
    flows.allow(from as IPeer, Peer.pods({ app: 'api' }, { namespace: 'b' }), { ports: [Port.tcp(8080)] });
    const an = ReachabilityAnalyzer.fromObjects(synthAndValidate(chart));
    const reach = new ReachabilityAssertions(an);
    reach.assertDenied('evil/x[Deployment]', 'b/api[Deployment]', '8080');
    reach.assertDenied('203.0.113.7', 'b/api[Deployment]', '8080');
  } catch (e) {
    if ((e as Error).name === 'ValidationError') return e as Error;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('a peer is read only through toPeer(): hand-built objects never widen a flow', () => {
  test('a hand-built namespace peer with neither a namespace nor namespaceLabels is refused (it rendered namespaceSelector {} at the ingress end: every namespace)', () => {
    const e = fromCustomPeer({ peerKind: PeerKind.NAMESPACE, peerName: 'mine', inCluster: true });
    expect(e.message).toMatch(/invalid from "an object \{inCluster, peerKind, peerName\}": expected a peer \(Peer.workload, .*\); a plain object is not a peer/);
  });

  test('a hand-built IP-block peer without blocks is refused (it rendered `from: []`: every source)', () => {
    const e = fromCustomPeer({ peerKind: PeerKind.IP_BLOCKS, peerName: 'none', ipBlocks: [], inCluster: false });
    expect(e.message).toMatch(/invalid from "an object \{inCluster, ipBlocks, peerKind, peerName\}": .*a plain object is not a peer/);
  });

  test('a hand-built pods peer with empty pod and namespace selectors is refused (it would select every pod of every namespace)', () => {
    const e = fromCustomPeer({ peerKind: PeerKind.PODS, peerName: 'all', podLabels: {}, namespaceLabels: {}, inCluster: true });
    expect(e.message).toMatch(/invalid from "an object \{inCluster, namespaceLabels, peerKind, peerName, podLabels\}"/);
  });

  test('an object whose toPeer() returns something no Peer factory made is refused, naming toPeer()', () => {
    const e = fromCustomPeer({ toPeer: () => ({ peerKind: PeerKind.NAMESPACE, peerName: 'x', namespaceLabels: {}, inCluster: true }) });
    expect(e.message).toMatch(/invalid from.toPeer\(\) "an object \{inCluster, namespaceLabels, peerKind, peerName\}": expected a peer .* returned by toPeer\(\)/);
    expect(fromCustomPeer({ toPeer: () => undefined }).message).toMatch(/invalid from.toPeer\(\) "undefined"/);
  });

  test('null, strings and cdk8s-plus objects passed as peers are refused with a ValidationError (never a TypeError)', () => {
    expect(fromCustomPeer(null).message).toMatch(/invalid from "null": expected a peer/);
    expect(fromCustomPeer('a/web').message).toMatch(/invalid from "a\/web": expected a peer/);
    const chart = Testing.chart();
    const dep = new kplus.Deployment(chart, 'd', { containers: [{ image: 'x' }] });
    expect(fromCustomPeer(dep).message).toMatch(/invalid from "a Deployment": expected a peer .*; a plain object is not a peer/);
  });

  test('well-formed peers render: factories, a ZeroTrustNamespace and a custom IPeer returning a factory-made peer', () => {
    const { chart, flows } = cluster();
    const custom: IPeer = { toPeer: () => Peer.namespaceByName('a') };
    flows.allow(custom, Peer.pods({ app: 'api' }, { namespace: 'b' }), { ports: [Port.tcp(8080)] });
    flows.allow(Peer.cidr('203.0.113.0/24'), Peer.pods({ app: 'api' }, { namespace: 'b' }), { ports: [Port.tcp(8080)] });
    const an = ReachabilityAnalyzer.fromObjects(synthAndValidate(chart));
    const reach = new ReachabilityAssertions(an);
    reach.assertAllowed('a/web[Deployment]', 'b/api[Deployment]', '8080');
    reach.assertAllowed('203.0.113.7', 'b/api[Deployment]', '8080');
    reach.assertDenied('evil/x[Deployment]', 'b/api[Deployment]', '8080');
    expect(flows.all.map((f) => [f.source.peerName, f.destination.peerName]).sort()).toEqual([['a', 'api'], ['cidr-203-0-113-0-24', 'api']]);
    const ns = new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop' });
    expect([ns.toPeer().peerKind, ns.toPeer().namespace]).toEqual([PeerKind.NAMESPACE, 'shop']);
  });
});

describe('cdk8s-plus peers', () => {
  test('a workload, a kplus.Namespace and a kplus.NetworkPolicyIpBlock become the matching peers; others are refused', () => {
    const chart = Testing.chart();
    const dep = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'a' }, containers: [{ image: 'web' }] });
    const w = Peer.fromNetworkPolicyPeer(dep);
    expect([w.peerKind, w.namespace, w.podLabels]).toEqual([PeerKind.PODS, 'a', dep.matchLabels]);
    const ns = Peer.fromNetworkPolicyPeer(new kplus.Namespace(chart, 'ns', { metadata: { name: 'monitoring' } }));
    expect([ns.peerKind, ns.namespace, ns.namespaceLabels]).toEqual([PeerKind.NAMESPACE, 'monitoring', undefined]);
    const ip = Peer.fromNetworkPolicyPeer(kplus.NetworkPolicyIpBlock.ipv4(chart, 'ip', '10.0.0.0/8', ['10.1.0.0/16']));
    expect(ip.ipBlocks).toEqual([{ cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16'], except: ['10.1.0.0/16'] }]);
    expect(() => Peer.fromNetworkPolicyPeer(kplus.NetworkPolicyIpBlock.ipv4(chart, 'bad', '10.0.0.0/8', ['11.0.0.0/16'])))
      .toThrow(/invalid exceptCidrs\[0\] "11.0.0.0\/16": expected a CIDR block strictly inside 10.0.0.0\/8/);
    const all = kplus.Namespaces.all(chart, 'all');
    expect(() => Peer.fromNetworkPolicyPeer(all))
      .toThrow(/Peer.fromNetworkPolicyPeer: invalid peer "a Namespaces": expected a cdk8s-plus workload or pod, a kplus.Namespace or a kplus.NetworkPolicyIpBlock/);
  });
});
