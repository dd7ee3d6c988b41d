import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  absPath, badHostname, badPortNumber, dnsLabel, expectValidationError, hostname, portNumber, runs, timeoutFor,
} from './arbitraries';
import {
  CertIssuer, IngressBackend, IngressCertificate, IngressPathType, SecureIngress, SecureIngressRule, SecureIngressTls,
  ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

const NGINX_LABELS = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

/** A zero-trust namespace `web` with a Service `web` (80 -> 8080) selecting `app: web`. */
function backend(chart: Chart = Testing.chart(), port = 80, targetPort = 8080): { chart: Chart; service: kplus.Service } {
  new ZeroTrustNamespace(chart, 'ns', { name: 'web' });
  const service = new kplus.Service(chart, 'svc', {
    metadata: { name: 'web', namespace: 'web' },
    ports: [{ port, targetPort }],
  });
  service.selectLabel('app', 'web');
  return { chart, service };
}

const secret = IngressCertificate.fromSecret('web-tls');

describe('SecureIngress bad input (property)', () => {
  test('bad rule hosts (not a DNS name, wildcard not as the whole first label, empty): ValidationError naming rules[i].host and the host', () => {
    const bad = badHostname().filter((h) => h !== '*.a.com');
    fc.assert(fc.property(fc.array(hostname(), { maxLength: 2 }), bad, (good, host) => {
      const { chart, service } = backend();
      const rules: SecureIngressRule[] = [...good.map((h) => ({ host: h, backend: IngressBackend.fromService(service) })),
        { host, backend: IngressBackend.fromService(service) }];
      expectValidationError(() => new SecureIngress(chart, 'ing', { rules, certificate: secret }),
        { field: `rules[${good.length}].host`, value: host });
    }), runs(150));
  });

  test('bad TLS hosts: ValidationError naming tls[i].hosts[j] and the host', () => {
    const bad = badHostname().filter((h) => h !== '*.a.com');
    fc.assert(fc.property(hostname(), bad, (host, tlsHost) => {
      const { chart, service } = backend();
      expectValidationError(() => new SecureIngress(chart, 'ing', {
        rules: [{ host, backend: IngressBackend.fromService(service) }],
        tls: [{ hosts: [host, tlsHost], certificate: secret }],
      }), { field: 'tls[0].hosts[1]', value: tlsHost });
    }), runs(100));
  });

  test('hosts not covered by TLS (a wildcard covers exactly one label): ValidationError naming rules[i].host and the host', () => {
    // [certificate host, rule host] pairs where the rule host is NOT covered
    const label = dnsLabel(10);
    const uncovered = fc.tuple(label, label, hostname()).chain(([x, y, parent]) => fc.constantFrom(
      [`*.${parent}`, `${x}.${y}.${parent}`], // two labels under the wildcard
      [`*.${parent}`, parent], // the parent itself
      [`*.${parent}`, `*.${x}.${parent}`], // a deeper wildcard
      [`${x}.${parent}`, `*.${parent}`], // a wildcard rule host is covered only by the same wildcard
      [`*.${x}.${parent}`, `${x}.${parent}`],
      [parent, `${x}.${parent}`],
    ).filter(([c, h]) => c !== h));
    fc.assert(fc.property(uncovered, fc.boolean(), ([certHost, host], coveredFirst) => {
      const { chart, service } = backend();
      // an optional covered rule before it: the error names the uncovered rule's index
      const rules: SecureIngressRule[] = [
        ...(coveredFirst ? [{ host: certHost.replace(/^\*\./, 'w.'), backend: IngressBackend.fromService(service) }] : []),
        { host, backend: IngressBackend.fromService(service) },
      ];
      const tls: SecureIngressTls[] = [{ hosts: [certHost], certificate: secret }];
      expectValidationError(() => new SecureIngress(chart, 'ing', { rules, tls }),
        { field: `rules[${rules.length - 1}].host`, value: host });
    }), runs(200));
  });

  test('paths without a leading \'/\' (or with characters ingress-nginx refuses): ValidationError naming rules[i].path and the path', () => {
    const noSlash = fc.oneof(
      fc.constantFrom('', 'api', 'api/v1', './api', ' /api', '*', '?x=1', 'http://a.com/x'),
      absPath().map((p) => p.slice(1)),
    );
    const badChars = fc.tuple(absPath(), fc.constantFrom(' ', '{', '}', ';', '$', '.*', '?', '\t')).map(([p, c]) => `${p}${c}x`);
    fc.assert(fc.property(fc.oneof(noSlash, badChars), fc.constantFrom(IngressPathType.PREFIX, IngressPathType.EXACT), (path, pathType) => {
      const { chart, service } = backend();
      expectValidationError(() => new SecureIngress(chart, 'ing', {
        rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(service) }, { host: 'a.example.com', path, pathType, backend: IngressBackend.fromService(service) }],
        certificate: secret,
      }), { field: 'rules[1].path', value: path });
    }), runs(150));
  });

  test('bad ports (0, 65536, negative, fractional) for a backend, and ports the Service does not have: ValidationError naming the port field and value', () => {
    fc.assert(fc.property(badPortNumber(), fc.constantFrom('service', 'workload', 'servicePort'), (port, where) => {
      const { chart, service } = backend();
      if (where === 'service') {
        expectValidationError(() => IngressBackend.fromService(service, { port }), { field: 'options.port', value: port });
      } else {
        const w = new kplus.Deployment(chart, 'w', { metadata: { namespace: 'web' }, containers: [{ image: 'web:1', portNumber: 8080 }] });
        const field = where === 'workload' ? 'port' : 'servicePort';
        expectValidationError(() => IngressBackend.fromWorkload(w, { [field]: port }), { field: `options.${field}`, value: port });
      }
    }), runs(150));
    fc.assert(fc.property(portNumber(), portNumber(), (servicePort, asked) => {
      fc.pre(servicePort !== asked);
      const { chart, service } = backend(Testing.chart(), servicePort);
      expectValidationError(() => new SecureIngress(chart, 'ing', {
        rules: [{ host: 'a.example.com', backend: IngressBackend.fromService(service, { port: asked }) }],
        certificate: secret,
      }), { field: 'rules[0].backend.port', value: asked });
    }), runs(100));
  });

  test('no rules (empty list, missing): ValidationError naming rules', () => {
    fc.assert(fc.property(fc.constantFrom<any>([], undefined, null), fc.boolean(), (rules, withTls) => {
      const { chart } = backend();
      expectValidationError(() => new SecureIngress(chart, 'ing', {
        rules,
        ...(withTls ? { tls: [{ hosts: ['a.example.com'], certificate: secret }] } : { certificate: secret }),
      }), { field: 'rules', value: rules });
    }), runs(20));
  });
});

