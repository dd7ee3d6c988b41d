/**
 * The "no allow-all policy" guardrail (SECURITY.md finding 12): Kyverno refuses a NetworkPolicy
 * or AuthorizationPolicy that opens everything in the namespaces the guardrails cover, and the
 * chart's own policies are judged against the same rule at synthesis.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import {
  AdmissionGuardrails, EnforcementMode, Flows, MeshAuthorization, MeshIdentity, MeshSource, Peer, Port, ZeroTrustNamespace,
} from '../../src';
import { HelmChart } from '../../src/helm';
import { allowAllFields } from '../../src/zero-trust/allow-all-policies';
import { kyvernoRefusals } from '../../src/zero-trust/deployment-model';
import { helmTemplate, splitRendered, tmp } from '../helm/helm-run';
import { synthAndValidate, validateManifests } from '../util';

const netpol = (spec: any, namespace = 'shop') => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace }, spec: { podSelector: {}, ...spec },
});
const authz = (spec: any, namespace = 'shop') => ({
  apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'ap', namespace }, spec,
});
const FRONTEND = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } };

describe('what counts as allow-all', () => {
  test.each([
    ['empty ingress rule', netpol({ policyTypes: ['Ingress'], ingress: [{}] }), ['spec.ingress[0]']],
    ['empty egress rule', netpol({ policyTypes: ['Egress'], egress: [{ to: [FRONTEND], ports: [{ port: 80 }] }, {}] }), ['spec.egress[1]']],
    ['empty from list, no ports', netpol({ ingress: [{ from: [] }] }), ['spec.ingress[0]']],
    ['ipBlock 0.0.0.0/0 without except, all ports', netpol({ ingress: [{ from: [FRONTEND, { ipBlock: { cidr: '0.0.0.0/0' } }] }] }), ['spec.ingress[0]']],
    ['egress to ::/0, empty except, all ports', netpol({ egress: [{ to: [{ ipBlock: { cidr: '::/0', except: [] } }] }] }), ['spec.egress[0]']],
    ['ALLOW with an empty rule', authz({ rules: [{ from: [{ source: { namespaces: ['a'] } }] }, {}] }), ['spec.rules[1]']],
    ['explicit ALLOW with an empty rule', authz({ action: 'ALLOW', selector: { matchLabels: { app: 'x' } }, rules: [{}] }), ['spec.rules[0]']],
  ])('refused: %s', (_what, obj, fields) => {
    validateManifests([obj]);
    expect(allowAllFields(obj)).toEqual(fields);
  });

  test.each([
    ['default-deny', netpol({ policyTypes: ['Ingress', 'Egress'] })],
    ['ipBlock 0.0.0.0/0 with except', netpol({ egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })],
    ['ipBlock 0.0.0.0/0 on one port', netpol({ ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] })],
    ['every port from one namespace', netpol({ ingress: [{ from: [FRONTEND] }] })],
    ['allow-nothing', authz({})],
    ['DENY with an empty rule', authz({ action: 'DENY', rules: [{}] })],
    ['ALLOW from one namespace', authz({ rules: [{ from: [{ source: { namespaces: ['a'] } }] }] })],
  ])('admitted: %s', (_what, obj) => {
    validateManifests([obj]);
    expect(allowAllFields(obj)).toEqual([]);
  });
});

describe('the Kyverno rules', () => {
  const policies = (mode?: EnforcementMode) => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'guardrails', { enforcement: mode });
    return synthAndValidate(chart).filter((o) => o.kind === 'ClusterPolicy');
  };

  test('a tenant\'s allow-all NetworkPolicy and AuthorizationPolicy are refused in a covered namespace, not in a platform one', () => {
    const rendered = policies();
    const rules = rendered.flatMap((p) => p.spec.rules).filter((r: any) => r.name.startsWith('disallow-allow-all'));
    expect(rules.map((r: any) => [r.name, r.validate.failureAction, r.match.any[0].resources.kinds])).toEqual([
      ['disallow-allow-all-network-policy', 'Enforce', ['networking.k8s.io/v1/NetworkPolicy']],
      ['disallow-allow-all-authorization-policy', 'Enforce', ['security.istio.io/*/AuthorizationPolicy']],
    ]);
    // never blocks a DELETE; the keys are Kyverno variables (Helm output escapes them)
    expect(rules.every((r: any) => r.preconditions.all[0].value === 'DELETE' && r.validate.deny.conditions.any.every((c: any) => c.key.startsWith('{{ ')))).toBe(true);
    expect(kyvernoRefusals(rendered, netpol({ ingress: [{}] })).map((r) => r.rule)).toEqual(['disallow-allow-all-network-policy']);
    expect(kyvernoRefusals(rendered, authz({ rules: [{}] })).map((r) => r.rule)).toEqual(['disallow-allow-all-authorization-policy']);
    expect(kyvernoRefusals(rendered, netpol({ ingress: [{ from: [FRONTEND] }] }))).toEqual([]);
    expect(kyvernoRefusals(rendered, netpol({ ingress: [{}] }, 'kube-system'))).toEqual([]);
    // a label does not exempt: whoever writes the policy writes its labels
    const labelled = netpol({ ingress: [{}] });
    (labelled.metadata as any).labels = { [ZeroTrustNamespace.MANAGED_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'cdk8s-zero-trust' };
    expect(kyvernoRefusals(rendered, labelled)).toHaveLength(1);
  });

  test('Helm renders the rules\' Kyverno variables verbatim', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'guardrails');
    const direct = synthAndValidate(chart).find((o) => o.metadata.name === 'zero-trust-network-policies');
    const docs = splitRendered(helmTemplate(HelmChart.fromChart(chart).write(tmp('allow-all'))));
    const viaHelm = docs.map((d) => d.object).find((o: any) => o?.metadata?.name === 'zero-trust-network-policies');
    const allowAll = (p: any) => p.spec.rules.filter((r: any) => r.name.startsWith('disallow-allow-all'));
    expect(allowAll(viaHelm)).toEqual(allowAll(direct));
    expect(allowAll(viaHelm)).toHaveLength(2);
  });

  test('AUDIT: the rules audit instead of refusing', () => {
    const rules = policies(EnforcementMode.AUDIT).flatMap((p) => p.spec.rules).filter((r: any) => r.name.startsWith('disallow-allow-all'));
    expect(rules.map((r: any) => r.validate.failureAction)).toEqual(['Audit', 'Audit']);
    expect(kyvernoRefusals(policies(EnforcementMode.AUDIT), netpol({ ingress: [{}] }))).toEqual([]);
  });
});

