/**
 * What the mesh makes of the chart, checked at synthesis: a mesh-wide UNSET mode, an MtlsMesh that
 * disagrees with the chart's MeshCluster, an L7 rule nothing enforces, AuthorizationPolicies
 * without sidecars, and a caller outside the mesh into a STRICT sidecar.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Flows, IngressBackend, IngressCertificate, IstioMultiCluster, MeshChecks, MeshCluster, MtlsMesh, MtlsMode, Peer, Port,
  SecureIngress, ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

function app(opts: { injectApi?: boolean; protect?: boolean } = {}) {
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'web-ns', { name: 'web', istioInjection: true });
  new ZeroTrustNamespace(chart, 'api-ns', { name: 'api', istioInjection: opts.injectApi ?? true });
  const workload = (name: string, port: number) => new kplus.Deployment(chart, name, {
    metadata: { name, namespace: name },
    serviceAccount: new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name, namespace: name }, automountToken: false }),
    containers: [{ image: `${name}:1`, portNumber: port, securityContext: { user: 1000 } }],
  });
  const web = workload('web', 8080);
  const api = workload('api', 9090);
  const mesh = new MtlsMesh(chart, 'mesh');
  if (opts.protect ?? true) mesh.protectNamespace('api');
  return { chart, mesh, web, api };
}

const synthError = (chart: Chart): string => {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

describe('MtlsMesh checks at synthesis', () => {
  test('a mesh-wide UNSET mode is refused (it is PERMISSIVE)', () => {
    expect(() => new MtlsMesh(Testing.chart(), 'mesh', { mode: MtlsMode.UNSET }))
      .toThrow(/test\/mesh: invalid mode "UNSET": expected STRICT, PERMISSIVE or DISABLE: a mesh-wide UNSET .* PERMISSIVE/);
  });

  test('trust domain and root namespace must be those of the chart\'s MeshCluster', () => {
    const build = (props: { trustDomain?: string; rootNamespace?: string }) => {
      const chart = new Chart(new App(), 'c');
      const istio = new IstioMultiCluster({ meshId: 'm', trustDomain: 'shop.example.com' });
      new MeshCluster(chart, 'istio', { mesh: istio, clusterName: 'c', network: 'n', caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'), createNamespace: false });
      new MtlsMesh(chart, 'mesh', props);
      return chart;
    };
    const td = synthError(build({}));
    expect(td).toContain('c/mesh: invalid trustDomain "cluster.local": expected the trust domain of the chart\'s MeshCluster c/istio ("shop.example.com")');
    expect(synthError(build({ trustDomain: 'shop.example.com', rootNamespace: 'mesh-root' })))
      .toContain('c/mesh: invalid rootNamespace "mesh-root": expected the root namespace of the chart\'s MeshCluster c/istio ("istio-system")');
    expect(() => synthAndValidate(build({ trustDomain: 'shop.example.com' }))).not.toThrow();
  });

  test('an HTTP rule into a namespace the mesh does not protect fails, naming the flow and the fix', () => {
    const { chart, mesh, web, api } = app({ protect: false });
    mesh.allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(9090)], http: { methods: ['GET'] }, description: 'web reads' });
    expect(synthError(chart)).toMatch(/invalid flows\[web -> api \(TCP\/9090\) "web reads"\] "http rule into namespace api \(not protected by the mesh\)".*Fix: mesh\.protectNamespace\('api'\)/);
    // protected: enforced by the sidecar's AuthorizationPolicy
    const ok = app();
    ok.mesh.allow(Peer.workload(ok.web), Peer.workload(ok.api), { ports: [Port.tcp(9090)], http: { methods: ['GET'] } });
    const objs = synthAndValidate(ok.chart);
    expect(objs.some((o) => o.kind === 'AuthorizationPolicy' && o.metadata.namespace === 'api' && JSON.stringify(o.spec).includes('"GET"'))).toBe(true);
  });

  test('a protected namespace without sidecars fails: nothing enforces its AuthorizationPolicies', () => {
    const { chart, mesh, web, api } = app({ injectApi: false });
    mesh.allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(9090)] });
    expect(synthError(chart)).toMatch(/"AuthorizationPolicy in namespace api \(no sidecars\)".*Fix: istioInjection: true on ZeroTrustNamespace api/);
  });

  test('a caller outside the mesh into a STRICT sidecar fails with the fix; a PERMISSIVE port for it passes', () => {
    const build = (permissive: boolean) => {
      const { chart, mesh, web } = app({ protect: false });
      new kplus.Namespace(chart, 'ingress-ns', { metadata: { name: 'ingress-nginx' } });
      const controller = Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, { namespace: 'ingress-nginx', name: 'controller' });
      Flows.of(chart).allow(controller, Peer.workload(web), { ports: [Port.tcp(8080)] });
      if (permissive) mesh.workloadMtls(web, { portModes: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] });
      return chart;
    };
    expect(synthError(build(false))).toMatch(
      /invalid flows\[controller -> web \(TCP\/8080\)\] "caller controller outside the mesh".*STRICT mTLS.*blocking layer: Istio PeerAuthentication\). Fix: put the caller in the mesh.*MtlsMode\.PERMISSIVE/);
    expect(() => synthAndValidate(build(true))).not.toThrow();
  });

  test('README scenario: SecureIngress into a meshed workload under mesh-wide STRICT is refused with the fix, not a dead frontend', () => {
    const build = (permissive: boolean) => {
      const { chart, mesh, web } = app({ protect: false });
      const service = new kplus.Service(chart, 'web-service', { metadata: { name: 'web-service', namespace: 'web' }, selector: web, ports: [{ port: 80, targetPort: 8080 }] });
      new SecureIngress(chart, 'ingress', {
        name: 'web',
        rules: [{ host: 'web.example.com', backend: IngressBackend.fromService(service) }],
        certificate: IngressCertificate.fromSecret('web-tls'),
      });
      if (permissive) mesh.workloadMtls(web, { portModes: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] });
      return chart;
    };
    // the ingress controller (namespace ingress-nginx, not known to have sidecars) cannot speak mTLS to the frontend's sidecar
    expect(synthError(build(false))).toMatch(/invalid flows\[controller -> web.*\(TCP\/8080\) "ingress web\/web via nginx"\] "caller controller outside the mesh".*PERMISSIVE/);
    expect(() => synthAndValidate(build(true))).not.toThrow();
  });

  test('MeshChecks.optOut turns the flow checks off for one chart, with a reason', () => {
    const { chart, mesh, web, api } = app({ protect: false });
    mesh.allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(9090)], http: { methods: ['GET'] } });
    expect(() => MeshChecks.optOut(chart, ' ')).toThrow(/MeshChecks.optOut: invalid reason " "/);
    MeshChecks.optOut(chart, 'an egress gateway enforces the methods');
    expect(MeshChecks.optOutReason(chart)).toBe('an egress gateway enforces the methods');
    expect(() => synthAndValidate(chart)).not.toThrow();
  });
});
