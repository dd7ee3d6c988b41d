import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, DependencyGraph, JsonPatch, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { buildEcommerce } from '../../sample/ecommerce';
import { Tunable } from '../../src/core/tunable';
import { ValidationError } from '../../src/core/validation-error';
import { HelmChart, HelmTemplateLayout } from '../../src/helm';
import { expectValid, HELM_LINES } from '../util';
import { byKey, helm, helmOn, helmTemplate, helmTemplateOn, objectKey, splitRendered, tmp } from './helm-run';

const KYVERNO_MESSAGE = 'Pod {{ request.object.metadata.name }} in {{request.namespace}} needs the label app';
const FLUENTD = '<match app.**>\n  @type elasticsearch\n  index_name fluentd-${tag}\n</match>';
const JSONISH = '{"rules":{"a":{}},"b":[{}]}';

/** One cluster's chart: a namespace, a workload with tunables, policies with `{{ }}`, a CRD. */
function clusterChart(app: App, id: string): Chart {
  const chart = new Chart(app, id);
  const ns = `shop-${id}`;
  new k8s.KubeNamespace(chart, 'ns', { metadata: { name: ns } });

  const replicas = Tunable.integer('web.replicas', 2, { description: 'Replicas of the web frontend', minimum: 1 });
  const repo = Tunable.string('web.image.repository', 'registry.example.com/web');
  const tag = Tunable.string('web.image.tag', '1.27.3');
  const image = Tunable.bindFormat; // bound below, once the Deployment exists
  const dep = new k8s.KubeDeployment(chart, 'web', {
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: replicas.asNumber(),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            name: 'web',
            image: `${repo.asString()}:${tag.asString()}`,
            env: [
              // a tunable placed directly where a string is expected (implicit token)
              { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: Tunable.string('tracing.endpoint', 'http://jaeger-collector.observability:4317') as any },
              { name: 'TRACING', value: 'on' },
            ],
          }],
        },
      },
    },
  });
  replicas.bindTo(dep, '/spec/replicas');
  image(dep, '/spec/template/spec/containers/0/image', '%s:%s', [repo, tag]);

  new k8s.KubeService(chart, 'svc', {
    metadata: { name: 'web', namespace: ns },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: Tunable.integer('web.port', 8080) as any }] },
  });
  new k8s.KubeConfigMap(chart, 'fluentd', {
    metadata: { name: 'fluentd', namespace: ns },
    data: { 'fluent.conf': FLUENTD, 'json': JSONISH, 'kyverno': KYVERNO_MESSAGE },
  });
  new ApiObject(chart, 'policy', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: `require-app-label-${id}` },
    spec: {
      background: Tunable.flag('policy.background', true) as any,
      rules: [{
        name: 'check-app-label',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        validate: { failureAction: 'Enforce', message: KYVERNO_MESSAGE, pattern: { metadata: { labels: { app: '?*' } } } },
      }],
    },
  });
  new ApiObject(chart, 'crd', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.zt.example.com' },
    spec: {
      group: 'zt.example.com',
      names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', description: 'a {{ brace }} in a CRD' } } }],
    },
  });
  return chart;
}

function fleetApp(): App {
  const app = new App();
  for (const id of ['eu-west', 'us-east', 'ap-south']) {
    clusterChart(app, id);
  }
  return app;
}

/** Leaves of a JSON value as `path -> JSON`, for field-by-field diffs. */
function leaves(v: any, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      leaves(v[k], `${prefix}/${k}`, out);
    }
  } else {
    out.set(prefix, JSON.stringify(v));
  }
  return out;
}

/** Fields (`objectKey#path`) that differ between two object lists. */
function changedFields(before: any[], after: any[]): string[] {
  const a = new Map<string, Map<string, string>>(before.map(o => [objectKey(o), leaves(o)]));
  const b = new Map<string, Map<string, string>>(after.map(o => [objectKey(o), leaves(o)]));
  const changed: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const la = a.get(key) ?? new Map();
    const lb = b.get(key) ?? new Map();
    for (const p of new Set([...la.keys(), ...lb.keys()])) {
      if (la.get(p) !== lb.get(p)) {
        changed.push(`${key}#${p}`);
      }
    }
  }
  return changed.sort();
}

/** `kind/name` of each document of a template file (multi-document YAML; may hold value actions). */
function documents(text: string): string[] {
  return text.split(/^---\n/m).map(d => `${/^kind: (.*)$/m.exec(d)?.[1]}/${/^metadata:\n(?: {2}.*\n)*? {2}name: (.*)$/m.exec(d)?.[1]}`);
}

