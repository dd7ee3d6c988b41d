import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DataPlane, MtlsMesh, Peer, Port, ReachabilityAnalyzer, ZeroTrustNamespace } from '../../src';
import { validateManifests } from '../util';

const ns = (name: string, labels: { [k: string]: string } = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };
const deploy = (namespace: string, name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name: 'c', image: name, ports: [{ containerPort: 8080 }] }] } },
  },
});
const ingressTo = (ports: number[]) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'server', namespace: 'b' },
  spec: {
    podSelector: { matchLabels: { app: 'server' } },
    policyTypes: ['Ingress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, podSelector: { matchLabels: { app: 'client' } } }],
      ports: ports.map((port) => ({ protocol: 'TCP', port })),
    }],
  },
});
const base = (bLabels = AMBIENT) => [ns('a', AMBIENT), ns('b', bLabels), deploy('a', 'client'), deploy('a', 'other'), deploy('b', 'server')];
const CLIENT = 'a/client[Deployment]';
const SERVER = 'b/server[Deployment]';

describe('analyzer: Istio ambient', () => {
  test('ambient -> ambient travels as HBONE: NetworkPolicy must admit 15008, the application port alone carries nothing', () => {
    // Istio is active (a PeerAuthentication): the pair is HBONE
    const active = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };
    expect(ReachabilityAnalyzer.fromObjects([...base(), ingressTo([8080]), active]).isAllowed(CLIENT, SERVER, '8080')).toBe(false);
    const hbone = ReachabilityAnalyzer.fromObjects([...base(), ingressTo([15008]), active]);
    expect(hbone.isAllowed(CLIENT, SERVER, '8080')).toBe(true);
    expect(hbone.explain(CLIENT, SERVER).reasons.join('\n')).toMatch(/HBONE: NetworkPolicy must admit TCP 15008.*it does/);
    // the same policy between two sidecar namespaces: the application port is what counts
    const sidecars = ReachabilityAnalyzer.fromObjects([ns('a', { 'istio-injection': 'enabled' }), ns('b', { 'istio-injection': 'enabled' }),
      deploy('a', 'client'), deploy('b', 'server'), ingressTo([8080]), active]);
    expect(sidecars.isAllowed(CLIENT, SERVER, '8080')).toBe(true);
  });

  test('through a waypoint: the targetRefs policy decides with the caller identity and L7, ztunnel sees the waypoint', () => {
    const waypoint = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'b' },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    };
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'server', namespace: 'b', labels: { 'istio.io/use-waypoint': 'waypoint' } },
      spec: { selector: { app: 'server' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const l7 = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'server-l7', namespace: 'b' },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: 'server' }],
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/client'] } }], to: [{ operation: { methods: ['GET'] } }] }],
      },
    };
    const ztunnel = (principal: string) => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'server-l4', namespace: 'b' },
      spec: { selector: { matchLabels: { app: 'server' } }, rules: [{ from: [{ source: { principals: [principal] } }], to: [{ operation: { ports: ['8080'] } }] }] },
    });
    const objs = [...base(), waypoint, svc, l7];
    const ok = ReachabilityAnalyzer.fromObjects([...objs, ztunnel('cluster.local/ns/b/sa/waypoint')]);
    expect(ok.isAllowed(CLIENT, SERVER, '8080')).toBe(true);
    expect(ok.connections().find((c) => c.src === CLIENT && c.dst === SERVER)!.l7.join(' ')).toMatch(/GET/);
    expect(ok.isAllowed('a/other[Deployment]', SERVER, '8080')).toBe(false);
    expect(ok.isAllowed(CLIENT, SERVER, '9090')).toBe(false);
    // a ztunnel policy that admits the caller but not the waypoint: the waypoint's hop is refused
    const callerOnly = ReachabilityAnalyzer.fromObjects([...objs, ztunnel('cluster.local/ns/a/sa/client')]);
    expect(callerOnly.isAllowed(CLIENT, SERVER, '8080')).toBe(false);
    expect(callerOnly.explain(CLIENT, SERVER).reasons.join('\n')).toMatch(/waypoint b\/waypoint/);
  });

  test('a pod labelled istio.io/dataplane-mode: none in an ambient namespace is plaintext: the application port counts, its selector policies are not enforced', () => {
    const optedOut = deploy('b', 'server');
    optedOut.spec.template.metadata.labels = { 'app': 'server', 'istio.io/dataplane-mode': 'none' } as any;
    const denyAll = {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'b' }, spec: {},
    };
    const objs = [ns('a', AMBIENT), ns('b', AMBIENT), deploy('a', 'client'), optedOut, denyAll];
    const app = ReachabilityAnalyzer.fromObjects([...objs, ingressTo([8080])]);
    expect(app.isAllowed(CLIENT, SERVER, '8080')).toBe(true);
    expect(app.explain(CLIENT, SERVER).reasons.join('\n')).not.toMatch(/HBONE/);
    expect(ReachabilityAnalyzer.fromObjects([...objs, ingressTo([15008])]).isAllowed(CLIENT, SERVER, '8080')).toBe(false);
  });

  test('kubelet probes of ambient pods come from 169.254.7.127: ztunnel passes them, STRICT mTLS does not apply, the NetworkPolicy decides', () => {
    const strict = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };
    const probes = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kubelet', namespace: 'b' },
      spec: { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
    };
    const a = ReachabilityAnalyzer.fromObjects([...base(), strict, probes]);
    expect(a.isAllowed('169.254.7.127', SERVER, '8080')).toBe(true);
    expect(a.isAllowed('169.254.7.127', SERVER, '9090')).toBe(false);
    expect(a.explain('169.254.7.127', SERVER).reasons.join('\n')).toMatch(/kubelet's health probes.*NetworkPolicies decide/);
    // the same address into a sidecar pod: STRICT refuses the plaintext (the kubelet's probes there are rewritten by the sidecar, not modelled)
    const sidecar = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), ns('b', { 'istio-injection': 'enabled' }), deploy('a', 'client'), deploy('b', 'server'), strict, probes]);
    expect(sidecar.isAllowed('169.254.7.127', SERVER, '8080')).toBe(false);
  });

  test('169.254.7.127 is judged as the kubelet\'s probe address inside a wider ipBlock (169.254.0.0/16) or one whose except leaves a range around it', () => {
    const strict = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };
    const from = (ipBlock: any) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'link-local', namespace: 'b' },
      spec: { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
    });
    const wide = ReachabilityAnalyzer.fromObjects([...base(), strict, from({ cidr: '169.254.0.0/16' })]);
    // the probe passes ztunnel unencrypted; the rest of the block is plaintext from outside, refused by STRICT
    expect(wide.isAllowed('169.254.7.127', SERVER, '8080')).toBe(true);
    expect(wide.explain('169.254.7.127', SERVER).reasons.join('\n')).toMatch(/kubelet's health probes.*NetworkPolicies decide/);
    expect(wide.isAllowed('169.254.7.126', SERVER, '8080')).toBe(false);
    expect(wide.isAllowed('169.254.7.128', SERVER, '8080')).toBe(false);
    expect(wide.connections().filter((c) => c.dst === SERVER).map((c) => `${c.src} ${c.conns}`)).toEqual(['169.254.7.127-169.254.7.127[External] TCP 8080']);
    // an except around it (not exactly it): the NetworkPolicy excludes the address, the explanation says so (not STRICT mTLS)
    const except = ReachabilityAnalyzer.fromObjects([...base(), strict, from({ cidr: '169.254.0.0/16', except: ['169.254.7.0/24'] })]);
    expect(except.isAllowed('169.254.7.127', SERVER, '8080')).toBe(false);
    expect(except.explain('169.254.7.127', SERVER).reasons.join('\n')).toMatch(/kubelet's health probes/);
    expect(wide.isAllowed('169.254.7.127', SERVER, '9090')).toBe(false);
    // no ipBlock around the address (or only of policies selecting no ambient pod): the external atoms are as before
    const atoms = (a: ReachabilityAnalyzer) => [...new Set(a.connections().map((c) => c.src).filter((n) => n.endsWith('[External]')))];
    const ingressFrom = (cidr: string) => ({ ...from({ cidr }), spec: { ...from({ cidr }).spec, podSelector: {} } });
    expect(atoms(ReachabilityAnalyzer.fromObjects([...base(), ingressFrom('0.0.0.0/0')]))).toEqual(['0.0.0.0-255.255.255.255[External]']);
    expect(atoms(ReachabilityAnalyzer.fromObjects([...base({} as typeof AMBIENT), strict, ingressFrom('0.0.0.0/0')]))).toEqual(['0.0.0.0-255.255.255.255[External]']);
  });

  test('an Istio ingress gateway goes through the waypoint only with istio.io/ingress-use-waypoint', () => {
    const gw = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'edge', namespace: 'a' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    const waypoint = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'b' },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    };
    const svc = (ingress: boolean) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'server', namespace: 'b', labels: { 'istio.io/use-waypoint': 'waypoint', ...(ingress ? { 'istio.io/ingress-use-waypoint': 'true' } : {}) } },
      spec: { selector: { app: 'server' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const l7 = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'server-l7', namespace: 'b' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'server' }], rules: [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/edge-istio'] } }], to: [{ operation: { methods: ['GET'] } }] }] },
    };
    const l4 = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'server-l4', namespace: 'b' },
      spec: { selector: { matchLabels: { app: 'server' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/b/sa/waypoint'] } }] }] },
    };
    const EDGE = 'a/edge-istio[Deployment]';
    const via = ReachabilityAnalyzer.fromObjects([...base(), gw, waypoint, svc(true), l7, l4]);
    expect(via.isAllowed(EDGE, SERVER, '8080')).toBe(true);
    expect(via.explain(EDGE, SERVER).reasons.join('\n')).toMatch(/waypoint b\/waypoint/);
    expect(via.connections().find((c) => c.src === EDGE && c.dst === SERVER)!.l7.join(' ')).toMatch(/GET/);
    // without the label the gateway goes straight to the pod: ztunnel sees the gateway's identity, which only the waypoint may use
    const direct = ReachabilityAnalyzer.fromObjects([...base(), gw, waypoint, svc(false), l7, l4]);
    expect(direct.isAllowed(EDGE, SERVER, '8080')).toBe(false);
  });

  test('ambient east-west gateway (class istio-east-west): 15008 on the NetworkPolicy, routes only to istio.io/global Services, remote identities decide', () => {
    const ew = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'istio-eastwestgateway', namespace: 'istio-system', labels: { 'topology.istio.io/network': 'net1' } },
      spec: { gatewayClassName: 'istio-east-west', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    };
    const svc = (global: boolean) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'server', namespace: 'b', labels: global ? { 'istio.io/global': 'true' } : {} },
      spec: { selector: { app: 'server' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const fromEw = (port: number) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'from-ew', namespace: 'b' },
      spec: {
        podSelector: { matchLabels: { app: 'server' } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'istio-eastwestgateway' } } }],
          ports: [{ protocol: 'TCP', port }],
        }],
      },
    });
    const authz = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'server', namespace: 'b' },
      spec: { selector: { matchLabels: { app: 'server' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/client'] } }], to: [{ operation: { ports: ['8080'] } }] }] },
    };
    const EW = 'istio-system/istio-eastwestgateway[Deployment]';
    const objs = [...base(), ns('istio-system'), ew, authz];
    const ok = ReachabilityAnalyzer.fromObjects([...objs, svc(true), fromEw(15008)]);
    expect(ok.isAllowed(EW, SERVER, '8080')).toBe(true);
    expect(ok.isAllowed(EW, SERVER, '9090')).toBe(false);
    expect(ok.connections().find((c) => c.src === EW && c.dst === SERVER)!.l7.join(' ')).toContain('passthrough: cluster.local/ns/a/sa/client');
    // the application port alone carries nothing (HBONE), and a Service that is not global is never routed to
    expect(ReachabilityAnalyzer.fromObjects([...objs, svc(true), fromEw(8080)]).isAllowed(EW, SERVER, '8080')).toBe(false);
    const local = ReachabilityAnalyzer.fromObjects([...objs, svc(false), fromEw(15008)]);
    expect(local.isAllowed(EW, SERVER, '8080')).toBe(false);
    expect(local.explain(EW, SERVER).reasons.join('\n')).toMatch(/no Service selecting b\/server.* is labelled istio.io\/global: "true" \(server\)/);
  });

  test('the same declarations allow the same flows in the sidecar and the ambient data plane (library output)', () => {
    const build = (dataPlane: DataPlane) => {
      const chart = new Chart(new App(), 'c');
      const side = dataPlane === DataPlane.SIDECAR;
      // pay's two Deployments request 4 CPUs (cdk8s-plus defaults): the waypoint needs room in the quota too
      for (const n of ['shop', 'pay']) new ZeroTrustNamespace(chart, n, { name: n, dataPlane, istioInjection: side, quota: { requestsCpu: '8' } });
      const sa = (n: string, name: string) => new kplus.ServiceAccount(chart, `${n}-${name}`, { metadata: { name, namespace: n } });
      const dep = (n: string, name: string) => new kplus.Deployment(chart, name, {
        metadata: { namespace: n, name }, serviceAccount: sa(n, name), containers: [{ image: name, portNumber: 8080 }],
      });
      const frontend = dep('shop', 'frontend');
      const other = dep('shop', 'other');
      const payment = dep('pay', 'payment');
      const ledger = dep('pay', 'ledger');
      payment.exposeViaService({ name: 'payment', ports: [{ port: 80, targetPort: 8080 }] });
      ledger.exposeViaService({ name: 'ledger', ports: [{ port: 80, targetPort: 8080 }] });
      const mesh = new MtlsMesh(chart, 'mesh');
      mesh.protectNamespace('pay');
      mesh.protectNamespace('shop');
      mesh.allow(Peer.workload(frontend), Peer.workload(payment), { ports: [Port.tcp(8080)], http: { methods: ['POST'], paths: ['/pay'] } });
      mesh.allow(Peer.workload(payment), Peer.workload(ledger), { ports: [Port.tcp(8080)] });
      expect(other).toBeDefined();
      const objs = Testing.synth(chart);
      validateManifests(objs);
      return ReachabilityAnalyzer.fromObjects(objs);
    };
    const sidecar = build(DataPlane.SIDECAR);
    const ambient = build(DataPlane.AMBIENT);
    const apps = (a: ReachabilityAnalyzer) => a.connections()
      .filter((c) => /^(shop|pay)\/(frontend|other|payment|ledger)\[/.test(c.src) && /^(shop|pay)\/(frontend|other|payment|ledger)\[/.test(c.dst))
      .map((c) => `${c.src} -> ${c.dst}: ${c.l7.length > 0 ? 'L7' : 'L4'}`).sort();
    expect(apps(ambient)).toEqual(apps(sidecar));
    expect(apps(ambient)).toEqual([
      'pay/payment[Deployment] -> pay/ledger[Deployment]: L4',
      'shop/frontend[Deployment] -> pay/payment[Deployment]: L7',
    ]);
    for (const a of [sidecar, ambient]) {
      expect(a.isAllowed('shop/frontend[Deployment]', 'pay/payment[Deployment]', '8080')).toBe(true);
      expect(a.isAllowed('shop/other[Deployment]', 'pay/payment[Deployment]', '8080')).toBe(false);
      expect(a.isAllowed('shop/frontend[Deployment]', 'pay/ledger[Deployment]', '8080')).toBe(false);
    }
  });
});
