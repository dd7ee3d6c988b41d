/**
 * Deterministic output: the same program gives byte-identical manifests and Helm charts. (Across
 * processes the committed snapshots check it too; this checks bytes, within one process, where
 * construction order, Set/Map iteration and lazies could still differ between two builds.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { buildEcommerce } from '../../sample/ecommerce';
import { HelmChart } from '../../src';

function build(): { yaml: Map<string, string>; charts: Map<string, string> } {
  const sample = buildEcommerce(new App());
  const yaml = new Map<string, string>();
  const charts = new Map<string, string>();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-determinism-'));
  try {
    for (const c of sample.clusters) {
      yaml.set(c.cluster.name, Yaml.stringify(...c.chart.toJson()));
      const out = HelmChart.fromChart(c.chart, { name: c.cluster.name }).write(path.join(dir, c.cluster.name));
      for (const f of listFiles(out)) charts.set(path.join(c.cluster.name, path.relative(out, f)), fs.readFileSync(f, 'utf8'));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { yaml, charts };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  }).sort();
}

test('two builds of the sample give byte-identical manifests and Helm charts', () => {
  const a = build();
  const b = build();
  expect(a.yaml.size).toBe(3);
  expect(a.charts.size).toBeGreaterThan(3 * 10);
  for (const [cluster, text] of a.yaml) {
    expect(b.yaml.get(cluster)).toBe(text);
  }
  expect([...b.charts.keys()]).toEqual([...a.charts.keys()]);
  for (const [file, text] of a.charts) {
    expect(b.charts.get(file)).toBe(text);
  }
});
