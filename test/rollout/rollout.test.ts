import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AdmissionGuardrails, Enforcement, EnforcementMode, EnforcementReport, Fleet, Flows, GuardrailAction, Peer, Port,
  ReachabilityAnalyzer, ValidationError, ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

const key = (o: any): string => `${o.metadata.namespace}/${o.kind}/${o.metadata.name}`;
const netpols = (objs: any[], ns?: string): any[] =>
  objs.filter((o) => o.kind === 'NetworkPolicy' && (ns === undefined || o.metadata.namespace === ns));

/** No default-deny of any kind: NetworkPolicy with an empty podSelector and no rules, Kyverno generate of a NetworkPolicy. */
function expectNoDefaultDeny(objs: any[]): void {
  for (const np of netpols(objs)) {
    const empty = Object.keys(np.spec.podSelector ?? {}).length === 0
      || Object.keys(np.spec.podSelector.matchLabels ?? {}).length === 0;
    expect({ np: key(np), defaultDeny: empty && !np.spec.ingress && !np.spec.egress }).toEqual({ np: key(np), defaultDeny: false });
  }
  for (const cp of objs.filter((o) => o.kind === 'ClusterPolicy')) {
    for (const r of cp.spec.rules) {
      expect(r.generate?.kind).not.toBe('NetworkPolicy');
    }
  }
}

/** A shop namespace: frontend -> backend on TCP 8080 (plus DNS). */
function shop(chart: Chart, mode?: EnforcementMode): ZeroTrustNamespace {
  const ns = new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
  if (mode !== undefined) {
    Enforcement.set(ns, mode);
  }
  const fe = new kplus.Deployment(chart, 'frontend', {
    metadata: { namespace: 'shop' }, containers: [{ image: 'fe:1', portNumber: 8080 }],
  });
  const be = new kplus.Deployment(chart, 'backend', {
    metadata: { namespace: 'shop' }, containers: [{ image: 'be:1', portNumber: 8080 }],
  });
  Flows.of(chart).allow(Peer.workload(fe), Peer.workload(be), { ports: [Port.tcp(8080)] });
  return ns;
}

function build(mode?: EnforcementMode): { chart: Chart; objs: any[]; report: EnforcementReport } {
  const chart = Testing.chart();
  shop(chart, mode);
  const objs = synthAndValidate(chart);
  return { chart, objs, report: EnforcementReport.of(chart) };
}

