/**
 * The deployment model: what Istio's sidecar injection adds to a pod (Istio 1.30.3's injection
 * template, with and without the CNI plugin), Pod Security admission on the injected pod, and the
 * chart's own Kyverno guardrails on every pod the chart creates: a pod that would be refused is a
 * synthesis error naming the workload, the rule and the fix.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AdmissionGuardrails, FluentdLogShipper, GuardrailException, IstioMultiCluster, MeshCluster, PodSecurityLevel, WireguardGateway, ZeroTrustNamespace,
} from '../../src';
import { injectedContainers, injectionViolation, injectSidecar, isInjected, kyvernoRefusals, podOf, podViewOf } from '../../src/zero-trust/deployment-model';
import { addedContainerViolations, podSecurityViolations } from '../../src/zero-trust/pod-security';
import { synthAndValidate } from '../util';
import { threeSiteMesh } from '../wireguard/fixtures';

/** A hardened pod, as ZeroTrustNamespace leaves it. */
const hardenedPod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'shop' },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      image: 'app:1',
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    }],
  },
});

function meshChart(istioCni?: boolean) {
  const app = new App();
  const chart = new Chart(app, 'c');
  new MeshCluster(chart, 'istio', {
    mesh: new IstioMultiCluster({ meshId: 'm' }),
    clusterName: 'c',
    network: 'n',
    caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'),
    istioCni,
  });
  return chart;
}

function deployment(scope: Chart, ns: string): kplus.Deployment {
  return new kplus.Deployment(scope, `web-${ns}`, {
    metadata: { name: 'web', namespace: ns },
    containers: [{ image: 'web:1.0', portNumber: 8080, securityContext: { user: 1000 } }],
  });
}

describe('sidecar injection model (Istio 1.30.3 injection template)', () => {
  test('without CNI: istio-init with NET_ADMIN, NET_RAW as root, which Pod Security restricted and baseline refuse', () => {
    const injected = injectSidecar(hardenedPod(), false);
    expect(injected.spec.initContainers[0].name).toBe('istio-init');
    expect(injected.spec.initContainers[0].securityContext).toMatchObject({ capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, runAsUser: 0, runAsNonRoot: false });
    expect(injected.spec.containers.map((c: any) => c.name)).toEqual(['app', 'istio-proxy']);
    expect(podSecurityViolations(hardenedPod(), 'restricted')).toEqual([]);
    const v = podSecurityViolations(injected, 'restricted').map((x) => `${x.level} ${x.field} ${JSON.stringify(x.value)}`);
    expect(v).toEqual([
      'baseline spec.initContainers[0].securityContext.capabilities.add "NET_ADMIN"',
      'baseline spec.initContainers[0].securityContext.capabilities.add "NET_RAW"',
      'restricted spec.initContainers[0].securityContext.runAsUser 0',
      'restricted spec.initContainers[0].securityContext.runAsNonRoot false',
    ]);
    expect(podSecurityViolations(injected, 'baseline').length).toBe(2);
  });

  test('with CNI: istio-validation (no capabilities, uid 1337): the injected pod passes restricted', () => {
    const injected = injectSidecar(hardenedPod(), true);
    expect(injected.spec.initContainers[0]).toMatchObject({ name: 'istio-validation', securityContext: { capabilities: { drop: ['ALL'] }, runAsUser: 1337, runAsNonRoot: true } });
    expect(injected.spec.initContainers[0].securityContext.capabilities.add).toBeUndefined();
    expect(podSecurityViolations(injected, 'restricted')).toEqual([]);
    // the input is not modified
    expect(hardenedPod().spec.containers.length).toBe(1);
  });

  test('who is injected: the namespace label, the pod opt-out, never hostNetwork pods', () => {
    const on = { 'istio-injection': 'enabled' };
    expect(isInjected(hardenedPod(), on)).toBe(true);
    expect(isInjected(hardenedPod(), {})).toBe(false);
    expect(isInjected({ ...hardenedPod(), metadata: { labels: { 'sidecar.istio.io/inject': 'false' } } }, on)).toBe(false);
    expect(isInjected({ ...hardenedPod(), spec: { ...hardenedPod().spec, hostNetwork: true } }, on)).toBe(false);
  });
});

describe('Istio CNI and Pod Security at synthesis', () => {
  test('MeshCluster without CNI + an injected restricted namespace: synthesis fails naming the namespace and the fix', () => {
    const chart = meshChart(false);
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true });
    expect(() => Testing.synth(chart)).toThrow(
      /c\/shop: invalid istioInjection true: expected no sidecar injection in a namespace with Pod Security "restricted".*istio-init \(NET_ADMIN, NET_RAW, runAsUser 0\).*Fix: MeshCluster istioCni: true/);
  });

  test('with CNI (the default), the same chart synthesizes and its injected workloads pass restricted', () => {
    const chart = meshChart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true });
    deployment(chart, 'shop');
    const objs = synthAndValidate(chart);
    const d = objs.find((o) => o.kind === 'Deployment');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...d.spec.template.metadata, namespace: 'shop' }, spec: d.spec.template.spec };
    expect(podSecurityViolations(injectSidecar(pod, true), 'restricted')).toEqual([]);
    expect(podSecurityViolations(injectSidecar(pod, false), 'restricted').length).toBeGreaterThan(0);
  });
});

