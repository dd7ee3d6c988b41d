import { App, Testing } from 'cdk8s';
import { buildEcommerce } from '../../sample/ecommerce';
import { DataPlane, Enforcement, EnforcementMode, EnforcementReport, HeldBackPolicy } from '../../src';

const id = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const isObject = (m: any) => typeof m?.apiVersion === 'string' && typeof m?.kind === 'string' && typeof m?.metadata?.name === 'string';

/** Held-back entries that are not objects of a chart: nothing to put back (a Kyverno rule, an IstioOperator value). */
const NOT_OBJECTS = ['ClusterPolicyRule', 'IstioOperator'];

describe('EnforcementReport.enforcedObjects puts back every held-back object', () => {
  const audit = buildEcommerce(new App(), { enforcement: EnforcementMode.AUDIT });
  const normal = buildEcommerce(new App());
  const report = EnforcementReport.of(audit.fleet);

  test('the sample in AUDIT holds back every kind the library holds back', () => {
    // if a kind stops appearing here, this fixture no longer covers it: extend the fixture
    expect([...new Set(report.heldBack.map((p) => p.kind))].sort()).toEqual([
      'ClusterNetworkPolicy', 'ClusterPolicy', 'ClusterPolicyRule', 'Gateway', 'IstioOperator', 'LimitRange', 'Namespace',
      'NetworkPolicy', 'PeerAuthentication', 'ResourceQuota', 'ServiceExport', 'Sidecar',
    ]);
  });

  test('each held-back object is in enforcedObjects in its enforced form; every other entry is a known non-object', () => {
    for (const cluster of report.clusterNames) {
      const enforced = new Map(report.enforcedObjects(cluster).map((o) => [id(o), o]));
      for (const p of report.heldBack.filter((x) => x.cluster === cluster)) {
        if (!isObject(p.manifest)) {
          expect([p.kind, NOT_OBJECTS.includes(p.kind)]).toEqual([p.kind, true]);
          continue;
        }
        expect([p.kind, p.name, enforced.get(id(p.manifest))]).toEqual([p.kind, p.name, p.manifest]);
      }
    }
  });

  test('enforcedObjects of the AUDIT build has every object the ENFORCE build emits (one each), dry-run removed', () => {
    for (const c of normal.clusters) {
      const cluster = c.cluster.name;
      const enforce = c.chart.toJson();
      const restored = report.enforcedObjects(cluster);
      const ids = restored.map(id);
      expect(new Set(ids).size).toBe(ids.length);
      const missing = enforce.map(id).filter((x) => !ids.includes(x));
      expect(missing).toEqual([]);
      // the only extra objects: what the Kyverno generate rules held back in AUDIT would create (not chart objects in ENFORCE)
      const extra = restored.filter((o) => !enforce.some((e) => id(e) === id(o)));
      const generated = new Set(report.heldBack.filter((p) => p.cluster === cluster && p.reason.startsWith('Kyverno ')).map((p) => id(p.manifest)));
      expect(extra.filter((o) => !generated.has(id(o))).map(id)).toEqual([]);
      expect(restored.some((o) => o.metadata.annotations?.[Enforcement.ISTIO_DRY_RUN_ANNOTATION] !== undefined)).toBe(false);
      // the east-west Gateway comes back as ENFORCE emits it (the delivery's sync-wave annotation aside)
      const gw = (l: any[]) => l.find((o) => o.kind === 'Gateway' && o.metadata.name === 'cross-network-gateway');
      expect(gw(audit.clusters.find((a) => a.cluster.name === cluster)!.chart.toJson())).toBeUndefined();
      expect(gw(restored).spec).toEqual(gw(enforce).spec);
    }
  });

  test('the guardrails\' Kyverno ClusterPolicies come back in their ENFORCE form, not the Audit one AUDIT emits', () => {
    const kyverno = (l: any[]) => l.filter((o) => o.kind === 'ClusterPolicy' && String(o.apiVersion).startsWith('kyverno.io/'));
    for (const c of normal.clusters) {
      const cluster = c.cluster.name;
      const enforce = kyverno(c.chart.toJson());
      expect(enforce.length).toBeGreaterThanOrEqual(2);
      const emitted = kyverno(report.auditObjects(cluster));
      // AUDIT emits them all Audit, without the generate rules
      expect(emitted.flatMap((p) => p.spec.rules).every((r: any) => r.validate?.failureAction === 'Audit')).toBe(true);
      expect(kyverno(report.enforcedObjects(cluster))).toEqual(enforce);
    }
  });

  test('ambient: the istio-east-west Gateway (Gateway API) held back in AUDIT comes back as ENFORCE emits it', () => {
    const ambient = buildEcommerce(new App(), { enforcement: EnforcementMode.AUDIT, dataPlane: DataPlane.AMBIENT });
    const enforce = buildEcommerce(new App(), { dataPlane: DataPlane.AMBIENT });
    const r = EnforcementReport.of(ambient.fleet);
    const held = r.heldBack.filter((p) => p.kind === 'Gateway');
    expect(held.map((p) => `${p.cluster}/${p.manifest.apiVersion}`)).toEqual(r.clusterNames.map((c) => `${c}/gateway.networking.k8s.io/v1`));
    for (const p of held) {
      const restored = r.enforcedObjects(p.cluster!).filter((o) => id(o) === id(p.manifest));
      const emitted = enforce.clusters.find((c) => c.cluster.name === p.cluster)!.chart.toJson().find((o) => id(o) === id(p.manifest));
      expect(restored.map((o) => o.spec)).toEqual([emitted.spec]);
    }
  });

  test('a held-back object of a kind the report does not know comes back too (no list of kinds to forget)', () => {
    const chart = Testing.chart();
    const manifest = { apiVersion: 'example.com/v1', kind: 'FutureExposure', metadata: { name: 'x', namespace: 'ns' }, spec: { open: true } };
    const entry: HeldBackPolicy = { namespace: 'ns', kind: 'FutureExposure', name: 'x', reason: 'held back in AUDIT', manifest };
    Enforcement.holdBack(chart, entry);
    Enforcement.holdBack(chart, { ...entry, reason: 'recorded twice (per namespace)' });
    Enforcement.holdBack(chart, { namespace: '*', kind: 'ClusterPolicyRule', name: 'p/r', reason: 'a rule', manifest: { name: 'r' } });
    const objs = EnforcementReport.of(chart).enforcedObjects('test');
    expect(objs).toEqual([manifest]);
  });
});
