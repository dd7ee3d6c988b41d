/**
 * The multi-region sample (seed S21): every cluster's objects, their validity, their meaning
 * and the exact set of allowed flows.
 */
import { App } from 'cdk8s';
import { EXPECTED_FLOWS } from './expected-flows';
import { APP_NAMESPACES, buildEcommerce, CLUSTERS, GUARDRAIL_EXCEPTIONS, GUARDRAIL_EXCLUDED } from '../../sample/ecommerce';
import { ANALYZER_OPTIONS, assertDeclaredFlows, platformOnlyConnections, platformStandIns } from '../../sample/platform';
import { Flows, Peer, Port, ReachabilityAnalyzer } from '../../src';
import { formatIssues, validateObjects } from '../util';
import { podSpecOf, polarisFindings } from '../util/polaris';
import { builtSample, BuiltSample } from '../util/sample-cache';
import { byObjectKey } from '../util/snapshot';

let sample: BuiltSample;
const objects = new Map<string, any[]>();
const analyzers = new Map<string, ReachabilityAnalyzer>();

beforeAll(() => {
  sample = builtSample();
  for (const c of sample.clusters) {
    objects.set(c.name, c.objects);
    analyzers.set(c.name, ReachabilityAnalyzer.fromObjects([...c.objects, ...platformStandIns()], ANALYZER_OPTIONS));
  }
});

const key = (o: any): string => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const ofKind = (cluster: string, kind: string): any[] => objects.get(cluster)!.filter((o) => o.kind === kind);

