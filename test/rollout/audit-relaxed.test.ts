import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { buildEcommerce } from '../../sample/ecommerce';
import {
  Enforcement, EnforcementMode, EnforcementReport, Fleet, GlobalService, IstioMultiCluster, MeshCluster, MeshSidecar, MtlsMesh, Peer, Port,
  ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

/**
 * Review finding 6: the AUDIT build must neither break nor enforce what ENFORCE enforces. ENFORCE
 * emits STRICT mTLS, Pod Security `enforce: restricted`, REGISTRY_ONLY and quotas; AUDIT emits
 * the same objects relaxed and lists each relaxation in the report.
 */
function shop(mode: EnforcementMode): Chart {
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'order', { name: 'order', istioInjection: true });
  new ZeroTrustNamespace(chart, 'payment', { name: 'payment', istioInjection: true });
  const sa = (ns: string, n: string) => new kplus.ServiceAccount(chart, `${ns}-${n}-sa`, { metadata: { name: n, namespace: ns } });
  const order = new kplus.Deployment(chart, 'order-d', { metadata: { namespace: 'order' }, serviceAccount: sa('order', 'order'), containers: [{ image: 'o:1', portNumber: 8080 }] });
  const pay = new kplus.Deployment(chart, 'pay-d', { metadata: { namespace: 'payment' }, serviceAccount: sa('payment', 'pay'), containers: [{ image: 'p:1', portNumber: 8080 }] });
  const mesh = new MtlsMesh(chart, 'mesh');
  mesh.protectNamespace('payment');
  mesh.allow(Peer.workload(order), Peer.workload(pay), { ports: [Port.tcp(8080)] });
  new MeshSidecar(chart, 'order-sidecar', { namespace: 'order' });
  Enforcement.set(chart, mode);
  return chart;
}

const id = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const psa = (objs: any[]) => objs.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name,
  o.metadata.labels['pod-security.kubernetes.io/enforce'], o.metadata.labels['pod-security.kubernetes.io/audit'], o.metadata.labels['pod-security.kubernetes.io/warn']]);

