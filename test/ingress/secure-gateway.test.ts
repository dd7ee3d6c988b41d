import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AdmissionGuardrails, CertIssuer, GatewayCertificate, GatewayImplementation, GatewayPathMatch, IngressBackend, IstioMultiCluster, MeshCluster,
  MtlsMesh, PodSecurityLevel, ReachabilityAnalyzer, ReachabilityAssertions, SecureGateway, SecureGatewayProps, ValidationError, ZeroTrustNamespace,
} from '../../src';
import { isAllowed } from '../mesh/authz-eval';
import { errorOf, synthAndValidate } from '../util';

const GW_LABEL = 'gateway.networking.k8s.io/gateway-name';
const GW_PRINCIPAL = 'cluster.local/ns/edge/sa/shop-istio';

/** Backends in ZeroTrustNamespace `shop` (sidecars): web 8080 behind Service web 80, api 9090 behind Service api 80. */
function shop(chart = Testing.chart()) {
  new ZeroTrustNamespace(chart, 'ns-shop', { name: 'shop', istioInjection: true });
  const sa = (name: string) => new kplus.ServiceAccount(chart, `sa-${name}`, { metadata: { name, namespace: 'shop' } });
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web', namespace: 'shop' }, serviceAccount: sa('web'), containers: [{ image: 'web:1', portNumber: 8080 }],
  });
  const api = new kplus.Deployment(chart, 'api', {
    metadata: { name: 'api', namespace: 'shop' }, serviceAccount: sa('api'), containers: [{ image: 'api:1', portNumber: 9090 }],
  });
  const webSvc = new kplus.Service(chart, 'web-svc', { metadata: { name: 'web', namespace: 'shop' }, selector: web, ports: [{ port: 80, targetPort: 8080 }] });
  const apiSvc = new kplus.Service(chart, 'api-svc', { metadata: { name: 'api', namespace: 'shop' }, selector: api, ports: [{ port: 80, targetPort: 9090 }] });
  return { chart, web, api, webSvc, apiSvc };
}

/** The shop behind an Istio Gateway `shop` in ZeroTrustNamespace `edge`, the backends mesh-protected. */
function istioShop(extra: Partial<SecureGatewayProps> = {}) {
  const s = shop();
  new ZeroTrustNamespace(s.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true, podSecurity: PodSecurityLevel.BASELINE });
  new MtlsMesh(s.chart, 'mesh').protectNamespace('shop');
  const gw = new SecureGateway(s.chart, 'gw', {
    name: 'shop',
    namespace: 'edge',
    routes: [
      { host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) },
      { host: 'shop.example.com', path: '/api', backend: IngressBackend.fromService(s.apiSvc) },
      { host: 'api.example.com', path: '/v1/orders', pathMatch: GatewayPathMatch.EXACT, backend: IngressBackend.fromService(s.apiSvc) },
    ],
    certificate: GatewayCertificate.fromSecret('shop-tls'),
    ...extra,
  });
  return { ...s, gw };
}

const kinds = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

/** Pods that must not reach the backends: the gateway's label in another namespace, another gateway's pod in edge. */
function standIns(chart: any) {
  const pod = (id: string, ns: string, labels: { [k: string]: string }) => new kplus.Deployment(chart, id, {
    metadata: { name: id, namespace: ns }, podMetadata: { labels }, containers: [{ image: 'proxy:1', portNumber: 8443 }],
  });
  pod('impostor', 'evil', { [GW_LABEL]: 'shop' });
  pod('other-gateway', 'edge', { [GW_LABEL]: 'other' });
}

