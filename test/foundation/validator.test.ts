import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { CRDS_DIR, expectInvalid, expectValid, synthAndValidate, validateObjects } from '../util';

function loadDocs(file: string): any[] {
  return (yaml.loadAll(fs.readFileSync(path.join(CRDS_DIR, file), 'utf8')) as any[]).filter((d) => d);
}

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080, name: 'http' }] }] },
      },
    },
  };
}

function networkPolicy(): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: 'shop' },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gw' } } }], ports: [{ port: 'http', protocol: 'TCP' }, { port: 8080 }] }],
    },
  };
}

describe('built-in kinds (Kubernetes 1.27 + 1.33)', () => {
  test('accepts a valid Deployment and NetworkPolicy', () => {
    expect(validateObjects([deployment(), networkPolicy()])).toEqual([]);
  });

  test('rejects an unknown top-level field', () => {
    const o = { ...deployment(), extra: true };
    const issues = expectInvalid(o, '.extra: unknown field "extra"');
    expect(issues[0].object).toBe('Deployment/shop/web');
    expect(issues[0].message).toContain('Kubernetes 1.27, 1.33');
  });

  test('rejects an unknown nested field', () => {
    const o = deployment();
    o.spec.template.spec.containers[0].portz = [];
    expectInvalid(o, '.spec.template.spec.containers[0].portz: unknown field "portz"');
  });

  test('rejects an unknown field under metadata', () => {
    const o = deployment();
    o.metadata.lables = { a: 'b' };
    expectInvalid(o, '.metadata.lables: unknown field');
  });

  test('rejects a wrong type', () => {
    const o = deployment();
    o.spec.replicas = 'three';
    expectInvalid(o, '.spec.replicas: Invalid value: "three": must be integer');
  });

  test('int-or-string accepts both and rejects others', () => {
    const np = networkPolicy();
    np.spec.ingress[0].ports[0].port = true;
    expectInvalid(np, '.spec.ingress[0].ports[0].port: Invalid value: true');
  });

  test('rejects a missing required field', () => {
    const o = deployment();
    delete o.spec.selector;
    expectInvalid(o, '.spec.selector: Required value');
  });

  test('rejects a bad name, namespace, label key and label value', () => {
    const o = deployment();
    o.metadata.name = 'Web_1';
    expectInvalid(o, '.metadata.name: Invalid value: "Web_1"');
    const n = deployment();
    n.metadata.namespace = 'a.b';
    expectInvalid(n, '.metadata.namespace: Invalid value: "a.b"');
    const k = deployment();
    k.metadata.labels = { 'bad key!': 'x' };
    expectInvalid(k, 'Invalid label key "bad key!"');
    const v = deployment();
    v.spec.template.metadata.labels = { app: 'x'.repeat(64) };
    expectInvalid(v, '.spec.template.metadata.labels["app"]: Invalid label value');
    const s = deployment();
    s.spec.selector.matchLabels = { app: '-web' };
    expectInvalid(s, '.spec.selector.matchLabels["app"]: Invalid label value');
  });

  test('Service names are DNS-1035 labels, RBAC names path segments', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } };
    expectInvalid(svc, 'DNS-1035');
    expectValid([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:web' }, rules: [] }]);
  });

  test('rejects a namespace on a cluster-scoped kind', () => {
    expectInvalid({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', namespace: 'x' } }, '.metadata.namespace: Forbidden');
  });

  test('rejects an unknown kind', () => {
    expectInvalid({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }, 'unknown apiVersion/kind v1 Widget');
    expectInvalid({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'unknown apiVersion/kind example.com/v1 Widget');
  });

  test('rejects an API removed by 1.33 (served by 1.27) and ones absent from both', () => {
    const fs2 = {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
      kind: 'FlowSchema',
      metadata: { name: 'f' },
      spec: { priorityLevelConfiguration: { name: 'global-default' } },
    };
    expect(validateObjects([fs2]).map((e) => e.message)).toEqual(['flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema is not served by Kubernetes 1.33']);
    expect(validateObjects([fs2], { versions: ['1.27'] })).toEqual([]);
    // and the reverse: its GA version (1.29) is not in our 1.27 floor
    expectInvalid({ ...fs2, apiVersion: 'flowcontrol.apiserver.k8s.io/v1' }, 'flowcontrol.apiserver.k8s.io/v1 FlowSchema is not served by Kubernetes 1.27');
    expectInvalid({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'p' }, spec: {} }, 'unknown apiVersion/kind policy/v1beta1 PodSecurityPolicy');
    expectInvalid({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i' } }, 'unknown apiVersion/kind extensions/v1beta1 Ingress');
  });

  test('synthAndValidate works on a Chart and an App and rejects invalid output', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'np', networkPolicy());
    expect(synthAndValidate(chart).map((o) => o.kind)).toEqual(['NetworkPolicy']);

    const app = Testing.app();
    new ApiObject(new Chart(app, 'a'), 'd', deployment());
    new ApiObject(new Chart(app, 'b'), 'np', networkPolicy());
    expect(synthAndValidate(app).map((o) => o.kind)).toEqual(['Deployment', 'NetworkPolicy']);

    const bad = new Chart(new App(), 'bad');
    new ApiObject(bad, 'np', { ...networkPolicy(), spec: { podSelector: {}, egres: [] } });
    expect(() => synthAndValidate(bad)).toThrow(/\.spec\.egres: unknown field "egres"/);
  });
});

describe('what the API server refuses beyond the schema: data keys, quantities', () => {
  const cm = (data: any, binaryData?: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data, binaryData });
  const secret = (f: 'data' | 'stringData', m: any) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, [f]: m });

  test('ConfigMap and Secret data keys: [-._a-zA-Z0-9]+, at most 253, not "." / ".." / "..x"', () => {
    expectValid([cm({ 'wg0.conf': 'x', '_a-B.9': 'y', ['k'.repeat(253)]: 'z' }), secret('data', { 'tls.crt': 'eA==' }), secret('stringData', { a_b: 'x' })]);
    for (const bad of ['wg+0.conf', 'a=b', 'a b', 'a/b', 'é', '', '.', '..', '..data']) {
      expectInvalid(cm({ [bad]: 'x' }), `.data[${JSON.stringify(bad)}]: Invalid value`);
      expectInvalid(secret('stringData', { [bad]: 'x' }), `.stringData[${JSON.stringify(bad)}]: Invalid value`);
      expectInvalid(secret('data', { [bad]: 'eA==' }), `.data[${JSON.stringify(bad)}]: Invalid value`);
    }
    expectInvalid(cm({ ['k'.repeat(254)]: 'x' }), 'must be no more than 253 characters');
    expectInvalid(cm({}, { 'a b': 'eA==' }), '.binaryData["a b"]: Invalid value');
    expectInvalid(cm({ a: 'x' }, { a: 'eA==' }), 'duplicate of key present in binaryData');
  });

  test('Quantity fields (container resources, ResourceQuota hard, LimitRange) take the Quantity grammar', () => {
    const withResources = (requests: any, limits: any) => {
      const d = deployment();
      d.spec.template.spec.containers[0].resources = { requests, limits };
      return d;
    };
    const quota = (hard: any) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'shop' }, spec: { hard } });
    const limitRange = (def: any) => ({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'l', namespace: 'shop' },
      spec: { limits: [{ type: 'Container', default: def, defaultRequest: { cpu: '100m' } }] },
    });
    const good = ['1', '500m', '1.5Gi', '.5', '1e3', '2E-2', '+1', '128974848', '129M', '123Mi', '0'];
    expectValid([withResources({ cpu: '250m', memory: '64Mi' }, { cpu: 1, memory: '128Mi' }), quota({ 'pods': '10', 'requests.cpu': 4 })]);
    expectValid(good.map((q) => quota({ 'requests.memory': q })));
    for (const bad of ['lots', '1 Gi', '1GB', '1gi', '1K', '', 'Mi', '1e3Gi', '1.2.3', ' 1']) {
      expectInvalid(withResources({ cpu: bad }, {}), '.spec.template.spec.containers[0].resources.requests.cpu: Invalid value');
      expectInvalid(withResources({}, { memory: bad }), '.resources.limits.memory: Invalid value');
      expectInvalid(quota({ 'requests.cpu': bad }), '.spec.hard["requests.cpu"]: Invalid value');
      expectInvalid(limitRange({ memory: bad }), '.spec.limits[0].default.memory: Invalid value');
    }
    expectInvalid(quota({ pods: 'lots' }), 'quantities must match the regular expression');
    // not a string or a number at all
    expectInvalid(quota({ pods: true }), '.spec.hard.pods: Invalid value');
  });
});

