import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DeliveryOrder, DeliveryTier, Flows, MeshSidecar, Peer, Port, SyncWaves, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/**
 * Review finding 20: a namespace whose only flow into `kube-system` is DNS imports the DNS Service
 * alone into its sidecars, not all of `kube-system`; the Sidecars and Istio Gateways are delivered
 * with the policies (sync wave -1), before the workloads.
 */
describe('Sidecar egress scope and delivery order (review finding 20)', () => {
  const hostsOf = (objs: any[], ns: string): string[] => objs.find((o) => o.kind === 'Sidecar' && o.metadata.namespace === ns).spec.egress[0].hosts;

  test('DNS only: kube-system/kube-dns.kube-system.svc.cluster.local, not kube-system/*', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true }); // declares the DNS flow
    new MeshSidecar(chart, 'sidecar', { namespace: 'shop' });
    const objs = synthAndValidate(chart);
    expect(hostsOf(objs, 'shop')).toEqual(['./*', 'istio-system/*', 'kube-system/kube-dns.kube-system.svc.cluster.local']);
  });

  test('another flow into kube-system still imports the namespace', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true });
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'w:1', portNumber: 8080 }] });
    Flows.of(chart).allow(Peer.workload(web), Peer.pods({ app: 'metrics-server' }, { namespace: 'kube-system' }), { ports: [Port.tcp(443)] });
    new MeshSidecar(chart, 'sidecar', { namespace: 'shop' });
    const objs = synthAndValidate(chart);
    expect(hostsOf(objs, 'shop')).toContain('kube-system/*');
  });

  test('a flow to the DNS pods on another port is not "DNS only"', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true });
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'w:1', portNumber: 8080 }] });
    Flows.of(chart).allow(Peer.workload(web), Peer.dns(), { ports: [Port.tcp(9153)] });
    new MeshSidecar(chart, 'sidecar', { namespace: 'shop' });
    expect(hostsOf(synthAndValidate(chart), 'shop')).toContain('kube-system/*');
  });

  test('Sidecars and Istio Gateways are in the policy tier: sync wave -1, before the workloads', () => {
    expect(DeliveryOrder.tierOf('networking.istio.io/v1', 'Sidecar')).toBe(DeliveryTier.POLICY);
    expect(DeliveryOrder.tierOf('networking.istio.io/v1', 'Gateway')).toBe(DeliveryTier.POLICY);
    // the Gateway API Gateway stays with the workloads (it deploys a data plane)
    expect(DeliveryOrder.tierOf('gateway.networking.k8s.io/v1', 'Gateway')).toBe(DeliveryTier.WORKLOAD);
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true });
    new MeshSidecar(chart, 'sidecar', { namespace: 'shop' });
    new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'w:1', portNumber: 8080 }] });
    SyncWaves.apply(chart);
    const objs = synthAndValidate(chart);
    const wave = (kind: string) => objs.find((o) => o.kind === kind).metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect([wave('Sidecar'), wave('Deployment')]).toEqual(['-1', '0']);
  });
});