describe('staged rollout: ZeroTrustNamespace', () => {
  test('ENFORCE (default) emits the policies and reports nothing', () => {
    const { objs, report } = build();
    expect(netpols(objs, 'shop').map((o) => o.metadata.name)).toEqual([
      'allow-from-frontend-to-backend', 'allow-to-backend-from-frontend', 'allow-to-dns', 'default-deny',
    ]);
    expect(report.heldBack).toEqual([]);
    expect(report.isEmpty).toBe(true);
    expect(report.wouldBlock()).toEqual([]);
    expect(report.toMarkdown()).toContain('Everything is enforced.');
  });

  test('AUDIT emits no NetworkPolicy in the namespace, no default-deny, and holds back every policy ENFORCE emits', () => {
    const enforce = build(EnforcementMode.ENFORCE);
    const audit = build(EnforcementMode.AUDIT);
    expect(netpols(audit.objs)).toEqual([]);
    expectNoDefaultDeny(audit.objs);
    // nothing lost: the held-back manifests are exactly the ENFORCE NetworkPolicies
    const held = audit.report.heldBack.filter((p) => !p.reason.startsWith('relaxed in AUDIT'));
    expect(held.map((p) => p.manifest).sort((a, b) => key(a).localeCompare(key(b))))
      .toEqual(netpols(enforce.objs).sort((a, b) => key(a).localeCompare(key(b))));
    expect(held.every((p) => p.namespace === 'shop' && p.kind === 'NetworkPolicy' && p.cluster === 'test')).toBe(true);
    expect(held.find((p) => p.name === 'default-deny')!.reason).toMatch(/isolates every pod/);
    // every other object is the same in both modes, except what AUDIT relaxes (review finding 6):
    // the namespace's Pod Security enforce label, its quota and default limits, listed with their enforced form
    const relaxed = audit.report.heldBack.filter((p) => p.reason.startsWith('relaxed in AUDIT'));
    expect(relaxed.map((p) => `${p.kind}/${p.name}`)).toEqual(['LimitRange/default-limits', 'Namespace/shop', 'ResourceQuota/default-quota']);
    const isRelaxed = (o: any) => relaxed.some((p) => p.kind === o.kind && p.name === o.metadata.name);
    const rest = (objs: any[]) => objs.filter((o) => o.kind !== 'NetworkPolicy' && !isRelaxed(o));
    expect(rest(audit.objs)).toEqual(rest(enforce.objs));
    const byKind = (a: any, b: any) => a.kind.localeCompare(b.kind);
    expect(relaxed.map((p) => p.manifest).sort(byKind)).toEqual(enforce.objs.filter(isRelaxed).sort(byKind));
    // the held-back manifests are valid objects
    expect(audit.report.enforcedObjects('test').filter((o) => o.kind === 'NetworkPolicy')).toHaveLength(4);
  });

  test('the report lists the connections enforcement would block, matching the analyzer on both outputs', () => {
    const enforce = build(EnforcementMode.ENFORCE);
    const audit = build(EnforcementMode.AUDIT);
    const blocked = audit.report.wouldBlock();
    const peers = ReachabilityAnalyzer.fromObjects(audit.objs).peers();
    const fe = peers.find((p) => p.startsWith('shop/test-frontend-'))!;
    const be = peers.find((p) => p.startsWith('shop/test-backend-'))!;
    expect([fe, be].every((p) => p.endsWith('[Deployment]'))).toBe(true);
    const pair = (s: string, d: string) => blocked.find((b) => b.src === s && b.dst === d);
    expect(pair(be, fe)).toMatchObject({ cluster: 'test', today: 'All Connections', enforced: 'No Connections' });
    expect(pair(fe, be)).toMatchObject({ today: 'All Connections', enforced: 'TCP 8080' });
    // same as diffing the real AUDIT output against the real ENFORCE output
    const diff = ReachabilityAnalyzer.diff(ReachabilityAnalyzer.fromObjects(audit.objs), ReachabilityAnalyzer.fromObjects(enforce.objs));
    expect(blocked.map((b) => `${b.src} ${b.dst} ${b.today} ${b.enforced}`))
      .toEqual(diff.entries.map((e) => `${e.src} ${e.dst} ${e.ref1} ${e.ref2}`));
    expect(diff.entries.filter((e) => e.diffType === 'added')).toEqual([]); // enforcing only closes
    const md = audit.report.toMarkdown();
    expect(md).toContain('### Namespace shop');
    expect(md).toContain('| NetworkPolicy | default-deny |');
    expect(md).toContain(`| ${be} | ${fe} | All Connections | No Connections |`);
    const json = JSON.parse(audit.report.toJson());
    expect(json.clusters[0].heldBack).toHaveLength(4 + 3); // + the relaxed Namespace, ResourceQuota and LimitRange
    expect(json.clusters[0].wouldBlock.length).toBe(blocked.length);
  });

  test('one setting moves the namespace from AUDIT to ENFORCE', () => {
    for (const mode of [EnforcementMode.AUDIT, EnforcementMode.ENFORCE]) {
      const { objs, report } = build(mode);
      expect(netpols(objs, 'shop').length).toBe(mode === EnforcementMode.AUDIT ? 0 : 4);
      expect(report.heldBack.length).toBe(mode === EnforcementMode.AUDIT ? 4 + 3 : 0); // + the relaxed Namespace, ResourceQuota and LimitRange
    }
  });
});

