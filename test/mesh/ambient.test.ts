import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as jsyaml from 'js-yaml';
import { AdmissionGuardrails, DataPlane, Enforcement, EnforcementMode, HttpMatch, IstioMultiCluster, MeshCluster, MtlsMesh, Peer, Port, NamespaceQuota, ReachabilityAnalyzer, ZeroTrustNamespace } from '../../src';
import { addIstioGateway } from '../../src/core/mesh-install';
import { errorOf, expectValid, synthAndValidate } from '../util';
import { isAllowed } from './authz-eval';
import { NetpolEvaluator } from '../zero-trust/netpol-eval';

const FRONTEND = 'cluster.local/ns/shop/sa/frontend';
const LEGACY = 'cluster.local/ns/legacy/sa/legacy-client';
const WAYPOINT = 'cluster.local/ns/pay/sa/waypoint';

interface Options {
  readonly service?: boolean;
  readonly waypoint?: boolean;
  readonly payQuota?: NamespaceQuota;
  readonly guardrails?: boolean;
}

function shop(opts: Options = {}) {
  const app = new App();
  const chart = new Chart(app, 'c');
  new ZeroTrustNamespace(chart, 'shop', { name: 'shop', dataPlane: DataPlane.AMBIENT });
  new ZeroTrustNamespace(chart, 'pay', { name: 'pay', dataPlane: DataPlane.AMBIENT, quota: opts.payQuota });
  if (opts.guardrails) new AdmissionGuardrails(chart, 'guardrails');
  new ZeroTrustNamespace(chart, 'legacy', { name: 'legacy', istioInjection: true });
  const sa = (ns: string, name: string) => new kplus.ServiceAccount(chart, `${ns}-${name}-sa`, { metadata: { name, namespace: ns } });
  const frontend = new kplus.Deployment(chart, 'frontend', {
    metadata: { namespace: 'shop' }, serviceAccount: sa('shop', 'frontend'), containers: [{ image: 'frontend', portNumber: 8080 }],
  });
  const other = new kplus.Deployment(chart, 'other', {
    metadata: { namespace: 'shop' }, serviceAccount: sa('shop', 'other'), containers: [{ image: 'other', portNumber: 8080 }],
  });
  const legacy = new kplus.Deployment(chart, 'legacy-client', {
    metadata: { namespace: 'legacy' }, serviceAccount: sa('legacy', 'legacy-client'), containers: [{ image: 'legacy', portNumber: 8080 }],
  });
  const payment = new kplus.Deployment(chart, 'payment', {
    metadata: { namespace: 'pay' },
    serviceAccount: sa('pay', 'payment'),
    containers: [{
      image: 'payment',
      portNumber: 8080,
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8081 }),
    }],
  });
  if (opts.service ?? true) {
    payment.exposeViaService({ name: 'payment', ports: [{ port: 80, targetPort: 8080 }] });
  }
  const mesh = new MtlsMesh(chart, 'mesh');
  mesh.protectNamespace('pay', { waypoint: opts.waypoint });
  mesh.protectNamespace('shop');
  return { chart, mesh, frontend, other, legacy, payment };
}

const pod = (ns: string, d: kplus.Deployment) => ({ namespace: ns, labels: d.matchLabels });
const waypointPod = { namespace: 'pay', labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } };

function l4(x: ReturnType<typeof shop>, from: kplus.Deployment, http?: HttpMatch) {
  x.mesh.allow(Peer.workload(from), Peer.workload(x.payment), { ports: [Port.tcp(8080)], http });
}

