import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { FluentdLogShipper, PodSecurityLevel, Peer, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/** A restricted-conformant pod spec, with `over` applied to the pod spec and `c` to its container. */
function podSpec(over: any = {}, c: any = {}): any {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'c',
      image: 'x:1',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...(c.securityContext ?? {}) },
      ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'securityContext')),
    }],
    ...over,
  };
}

function build(level: PodSecurityLevel, spec: any, kind = 'Pod') {
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'ns', { name: 'apps', podSecurity: level });
  const body = kind === 'Pod' ? { spec } : { spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec } } };
  new ApiObject(chart, 'w', { apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1', kind, metadata: { name: 'w', namespace: 'apps' }, ...body });
  return () => synthAndValidate(chart);
}

const R = PodSecurityLevel.RESTRICTED;
const B = PodSecurityLevel.BASELINE;
const P = PodSecurityLevel.PRIVILEGED;

describe('Pod Security conformance at synthesis', () => {
  test('a conformant pod passes every level; plain ApiObjects and workload kinds are read from their JSON', () => {
    for (const level of [R, B, P]) {
      for (const kind of ['Pod', 'Deployment', 'DaemonSet', 'ReplicaSet']) expect(build(level, podSpec(), kind)).not.toThrow();
    }
  });

  // [what, pod override, container override, field in the error, fails baseline too]
  const cases: Array<[string, any, any, RegExp, boolean]> = [
    ['hostNetwork', { hostNetwork: true }, {}, /spec\.hostNetwork true/, true],
    ['hostPID', { hostPID: true }, {}, /spec\.hostPID true/, true],
    ['hostIPC', { hostIPC: true }, {}, /spec\.hostIPC true/, true],
    ['privileged', {}, { securityContext: { privileged: true } }, /containers\[0\]\.securityContext\.privileged true/, true],
    ['capability outside baseline', {}, { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } }, /capabilities\.add "NET_ADMIN"/, true],
    ['hostPath', { volumes: [{ name: 'v', hostPath: { path: '/var/log' } }] }, {}, /spec\.volumes\[0\]\.hostPath "\/var\/log"/, true],
    ['hostPort', {}, { ports: [{ containerPort: 80, hostPort: 80 }] }, /ports\[0\]\.hostPort 80/, true],
    ['SELinux type', {}, { securityContext: { seLinuxOptions: { type: 'spc_t' } } }, /seLinuxOptions\.type "spc_t"/, true],
    ['procMount', {}, { securityContext: { procMount: 'Unmasked' } }, /procMount "Unmasked"/, true],
    ['unsafe sysctl', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, {}, /sysctls\[0\]\.name "kernel.msgmax"/, true],
    ['seccomp Unconfined', {}, { securityContext: { seccompProfile: { type: 'Unconfined' } } }, /seccompProfile\.type "Unconfined"/, true],
    ['volume type', { volumes: [{ name: 'v', nfs: { server: 'x', path: '/' } }] }, {}, /spec\.volumes\[0\] "nfs"/, false],
    ['privilege escalation', {}, { securityContext: { allowPrivilegeEscalation: true } }, /allowPrivilegeEscalation true: expected false/, false],
    ['runAsNonRoot missing', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, {}, /runAsNonRoot undefined/, false],
    ['runAsUser 0', {}, { securityContext: { runAsUser: 0 } }, /securityContext\.runAsUser 0/, false],
    ['no seccomp', { securityContext: { runAsNonRoot: true } }, {}, /seccompProfile\.type undefined/, false],
    ['capabilities not dropped', {}, { securityContext: { capabilities: {} } }, /capabilities\.drop \[\]/, false],
    ['baseline capability', {}, { securityContext: { capabilities: { drop: ['ALL'], add: ['CHOWN'] } } }, /capabilities\.add "CHOWN": expected only NET_BIND_SERVICE/, false],
  ];
  test.each(cases)('%s: refused where the level forbids it, with the workload, the field, the level and the fix', (_what, over, c, field, baselineToo) => {
    const spec = podSpec(over, c);
    expect(build(R, spec)).toThrow(field);
    expect(build(R, spec)).toThrow(/test\/w: invalid .*Pod w is in ZeroTrustNamespace apps, whose Pod Security level "restricted"/);
    expect(build(R, spec)).toThrow(/podSecurity: PodSecurityLevel/);
    if (baselineToo) expect(build(B, spec)).toThrow(field);
    else expect(build(B, spec)).not.toThrow();
    expect(build(P, spec)).not.toThrow();
  });

  test('AppArmor annotation: unconfined is refused at baseline, runtime/default admitted', () => {
    const pod = (v: string) => {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'ns', { name: 'apps', podSecurity: B });
      new ApiObject(chart, 'w', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w', namespace: 'apps', annotations: { 'container.apparmor.security.beta.kubernetes.io/c': v } }, spec: podSpec() });
      return () => synthAndValidate(chart);
    };
    expect(pod('unconfined')).toThrow(/metadata\.annotations\["container.apparmor.security.beta.kubernetes.io\/c"\] "unconfined"/);
    expect(pod('runtime/default')).not.toThrow();
  });

  test('NET_BIND_SERVICE is allowed at restricted; a Localhost seccomp too', () => {
    expect(build(R, podSpec({}, { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }))).not.toThrow();
    expect(build(R, podSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }))).not.toThrow();
  });

  test('kplus workloads are checked after hardening; a kplus hostPath volume is refused', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'apps' });
    new kplus.Deployment(chart, 'web', { metadata: { namespace: 'apps' }, containers: [{ image: 'web:1', portNumber: 8080 }] });
    expect(() => synthAndValidate(chart)).not.toThrow();
    const chart2 = Testing.chart();
    new ZeroTrustNamespace(chart2, 'ns', { name: 'apps' });
    const d = new kplus.Deployment(chart2, 'web', { metadata: { namespace: 'apps' }, containers: [{ image: 'web:1', portNumber: 8080 }] });
    d.addVolume(kplus.Volume.fromHostPath(chart2, 'hp', 'logs', { path: '/var/log' }));
    expect(() => Testing.synth(chart2)).toThrow(/volumes\[0\]\.hostPath "\/var\/log"/);
  });

  test('the sample\'s case: Fluentd (root, hostPath) in a restricted namespace is refused; privileged admits it', () => {
    const make = (level: PodSecurityLevel) => {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'ns', { name: 'logging', podSecurity: level });
      new FluentdLogShipper(chart, 'logs', {
        credentials: kplus.Secret.fromSecretName(chart, 'c', 'es'), apiServer: Peer.kubeApiServer(['172.18.0.2/32']),
      });
      return () => synthAndValidate(chart);
    };
    expect(make(R)).toThrow(/DaemonSet fluentd is in ZeroTrustNamespace logging, whose Pod Security level "restricted"/);
    expect(make(B)).toThrow(/hostPath/);
    expect(make(P)).not.toThrow();
  });
});