describe('SecureGateway (Gateway API, Istio)', () => {
  test('an HTTPS listener per host, each with its certificate; the HTTP listener admits only the redirect', () => {
    const { chart, gw: construct } = istioShop();
    // one HTTPRoute per host and backend namespace (what a k8gb Gslb resourceRef names)
    expect(construct.routesFor('shop.example.com').map((r) => `${r.metadata.namespace}/${r.name}`)).toEqual(['shop/shop-shop-example-com']);
    expect(construct.routesFor('other.example.com')).toEqual([]);
    const objs = synthAndValidate(chart);
    const [gw] = kinds(objs, 'Gateway');
    expect(gw.metadata).toEqual({ name: 'shop', namespace: 'edge' });
    expect(gw.spec.gatewayClassName).toBe('istio');
    const byName = Object.fromEntries(gw.spec.listeners.map((l: any) => [l.name, l]));
    expect(Object.keys(byName).sort()).toEqual(['http', 'https-api.example.com', 'https-shop.example.com']);
    expect(byName.http).toEqual({ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } });
    for (const host of ['shop.example.com', 'api.example.com']) {
      expect(byName[`https-${host}`]).toEqual({
        name: `https-${host}`,
        hostname: host,
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-tls' }] },
        allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } } },
      });
    }
    // TLS on every host: each route hostname is served by an HTTPS listener with a certificate, never by the HTTP one
    const routes = kinds(objs, 'HTTPRoute');
    const appRoutes = routes.filter((r) => r.spec.rules.some((x: any) => x.backendRefs));
    expect(appRoutes.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual(['shop/shop-api-example-com', 'shop/shop-shop-example-com']);
    for (const r of appRoutes) {
      expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop', namespace: 'edge', sectionName: `https-${r.spec.hostnames[0]}` }]);
      expect(byName[r.spec.parentRefs[0].sectionName].tls.certificateRefs).toHaveLength(1);
    }
    const shopRoute = appRoutes.find((r) => r.spec.hostnames[0] === 'shop.example.com');
    expect(shopRoute.spec.rules.map((x: any) => [x.matches[0].path, x.backendRefs])).toEqual([
      [{ type: 'PathPrefix', value: '/' }, [{ name: 'web', port: 80 }]],
      [{ type: 'PathPrefix', value: '/api' }, [{ name: 'api', port: 80 }]],
    ]);
    expect(appRoutes.find((r) => r.spec.hostnames[0] === 'api.example.com').spec.rules[0].matches).toEqual([{ path: { type: 'Exact', value: '/v1/orders' } }]);
    // HSTS on every HTTPS response
    for (const rule of appRoutes.flatMap((r) => r.spec.rules)) {
      expect(rule.filters).toEqual([{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }] } }]);
    }
    // the only route on port 80: a 301 to https for every host, no backend
    const redirects = routes.filter((r) => r.spec.parentRefs.some((p: any) => p.sectionName === 'http'));
    expect(redirects).toHaveLength(1);
    expect(redirects[0].metadata).toEqual({ name: 'shop-https-redirect', namespace: 'edge' });
    expect(redirects[0].spec.hostnames.sort()).toEqual(['api.example.com', 'shop.example.com']);
    expect(redirects[0].spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    // the Secret is in the Gateway's namespace: no ReferenceGrant
    expect(kinds(objs, 'ReferenceGrant')).toEqual([]);
  });

  test('the backends keep STRICT mTLS and admit only the gateway identity <td>/ns/edge/sa/shop-istio, on their pod ports', () => {
    const { chart, web, api } = istioShop();
    const objs = synthAndValidate(chart);
    expect(objs.some((o) => o.kind === 'PeerAuthentication' && o.spec?.mtls?.mode === 'PERMISSIVE')).toBe(false);
    const req = (principal: string, d: kplus.Deployment, port: number) => ({
      principal, sourceNamespace: principal.split('/')[2], namespace: 'shop', labels: d.matchLabels, port, method: 'GET', path: '/',
    });
    expect(isAllowed(objs, req(GW_PRINCIPAL, web, 8080))).toBe(true);
    expect(isAllowed(objs, req(GW_PRINCIPAL, api, 9090))).toBe(true);
    expect(isAllowed(objs, req(GW_PRINCIPAL, web, 9090))).toBe(false);
    expect(isAllowed(objs, req('cluster.local/ns/edge/sa/other-istio', web, 8080))).toBe(false);
    expect(isAllowed(objs, req('cluster.local/ns/evil/sa/shop-istio', web, 8080))).toBe(false);
  });

  test('NetworkPolicies: only the gateway pods reach the backends; anyone reaches the gateway on 80/443; the gateway reaches istiod', () => {
    const { chart } = istioShop();
    standIns(chart);
    // the analyzer models the pods istiod deploys for the Gateway (edge/shop-istio, in the mesh, sa shop-istio)
    const a = ReachabilityAnalyzer.fromObjects(synthAndValidate(chart));
    const reach = new ReachabilityAssertions(a);
    expect(a.peers()).toContain('edge/shop-istio[Deployment]');
    reach.assertAllowed('edge/shop-istio[Deployment]', 'shop/web[Deployment]', '8080');
    reach.assertAllowed('edge/shop-istio[Deployment]', 'shop/api[Deployment]', '9090');
    reach.assertDenied('edge/shop-istio[Deployment]', 'shop/web[Deployment]', '9090');
    // the HTTPRoute matches the gateway forwards, as L7 notes on the flows they carry
    const l7 = (dst: string) => a.connections().find((c) => c.src === 'edge/shop-istio[Deployment]' && c.dst === dst)!.l7;
    expect(l7('shop/web[Deployment]')).toEqual(['HTTPRoute shop/shop-shop-example-com: shop.example.com PathPrefix /']);
    expect(l7('shop/api[Deployment]')).toEqual([
      'HTTPRoute shop/shop-api-example-com: api.example.com Exact /v1/orders',
      'HTTPRoute shop/shop-shop-example-com: shop.example.com PathPrefix /api',
    ]);
    for (const stranger of ['evil/impostor[Deployment]', 'edge/other-gateway[Deployment]']) {
      reach.assertDenied(stranger, 'shop/web[Deployment]');
      reach.assertDenied(stranger, 'shop/api[Deployment]');
    }
    reach.assertAllowed('203.0.113.7', 'edge/shop-istio[Deployment]', '443');
    reach.assertAllowed('203.0.113.7', 'edge/shop-istio[Deployment]', '80');
    reach.assertDenied('203.0.113.7', 'edge/shop-istio[Deployment]', '15021');
    reach.assertDenied('203.0.113.7', 'edge/other-gateway[Deployment]');
    reach.assertDenied('203.0.113.7', 'shop/web[Deployment]');
    const egress = kinds(synthAndValidate(istioShop().chart), 'NetworkPolicy').find((p) => p.metadata.name === 'allow-to-istio-system-istiod-from-gateway-shop');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { [GW_LABEL]: 'shop' } });
    expect(egress.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
      ports: [{ port: 15012, protocol: 'TCP' }],
    }]);
  });

  test('a certificate Secret in another namespace gets a ReferenceGrant for exactly that Secret; HTTPRoutes in the Gateway namespace need none', () => {
    const s = shop();
    new ZeroTrustNamespace(s.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true, podSecurity: PodSecurityLevel.BASELINE });
    new SecureGateway(s.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      routes: [
        { host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) },
        { host: 'admin.example.com', backend: IngressBackend.fromService(s.apiSvc) },
      ],
      tls: [
        { hosts: ['*.example.com'], certificate: GatewayCertificate.fromSecret('wildcard-example-com', { namespace: 'certs' }) },
        { hosts: ['admin.example.com'], certificate: GatewayCertificate.fromSecret('admin-tls') },
      ],
    });
    const objs = synthAndValidate(s.chart);
    const listeners = kinds(objs, 'Gateway')[0].spec.listeners;
    expect(listeners.find((l: any) => l.hostname === 'shop.example.com').tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'wildcard-example-com', namespace: 'certs' }]);
    // an exact entry wins over a wildcard one
    expect(listeners.find((l: any) => l.hostname === 'admin.example.com').tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'admin-tls' }]);
    expect(kinds(objs, 'ReferenceGrant')).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'edge-shop-certificates', namespace: 'certs' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }], to: [{ group: '', kind: 'Secret', name: 'wildcard-example-com' }] },
    }]);
  });

  test('Gateway in the backends\' namespace: HTTPS routes from that namespace only, parentRefs without namespace', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns-web', { name: 'web', allowLoadBalancers: true, podSecurity: PodSecurityLevel.BASELINE });
    const web = new kplus.Deployment(chart, 'web', { metadata: { name: 'web', namespace: 'web' }, containers: [{ image: 'web:1', portNumber: 8080 }] });
    new SecureGateway(chart, 'gw', {
      name: 'web',
      namespace: 'web',
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromWorkload(web, { servicePort: 80 }) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    const objs = synthAndValidate(chart);
    const https = kinds(objs, 'Gateway')[0].spec.listeners.find((l: any) => l.protocol === 'HTTPS');
    expect(https.allowedRoutes).toEqual({ namespaces: { from: 'Same' } });
    const route = kinds(objs, 'HTTPRoute').find((r) => r.spec.rules[0].backendRefs);
    expect(route.metadata.namespace).toBe('web');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'web', sectionName: 'https-shop.example.com' }]);
    // the backend route still never attaches to the HTTP listener, though that one admits the same namespace
    expect(kinds(objs, 'HTTPRoute').filter((r) => r.spec.parentRefs[0].sectionName === 'http').map((r) => r.metadata.name)).toEqual(['web-https-redirect']);
  });

  test('one host served from two namespaces: an HTTPRoute in each, both namespaces (and only they) may attach', () => {
    const s = shop();
    new ZeroTrustNamespace(s.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true, podSecurity: PodSecurityLevel.BASELINE });
    new ZeroTrustNamespace(s.chart, 'ns-blog', { name: 'blog' });
    const blog = new kplus.Deployment(s.chart, 'blog', { metadata: { name: 'blog', namespace: 'blog' }, containers: [{ image: 'blog:1', portNumber: 3000 }] });
    new SecureGateway(s.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      requireZeroTrustNamespace: true,
      routes: [
        { host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) },
        { host: 'shop.example.com', path: '/blog', backend: IngressBackend.fromWorkload(blog, { servicePort: 80 }) },
      ],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    const objs = synthAndValidate(s.chart);
    const https = kinds(objs, 'Gateway')[0].spec.listeners.find((l: any) => l.protocol === 'HTTPS');
    expect(https.allowedRoutes.namespaces.selector.matchExpressions[0].values).toEqual(['blog', 'shop']);
    const routes = kinds(objs, 'HTTPRoute').filter((r) => r.spec.rules[0].backendRefs);
    expect(routes.map((r) => [r.metadata.namespace, r.spec.hostnames, r.spec.rules.map((x: any) => x.matches[0].path.value)])).toEqual([
      ['blog', ['shop.example.com'], ['/blog']],
      ['shop', ['shop.example.com'], ['/']],
    ]);
    expect(kinds(objs, 'ReferenceGrant')).toEqual([]);
  });

  test('cert-manager: the Gateway annotation (cert-manager creates the Certificates) or an emitted Certificate', () => {
    const shim = istioShop({ certificate: GatewayCertificate.certManagerShim(CertIssuer.clusterIssuer('letsencrypt')) });
    let objs = synthAndValidate(shim.chart);
    const gw = kinds(objs, 'Gateway')[0];
    expect(gw.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(gw.spec.listeners.filter((l: any) => l.tls).map((l: any) => l.tls)).toEqual([
      { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-tls' }] },
      { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-tls' }] },
    ]);
    expect(kinds(objs, 'Certificate')).toEqual([]);

    const emitted = istioShop({ certificate: GatewayCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt'), { secretName: 'shop-cert' }) });
    objs = synthAndValidate(emitted.chart);
    expect(kinds(objs, 'Certificate')).toEqual([{
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop-cert', namespace: 'edge' },
      spec: { secretName: 'shop-cert', dnsNames: ['api.example.com', 'shop.example.com'], issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' } },
    }]);
    expect(kinds(objs, 'Gateway')[0].metadata.annotations).toBeUndefined();
  });
});

describe('SecureGateway with other implementations', () => {
  function plain(implementation: GatewayImplementation) {
    const s = shop();
    new SecureGateway(s.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      implementation,
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    const objs = synthAndValidate(s.chart);
    const np = kinds(objs, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'shop' && p.spec.ingress);
    expect(np).toHaveLength(1);
    return { objs, from: np[0].spec.ingress[0].from, gateway: kinds(objs, 'Gateway')[0] };
  }

  test('Envoy Gateway: proxies in envoy-gateway-system with the owning-gateway labels', () => {
    const { from, gateway } = plain(GatewayImplementation.envoyGateway());
    expect(gateway.spec.gatewayClassName).toBe('eg');
    expect(from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/component': 'proxy',
          'app.kubernetes.io/managed-by': 'envoy-gateway',
          'app.kubernetes.io/name': 'envoy',
          'gateway.envoyproxy.io/owning-gateway-name': 'shop',
          'gateway.envoyproxy.io/owning-gateway-namespace': 'edge',
        },
      },
    }]);
  });

  test('Envoy Gateway in Gateway Namespace Mode: proxies in the Gateway namespace, listening on 10080/10443', () => {
    const s = shop();
    new ZeroTrustNamespace(s.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true });
    new SecureGateway(s.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      implementation: GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true }),
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    const np = kinds(synthAndValidate(s.chart), 'NetworkPolicy').find((p) => p.metadata.namespace === 'edge' && p.spec.ingress);
    expect(np.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 10080, protocol: 'TCP' }, { port: 10443, protocol: 'TCP' }] }]);
  });

  test('NGINX Gateway Fabric: data plane in the Gateway namespace, gateway-name label; custom: any class by name', () => {
    expect(plain(GatewayImplementation.nginxGatewayFabric()).from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { [GW_LABEL]: 'shop' } },
    }]);
    const custom = plain(GatewayImplementation.custom({ className: 'acme-lb', namespace: 'acme', podLabels: { app: 'acme-proxy' } }));
    expect(custom.gateway.spec.gatewayClassName).toBe('acme-lb');
    expect(custom.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'acme' } }, podSelector: { matchLabels: { app: 'acme-proxy' } } }]);
  });

  test('a data plane outside the mesh into a mesh-protected namespace is refused (it has no identity to admit)', () => {
    const s = shop();
    new MtlsMesh(s.chart, 'mesh').protectNamespace('shop');
    new SecureGateway(s.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      implementation: GatewayImplementation.nginxGatewayFabric(),
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    expect(errorOf(() => synthAndValidate(s.chart)).message).toMatch(/serviceAccountName.*gateway-shop/);
  });
});

