import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Flows, IPeer, Peer, PeerKind, Port, ReachabilityAnalyzer } from '../../src';
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
 * Declares a flow from the custom peer `from` to b/api on 8080: either that is refused with a
 * ValidationError (returned), or nothing beyond a/web may reach b/api (asserted on the manifests).
 */
function fromCustomPeer(from: IPeer): Error {
  const { chart, flows } = cluster();
  try {
    flows.allow(from, Peer.pods({ app: 'api' }, { namespace: 'b' }), { ports: [Port.tcp(8080)] });
    const an = ReachabilityAnalyzer.fromObjects(synthAndValidate(chart));
    an.assertDenied('evil/x[Deployment]', 'b/api[Deployment]', '8080');
    an.assertDenied('203.0.113.7', 'b/api[Deployment]', '8080');
  } catch (e) {
    if ((e as Error).name === 'ValidationError') return e as Error;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('custom IPeer implementations never widen a flow', () => {
  test('a namespace peer with neither a namespace nor namespaceLabels is refused (it rendered namespaceSelector {} at the ingress end: every namespace)', () => {
    const e = fromCustomPeer({ peerKind: PeerKind.NAMESPACE, peerName: 'mine', inCluster: true });
    expect(e.message).toMatch(/invalid from.namespace "mine": expected a namespace name or namespaceLabels on a namespace peer/);
  });

  test('an IP-block peer without blocks is refused (it rendered `from: []`: every source)', () => {
    const e = fromCustomPeer({ peerKind: PeerKind.IP_BLOCKS, peerName: 'none', ipBlocks: [], inCluster: false });
    expect(e.message).toMatch(/invalid from.ipBlocks \[\]: expected a non-empty list of IP blocks on an IP-block peer/);
  });

  test('well-formed peers still render (namespace by name, by labels, IP blocks)', () => {
    const { chart, flows } = cluster();
    flows.allow(Peer.namespaceByName('a'), Peer.pods({ app: 'api' }, { namespace: 'b' }), { ports: [Port.tcp(8080)] });
    flows.allow(Peer.cidr('203.0.113.0/24'), Peer.pods({ app: 'api' }, { namespace: 'b' }), { ports: [Port.tcp(8080)] });
    const an = ReachabilityAnalyzer.fromObjects(synthAndValidate(chart));
    an.assertAllowed('a/web[Deployment]', 'b/api[Deployment]', '8080');
    an.assertAllowed('203.0.113.7', 'b/api[Deployment]', '8080');
    an.assertDenied('evil/x[Deployment]', 'b/api[Deployment]', '8080');
  });
});