describe('the Pod Security check of the injected pod checks only what injection adds', () => {
  // ZeroTrustNamespace checks the pod first, then (on a pod without violations) only the injected
  // containers: the result must be the one of a full check of the injected pod
  const variants: Array<[string, (p: any) => void]> = [
    ['hardened', () => {}],
    ['two containers and an init container', (p) => {
      p.spec.containers.push({ ...p.spec.containers[0], name: 'side' });
      p.spec.initContainers = [{ ...p.spec.containers[0], name: 'init' }];
    }],
    ['volumes of admitted types', (p) => { p.spec.volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }]; }],
    ['pod runAsNonRoot unset (containers set it)', (p) => { delete p.spec.securityContext.runAsNonRoot; }],
    ['seccomp only on the container', (p) => {
      delete p.spec.securityContext.seccompProfile;
      p.spec.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    }],
    ['windows', (p) => { p.spec.os = { name: 'windows' }; }],
  ];
  test.each(variants)('%s: same first violation (or none) with and without CNI, at baseline and restricted', (_name, change) => {
    let checked = 0;
    for (const level of ['baseline', 'restricted']) {
      for (const cni of [true, false]) {
        const pod: any = hardenedPod();
        change(pod);
        if (podSecurityViolations(pod, level).length > 0) continue;
        checked++;
        expect(addedContainerViolations(pod, level, injectedContainers(pod, cni)))
          .toEqual(podSecurityViolations(injectSidecar(pod, cni), level));
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('the proxy is checked at its index in the injected pod (after the pod\'s containers)', () => {
    const pod: any = hardenedPod();
    pod.spec.containers.push({ ...pod.spec.containers[0], name: 'side' });
    // seccomp on the pod's containers only: the injected containers have none
    delete pod.spec.securityContext.seccompProfile;
    for (const c of pod.spec.containers) c.securityContext = { ...c.securityContext, seccompProfile: { type: 'RuntimeDefault' } };
    expect(podSecurityViolations(pod, 'restricted')).toEqual([]);
    const full = podSecurityViolations(injectSidecar(pod, true), 'restricted');
    expect(full.some((v) => v.field.startsWith('spec.containers[2].'))).toBe(true);
    expect(full.map((v) => v.field)).toEqual(['spec.initContainers[0].securityContext.seccompProfile.type', 'spec.containers[2].securityContext.seccompProfile.type']);
    expect(addedContainerViolations(pod, 'restricted', injectedContainers(pod, true))).toEqual(full);
  });
});

describe("the chart's own Kyverno guardrails on the chart's own pods", () => {
  test('injected istio-init (no CNI) refused by restrict-capabilities and require-run-as-non-root: the error names workload, rule and fix', () => {
    const build = (istioCni: boolean) => {
      const chart = meshChart(istioCni);
      new AdmissionGuardrails(chart, 'g');
      // privileged: Pod Security admits istio-init, the guardrails do not
      new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true, podSecurity: PodSecurityLevel.PRIVILEGED });
      deployment(chart, 'shop');
      return chart;
    };
    let message = '';
    try {
      Testing.synth(build(false));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('c/web-shop/Resource: invalid spec "Deployment shop/web (with the istio-init container injection adds');
    expect(message).toContain('zero-trust-pod-hardening/restrict-capabilities');
    expect(message).toContain('zero-trust-pod-hardening/require-run-as-non-root');
    expect(message).toContain('MeshCluster istioCni: true');
    // with CNI the same chart is admitted
    expect(() => synthAndValidate(build(true))).not.toThrow();
  });

  test('a WireGuard gateway without its exception is a synthesis error naming the rules and GuardrailException; with vpnGateway it passes', () => {
    const build = (exceptions: GuardrailException[]) => {
      const chart = Testing.chart();
      new AdmissionGuardrails(chart, 'g', { exceptions });
      new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east', namespace: 'vpn' });
      return chart;
    };
    const err = (() => {
      try {
        Testing.synth(build([]));
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const rule of ['restrict-capabilities', 'disallow-host-namespaces', 'require-run-as-non-root']) {
      expect(err).toContain(`zero-trust-pod-hardening/${rule} admits`);
    }
    expect(err).toMatch(/Deployment vpn\/.*GuardrailException\.of\(\{ namespace: 'vpn'/);
    expect(() => synthAndValidate(build([GuardrailException.vpnGateway('vpn')]))).not.toThrow();
  });

  test('a root log shipper is refused by require-run-as-non-root unless its namespace has allowRoot', () => {
    const build = (runAsUser: number, exceptions: GuardrailException[]) => {
      const chart = Testing.chart();
      new AdmissionGuardrails(chart, 'g', { exceptions });
      new FluentdLogShipper(chart, 'fluentd', { credentials: kplus.Secret.fromSecretName(chart, 'es', 'es-credentials'), namespace: 'logging', runAsUser });
      return chart;
    };
    expect(() => Testing.synth(build(0, [GuardrailException.logShipper('logging')])))
      .toThrow(/DaemonSet logging\/.*zero-trust-pod-hardening\/require-run-as-non-root.*allowRoot/);
    expect(() => synthAndValidate(build(1000, [GuardrailException.logShipper('logging')]))).not.toThrow();
    expect(() => synthAndValidate(build(0, [GuardrailException.of({ namespace: 'logging', allowRoot: true, allowHostPath: true, allowedHostPaths: ['/var/log/pods', '/var/log/containers'] })]))).not.toThrow();
  });

  test('the evaluator: Audit rules and namespaces with an Audit override refuse nothing', () => {
    const policy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'Enforce', message: 'm', pattern: { spec: { hostNetwork: 'true' } } } }] },
    };
    expect(kyvernoRefusals([policy], hardenedPod()).map((r) => r.rule)).toEqual(['r']);
    const audit = JSON.parse(JSON.stringify(policy));
    audit.spec.rules[0].validate.failureAction = 'Audit';
    expect(kyvernoRefusals([audit], hardenedPod())).toEqual([]);
    const override = JSON.parse(JSON.stringify(policy));
    override.spec.rules[0].validate.failureActionOverrides = [{ action: 'Audit', namespaces: ['shop'] }];
    expect(kyvernoRefusals([override], hardenedPod())).toEqual([]);
  });
});