describe('ZeroTrustNamespace dataPlane', () => {
  test('AMBIENT labels the namespace istio.io/dataplane-mode: ambient, no injection, Pod Security stays restricted', () => {
    const objs = synthAndValidate(shop().chart);
    const ns = objs.find((o) => o.kind === 'Namespace' && o.metadata.name === 'pay');
    expect(ns.metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(ns.metadata.labels['istio-injection']).toBeUndefined();
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('refused together with istioInjection or an injection label, naming the field and value', () => {
    const chart = new Chart(new App(), 'c');
    expect(errorOf(() => new ZeroTrustNamespace(chart, 'a', { name: 'a', dataPlane: DataPlane.AMBIENT, istioInjection: true })).message)
      .toMatch(/istioInjection.*true.*injected with sidecars or in the ambient data plane/s);
    expect(errorOf(() => new ZeroTrustNamespace(chart, 'b', { name: 'b', dataPlane: DataPlane.AMBIENT, labels: { 'istio.io/rev': 'canary' } })).message)
      .toMatch(/labels\["istio.io\/rev"\].*canary/s);
    expect(errorOf(() => new ZeroTrustNamespace(chart, 'c', { name: 'c', labels: { 'istio.io/dataplane-mode': 'ambient' } })).message)
      .toMatch(/dataplane-mode.*set dataPlane: DataPlane.AMBIENT/s);
    expect(errorOf(() => new ZeroTrustNamespace(chart, 'd', { name: 'd', dataPlane: 'ztunnel' as DataPlane })).message)
      .toMatch(/dataPlane.*ztunnel.*DataPlane.SIDECAR/s);
  });

  test('refused in a chart without an MtlsMesh (nothing would admit HBONE 15008)', () => {
    const chart = new Chart(new App(), 'c');
    new ZeroTrustNamespace(chart, 'a', { name: 'a', dataPlane: DataPlane.AMBIENT });
    expect(errorOf(() => synthAndValidate(chart)).message).toMatch(/dataPlane.*ambient.*HBONE on TCP 15008.*new MtlsMesh/s);
  });

  test('kubelet probes, SNAT to 169.254.7.127 in ambient, are admitted on the probe ports only', () => {
    const x = shop();
    const np = new NetpolEvaluator(synthAndValidate(x.chart));
    // readiness on 8081; cdk8s-plus adds a startup probe on the container port (8080)
    expect(np.allowed({ ip: '169.254.7.127' }, pod('pay', x.payment), 'TCP', 8081)).toBe(true);
    expect(np.allowed({ ip: '169.254.7.127' }, pod('pay', x.payment), 'TCP', 8080)).toBe(true);
    expect(np.allowed({ ip: '169.254.7.127' }, pod('pay', x.payment), 'TCP', 9090)).toBe(false);
    expect(np.allowed({ ip: '169.254.7.128' }, pod('pay', x.payment), 'TCP', 8081)).toBe(false);
  });
});

describe('MtlsMesh on ambient: L4 flows', () => {
  test('ambient -> ambient: NetworkPolicies admit HBONE 15008 and the app port from the caller only; ztunnel ALLOW by identity and port', () => {
    const x = shop();
    l4(x, x.frontend);
    const objs = synthAndValidate(x.chart);
    const np = new NetpolEvaluator(objs);
    expect(np.allowed(pod('shop', x.frontend), pod('pay', x.payment), 'TCP', 15008)).toBe(true);
    expect(np.allowed(pod('shop', x.frontend), pod('pay', x.payment), 'TCP', 8080)).toBe(true);
    expect(np.allowed(pod('shop', x.other), pod('pay', x.payment), 'TCP', 15008)).toBe(false);
    const req = { namespace: 'pay', labels: x.payment.matchLabels, port: 8080 };
    expect(isAllowed(objs, { ...req, principal: FRONTEND, sourceNamespace: 'shop' })).toBe(true);
    expect(isAllowed(objs, { ...req, principal: FRONTEND, sourceNamespace: 'shop', port: 9090 })).toBe(false);
    expect(isAllowed(objs, { ...req, principal: 'cluster.local/ns/shop/sa/other', sourceNamespace: 'shop' })).toBe(false);
    // ztunnel enforces L4 only: no policy of the chart carries HTTP fields or a waypoint
    const aps = objs.filter((o) => o.kind === 'AuthorizationPolicy');
    const ops = aps.flatMap((a) => a.spec?.rules ?? []).flatMap((r: any) => r.to ?? []);
    expect(ops.filter((t: any) => t.operation.methods || t.operation.paths)).toEqual([]);
    expect(objs.filter((o) => o.kind === 'Gateway')).toEqual([]);
  });

  test('ambient pods get no flow to istiod (ztunnel fetches their certificates); sidecar namespaces keep theirs', () => {
    const x = shop();
    const np = new NetpolEvaluator(synthAndValidate(x.chart));
    const istiod = { namespace: 'istio-system', labels: { app: 'istiod' } };
    expect(np.allowed(pod('pay', x.payment), istiod, 'TCP', 15012)).toBe(false);
    expect(np.allowed(pod('legacy', x.legacy), istiod, 'TCP', 15012)).toBe(true);
  });

  test('mixed: a sidecar caller reaches an ambient pod over HBONE 15008, authorized by its own identity', () => {
    const x = shop();
    l4(x, x.legacy);
    const objs = synthAndValidate(x.chart);
    const np = new NetpolEvaluator(objs);
    expect(np.allowed(pod('legacy', x.legacy), pod('pay', x.payment), 'TCP', 15008)).toBe(true);
    expect(isAllowed(objs, { namespace: 'pay', labels: x.payment.matchLabels, port: 8080, principal: LEGACY, sourceNamespace: 'legacy' })).toBe(true);
  });

  test('mixed: an ambient caller reaches a sidecar pod over HBONE 15008 (Istio: sidecar receivers admit 15008)', () => {
    const x = shop();
    x.mesh.protectNamespace('legacy');
    x.mesh.allow(Peer.workload(x.frontend), Peer.workload(x.legacy), { ports: [Port.tcp(8080)] });
    const np = new NetpolEvaluator(synthAndValidate(x.chart));
    expect(np.allowed(pod('shop', x.frontend), pod('legacy', x.legacy), 'TCP', 15008)).toBe(true);
    expect(np.allowed(pod('shop', x.other), pod('legacy', x.legacy), 'TCP', 15008)).toBe(false);
  });
});

describe('MtlsMesh on ambient: HTTP rules at the waypoint', () => {
  test('a waypoint Gateway, the Service enrolled, an L7 policy with targetRefs, and ztunnel allowing only the waypoint', () => {
    const x = shop();
    l4(x, x.frontend, { methods: ['POST'], paths: ['/api/pay'] });
    const objs = synthAndValidate(x.chart);
    const gw = objs.find((o) => o.kind === 'Gateway');
    expect(gw.metadata).toMatchObject({ name: 'waypoint', namespace: 'pay' });
    expect(gw.spec).toEqual({ gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] });
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'payment');
    expect(svc.metadata.labels['istio.io/use-waypoint']).toBe('waypoint');
    const l7 = objs.find((o) => o.kind === 'AuthorizationPolicy' && o.spec.targetRefs);
    expect(l7.spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'payment' }]);
    expect(l7.spec.rules).toEqual([{
      from: [{ source: { principals: [FRONTEND] } }],
      to: [{ operation: { methods: ['POST'], paths: ['/api/pay'] } }],
    }]);
    // the destination's ztunnel sees the waypoint's identity: it, and not the caller, is allowed there
    const req = { namespace: 'pay', labels: x.payment.matchLabels, port: 8080 };
    expect(isAllowed(objs.filter((o) => !o.spec?.targetRefs), { ...req, principal: WAYPOINT, sourceNamespace: 'pay' })).toBe(true);
    expect(isAllowed(objs.filter((o) => !o.spec?.targetRefs), { ...req, principal: FRONTEND, sourceNamespace: 'shop' })).toBe(false);
    // HBONE: caller -> waypoint -> destination, and the waypoint to istiod; not the caller straight to the pod
    const np = new NetpolEvaluator(objs);
    expect(np.allowed(pod('shop', x.frontend), waypointPod, 'TCP', 15008)).toBe(true);
    expect(np.allowed(waypointPod, pod('pay', x.payment), 'TCP', 15008)).toBe(true);
    expect(np.allowed(pod('shop', x.frontend), pod('pay', x.payment), 'TCP', 15008)).toBe(false);
    expect(np.allowed(pod('shop', x.other), waypointPod, 'TCP', 15008)).toBe(false);
    expect(np.allowed(waypointPod, { namespace: 'istio-system', labels: { app: 'istiod' } }, 'TCP', 15012)).toBe(true);
  });

  test('an L7 rule with no waypoint to enforce it is a synthesis error, never dropped', () => {
    const off = shop({ waypoint: false });
    l4(off, off.frontend, { methods: ['POST'] });
    expect(errorOf(() => synthAndValidate(off.chart)).message).toMatch(/http.*POST.*no waypoint.*ztunnel enforces L4 only/s);

    const noSvc = shop({ service: false });
    l4(noSvc, noSvc.frontend, { methods: ['POST'] });
    expect(errorOf(() => synthAndValidate(noSvc.chart)).message).toMatch(/http.*a destination selected by a Service.*istio.io\/use-waypoint/s);

    const sidecar = shop();
    l4(sidecar, sidecar.legacy, { methods: ['POST'] });
    expect(errorOf(() => synthAndValidate(sidecar.chart)).message).toMatch(/http.*an ambient caller.*namespace legacy.*never passes the waypoint/s);
  });

  test('protectNamespace refuses a second, different data plane for a namespace', () => {
    const x = shop();
    x.mesh.protectNamespace('ext', { dataPlane: DataPlane.AMBIENT });
    expect(errorOf(() => x.mesh.protectNamespace('ext', { dataPlane: DataPlane.SIDECAR })).message).toMatch(/options.dataPlane.*sidecar.*ambient/s);
    expect(x.mesh.ambientNamespaces).toEqual(['ext', 'pay', 'shop']);
    expect(x.mesh.meshedNamespaces).toEqual(['legacy']);
  });
});

