import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  BackendProtocol, CertIssuer, IngressBackend, IngressCertificate, IngressController, IngressPathType,
  ReachabilityAnalyzer, ReachabilityAssertions, SecureIngress, ValidationError, ZeroTrustNamespace,
} from '../../src';
import { errorOf, synthAndValidate } from '../util';

const NGINX_LABELS = { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' };

/** The S10 backend: a ZeroTrustNamespace `web`, Deployment `web` on 8080 and Service `web-service` 80 -> 8080. */
function s10Backend(chart = Testing.chart()) {
  new ZeroTrustNamespace(chart, 'ns', { name: 'web' });
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web', namespace: 'web' },
    containers: [{ image: 'nginx:1.27', portNumber: 8080 }],
  });
  const service = new kplus.Service(chart, 'web-service', {
    metadata: { name: 'web-service', namespace: 'web' },
    selector: web,
    ports: [{ port: 80, targetPort: 8080 }],
  });
  return { chart, web, service };
}

/** Pods that must not reach the backend: same labels as the controller elsewhere, another pod of the controller namespace, a neighbour. */
function addStrangers(chart: any) {
  new kplus.Deployment(chart, 'impostor', {
    metadata: { name: 'impostor', namespace: 'evil' },
    podMetadata: { labels: NGINX_LABELS },
    containers: [{ image: 'curl:8', portNumber: 9000 }],
  });
  new kplus.Deployment(chart, 'sidekick', {
    metadata: { name: 'sidekick', namespace: 'ingress-nginx' },
    containers: [{ image: 'curl:8', portNumber: 9001 }],
  });
  new kplus.Deployment(chart, 'neighbour', {
    metadata: { name: 'neighbour', namespace: 'web' },
    containers: [{ image: 'curl:8', portNumber: 9002 }],
  });
}

function analyze(objs: any[]): ReachabilityAnalyzer {
  return ReachabilityAnalyzer.fromObjects(objs, { ingressControllerNamespace: 'ingress-nginx', ingressControllerLabels: NGINX_LABELS });
}

