/**
 * The Service guardrails (SECURITY.md finding 23): no externalIPs, no ExternalName, in every
 * namespace the guardrails cover, and the chart's own Services judged against the same rules.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { AdmissionGuardrails, EnforcementMode } from '../../src';
import { kyvernoRefusals } from '../../src/zero-trust/deployment-model';
import { serviceGuardrailFields } from '../../src/zero-trust/guardrail-service-rules';
import { synthAndValidate, validateManifests } from '../util';

const service = (spec: any, namespace = 'shop') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace }, spec });

describe('Service guardrails', () => {
  const policies = (enforcement?: EnforcementMode) => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { enforcement });
    return synthAndValidate(chart).filter((o) => o.kind === 'ClusterPolicy');
  };

  test('externalIPs and ExternalName are refused in a covered namespace, not in a platform one', () => {
    const rendered = policies();
    const rules = rendered.flatMap((p) => p.spec.rules).filter((r: any) => r.name.startsWith('disallow-service-'));
    expect(rules.map((r: any) => [r.name, r.match.any[0].resources.kinds, r.validate.failureAction])).toEqual([
      ['disallow-service-external-ips', ['Service'], 'Enforce'],
      ['disallow-service-external-name', ['Service'], 'Enforce'],
    ]);
    expect(rules[0].validate.deny.conditions.any[0]).toEqual({ key: '{{ length(request.object.spec.externalIPs || `[]`) }}', operator: 'GreaterThan', value: 0 });
    expect(rules[0].preconditions.all[0].value).toBe('DELETE');
    expect(rules[1].validate.pattern).toEqual({ spec: { '=(type)': '!ExternalName' } });
    expect(rules.every((r: any) => r.exclude.any[0].resources.namespaces.includes('kube-system'))).toBe(true);
    const mitm = service({ ports: [{ port: 443 }], selector: { app: 'x' }, externalIPs: ['203.0.113.10'] });
    const alias = service({ type: 'ExternalName', externalName: 'kubernetes.default.svc.cluster.local' });
    validateManifests([mitm, alias]);
    expect(kyvernoRefusals(rendered, mitm).map((r) => r.rule)).toEqual(['disallow-service-external-ips']);
    expect(kyvernoRefusals(rendered, alias).map((r) => r.rule)).toEqual(['disallow-service-external-name']);
    expect(serviceGuardrailFields(mitm)).toEqual(['spec.externalIPs']);
    expect(serviceGuardrailFields(alias)).toEqual(['spec.type']);
    // a ClusterIP Service (cdk8s-plus writes an empty externalIPs), a LoadBalancer, and platform namespaces pass
    expect(kyvernoRefusals(rendered, service({ ports: [{ port: 80 }], externalIPs: [] }))).toEqual([]);
    expect(kyvernoRefusals(rendered, service({ type: 'LoadBalancer', ports: [{ port: 80 }] }))).toEqual([]);
    expect(kyvernoRefusals(rendered, { ...mitm, metadata: { ...mitm.metadata, namespace: 'kube-system' } })).toEqual([]);
    // AUDIT: reported, not refused
    expect(kyvernoRefusals(policies(EnforcementMode.AUDIT), mitm)).toEqual([]);
  });

  test('the chart\'s own Services: a cdk8s-plus Service passes; externalIPs or ExternalName is a synthesis error naming object and rule', () => {
    const ok = Testing.chart();
    new AdmissionGuardrails(ok, 'g');
    new kplus.Service(ok, 'web', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] });
    expect(() => synthAndValidate(ok)).not.toThrow();
    const bad = (spec: any) => {
      const chart = Testing.chart();
      new AdmissionGuardrails(chart, 'g');
      new k8s.KubeService(chart, 'svc', { metadata: { name: 'svc', namespace: 'shop' }, spec });
      return () => Testing.synth(chart);
    };
    expect(bad({ ports: [{ port: 80 }], externalIPs: ['203.0.113.10'] }))
      .toThrow(/test\/svc: invalid spec\.externalIPs "Service shop\/svc": expected a Service the chart's own Kyverno rule zero-trust-network-policies\/disallow-service-external-ips admits/);
    expect(bad({ type: 'ExternalName', externalName: 'db.example.com' })).toThrow(/invalid spec\.type .*disallow-service-external-name/);
  });
});
