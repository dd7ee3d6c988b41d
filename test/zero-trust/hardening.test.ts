import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AdmissionGuardrails, GuardrailException, PodSecurityLevel, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';
import { polarisFindings } from '../util/polaris';

describe('workload hardening', () => {
  test('workloads in a zero-trust namespace pass every Polaris danger check', () => {
    const chart = Testing.chart();
    const ns = new ZeroTrustNamespace(chart, 'ns', { name: 'apps' });
    new kplus.Deployment(chart, 'web', { metadata: { namespace: 'apps' }, containers: [{ image: 'web:1.0', portNumber: 8080 }] });
    const vpn = new kplus.DaemonSet(chart, 'vpn', { metadata: { namespace: 'apps' }, containers: [{ image: 'wg:1.0' }] });
    ns.harden(vpn, { allowNetBindService: true });
    const objs = synthAndValidate(chart);
    const findings = polarisFindings(objs);
    expect(findings.filter((f) => f.severity === 'danger')).toEqual([]);
    // warnings that remain are the construct's documented choices (none about security here)
    const warnings = Array.from(new Set(findings.filter((f) => f.severity === 'warning').map((f) => f.check))).sort();
    expect(warnings).not.toContain('runAsRootAllowed');
    expect(warnings).not.toContain('notReadOnlyRootFilesystem');
    expect(warnings).not.toContain('privilegeEscalationAllowed');
    expect(warnings).not.toContain('automountServiceAccountToken');
    const ds = objs.find((o) => o.kind === 'DaemonSet');
    expect(ds.spec.template.spec.containers[0].securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    // each workload runs as its own ServiceAccount (named after it, in its namespace, no token mounted)
    const accounts = objs.filter((o) => o.kind === 'ServiceAccount');
    for (const w of objs.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')) {
      const pod = w.spec.template.spec;
      const sa = accounts.find((a) => a.metadata.namespace === 'apps' && a.metadata.name === pod.serviceAccountName);
      expect([w.kind, pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual([w.kind, w.metadata.name, false]);
      expect([w.kind, sa?.automountServiceAccountToken]).toEqual([w.kind, false]);
    }
    expect(accounts.map((a) => a.metadata.name).sort()).toEqual(objs.filter((o) => o.kind !== 'ServiceAccount' && o.spec?.template).map((o) => o.metadata.name).sort());
  });

  test('the unhardened workload fails Polaris (the helper can fail)', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'web', {
      containers: [{ image: 'web', securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true } }],
    });
    const checks = polarisFindings(Testing.synth(chart)).map((f) => f.check);
    expect(checks).toEqual(expect.arrayContaining(['runAsRootAllowed', 'privilegeEscalationAllowed', 'tagNotSpecified']));
  });

  test('explicit conflicts are errors naming the field', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'apps' });
    new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'apps' },
      containers: [{ image: 'web:1', securityContext: { capabilities: { add: [kplus.Capability.NET_ADMIN] } } }],
    });
    expect(() => Testing.synth(chart)).toThrow(/invalid containers\[0\].securityContext.capabilities.add "CAP_NET_ADMIN"/);
    const chart2 = Testing.chart();
    new ZeroTrustNamespace(chart2, 'ns', { name: 'apps' });
    new kplus.Service(chart2, 'lb', { metadata: { namespace: 'apps' }, type: kplus.ServiceType.LOAD_BALANCER, ports: [{ port: 80 }] });
    expect(() => Testing.synth(chart2)).toThrow(/invalid type "LoadBalancer": expected ClusterIP/);
  });
});

describe('NET_RAW / NET_ADMIN against the namespace\'s Pod Security level (SECURITY.md finding 26)', () => {
  type CapOptions = { allowNetRaw?: boolean; allowNetAdmin?: boolean };
  const build = (podSecurity: PodSecurityLevel | undefined, options: CapOptions, exception?: GuardrailException) => {
    const chart = Testing.chart();
    if (exception) new AdmissionGuardrails(chart, 'g', { exceptions: [exception] });
    const ns = new ZeroTrustNamespace(chart, 'ns', { name: 'vpn', podSecurity });
    const w = new kplus.Deployment(chart, 'w', {
      metadata: { namespace: 'vpn' },
      podMetadata: { labels: { 'app.kubernetes.io/name': 'tunnel' } },
      containers: [{ image: 'x:1.0', securityContext: { user: 1000 } }],
    });
    ns.harden(w, options);
    return () => synthAndValidate(chart);
  };

  test.each([
    [PodSecurityLevel.RESTRICTED, 'allowNetRaw', 'NET_RAW'],
    [PodSecurityLevel.BASELINE, 'allowNetRaw', 'NET_RAW'],
    [undefined, 'allowNetAdmin', 'NET_ADMIN'],
  ])('%s namespace: %s is refused naming the option, the level and the fix', (level, option, cap) => {
    expect(build(level, { [option]: true })).toThrow(new RegExp(`test/w: invalid hardening.${option} true: expected false in namespace vpn, `
      + `whose Pod Security level "${level ?? 'restricted'}" refuses ${cap}`));
  });

  test('a privileged namespace admits NET_ADMIN only with a guardrail exception scoped to the workload; NET_RAW never under the guardrails', () => {
    expect(build(PodSecurityLevel.PRIVILEGED, { allowNetAdmin: true })).not.toThrow();
    const scoped = GuardrailException.of({ namespace: 'vpn', allowNetAdmin: true, podLabels: { 'app.kubernetes.io/name': 'tunnel' } });
    expect(build(PodSecurityLevel.PRIVILEGED, { allowNetAdmin: true }, scoped)).not.toThrow();
    const otherPods = GuardrailException.of({ namespace: 'vpn', allowNetAdmin: true, podLabels: { 'app.kubernetes.io/name': 'other' } });
    expect(build(PodSecurityLevel.PRIVILEGED, { allowNetAdmin: true }, otherPods)).toThrow(/restrict-capabilities admits/);
    expect(build(PodSecurityLevel.PRIVILEGED, { allowNetRaw: true }, scoped)).toThrow(/no exception admits NET_RAW/);
  });
});