interface GenIngress {
  readonly rules: Array<{ host: string; path: string; pathType: IngressPathType; svc: number }>;
  readonly services: Array<{ port: number; targetPort: number }>;
  readonly cert: 'secret' | 'certManager' | 'shim';
  readonly wildcard: boolean;
}

/** 1..4 rules over 1..3 hosts under one parent (optionally all served by one wildcard), 1..2 Services. */
function genIngress(): fc.Arbitrary<GenIngress> {
  const svc = fc.tuple(portNumber(), portNumber()).map(([port, targetPort]) => ({ port, targetPort }));
  return fc.record({
    services: fc.uniqueArray(svc, { minLength: 1, maxLength: 2, selector: (s) => s.port }),
    labels: fc.uniqueArray(dnsLabel(10), { minLength: 1, maxLength: 3 }),
    parent: hostname(),
    cert: fc.constantFrom<GenIngress['cert']>('secret', 'certManager', 'shim'),
    wildcard: fc.boolean(),
  }).chain((g) => fc.uniqueArray(fc.record({
    host: fc.constantFrom(...g.labels.map((l) => `${l}.${g.parent}`)),
    path: fc.oneof(fc.constant('/'), absPath()),
    pathType: fc.constantFrom(IngressPathType.PREFIX, IngressPathType.EXACT),
    svc: fc.integer({ min: 0, max: g.services.length - 1 }),
  }), { minLength: 1, maxLength: 4, selector: (r) => `${r.host} ${r.pathType} ${r.path}` })
    .map((rules) => ({ rules, services: g.services, cert: g.cert, wildcard: g.wildcard })));
}