describe('staged rollout: scopes and precedence', () => {
  function twoNamespaces(chart: Chart): void {
    shop(chart);
    new ZeroTrustNamespace(chart, 'pay', { name: 'pay' });
  }

  test('cluster AUDIT with one namespace back to ENFORCE (setNamespace and set on the namespace)', () => {
    for (const viaConstruct of [false, true]) {
      const chart = Testing.chart();
      twoNamespaces(chart);
      Enforcement.set(chart, EnforcementMode.AUDIT);
      if (viaConstruct) {
        Enforcement.set(chart.node.findChild('pay'), EnforcementMode.ENFORCE);
      } else {
        Enforcement.setNamespace(chart, 'pay', EnforcementMode.ENFORCE);
      }
      const objs = synthAndValidate(chart);
      expect(netpols(objs, 'shop')).toEqual([]);
      expect(netpols(objs, 'pay').map((o) => o.metadata.name)).toEqual(['allow-to-dns', 'default-deny']);
      expect(Array.from(new Set(EnforcementReport.of(chart).heldBack.map((p) => p.namespace)))).toEqual(['shop']);
    }
  });

  test('fleet AUDIT applies to every cluster; a cluster chart overrides it; the report is per cluster', () => {
    const app = new App();
    const fleet = new Fleet(app, 'fleet', {
      clusters: [
        { name: 'eu', region: 'europe-west', podCidr: '10.2.0.0/16', serviceCidr: '10.102.0.0/16' },
        { name: 'us', region: 'us-east', podCidr: '10.3.0.0/16', serviceCidr: '10.103.0.0/16' },
      ],
    });
    for (const c of fleet.clusters) shop(c.chart);
    Enforcement.set(fleet, EnforcementMode.AUDIT);
    Enforcement.set(fleet.cluster('us').chart, EnforcementMode.ENFORCE);
    const eu = synthAndValidate(fleet.cluster('eu').chart);
    const us = synthAndValidate(fleet.cluster('us').chart);
    expect(netpols(eu)).toEqual([]);
    expectNoDefaultDeny(eu);
    expect(netpols(us)).toHaveLength(4);
    const report = EnforcementReport.of(fleet);
    expect(report.clusterNames).toEqual(['eu', 'us']);
    expect(Array.from(new Set(report.heldBack.map((p) => `${p.cluster}/${p.namespace}`)))).toEqual(['eu/shop']);
    expect(new Set(report.wouldBlock().map((b) => b.cluster))).toEqual(new Set(['eu']));
    expect(report.toMarkdown()).toMatch(/## Cluster eu[\s\S]*### Namespace shop[\s\S]*## Cluster us\n\nEverything is enforced\./);
  });

  test('extraObjects: connections to and from pods outside the charts (platform stand-ins) are reported, on both sides of the diff', () => {
    const enforce = build(EnforcementMode.ENFORCE);
    const audit = build(EnforcementMode.AUDIT);
    const dnsLabels = { 'k8s-app': 'kube-dns' };
    const coredns = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: dnsLabels },
        template: { metadata: { labels: dnsLabels }, spec: { containers: [{ name: 'coredns', image: 'stand-in', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } },
      },
    };
    const dns = 'kube-system/coredns[Deployment]';
    const plain = audit.report.wouldBlock();
    expect(plain.filter((b) => b.src === dns || b.dst === dns)).toEqual([]);
    const analyzerOptions = { ingressControllerNamespace: 'ingress-nginx' };
    const report = EnforcementReport.of(audit.chart, { extraObjects: [coredns], analyzerOptions });
    const blocked = report.wouldBlock();
    const fe = blocked.map((b) => b.src).find((p) => p.startsWith('shop/test-frontend-'))!;
    const pair = (s: string, d: string) => blocked.find((b) => b.src === s && b.dst === d);
    // the DNS pod loses its access to the shop; the shop keeps only DNS to it
    expect(pair(dns, fe)).toMatchObject({ today: 'All Connections', enforced: 'No Connections' });
    expect(pair(fe, dns)?.today).toBe('All Connections');
    expect(pair(fe, dns)?.enforced).toMatch(/UDP 53/);
    // exactly the diff of the two outputs with the stand-in added to both
    const diff = ReachabilityAnalyzer.diff(
      ReachabilityAnalyzer.fromObjects([...audit.objs, coredns], analyzerOptions),
      ReachabilityAnalyzer.fromObjects([...enforce.objs, coredns], analyzerOptions));
    expect(blocked.map((b) => `${b.src} ${b.dst} ${b.today} ${b.enforced}`))
      .toEqual(diff.entries.filter((e) => e.diffType !== 'added').map((e) => `${e.src} ${e.dst} ${e.ref1} ${e.ref2}`));
    expect(EnforcementReport.compare('test', audit.objs, enforce.objs, analyzerOptions, [coredns])).toEqual(blocked);
    // the stand-ins are for the analysis only; the report's analyzer options are the default of every method
    expect(report.auditObjects('test')).toEqual(audit.report.auditObjects('test'));
    expect(report.enforcedObjects('test')).toEqual(audit.report.enforcedObjects('test'));
    expect(report.toMarkdown()).toBe(report.toMarkdown(analyzerOptions));
    expect(report.toMarkdown()).toContain(`| ${dns} | ${fe} | All Connections | No Connections |`);
    expect(JSON.parse(report.toJson()).clusters[0].wouldBlock).toHaveLength(blocked.length);
  });

  test('extraObjects: bad input names the field and the value', () => {
    const chart = Testing.chart();
    expect(() => EnforcementReport.of(chart, { extraObjects: 'coredns' as any })).toThrow(ValidationError);
    expect(() => EnforcementReport.of(chart, { extraObjects: 'coredns' as any })).toThrow(/EnforcementReport.of: invalid extraObjects "coredns": expected a list of Kubernetes objects/);
    expect(() => EnforcementReport.of(chart, { extraObjects: [{ kind: 'Deployment', metadata: { name: 'a' } }, { metadata: { name: 'b' } }] }))
      .toThrow(/invalid extraObjects\[1\] .*"b".*: expected a Kubernetes object/);
    expect(() => EnforcementReport.of(chart, { analyzerOptions: 'mesh' as any })).toThrow(/invalid analyzerOptions "mesh"/);
    expect(() => EnforcementReport.compare('c', [], [], undefined, [null])).toThrow(/EnforcementReport.compare: invalid extraObjects\[0\] null/);
  });

  test('bad modes name the field and the value', () => {
    const chart = Testing.chart();
    expect(() => Enforcement.set(chart, 'audit' as any)).toThrow(ValidationError);
    expect(() => Enforcement.set(chart, 'audit' as any)).toThrow(/invalid mode "audit": expected EnforcementMode.ENFORCE/);
    expect(() => Enforcement.setNamespace(chart, 'Shop', EnforcementMode.AUDIT)).toThrow(/invalid namespace "Shop"/);
    expect(() => new AdmissionGuardrails(chart, 'g', { enforcement: 'dry' as any })).toThrow(/invalid enforcement "dry"/);
    expect(() => EnforcementReport.of(chart).enforcedObjects('nope')).toThrow(/invalid cluster "nope": expected one of test/);
  });
});

