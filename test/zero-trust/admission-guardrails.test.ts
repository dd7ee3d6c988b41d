import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AdmissionGuardrails, DefaultDenyMechanism, EnforcementMode, FluentdLogShipper, GuardrailAction, GuardrailException, WireguardGateway, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';
import { threeSiteMesh } from '../wireguard/fixtures';

/** Does a Kyverno `match`/`exclude` block (resources: kinds, names, namespaces, selector.matchLabels) select `obj`? */
function selects(block: any, obj: any): boolean {
  return (block?.any ?? []).some((f: any) => {
    const r = f.resources ?? {};
    if (r.kinds && !r.kinds.includes(obj.kind)) return false;
    if (r.names && !r.names.includes(obj.metadata.name)) return false;
    if (r.namespaces && !r.namespaces.includes(obj.metadata.namespace)) return false;
    const ml = r.selector?.matchLabels;
    if (ml && !Object.entries(ml).every(([k, v]) => obj.metadata.labels?.[k] === v)) return false;
    return true;
  });
}

/** `namespace/name` of every NetworkPolicy Kyverno's generate rules would create for the Namespaces of `objs`. */
function kyvernoGenerated(objs: any[]): string[] {
  const rules = objs.filter((o) => o.kind === 'ClusterPolicy').flatMap((o) => o.spec.rules).filter((r: any) => r.generate);
  return objs.filter((o) => o.kind === 'Namespace').flatMap((ns) => rules
    .filter((r: any) => selects(r.match, ns) && !selects(r.exclude, ns))
    .map((r: any) => `${ns.metadata.name}/${r.generate.name}`)).sort();
}

/** Kyverno's wildcard match (`*` any run of characters) of a key or value. */
function wildcard(w: string, x: string): boolean {
  return new RegExp(`^${w.split('*').map((t) => t.replace(/[.?+^$|()[\]{}\\/]/g, '\\$&')).join('.*')}$`).test(x);
}

/**
 * Does a Kyverno validate `pattern` accept `value`? `=(key)` (optional) and `X(key)` (must be
 * absent) anchors, wildcard keys (`=(prefix/*)`: every matching key), `a | b` alternatives,
 * wildcard values (`localhost/*`), `>N` numbers; arrays: every element.
 */
function matchesPattern(pattern: any, value: any): boolean {
  if (Array.isArray(pattern)) return Array.isArray(value) && value.every((v) => matchesPattern(pattern[0], v));
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => {
      // negation anchor: the key must be absent (the only value we use is "null")
      if (k.startsWith('X(') && k.endsWith(')')) return p === 'null' && (value[k.slice(2, -1)] ?? null) === null;
      const optional = k.startsWith('=(') && k.endsWith(')');
      const key = optional ? k.slice(2, -1) : k;
      if (key.includes('*')) return Object.keys(value).filter((x) => wildcard(key, x)).every((x) => matchesPattern(p, value[x]));
      if (value[key] === undefined) return optional;
      return matchesPattern(p, value[key]);
    });
  }
  return String(pattern).split('|').map((x) => x.trim()).some((alt) => {
    const gt = /^>(\d+)$/.exec(alt);
    if (gt) return typeof value === 'number' && value > Number(gt[1]);
    return alt.includes('*') ? wildcard(alt, String(value)) : alt === String(value);
  });
}

/**
 * Names of the pod hardening rules that would refuse `pod` (a Pod manifest): the rules that select
 * its namespace, evaluated as Kyverno would (the capability foreach rules and the pattern rules).
 */
/** The rules of the pod hardening policy and of the component-scoped exceptions policy (if any). */
function podRulesOf(objs: any[]): any[] {
  return objs.filter((o) => o.metadata.name === 'zero-trust-pod-hardening' || o.metadata.name === 'zero-trust-pod-hardening-exceptions')
    .flatMap((o) => o.spec.rules);
}

