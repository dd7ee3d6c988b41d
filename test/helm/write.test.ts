import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { helmTemplate, splitRendered, tmp } from './helm-run';
import { Tunable } from '../../src/core/tunable';
import { HelmChart, HelmTemplateLayout } from '../../src/helm';
import { synthAndValidate } from '../util';

/** Every file under `dir`, by path relative to it, with its text. */
function tree(dir: string): { [file: string]: string } {
  const out: { [file: string]: string } = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        walk(r);
      } else {
        out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
      }
    }
  };
  walk('');
  return out;
}

function shop(configs: number, replicas = 2): Chart {
  const chart = new Chart(new App(), 'shop');
  const dep = new k8s.KubeDeployment(chart, 'web', {
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: Tunable.integer('web.replicas', replicas) as any,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0' }] } },
    },
  });
  Tunable.string('web.image', 'registry.example.com/web:1.0').bindTo(dep, '/spec/template/spec/containers/0/image');
  for (let i = 0; i < configs; i++) {
    new k8s.KubeConfigMap(chart, `cm${i}`, { metadata: { name: `cm-${i}`, namespace: 'shop' }, data: { index: `${i}`, tpl: '{{ not a template }}' } });
  }
  return chart;
}

describe('HelmChart.write into an existing chart directory', () => {
  test('leaves exactly the chart\'s files: stale ones deleted, changed ones rewritten, unchanged ones untouched', () => {
    const dir = tmp('helm-rewrite');
    const first = shop(3);
    synthAndValidate(first);
    const perObject = { templateLayout: HelmTemplateLayout.PER_OBJECT };
    HelmChart.fromChart(first, perObject).write(dir);
    expect(Object.keys(tree(dir))).toContain('templates/configmap-shop-cm-2.yaml');

    // debris of other tools or older charts, and a hand-edited template
    fs.writeFileSync(path.join(dir, 'templates', 'stale.yaml'), 'kind: Stale\n');
    fs.mkdirSync(path.join(dir, 'templates', 'subdir'));
    fs.writeFileSync(path.join(dir, 'templates', 'subdir', 'x.yaml'), 'kind: Nested\n');
    fs.mkdirSync(path.join(dir, 'crds'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'crds', 'old-crd.yaml'), 'kind: CustomResourceDefinition\n');
    fs.writeFileSync(path.join(dir, 'templates', 'configmap-shop-cm-0.yaml'), 'edited by hand\n');
    // a file the next chart writes unchanged: its old mtime shows it was not rewritten
    const unchanged = path.join(dir, 'templates', 'configmap-shop-cm-1.yaml');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(unchanged, old, old);
    // a directory where the next chart has a file
    fs.rmSync(path.join(dir, 'templates', 'deployment-shop-web.yaml'));
    fs.mkdirSync(path.join(dir, 'templates', 'deployment-shop-web.yaml'));

    const second = shop(2, 3);
    synthAndValidate(second);
    const h = HelmChart.fromChart(second, perObject);
    h.write(dir);

    expect(tree(dir)).toEqual(h.files());
    expect(fs.existsSync(path.join(dir, 'templates', 'configmap-shop-cm-2.yaml'))).toBe(false);
    expect(fs.statSync(unchanged).mtime.getTime()).toBe(old.getTime());
    // the values changed (replicas default 3), so values.yaml was rewritten
    expect(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')).toContain('replicas: 3');

    const docs = splitRendered(helmTemplate(dir));
    expect(docs.map(d => `${d.object.kind}/${d.object.metadata.name}`).sort()).toEqual(['ConfigMap/cm-0', 'ConfigMap/cm-1', 'Deployment/web']);
    const web = docs.find(d => d.object.kind === 'Deployment')!.object;
    expect(web.spec.replicas).toBe(3);
    expect(web.spec.template.spec.containers[0].image).toBe('registry.example.com/web:1.0');
    expect(docs.find(d => d.object.metadata.name === 'cm-0')!.object.data.tpl).toBe('{{ not a template }}');
  });

  test('switching layouts leaves no file of the other layout; an unchanged namespace file is not rewritten', () => {
    const dir = tmp('helm-layouts');
    const chart = shop(3);
    // an object in a second namespace, whose file does not change below
    new k8s.KubeConfigMap(chart, 'other', { metadata: { name: 'other', namespace: 'other' }, data: { a: 'b' } });
    synthAndValidate(chart);
    const perObject = HelmChart.fromChart(chart, { templateLayout: HelmTemplateLayout.PER_OBJECT });
    perObject.write(dir);
    expect(Object.keys(tree(dir)).filter(f => f.startsWith('templates/')).length).toBe(6);

    const perNamespace = HelmChart.fromChart(chart);
    perNamespace.write(dir);
    expect(tree(dir)).toEqual(perNamespace.files());
    expect(Object.keys(tree(dir)).filter(f => f.startsWith('templates/'))).toEqual(['templates/NOTES.txt', 'templates/namespace-other.yaml', 'templates/namespace-shop.yaml']);
    const docs = splitRendered(helmTemplate(dir));
    expect(docs.map(d => `${d.source} ${d.object.kind}/${d.object.metadata.name}`).sort()).toEqual([
      'shop/templates/namespace-other.yaml ConfigMap/other',
      'shop/templates/namespace-shop.yaml ConfigMap/cm-0',
      'shop/templates/namespace-shop.yaml ConfigMap/cm-1',
      'shop/templates/namespace-shop.yaml ConfigMap/cm-2',
      'shop/templates/namespace-shop.yaml Deployment/web',
    ]);

    // the shop namespace changes, the other does not: its file keeps its old mtime
    const unchanged = path.join(dir, 'templates', 'namespace-other.yaml');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(unchanged, old, old);
    const next = shop(1);
    new k8s.KubeConfigMap(next, 'other', { metadata: { name: 'other', namespace: 'other' }, data: { a: 'b' } });
    const h = HelmChart.fromChart(next);
    h.write(dir);
    expect(tree(dir)).toEqual(h.files());
    expect(fs.statSync(unchanged).mtime.getTime()).toBe(old.getTime());

    // and back: one file per object, no namespace file left
    const back = HelmChart.fromChart(next, { templateLayout: HelmTemplateLayout.PER_OBJECT });
    back.write(dir);
    expect(tree(dir)).toEqual(back.files());
    expect(Object.keys(tree(dir)).filter(f => f.startsWith('templates/namespace-'))).toEqual([]);
  });

  test('a file where templates/ should be is replaced by the directory', () => {
    const dir = tmp('helm-file-dir');
    fs.writeFileSync(path.join(dir, 'templates'), 'not a directory\n');
    const h = HelmChart.fromChart(shop(1));
    h.write(dir);
    expect(tree(dir)).toEqual(h.files());
  });
});