describe('SecureIngress', () => {
  test('S10 reproduced: secure-ingress, secure.example.com, tls-secret, web-service:80 (plus the fixes)', () => {
    const { chart, service } = s10Backend();
    new SecureIngress(chart, 'secure-ingress', {
      name: 'secure-ingress',
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service, { port: 80 }) }],
      certificate: IngressCertificate.fromSecret('tls-secret'),
    });
    const objs = synthAndValidate(chart);
    const ing = objs.find((o) => o.kind === 'Ingress');
    // what the article wrote
    expect(ing.metadata.name).toBe('secure-ingress');
    expect(ing.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    });
    expect(ing.spec.tls).toEqual([{ hosts: ['secure.example.com'], secretName: 'tls-secret' }]);
    expect(ing.spec.rules).toEqual([{
      host: 'secure.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web-service', port: { number: 80 } } } }] },
    }]);
    // the fixes: a class, a namespace, and a policy that admits only the controller on the pod port
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.metadata.namespace).toBe('web');
    const np = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'web' && o.spec.ingress);
    expect(np).toHaveLength(1);
    // the backend pods (the Service's selector), not the Service
    expect(np[0].spec.podSelector).toEqual({ matchLabels: objs.find((o) => o.kind === 'Service').spec.selector });
    expect(np[0].spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: NGINX_LABELS },
      }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(objs).toMatchSnapshot();
  });

  test('meaning: the controller reaches the backend on the pod port (8080), not 80; nothing else reaches it', () => {
    const { chart, service } = s10Backend();
    addStrangers(chart);
    new SecureIngress(chart, 'secure-ingress', {
      name: 'secure-ingress',
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service) }],
      certificate: IngressCertificate.fromSecret('tls-secret'),
    });
    const a = analyze(synthAndValidate(chart));
    const reach = new ReachabilityAssertions(a);
    reach.assertAllowed('{ingress-controller}', 'web/web', '8080');
    reach.assertDenied('{ingress-controller}', 'web/web', '80');
    for (const src of ['evil/impostor', 'ingress-nginx/sidekick', 'web/neighbour']) {
      reach.assertDenied(src, 'web/web');
    }
    const intoWeb = a.connections().filter((c) => c.dst === 'web/web[Deployment]');
    expect(intoWeb.map((c) => `${c.src} : ${c.conns}`)).toEqual(['{ingress-controller} : TCP 8080']);
  });

  test('a Service backend\'s selector is read at synthesis: select() after the ingress is honoured, the policy targets the final selector', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'web' });
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web', namespace: 'web' },
      podMetadata: { labels: { tier: 'front' } },
      containers: [{ image: 'nginx:1.27', portNumber: 8080 }],
    });
    // a second workload that matches the Service's first label only
    new kplus.Deployment(chart, 'canary', {
      metadata: { name: 'canary', namespace: 'web' },
      podMetadata: { labels: { tier: 'front' } },
      containers: [{ image: 'nginx:1.27', portNumber: 8080 }],
    });
    addStrangers(chart);
    const service = new kplus.Service(chart, 'web-service', {
      metadata: { name: 'web-service', namespace: 'web' },
      ports: [{ port: 80, targetPort: 8080 }],
    });
    service.selectLabel('tier', 'front');
    new SecureIngress(chart, 'secure-ingress', {
      name: 'secure-ingress',
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service) }],
      certificate: IngressCertificate.fromSecret('tls-secret'),
    });
    // after the ingress: narrow the Service to the web Deployment's pods
    service.select(web);
    const objs = synthAndValidate(chart);
    const selector = objs.find((o) => o.kind === 'Service').spec.selector;
    expect(Object.keys(selector).sort()).toEqual(['cdk8s.io/metadata.addr', 'tier']);
    const np = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'web' && o.spec.ingress);
    expect(np.map((o) => o.spec.podSelector)).toEqual([{ matchLabels: selector }]);
    const a = analyze(objs);
    const reach = new ReachabilityAssertions(a);
    reach.assertAllowed('{ingress-controller}', 'web/web', '8080');
    // the pods the Service no longer selects are not opened to the controller
    reach.assertDenied('{ingress-controller}', 'web/canary');
    for (const src of ['evil/impostor', 'ingress-nginx/sidekick', 'web/neighbour']) {
      reach.assertDenied(src, 'web/web');
    }
  });

  test('workload backend: a ClusterIP Service is created; the policy targets the workload pods', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const api = new kplus.Deployment(chart, 'api', {
      metadata: { name: 'api', namespace: 'shop' },
      containers: [{ image: 'api:1', portNumber: 9443 }],
    });
    addStrangers(chart);
    const ing = new SecureIngress(chart, 'ing', {
      name: 'shop',
      rules: [
        { host: 'shop.example.com', path: '/api', backend: IngressBackend.fromWorkload(api, { servicePort: 443 }) },
        { host: 'a.example.com', path: '/', pathType: IngressPathType.EXACT, backend: IngressBackend.fromWorkload(api, { servicePort: 443 }) },
      ],
      tls: [
        { hosts: ['shop.example.com'], certificate: IngressCertificate.fromSecret('shop-tls') },
        { hosts: ['*.example.com'], certificate: IngressCertificate.fromSecret('wildcard-tls') },
      ],
      backendProtocol: BackendProtocol.HTTPS,
    });
    const objs = synthAndValidate(chart);
    expect(ing.services).toHaveLength(1);
    const svc = objs.find((o) => o.kind === 'Service');
    expect(svc.metadata).toMatchObject({ name: 'api', namespace: 'shop' });
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ port: 443, targetPort: 9443, protocol: 'TCP' }]);
    const ingress = objs.find((o) => o.kind === 'Ingress');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol']).toBe('HTTPS');
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['shop.example.com', 'a.example.com']);
    const a = analyze(objs);
    const reach = new ReachabilityAssertions(a);
    reach.assertAllowed('{ingress-controller}', 'shop/api', '9443');
    reach.assertDenied('{ingress-controller}', 'shop/api', '443');
    for (const src of ['evil/impostor', 'ingress-nginx/sidekick']) {
      reach.assertDenied(src, 'shop/api');
    }
    expect(objs).toMatchSnapshot();
  });

  test('cert-manager Certificate with a ClusterIssuer, validated against the CRD', () => {
    const { chart, service } = s10Backend();
    const ing = new SecureIngress(chart, 'ing', {
      name: 'secure-ingress',
      rules: [
        { host: 'secure.example.com', backend: IngressBackend.fromService(service) },
        { host: 'www.example.com', backend: IngressBackend.fromService(service) },
      ],
      certificate: IngressCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    });
    const objs = synthAndValidate(chart);
    expect(ing.certificates).toHaveLength(1);
    const cert = objs.find((o) => o.kind === 'Certificate');
    expect(cert).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'secure-ingress-tls', namespace: 'web' },
      spec: {
        secretName: 'secure-ingress-tls',
        dnsNames: ['secure.example.com', 'www.example.com'],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      },
    });
    const ingress = objs.find((o) => o.kind === 'Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: ['secure.example.com', 'www.example.com'], secretName: 'secure-ingress-tls' }]);
    expect(Object.keys(ingress.metadata.annotations).filter((k) => k.startsWith('cert-manager'))).toEqual([]);
  });

  test('cert-manager ingress-shim: the issuer annotation, no Certificate', () => {
    const { chart, service } = s10Backend();
    new SecureIngress(chart, 'ing', {
      name: 'secure-ingress',
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service) }],
      certificate: IngressCertificate.certManagerShim(CertIssuer.issuer('internal-ca'), { secretName: 'secure-tls' }),
    });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.kind === 'Certificate')).toEqual([]);
    const ingress = objs.find((o) => o.kind === 'Ingress');
    expect(ingress.metadata.annotations['cert-manager.io/issuer']).toBe('internal-ca');
    expect(ingress.spec.tls).toEqual([{ hosts: ['secure.example.com'], secretName: 'secure-tls' }]);
  });

  test('custom controller: class, pods, redirect and HSTS annotations', () => {
    const { chart, service } = s10Backend();
    const controller = IngressController.custom({
      className: 'traefik',
      namespace: 'traefik',
      podLabels: { 'app.kubernetes.io/name': 'traefik' },
      redirectAnnotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure' },
      hstsAnnotations: { 'traefik.ingress.kubernetes.io/router.middlewares': 'traefik-hsts@kubernetescrd' },
    });
    new SecureIngress(chart, 'ing', {
      name: 'secure-ingress',
      controller,
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service) }],
      certificate: IngressCertificate.fromSecret('tls-secret'),
    });
    const objs = synthAndValidate(chart);
    const ingress = objs.find((o) => o.kind === 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(Object.keys(ingress.metadata.annotations)).toEqual([
      'traefik.ingress.kubernetes.io/router.entrypoints', 'traefik.ingress.kubernetes.io/router.middlewares',
    ]);
    const a = ReachabilityAnalyzer.fromObjects(objs, { ingressControllerNamespace: 'traefik', ingressControllerLabels: { 'app.kubernetes.io/name': 'traefik' } });
    new ReachabilityAssertions(a).assertAllowed('{ingress-controller}', 'web/web', '8080');
    const b = analyze(objs); // the nginx controller is not admitted
    new ReachabilityAssertions(b).assertDenied('{ingress-controller}', 'web/web');
  });
});