describe('label-scoped exceptions at synthesis (SECURITY.md finding 13)', () => {
  test('a log shipper whose pods lack the exception\'s labels is a synthesis error naming the labels to add', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { exceptions: [GuardrailException.logShipper('logging')] });
    new FluentdLogShipper(chart, 'shipper', {
      name: 'node-logs', credentials: kplus.Secret.fromSecretName(chart, 'es', 'es-credentials'), namespace: 'logging', runAsUser: 1000,
    });
    expect(() => Testing.synth(chart)).toThrow(
      /zero-trust-pod-hardening-exceptions\/disallow-host-path admits .*namespace logging has a GuardrailException scoped to the pods labelled \{"app.kubernetes.io\/component":"log-shipper","app.kubernetes.io\/name":"fluentd"\}/);
    const ok = Testing.chart();
    new AdmissionGuardrails(ok, 'g', { exceptions: [GuardrailException.logShipper('logging', { 'app.kubernetes.io/name': 'node-logs' })] });
    new FluentdLogShipper(ok, 'shipper', {
      name: 'node-logs', credentials: kplus.Secret.fromSecretName(ok, 'es', 'es-credentials'), namespace: 'logging', runAsUser: 1000,
    });
    expect(() => synthAndValidate(ok)).not.toThrow();
  });
});

describe('injectionViolation: what injection adds, computed once per what it depends on', () => {
  const securityContexts: any[] = [
    undefined, {}, { runAsNonRoot: true }, { runAsNonRoot: false }, { runAsNonRoot: 'true' },
    { seccompProfile: { type: 'RuntimeDefault' } }, { seccompProfile: { type: 'Localhost' } }, { seccompProfile: { type: 'Unconfined' } },
    { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, { runAsNonRoot: true, seccompProfile: { type: 'Localhost' }, runAsUser: 0 },
  ];
  const specs: any[] = [undefined];
  for (const securityContext of securityContexts) {
    for (const os of [undefined, { name: 'windows' }, { name: 'linux' }]) {
      for (const n of [0, 1, 3]) {
        specs.push({ securityContext, os, containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'x' })) });
      }
    }
  }

  test('the same first violation as addedContainerViolations of the injected containers, for every level, CNI, OS, securityContext and proxy index', () => {
    let checked = 0;
    for (const round of [1, 2]) {
      for (const spec of specs) {
        for (const level of ['baseline', 'restricted', 'privileged']) {
          for (const cni of [true, false]) {
            const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
            const expected = addedContainerViolations(pod, level, injectedContainers(pod, cni))[0];
            expect([round, spec, level, cni, injectionViolation(pod, level, cni)]).toEqual([round, spec, level, cni, expected]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  test('podViewOf reads what podOf gives (metadata and spec), without the namespace copy', () => {
    for (const kind of ['Pod', 'Deployment', 'CronJob', 'Service']) {
      const tpl = { metadata: { labels: { a: 'b' }, annotations: { 'sidecar.istio.io/inject': 'false' } }, spec: { hostNetwork: true } };
      const obj = kind === 'Pod' ? { kind, ...tpl } : { kind, metadata: { namespace: 'ns' }, spec: kind === 'CronJob' ? { jobTemplate: { spec: { template: tpl } } } : { template: tpl } };
      const pod = podOf(obj);
      const view = podViewOf(obj);
      expect(view === undefined).toBe(pod === undefined);
      if (pod === undefined) continue;
      expect(view!.spec).toEqual(pod.spec);
      expect({ ...view!.metadata, namespace: pod.metadata.namespace }).toEqual(pod.metadata);
      expect(isInjected(view, { 'istio-injection': 'enabled' })).toBe(isInjected(pod, { 'istio-injection': 'enabled' }));
    }
  });
});