function buildIngress(g: GenIngress): { chart: Chart; ing: SecureIngress } {
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'ns', { name: 'web' });
  const services = g.services.map((s, i) => {
    const svc = new kplus.Service(chart, `svc${i}`, { metadata: { name: `web${i}`, namespace: 'web' }, ports: [{ port: s.port, targetPort: s.targetPort }] });
    svc.selectLabel('app', `web${i}`);
    return svc;
  });
  const issuer = CertIssuer.clusterIssuer('letsencrypt');
  const certificate = g.cert === 'secret' ? IngressCertificate.fromSecret('web-tls')
    : g.cert === 'certManager' ? IngressCertificate.certManager(issuer) : IngressCertificate.certManagerShim(issuer);
  const rules = g.rules.map((r) => ({ host: r.host, path: r.path, pathType: r.pathType, backend: IngressBackend.fromService(services[r.svc]) }));
  const parent = g.rules[0].host.slice(g.rules[0].host.indexOf('.') + 1);
  const ing = new SecureIngress(chart, 'ing', {
    name: 'web',
    rules,
    ...(g.wildcard ? { tls: [{ hosts: [`*.${parent}`], certificate }] } : { certificate }),
  });
  return { chart, ing };
}

describe('SecureIngress valid input (property)', () => {
  test('generated ingresses synthesize to schema-valid objects, deterministically, TLS-only, and admit only the controller on the target ports', () => {
    fc.assert(fc.property(genIngress(), (g) => {
      const objs = synthAndValidate(buildIngress(g).chart);
      expect(JSON.stringify(Testing.synth(buildIngress(g).chart))).toBe(JSON.stringify(objs));
      const [ing] = objs.filter((o) => o.kind === 'Ingress');
      expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
      const tlsHosts: string[] = ing.spec.tls.flatMap((t: any) => t.hosts);
      const parent = g.rules[0].host.slice(g.rules[0].host.indexOf('.') + 1);
      for (const r of ing.spec.rules) {
        expect(tlsHosts).toContain(g.wildcard ? `*.${parent}` : r.host);
      }
      // every generated route is there, once
      const routes = ing.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => `${r.host} ${p.pathType} ${p.path} ${p.backend.service.name}:${p.backend.service.port.number}`));
      expect(routes.sort()).toEqual(g.rules.map((r) => `${r.host} ${r.pathType} ${r.path} web${r.svc}:${g.services[r.svc].port}`).sort());
      expect(objs.filter((o) => o.kind === 'Certificate')).toHaveLength(g.cert === 'certManager' ? 1 : 0);
      // the backend pods accept the controller's pods, on the target ports only
      const used = Array.from(new Set(g.rules.map((r) => r.svc)));
      for (const i of used) {
        const nps = objs.filter((o) => o.kind === 'NetworkPolicy' && o.spec.ingress && o.spec.podSelector?.matchLabels?.app === `web${i}`);
        const from = nps.flatMap((np) => np.spec.ingress);
        expect(from.length).toBeGreaterThan(0);
        for (const rule of from) {
          expect(rule.from).toEqual([{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
            podSelector: { matchLabels: NGINX_LABELS },
          }]);
          expect(rule.ports).toEqual([{ protocol: 'TCP', port: g.services[i].targetPort }]);
        }
      }
    }), runs(100));
  }, timeoutFor(100, 300));
});