describe('SecureIngress with an Istio ingress gateway', () => {
  test('Gateway (httpsRedirect, credentialName) + VirtualService per host (HSTS); the gateway pods reach the pod port only', () => {
    const { chart, service } = s10Backend();
    addStrangers(chart);
    // the gateway pods, modelled as a workload so the analysis sees them
    new kplus.Deployment(chart, 'gw', {
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      podMetadata: { labels: { istio: 'ingressgateway' } },
      containers: [{ image: 'istio/proxyv2:1.30', portNumber: 8443 }],
    });
    const ing = new SecureIngress(chart, 'ing', {
      name: 'secure-ingress',
      controller: IngressController.istio(),
      rules: [
        { host: 'secure.example.com', backend: IngressBackend.fromService(service) },
        { host: 'secure.example.com', path: '/api', backend: IngressBackend.fromService(service) },
      ],
      certificate: IngressCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    });
    const objs = synthAndValidate(chart);
    expect(ing.ingress).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'Ingress')).toEqual([]);
    const gw = objs.find((o) => o.kind === 'Gateway');
    expect(gw.metadata).toEqual({ name: 'web-secure-ingress', namespace: 'istio-system' });
    expect(gw.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['secure.example.com'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https-0', protocol: 'HTTPS' }, hosts: ['secure.example.com'], tls: { mode: 'SIMPLE', credentialName: 'secure-ingress-tls' } },
      ],
    });
    // the Secret must be where the gateway reads it
    expect(objs.find((o) => o.kind === 'Certificate').metadata.namespace).toBe('istio-system');
    const vs = objs.filter((o) => o.kind === 'VirtualService');
    expect(vs).toHaveLength(1);
    expect(vs[0].metadata.namespace).toBe('web');
    expect(vs[0].spec.gateways).toEqual(['istio-system/web-secure-ingress']);
    expect(vs[0].spec.http.map((h: any) => h.match)).toEqual([
      [{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }],
      [{ uri: { prefix: '/' } }],
    ]);
    expect(vs[0].spec.http[0].route).toEqual([{ destination: { host: 'web-service.web.svc.cluster.local', port: { number: 80 } } }]);
    expect(vs[0].spec.http[0].headers.response.set['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
    const a = ReachabilityAnalyzer.fromObjects(objs);
    const reach = new ReachabilityAssertions(a);
    reach.assertAllowed('istio-system/istio-ingressgateway', 'web/web', '8080');
    reach.assertDenied('istio-system/istio-ingressgateway', 'web/web', '80');
    for (const src of ['evil/impostor', 'ingress-nginx/sidekick', 'web/neighbour']) {
      reach.assertDenied(src, 'web/web');
    }
    expect(objs).toMatchSnapshot();
  });

  test('Istio refuses the ingress-shim and HTTPS to the backend', () => {
    const { chart, service } = s10Backend();
    const rules = [{ host: 'secure.example.com', backend: IngressBackend.fromService(service) }];
    expect(() => new SecureIngress(chart, 'a', {
      controller: IngressController.istio(), rules, certificate: IngressCertificate.certManagerShim(CertIssuer.issuer('x')),
    })).toThrow(/tls\[0\]\.certificate.*certManagerShim/);
    expect(() => new SecureIngress(chart, 'b', {
      controller: IngressController.istio(), rules, certificate: IngressCertificate.fromSecret('t'), backendProtocol: BackendProtocol.HTTPS,
    })).toThrow(/backendProtocol.*Istio/);
    expect(() => IngressController.istio({ hsts: 'forever' })).toThrow(/hsts.*forever/);
  });
});

