/**
 * The cluster-wide policy tiers (Network Policy API): which pods are subjects, which peers, which
 * action and priority, judged with a tier evaluator (Admin by priority, NetworkPolicies, Baseline);
 * the same declarations in v1alpha2 and v1alpha1; the staged rollout; bad input.
 */
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  AdmissionWebhookAccess, ApplyOrder, CloudMetadataDeny, ClusterBaseline, Enforcement, EnforcementMode, Flows, NamespaceDelegation,
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
