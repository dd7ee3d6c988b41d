import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { FlowLayers, FlowProof, Flows, Peer, Port } from '../../src';
import { errorOf, synthAndValidate } from '../util';

/** A chart whose `shop/web` declares a flow to `data/db` on 5432 (both namespaces managed). */
function shop(): { chart: Chart; web: kplus.Deployment; db: kplus.Deployment } {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web:1.0', portNumber: 8080 }] });
  const db = new kplus.Deployment(chart, 'db', { metadata: { namespace: 'data' }, containers: [{ image: 'db:1.0', portNumber: 5432 }] });
  const flows = Flows.of(chart);
  flows.manageNamespace('shop');
  return { chart, web, db };
}

/** A hand-written default-deny in `ns` (ingress and egress), as a user might add next to the flows. */
function denyAll(chart: Chart, ns: string): void {
  new ApiObject(chart, `deny-${ns}`, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'hand-written-deny', namespace: ns },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
}

function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synthesis succeeded');
}

describe('FlowProof: every declared flow is proved on the chart\'s own objects at synthesis', () => {
  test('flows the rendered NetworkPolicies allow synthesize (both ends managed; DNS to a stand-in CoreDNS)', () => {
    const { chart, web, db } = shop();
    Flows.of(chart).manageNamespace('data');
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.tcp(5432)] });
    Flows.of(chart).allow(Peer.workload(web), Peer.dns(), { ports: [Port.udp(53), Port.tcp(53)] });
    const out = synthAndValidate(chart);
    expect(out.filter((o: any) => o.kind === 'NetworkPolicy').length).toBe(5);
  });

  test('a flow into a namespace the chart does not manage, isolated by a hand-written policy, fails naming flow, layer and fix', () => {
    const { chart, web, db } = shop();
    denyAll(chart, 'data');
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.tcp(5432)] });
    const msg = synthError(chart);
    expect(msg).toContain('invalid declared flow "shop/web -> data/db on TCP/5432"');
    expect(msg).toMatch(/the NetworkPolicy layer blocks TCP 5432 from shop\/test-web-\w+\[Deployment\] to data\/test-db-\w+\[Deployment\]/);
    expect(msg).toMatch(/ingress: data\/test-db-\w+\[Deployment\] is selected for ingress by data\/hand-written-deny; ingress: no ingress rule of these policies matches the peer: denied/);
    expect(msg).toContain('Fix: a NetworkPolicy that admits it at both ends');
    expect(msg).toContain('FlowProof.optOut(chart, reason)');
  });

  test('a named port the destination has no container port for fails (the NetworkPolicy rule matches nothing)', () => {
    const { chart, web, db } = shop();
    Flows.of(chart).manageNamespace('data');
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.named('postgres')] });
    const msg = synthError(chart);
    expect(msg).toContain('invalid declared flow "shop/web -> data/db on TCP/postgres"');
    expect(msg).toMatch(/NetworkPolicy layer blocks TCP port named "postgres" \(data\/test-db-\w+\[Deployment\] has no such container port\)/);
  });

  test('the Istio layer: a hand-written DENY AuthorizationPolicy blocks a meshed flow; a NETWORK_ONLY flow is judged at L4 only', () => {
    const build = (layers: FlowLayers): Chart => {
      const { chart, web, db } = shop();
      Flows.of(chart).manageNamespace('data');
      new ApiObject(chart, 'ns-data', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data', labels: { 'istio-injection': 'enabled' } } });
      new ApiObject(chart, 'deny-shop', {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'deny-shop', namespace: 'data' },
        spec: { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] },
      });
      new ApiObject(chart, 'ns-shop', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
      Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.tcp(5432)], layers });
      return chart;
    };
    const msg = synthError(build(FlowLayers.ALL));
    expect(msg).toContain('invalid declared flow "shop/web -> data/db on TCP/5432"');
    expect(msg).toContain('the Istio layer blocks TCP 5432');
    expect(msg).toMatch(/istio: .*deny-shop/);
    expect(msg).toContain('Fix: an mTLS mode and AuthorizationPolicy that admit it');
    expect(() => synthAndValidate(build(FlowLayers.NETWORK_ONLY))).not.toThrow();
  });

  test('a platform end the chart does not emit is a stand-in with the flow\'s labels and ports (istiod, an ingress controller)', () => {
    const { chart, web } = shop();
    Flows.of(chart).allow(Peer.workload(web), Peer.pods({ app: 'istiod' }, { namespace: 'istio-system' }), { ports: [Port.tcp(15012)] });
    Flows.of(chart).allow(Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, { namespace: 'ingress-nginx' }), Peer.workload(web), { ports: [Port.tcp(8080)] });
    expect(() => synthAndValidate(chart)).not.toThrow();
    denyAll(chart, 'istio-system');
    expect(synthError(chart)).toMatch(/invalid declared flow "shop\/web -> istio-system\/\S+ on TCP\/15012".*NetworkPolicy layer blocks TCP 15012 from shop\/test-web-\w+\[Deployment\] to istio-system\/zero-trust-proof-\d+\[Pod\]/);
  });

  test('an IP-block end is every address range of the block: admitting half of it fails naming the other half', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web:1.0', portNumber: 8080 }] });
    Flows.of(chart).allow(Peer.workload(web), Peer.cidr('203.0.113.0/24'), { ports: [Port.tcp(443)] });
    expect(() => synthAndValidate(chart)).not.toThrow(); // shop is not managed: nothing isolates web
    new ApiObject(chart, 'half', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'hand-written-half', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ port: 443 }] }] },
    });
    expect(synthError(chart)).toMatch(/invalid declared flow "shop\/web -> 203.0.113.0\/24 on TCP\/443".*NetworkPolicy layer blocks TCP 443 from shop\/test-web-\w+\[Deployment\] to 203.0.113.128-203.0.113.255\[External\] \(1 of 2 pairs blocked\)/);
  });

  test('an IP-block end minus its exceptions: Peer.internet() (adjacent exceptions 224/4 and 240/4) is proved on the public ranges only', () => {
    const { chart, web } = shop();
    Flows.of(chart).allow(Peer.workload(web), Peer.internet(), { ports: [Port.tcp(443)] });
    expect(() => synthAndValidate(chart)).not.toThrow();
  });

  test('FlowProof.optOut turns the proof off for one chart and keeps the reason; the reason is required', () => {
    const { chart, web, db } = shop();
    denyAll(chart, 'data');
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.tcp(5432)] });
    FlowProof.optOut(chart, 'the CNI admits shop -> data with a global policy');
    expect(() => synthAndValidate(chart)).not.toThrow();
    expect(FlowProof.optOutReason(chart)).toBe('the CNI admits shop -> data with a global policy');
    expect(FlowProof.optOutReason(Testing.chart())).toBeUndefined();
    expect(errorOf(() => FlowProof.optOut(chart, ' ')).message).toMatch(/FlowProof.optOut: invalid reason " ": expected a non-empty reason/);
    expect(errorOf(() => FlowProof.optOut({} as any, 'x')).message).toMatch(/FlowProof.optOut: invalid chart .*: expected a cdk8s Chart/);
  });

  test('the proof runs once per chart and reports each blocked flow once', () => {
    const { chart, web, db } = shop();
    denyAll(chart, 'data');
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.tcp(5432)] });
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(db), { ports: [Port.tcp(5433)] });
    const msg = synthError(chart);
    expect(msg.match(/invalid declared flow/g)?.length).toBe(2);
  });
});