describe('SecureIngress bad input', () => {
  function build(props: any, opts: { chart?: any } = {}) {
    const { chart, service } = s10Backend(opts.chart);
    return () => new SecureIngress(chart, 'ing', {
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service) }],
      certificate: IngressCertificate.fromSecret('tls-secret'),
      ...props(service),
    });
  }

  test('no hosts', () => {
    expect(build(() => ({ rules: [] }))).toThrow(/rules.*at least one rule with a host/);
    expect(build((s: any) => ({ rules: [{ backend: IngressBackend.fromService(s) }] }))).toThrow(/rules\[0\]\.host/);
  });

  test('a host not covered by TLS (wildcards cover one label only)', () => {
    expect(build(() => ({ certificate: undefined }))).toThrow(/rules\[0\]\.host.*secure\.example\.com.*covered by a TLS entry/);
    expect(build((s: any) => ({
      certificate: undefined,
      rules: [{ host: 'a.b.example.com', backend: IngressBackend.fromService(s) }],
      tls: [{ hosts: ['*.example.com'], certificate: IngressCertificate.fromSecret('w') }],
    }))).toThrow(/rules\[0\]\.host.*a\.b\.example\.com.*covered by a TLS entry/);
    expect(build((s: any) => ({
      certificate: undefined,
      rules: [{ host: 'example.com', backend: IngressBackend.fromService(s) }],
      tls: [{ hosts: ['*.example.com'], certificate: IngressCertificate.fromSecret('w') }],
    }))).toThrow(/rules\[0\]\.host.*"example\.com"/);
  });

  test('an invalid hostname', () => {
    expect(build((s: any) => ({ rules: [{ host: 'Bad_Host.example.com', backend: IngressBackend.fromService(s) }] })))
      .toThrow(/rules\[0\]\.host.*Bad_Host\.example\.com.*DNS host name/);
    expect(build(() => ({ certificate: undefined, tls: [{ hosts: ['a.*.com'], certificate: IngressCertificate.fromSecret('x') }] })))
      .toThrow(/tls\[0\]\.hosts\[0\].*a\.\*\.com/);
  });

  test('a path without a leading slash', () => {
    expect(build((s: any) => ({ rules: [{ host: 'secure.example.com', path: 'api', backend: IngressBackend.fromService(s) }] })))
      .toThrow(/rules\[0\]\.path.*"api".*starting with '\/'/);
    expect(build((s: any) => ({ rules: [{ host: 'secure.example.com', path: '/a;b', backend: IngressBackend.fromService(s) }] })))
      .toThrow(/rules\[0\]\.path/);
    // ingress-nginx rejects '.' in Prefix paths; other controllers accept it
    expect(build((s: any) => ({ rules: [{ host: 'secure.example.com', path: '/v1.0', backend: IngressBackend.fromService(s) }] })))
      .toThrow(/rules\[0\]\.path.*\/v1\.0.*ingress-nginx/);
    expect(build((s: any) => ({
      controller: IngressController.istio(),
      rules: [{ host: 'secure.example.com', path: '/v1.0', backend: IngressBackend.fromService(s) }],
    }))).not.toThrow();
  });

  test('a port outside 1-65535', () => {
    const { service, web } = s10Backend();
    expect(() => IngressBackend.fromService(service, { port: 0 })).toThrow(/options\.port.*0.*1 to 65535/);
    expect(() => IngressBackend.fromService(service, { port: 70000 })).toThrow(/options\.port.*70000/);
    expect(() => IngressBackend.fromWorkload(web, { servicePort: 65536 })).toThrow(/options\.servicePort.*65536/);
    expect(build((s: any) => ({ rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(s, { port: 81 }) }] })))
      .toThrow(/rules\[0\]\.backend\.port.*81.*a port of Service web-service: 80/);
  });

  test('backend namespace not managed by a ZeroTrustNamespace fails at synth', () => {
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 's', { metadata: { name: 's', namespace: 'open' }, ports: [{ port: 80 }] });
    svc.selectLabel('app', 's');
    new SecureIngress(chart, 'ing', {
      rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(svc) }],
      certificate: IngressCertificate.fromSecret('t'),
    });
    expect(() => Testing.synth(chart)).toThrow(/namespace.*"open".*ZeroTrustNamespace/);
  });

  test('annotations that inject controller configuration: *-snippet keys, line breaks in values', () => {
    const msg = (props: any) => errorOf(build(() => props)).message;
    expect(msg({ annotations: { 'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "X: y";' } }))
      .toMatch(/invalid annotations key "nginx.ingress.kubernetes.io\/configuration-snippet": expected no \*-snippet annotation/);
    expect(msg({ annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'location /x {}' } })).toMatch(/server-snippet/);
    expect(msg({ annotations: { 'nginx.ingress.kubernetes.io/auth-snippet': 'x' } })).toMatch(/auth-snippet/);
    expect(msg({ annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m;\n  location /admin { allow all; }' } }))
      .toMatch(/invalid annotations\["nginx.ingress.kubernetes.io\/proxy-body-size"\] .*expected a single-line value/);
    expect(msg({ annotations: { 'example.com/note': 'a\rb' } })).toMatch(/single-line/);
    // ordinary annotations stay accepted
    const ok = build(() => ({ annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } }))();
    expect(ok).toBeDefined();
  });

  test('service without namespace or selector, NodePort service, conflicting shim issuers, reserved annotations', () => {
    const chart = Testing.chart();
    const noNs = new kplus.Service(chart, 'a', { ports: [{ port: 80 }] });
    noNs.selectLabel('app', 'a');
    expect(() => new SecureIngress(chart, 'i1', {
      rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(noNs) }], certificate: IngressCertificate.fromSecret('t'),
    })).toThrow(/rules\[0\]\.backend\.service\.metadata\.namespace/);
    // the selector is read at synthesis (it may be set after the ingress): a Service that never selects fails there
    const late = Testing.chart();
    const noSel = new kplus.Service(late, 'b', { metadata: { namespace: 'web' }, ports: [{ port: 80 }] });
    new SecureIngress(late, 'i2', {
      rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(noSel) }], certificate: IngressCertificate.fromSecret('t'), requireZeroTrustNamespace: false,
    });
    expect(() => Testing.synth(late)).toThrow(ValidationError);
    expect(() => Testing.synth(late)).toThrow(/i2: invalid rules\[0\]\.backend\.service\.selector \{\}: expected a selector on Service/);
    // the selector is the Service's final one (a JSON patch counts: the controller routes to the pods it selects); a patched
    // selector that Kubernetes would refuse is refused naming the Service and where its selector was read
    const patched = (value: unknown): any[] => {
      const c = Testing.chart();
      new ZeroTrustNamespace(c, 'ns', { name: 'web' });
      const svc = new kplus.Service(c, 'svc', { metadata: { namespace: 'web' }, ports: [{ port: 80 }] });
      svc.selectLabel('app', 'web');
      ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/selector', value));
      new SecureIngress(c, 'i', { rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(svc) }], certificate: IngressCertificate.fromSecret('t') });
      return Testing.synth(c);
    };
    const selected = patched({ app: 'patched' }).filter((o) => o.kind === 'NetworkPolicy').map((p) => JSON.stringify(p.spec.podSelector));
    expect(selected).toContain(JSON.stringify({ matchLabels: { app: 'patched' } }));
    expect(selected).not.toContain(JSON.stringify({ matchLabels: { app: 'web' } }));
    for (const [value, field, shown] of [
      [{ app: 5 }, 'selector["app"]', '5'], [{ 'bad key': 'x' }, 'selector["bad key"]', '"x"'], [{ app: 'a'.repeat(64) }, 'selector["app"]', `"${'a'.repeat(64)}"`],
    ] as Array<[unknown, string, string]>) {
      const e = errorOf(() => patched(value));
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.message).toContain(`i: invalid rules[0].backend.service.${field} ${shown}: expected a `);
      expect(e.message).toContain('spec.selector of Service');
      expect(e.message).toContain('JSON patches included');
    }
    // a Service whose own synthesis fails is named, with its error
    const broken = Testing.chart();
    const bad = new kplus.Service(broken, 'svc', { metadata: { namespace: 'web' }, ports: [{ port: 80 }] });
    bad.selectLabel('app', 'web');
    ApiObject.of(bad).addJsonPatch(JsonPatch.test('/spec/type', 'NodePort'));
    new SecureIngress(broken, 'i', { rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(bad) }], certificate: IngressCertificate.fromSecret('t'), requireZeroTrustNamespace: false });
    expect(() => Testing.synth(broken)).toThrow(new RegExp(`i: invalid rules\\[0\\]\\.backend\\.service "[a-z0-9-]+": expected a Service that synthesizes: .*; Service ${broken.node.path}/svc failed: Failed serializing construct at path .*TEST_OPERATION_FAILED: Test operation failed$`));
    const np = new kplus.Service(chart, 'c', { metadata: { namespace: 'web' }, type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80 }] });
    np.selectLabel('app', 'c');
    expect(() => new SecureIngress(chart, 'i3', {
      rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(np) }], certificate: IngressCertificate.fromSecret('t'),
    })).toThrow(/rules\[0\]\.backend\.service\.type.*NodePort/);
    expect(build((s: any) => ({
      certificate: undefined,
      rules: [
        { host: 'a.example.com', backend: IngressBackend.fromService(s) },
        { host: 'b.example.com', backend: IngressBackend.fromService(s) },
      ],
      tls: [
        { hosts: ['a.example.com'], certificate: IngressCertificate.certManagerShim(CertIssuer.issuer('x')) },
        { hosts: ['b.example.com'], certificate: IngressCertificate.certManagerShim(CertIssuer.clusterIssuer('y')) },
      ],
    }))).toThrow(/tls\[1\]\.certificate.*ClusterIssuer\/y/);
    expect(build(() => ({ annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } })))
      .toThrow(/annotations\["nginx\.ingress\.kubernetes\.io\/ssl-redirect"\]/);
    expect(() => IngressController.custom({ className: 'x', namespace: 'x', podLabels: {} })).toThrow(/podLabels/);
    expect(build(() => ({
      controller: IngressController.custom({ className: 'x', namespace: 'x', podLabels: { a: 'b' } }),
      backendProtocol: BackendProtocol.HTTPS,
    }))).toThrow(/backendProtocol.*HTTPS/);
  });
});
