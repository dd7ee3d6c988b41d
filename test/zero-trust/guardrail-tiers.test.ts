/**
 * AdmissionGuardrails' `defaultDeny` option: the Baseline tier instead of, or with, the Kyverno
 * generate rules, for the same opted-in namespaces; the staged rollout holds it back.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AdmissionGuardrails, DefaultDenyMechanism, Enforcement, EnforcementMode, NetworkPolicyApiVersion, ZeroTrustNamespace } from '../../src';
import { errorOf, synthAndValidate } from '../util';
import { TierEvaluator } from './tier-eval';

const GEN = { [AdmissionGuardrails.GENERATE_LABEL]: 'true' };
const rulesOf = (objs: any[]) => objs.filter((o) => o.kind === 'ClusterPolicy' && o.metadata.name === 'zero-trust-network-policies').flatMap((o) => o.spec.rules);
const tiers = (objs: any[]) => objs.filter((o) => o.apiVersion.startsWith('policy.networking.k8s.io/'));
// the allow-all rules stay whatever the default-deny mechanism (review finding 12)
const ALLOW_ALL_RULES = ['disallow-allow-all-network-policy', 'disallow-allow-all-authorization-policy', 'disallow-service-external-ips', 'disallow-service-external-name'];

function build(props: any = {}, mode?: EnforcementMode) {
  const chart = Testing.chart();
  if (mode) Enforcement.set(chart, mode);
  new AdmissionGuardrails(chart, 'g', props);
  new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
  new kplus.Namespace(chart, 'legacy', { metadata: { name: 'legacy' } });
  return { chart, objs: synthAndValidate(chart) };
}

describe('AdmissionGuardrails defaultDeny', () => {
  test('default: Kyverno generate rules only (works on every CNI that enforces NetworkPolicy), no tier policy', () => {
    const { objs } = build();
    expect(tiers(objs)).toEqual([]);
    expect(rulesOf(objs).map((r: any) => r.name)).toEqual(['generate-default-deny', 'generate-allow-dns', 'require-network-policy', ...ALLOW_ALL_RULES]);
  });

  test.each([NetworkPolicyApiVersion.V1ALPHA2, NetworkPolicyApiVersion.V1ALPHA1])('BASELINE_TIER (%s): the opted-in namespaces are default-deny by the Baseline tier, DNS open, no generate rule', (policyApiVersion) => {
    const { objs } = build({ defaultDeny: DefaultDenyMechanism.BASELINE_TIER, policyApiVersion, excludedNamespaces: ['batch'] });
    expect(rulesOf(objs).map((r: any) => r.name)).toEqual(['require-network-policy', ...ALLOW_ALL_RULES]);
    const [baseline] = tiers(objs);
    expect(baseline.apiVersion).toBe(`policy.networking.k8s.io/${policyApiVersion}`);
    const ns = { 'legacy': GEN, 'tenant': GEN, 'batch': GEN, 'kube-system': GEN, 'other': {} };
    const ev = new TierEvaluator(objs, ns);
    const p = (namespace: string, labels: { [k: string]: string } = { app: 'x' }) => ({ namespace, labels });
    expect(ev.verdict(p('legacy'), { ip: '93.184.216.34' }, 'TCP', 443).decidedBy[0]).toMatch(/^Baseline\//);
    expect(ev.allowed(p('tenant'), p('legacy'), 'TCP', 80)).toBe(false);
    expect(ev.allowed(p('legacy'), p('kube-system', { 'k8s-app': 'kube-dns' }), 'UDP', 53)).toBe(true);
    // never the platform namespaces, excludedNamespaces, nor a namespace that did not opt in
    expect(ev.allowed(p('kube-system'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(true);
    expect(ev.allowed(p('batch'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(true);
    expect(ev.allowed(p('other'), { ip: '93.184.216.34' }, 'TCP', 443)).toBe(true);
    // the pod rule "namespace has a NetworkPolicy" skips the opted-in namespaces: the baseline covers them
    const require = rulesOf(objs).find((r: any) => r.name === 'require-network-policy');
    expect(require.exclude.any).toContainEqual({ resources: { namespaceSelector: { matchLabels: GEN } } });
  });

  test('BOTH: the generate rules and the baseline', () => {
    const { objs } = build({ defaultDeny: DefaultDenyMechanism.BOTH });
    expect(rulesOf(objs).map((r: any) => r.name)).toEqual(['generate-default-deny', 'generate-allow-dns', 'require-network-policy', ...ALLOW_ALL_RULES]);
    expect(tiers(objs).map((o) => o.kind)).toEqual(['ClusterNetworkPolicy']);
    expect(rulesOf(objs).find((r: any) => r.name === 'require-network-policy').exclude.any).not.toContainEqual({ resources: { namespaceSelector: { matchLabels: GEN } } });
  });

  test('AUDIT: the baseline is held back with the generate rules', () => {
    const { chart, objs } = build({ defaultDeny: DefaultDenyMechanism.BOTH }, EnforcementMode.AUDIT);
    expect(tiers(objs)).toEqual([]);
    const held = Enforcement.heldBack(chart).map((p) => `${p.namespace} ${p.kind} ${p.name}`);
    expect(held).toEqual(expect.arrayContaining(['* ClusterNetworkPolicy zero-trust-baseline', '* ClusterPolicyRule zero-trust-network-policies/generate-default-deny']));
  });

  test('bad input names the field and the value', () => {
    expect(errorOf(() => new AdmissionGuardrails(Testing.chart(), 'g', { defaultDeny: 'Calico' as any })).message).toMatch(/defaultDeny.*Calico/);
    expect(errorOf(() => new AdmissionGuardrails(Testing.chart(), 'g', { policyApiVersion: NetworkPolicyApiVersion.V1ALPHA1 })).message)
      .toMatch(/policyApiVersion.*v1alpha1.*BASELINE_TIER or BOTH/);
  });
});