describe('custom resources (CRD openAPIV3Schema)', () => {
  const dir = 'istio/examples/validation-testdata';
  const files = fs.readdirSync(path.join(CRDS_DIR, dir)).sort();

  const cases: Array<[string, string, any, string | undefined]> = [];
  for (const f of files) {
    loadDocs(path.join(dir, f)).forEach((d, i) => {
      const { _err, ...obj } = d; // _err is the test-data's expected error, not part of the object
      cases.push([f, `#${i} ${obj.metadata.name}`, obj, _err]);
    });
  }

  test('the upstream examples are all here (2 authz, 3 DR, 6 PeerAuthentication invalid)', () => {
    expect(cases.filter((c) => c[0].endsWith('-invalid.yaml')).length).toBe(11);
    expect(cases.filter((c) => c[0].endsWith('-valid.yaml')).length).toBe(7);
  });

  test.each(cases.filter((c) => c[0].endsWith('-valid.yaml')))('accepts %s %s', (_f, _n, obj) => {
    expect(validateObjects([obj])).toEqual([]);
  });

  // the upstream expected error (API server wording) -> the fragment our validator reports
  const expected: Record<string, string> = {
    'Cannot set serviceAccounts with namespaces or principals': '.spec.rules[0].from[0].source: Invalid value',
    'spec.trafficPolicy.loadBalancer.warmup.minimumPercent: Invalid value': '.spec.trafficPolicy.loadBalancer.warmup.minimumPercent: Invalid value: 150',
    'spec.trafficPolicy.loadBalancer.warmup.duration: Required value': '.spec.trafficPolicy.loadBalancer.warmup.duration: Required value',
    'spec.trafficPolicy.loadBalancer.warmup.aggression: Invalid value': '.spec.trafficPolicy.loadBalancer.warmup.aggression: Invalid value: -0.1',
    'Unsupported value: "BLAH"': '.spec.mtls.mode: Unsupported value: "BLAH"',
    'type conversion error from': 'type conversion error from',
    'portLevelMtls requires selector': '.spec: Invalid value',
    'spec.portLevelMtls in body should have at least 1 properties': '.spec.portLevelMtls: Invalid value: {}: must NOT have fewer than 1 properties',
    'port must be between 1-65535': '.spec.portLevelMtls: Invalid value',
  };

  test.each(cases.filter((c) => c[0].endsWith('-invalid.yaml')))('rejects %s %s', (_f, _n, obj, err) => {
    expect(err).toBeDefined();
    const issues = expectInvalid(obj, expected[err!]);
    // the upstream message itself appears in ours whenever it is a rule message (not API-server wording)
    if (!err!.includes(':') && !err!.includes('in body')) expect(issues.map((e) => e.message).join('\n')).toContain(err);
  });

  test('OpenTelemetry collector examples are accepted (schema defaults applied first)', () => {
    const docs = fs.readdirSync(path.join(CRDS_DIR, 'opentelemetry-operator/examples')).flatMap((f) => loadDocs(`opentelemetry-operator/examples/${f}`));
    expect(docs.length).toBe(3);
    expect(validateObjects(docs)).toEqual([]);
    const v1beta1 = docs.find((d) => d.apiVersion === 'opentelemetry.io/v1beta1');
    expectInvalid({ ...v1beta1, spec: { ...v1beta1.spec, replicaz: 2 } }, '.spec.replicaz: unknown field');
  });

  test('k8gb examples are accepted', () => {
    const docs = fs.readdirSync(path.join(CRDS_DIR, 'k8gb/examples')).flatMap((f) => loadDocs(`k8gb/examples/${f}`));
    const gslbs = docs.filter((d) => d.kind === 'Gslb');
    expect(gslbs.length).toBe(4);
    expect(validateObjects(docs)).toEqual([]);
    expectInvalid({ ...gslbs[0], spec: { ...gslbs[0].spec, strategy: { type: 7 } } }, '.spec.strategy.type: Invalid value: 7: must be string');
  });

  test('IstioOperator profiles (named) are accepted', () => {
    const dir2 = 'istio/examples/istiooperator-profiles';
    for (const f of fs.readdirSync(path.join(CRDS_DIR, dir2))) {
      for (const d of loadDocs(`${dir2}/${f}`)) expectValid([{ ...d, metadata: { ...d.metadata, name: 'control-plane' } }]);
    }
  });

  test('custom resources get metadata checks', () => {
    const pa = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec: { mtls: { mode: 'STRICT' } } };
    expectValid([pa]);
    expectInvalid({ ...pa, metadata: { name: 'Default' } }, '.metadata.name: Invalid value: "Default"');
    expectInvalid({ ...pa, metadata: { name: 'd', labels: { a: 'b c' } } }, 'Invalid label value "b c"');
    expectInvalid({ ...pa, metadata: { name: 'd', uid2: 'x' } }, '.metadata.uid2: unknown field');
    expectInvalid({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'ca', namespace: 'x' }, spec: { selfSigned: {} } }, '.metadata.namespace: Forbidden');
  });

  test('an unserved or unknown CRD version is an unknown kind', () => {
    expectInvalid({ apiVersion: 'security.istio.io/v2', kind: 'PeerAuthentication', metadata: { name: 'd' } }, 'unknown apiVersion/kind');
  });
});