/** The templates each layout writes for one cluster chart of fleetApp(). */
const TEMPLATE_FILES: Record<HelmTemplateLayout, (c: string) => string[]> = {
  [HelmTemplateLayout.PER_NAMESPACE]: (c) => [
    'templates/cluster-scoped.yaml',
    `templates/namespace-shop-${c}.yaml`,
  ],
  [HelmTemplateLayout.PER_OBJECT]: (c) => [
    `templates/clusterpolicy-require-app-label-${c}.yaml`,
    `templates/configmap-shop-${c}-fluentd.yaml`,
    `templates/deployment-shop-${c}-web.yaml`,
    `templates/namespace-shop-${c}.yaml`,
    `templates/service-shop-${c}-web.yaml`,
  ],
};

describe.each([HelmTemplateLayout.PER_NAMESPACE, HelmTemplateLayout.PER_OBJECT])('HelmChart of a fleet (one Helm chart per cluster chart), layout %s', (templateLayout) => {
  const app = fleetApp();
  const outdir = tmp('helm-fleet');
  const charts = HelmChart.writeApp(app, outdir, { version: '1.2.0', appVersion: '2026.11', keywords: ['zero-trust', 'fleet'], templateLayout });
  const plainByChart = new Map(app.charts.map((c, i) => [charts[i].name, c.toJson()]));
  const dir = (name: string) => path.join(outdir, name);

  test('one chart directory per cdk8s chart, with the Helm layout', () => {
    expect(charts.map(c => c.name)).toEqual(['eu-west', 'us-east', 'ap-south']);
    for (const c of charts) {
      expect(c.templateLayout).toBe(templateLayout);
      expect(Object.keys(c.files())).toEqual([
        'Chart.yaml',
        'crds/customresourcedefinition-widgets.zt.example.com.yaml',
        'templates/NOTES.txt',
        ...TEMPLATE_FILES[templateLayout](c.name),
        'values.schema.json',
        'values.yaml',
      ]);
      for (const f of Object.keys(c.files())) {
        expect(fs.readFileSync(path.join(dir(c.name), f), 'utf8')).toBe(c.files()[f]);
      }
      expect(c.warnings).toEqual([]);
      expect(c.files()['templates/NOTES.txt']).toContain('5 objects in templates/, 1 CRD files in crds/.');
    }
    const meta = Yaml.load(path.join(dir('eu-west'), 'Chart.yaml'))[0];
    expect(meta).toEqual({
      apiVersion: 'v2',
      name: 'eu-west',
      description: 'Zero-trust manifests of eu-west, generated by cdk8s-zero-trust',
      type: 'application',
      version: '1.2.0',
      appVersion: '2026.11',
      kubeVersion: '>=1.27.0-0',
      keywords: ['zero-trust', 'fleet'],
    });
  });

  test('values.yaml lists every tunable with its default; the schema types each one', () => {
    const c = charts[0];
    expect(c.values()).toEqual({
      policy: { background: true },
      tracing: { endpoint: 'http://jaeger-collector.observability:4317' },
      web: { image: { repository: 'registry.example.com/web', tag: '1.27.3' }, port: 8080, replicas: 2 },
    });
    expect(Yaml.load(path.join(dir(c.name), 'values.yaml'))[0]).toEqual(c.values());
    const schema = JSON.parse(fs.readFileSync(path.join(dir(c.name), 'values.schema.json'), 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.web.additionalProperties).toBe(false);
    expect(schema.properties.web.properties.replicas).toEqual({ type: 'integer', description: 'Replicas of the web frontend', minimum: 1, default: 2 });
    expect(schema.properties.policy.properties.background.type).toBe('boolean');
    expect(schema.properties.web.properties.image.properties.tag.type).toBe('string');
    expect(c.files()).toMatchSnapshot();
  });

  if (templateLayout === HelmTemplateLayout.PER_NAMESPACE) {
    test('a namespace\'s file holds its objects in apply order; cluster-scoped.yaml the objects without a namespace', () => {
      const files = charts[0].files();
      // apply order (ApplyOrder): Helm's install order by kind, not the chart's construction order
      expect(documents(files['templates/namespace-shop-eu-west.yaml'])).toEqual(['ConfigMap/fluentd', 'Service/web', 'Deployment/web']);
      expect(documents(files['templates/cluster-scoped.yaml'])).toEqual(['Namespace/shop-eu-west', 'ClusterPolicy/require-app-label-eu-west']);
      // each document is the per-object template, byte for byte (value actions included)
      const perObject = HelmChart.fromChart(app.charts[0], { templateLayout: HelmTemplateLayout.PER_OBJECT }).files();
      expect(files['templates/namespace-shop-eu-west.yaml']).toBe([
        perObject['templates/configmap-shop-eu-west-fluentd.yaml'],
        perObject['templates/service-shop-eu-west-web.yaml'],
        perObject['templates/deployment-shop-eu-west-web.yaml'],
      ].join('---\n'));
      expect(files['templates/namespace-shop-eu-west.yaml']).toContain('replicas: {{ .Values.web.replicas | int64 }}');
    });
  }

  test.each(HELM_LINES)('Helm %s: helm lint --strict passes for every chart', (line) => {
    for (const c of charts) {
      const r = helmOn(line, 'lint', '--strict', dir(c.name));
      expect({ chart: c.name, status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ chart: c.name, status: 0, out: '' });
    }
  });

  test.each(HELM_LINES)('Helm %s: helm template with default values renders exactly the plain synth objects', (line) => {
    for (const c of charts) {
      const plain = plainByChart.get(c.name)!;
      const docs = splitRendered(helmTemplateOn(line, dir(c.name)));
      const rendered = docs.map(d => d.object);
      expect(byKey(rendered)).toEqual(byKey(plain));
      expectValid(rendered);
      // bytes: every object is byte-identical to plain synth except where a string tunable is
      // rendered through toJson (always double-quoted; plain synth quotes only when needed)
      const plainText = new Map(plain.map(o => [objectKey(o), Yaml.stringify(o)]));
      // (helm prints a CRD from crds/ followed by one extra empty line)
      const differing = docs.filter(d => plainText.get(objectKey(d.object)) + (d.source.includes('/crds/') ? '\n' : '') !== d.text)
        .map(d => d.object.kind).sort();
      expect(differing).toEqual(['Deployment']);
      const dep = docs.find(d => d.object.kind === 'Deployment')!;
      const unquoted = dep.text
        .replace('"registry.example.com/web:1.27.3"', 'registry.example.com/web:1.27.3')
        .replace('"http://jaeger-collector.observability:4317"', 'http://jaeger-collector.observability:4317');
      expect(unquoted).toBe(plainText.get(objectKey(dep.object)));
    }
  });

  test.each(HELM_LINES)('Helm %s: Kyverno {{ }} and Fluentd ${} strings round-trip verbatim', (line) => {
    const docs = splitRendered(helmTemplateOn(line, dir('eu-west')));
    const cm = docs.find(d => d.object.kind === 'ConfigMap')!.object;
    expect(cm.data).toEqual({ 'fluent.conf': FLUENTD, 'json': JSONISH, 'kyverno': KYVERNO_MESSAGE });
    const policy = docs.find(d => d.object.kind === 'ClusterPolicy')!.object;
    expect(policy.spec.rules[0].validate.message).toBe(KYVERNO_MESSAGE);
    // CRDs are not templated: copied as plain YAML, braces untouched
    const crd = docs.find(d => d.object.kind === 'CustomResourceDefinition')!;
    expect(crd.source).toBe('eu-west/crds/customresourcedefinition-widgets.zt.example.com.yaml');
    expect(crd.object.spec.versions[0].schema.openAPIV3Schema.description).toBe('a {{ brace }} in a CRD');
  });

  test('--set and -f change exactly the overridden fields, with the right YAML types', () => {
    const c = charts[1];
    const plain = plainByChart.get(c.name)!;
    const valuesFile = path.join(tmp('values'), 'override.yaml');
    fs.writeFileSync(valuesFile, 'tracing:\n  endpoint: "http://otel.observability:4317"\n');
    const rendered = splitRendered(helmTemplate(dir(c.name),
      '--set', 'web.replicas=5', '--set-string', 'web.image.tag=1.28.0', '--set', 'web.port=9090', '--set', 'policy.background=false',
      '-f', valuesFile)).map(d => d.object);
    const ns = `shop-${c.name}`;
    expect(changedFields(plain, rendered)).toEqual([
      `apps/v1/Deployment/${ns}/web#/spec/replicas`,
      `apps/v1/Deployment/${ns}/web#/spec/template/spec/containers/0/env/0/value`,
      `apps/v1/Deployment/${ns}/web#/spec/template/spec/containers/0/image`,
      `kyverno.io/v1/ClusterPolicy//require-app-label-${c.name}#/spec/background`,
      `v1/Service/${ns}/web#/spec/ports/0/port`,
    ]);
    const dep = rendered.find(o => o.kind === 'Deployment');
    expect(dep.spec.replicas).toBe(5);
    expect(dep.spec.template.spec.containers[0].image).toBe('registry.example.com/web:1.28.0');
    expect(dep.spec.template.spec.containers[0].env[0].value).toBe('http://otel.observability:4317');
    expect(rendered.find(o => o.kind === 'Service').spec.ports[0].port).toBe(9090);
    expect(rendered.find(o => o.kind === 'ClusterPolicy').spec.background).toBe(false);
    expectValid(rendered);
  });

  // Helm 4 validates values with another JSON-schema library: same refusals, other wording
  test.each(HELM_LINES)('Helm %s refuses values of the wrong type, unknown keys and out-of-range values', (line) => {
    const d = dir('eu-west');
    const cases: Array<[string[], string, string]> = [
      [['--set', 'web.replicas=three'], 'web.replicas: Invalid type. Expected: integer, given: string', 'at \'/web/replicas\': got string, want integer'],
      [['--set', 'web.replicas=2.5'], 'web.replicas: Invalid type. Expected: integer', 'at \'/web/replicas\': got string, want integer'],
      [['--set', 'web.image.tag=128'], 'web.image.tag: Invalid type. Expected: string, given: integer', 'at \'/web/image/tag\': got number, want string'],
      [['--set', 'policy.background=maybe'], 'policy.background: Invalid type. Expected: boolean, given: string', 'at \'/policy/background\': got string, want boolean'],
      [['--set', 'web.replicas=0'], 'web.replicas: Must be greater than or equal to 1', 'at \'/web/replicas\': minimum: got 0, want 1'],
      [['--set', 'web.bogus=1'], 'Additional property bogus is not allowed', 'at \'/web\': additional properties \'bogus\' not allowed'],
    ];
    for (const [args, helm3, helm4] of cases) {
      const message = line === '3' ? helm3 : helm4;
      const r = helmOn(line, 'template', 'rel', d, ...args);
      expect({ args, status: r.status === 0 ? 0 : 1, stderr: r.stderr }).toEqual({ args, status: 1, stderr: expect.stringContaining(message) });
    }
  });
});

describe('HelmChart edge cases', () => {
  test('a field the user changed after binding keeps the user value (binding dropped, warned)', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const replicas = Tunable.integer('web.replicas', 2);
    const dep = new k8s.KubeDeployment(chart, 'web', {
      metadata: { name: 'web' },
      spec: { replicas: replicas.asNumber(), selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    replicas.bindTo(dep, '/spec/replicas');
    dep.addJsonPatch(JsonPatch.replace('/spec/replicas', 7));
    const h = HelmChart.fromChart(chart);
    expect(h.values()).toEqual({});
    expect(h.warnings).toEqual(['c/web: /spec/replicas is 7, not the default 2 of web.replicas: kept as is']);
    expect(h.files()['templates/cluster-scoped.yaml']).toContain('replicas: 7');
    const outdir = h.write(tmp('helm-detached'));
    expect(splitRendered(helmTemplate(outdir))[0].object.spec.replicas).toBe(7);
    expect(helm('template', 'r', outdir, '--set', 'web.replicas=3').stderr).toContain('Additional property web is not allowed');
  });

  test('one key with two definitions, or a key below a value, is refused', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new k8s.KubeConfigMap(chart, 'a', { data: { x: Tunable.string('web.image', 'a') as any, y: Tunable.string('web.image', 'b') as any } });
    expect(() => HelmChart.fromChart(chart)).toThrow(ValidationError);
    expect(() => HelmChart.fromChart(chart)).toThrow('invalid values.web.image "web.image=\\"b\\""');

    const chart2 = new Chart(app, 'd');
    new k8s.KubeConfigMap(chart2, 'a', { data: { x: Tunable.string('web', 'a') as any, y: Tunable.string('web.image', 'b') as any } });
    expect(() => HelmChart.fromChart(chart2)).toThrow('a key that is not below the value web');
  });

  test('the same tunable used in many fields is one value', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const host = Tunable.string('ingress.host', 'shop.example.com');
    new k8s.KubeConfigMap(chart, 'a', { data: { x: host as any, y: host as any } });
    const h = HelmChart.fromChart(chart, { name: 'shop' });
    expect(h.valueKeys).toEqual(['ingress.host']);
    const out = h.write(tmp('helm-shared'));
    const cm = splitRendered(helmTemplate(out, '--set', 'ingress.host=shop.example.org'))[0].object;
    expect(cm.data).toEqual({ x: 'shop.example.org', y: 'shop.example.org' });
  });

  test('bad chart metadata is refused with the field and the value', () => {
    const chart = new Chart(new App(), 'Ok');
    expect(() => HelmChart.fromChart(chart, { name: 'Bad_Name' })).toThrow('Ok: invalid name "Bad_Name"');
    expect(() => HelmChart.fromChart(chart, { version: '1.0' })).toThrow('invalid version "1.0": expected a SemVer 2 version');
    expect(() => HelmChart.fromChart(chart, { crdFiles: ['/nonexistent.yaml'] })).toThrow('invalid crdFiles "/nonexistent.yaml"');
    expect(HelmChart.fromChart(chart).name).toBe('ok');
  });

  test('an empty chart lints and renders nothing', () => {
    const h = HelmChart.fromChart(new Chart(new App(), 'empty'));
    const out = h.write(tmp('helm-empty'));
    expect(helm('lint', '--strict', out).status).toBe(0);
    expect(splitRendered(helmTemplate(out))).toEqual([]);
  });
});

describe('HelmChart finds each manifest\'s object', () => {
  /** Calls of DependencyGraph.topology() while `fn` runs (cdk8s's chart.toJson() makes one). */
  function topologyCalls(fn: () => void): number {
    const spy = jest.spyOn(DependencyGraph.prototype, 'topology');
    try {
      fn();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  /** Two ConfigMaps with a bound value each; `b` may read `a`'s rendering while it resolves. */
  function twoMaps(bReadsA: boolean, renameB?: string): Chart {
    const chart = new Chart(new App(), 'c');
    const a = new k8s.KubeConfigMap(chart, 'a', { metadata: { name: 'a', namespace: 'shop' }, data: { first: 'one' } });
    const b = new k8s.KubeConfigMap(chart, 'b', {
      metadata: { name: 'b', namespace: 'shop' },
      data: { second: 'two', peek: bReadsA ? Lazy.any({ produce: () => Object.keys(a.toJson().data).join(',') }) as any : 'none' },
    });
    if (renameB) b.addJsonPatch(JsonPatch.replace('/metadata/name', renameB));
    Tunable.string('a.first', 'one').bindTo(a, '/data/first');
    Tunable.string('b.second', 'two').bindTo(b, '/data/second');
    return chart;
  }

  test.each([
    ['objects paired with their manifests in tree order (no second walk of the graph)', false, undefined, false, 1],
    ['a value that renders another object: still paired, no second walk', true, undefined, false, 1],
    ['an object rendered before an earlier one (a dependency): paired by identity, no second walk', false, undefined, true, 1],
    ['a name changed by a JSON patch: the graph is walked', false, 'b2', false, 2],
  ])('%s', (_title, bReadsA, renameB, bFirst, walks) => {
    const chart = twoMaps(bReadsA, renameB);
    if (bFirst) {
      chart.node.findChild('a').node.addDependency(chart.node.findChild('b'));
      // the output order is no longer the tree order
      expect(chart.toJson().map((m: any) => m.metadata.name)).toEqual(['b', 'a']);
    }
    let files: { [file: string]: string } = {};
    expect(topologyCalls(() => { files = HelmChart.fromChart(chart, { templateLayout: HelmTemplateLayout.PER_OBJECT }).files(); })).toBe(walks);
    // each binding lands in its own object's template
    expect(files['templates/configmap-shop-a.yaml']).toContain('first: {{ .Values.a.first | toJson }}');
    expect(files['templates/configmap-shop-a.yaml']).not.toContain('b.second');
    const bFile = `templates/configmap-shop-${renameB ?? 'b'}.yaml`;
    expect(files[bFile]).toContain('second: {{ .Values.b.second | toJson }}');
    expect(files[bFile]).not.toContain('a.first');
  });

  test('objects rendered without cdk8s\'s resolve (NetworkPolicies, AuthorizationPolicies) keep their turn: no second walk', () => {
    const chart = buildEcommerce(new App()).clusters[0].chart;
    const kinds = new Set<string>();
    expect(topologyCalls(() => { HelmChart.fromChart(chart).files(); })).toBe(1);
    for (const o of chart.toJson()) kinds.add(o.kind);
    expect(kinds).toContain('NetworkPolicy');
    expect(kinds).toContain('AuthorizationPolicy');
  });
});

describe('HelmChart bindings Helm can never apply are errors, not warnings', () => {
  test('a tunable bound into a CustomResourceDefinition is refused, naming the object and the pointer', () => {
    const chart = new Chart(new App(), 'c');
    const version = Tunable.string('crd.version', 'v1');
    const crd = new ApiObject(chart, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: version.asString(), served: true, storage: true }] },
    });
    version.bindTo(crd, '/spec/versions/0/name');
    expect(() => HelmChart.fromChart(chart)).toThrow(/c\/crd: invalid tunable binding "\/spec\/versions\/0\/name": expected no tunable bound into a CustomResourceDefinition/);
  });
});