describe('staged rollout: AdmissionGuardrails', () => {
  const rulesOf = (objs: any[], name: string): any[] => objs.find((o) => o.metadata.name === name).spec.rules;

  test('AUDIT: every rule Audit, no generate rule; the generate rules and what they would create are reported', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { enforcement: EnforcementMode.AUDIT });
    new kplus.Namespace(chart, 'shop', { metadata: { name: 'shop' } });
    const objs = synthAndValidate(chart);
    expectNoDefaultDeny(objs);
    const net = rulesOf(objs, 'zero-trust-network-policies');
    expect(net.map((r) => r.name)).toEqual([
      'require-network-policy', 'disallow-allow-all-network-policy', 'disallow-allow-all-authorization-policy',
      'disallow-service-external-ips', 'disallow-service-external-name',
    ]);
    for (const r of [...net, ...rulesOf(objs, 'zero-trust-pod-hardening')]) {
      expect({ rule: r.name, action: r.validate.failureAction }).toEqual({ rule: r.name, action: 'Audit' });
    }
    const report = EnforcementReport.of(chart);
    const held = report.heldBack.map((p) => `${p.namespace}/${p.kind}/${p.name}`);
    // nothing lost: both generate rules, and what they would generate in the chart's namespace
    expect(held).toEqual(expect.arrayContaining([
      '*/ClusterPolicyRule/zero-trust-network-policies/generate-default-deny',
      '*/ClusterPolicyRule/zero-trust-network-policies/generate-allow-dns',
      'shop/NetworkPolicy/default-deny',
      'shop/NetworkPolicy/allow-dns',
    ]));
    const enforce = Testing.chart();
    new AdmissionGuardrails(enforce, 'g');
    const enforceRules = rulesOf(synthAndValidate(enforce), 'zero-trust-network-policies').filter((r) => r.generate);
    expect(report.heldBack.filter((p) => p.kind === 'ClusterPolicyRule').map((p) => p.manifest).sort((a, b) => a.name.localeCompare(b.name)))
      .toEqual(enforceRules.sort((a, b) => a.name.localeCompare(b.name)));
    expect(report.auditOnly.filter((a) => a.mechanism === 'Kyverno Audit').length).toBeGreaterThan(5);
  });

  test('ENFORCE cluster with a namespace in AUDIT: generation excludes it, its pods are audited only', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { podHardeningAction: GuardrailAction.ENFORCE });
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    new ZeroTrustNamespace(chart, 'pay', { name: 'pay' });
    new kplus.Namespace(chart, 'legacy', { metadata: { name: 'legacy' } });
    Enforcement.setNamespace(chart, 'shop', EnforcementMode.AUDIT);
    Enforcement.setNamespace(chart, 'legacy', EnforcementMode.AUDIT);
    const objs = synthAndValidate(chart);
    const net = rulesOf(objs, 'zero-trust-network-policies');
    for (const g of net.filter((r) => r.generate)) {
      expect(g.exclude.any[0].resources.names).toEqual([...AdmissionGuardrails.PLATFORM_NAMESPACES, 'legacy', 'shop'].sort());
    }
    for (const r of [...net.filter((x) => x.validate), ...rulesOf(objs, 'zero-trust-pod-hardening')]) {
      expect(r.validate.failureAction).toBe('Enforce');
      expect(r.validate.failureActionOverrides).toEqual([{ action: 'Audit', namespaces: ['legacy', 'shop'] }]);
    }
    expect(netpols(objs, 'shop')).toEqual([]);
    expect(netpols(objs, 'pay')).toHaveLength(2);
    const held = EnforcementReport.of(chart).heldBack;
    // Kyverno would generate only in the plain namespace: a ZeroTrustNamespace owns its own
    // policies (held back by its renderer), the generate rules skip it by its managed label
    expect(held.filter((p) => p.reason.startsWith('Kyverno')).map((p) => `${p.namespace}/${p.name}`)).toEqual(['legacy/allow-dns', 'legacy/default-deny']);
    expect(held.filter((p) => p.namespace === 'shop').map((p) => p.name)).toEqual(['default-limits', 'shop', 'allow-to-dns', 'default-deny', 'default-quota']);
    expect(held.every((p) => p.namespace === 'shop' || p.namespace === 'legacy')).toBe(true);
  });

  test('the construct prop wins over the cluster setting', () => {
    const chart = Testing.chart();
    Enforcement.set(chart, EnforcementMode.AUDIT);
    new AdmissionGuardrails(chart, 'g', { enforcement: EnforcementMode.ENFORCE });
    const objs = synthAndValidate(chart);
    expect(rulesOf(objs, 'zero-trust-network-policies').filter((r) => r.generate)).toHaveLength(2);
    expect(rulesOf(objs, 'zero-trust-pod-hardening').every((r) => r.validate.failureAction === 'Enforce')).toBe(true);
  });
});