describe('CRDs among the validated objects', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'probes.validator.test.example' },
    spec: {
      group: 'validator.test.example',
      names: { kind: 'Probe', plural: 'probes', singular: 'probe', listKind: 'ProbeList' },
      scope: 'Namespaced',
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['primary'],
                properties: { primary: { type: 'string' }, port: { 'x-kubernetes-int-or-string': true }, extra: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } },
              },
            },
          },
        },
      }],
    },
  };
  const cr = { apiVersion: 'validator.test.example/v1', kind: 'Probe', metadata: { name: 'db', namespace: 'shop' }, spec: { primary: 'eu', port: 'pg', extra: { any: 1 } } };

  test('a CR is validated against a CRD in the same call', () => {
    expectValid([crd, cr]);
    expectInvalid(cr, 'unknown apiVersion/kind validator.test.example/v1 Probe');
    expectInvalid([crd, { ...cr, spec: { primary: 'eu', secondary: 'us' } }], '.spec.secondary: unknown field');
    expectInvalid([crd, { ...cr, spec: { primary: 'eu', port: 1.5 } }], '.spec.port: Invalid value: 1.5');
    expectInvalid([crd, { ...cr, spec: {} }], '.spec.primary: Required value');
  });

  test('the CustomResourceDefinition object itself is validated', () => {
    expectInvalid({ ...crd, metadata: { name: 'wrong.validator.test.example' } }, 'must be spec.names.plural + "." + spec.group');
    expectInvalid({ ...crd, spec: { ...crd.spec, scope: 'Namespaced', sope: 'x' } }, '.spec.sope: unknown field');
    const untyped = JSON.parse(JSON.stringify(crd));
    delete untyped.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.primary.type;
    expectInvalid(untyped, 'structural schema needs a type');
  });
});

describe('one apply unit holds each object once', () => {
  const cm = (scope: Chart, id: string, namespace: string, name: string) =>
    new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data: { a: 'b' } });

  test('two objects with one identity in a chart are an error naming both', () => {
    const chart = Testing.chart();
    cm(chart, 'one', 'shop', 'settings');
    cm(chart, 'two', 'shop', 'settings');
    expect(() => synthAndValidate(chart)).toThrow(/ConfigMap\/shop\/settings.*duplicate object: same group, kind, namespace and name as object #0/);
  });

  test('the same name in another namespace, or in another chart of an app (another cluster), is fine', () => {
    const app = Testing.app();
    const east = new Chart(app, 'east');
    const west = new Chart(app, 'west');
    cm(east, 'one', 'shop', 'settings');
    cm(east, 'two', 'other', 'settings');
    cm(west, 'one', 'shop', 'settings');
    expect(synthAndValidate(app)).toHaveLength(3);
  });
});