describe('SecureGateway refuses bad input', () => {
  const base = () => {
    const s = shop();
    return { s, props: { name: 'shop', namespace: 'edge', routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) }], certificate: GatewayCertificate.fromSecret('shop-tls') } };
  };
  const refuse = (change: (p: any, s: ReturnType<typeof shop>) => any, ...fragments: RegExp[]) => {
    const { s, props } = base();
    const e = errorOf(() => new SecureGateway(s.chart, 'gw', change({ ...props }, s)));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain('gw');
    for (const f of fragments) expect(e.message).toMatch(f);
  };

  test('wrong JavaScript types and misspelled props name the field, the value and the type', () => {
    refuse((p) => ({ ...p, requireZeroTrustNamespace: 'false' }), /requireZeroTrustNamespace "false"/, /true or false/);
    refuse((p) => ({ ...p, routes: null }), /routes null/);
    refuse((p) => ({ ...p, routes: [null] }), /routes\[0\] null/);
    refuse((p) => ({ ...p, routes: [{ ...p.routes[0], backend: 'web' }] }), /routes\[0\]\.backend "web"/, /IngressBackend/);
    refuse((p) => ({ ...p, hsts: 31536000 }), /hsts 31536000/);
    refuse((p) => ({ ...p, allowedRouteNamespace: ['shop'] }), /allowedRouteNamespace/, /allowedRouteNamespaces/);
    expect(() => GatewayImplementation.istio({ seccompProfileConfigured: 'yes' } as any)).toThrow(/invalid seccompProfileConfigured "yes"/);
    expect(() => GatewayCertificate.fromSecret('tls', { namespace: 5 } as any)).toThrow(/invalid namespace 5/);
  });

  test('hosts without TLS, bad hosts and paths', () => {
    refuse((p) => ({ ...p, certificate: undefined, tls: [{ hosts: ['other.example.com'], certificate: GatewayCertificate.fromSecret('x') }] }), /routes\[0\]\.host/, /shop\.example\.com/, /covered by a TLS entry/);
    refuse((p) => ({ ...p, certificate: undefined }), /routes\[0\]\.host/, /TLS only/);
    refuse((p) => ({ ...p, routes: [{ ...p.routes[0], host: 'Shop.Example.com' }] }), /routes\[0\]\.host/, /Shop\.Example\.com/);
    refuse((p) => ({ ...p, routes: [{ ...p.routes[0], path: '/a//b' }] }), /routes\[0\]\.path/, /\/a\/\/b/, /'\/\/'/);
    refuse((p) => ({ ...p, routes: [{ ...p.routes[0], path: 'api' }] }), /routes\[0\]\.path/, /absolute path/);
    refuse((p) => ({ ...p, routes: [p.routes[0], p.routes[0]] }), /routes\[1\]/, /not used by an earlier route/);
    refuse((p) => ({ ...p, routes: [] }), /routes/, /at least one route/);
    refuse((p) => ({ ...p, namespace: 'Edge' }), /namespace/, /Edge/);
  });

  test('allowedRouteNamespaces, certificates, implementation', () => {
    refuse((p) => ({ ...p, allowedRouteNamespaces: ['edge'] }), /allowedRouteNamespaces/, /includes shop/);
    refuse((p) => ({
      ...p,
      certificate: undefined,
      tls: [
        { hosts: ['shop.example.com'], certificate: GatewayCertificate.certManagerShim(CertIssuer.clusterIssuer('a')) },
        { hosts: ['*.example.com'], certificate: GatewayCertificate.certManagerShim(CertIssuer.clusterIssuer('b'), { secretName: 'b' }) },
      ],
    }), /tls\[1\]\.certificate/, /ClusterIssuer\/b/, /one issuer annotation/);
    refuse((p) => ({ ...p, annotations: { 'cert-manager.io/cluster-issuer': 'x' } }), /annotations\["cert-manager.io\/cluster-issuer"\]/);
    refuse((p) => ({ ...p, annotations: { 'gateway.istio.io/service-account': 'edge-proxy' } }), /annotations\["gateway.istio.io\/service-account"\]/, /edge-proxy/, /shop-istio/);
    refuse((p) => ({ ...p, name: 'a-very-long-gateway-name-that-leaves-no-room-for-the-istio-suffix' }), /name/, /63 characters/, /-istio/);
    refuse((p) => ({ ...p, hsts: 'forever' }), /hsts/, /forever/);
    expect(errorOf(() => GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true, namespace: 'eg' })).message).toMatch(/namespace.*eg.*gatewayNamespaceMode/);
    expect(errorOf(() => GatewayImplementation.custom({ className: 'x', podLabels: {} })).message).toMatch(/podLabels.*at least one label/);
    expect(errorOf(() => GatewayCertificate.fromSecret('tls', { namespace: 'Bad_NS' })).message).toMatch(/options\.namespace.*Bad_NS/);
  });

  test('at synthesis: backends in an unmanaged namespace, an undeployable gateway namespace', () => {
    const unmanaged = Testing.chart();
    const web = new kplus.Deployment(unmanaged, 'web', { metadata: { namespace: 'loose' }, containers: [{ image: 'web:1', portNumber: 8080 }] });
    new SecureGateway(unmanaged, 'gw', {
      name: 'shop',
      namespace: 'edge',
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromWorkload(web) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    expect(errorOf(() => synthAndValidate(unmanaged)).message).toMatch(/routes\[\]\.backend\.namespace.*loose.*ZeroTrustNamespace/);

    const restricted = shop();
    new ZeroTrustNamespace(restricted.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true });
    new SecureGateway(restricted.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(restricted.webSvc) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    expect(errorOf(() => synthAndValidate(restricted.chart)).message).toMatch(/namespace.*edge.*restricted.*seccompProfileConfigured/);

    const noLb = shop();
    new ZeroTrustNamespace(noLb.chart, 'ns-edge', { name: 'edge', podSecurity: PodSecurityLevel.BASELINE });
    new SecureGateway(noLb.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(noLb.webSvc) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
    });
    expect(errorOf(() => synthAndValidate(noLb.chart)).message).toMatch(/namespace.*edge.*LoadBalancer.*allowLoadBalancers: true/);
  });
});

