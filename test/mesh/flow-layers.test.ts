import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  FlowLayers, Flows, IstioMultiCluster, MeshCluster, MtlsMesh, Peer, Port, ValidationError,
} from '../../src';
import { synthAndValidate } from '../util';
import { isAllowed } from './authz-eval';

const GW_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-eastwestgateway';
const ORDER_PRINCIPAL = 'cluster.local/ns/order/sa/order-service';

function cluster() {
  const app = new App();
  const istio = new IstioMultiCluster({ meshId: 'shop' });
  const chart = new Chart(app, 'asia-east');
  const sa = (ns: string, name: string) => new kplus.ServiceAccount(chart, `${ns}-sa`, { metadata: { name, namespace: ns } });
  const order = new kplus.Deployment(chart, 'order-service', {
    metadata: { namespace: 'order' }, serviceAccount: sa('order', 'order-service'), containers: [{ image: 'order', portNumber: 8080 }],
  });
  const payment = new kplus.Deployment(chart, 'payment-service', {
    metadata: { namespace: 'payment' }, serviceAccount: sa('payment', 'payment-service'), containers: [{ image: 'payment', portNumber: 8080 }],
  });
  const meshCluster = new MeshCluster(chart, 'istio', {
    mesh: istio,
    clusterName: 'asia-east',
    network: 'net-asia',
    caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'),
    gatewaySourceRanges: ['172.18.0.0/16'],
  });
  payment.exposeViaService({ name: 'payment-service', ports: [{ port: 80, targetPort: 8080 }] });
  const mesh = new MtlsMesh(chart, 'mesh');
  const flows = Flows.of(chart);
  flows.manageNamespace('order');
  flows.manageNamespace('payment');
  mesh.protectNamespace('payment');
  return { chart, order, payment, meshCluster, mesh, flows };
}

const paymentReq = (payment: kplus.Deployment, principal: string) => ({
  principal,
  sourceNamespace: principal.split('/')[2],
  namespace: 'payment',
  labels: payment.matchLabels,
  port: 8080,
  method: 'POST',
  path: '/api/payments',
});

describe('FlowLayers', () => {
  test('NETWORK_ONLY: NetworkPolicies admit the east-west gateway, no ALLOW rule for its identity', () => {
    const { chart, order, payment, meshCluster, mesh } = cluster();
    mesh.allow(Peer.workload(order), Peer.workload(payment), {
      ports: [Port.tcp(8080)], http: { methods: ['POST'], paths: ['/api/payments'] },
    });
    const flow = meshCluster.allowFromEastWestGateway(Peer.workload(payment), { ports: [Port.tcp(8080)], description: 'cross-network payments' });
    expect(flow.layers).toBe(FlowLayers.NETWORK_ONLY);
    expect([flow.networkLayer, flow.meshLayer]).toEqual([true, false]);
    const objs = synthAndValidate(chart);

    // network layer: the gateway's pods reach payment-service on 8080 (and only there)
    const np = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'payment');
    const fromGw = np.filter((o) => JSON.stringify(o.spec.ingress ?? []).includes('eastwestgateway'));
    expect(fromGw.map((o) => o.metadata.name)).toEqual(['allow-from-istio-system-eastwestgateway-to-payment-service']);
    expect(fromGw[0].spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { istio: 'eastwestgateway' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);

    // mesh layer: the gateway's own identity is not allowed; the original caller (order-service) is
    expect(JSON.stringify(objs.filter((o) => o.kind === 'AuthorizationPolicy'))).not.toContain(GW_PRINCIPAL);
    expect(isAllowed(objs, paymentReq(payment, ORDER_PRINCIPAL))).toBe(true);
    expect(isAllowed(objs, paymentReq(payment, GW_PRINCIPAL))).toBe(false);
  });

  test('ALL (default) from the gateway would also allow its identity (what NETWORK_ONLY avoids)', () => {
    const { chart, payment, meshCluster, mesh } = cluster();
    mesh.allow(meshCluster.eastWestGatewayPeer, Peer.workload(payment), { ports: [Port.tcp(8080)] });
    const objs = synthAndValidate(chart);
    expect(isAllowed(objs, paymentReq(payment, GW_PRINCIPAL))).toBe(true);
  });

  test('MESH_ONLY: an ALLOW rule, no NetworkPolicy', () => {
    const { chart, order, payment, flows } = cluster();
    const flow = flows.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(9090)], layers: FlowLayers.MESH_ONLY });
    expect([flow.networkLayer, flow.meshLayer]).toEqual([false, true]);
    const objs = synthAndValidate(chart);
    const np = objs.filter((o) => o.kind === 'NetworkPolicy');
    expect(JSON.stringify(np)).not.toContain('9090');
    expect(np.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).filter((n) => n.includes('payment-service'))).toEqual([]);
    expect(isAllowed(objs, { ...paymentReq(payment, ORDER_PRINCIPAL), port: 9090 })).toBe(true);
    expect(isAllowed(objs, { ...paymentReq(payment, ORDER_PRINCIPAL), port: 8080 })).toBe(false);
  });

  test('the same ends with different layers are different flows; ALL keeps its key', () => {
    const { order, payment, flows } = cluster();
    const a = flows.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)] });
    const b = flows.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)], layers: FlowLayers.ALL });
    const c = flows.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)], layers: FlowLayers.NETWORK_ONLY });
    expect(b.key).toBe(a.key);
    expect(a.key).not.toContain('layers');
    expect(c.key).not.toBe(a.key);
    expect(flows.all.filter((f) => f.to.peerName === 'payment-service')).toHaveLength(2);
  });

  test('bad input names the field and the value', () => {
    const { order, payment, meshCluster, flows } = cluster();
    expect(() => flows.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)], layers: 'l4' as FlowLayers }))
      .toThrow(/invalid layers "l4": expected FlowLayers.ALL/);
    expect(() => flows.allow(Peer.workload(order), Peer.workload(payment), {
      ports: [Port.tcp(8080)], layers: FlowLayers.NETWORK_ONLY, http: { methods: ['POST'] },
    })).toThrow(/invalid http .*POST.*: expected no L7 restriction on a NETWORK_ONLY flow/);
    expect(() => meshCluster.allowFromEastWestGateway(Peer.cidr('10.0.0.0/8'), { ports: [Port.tcp(8080)] }))
      .toThrow(ValidationError);
    expect(() => meshCluster.allowFromEastWestGateway(Peer.cidr('10.0.0.0/8'), { ports: [Port.tcp(8080)] }))
      .toThrow(/asia-east\/istio: invalid to .*expected pods or a namespace/);
    expect(() => meshCluster.allowFromEastWestGateway(Peer.workload(payment), { ports: [] }))
      .toThrow(/invalid ports \[\]/);
  });
});