function refusedBy(objs: any[], pod: any): string[] {
  const rules = podRulesOf(objs)
    .filter((r: any) => selects(r.match, pod) && !selects(r.exclude, pod));
  const containers = [...(pod.spec.ephemeralContainers ?? []), ...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  return rules.filter((r: any) => {
    for (const p of r.preconditions?.all ?? []) {
      // the preconditions the pod rules use: not a DELETE (we evaluate a CREATE), and
      // "{{ request.object.spec.hostNetwork || `false` }}" Equals false
      if (p.key === '{{ request.operation || \'BACKGROUND\' }}') {
        expect([p.operator, p.value]).toEqual(['NotEquals', 'DELETE']);
        continue;
      }
      expect(p.key).toContain('request.object.spec.hostNetwork');
      if ((pod.spec.hostNetwork ?? false) !== p.value) return false;
    }
    if (r.validate.pattern) return !matchesPattern(r.validate.pattern, pod);
    if (r.validate.anyPattern) return !r.validate.anyPattern.some((p: any) => matchesPattern(p, pod));
    if (r.validate.deny) {
      // restrict-volume-types: every key of every volume in the allowed list
      const [cond] = r.validate.deny.conditions.all;
      expect([cond.key, cond.operator]).toEqual(['{{ request.object.spec.volumes[].keys(@)[] || \'\' }}', 'AnyNotIn']);
      return (pod.spec.volumes ?? []).flatMap((v: any) => Object.keys(v)).some((k: string) => !cond.value.includes(k));
    }
    if (r.validate.foreach[0].list.startsWith('request.object.spec.volumes[?hostPath]')) {
      // restrict-host-paths: each hostPath volume's path in the (wildcard) list, no '..', every mount of it readOnly
      const [inList, dots, writable] = r.validate.foreach[0].deny.conditions.any;
      expect([inList.operator, dots.key, writable.key]).toEqual(['AnyNotIn', '{{ contains(element.hostPath.path, \'..\') }}', expect.stringContaining('readOnly != `true`')]);
      const mounts = containers.flatMap((c) => c.volumeMounts ?? []);
      return (pod.spec.volumes ?? []).filter((v: any) => v.hostPath).some((v: any) =>
        !inList.value.some((w: string) => wildcard(w, v.hostPath.path)) || v.hostPath.path.includes('..')
        || mounts.some((m: any) => m.name === v.name && m.readOnly !== true));
    }
    const allowed: string[] = r.validate.foreach[0].deny.conditions.any[0].value;
    return containers.some((c) => {
      const caps = c.securityContext?.capabilities ?? {};
      return (caps.add ?? []).some((a: string) => !allowed.includes(a)) || !(caps.drop ?? []).includes('ALL');
    });
  }).map((r: any) => r.name).sort();
}

/** The Pod a Deployment manifest creates. */
function podOf(deployment: any): any {
  return { kind: 'Pod', metadata: { ...deployment.spec.template.metadata, namespace: deployment.metadata.namespace }, spec: deployment.spec.template.spec };
}

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
      expect(r.exclude.any[0].resources.names).toEqual(AdmissionGuardrails.PLATFORM_NAMESPACES);
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

  test('one owner per NetworkPolicy: the generate rules skip ZeroTrustNamespaces (managed label), not plain namespaces', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g');
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    new kplus.Namespace(chart, 'legacy', { metadata: { name: 'legacy' } });
    new kplus.Namespace(chart, 'sys', { metadata: { name: 'kube-system' } });
    const objs = synthAndValidate(chart);
    const shop = objs.find((o) => o.kind === 'Namespace' && o.metadata.name === 'shop');
    expect(shop.metadata.labels[ZeroTrustNamespace.MANAGED_LABEL]).toBe('true');
    for (const r of objs.find((o) => o.metadata.name === 'zero-trust-network-policies').spec.rules.filter((x: any) => x.generate)) {
      expect(r.exclude.any).toContainEqual({ resources: { selector: { matchLabels: { 'zero-trust.cdk8s.io/managed': 'true' } } } });
    }
    const generated = kyvernoGenerated(objs);
    expect(generated).toEqual(['legacy/allow-dns', 'legacy/default-deny']);
    // no object is both emitted here (ZeroTrustNamespace's own default-deny) and generated by Kyverno
    const emitted = objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(emitted).toContain('shop/default-deny');
    expect(generated.filter((g) => emitted.includes(g))).toEqual([]);
    // the evaluator can fail: without the managed exclusion, shop/default-deny has two owners
    const unmanaged = objs.map((o) => (o.kind === 'Namespace' ? { ...o, metadata: { ...o.metadata, labels: { [AdmissionGuardrails.GENERATE_LABEL]: 'true' } } } : o));
    expect(kyvernoGenerated(unmanaged)).toContain('shop/default-deny');
  });

  test('as strong as upstream Pod Security: container-level seccomp, AppArmor, SELinux, procMount, sysctls, volume types, HostProcess, runAsUser', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { exceptions: [GuardrailException.vpnGateway('wireguard')] });
    const objs = synthAndValidate(chart);
    const sc = { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
    const good = {
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', image: 'app:1.0', securityContext: sc }],
        volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
      },
    };
    expect(refusedBy(objs, good)).toEqual([]);
    const bad = (f: (p: any) => void) => {
      const p = JSON.parse(JSON.stringify(good));
      f(p);
      return refusedBy(objs, p);
    };
    const ctr = (p: any) => p.spec.containers[0].securityContext;
    // a container overriding the pod's seccomp profile to Unconfined (passed the pod-level-only rule)
    expect(bad((p) => { ctr(p).seccompProfile = { type: 'Unconfined' }; })).toEqual(['require-seccomp-runtime-default']);
    // PSS accepts the profile and runAsNonRoot on every container instead of the pod
    expect(bad((p) => {
      p.spec.securityContext = {};
      Object.assign(ctr(p), { seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true });
    })).toEqual([]);
    expect(bad((p) => { p.spec.securityContext = {}; })).toEqual(['require-seccomp-runtime-default']);
    expect(bad((p) => { ctr(p).runAsUser = 0; })).toEqual(['require-run-as-non-root-user']);
    expect(bad((p) => { ctr(p).appArmorProfile = { type: 'Unconfined' }; })).toEqual(['restrict-apparmor-profiles']);
    expect(bad((p) => { p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }; })).toEqual(['restrict-apparmor-profiles']);
    expect(bad((p) => { p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; })).toEqual(['restrict-apparmor-profiles']);
    expect(bad((p) => { p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/k8s-app' }; })).toEqual([]);
    expect(bad((p) => { ctr(p).seLinuxOptions = { type: 'spc_t' }; })).toEqual(['disallow-selinux-type']);
    expect(bad((p) => { p.spec.securityContext.seLinuxOptions = { user: 'system_u' }; })).toEqual(['disallow-selinux-user-role']);
    expect(bad((p) => { ctr(p).seLinuxOptions = { level: 's0:c123,c456' }; })).toEqual([]);
    expect(bad((p) => { ctr(p).procMount = 'Unmasked'; })).toEqual(['disallow-proc-mount']);
    expect(bad((p) => { p.spec.securityContext.sysctls = [{ name: 'kernel.core_pattern', value: '|/tmp/x' }]; })).toEqual(['restrict-sysctls']);
    expect(bad((p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]; })).toEqual([]);
    expect(bad((p) => { ctr(p).windowsOptions = { hostProcess: true }; })).toEqual(['disallow-host-process']);
    // gitRepo (CVE-2024-10220) and other non-restricted volume types
    expect(bad((p) => { p.spec.volumes.push({ name: 'src', gitRepo: { repository: 'https://example.com/x.git' } }); })).toEqual(['restrict-volume-types']);
    expect(bad((p) => { p.spec.volumes.push({ name: 'nfs', nfs: { server: 'nfs', path: '/' } }); })).toEqual(['restrict-volume-types']);
    // the privileged VPN namespace (PSA privileged: Kyverno is its only control) gets every one of them too
    const inVpn = (f: (p: any) => void) => bad((p) => { p.metadata.namespace = 'wireguard'; f(p); });
    expect(inVpn((p) => { ctr(p).seccompProfile = { type: 'Unconfined' }; })).toEqual(['require-seccomp-runtime-default']);
    expect(inVpn((p) => { ctr(p).appArmorProfile = { type: 'Unconfined' }; ctr(p).seLinuxOptions = { type: 'spc_t' }; }))
      .toEqual(['disallow-selinux-type', 'restrict-apparmor-profiles']);
    // the deny/foreach rules never block a DELETE
    const pod = objs.find((o) => o.metadata.name === 'zero-trust-pod-hardening');
    for (const r of pod.spec.rules.filter((x: any) => x.validate.foreach || x.validate.deny)) {
      expect([r.name, r.preconditions.all]).toEqual([r.name, expect.arrayContaining([{ key: '{{ request.operation || \'BACKGROUND\' }}', operator: 'NotEquals', value: 'DELETE' }])]);
    }
  });

  test('GuardrailException: loosens only the named rules in its namespace; every other rule still applies there', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', {
      exceptions: [
        GuardrailException.vpnGateway('wireguard'),
        GuardrailException.ingressController('ingress-nginx'),
        GuardrailException.of({ namespace: 'builds', allowWritableRootFilesystem: true }),
      ],
    });
    for (const n of ['wireguard', 'ingress-nginx', 'builds', 'shop']) new kplus.Namespace(chart, n, { metadata: { name: n } });
    const objs = synthAndValidate(chart);
    const podRules = podRulesOf(objs);
    /** Pod rules that apply to a pod in `ns` with `labels`. */
    const podRulesIn = (ns: string, labels: { [k: string]: string } = {}) => podRules
      .filter((r: any) => selects(r.match, { kind: 'Pod', metadata: { namespace: ns, labels } }) && !selects(r.exclude, { kind: 'Pod', metadata: { namespace: ns, labels } }))
      .map((r: any) => r.name).sort();
    const gatewayLabels = { 'app.kubernetes.io/name': 'wireguard', 'app.kubernetes.io/component': 'gateway', 'app': 'x' };
    const controllerLabels = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
    // the upstream baseline/restricted controls apply in every namespace, exceptions included
    const upstream = [
      'disallow-host-process', 'disallow-proc-mount', 'disallow-selinux-type', 'disallow-selinux-user-role',
      'restrict-apparmor-profiles', 'restrict-sysctls', 'restrict-volume-types',
    ];
    const all = [
      'disallow-host-namespaces', 'disallow-host-path', 'disallow-host-ports', 'disallow-privilege-escalation', 'disallow-privileged',
      'require-read-only-root-filesystem', 'require-run-as-non-root', 'require-run-as-non-root-user', 'require-seccomp-runtime-default',
      'restrict-capabilities', ...upstream,
    ].sort();
    expect(podRulesIn('shop')).toEqual(all);
    // the exceptions are scoped to the component's pods: any other pod of the namespace gets every rule (finding 13)
    expect(podRulesIn('wireguard')).toEqual(all);
    expect(podRulesIn('wireguard', { 'app.kubernetes.io/name': 'wireguard' })).toEqual(all);
    expect(podRulesIn('ingress-nginx')).toEqual(all);
    expect(podRulesIn('wireguard', gatewayLabels)).toEqual([
      'disallow-host-path', 'disallow-host-pid-ipc', 'disallow-host-ports-without-host-network', 'disallow-privilege-escalation', 'disallow-privileged',
      'require-read-only-root-filesystem', 'require-seccomp-runtime-default', 'restrict-capabilities-net-admin', ...upstream,
    ].sort());
    expect(podRulesIn('ingress-nginx', controllerLabels)).toEqual(all.filter((r) => r !== 'require-read-only-root-filesystem'));
    // an exception without podLabels is namespace-wide
    expect(podRulesIn('builds')).toEqual(podRulesIn('ingress-nginx', controllerLabels));
    // label-scoped rules live in their own policy (Kyverno autogen skips a policy that selects by labels)
    const main = objs.find((o) => o.metadata.name === 'zero-trust-pod-hardening').spec.rules;
    expect(JSON.stringify(main)).not.toContain('selector');
    expect(objs.find((o) => o.metadata.name === 'zero-trust-pod-hardening-exceptions').spec.rules.find((r: any) => r.name === 'restrict-capabilities').exclude)
      .toEqual({ any: [{ resources: { namespaces: ['wireguard'], selector: { matchLabels: { 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/name': 'wireguard' } } } }] });
    const byName = (n: string) => podRules.find((r: any) => r.name === n);
    expect(byName('disallow-host-pid-ipc').validate.pattern).toEqual({ spec: { '=(hostPID)': 'false', '=(hostIPC)': 'false' } });
    expect(byName('disallow-host-ports-without-host-network').preconditions.all[0]).toMatchObject({ operator: 'Equals', value: false });
    expect(byName('restrict-capabilities-net-admin').match.any[0].resources.namespaces).toEqual(['wireguard']);
    expect(byName('restrict-capabilities-net-admin').match.any[0].resources.selector.matchLabels['app.kubernetes.io/name']).toEqual('wireguard');
    // the generate rules skip only the namespace whose NetworkPolicies are owned elsewhere
    expect(kyvernoGenerated(objs)).toEqual(['builds', 'shop', 'wireguard'].flatMap((n) => [`${n}/allow-dns`, `${n}/default-deny`]));
    // the network check applies everywhere it did
    const check = objs.find((o) => o.metadata.name === 'zero-trust-network-policies').spec.rules.find((r: any) => r.name === 'require-network-policy');
    expect(check.exclude.any[0].resources.namespaces).toEqual(AdmissionGuardrails.PLATFORM_NAMESPACES);
  });

  test('GuardrailException.vpnGateway admits exactly what the WireGuard gateway needs: SYS_MODULE only when it loads its kernel module', () => {
    /** The gateway's pod (namespace `vpn`) and the guardrails with `exception`, synthesized and validated. */
    const run = (loadKernelModule: boolean, exception: GuardrailException) => {
      const chart = Testing.chart();
      new AdmissionGuardrails(chart, 'g', { exceptions: [exception] });
      new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east', namespace: 'vpn', loadKernelModule });
      const objs = synthAndValidate(chart);
      return { objs, pod: podOf(objs.find((o) => o.kind === 'Deployment')) };
    };
    const plain = run(false, GuardrailException.vpnGateway('vpn'));
    const modprobe = run(true, GuardrailException.vpnGateway('vpn', { loadKernelModule: true }));
    // each gateway passes every rule under its matching exception
    expect(plain.pod.spec.containers[0].securityContext.capabilities.add).toEqual(['NET_ADMIN']);
    expect(modprobe.pod.spec.containers[0].securityContext.capabilities.add).toEqual(['NET_ADMIN', 'SYS_MODULE']);
    expect(modprobe.pod.spec.volumes).toContainEqual({ name: 'modules', hostPath: { path: '/lib/modules', type: 'Directory' } });
    expect(refusedBy(plain.objs, plain.pod)).toEqual([]);
    expect(refusedBy(modprobe.objs, modprobe.pod)).toEqual([]);
    // the module-loading gateway is refused by the exception without loadKernelModule (SYS_MODULE) ...
    expect(refusedBy(plain.objs, modprobe.pod)).toEqual(['disallow-host-path', 'restrict-capabilities-net-admin', 'restrict-volume-types']);
    // ... and by the default rules in any other namespace (hostNetwork, root, both capabilities)
    const elsewhere = { ...modprobe.pod, metadata: { ...modprobe.pod.metadata, namespace: 'shop' } };
    expect(refusedBy(modprobe.objs, elsewhere)).toEqual(['disallow-host-namespaces', 'disallow-host-path', 'require-run-as-non-root', 'require-run-as-non-root-user', 'restrict-capabilities', 'restrict-volume-types']);
    // /lib/modules is the only hostPath the module-loading gateway's namespace admits, and only read-only
    const otherPath = JSON.parse(JSON.stringify(modprobe.pod));
    otherPath.spec.volumes.find((v: any) => v.name === 'modules').hostPath.path = '/lib';
    expect(refusedBy(modprobe.objs, otherPath)).toEqual(['restrict-host-paths']);
    const writableModules = JSON.parse(JSON.stringify(modprobe.pod));
    writableModules.spec.containers[0].volumeMounts.find((m: any) => m.name === 'modules').readOnly = false;
    expect(refusedBy(modprobe.objs, writableModules)).toEqual(['restrict-host-paths']);
    // the rules: SYS_MODULE is added to the exception's namespace only when the module is loaded
    const rules = (objs: any[]) => objs.find((o) => o.metadata.name === 'zero-trust-pod-hardening').spec.rules;
    const capRules = (objs: any[]) => podRulesOf(objs).filter((r: any) => r.name.startsWith('restrict-capabilities'))
      .map((r: any) => [r.name, r.validate.foreach[0].deny.conditions.any[0].value]);
    // (the main policy's rule, then the exceptions policy's: the strict rule for the namespace's other pods, the gateway's)
    expect(capRules(plain.objs)).toEqual([
      ['restrict-capabilities', ['NET_BIND_SERVICE']], ['restrict-capabilities', ['NET_BIND_SERVICE']], ['restrict-capabilities-net-admin', ['NET_ADMIN', 'NET_BIND_SERVICE']],
    ]);
    expect(capRules(modprobe.objs)).toEqual([
      ['restrict-capabilities', ['NET_BIND_SERVICE']],
      ['restrict-capabilities', ['NET_BIND_SERVICE']],
      ['restrict-capabilities-net-admin-sys-module', ['NET_ADMIN', 'NET_BIND_SERVICE', 'SYS_MODULE']],
    ]);
    // the default rule skips only the exception's namespace
    expect(rules(modprobe.objs)[0].exclude.any[0].resources.namespaces).toEqual([...AdmissionGuardrails.PLATFORM_NAMESPACES, 'vpn'].sort());
    // the evaluator can fail: a pod without drop ALL is refused even under the exception
    const noDrop = JSON.parse(JSON.stringify(modprobe.pod));
    noDrop.spec.containers[0].securityContext.capabilities.drop = [];
    expect(refusedBy(modprobe.objs, noDrop)).toEqual(['restrict-capabilities-net-admin-sys-module']);
    // the gateway's powers are the gateway's only: another pod of its namespace with the same spec is refused (finding 13)
    const other = JSON.parse(JSON.stringify(modprobe.pod));
    other.metadata.labels = { app: 'debug' };
    expect(refusedBy(modprobe.objs, other)).toEqual(expect.arrayContaining(['disallow-host-namespaces', 'require-run-as-non-root', 'restrict-capabilities']));
  });

  test('disallow-host-path: a hostPath pod is refused outside an exception, admitted in the logShipper namespace (read-only, under /var/log)', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', {
      exceptions: [GuardrailException.logShipper('logging')],
    });
    new FluentdLogShipper(chart, 'fluentd', {
      credentials: kplus.Secret.fromSecretName(chart, 'es', 'es-credentials'), namespace: 'logging', runAsUser: 1000,
    });
    const objs = synthAndValidate(chart);
    const ds = objs.find((o) => o.kind === 'DaemonSet');
    const pod = { kind: 'Pod', metadata: { ...ds.spec.template.metadata, namespace: 'logging' }, spec: ds.spec.template.spec };
    expect(pod.spec.volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path).sort()).toEqual(['/var/log/containers', '/var/log/pods']);
    const rules = podRulesOf(objs);
    const hp = rules.find((r: any) => r.name === 'disallow-host-path');
    expect(hp.validate).toMatchObject({ failureAction: 'Enforce', pattern: { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } } });
    expect(hp.exclude.any[0].resources.namespaces).toEqual([...AdmissionGuardrails.PLATFORM_NAMESPACES, 'logging'].sort());
    // the shipper is admitted in its exception's namespace
    expect(refusedBy(objs, pod)).toEqual([]);
    // the same pod anywhere else is refused by disallow-host-path
    expect(refusedBy(objs, { ...pod, metadata: { ...pod.metadata, namespace: 'shop' } })).toEqual(['disallow-host-path', 'restrict-volume-types']);
    // a pod without volumes, or with an emptyDir only, passes the rule
    const plain = (volumes: any) => ({ ...pod, metadata: { ...pod.metadata, namespace: 'shop' }, spec: { ...pod.spec, volumes } });
    expect(refusedBy(objs, plain(undefined))).toEqual([]);
    expect(refusedBy(objs, plain([{ name: 'tmp', emptyDir: {} }]))).toEqual([]);
    // in the logShipper namespace: nothing outside /var/log, no '..', no writable mount
    const withVolume = (path: string, readOnly: boolean) => {
      const p = JSON.parse(JSON.stringify(pod));
      p.spec.volumes.push({ name: 'extra', hostPath: { path } });
      p.spec.containers[0].volumeMounts.push({ name: 'extra', mountPath: '/extra', readOnly });
      return p;
    };
    expect(refusedBy(objs, withVolume('/var/log/pods/x', true))).toEqual([]);
    expect(refusedBy(objs, withVolume('/', true))).toEqual(['restrict-host-paths']);
    // only the container log directories: not the rest of /var/log (audit logs on control-plane nodes, finding 24)
    expect(refusedBy(objs, withVolume('/var/log', true))).toEqual(['restrict-host-paths']);
    expect(refusedBy(objs, withVolume('/var/log/kube-apiserver', true))).toEqual(['restrict-host-paths']);
    expect(refusedBy(objs, withVolume('/var/logs', true))).toEqual(['restrict-host-paths']);
    expect(refusedBy(objs, withVolume('/var/log/pods/../../../etc', true))).toEqual(['restrict-host-paths']);
    expect(refusedBy(objs, withVolume('/var/log/pods/x', false))).toEqual(['restrict-host-paths']);
    // only the shipper's pods: an Elasticsearch beside it in the namespace gets no hostPath (finding 13)
    const es = { ...pod, metadata: { ...pod.metadata, labels: { 'app.kubernetes.io/name': 'elasticsearch' } } };
    expect(refusedBy(objs, es)).toEqual(['disallow-host-path', 'restrict-volume-types']);
    // (an exception cannot admit any writable hostPath: allowHostPath requires allowedHostPaths, see the bad-input test)
    // the path rule is the exception's namespace only, with the hardening action
    const restrict = rules.find((r: any) => r.name === 'restrict-host-paths');
    expect(restrict.match.any[0].resources.namespaces).toEqual(['logging']);
    expect(restrict.validate.failureAction).toBe('Enforce');
    expect(restrict.validate.foreach[0].deny.conditions.any[0].value).toEqual(['/var/log/containers', '/var/log/containers/*', '/var/log/pods', '/var/log/pods/*']);
  });

  test('disallow-host-path follows the hardening action and the staged rollout', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { podHardeningAction: GuardrailAction.AUDIT, exceptions: [GuardrailException.logShipper('logging')] });
    const rules = podRulesOf(synthAndValidate(chart));
    expect(rules.find((r: any) => r.name === 'disallow-host-path').validate.failureAction).toBe('Audit');
    expect(rules.find((r: any) => r.name === 'restrict-host-paths').validate.failureAction).toBe('Audit');
    const chart2 = Testing.chart();
    new AdmissionGuardrails(chart2, 'g', { enforcement: EnforcementMode.AUDIT });
    const rules2 = synthAndValidate(chart2).find((o) => o.metadata.name === 'zero-trust-pod-hardening').spec.rules;
    expect(rules2.find((r: any) => r.name === 'disallow-host-path').validate.failureAction).toBe('Audit');
    // without an exception naming paths, there is no path rule
    expect(rules2.filter((r: any) => r.name.startsWith('restrict-host-paths'))).toEqual([]);
  });

  test('GuardrailException: SYS_MODULE alone, and next to netAdminNamespaces, gets its own capability rule', () => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', {
      netAdminNamespaces: ['cni'],
      exceptions: [GuardrailException.of({ namespace: 'drivers', allowSysModule: true }), GuardrailException.vpnGateway('vpn', { loadKernelModule: true })],
    });
    const objs = synthAndValidate(chart);
    const caps = podRulesOf(objs)
      .filter((r: any) => r.name.startsWith('restrict-capabilities') && r.validate.foreach[0].deny.conditions.any[0].value.length > 1)
      .map((r: any) => [r.name, r.match.any[0].resources.namespaces ?? '*', r.validate.foreach[0].deny.conditions.any[0].value]);
    expect(caps).toEqual([
      ['restrict-capabilities-net-admin', ['cni'], ['NET_ADMIN', 'NET_BIND_SERVICE']],
      ['restrict-capabilities-sys-module', ['drivers'], ['NET_BIND_SERVICE', 'SYS_MODULE']],
      ['restrict-capabilities-net-admin-sys-module', ['vpn'], ['NET_ADMIN', 'NET_BIND_SERVICE', 'SYS_MODULE']],
    ]);
  });

  test('GuardrailException: bad input names the field', () => {
    const chart = Testing.chart();
    expect(() => GuardrailException.vpnGateway('Bad')).toThrow(/GuardrailException.vpnGateway: invalid namespace "Bad"/);
    expect(() => GuardrailException.of({ namespace: 'x', allowRoot: 'yes' as any })).toThrow(/invalid allowRoot "yes": expected true or false/);
    expect(() => GuardrailException.of({ namespace: 'x', allowSysModule: 1 as any })).toThrow(/invalid allowSysModule 1: expected true or false/);
    expect(() => GuardrailException.of({ namespace: 'x', allowHostPath: 'yes' as any })).toThrow(/invalid allowHostPath "yes": expected true or false/);
    expect(() => GuardrailException.of({ namespace: 'x', allowedHostPaths: ['/var/log'] }))
      .toThrow(/invalid allowedHostPaths "\/var\/log": expected no allowedHostPaths unless allowHostPath is true/);
    for (const bad of ['var/log', '/', '/var/log/', '/var/../etc', '/var/*', '/a b']) {
      expect(() => GuardrailException.of({ namespace: 'x', allowHostPath: true, allowedHostPaths: ['/ok', bad] }))
        .toThrow(`GuardrailException.of: invalid allowedHostPaths[1] "${bad}"`);
    }
    expect(GuardrailException.of({ namespace: 'x', allowHostPath: true, allowedHostPaths: ['/b', '/a', '/b'] }).allowedHostPaths).toEqual(['/a', '/b']);
    expect(() => GuardrailException.of({ namespace: 'x', allowHostPath: true }))
      .toThrow(/GuardrailException.of: invalid allowedHostPaths \[\]: expected the node directories the exception admits/);
    expect(() => GuardrailException.vpnGateway('vpn', { loadKernelModule: 'yes' as any }))
      .toThrow(/GuardrailException.vpnGateway: invalid options.loadKernelModule "yes": expected true or false/);
    expect(() => new AdmissionGuardrails(chart, 'a', { exceptions: [{ namespace: 'x' } as any] })).toThrow(/invalid exceptions\[0\] .*expected a GuardrailException/);
    expect(() => new AdmissionGuardrails(chart, 'b', { exceptions: [GuardrailException.vpnGateway('vpn'), GuardrailException.of({ namespace: 'vpn' })] }))
      .toThrow(/invalid exceptions\[1\].namespace "vpn": expected one exception per namespace/);
    expect(() => new AdmissionGuardrails(chart, 'c', { exceptions: [GuardrailException.vpnGateway('kube-system')] }))
      .toThrow(/invalid exceptions\[0\].namespace "kube-system": expected a namespace that is not in excludedNamespaces/);
  });

  test('bad input names the field', () => {
    const chart = Testing.chart();
    expect(() => new AdmissionGuardrails(chart, 'a', { excludedNamespaces: ['Kube_System'] })).toThrow(/invalid excludedNamespaces\[0\] "Kube_System"/);
    expect(() => new AdmissionGuardrails(chart, 'b', { networkPolicyAction: 'enforce' as any })).toThrow(/invalid networkPolicyAction "enforce": expected Enforce or Audit/);
  });
});

describe('Kyverno RBAC (SECURITY.md finding 19)', () => {
  const roles = (defaultDeny?: DefaultDenyMechanism) => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', { defaultDeny });
    return synthAndValidate(chart).filter((o) => o.kind === 'ClusterRole')
      .map((r) => ({ name: r.metadata.name, to: Object.keys(r.metadata.labels).sort(), verbs: r.rules.flatMap((x: any) => x.verbs) }));
  };

  test('only the background controller may write NetworkPolicies; the admission and reports controllers may only list them', () => {
    expect(roles()).toEqual([
      {
        name: 'kyverno-zero-trust-generate-networkpolicies',
        to: ['rbac.kyverno.io/aggregate-to-background-controller'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      },
      {
        name: 'kyverno-zero-trust-list-networkpolicies',
        to: ['rbac.kyverno.io/aggregate-to-admission-controller', 'rbac.kyverno.io/aggregate-to-reports-controller'],
        verbs: ['list'],
      },
    ]);
  });

  test('without Kyverno generation (Baseline tier), no write access at all', () => {
    expect(roles(DefaultDenyMechanism.BASELINE_TIER).map((r) => r.name)).toEqual(['kyverno-zero-trust-list-networkpolicies']);
  });
});
