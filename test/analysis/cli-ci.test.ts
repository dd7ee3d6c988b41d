import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deploy, istio, netpol, ns } from './fixtures';
import { generatedFile, OUT_FILE } from '../../scripts/analysis-schemas';
import { expectValid } from '../util';
import { cli, writeManifests } from './cli-run';

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-cli-ci-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (rel: string, objs: any[] | string): string => writeManifests(tmp, rel, objs);

/** shop: web -> api on TCP 8080, everything else denied (ingress and egress). */
function shop(): any[] {
  return [
    ns('shop'),
    deploy('shop', 'web'),
    deploy('shop', 'api'),
    netpol('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    netpol('shop', 'web-to-api', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
    }),
    netpol('shop', 'web-egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }],
    }),
  ];
}

const FLOW = 'shop/web[Deployment] => shop/api[Deployment] : TCP 8080';

describe('strict input', () => {
  test('the fixtures are valid Kubernetes objects', () => {
    expectValid(shop());
  });

  test('a misspelled field is an error naming file, object and field; --lenient analyses it', () => {
    const objs = shop();
    objs[4].spec.podSelectr = objs[4].spec.podSelector;
    delete objs[4].spec.podSelector;
    const f = write('typo/all.yaml', objs);
    const r = cli(['analyze', f]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${f} (document 5): NetworkPolicy shop/web-to-api: field spec.podSelectr: unknown field (valid: egress, ingress, podSelector, policyTypes)`);
    expect(r.err).toContain('--lenient analyses them anyway');
    // lenient: the policy without podSelector selects every pod of shop (what the API server would never store)
    const lenient = cli(['analyze', f, '--lenient']);
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain(FLOW);
  });

  test('wrong types and invalid enum values in NetworkPolicies and Istio policies', () => {
    const objs = shop();
    objs[4].spec.ingress[0].ports[0].port = true;
    objs.push(istio('AuthorizationPolicy', 'shop', 'api', { action: 'PERMIT', rules: [{ from: [{ source: { principal: ['x'] } }] }] }));
    objs.push(istio('PeerAuthentication', 'shop', 'strict', { mtls: { mode: 'STRICT' }, selector: 'app=api' }));
    const r = cli(['analyze', write('types/all.yaml', objs)]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('NetworkPolicy shop/web-to-api: field spec.ingress[0].ports[0].port: expected an integer or a string, got boolean true');
    expect(r.err).toContain('AuthorizationPolicy shop/api: field spec.action: invalid value "PERMIT" (valid: ALLOW, DENY, AUDIT, CUSTOM)');
    expect(r.err).toContain('AuthorizationPolicy shop/api: field spec.rules[0].from[0].source.principal: unknown field (valid: ');
    expect(r.err).toContain('PeerAuthentication shop/strict: field spec.selector: expected a mapping, got the string "app=api"');
  });

  test('a spec that is a string is an error even with --lenient; labels must be strings', () => {
    const objs = shop();
    objs[3].spec = 'podSelector: {}';
    const f = write('stringspec/all.yaml', objs);
    for (const extra of [[], ['--lenient']]) {
      const r = cli(['analyze', f, ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('NetworkPolicy shop/default-deny: field spec: expected a mapping, got the string "podSelector: {}"');
    }
    const labels = shop();
    labels[1].spec.template.metadata.labels = { app: 'web', tier: 3 };
    expect(cli(['analyze', write('labels/all.yaml', labels)]).err)
      .toContain('Deployment shop/web: field spec.template.metadata.labels.tier: expected a string, got number 3');
  });

  test('an apiVersion that does not serve the kind is an error', () => {
    const objs = shop();
    objs[3].apiVersion = 'networking.k8s.io/v1beta1';
    expect(cli(['analyze', write('version/all.yaml', objs)]).err)
      .toContain('NetworkPolicy shop/default-deny: field apiVersion: "networking.k8s.io/v1beta1" does not serve NetworkPolicy (valid: networking.k8s.io/v1)');
  });

  test('the embedded schemas are what scripts/analysis-schemas.ts generates from schemas/ and crds/', () => {
    expect(fs.readFileSync(OUT_FILE, 'utf8')).toBe(generatedFile());
  });
});

describe('--expect, junit and the pull-request summary', () => {
  test('the expected list is what --format txt prints: exit 0 when it holds', () => {
    const dir = path.join(tmp, 'expect-ok');
    write('expect-ok/all.yaml', shop());
    const txt = cli(['analyze', dir]);
    expect(txt.out).toBe(`${FLOW}\n`);
    const exp = write('expect-ok.txt', `# the flows we allow\n${txt.out}`);
    expect(cli(['analyze', dir, '--expect', exp])).toEqual({ code: 0, out: txt.out, err: '' });
    // `src => dst` alone accepts any ports; ns/name stands for ns/name[Kind]
    expect(cli(['analyze', dir, '--expect', write('any.txt', 'shop/web => shop/api\n')]).code).toBe(0);
  });

  test('a difference exits 1 and prints what is unexpectedly allowed, missing or different', () => {
    const dir = path.join(tmp, 'expect-bad');
    const objs = shop();
    objs[4].spec.ingress[0].ports.push({ port: 9090 });
    objs[5].spec.egress[0].ports.push({ port: 9090 });
    objs.push(netpol('shop', 'open-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }));
    write('expect-bad/all.yaml', objs);
    const exp = write('expect-bad.txt', `${FLOW}\nshop/web => shop/db : TCP 5432\n`);
    const r = cli(['analyze', dir, '--expect', exp]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`allowed connections differ from ${exp}`);
    expect(r.err).toContain('+ 0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections');
    expect(r.err).toContain(`~ ${FLOW}   (${exp}:1: expected TCP 8080, but TCP 8080,9090 is allowed)`);
    expect(r.err).toContain(`- shop/web => shop/db : TCP 5432   (${exp}:2)`);
    const junit = cli(['analyze', dir, '--expect', exp, '--format', 'junit']);
    expect(junit.code).toBe(1);
    expect(junit.out).toContain('<testsuites name="cdk8s-zero-trust analyze" tests="3" failures="3">');
    expect(junit.out).toContain('<testcase classname="reachability" name="shop/web[Deployment] =&gt; shop/api[Deployment] : TCP 8080">\n      <failure message="expected TCP 8080, but TCP 8080,9090 is allowed"/>');
    expect(junit.out).toContain('<testcase classname="reachability" name="shop/web =&gt; shop/db : TCP 5432">\n      <failure message="expected to be allowed, but no connection is allowed"/>');
    expect(junit.out).toContain('name="unexpected: 0.0.0.0-255.255.255.255[External] =&gt; shop/web[Deployment] : All Connections"');
    const md = cli(['analyze', dir, '--expect', exp, '--format', 'summary']);
    expect(md.out).toContain('❌ 3 differences from');
    expect(md.out).toContain('```diff\n+ 0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections\n! ');
  });

  test('a passing junit report has one passing test case per expected flow', () => {
    const dir = path.join(tmp, 'junit-ok');
    write('junit-ok/all.yaml', shop());
    const r = cli(['analyze', dir, '--expect', write('junit-ok.txt', `${FLOW}\n`), '--format', 'junit']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tests="1" failures="0"');
    expect(r.out).toContain('<testcase classname="reachability" name="shop/web[Deployment] =&gt; shop/api[Deployment] : TCP 8080"/>');
  });

  test('a bad expected line names file and line', () => {
    write('badexp/all.yaml', shop());
    const r = cli(['analyze', path.join(tmp, 'badexp'), '--expect', write('bad.txt', '\nweb -> api\n')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.txt:2: cannot read "web -> api" (valid: "src => dst : conns", "src => dst", "## cluster", "# comment")');
  });
});

describe('--namespace in every format', () => {
  test('txt and json keep only connections that touch the namespace', () => {
    const objs = [...shop(), ns('other'), deploy('other', 'lonely')];
    const f = write('nsfilter/all.yaml', objs);
    const all = cli(['analyze', f]).out;
    expect(all).toContain('other/lonely[Deployment]');
    const txt = cli(['analyze', f, '--namespace', 'shop']).out;
    expect(txt).toBe(`${FLOW}\n`);
    expect(JSON.parse(cli(['analyze', f, '-n', 'shop', '--format', 'json']).out)).toEqual([{ src: 'shop/web[Deployment]', dst: 'shop/api[Deployment]', conn: 'TCP 8080' }]);
  });
});

describe('the platform', () => {
  /** shop/web behind an Ingress, admitting only the ingress-nginx controller pods on 8080. */
  function exposed(): any[] {
    return [
      ns('shop'), ns('ingress-nginx'), deploy('shop', 'web'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
      },
      netpol('shop', 'from-controller', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
          ports: [{ port: 8080 }],
        }],
      }),
    ];
  }

  test('the ingress controller is where the library\'s constructs assume it: --explain shows the allowed path', () => {
    const objs = exposed();
    expectValid(objs);
    const f = write('exposed/all.yaml', objs);
    const r = cli(['analyze', f, '--explain', '{ingress-controller}', 'shop/web']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('{ingress-controller} => shop/web[Deployment] : TCP 8080');
    expect(r.out).toContain('ingress: shop/from-controller ingress rule 0 allows TCP 8080');
    // netpol-analyzer's placeholder namespace is admitted by no namespaceSelector
    expect(cli(['analyze', f, '--no-platform', '--explain', '{ingress-controller}', 'shop/web']).out.split('\n')[0])
      .toBe('{ingress-controller} => shop/web[Deployment] : No Connections');
    // a controller elsewhere (flag or platform file) is judged there
    expect(cli(['analyze', f, '--ingress-controller', 'traefik:app=traefik']).out).toContain('# 1 policy rule peer selects pods that are not modelled');
    const pf = write('traefik.yaml', 'ingressController: { namespace: traefik, labels: { app: traefik } }\n');
    expect(cli(['analyze', f, '--platform', pf]).out).toContain('#   shop/from-controller ingress rule 0 peer 0: pods app.kubernetes.io/name=ingress-nginx in namespaces kubernetes.io/metadata.name=ingress-nginx (TCP 8080)');
  });

  test('platform file errors name the file, the key and what is valid', () => {
    const f = write('exposed2/all.yaml', exposed());
    const bad = (text: string): string => cli(['analyze', f, '--platform', write('bad-platform.yaml', text)]).err;
    expect(bad('ingres: {}\n')).toContain('bad-platform.yaml: ingres: invalid value {} (unknown key; valid: ingressController, dns, meshControlPlane, gateways, standIns, nodeCidrs, podCidrs)');
    expect(bad('standIns: [{ namespace: x, name: y, labels: { a: 1 } }]\n')).toContain('standIns[0].labels.a: invalid value 1 (valid: a string label value)');
    expect(bad('standIns: [{ namespace: x, name: y, labels: {}, ports: [http] }]\n')).toContain('standIns[0].ports[0]: invalid value "http" (valid: 1-65535, optionally with a protocol: TCP/8080, UDP/53)');
    expect(bad('dns: null\nstandIns: [{ namespace: x, labels: {} }]\n')).toContain('standIns[0].name: invalid value undefined (valid: a workload name)');
  });

  test('a stand-in declared in the platform file is modelled, and the rules that reach it are no longer listed', () => {
    const objs = [...shop(), netpol('shop', 'web-to-jaeger', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tracing' } }, podSelector: { matchLabels: { app: 'jaeger' } } }], ports: [{ port: 4317 }] }],
    })];
    const f = write('standin/all.yaml', objs);
    const before = cli(['analyze', f]).out;
    expect(before).toContain('#   shop/web-to-jaeger egress rule 0 peer 0: pods app=jaeger in namespaces kubernetes.io/metadata.name=tracing (TCP 4317)');
    const pf = write('jaeger.yaml', 'standIns:\n  - { namespace: tracing, name: jaeger, labels: { app: jaeger }, ports: [4317] }\n');
    const after = cli(['analyze', f, '--platform', pf]).out;
    expect(after).toContain('shop/web[Deployment] => tracing/jaeger[Deployment] : TCP 4317');
    expect(after).not.toContain('not modelled');
  });

  test('policies the analyzer does not evaluate (Calico, Cilium) are an error, a notice with --lenient', () => {
    const cnp = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'deny-all', namespace: 'shop' },
      spec: { endpointSelector: {}, ingressDeny: [{ fromEntities: ['all'] }] },
    };
    const f = write('cilium/all.yaml', [...shop(), cnp]);
    const r = cli(['analyze', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f} (document 7): CiliumNetworkPolicy shop/deny-all (cilium.io/v2)`);
    expect(r.err).toContain('the allowed connections would ignore them');
    const lenient = cli(['analyze', f, '--lenient']);
    expect(lenient.code).toBe(0);
    expect(lenient.err).toContain('notice: 1 policy of a kind the analyzer does not evaluate');
  });
});
