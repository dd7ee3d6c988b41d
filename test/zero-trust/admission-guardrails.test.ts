import { Testing } from 'cdk8s';
import { AdmissionGuardrails, GuardrailAction } from '../../src';
import { synthAndValidate } from '../util';

describe('AdmissionGuardrails', () => {
  test('real Kyverno mechanisms: generate (existing + synchronize), apiCall check, per-rule actions', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { netAdminNamespaces: ['vpn'], podHardeningAction: GuardrailAction.AUDIT });
    const objs = synthAndValidate(chart);
    const net = objs.find((o) => o.metadata.name === 'zero-trust-network-policies');
    const gen = net.spec.rules.filter((r: any) => r.generate);
    expect(gen.map((r: any) => r.generate.name)).toEqual(['default-deny', 'allow-dns']);
    for (const r of gen) {
      expect(r.generate).toMatchObject({ generateExisting: true, synchronize: true, kind: 'NetworkPolicy' });
      expect(r.exclude.any[0].resources.names).toEqual(['istio-system', 'kube-public', 'kube-system']);
    }
    const check = net.spec.rules.find((r: any) => r.name === 'require-network-policy');
    expect(check.context[0].apiCall.urlPath).toContain('/networkpolicies');
    expect(check.validate.failureAction).toBe('Enforce');
    expect(JSON.stringify(objs)).not.toContain('checkForNetworkPolicy');
    const pod = objs.find((o) => o.metadata.name === 'zero-trust-pod-hardening');
    expect(pod.spec.rules.every((r: any) => r.validate.failureAction === 'Audit')).toBe(true);
    const caps = pod.spec.rules.find((r: any) => r.name === 'restrict-capabilities');
    expect(caps.exclude.any[0].resources.namespaces).toContain('vpn');
    const vpn = pod.spec.rules.find((r: any) => r.name === 'restrict-capabilities-net-admin');
    expect(vpn.match.any[0].resources.namespaces).toEqual(['vpn']);
    expect(vpn.validate.foreach[0].deny.conditions.any[0].value).toEqual(['NET_ADMIN', 'NET_BIND_SERVICE']);
    expect(objs).toMatchSnapshot();
  });

  test('bad input names the field', () => {
    const chart = Testing.chart();
    expect(() => new AdmissionGuardrails(chart, 'a', { excludedNamespaces: ['Kube_System'] })).toThrow(/invalid excludedNamespaces\[0\] "Kube_System"/);
    expect(() => new AdmissionGuardrails(chart, 'b', { networkPolicyAction: 'enforce' as any })).toThrow(/invalid networkPolicyAction "enforce": expected Enforce or Audit/);
  });
});