test('workload backends get a ClusterIP Service in their namespace', () => {
  const s = shop();
  new SecureGateway(s.chart, 'gw', {
    name: 'shop',
    namespace: 'edge',
    routes: [{ host: 'shop.example.com', backend: IngressBackend.fromWorkload(s.web, { servicePort: 80, serviceName: 'web-gw' }) }],
    certificate: GatewayCertificate.fromSecret('shop-tls'),
  });
  const objs = synthAndValidate(s.chart);
  const svc = kinds(objs, 'Service').find((o) => o.metadata.name === 'web-gw');
  expect(svc.metadata.namespace).toBe('shop');
  expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 8080, protocol: 'TCP' }]);
  expect(kinds(objs, 'HTTPRoute').find((r) => r.metadata.namespace === 'shop').spec.rules[0].backendRefs).toEqual([{ name: 'web-gw', port: 80 }]);
});

describe('the pods istiod deploys for an Istio Gateway (deployment model: kube-gateway template)', () => {
  /** The shop, Gateway `shop` in namespace edge (baseline or restricted), the chart's guardrails, optionally a MeshCluster. */
  function deployed(level: PodSecurityLevel, options: { meshCluster?: boolean; gatewaySeccompProfile?: boolean; claimed?: boolean } = {}) {
    const s = shop();
    new ZeroTrustNamespace(s.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true, podSecurity: level });
    new AdmissionGuardrails(s.chart, 'guardrails');
    if (options.meshCluster) {
      new MeshCluster(s.chart, 'istio', {
        mesh: new IstioMultiCluster({ meshId: 'm' }),
        clusterName: 'c',
        network: 'n',
        caSecret: kplus.Secret.fromSecretName(s.chart, 'ca', 'cacerts'),
        gatewaySeccompProfile: options.gatewaySeccompProfile,
      });
    }
    new SecureGateway(s.chart, 'gw', {
      name: 'shop',
      namespace: 'edge',
      routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(s.webSvc) }],
      certificate: GatewayCertificate.fromSecret('shop-tls'),
      implementation: GatewayImplementation.istio({ seccompProfileConfigured: options.claimed }),
    });
    return s.chart;
  }

  test('without a seccomp profile the chart\'s own guardrails would refuse the gateway pods: an error naming the Deployment and the rule', () => {
    expect(() => synthAndValidate(deployed(PodSecurityLevel.BASELINE)))
      .toThrow(/namespace.*Deployment edge\/shop-istio \(istiod deploys it for Gateway shop\).*require-seccomp-runtime-default.*gatewaySeccompProfile: true/);
  });

  test('with the chart\'s MeshCluster (values.gateways.seccompProfile RuntimeDefault, the default) the gateway pods pass restricted and the guardrails', () => {
    const chart = deployed(PodSecurityLevel.RESTRICTED, { meshCluster: true });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.kind === 'Gateway' && o.apiVersion === 'gateway.networking.k8s.io/v1').map((o) => o.metadata.name)).toEqual(['shop']);
    const op = (chart.node.findAll().find((c) => c instanceof MeshCluster) as MeshCluster).istioOperator();
    expect(op.spec.values.gateways).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    // istiod installed elsewhere with the profile: the implementation says so
    expect(() => synthAndValidate(deployed(PodSecurityLevel.RESTRICTED, { claimed: true }))).not.toThrow();
  });

  test('a MeshCluster without the profile: restricted refuses the gateway pods; claiming the profile contradicts the chart\'s istiod', () => {
    const e = errorOf(() => synthAndValidate(deployed(PodSecurityLevel.RESTRICTED, { meshCluster: true, gatewaySeccompProfile: false })));
    expect(e.field).toBe('namespace');
    expect(e.message).toMatch(/"edge".*seccomp.*gatewaySeccompProfile: true/);
    const op = deployed(PodSecurityLevel.BASELINE, { meshCluster: true, gatewaySeccompProfile: false });
    expect((op.node.findAll().find((c) => c instanceof MeshCluster) as MeshCluster).istioOperator().spec.values.gateways).toBeUndefined();
    const contradicted = deployed(PodSecurityLevel.BASELINE, { meshCluster: true, gatewaySeccompProfile: false, claimed: true });
    const claimed = errorOf(() => synthAndValidate(contradicted));
    expect(claimed.field).toBe('implementation.seccompProfileConfigured');
    expect(claimed.message).toContain('values.gateways.seccompProfile');
  });
});