describe('AUDIT relaxes what ENFORCE enforces (review finding 6)', () => {
  test('ENFORCE: STRICT, enforce restricted, REGISTRY_ONLY, quotas; nothing relaxed', () => {
    const chart = shop(EnforcementMode.ENFORCE);
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.kind === 'PeerAuthentication').map((o) => o.spec.mtls.mode)).toEqual(['STRICT']);
    expect(psa(objs)).toEqual([['order', 'restricted', 'restricted', 'restricted'], ['payment', 'restricted', 'restricted', 'restricted']]);
    expect(objs.filter((o) => o.kind === 'Sidecar').map((o) => o.spec.outboundTrafficPolicy.mode)).toEqual(['REGISTRY_ONLY']);
    expect(objs.filter((o) => o.kind === 'ResourceQuota').every((o) => Object.keys(o.spec.hard).length > 0)).toBe(true);
    expect(objs.filter((o) => o.kind === 'LimitRange').map((o) => o.spec.limits[0].default)).toEqual([{ cpu: '500m', memory: '512Mi' }, { cpu: '500m', memory: '512Mi' }]);
    expect(EnforcementReport.of(chart).heldBack.filter((p) => p.reason.startsWith('relaxed'))).toEqual([]);
  });

  test('AUDIT: PERMISSIVE, enforce privileged with audit/warn restricted, ALLOW_ANY, quotas without limits, each listed', () => {
    const enforce = synthAndValidate(shop(EnforcementMode.ENFORCE));
    const chart = shop(EnforcementMode.AUDIT);
    const objs = synthAndValidate(chart);
    const text = JSON.stringify(objs);
    expect(text).not.toContain('STRICT');
    expect(text).not.toContain('REGISTRY_ONLY');
    expect(psa(objs)).toEqual([['order', 'privileged', 'restricted', 'restricted'], ['payment', 'privileged', 'restricted', 'restricted']]);
    expect(objs.filter((o) => o.kind === 'Sidecar').map((o) => o.spec.outboundTrafficPolicy.mode)).toEqual(['ALLOW_ANY']);
    expect(objs.filter((o) => o.kind === 'ResourceQuota').map((o) => o.spec.hard)).toEqual([{}, {}]);
    // no default limit (a request above it would be rejected, a new memory limit OOM-kills); default requests stay
    expect(objs.filter((o) => o.kind === 'LimitRange').map((o) => o.spec.limits)).toEqual([0, 1].map(() => [
      { type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' } },
    ]));
    const report = EnforcementReport.of(chart);
    const relaxed = report.heldBack.filter((p) => p.reason.startsWith('relaxed in AUDIT'));
    expect(relaxed.map((p) => `${p.kind}/${p.namespace}/${p.name}`).sort()).toEqual([
      'LimitRange/order/default-limits', 'LimitRange/payment/default-limits',
      'Namespace/order/order', 'Namespace/payment/payment', 'PeerAuthentication/istio-system/default',
      'ResourceQuota/order/default-quota', 'ResourceQuota/payment/default-quota', 'Sidecar/order/default',
    ]);
    // each record holds the enforced object: the report's ENFORCE form is the ENFORCE output for them
    const enforcedById = new Map(enforce.map((o) => [id(o), o]));
    for (const p of relaxed) {
      const e = enforcedById.get(id(p.manifest))!;
      const plain = (o: any) => ({ ...o, metadata: { ...o.metadata, annotations: undefined } });
      expect(plain(p.manifest)).toEqual(plain(e));
    }
    const restored = new Map(report.enforcedObjects('test').map((o) => [id(o), o]));
    for (const p of relaxed) expect(restored.get(id(p.manifest))).toEqual(p.manifest);
    expect(report.toMarkdown()).toContain('relaxed in AUDIT: mTLS STRICT -> PERMISSIVE');
  });

  test('namespace AUDIT relaxes only that namespace; the mesh-wide policy stays STRICT', () => {
    const chart = shop(EnforcementMode.ENFORCE);
    Enforcement.setNamespace(chart, 'payment', EnforcementMode.AUDIT);
    const objs = synthAndValidate(chart);
    expect(psa(objs).map((p) => p[1])).toEqual(['restricted', 'privileged']);
    expect(objs.filter((o) => o.kind === 'LimitRange').map((o) => [o.metadata.namespace, o.spec.limits[0].default !== undefined])).toEqual([['order', true], ['payment', false]]);
    expect(objs.filter((o) => o.kind === 'PeerAuthentication').map((o) => o.spec.mtls.mode)).toEqual(['STRICT']);
    expect(objs.filter((o) => o.kind === 'Sidecar').map((o) => o.spec.outboundTrafficPolicy.mode)).toEqual(['REGISTRY_ONLY']);
  });

  test('IstioOperator: meshConfig.outboundTrafficPolicy ALLOW_ANY in AUDIT, listed', () => {
    for (const mode of [EnforcementMode.ENFORCE, EnforcementMode.AUDIT]) {
      const chart = Testing.chart();
      const mc = new MeshCluster(chart, 'mc', {
        mesh: new IstioMultiCluster({ meshId: 'm' }),
        clusterName: 'a',
        network: 'n',
        caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'),
        gatewaySourceRanges: ['198.51.100.0/24'],
      });
      Enforcement.set(chart, mode);
      const op = mc.istioOperator();
      expect(op.spec.meshConfig.outboundTrafficPolicy.mode).toBe(mode === EnforcementMode.AUDIT ? 'ALLOW_ANY' : 'REGISTRY_ONLY');
      expect(Enforcement.heldBack(chart).filter((p) => p.kind === 'IstioOperator').length).toBe(mode === EnforcementMode.AUDIT ? 1 : 0);
    }
  });
});