describe.each(CLUSTERS)('cluster %s', (cluster) => {
  test('snapshot of every object (keyed by kind, namespace and name); every shop namespace is default-deny', () => {
    const objs = objects.get(cluster)!;
    expect(byObjectKey(objs)).toMatchSnapshot();
    // L3/L4: one default-deny per shop namespace (both directions, every pod); the other policies only allow
    for (const ns of APP_NAMESPACES) {
      const nps = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns);
      const deny = nps.find((p) => p.metadata.name === 'default-deny');
      expect([ns, deny?.spec]).toEqual([ns, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }]);
      for (const p of nps.filter((x) => x.metadata.name !== 'default-deny')) {
        const rules = [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])];
        const peered = rules.every((r: any) => (r.from ?? r.to ?? []).length > 0);
        expect([p.metadata.name, rules.length > 0, peered]).toEqual([p.metadata.name, true, true]);
      }
    }
    // L7: every meshed shop namespace with a server in it denies by default (empty ALLOW policy)
    for (const ns of ['auth', 'order', 'payment']) {
      expect(ofKind(cluster, 'AuthorizationPolicy').find((p) => p.metadata.namespace === ns && p.metadata.name === 'allow-nothing')?.spec).toEqual({});
    }
  });

  test('every object passes the Kubernetes 1.27/1.33 and CRD schemas; no two objects share a name', () => {
    const objs = objects.get(cluster)!;
    const issues = validateObjects(objs);
    expect(formatIssues(issues)).toBe(formatIssues([]));
    const keys = objs.map(key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  test('the allowed flows are exactly the declared ones (test/sample/expected-flows.ts)', () => {
    const an = analyzers.get(cluster)!;
    expect(() => assertDeclaredFlows(an, EXPECTED_FLOWS[cluster])).not.toThrow();
    // the platform-only connections never touch our namespaces
    for (const line of platformOnlyConnections(an)) {
      expect(line).not.toMatch(/(^|=> )(frontend|auth|order|payment|database|observability|logging)\//);
    }
  });

  test('S17: order-service reaches payment-service only by POST /api/payments; nobody else does', () => {
    const an = analyzers.get(cluster)!;
    const toPayment = an.connections().filter((c) => c.dst === 'payment/payment-service[Deployment]');
    // S14: the east-west gateway forwards the remote order-services (AUTO_PASSTHROUGH), judged by the same rule
    expect(toPayment.map((c) => c.src).sort()).toEqual(['istio-system/istio-eastwestgateway[Deployment]', 'order/order-service[Deployment]']);
    for (const c of toPayment) {
      expect(c.conns).toBe('TCP 8080');
      expect(c.l7.join(' ')).toContain('methods POST paths /api/payments');
    }
    const ap = ofKind(cluster, 'AuthorizationPolicy').find((p) => p.metadata.namespace === 'payment' && p.metadata.name !== 'allow-nothing');
    // the remote order-service (same trust domain) is allowed by this rule too; the east-west
    // gateway's own identity is not allowed (S14: a network-only flow)
    expect(ap.spec.rules.map((r: any) => r.from[0].source.principals).flat().sort()).toEqual([
      'cluster.local/ns/order/sa/order-service',
    ]);
    for (const rule of ap.spec.rules) {
      expect(rule.to).toEqual([{ operation: { ports: ['8080'], methods: ['POST'], paths: ['/api/payments'] } }]);
    }
  });

  test('S14: the east-west gateway reaches payment-service on 8080 only, authorized for the remote callers (AUTO_PASSTHROUGH)', () => {
    const gw = 'istio-system/istio-eastwestgateway';
    const l4 = ReachabilityAnalyzer.fromObjects(
      [...objects.get(cluster)!.filter((o) => o.kind !== 'AuthorizationPolicy'), ...platformStandIns()], ANALYZER_OPTIONS);
    expect(l4.isAllowed(gw, 'payment/payment-service', '8080')).toBe(true);
    expect(l4.isAllowed(gw, 'payment/payment-service', '8081')).toBe(false);
    expect(l4.isAllowed(gw, 'order/order-service', '8080')).toBe(false);
    // with the AuthorizationPolicies: the gateway is an AUTO_PASSTHROUGH east-west gateway, so
    // payment's AuthorizationPolicy is judged for the remote callers' principals (not the
    // gateway's own identity): the remote order-service is allowed POST /api/payments on 8080
    const an = analyzers.get(cluster)!;
    expect(an.isAllowed(gw, 'payment/payment-service', '8080')).toBe(true);
    expect(an.isAllowed(gw, 'payment/payment-service', '8081')).toBe(false);
    const c = an.connections().find((x) => x.src === `${gw}[Deployment]` && x.dst === 'payment/payment-service[Deployment]')!;
    expect(c.mtls).toBe(true);
    expect(c.l7).toEqual(['TCP 8080: passthrough: cluster.local/ns/order/sa/order-service methods POST paths /api/payments']);
    expect(an.explain(gw, 'payment/payment-service').compact)
      .toBe('TCP 8080 [mTLS, L7: passthrough: cluster.local/ns/order/sa/order-service POST /api/payments]');
  });

  test('S10/S15: the internet reaches the frontend only through the Gateway (Gateway API, Istio), over STRICT mTLS with its identity', () => {
    const an = analyzers.get(cluster)!;
    const gw = 'gateway/shop-istio';
    expect(an.isAllowed('8.8.8.8', gw, '443')).toBe(true);
    expect(an.isAllowed('8.8.8.8', gw, '15021')).toBe(false);
    expect(an.isAllowed(gw, 'frontend/frontend', '8080')).toBe(true);
    const c = an.connections().find((x) => x.src === `${gw}[Deployment]` && x.dst === 'frontend/frontend[Deployment]')!;
    expect(c.mtls).toBe(true);
    expect(an.isAllowed(gw, 'auth/auth-service')).toBe(false);
    expect(an.isAllowed('8.8.8.8', 'frontend/frontend')).toBe(false);
    expect(an.isAllowed('frontend/frontend', 'payment/payment-service')).toBe(false);
    expect(an.isAllowed('frontend/frontend', 'database/user-db')).toBe(false);
    expect(an.isAllowed('frontend/frontend', '8.8.8.8')).toBe(false);
    // no Ingress, no PERMISSIVE port: the frontend admits only the gateway's principal
    expect(ofKind(cluster, 'Ingress')).toEqual([]);
    expect(ofKind(cluster, 'PeerAuthentication').filter((p) => JSON.stringify(p.spec).includes('PERMISSIVE'))).toEqual([]);
    const allows = ofKind(cluster, 'AuthorizationPolicy').filter((p) => p.metadata.namespace === 'frontend' && p.spec.action !== 'DENY' && p.spec.rules);
    expect(allows.flatMap((p) => p.spec.rules.flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals)))).toEqual(['cluster.local/ns/gateway/sa/shop-istio']);
    // TLS on every host: one HTTPS listener per host (global and regional), HTTP only redirects
    const [gateway] = ofKind(cluster, 'Gateway').filter((g) => g.apiVersion === 'gateway.networking.k8s.io/v1');
    const https = gateway.spec.listeners.filter((l: any) => l.protocol === 'HTTPS');
    expect(https.map((l: any) => l.hostname).sort()).toEqual([`${cluster}.shop.example.com`, 'shop.example.com'].sort());
    for (const l of https) expect(l.tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'shop-tls' }]);
    const routes = ofKind(cluster, 'HTTPRoute');
    const plain = routes.filter((r) => r.spec.parentRefs.some((p: any) => p.sectionName === 'http'));
    expect(plain.flatMap((r) => r.spec.rules.map((x: any) => x.filters[0].type))).toEqual(['RequestRedirect']);
    // k8gb balances the global host's HTTPRoute (in the Gslb's namespace, one parent Gateway)
    const [gslb] = ofKind(cluster, 'Gslb');
    const ref = routes.find((r) => r.metadata.name === gslb.spec.resourceRef.name && r.metadata.namespace === gslb.metadata.namespace);
    expect(gslb.spec.resourceRef.kind).toBe('HTTPRoute');
    expect(ref.spec.hostnames).toEqual(['shop.example.com']);
  });

  test('S3/S7/S22: the database is reached by auth-service only, never leaves the cluster network', () => {
    const an = analyzers.get(cluster)!;
    const inbound = an.connections().filter((c) => c.dst === 'database/user-db[Deployment]').map((c) => c.src);
    const outbound = an.connections().filter((c) => c.src === 'database/user-db[Deployment]').map((c) => c.dst);
    if (cluster === 'asia-east') {
      expect(inbound.sort()).toEqual(['10.2.0.0-10.2.255.255[External]', '10.3.0.0-10.3.255.255[External]', 'auth/auth-service[Deployment]']);
      expect(outbound).toEqual(['kube-system/coredns[Deployment]']);
    } else {
      expect(inbound).toEqual(['auth/auth-service[Deployment]']);
      expect(outbound.sort()).toEqual(['10.1.0.0-10.1.255.255[External]', 'kube-system/coredns[Deployment]']);
    }
    expect(an.isAllowed('database/user-db', '8.8.8.8')).toBe(false);
  });

  test('S9/S14: STRICT mTLS mesh-wide, the cluster joins shop-mesh on its own network', () => {
    const pa = ofKind(cluster, 'PeerAuthentication').find((p) => p.metadata.namespace === 'istio-system');
    expect(pa.spec.mtls.mode).toBe('STRICT');
    const root = ofKind(cluster, 'Namespace').find((n) => n.metadata.name === 'istio-system');
    expect(root.metadata.labels['topology.istio.io/network']).toBe(`${cluster}-network`);
    const sc = sample.clusters.find((c) => c.name === cluster)!;
    const op = sc.extraFiles['istio/operator.yaml'];
    expect(op).toContain('meshID: shop-mesh');
    expect(op).toContain(`clusterName: ${cluster}`);
  });

  test('S6/S18: every pod the guardrails see passes their hardening rules and its namespace\'s Pod Security level', () => {
    const objs = objects.get(cluster)!;
    const level = new Map<string, string>(ofKind(cluster, 'Namespace')
      .map((n) => [n.metadata.name, n.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'privileged']));
    const pods = objs.filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind));
    expect(pods.length).toBeGreaterThanOrEqual(7);
    // the log shipper's node log mounts are admitted by its exception, not by an exclusion
    // (only the container log directories, finding 24), and every exception is scoped to its component's pods (finding 13)
    expect(GUARDRAIL_EXCEPTIONS.find((e) => e.namespace === 'logging')?.allowedHostPaths).toEqual(['/var/log/containers', '/var/log/pods']);
    expect(GUARDRAIL_EXCEPTIONS.map((e) => [e.namespace, e.podLabels?.['app.kubernetes.io/name']])).toEqual([['wireguard', 'wireguard'], ['logging', 'fluentd']]);
    for (const w of pods) {
      const spec = podSpecOf(w);
      const ns = w.metadata.namespace;
      if (GUARDRAIL_EXCLUDED.includes(ns)) continue;
      // a GuardrailException loosens only what it names (the WireGuard gateway: hostNetwork, NET_ADMIN, root)
      const ex = GUARDRAIL_EXCEPTIONS.find((e) => e.namespace === ns);
      const where = `${w.kind}/${ns}/${w.metadata.name}`;
      if (!ex?.allowRoot) expect([where, spec.securityContext?.runAsNonRoot]).toEqual([where, true]);
      expect([where, spec.securityContext?.seccompProfile?.type]).toEqual([where, 'RuntimeDefault']);
      const hostNetwork = ex?.allowHostNetwork ? false : spec.hostNetwork ?? false;
      expect([where, hostNetwork, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([where, false, false, false]);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const sc = c.securityContext ?? {};
        const readOnlyRoot = ex?.allowWritableRootFilesystem || sc.readOnlyRootFilesystem;
        expect([where, c.name, sc.allowPrivilegeEscalation, sc.privileged ?? false, readOnlyRoot, sc.capabilities?.drop])
          .toEqual([where, c.name, false, false, true, ['ALL']]);
        const allowed = ex?.allowNetAdmin ? ['NET_BIND_SERVICE', 'NET_ADMIN'] : ['NET_BIND_SERVICE'];
        expect((sc.capabilities?.add ?? []).filter((cap: string) => !allowed.includes(cap))).toEqual([]);
        if (!ex?.allowRoot) expect([where, c.name, sc.runAsNonRoot ?? true]).toEqual([where, c.name, true]);
        if (!spec.hostNetwork) expect((c.ports ?? []).filter((p: any) => p.hostPort)).toEqual([]);
      }
      const hostPaths = (spec.volumes ?? []).filter((v: any) => v.hostPath);
      if (level.get(ns) === 'restricted' || !ex?.allowHostPath) {
        expect([where, hostPaths]).toEqual([where, []]);
      } else if (ex.allowedHostPaths.length > 0) {
        // restrict-host-paths: only the exception's node directories, every mount of them read-only
        const mounts = [...(spec.initContainers ?? []), ...spec.containers].flatMap((c: any) => c.volumeMounts ?? []);
        for (const v of hostPaths) {
          expect([where, v.name, ex.allowedHostPaths.some((p) => v.hostPath.path === p || v.hostPath.path.startsWith(`${p}/`))])
            .toEqual([where, v.name, true]);
          expect([where, v.name, mounts.filter((m: any) => m.name === v.name && m.readOnly !== true)]).toEqual([where, v.name, []]);
        }
      }
    }
    // Polaris: no danger finding but the WireGuard gateway's, which its job needs (documented)
    const danger = polarisFindings(objs).filter((f) => f.severity === 'danger').map((f) => `${f.check} ${f.object}`);
    expect(danger.sort()).toEqual([
      'dangerousCapabilities Deployment/wireguard/wireguard-gateway',
      'hostNetworkSet Deployment/wireguard/wireguard-gateway',
      'runAsRootAllowed Deployment/wireguard/wireguard-gateway',
    ]);
  });

  test('S16/S18/S19/S20/S23/S24: WireGuard, guardrails, telemetry, replication and failover are present', () => {
    const wg = ofKind(cluster, 'ConfigMap').find((c) => c.metadata.namespace === 'wireguard');
    const conf: string = Object.values(wg.data)[0] as string;
    expect((conf.match(/\[Peer\]/g) ?? []).length).toBe(2);
    expect(conf).not.toMatch(/PrivateKey\s*=\s*[A-Za-z0-9+/]{43}=/); // the private key stays in its Secret
    // review finding 8: each peer routes only its pod CIDR and tunnel address, no service CIDR
    const allowed = [...conf.matchAll(/AllowedIPs = (.*)/g)].flatMap((m) => m[1].split(', '));
    const others = sample.clusters.filter((c) => c.name !== cluster);
    expect(allowed.filter((a) => !a.endsWith('/32')).sort()).toEqual(others.map((c) => c.podCidr).sort());
    expect(allowed.some((a) => sample.clusters.some((c) => c.serviceCidr === a))).toBe(false);
    expect(ofKind(cluster, 'ClusterPolicy').length).toBeGreaterThanOrEqual(2);
    expect(ofKind(cluster, 'OpenTelemetryCollector')[0].spec.config.processors.memory_limiter.check_interval).toBeDefined();
    expect(ofKind(cluster, 'DaemonSet')[0].metadata.namespace).toBe('logging');
    expect(ofKind(cluster, 'ReplicationPolicy')[0].spec).toMatchObject({ schedule: '*/15 * * * *' });
    expect(ofKind(cluster, 'FailoverPolicy')[0].spec).toMatchObject({ primaryCluster: 'asia-east' });
  });
});

test('kind configs follow the seed CIDR plan (S13)', () => {
  expect(sample.clusters.map((c) => c.kindConfig)).toMatchSnapshot();
  expect(sample.podCidrs).toEqual(['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16']);
});

test('opening one more flow fails the declared-flows check', () => {
  const other = buildEcommerce(new App());
  const c = other.clusters.find((x) => x.cluster.name === 'europe-west')!;
  Flows.of(c.chart).allow(c.namespaces.frontend, Peer.pods({ role: 'db' }, { namespace: 'database' }), { ports: [Port.tcp(5432)] });
  const an = ReachabilityAnalyzer.fromObjects([...c.chart.toJson(), ...platformStandIns()], ANALYZER_OPTIONS);
  expect(() => assertDeclaredFlows(an, EXPECTED_FLOWS['europe-west']))
    .toThrow('+ frontend/frontend[Deployment] => database/user-db[Deployment] : TCP 5432');
});
