/**
 * The cluster-wide policy tiers (Network Policy API): which pods are subjects, which peers, which
 * action and priority, judged with a tier evaluator (Admin by priority, NetworkPolicies, Baseline);
 * the same declarations in v1alpha2 and v1alpha1; the staged rollout; bad input.
 */
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  AdmissionWebhookAccess, ApplyOrder, CloudMetadataDeny, ClusterBaseline, Enforcement, EnforcementMode, EnforcementReport, Flows, NamespaceDelegation,
  NetworkPolicyApiVersion, Port, TenantIsolation, ZeroTrustNamespace,
} from '../../src';
import { errorOf, synthAndValidate } from '../util';
import { TierEvaluator, toV1alpha2 } from './tier-eval';

const MANAGED = { 'zero-trust.cdk8s.io/managed': 'true' };
const TIER_KINDS = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];
const tiersOf = (objs: any[]) => objs.filter((o) => TIER_KINDS.includes(o.kind));
const pod = (namespace: string, labels: { [k: string]: string } = { app: 'x' }) => ({ namespace, labels });
const allowAll = (ns: string): any => k8s.KubeNetworkPolicy.manifest({
  metadata: { name: 'allow-all', namespace: ns },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
});

describe('ClusterBaseline', () => {
  test.each([NetworkPolicyApiVersion.V1ALPHA2, NetworkPolicyApiVersion.V1ALPHA1])('%s: default-deny for the managed namespaces only, DNS open, NetworkPolicies override', (apiVersion) => {
    const chart = Testing.chart();
    new ClusterBaseline(chart, 'baseline', { apiVersion, allowFromNamespaces: ['ingress'] });
    const objs = synthAndValidate(chart);
    expect(tiersOf(objs).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([apiVersion === NetworkPolicyApiVersion.V1ALPHA2
      ? 'policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy zero-trust-baseline'
      : 'policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy default']);
    const nsLabels = { 'shop': MANAGED, 'cart': MANAGED, 'kube-system': MANAGED, 'legacy': {}, 'ingress': {} };
    const ev = new TierEvaluator(objs, nsLabels);
    const deny = ev.verdict(pod('shop'), pod('cart'), 'TCP', 8080);
    expect(deny.allowed).toBe(false);
    expect(deny.decidedBy[0]).toMatch(/^Baseline\//);
    expect(ev.allowed(pod('shop'), pod('kube-system', { 'k8s-app': 'kube-dns' }), 'UDP', 53)).toBe(true);
    expect(ev.allowed(pod('shop'), pod('kube-system', { 'k8s-app': 'kube-dns' }), 'TCP', 53)).toBe(true);
    expect(ev.allowed(pod('shop'), pod('kube-system', { 'k8s-app': 'kube-dns' }), 'TCP', 9153)).toBe(false);
    expect(ev.allowed(pod('shop'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(false);
    expect(ev.allowed(pod('shop'), { ip: '2606:2800::1' }, 'TCP', 443)).toBe(false);
    expect(ev.allowed(pod('shop'), pod('shop', { app: 'y' }), 'TCP', 80)).toBe(false);
    expect(ev.allowed(pod('ingress'), pod('shop'), 'TCP', 8080)).toBe(true);
    // a platform namespace is never a subject, even wrongly labelled; an unlabelled one neither
    expect(ev.allowed(pod('kube-system'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(true);
    expect(ev.allowed(pod('legacy'), pod('ingress'), 'TCP', 80)).toBe(true);
    // the namespace's own NetworkPolicies decide before the Baseline tier
    const open = new TierEvaluator([...objs, allowAll('shop'), allowAll('cart')], nsLabels);
    expect(open.verdict(pod('shop'), pod('cart'), 'TCP', 8080)).toEqual({ allowed: true, decidedBy: [] });
  });

  test('with ZeroTrustNamespace flows: the declared flow holds, the rest is denied by NetworkPolicy and baseline', () => {
    const chart = Testing.chart();
    const shop = new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    const cart = new ZeroTrustNamespace(chart, 'cart', { name: 'cart' });
    Flows.of(chart).allow(cart.pods({ app: 'cart' }), shop.pods({ app: 'web' }), { ports: [Port.tcp(8080)] });
    new ClusterBaseline(chart, 'baseline');
    const objs = synthAndValidate(chart);
    const ev = new TierEvaluator(objs);
    expect(ev.allowed(pod('cart', { app: 'cart' }), pod('shop', { app: 'web' }), 'TCP', 8080)).toBe(true);
    expect(ev.allowed(pod('cart', { app: 'other' }), pod('shop', { app: 'web' }), 'TCP', 8080)).toBe(false);
  });
});

describe('Admin tier', () => {
  test('CloudMetadataDeny: no pod reaches the metadata endpoint (IPv4 and IPv6), whatever its NetworkPolicies; exceptions by namespace', () => {
    const chart = Testing.chart();
    new CloudMetadataDeny(chart, 'imds', { priority: 10, exceptNamespaces: ['node-agent'] });
    const objs = synthAndValidate(chart);
    const [cnp] = tiersOf(objs);
    expect(cnp.spec).toMatchObject({ tier: 'Admin', priority: 10 });
    const ev = new TierEvaluator([...objs, allowAll('shop'), allowAll('kube-system')]);
    for (const ip of ['169.254.169.254', 'fd00:ec2::254']) {
      expect(ev.verdict(pod('shop'), { ip }, 'TCP', 80)).toEqual({ allowed: false, decidedBy: ['Admin/deny-cloud-metadata'] });
      expect(ev.allowed(pod('kube-system'), { ip }, 'TCP', 80)).toBe(false);
      expect(ev.allowed(pod('node-agent'), { ip }, 'TCP', 80)).toBe(true);
    }
    expect(ev.allowed(pod('shop'), { ip: '169.254.169.253' }, 'TCP', 80)).toBe(true);
  });

  test('TenantIsolation: tenants cannot reach each other even with allow-all NetworkPolicies; inside a tenant and the platform are untouched', () => {
    const chart = Testing.chart();
    const iso = new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['red', 'blue'], priority: 100 });
    const objs = synthAndValidate(chart);
    expect(iso.tenants).toEqual(['blue', 'red']);
    expect(tiersOf(objs).map((o) => [o.metadata.name, o.spec.priority, o.spec.subject])).toEqual([
      ['tenant-isolation-blue', 100, { namespaces: { matchLabels: { tenant: 'blue' } } }],
      ['tenant-isolation-red', 101, { namespaces: { matchLabels: { tenant: 'red' } } }],
    ]);
    const ns = { r1: { tenant: 'red' }, r2: { tenant: 'red' }, b1: { tenant: 'blue' }, platform: {} };
    const ev = new TierEvaluator([...objs, ...Object.keys(ns).map(allowAll)], ns);
    const v = ev.verdict(pod('r1'), pod('b1'), 'TCP', 8080);
    expect(v.allowed).toBe(false);
    expect(v.decidedBy).toEqual(['Admin/tenant-isolation-red', 'Admin/tenant-isolation-blue']);
    expect(ev.allowed(pod('b1'), pod('r1'), 'TCP', 8080)).toBe(false);
    expect(ev.allowed(pod('r1'), pod('r2'), 'TCP', 8080)).toBe(true);
    expect(ev.allowed(pod('r1'), pod('platform'), 'TCP', 8080)).toBe(true);
    expect(ev.allowed(pod('platform'), pod('b1'), 'TCP', 8080)).toBe(true);
  });

  test('NamespaceDelegation: Pass skips the later Admin deny, the namespaces\' NetworkPolicies decide', () => {
    const chart = Testing.chart();
    new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['red', 'shared'], priority: 100 });
    new NamespaceDelegation(chart, 'to-shared', { priority: 50, namespaceLabels: { tenant: 'red' }, toNamespaceLabels: { tenant: 'shared' }, ports: [Port.tcp(443)] });
    new NamespaceDelegation(chart, 'from-red', { priority: 51, namespaceLabels: { tenant: 'shared' }, fromNamespaceLabels: { tenant: 'red' }, ports: [Port.tcp(443)] });
    const objs = synthAndValidate(chart);
    const pass = tiersOf(objs).find((o) => o.metadata.name === 'delegate-to-shared');
    expect(pass.spec.egress).toEqual([{ name: 'pass-egress', action: 'Pass', to: [{ namespaces: { matchLabels: { tenant: 'shared' } } }], protocols: [{ tcp: { destinationPort: { number: 443 } } }] }]);
    const ns = { red: { tenant: 'red' }, shared: { tenant: 'shared' } };
    expect(new TierEvaluator(objs, ns).allowed(pod('red'), pod('shared'), 'TCP', 443)).toBe(true);
    expect(new TierEvaluator(objs, ns).allowed(pod('red'), pod('shared'), 'TCP', 80)).toBe(false);
    // passed to the NetworkPolicy tier: the shared namespace's default-deny now decides
    const denyShared = k8s.KubeNetworkPolicy.manifest({ metadata: { name: 'd', namespace: 'shared' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    expect(new TierEvaluator([...objs, denyShared], ns).verdict(pod('red'), pod('shared'), 'TCP', 443).decidedBy).toEqual(['NetworkPolicy']);
  });

  test('AdmissionWebhookAccess: the API server (by network) reaches the webhook port of an isolated namespace, nothing else', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'hooks', { name: 'hooks' });
    new ClusterBaseline(chart, 'baseline');
    new AdmissionWebhookAccess(chart, 'webhook', { namespace: 'hooks', podLabels: { app: 'webhook' }, port: Port.tcp(9443), controlPlaneCidrs: ['10.0.0.10/32'] });
    const objs = synthAndValidate(chart);
    const ev = new TierEvaluator(objs);
    expect(ev.allowed({ ip: '10.0.0.10' }, pod('hooks', { app: 'webhook' }), 'TCP', 9443)).toBe(true);
    expect(ev.allowed({ ip: '10.0.0.10' }, pod('hooks', { app: 'webhook' }), 'TCP', 8080)).toBe(false);
    expect(ev.allowed({ ip: '10.0.0.11' }, pod('hooks', { app: 'webhook' }), 'TCP', 9443)).toBe(false);
    expect(ev.allowed({ ip: '10.0.0.10' }, pod('hooks', { app: 'other' }), 'TCP', 9443)).toBe(false);
  });
});

/** A chart with every tier construct, in one API version. */
function everything(apiVersion: NetworkPolicyApiVersion): any[] {
  const chart = Testing.chart();
  new ClusterBaseline(chart, 'baseline', { apiVersion, allowToNamespaces: ['istio-system'], allowFromNamespaces: ['ingress'] });
  new CloudMetadataDeny(chart, 'imds', { apiVersion, priority: 1 });
  new TenantIsolation(chart, 'tenants', { apiVersion, tenantLabel: 'tenant', tenants: ['a', 'b'], priority: 10 });
  new NamespaceDelegation(chart, 'pass', { apiVersion, priority: 5, namespaceLabels: { tenant: 'a' }, toNamespaceLabels: { shared: 'true' }, ports: [Port.tcpRange(8000, 8100), Port.tcp(443), Port.allUdp()] });
  return synthAndValidate(chart);
}

describe('API versions', () => {
  test('the same declarations give equivalent objects in v1alpha2 and v1alpha1 (BANP is the singleton default, without priority)', () => {
    const v2 = tiersOf(everything(NetworkPolicyApiVersion.V1ALPHA2));
    const v1 = tiersOf(everything(NetworkPolicyApiVersion.V1ALPHA1));
    expect(v1.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'BaselineAdminNetworkPolicy default', 'AdminNetworkPolicy deny-cloud-metadata',
      'AdminNetworkPolicy tenant-isolation-a', 'AdminNetworkPolicy tenant-isolation-b', 'AdminNetworkPolicy delegate-pass',
    ]);
    expect(v1.find((o) => o.kind === 'BaselineAdminNetworkPolicy').spec.priority).toBeUndefined();
    const normalized = v1.map(toV1alpha2).map((o) => (o.spec.tier === 'Baseline' ? { ...o, metadata: { name: 'zero-trust-baseline' } } : o));
    expect(normalized).toEqual(v2);
  });

  test('the ports of both versions: ranges, named ports and every port of a protocol', () => {
    const pass = (objs: any[]) => tiersOf(objs).find((o) => o.metadata.name === 'delegate-pass').spec.egress[0];
    expect(pass(everything(NetworkPolicyApiVersion.V1ALPHA1)).ports).toEqual([
      { portNumber: { protocol: 'TCP', port: 443 } }, { portRange: { protocol: 'TCP', start: 8000, end: 8100 } }, { portRange: { protocol: 'UDP', start: 1, end: 65535 } },
    ]);
    expect(errorOf(() => new NamespaceDelegation(Testing.chart(), 'p', {
      apiVersion: NetworkPolicyApiVersion.V1ALPHA1, priority: 1, namespaceLabels: { a: 'b' }, toNamespaceLabels: { c: 'd' }, ports: [Port.named('https')],
    })).message).toMatch(/ports\[0\].*TCP\/https.*v1alpha1/);
  });
});

describe('staged rollout', () => {
  test('AUDIT holds back the Admin and Baseline denies (listed, never dropped); the Pass is emitted', () => {
    const chart = Testing.chart();
    Enforcement.set(chart, EnforcementMode.AUDIT);
    new ClusterBaseline(chart, 'baseline');
    new CloudMetadataDeny(chart, 'imds', { priority: 1 });
    new NamespaceDelegation(chart, 'pass', { priority: 5, namespaceLabels: { tenant: 'a' }, toNamespaceLabels: { shared: 'true' } });
    const objs = synthAndValidate(chart);
    expect(tiersOf(objs).map((o) => o.metadata.name)).toEqual(['delegate-pass']);
    const held = Enforcement.heldBack(chart);
    expect(held.map((p) => `${p.namespace} ${p.kind} ${p.name}`)).toEqual([
      '* ClusterNetworkPolicy deny-cloud-metadata', '* ClusterNetworkPolicy zero-trust-baseline',
    ]);
    // what ENFORCE would emit is kept
    expect(held.map((p) => p.manifest.spec.tier)).toEqual(['Admin', 'Baseline']);
  });

  test('a namespace in AUDIT leaves the deny subjects (its NetworkPolicies are held back too) and is listed', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', enforcement: EnforcementMode.AUDIT });
    new ZeroTrustNamespace(chart, 'cart', { name: 'cart' });
    new ClusterBaseline(chart, 'baseline');
    const objs = synthAndValidate(chart);
    const [baseline] = tiersOf(objs);
    const ev = new TierEvaluator(objs);
    expect(ev.allowed(pod('shop'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(true);
    expect(ev.allowed(pod('cart'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(false);
    expect(baseline.spec.subject.namespaces.matchExpressions).toContainEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['shop'] });
    expect(Enforcement.heldBack(chart).filter((p) => p.kind === 'ClusterNetworkPolicy').map((p) => `${p.namespace} ${p.name}`)).toEqual(['shop zero-trust-baseline']);
  });
});

describe('staged rollout report', () => {
  test('EnforcementReport: what the held-back tier denies is what ENFORCE would block', () => {
    const chart = Testing.chart();
    Enforcement.set(chart, EnforcementMode.AUDIT);
    new k8s.KubeDeployment(chart, 'web', {
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    });
    new CloudMetadataDeny(chart, 'imds', { priority: 1 });
    const report = EnforcementReport.of(chart);
    expect(report.enforcedObjects('test').filter((o) => o.kind === 'ClusterNetworkPolicy').map((o) => o.metadata.name)).toEqual(['deny-cloud-metadata']);
    const blocked = report.wouldBlock().map((b) => `${b.src} => ${b.dst}`);
    // (the analyzer's external universe of the AUDIT output is IPv4 only: no IPv6 peer appears in it)
    expect(blocked).toEqual(['shop/web[Deployment] => 169.254.169.254-169.254.169.254[External]']);
  });
});

describe('deployment', () => {
  test('ApplyOrder puts the cluster-scoped tier policies with the policies: after Namespaces, before every workload', () => {
    const chart = Testing.chart();
    new k8s.KubeNamespace(chart, 'shop', { metadata: { name: 'shop' } });
    new k8s.KubeDeployment(chart, 'web', {
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    });
    new CloudMetadataDeny(chart, 'imds', { priority: 1 });
    new ClusterBaseline(chart, 'baseline');
    const sorted = ApplyOrder.sort(Testing.synth(chart)).map((o) => o.kind);
    const first = (k: string) => sorted.indexOf(k);
    expect(first('Namespace')).toBeLessThan(first('ClusterNetworkPolicy'));
    expect(sorted.lastIndexOf('ClusterNetworkPolicy')).toBeLessThan(first('Deployment'));
    expect(ApplyOrder.problems(ApplyOrder.sort(Testing.synth(chart)))).toEqual([]);
  });
});

describe('bad input', () => {
  test.each([-1, 1001, 1.5])('priority %p is refused, naming field and value', (priority) => {
    const e = errorOf(() => new CloudMetadataDeny(Testing.chart(), 'imds', { priority }));
    expect(e.message).toMatch(/priority/);
    expect(e.message).toContain(String(priority));
    expect(e.message).toContain('0 to 1000');
  });

  test('two Admin policies with one priority in a chart are refused (ties are undefined upstream), across constructs', () => {
    const chart = Testing.chart();
    new CloudMetadataDeny(chart, 'imds', { priority: 11 });
    const e = errorOf(() => new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['a', 'b'], priority: 10 }));
    expect(e.message).toContain('test/tenants');
    expect(e.message).toContain('11 is taken by test/imds');
    // the Baseline tier has its own priorities; another chart its own
    new ClusterBaseline(chart, 'baseline', { priority: 11 });
    new CloudMetadataDeny(Testing.chart(), 'imds', { priority: 11 });
    expect(errorOf(() => new TenantIsolation(Testing.chart(), 't', { tenantLabel: 'tenant', tenants: ['a', 'b'], priority: 1000 })).message)
      .toContain('at most 999');
  });

  test('labels and names: the field and the bad value are named', () => {
    const c = () => Testing.chart();
    expect(errorOf(() => new TenantIsolation(c(), 't', { tenantLabel: 'bad key!', tenants: ['a', 'b'], priority: 1 })).message).toMatch(/tenantLabel.*bad key!/);
    expect(errorOf(() => new TenantIsolation(c(), 't', { tenantLabel: 'tenant', tenants: ['a b', 'c'], priority: 1 })).message).toMatch(/tenants\[0\].*a b/);
    expect(errorOf(() => new TenantIsolation(c(), 't', { tenantLabel: 'tenant', tenants: ['a', 'a'], priority: 1 })).message).toContain('at least two distinct tenants');
    expect(errorOf(() => new ClusterBaseline(c(), 'b', { namespaceLabels: {} })).message).toMatch(/namespaceLabels.*every namespace/);
    expect(errorOf(() => new ClusterBaseline(c(), 'b', { excludedNamespaces: ['Bad_NS'] })).message).toMatch(/excludedNamespaces\[0\].*Bad_NS/);
    expect(errorOf(() => new ClusterBaseline(c(), 'b', { apiVersion: 'v1beta1' as any })).message).toMatch(/apiVersion.*v1beta1/);
    expect(errorOf(() => new CloudMetadataDeny(c(), 'i', { priority: 1, extraNetworks: ['169.254.170.2'] })).message).toMatch(/extraNetworks\[0\].*169\.254\.170\.2/);
    expect(errorOf(() => new NamespaceDelegation(c(), 'p', { priority: 1, namespaceLabels: { a: 'b' } })).message).toContain('fromNamespaceLabels or toNamespaceLabels');
    expect(errorOf(() => new AdmissionWebhookAccess(c(), 'w', { namespace: 'hooks', podLabels: {}, port: Port.tcp(9443), controlPlaneCidrs: ['10.0.0.1/32'] })).message).toMatch(/podLabels/);
    expect(errorOf(() => new AdmissionWebhookAccess(c(), 'w', { namespace: 'hooks', podLabels: { a: 'b' }, port: Port.tcp(9443), controlPlaneCidrs: ['10.0.0.300/32'] })).message).toMatch(/controlPlaneCidrs\[0\].*10\.0\.0\.300/);
  });

  test('one ClusterBaseline per chart (v1alpha1 has a single BaselineAdminNetworkPolicy)', () => {
    const chart: Chart = Testing.chart();
    new ClusterBaseline(chart, 'a', { apiVersion: NetworkPolicyApiVersion.V1ALPHA1 });
    expect(errorOf(() => new ClusterBaseline(chart, 'b', { priority: 10 })).message).toContain('test/a is already one');
  });
});
