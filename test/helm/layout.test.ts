/**
 * The per-namespace layout of templates/: file names for any namespace, Helm's 5 MiB limit per
 * chart file (proved on the real helm binaries), and the errors of what no layout can write.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ValidationError } from '../../src/core/validation-error';
import { HelmChart, HelmTemplateLayout } from '../../src/helm';
import { MAX_CHART_FILE_BYTES } from '../../src/helm/template-files';
import { errorOf, HELM_LINES } from '../util';
import { byKey, helmOn, helmTemplateOn, splitRendered, tmp } from './helm-run';

const LAYOUTS = [HelmTemplateLayout.PER_NAMESPACE, HelmTemplateLayout.PER_OBJECT];

/** A chart whose namespace `big` holds more than 5 MiB of ConfigMaps, beside a namespace `big-2`. */
function bigChart(): Chart {
  const chart = new Chart(new App(), 'big');
  for (const ns of ['big', 'big-2']) {
    new k8s.KubeNamespace(chart, `ns-${ns}`, { metadata: { name: ns } });
  }
  // 28 x ~200 KB: under the last-applied annotation limit each, ~5.6 MB together
  for (let i = 0; i < 28; i++) {
    new k8s.KubeConfigMap(chart, `cm${i}`, { metadata: { name: `cm-${i}`, namespace: 'big' }, data: { blob: `${i}`.padEnd(200_000, 'x') } });
  }
  new k8s.KubeConfigMap(chart, 'small', { metadata: { name: 'small', namespace: 'big-2' }, data: { tpl: '{{ not a template }}' } });
  return chart;
}

describe('HelmTemplateLayout.PER_NAMESPACE', () => {
  const chart = bigChart();
  const h = HelmChart.fromChart(chart);
  const dir = h.write(tmp('helm-big'));
  const plain = chart.toJson();

  test('a namespace over Helm\'s file size limit continues in numbered parts that no namespace name can collide with', () => {
    const files = h.files();
    const templates = Object.keys(files).filter(f => f.startsWith('templates/'));
    expect(templates).toEqual([
      'templates/NOTES.txt',
      'templates/cluster-scoped.yaml',
      'templates/namespace-big-2.yaml',
      'templates/namespace-big.2.yaml',
      'templates/namespace-big.yaml',
    ]);
    const sizes = templates.map(f => Buffer.byteLength(files[f]));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_CHART_FILE_BYTES);
    // greedy: the first part is full (the next ConfigMap would not have fitted)
    expect(Buffer.byteLength(files['templates/namespace-big.yaml'])).toBeGreaterThan(MAX_CHART_FILE_BYTES - 200_100);
    // apply order carries over the parts: cm-0 first, cm-27 last
    expect(files['templates/namespace-big.yaml'].startsWith('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-0\n')).toBe(true);
    expect(files['templates/namespace-big.2.yaml']).toContain('name: cm-27\n');
    // deterministic: the same program gives the same bytes
    expect(HelmChart.fromChart(chart).files()).toEqual(files);
  });

  test.each(HELM_LINES)('Helm %s renders exactly the plain objects from the parts, and lints', (line) => {
    const docs = splitRendered(helmTemplateOn(line, dir));
    expect(byKey(docs.map(d => d.object))).toEqual(byKey(plain));
    expect(docs.filter(d => d.source === 'big/templates/namespace-big.2.yaml').length).toBeGreaterThan(0);
    expect(docs.find(d => d.object.metadata.name === 'small')!.object.data.tpl).toBe('{{ not a template }}');
    const lint = helmOn(line, 'lint', '--strict', dir);
    expect({ status: lint.status, out: lint.status === 0 ? '' : lint.stdout + lint.stderr }).toEqual({ status: 0, out: '' });
  });

  test('a namespace that is not a DNS-1123 label (it would name a file) is refused; PER_OBJECT writes it', () => {
    const c = new Chart(new App(), 'c');
    new k8s.KubeConfigMap(c, 'cm', { metadata: { name: 'cm', namespace: '../Shop' }, data: { a: 'b' } });
    const e = errorOf(() => HelmChart.fromChart(c));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain('c/cm: invalid metadata.namespace "../Shop": expected a DNS-1123 label');
    expect(e.message).toContain('PER_NAMESPACE names a file after it');
    expect(Object.keys(HelmChart.fromChart(c, { templateLayout: HelmTemplateLayout.PER_OBJECT }).files())).toContain('templates/configmap-.-shop-cm.yaml');
  });

  test('PER_OBJECT file names never hold "..": a run of dots is one dot, and a name without ".." keeps its file whatever comes before it', () => {
    const c = new Chart(new App(), 'c');
    // Role names are path segments: "a..b" is valid
    for (const name of ['a..b', 'x...', 'a.b', 'A..B', 'A.b']) {
      new k8s.KubeRole(c, `r${c.node.children.length}`, { metadata: { name, namespace: 'shop' }, rules: [] });
    }
    const files = Object.keys(HelmChart.fromChart(c, { templateLayout: HelmTemplateLayout.PER_OBJECT }).files()).filter((f) => f.startsWith('templates/role'));
    // the names without ".." are written as before (role-shop-a.b, then -2); the dotted ones come after them
    expect(files.sort()).toEqual([
      'templates/role-shop-a.b-2.yaml', 'templates/role-shop-a.b-3.yaml', 'templates/role-shop-a.b-4.yaml', 'templates/role-shop-a.b.yaml', 'templates/role-shop-x.yaml',
    ]);
    const out = HelmChart.fromChart(c, { templateLayout: HelmTemplateLayout.PER_OBJECT }).files();
    expect(out['templates/role-shop-a.b.yaml']).toContain('name: a.b\n');
    expect(out['templates/role-shop-a.b-2.yaml']).toContain('name: A.b\n');
    expect(out['templates/role-shop-a.b-3.yaml']).toContain('name: a..b\n');
    expect(out['templates/role-shop-a.b-4.yaml']).toContain('name: A..B\n');
  });

  test('an empty namespace is no namespace: the object goes with the cluster-scoped ones', () => {
    const c = new Chart(new App(), 'c');
    new k8s.KubeConfigMap(c, 'cm', { metadata: { name: 'cm', namespace: '' }, data: { a: 'b' } });
    expect(Object.keys(HelmChart.fromChart(c).files())).toContain('templates/cluster-scoped.yaml');
  });

  test('a bad layout is refused with the valid ones', () => {
    expect(() => HelmChart.fromChart(new Chart(new App(), 'c'), { templateLayout: 'per-file' as any }))
      .toThrow(/templateLayout "per-file": expected HelmTemplateLayout.PER_NAMESPACE \("per-namespace"\) or HelmTemplateLayout.PER_OBJECT \("per-object"\)/);
  });
});

