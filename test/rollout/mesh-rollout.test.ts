import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Enforcement, EnforcementMode, EnforcementReport, MtlsMesh, Peer, Port, ReachabilityAnalyzer, ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

const DRY_RUN = 'istio.io/dry-run';

function deployment(chart: Chart, ns: string, name: string): kplus.Deployment {
  const sa = new kplus.ServiceAccount(chart, `${ns}-${name}-sa`, { metadata: { name, namespace: ns } });
  return new kplus.Deployment(chart, `${ns}-${name}`, {
    metadata: { namespace: ns }, serviceAccount: sa, containers: [{ image: name, portNumber: 8080 }],
  });
}

/** order-service may call payment-service on 8080; a meshed client in an unmanaged namespace may not. */
function meshShop(): { chart: Chart; mesh: MtlsMesh } {
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'order', { name: 'order', istioInjection: true });
  new ZeroTrustNamespace(chart, 'payment', { name: 'payment', istioInjection: true });
  new kplus.Namespace(chart, 'other', { metadata: { name: 'other', labels: { 'istio-injection': 'enabled' } } });
  const order = deployment(chart, 'order', 'order-service');
  const payment = deployment(chart, 'payment', 'payment-service');
  deployment(chart, 'other', 'client');
  const mesh = new MtlsMesh(chart, 'mesh');
  mesh.protectNamespace('payment');
  mesh.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)] });
  return { chart, mesh };
}

const authz = (objs: any[], ns: string): any[] => objs.filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata.namespace === ns);

describe('staged rollout: mesh authorization', () => {
  test('ENFORCE: AuthorizationPolicies without dry-run', () => {
    const { chart } = meshShop();
    const objs = synthAndValidate(chart);
    const ap = authz(objs, 'payment');
    expect(ap.map((o) => o.metadata.name)).toEqual(['allow-nothing', 'allow-to-payment-payment-service']);
    expect(ap.every((o) => o.metadata.annotations === undefined)).toBe(true);
    expect(EnforcementReport.of(chart).isEmpty).toBe(true);
  });

  test('namespace AUDIT: the same policies in dry-run, NetworkPolicies held back, the report shows what enforcement closes', () => {
    const enforce = synthAndValidate(meshShop().chart);
    const { chart } = meshShop();
    Enforcement.setNamespace(chart, 'payment', EnforcementMode.AUDIT);
    const objs = synthAndValidate(chart);
    const ap = authz(objs, 'payment');
    // nothing lost: same AuthorizationPolicies, each only annotated
    expect(ap.map((o) => ({ ...o, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } }))).toEqual(authz(enforce, 'payment'));
    expect(ap.every((o) => o.metadata.annotations[DRY_RUN] === 'true')).toBe(true);
    // no default-deny in the audited namespace; the other namespace is untouched
    expect(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'payment')).toEqual([]);
    expect(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'order'))
      .toEqual(enforce.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'order'));

    const report = EnforcementReport.of(chart);
    expect(report.auditOnly.map((a) => `${a.namespace}/${a.name} ${a.mechanism}`)).toEqual([
      'payment/allow-nothing istio.io/dry-run', 'payment/allow-to-payment-payment-service istio.io/dry-run',
    ]);
    // the NetworkPolicies held back; the Namespace (Pod Security), quota and default limits relaxed (review finding 6)
    expect(report.heldBack.filter((p) => p.reason.startsWith('relaxed in AUDIT')).map((p) => `${p.kind}/${p.name}`))
      .toEqual(['LimitRange/default-limits', 'Namespace/payment', 'ResourceQuota/default-quota']);
    const heldNames = report.heldBack.filter((p) => p.kind === 'NetworkPolicy').map((p) => p.name).sort();
    expect(heldNames).toEqual(enforce.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'payment').map((o) => o.metadata.name).sort());

    const peers = ReachabilityAnalyzer.fromObjects(enforce).peers();
    const client = peers.find((p) => p.startsWith('other/'))!;
    const pay = peers.find((p) => p.startsWith('payment/'))!;
    const order = peers.find((p) => p.startsWith('order/'))!;
    const blocked = report.wouldBlock();
    expect(blocked.find((b) => b.src === client && b.dst === pay)).toMatchObject({ enforced: 'No Connections' });
    expect(blocked.find((b) => b.src === client && b.dst === pay)!.today).not.toBe('No Connections');
    expect(blocked.some((b) => b.src === order && b.dst === pay)).toBe(false); // the declared flow stays open
    // the same diff as the real AUDIT output against the real ENFORCE output, with dry-run not enforced
    const diff = ReachabilityAnalyzer.diff(
      ReachabilityAnalyzer.fromObjects(objs.filter((o) => o.metadata.annotations?.[DRY_RUN] !== 'true')),
      ReachabilityAnalyzer.fromObjects(enforce));
    expect(blocked.map((b) => `${b.src} ${b.dst} ${b.enforced}`)).toEqual(diff.entries.map((e) => `${e.src} ${e.dst} ${e.ref2}`));
  });

  test('a namespace setting beats a mesh-wide one; the policy construct itself beats both', () => {
    const { chart, mesh } = meshShop();
    mesh.protectNamespace('order');
    Enforcement.set(mesh, EnforcementMode.AUDIT);
    Enforcement.setNamespace(chart, 'payment', EnforcementMode.ENFORCE);
    let objs = synthAndValidate(chart);
    expect(authz(objs, 'payment').every((o) => o.metadata.annotations === undefined)).toBe(true);
    expect(authz(objs, 'order').every((o) => o.metadata.annotations[DRY_RUN] === 'true')).toBe(true);

    const second = meshShop();
    Enforcement.setNamespace(second.chart, 'payment', EnforcementMode.ENFORCE);
    Enforcement.set(second.mesh.protectNamespace('payment'), EnforcementMode.AUDIT);
    objs = synthAndValidate(second.chart);
    expect(authz(objs, 'payment').every((o) => o.metadata.annotations[DRY_RUN] === 'true')).toBe(true);
    // NetworkPolicies follow the namespace: still enforced
    expect(objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'payment' && o.metadata.name === 'default-deny')).toBe(true);
  });
});
