/**
 * The staged rollout of the sample: the fleet built in AUDIT (what a team deploys first on a
 * running system) blocks nothing, holds back every NetworkPolicy and generate rule into the
 * report, and the ENFORCE build is the normal sample.
 */
import { App } from 'cdk8s';
import { APP_NAMESPACES, buildEcommerce, CLUSTERS, EcommerceSample } from '../../sample/ecommerce';
import { ANALYZER_OPTIONS } from '../../sample/platform';
import { Enforcement, EnforcementMode, EnforcementReport } from '../../src';
import { formatIssues, validateObjects } from '../util';
import { builtCluster } from '../util/sample-cache';

let audit: EcommerceSample;
let report: EnforcementReport;
let markdown: string;
let json: any;
const auditObjects = new Map<string, any[]>();

beforeAll(() => {
  audit = buildEcommerce(new App(), { enforcement: EnforcementMode.AUDIT });
  for (const c of audit.clusters) {
    auditObjects.set(c.cluster.name, c.chart.toJson());
  }
  report = EnforcementReport.of(audit.fleet);
  markdown = report.toMarkdown(ANALYZER_OPTIONS);
  json = JSON.parse(report.toJson(ANALYZER_OPTIONS));
});

/** The fleet built with ENFORCE set explicitly (built once, on first use). */
let enforced: EcommerceSample | undefined;
const enforceBuild = (): EcommerceSample => enforced ??= buildEcommerce(new App(), { enforcement: EnforcementMode.ENFORCE });
/** The normal sample's objects of one cluster (built once per run). */
const normalObjects = (cluster: string): any[] => builtCluster(cluster).objects;
const chartOf = (s: EcommerceSample, cluster: string) => s.clusters.find((c) => c.cluster.name === cluster)!.chart;
/** The markdown section of one cluster. */
const sectionOf = (cluster: string): string => markdown.split(/^## Cluster /m).find((s) => s.startsWith(`${cluster}\n`))!;

test('the option sets the whole fleet', () => {
  expect(Enforcement.explicit(audit.fleet)).toBe(EnforcementMode.AUDIT);
  // the normal build (test/util/sample-cache) sets no mode: it emits its NetworkPolicies
  expect(normalObjects(CLUSTERS[0]).some((o) => o.kind === 'NetworkPolicy')).toBe(true);
  expect(report.clusterNames).toEqual(CLUSTERS);
});

describe.each(CLUSTERS)('AUDIT in %s', (cluster) => {
  test('valid, and nothing isolates a pod: no NetworkPolicy, no generate rule, every Kyverno rule Audit, every AuthorizationPolicy dry-run', () => {
    const objs = auditObjects.get(cluster)!;
    expect(formatIssues(validateObjects(objs))).toBe(formatIssues([]));
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
    const rules = objs.filter((o) => o.kind === 'ClusterPolicy').flatMap((o) => o.spec.rules);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r: any) => r.generate !== undefined).map((r: any) => r.name)).toEqual([]);
    for (const r of rules.filter((x: any) => x.validate)) expect([r.name, r.validate.failureAction]).toEqual([r.name, 'Audit']);
    const aps = objs.filter((o) => o.kind === 'AuthorizationPolicy');
    expect(aps.length).toBeGreaterThan(0);
    for (const ap of aps) expect([ap.metadata.name, ap.metadata.annotations?.[Enforcement.ISTIO_DRY_RUN_ANNOTATION]]).toEqual([ap.metadata.name, 'true']);
    // the workloads are the same as in the normal sample
    const names = (l: any[]) => l.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(names(objs)).toEqual(names(normalObjects(cluster)));
  });

  test('every NetworkPolicy of the normal sample (and those the guardrails would generate) is held back, and every held-back policy is in the report', () => {
    const held = report.heldBack.filter((p) => p.cluster === cluster);
    const heldNps = new Map(held.filter((p) => p.kind === 'NetworkPolicy').map((p) => [`${p.namespace}/${p.name}`, p.manifest]));
    const normalNps = normalObjects(cluster).filter((o) => o.kind === 'NetworkPolicy');
    const normalKeys = normalNps.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    for (const o of normalNps) expect(heldNps.get(`${o.metadata.namespace}/${o.metadata.name}`)?.spec).toEqual(o.spec);
    // besides: the default-deny and allow-dns that Kyverno would generate in the one namespace of
    // the chart that is neither ours nor excluded (the WireGuard gateway's)
    expect([...heldNps.keys()].filter((k) => !normalKeys.includes(k)).sort()).toEqual(['wireguard/allow-dns', 'wireguard/default-deny']);
    expect(held.filter((p) => p.name === 'default-deny').map((p) => p.namespace).sort()).toEqual([...APP_NAMESPACES, 'wireguard'].sort());
    // and the guardrails' generate rules
    expect(held.filter((p) => p.kind === 'ClusterPolicyRule').map((p) => p.name).sort())
      .toEqual(['zero-trust-network-policies/generate-allow-dns', 'zero-trust-network-policies/generate-default-deny']);
    const section = sectionOf(cluster);
    const entry = json.clusters.find((c: any) => c.cluster === cluster);
    expect(entry.heldBack.length).toBe(held.length);
    for (const p of held) {
      const ns = section.split(/^### /m).find((s) => s.startsWith(`Namespace ${p.namespace === '*' ? '(cluster-wide)' : p.namespace}\n`));
      expect([p.namespace, p.name, ns?.includes(`| ${p.kind} | ${p.name} | ${p.reason} |`)]).toEqual([p.namespace, p.name, true]);
      expect(entry.heldBack).toContainEqual({ namespace: p.namespace, kind: p.kind, name: p.name, reason: p.reason, manifest: p.manifest });
    }
  });

  test('the cross-network Gateway is held back with the NetworkPolicies: nothing is exposed to the other networks while they are', () => {
    // (the shop's Gateway API Gateway stays: it is the entry point, like an Ingress)
    const istioGateway = (o: any) => o.kind === 'Gateway' && o.apiVersion.startsWith('networking.istio.io/');
    expect(auditObjects.get(cluster)!.filter(istioGateway)).toEqual([]);
    expect(auditObjects.get(cluster)!.filter((o) => o.kind === 'Gateway').map((o) => `${o.apiVersion} ${o.metadata.namespace}/${o.metadata.name}`))
      .toEqual(['gateway.networking.k8s.io/v1 gateway/shop']);
    const normalGw = normalObjects(cluster).filter(istioGateway);
    expect(normalGw.map((o) => o.spec.servers[0].hosts)).toEqual([['payment-service.payment.svc.cluster.local']]);
    const held = report.heldBack.filter((p) => p.cluster === cluster && p.kind === 'Gateway');
    expect(held.map((p) => [`${p.namespace}/${p.name}`, p.manifest.spec])).toEqual([['istio-system/cross-network-gateway', normalGw[0].spec]]);
    expect(sectionOf(cluster)).toContain('cross-network-gateway');
  });

  test('the report lists what enforcing would block: open today, closed or narrowed when enforced', () => {
    const blocked = report.wouldBlock(ANALYZER_OPTIONS).filter((b) => b.cluster === cluster);
    expect(blocked.length).toBeGreaterThan(0);
    for (const b of blocked) expect(b.enforced).not.toBe(b.today);
    const frontendToDb = blocked.find((b) => b.src === 'frontend/frontend[Deployment]' && b.dst === 'database/user-db[Deployment]');
    expect(frontendToDb).toMatchObject({ today: 'All Connections', enforced: 'No Connections' });
    // S17 narrowed: order-service keeps TCP 8080 to payment-service only
    const orderToPayment = blocked.find((b) => b.src === 'order/order-service[Deployment]' && b.dst === 'payment/payment-service[Deployment]');
    expect(orderToPayment?.enforced).toContain('TCP 8080');
    expect(sectionOf(cluster)).toContain('| frontend/frontend[Deployment] | database/user-db[Deployment] | All Connections | No Connections |');
  });

  test('ENFORCE is the normal sample, object for object', () => {
    const enforce = enforceBuild();
    expect(chartOf(enforce, cluster).toJson()).toEqual(normalObjects(cluster));
    expect(EnforcementReport.of(chartOf(enforce, cluster)).isEmpty).toBe(true);
  });
});