describe('MtlsMesh.excludeWorkload: istio.io/dataplane-mode: none in an ambient namespace', () => {
  const batchOf = (x: ReturnType<typeof shop>) => new kplus.Deployment(x.chart, 'batch', {
    metadata: { namespace: 'pay' },
    serviceAccount: new kplus.ServiceAccount(x.chart, 'batch-sa', { metadata: { name: 'batch', namespace: 'pay' } }),
    containers: [{ image: 'batch', portNumber: 9000 }],
  });

  test('the pod is labelled none; flows to it carry the app port only (no HBONE), get no ALLOW rule; the analyzer sees plaintext', () => {
    const x = shop();
    const batch = batchOf(x);
    x.mesh.excludeWorkload(batch);
    x.mesh.allow(Peer.workload(x.frontend), Peer.workload(batch), { ports: [Port.tcp(9000)] });
    l4(x, x.frontend);
    const objs = synthAndValidate(x.chart);
    const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === batch.name);
    expect(dep.spec.template.metadata.labels['istio.io/dataplane-mode']).toBe('none');
    const np = new NetpolEvaluator(objs);
    expect(np.allowed(pod('shop', x.frontend), pod('pay', batch), 'TCP', 9000)).toBe(true);
    expect(np.allowed(pod('shop', x.frontend), pod('pay', batch), 'TCP', 15008)).toBe(false);
    // the ambient payment keeps its HBONE
    expect(np.allowed(pod('shop', x.frontend), pod('pay', x.payment), 'TCP', 15008)).toBe(true);
    const policies = objs.filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata.namespace === 'pay').map((o) => o.metadata.name).sort();
    expect(policies.some((n) => n.includes('batch'))).toBe(false);
    const a = ReachabilityAnalyzer.fromObjects(objs);
    const from = `shop/${x.frontend.name}[Deployment]`;
    expect(a.isAllowed(from, `pay/${batch.name}[Deployment]`, '9000')).toBe(true);
    expect(a.explain(from, `pay/${batch.name}[Deployment]`).reasons.join('\n')).not.toMatch(/HBONE/);
    expect(a.isAllowed(from, `pay/${x.payment.name}[Deployment]`, '8080')).toBe(true);
  });

  test('refused: a flow from it to a meshed pod (no identity, plaintext), an HTTP rule to it, an opt-out outside ambient', () => {
    const x = shop();
    const batch = batchOf(x);
    x.mesh.excludeWorkload(batch);
    x.mesh.allow(Peer.workload(batch), Peer.workload(x.payment), { ports: [Port.tcp(8080)] });
    expect(errorOf(() => synthAndValidate(x.chart)).message)
      .toMatch(/flows\[batch -> payment\].*opted out of ambient.*plaintext with no mesh identity.*STRICT mTLS of pay/s);
    const y = shop();
    const b2 = batchOf(y);
    y.mesh.excludeWorkload(b2);
    y.mesh.allow(Peer.workload(y.frontend), Peer.workload(b2), { ports: [Port.tcp(9000)], http: { methods: ['GET'] } });
    expect(errorOf(() => synthAndValidate(y.chart)).message).toMatch(/flows\[frontend -> batch\].http.*GET.*neither ztunnel nor a waypoint enforces/s);
    const z = shop();
    z.mesh.excludeWorkload(z.legacy);
    expect(errorOf(() => synthAndValidate(z.chart)).message).toMatch(/excludeWorkload.*legacy.*not ambient/s);
    expect(errorOf(() => z.mesh.excludeWorkload('batch' as any)).message).toMatch(/workload.*AbstractPod/s);
  });
});