describe('the sample in AUDIT (review finding 6)', () => {
  test('no STRICT, no enforce restricted, no REGISTRY_ONLY, no quota limit; each relaxation in the report; ENFORCE keeps them', () => {
    const audit = buildEcommerce(new App(), { enforcement: EnforcementMode.AUDIT });
    const normal = buildEcommerce(new App());
    const report = EnforcementReport.of(audit.fleet);
    for (const c of audit.clusters) {
      const objs = c.chart.toJson();
      const enforced = normal.clusters.find((n) => n.cluster.name === c.cluster.name)!.chart.toJson();
      expect(JSON.stringify(objs)).not.toMatch(/STRICT|REGISTRY_ONLY/);
      expect(JSON.stringify(enforced)).toMatch(/STRICT/);
      const enforceLabels = (l: any[]) => l.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.labels?.['pod-security.kubernetes.io/enforce']);
      expect(enforceLabels(objs).filter((v) => v === 'restricted' || v === 'baseline')).toEqual([]);
      expect(enforceLabels(enforced)).toContain('restricted');
      expect(objs.filter((o) => o.kind === 'ResourceQuota').every((o) => Object.keys(o.spec.hard).length === 0)).toBe(true);
      // (the IstioOperator's meshConfig is relaxed too where the sample reads it; not a chart object)
      const relaxed = report.heldBack.filter((p) => p.cluster === c.cluster.name && p.reason.startsWith('relaxed in AUDIT') && p.kind !== 'IstioOperator');
      // every object that differs from ENFORCE other than by dry-run/held back is listed as relaxed, with its enforced form
      const byId = new Map(enforced.map((o) => [id(o), o]));
      for (const p of relaxed) {
        const e = byId.get(id(p.manifest))!;
        expect([id(p.manifest), p.manifest.spec ?? p.manifest.metadata.labels]).toEqual([id(p.manifest), e.spec ?? e.metadata.labels]);
      }
      const kinds = [...new Set(relaxed.map((p) => p.kind))].sort();
      expect(kinds).toEqual(['LimitRange', 'Namespace', 'PeerAuthentication', 'ResourceQuota', 'Sidecar']);
      expect(objs.filter((o) => o.kind === 'LimitRange').every((o) => o.spec.limits.every((l: any) => l.default === undefined && l.defaultRequest !== undefined))).toBe(true);
      // the frontend's clusterset export is held back (its namespace's NetworkPolicies are), ENFORCE emits it
      expect(objs.filter((o) => o.kind === 'ServiceExport')).toEqual([]);
      expect(enforced.filter((o) => o.kind === 'ServiceExport').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['frontend/frontend']);
      const exported = report.heldBack.filter((p) => p.cluster === c.cluster.name && p.kind === 'ServiceExport');
      expect(exported.map((p) => [p.namespace, p.name, p.manifest.kind])).toEqual([['frontend', 'frontend', 'ServiceExport']]);
      expect(exported[0].reason).toMatch(/to the clusterset .* while frontend is in AUDIT \(its NetworkPolicies held back/);
      expect(report.enforcedObjects(c.cluster.name).filter((o) => o.kind === 'ServiceExport')).toEqual([exported[0].manifest]);
    }
    expect(report.toMarkdown()).toContain('relaxed in AUDIT: Pod Security enforce restricted -> privileged');
  });
});

describe('GlobalService ServiceExport in AUDIT', () => {
  const build = (mode: EnforcementMode | undefined, nsMode?: EnforcementMode, ns = 'web') => {
    const app = new App();
    const fleet = new Fleet(app, 'fleet', { clusters: [{ name: 'eu', region: 'eu' }, { name: 'us', region: 'us' }] });
    for (const c of fleet.clusters) new ZeroTrustNamespace(c.chart, 'web-ns', { name: 'web', allowLoadBalancers: true });
    new GlobalService(fleet, 'web', { name: 'web', namespace: 'web', port: 80, targetPort: 8080, selector: { app: 'web' } });
    if (mode !== undefined) Enforcement.set(fleet, mode);
    if (nsMode !== undefined) for (const c of fleet.clusters) Enforcement.setNamespace(c.chart, ns, nsMode);
    return fleet;
  };
  const exports = (fleet: Fleet) => fleet.clusters.map((c) => synthAndValidate(c.chart).filter((o) => o.kind === 'ServiceExport').length);

  test('ENFORCE emits it; AUDIT (fleet-wide or the namespace only) holds it back and lists it; only its object changes', () => {
    const enforce = build(EnforcementMode.ENFORCE);
    expect(exports(enforce)).toEqual([1, 1]);
    expect(EnforcementReport.of(enforce).heldBack.filter((p) => p.kind === 'ServiceExport')).toEqual([]);
    for (const audit of [build(EnforcementMode.AUDIT), build(EnforcementMode.ENFORCE, EnforcementMode.AUDIT)]) {
      expect(exports(audit)).toEqual([0, 0]);
      const held = EnforcementReport.of(audit).heldBack.filter((p) => p.kind === 'ServiceExport');
      expect(held.map((p) => `${p.cluster}/${p.namespace}/${p.name}`)).toEqual(['eu/web/web', 'us/web/web']);
      expect(held[0].manifest).toEqual(synthAndValidate(build(EnforcementMode.ENFORCE).clusters[0].chart).find((o) => o.kind === 'ServiceExport'));
    }
    // another namespace in AUDIT does not hold it back
    expect(exports(build(EnforcementMode.ENFORCE, EnforcementMode.AUDIT, 'other'))).toEqual([1, 1]);
  });

  test('Fleet writes the AUDIT output without it, byte-identical for the same program', () => {
    const a = build(EnforcementMode.AUDIT);
    const b = build(EnforcementMode.AUDIT);
    expect(a.manifests('eu')).toEqual(b.manifests('eu'));
    expect(a.manifests('eu')).not.toContain('ServiceExport');
  });
});