describe('Helm\'s limit of 5 MiB per chart file', () => {
  test.each(HELM_LINES)('Helm %s loads a template of exactly MAX_CHART_FILE_BYTES and refuses one byte more', (line) => {
    const dir = tmp('helm-limit');
    fs.mkdirSync(path.join(dir, 'templates'));
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: limit\nversion: 0.1.0\n');
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n';
    const text = head + '#'.padEnd(MAX_CHART_FILE_BYTES - head.length - 1, 'x') + '\n';
    expect(Buffer.byteLength(text)).toBe(MAX_CHART_FILE_BYTES);
    fs.writeFileSync(path.join(dir, 'templates', 'cm.yaml'), text);
    expect(splitRendered(helmTemplateOn(line, dir)).map(d => d.object.metadata.name)).toEqual(['cm']);
    fs.appendFileSync(path.join(dir, 'templates', 'cm.yaml'), '#');
    const r = helmOn(line, 'template', 'r', dir);
    expect({ status: r.status === 0 ? 0 : 1, stderr: r.stderr }).toEqual({ status: 1, stderr: expect.stringContaining(`larger than the maximum file size ${MAX_CHART_FILE_BYTES}`) });
  });

  test('the limit is in UTF-8 bytes: multi-byte text under it in characters but over it in bytes is split', () => {
    const c = new Chart(new App(), 'utf8');
    // 28 x 100,000 two-byte characters: ~2.8 M characters, ~5.6 MB
    for (let i = 0; i < 28; i++) {
      new k8s.KubeConfigMap(c, `cm${i}`, { metadata: { name: `cm-${i}`, namespace: 'big' }, data: { blob: `${i}`.padEnd(100_000, 'é') } });
    }
    const files = HelmChart.fromChart(c).files();
    const parts = ['templates/namespace-big.yaml', 'templates/namespace-big.2.yaml'];
    expect(Object.keys(files).filter(f => f.startsWith('templates/namespace-')).sort()).toEqual([...parts].sort());
    expect(files[parts[0]].length).toBeLessThan(MAX_CHART_FILE_BYTES / 2 + 1000);
    expect(Buffer.byteLength(files[parts[0]])).toBeLessThanOrEqual(MAX_CHART_FILE_BYTES);
    expect(Buffer.byteLength(files[parts[0]])).toBeGreaterThan(MAX_CHART_FILE_BYTES - 200_100);
    expect(files[parts[1]]).toContain('name: cm-27\n');
  });

  test.each(LAYOUTS)('%s: an object whose YAML alone exceeds it is refused, naming the object', (templateLayout) => {
    // small as JSON (well under the API server's limits), over 5 MiB as indented YAML
    let deep: any = Array.from({ length: 50_000 }, () => 0);
    for (let i = 0; i < 60; i++) deep = { n: deep };
    const c = new Chart(new App(), 'c');
    new ApiObject(c, 'deep', { apiVersion: 'example.com/v1', kind: 'Deep', metadata: { name: 'deep', namespace: 'shop' }, spec: deep });
    const e = errorOf(() => HelmChart.fromChart(c, { templateLayout }));
    expect(e.message).toMatch(/^c\/deep: invalid template "Deep shop\/deep": expected at most 5242880 bytes per chart file \(Helm refuses to load a chart holding a bigger file\); this one is \d+ bytes/);
  });
});
