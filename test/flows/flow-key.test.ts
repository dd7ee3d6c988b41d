/**
 * `Flow.key` is written without stableStringify's generic walk (a fast path): it must be the same
 * text, which orders the flows (and so the output) and merges duplicates.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Flow, FlowLayers, Flows, Peer, Port } from '../../src';
import { stableStringify } from '../../src/core/strings';

/** The key as stableStringify writes it (the former implementation). */
function reference(f: Flow): string {
  const peer = (p: Peer): string => stableStringify({
    k: p.peerKind,
    ns: p.namespace,
    nsl: p.namespaceLabels,
    pl: p.podLabels,
    ip: p.ipBlocks?.map((b) => (b.exceptCidrs ? { cidr: b.cidr, except: b.exceptCidrs } : { cidr: b.cidr })),
  });
  return stableStringify({
    from: peer(f.source),
    to: peer(f.destination),
    ports: f.allPorts ? '*' : f.ports.map((p) => p.toString()),
    http: f.http,
    layers: f.layers === FlowLayers.ALL ? undefined : f.layers,
  });
}

test('Flow.key is stableStringify\'s text for every kind of peer, port list, L7 rule and layer', () => {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web' }] });
  web.select(kplus.LabelSelector.of({ labels: { zeta: 'z', 10: 'ten', alpha: 'a' } }));
  const flows = Flows.of(chart);
  const db = Peer.pods({ 'role': 'db', 'app.kubernetes.io/name': 'pg', '2': 'two' }, { namespace: 'data' });
  const peers = [
    Peer.workload(web), db, Peer.pods({ b: '1', a: '' }), Peer.namespaceByName('ops'),
    Peer.namespacesByLabels({ tier: 'x', env: 'prod' }), Peer.allNamespaces(), Peer.dns(),
    Peer.cidr('10.0.0.0/8', { except: ['10.1.0.0/16', '10.0.0.0/16'] }), Peer.cidr('192.168.0.0/24'),
  ];
  const options = [
    { ports: [Port.tcp(8080), Port.udp(53), Port.tcpRange(9000, 9010)] },
    { ports: [], allPorts: true, allowEveryPeer: true },
    { ports: [Port.named('http')], http: { methods: ['POST', 'GET'], paths: ['/b/*', '/a'] } },
    { ports: [Port.tcp(443)], http: { paths: ['/x'] }, layers: FlowLayers.MESH_ONLY },
    { ports: [Port.tcp(443)], layers: FlowLayers.NETWORK_ONLY },
  ];
  let n = 0;
  for (const s of peers) {
    for (const d of peers) {
      for (const o of options) {
        let f: Flow;
        try { f = flows.allow(s, d, o); } catch { continue; }
        expect(f.key).toBe(reference(f));
        n++;
      }
    }
  }
  expect(n).toBeGreaterThan(100);
});