describe('waypoint pods vs the chart\'s Pod Security, guardrails and quota', () => {
  test('the waypoint istiod deploys passes restricted, the guardrails and the default quota', () => {
    const x = shop({ guardrails: true });
    l4(x, x.frontend, { methods: ['POST'] });
    const objs = synthAndValidate(x.chart);
    expect(objs.find((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio-waypoint')?.metadata.namespace).toBe('pay');
  });

  test('a quota too small for the waypoint (limits 2 CPUs) is a synthesis error naming the quota key', () => {
    // payment: 2 replicas with cdk8s-plus's default limit of 1500m each fit in 4 CPUs; the waypoint's 2 CPUs do not
    const x = shop({ payQuota: { limitsCpu: '4' } });
    l4(x, x.frontend, { methods: ['POST'] });
    const e = errorOf(() => synthAndValidate(x.chart));
    expect(e.field).toBe('namespace');
    expect(e.message).toMatch(/Gateway waypoint.*ResourceQuota pay\/default-quota limits.cpu: 5000m needed.*4 allowed.*raise the ZeroTrustNamespace quota/s);
    // the same declarations without an L7 rule: no waypoint, the quota fits
    const y = shop({ payQuota: { limitsCpu: '4' } });
    l4(y, y.frontend);
    expect(() => synthAndValidate(y.chart)).not.toThrow();
    const pods = shop({ payQuota: { pods: '2' } });
    l4(pods, pods.frontend, { methods: ['POST'] });
    expect(errorOf(() => synthAndValidate(pods.chart)).message).toMatch(/ResourceQuota pay\/default-quota pods: 3 needed.*2 allowed/);
  });

  test('a waypoint without the RuntimeDefault seccomp profile: Pod Security restricted and the guardrails refuse it', () => {
    const x = shop({ guardrails: true });
    // istiod installed elsewhere without values.gateways.seccompProfile (internal registry: what MtlsMesh records)
    addIstioGateway(x.chart, { path: 'c/mesh', name: 'waypoint-2', namespace: 'pay', className: 'istio-waypoint', seccompClaimed: false });
    const e = errorOf(() => synthAndValidate(x.chart));
    expect(e.message).toMatch(/Deployment waypoint-2.*seccompProfile/s);
  });
});

describe('MeshCluster dataPlane: AMBIENT', () => {
  const install = (chart: Chart, dataPlane?: DataPlane, istioCni?: boolean, gatewaySourceRanges?: string[]) => new MeshCluster(chart, 'istio', {
    mesh: new IstioMultiCluster({ meshId: 'shop' }),
    clusterName: 'asia',
    network: 'net-asia',
    caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'),
    dataPlane,
    istioCni,
    gatewaySourceRanges,
  });
  const REMOTE = ['172.18.0.3/32', '172.18.0.4/32'];
  const EW = 'istio-system/istio-eastwestgateway[Deployment]';

  test('multi-network: allowFromEastWestGateway creates the istio-east-west Gateway (double HBONE 15008), its Service options, its NetworkPolicy; the Service is global', () => {
    const x = shop();
    const cluster = install(x.chart, DataPlane.AMBIENT, undefined, REMOTE);
    l4(x, x.frontend);
    cluster.allowFromEastWestGateway(Peer.workload(x.payment), { ports: [Port.tcp(8080)] });
    const objs = synthAndValidate(x.chart);
    const gw = objs.find((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio-east-west');
    expect(gw.metadata).toMatchObject({ name: 'istio-eastwestgateway', namespace: 'istio-system', labels: { 'topology.istio.io/network': 'net-asia' } });
    expect(gw.spec.listeners).toEqual([{
      name: 'mesh', port: 15008, protocol: 'HBONE', tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } },
    }]);
    // the generated LoadBalancer Service: remote ranges only, client address kept for the NetworkPolicy
    const options = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === gw.spec.infrastructure.parametersRef.name);
    expect(options.metadata.namespace).toBe('istio-system');
    expect(jsyaml.load(options.data.service)).toEqual({ spec: { externalTrafficPolicy: 'Local', loadBalancerSourceRanges: REMOTE } });
    const np = new NetpolEvaluator(objs);
    const ewPod = { namespace: 'istio-system', labels: { 'gateway.networking.k8s.io/gateway-name': 'istio-eastwestgateway' } };
    expect(np.allowed({ ip: '172.18.0.3' }, ewPod, 'TCP', 15008)).toBe(true);
    expect(np.allowed({ ip: '172.18.0.9' }, ewPod, 'TCP', 15008)).toBe(false);
    expect(np.allowed({ ip: '172.18.0.3' }, ewPod, 'TCP', 15443)).toBe(false);
    // the gateway reaches the destination over HBONE; only the destination's Service is global
    expect(np.allowed(ewPod, pod('pay', x.payment), 'TCP', 15008)).toBe(true);
    expect(np.allowed(ewPod, pod('shop', x.frontend), 'TCP', 15008)).toBe(false);
    expect(objs.filter((o) => o.kind === 'Service' && o.metadata.labels?.['istio.io/global'] === 'true').map((o) => o.metadata.name)).toEqual(['payment']);
    // the analyzer: the remote callers' identities (double HBONE is end to end) decide, not the gateway's
    const a = ReachabilityAnalyzer.fromObjects(objs);
    const payment = `pay/${x.payment.name}[Deployment]`;
    expect(a.isAllowed(EW, payment, '8080')).toBe(true);
    expect(a.explain(EW, payment).reasons.join('\n')).toMatch(/double HBONE forwards remote callers' mTLS end to end/);
    expect(a.connections().find((c) => c.src === EW && c.dst === payment)?.l7.join(' ')).toContain(`passthrough: ${FRONTEND}`);
    expect(a.isAllowed(EW, `shop/${x.frontend.name}[Deployment]`, '8080')).toBe(false);
  });

  test('multi-network: refused with hosts, for a destination that is not ambient or has no Service; held back in AUDIT', () => {
    const x = shop();
    const cluster = install(x.chart, DataPlane.AMBIENT, undefined, REMOTE);
    expect(errorOf(() => cluster.allowFromEastWestGateway(Peer.workload(x.payment), { ports: [Port.tcp(8080)], hosts: ['payment.pay.svc.cluster.local'] })).message)
      .toMatch(/options.hosts.*payment.pay.svc.cluster.local.*unset on an ambient cluster.*istio.io\/global/s);
    cluster.allowFromEastWestGateway(Peer.workload(x.legacy), { ports: [Port.tcp(8080)] });
    expect(errorOf(() => synthAndValidate(x.chart)).message).toMatch(/allowFromEastWestGateway.to.*legacy.*ambient namespace.*not labelled istio.io\/dataplane-mode: ambient/s);
    const y = shop({ service: false });
    install(y.chart, DataPlane.AMBIENT, undefined, REMOTE).allowFromEastWestGateway(Peer.workload(y.payment), { ports: [Port.tcp(8080)] });
    expect(errorOf(() => synthAndValidate(y.chart)).message).toMatch(/allowFromEastWestGateway.to.*pay.*selected by a Service of this chart.*istio.io\/global/s);
    const z = shop();
    Enforcement.set(z.chart, EnforcementMode.AUDIT);
    install(z.chart, DataPlane.AMBIENT, undefined, REMOTE).allowFromEastWestGateway(Peer.workload(z.payment), { ports: [Port.tcp(8080)] });
    const objs = synthAndValidate(z.chart);
    expect(objs.filter((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio-east-west')).toEqual([]);
    expect(Enforcement.heldBack(z.chart).find((h) => h.kind === 'Gateway')?.name).toBe('istio-eastwestgateway');
  });

  test('IstioOperator: profile ambient, CNI and ztunnel in the root namespace, RuntimeDefault seccomp for waypoints, multi-network ambient; no classic east-west gateway', () => {
    const x = shop();
    const cluster = install(x.chart, DataPlane.AMBIENT);
    l4(x, x.frontend, { methods: ['POST'] });
    const objs = synthAndValidate(x.chart);
    const iop = cluster.istioOperator();
    expectValid([iop]);
    expect(iop.spec.profile).toBe('ambient');
    expect(iop.spec.components.cni).toEqual({ enabled: true, namespace: 'istio-system' });
    expect(iop.spec.components.ztunnel).toEqual({ enabled: true, namespace: 'istio-system' });
    expect(iop.spec.components.pilot.k8s.env).toContainEqual({ name: 'AMBIENT_ENABLE_MULTI_NETWORK', value: 'true' });
    expect(iop.spec.components.ingressGateways).toBeUndefined();
    expect(iop.spec.values.gateways.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(iop.spec.values.global.network).toBe('net-asia');
    // ztunnel and the CNI agent are privileged DaemonSets in the root namespace
    const root = objs.find((o) => o.kind === 'Namespace' && o.metadata.name === 'istio-system');
    expect(root.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    // no cross-network flow: no east-west gateway
    expect(objs.filter((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio-east-west')).toEqual([]);
  });

  test('the sidecar install keeps its IstioOperator (no profile, classic east-west gateway)', () => {
    const chart = new Chart(new App(), 'c');
    const iop = install(chart).istioOperator();
    expect(iop.spec.profile).toBeUndefined();
    expect(iop.spec.components.ztunnel).toBeUndefined();
    expect(iop.spec.components.ingressGateways[0].name).toBe('istio-eastwestgateway');
  });

  test('ambient without ztunnel or without CNI is refused', () => {
    const sidecarInstall = shop();
    install(sidecarInstall.chart);
    expect(errorOf(() => synthAndValidate(sidecarInstall.chart)).message).toMatch(/dataPlane.*ambient.*installs the sidecar data plane only \(no ztunnel\)/s);
    expect(errorOf(() => install(new Chart(new App(), 'c'), DataPlane.AMBIENT, false)).message).toMatch(/istioCni.*false.*CNI node agent/s);
  });
});