describe('the chart\'s own policies at synthesis', () => {
  test('the library\'s own NetworkPolicies and AuthorizationPolicies pass the rule', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'guardrails');
    const shop = new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web:1', portNumber: 8080, securityContext: { user: 1000 } }] });
    const api = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'shop' }, containers: [{ image: 'api:1', portNumber: 8080, securityContext: { user: 1000 } }] });
    Flows.of(chart).allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(8080)] });
    shop.allowInternet(Peer.workload(web), { ports: [Port.tcp(443)] });
    const mesh = new MeshAuthorization(chart, 'authz', { namespace: 'shop' });
    mesh.allow('from-order', { rules: [{ sources: [MeshSource.identity(MeshIdentity.of('order', 'order'))], ports: [8080] }] });
    const objs = synthAndValidate(chart);
    const own = objs.filter((o) => o.kind === 'NetworkPolicy' || o.kind === 'AuthorizationPolicy');
    // the internet egress is 0.0.0.0/0 with except, on one port: not allow-all
    expect(own.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(expect.arrayContaining(['AuthorizationPolicy from-order', 'NetworkPolicy default-deny']));
    expect(JSON.stringify(own)).toContain('0.0.0.0/0');
    expect(own.flatMap(allowAllFields)).toEqual([]);
  });

  test('an allow-all NetworkPolicy written into a covered namespace is a synthesis error naming object, field and rule', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'guardrails');
    new k8s.KubeNetworkPolicy(chart, 'open', { metadata: { name: 'open', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{}] } });
    expect(() => synthAndValidate(chart)).toThrow(
      /test\/open: invalid spec\.ingress\[0\] "NetworkPolicy shop\/open allows everything": expected a policy the chart's own Kyverno rule zero-trust-network-policies\/disallow-allow-all-network-policy admits/);
  });

  test('an explicit allowEveryRequest policy is refused too, unless its namespace is left to its owner', () => {
    const open = (excludedNamespaces?: string[]) => {
      const chart = Testing.chart();
      new AdmissionGuardrails(chart, 'guardrails', { excludedNamespaces });
      new MeshAuthorization(chart, 'authz', { namespace: 'public' }).allow('open', { rules: [{}], allowEveryRequest: true });
      return () => synthAndValidate(chart);
    };
    expect(open()).toThrow(/invalid spec\.rules\[0\] "AuthorizationPolicy public\/open allows everything".*disallow-allow-all-authorization-policy/);
    expect(open(['public'])().some((o) => o.metadata.name === 'open')).toBe(true);
  });
});
