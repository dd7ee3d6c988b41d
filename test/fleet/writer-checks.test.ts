/**
 * Fleet and HelmChart write one chart at a time and run the chart checks (duplicates, sizes,
 * annotations) on the objects they write, instead of in the validation of every `chart.toJson()`
 * (which would render every chart once per chart written): the same refusals, one rendering.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { seedFleet } from './fixtures';
import { FailoverPolicy, Fleet, HelmChart, ZeroTrustNamespace } from '../../src';
import { MAX_OBJECT_BYTES } from '../../src/flows/chart-checks';
import { errorOf, validateManifests } from '../util';

function fleetWithNamespaces(): { app: App; fleet: Fleet } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'zt-writer-checks-')) });
  const fleet = seedFleet(app);
  for (const c of fleet.clusters) new ZeroTrustNamespace(c.chart, 'shop', { name: 'shop' });
  return { app, fleet };
}

/** Counts the renderings of `obj` (calls of its toJson). */
function countRenders(obj: ApiObject): () => number {
  let n = 0;
  const original = obj.toJson.bind(obj);
  obj.toJson = () => {
    n++;
    return original();
  };
  return () => n;
}

describe('chart checks run on the output Fleet and HelmChart write', () => {
  test('Fleet.synthClusters renders each object once (not once more per cluster for the checks)', () => {
    const { fleet } = fleetWithNamespaces();
    const objs = fleet.clusters.map((c) => new ApiObject(c.chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' }, data: { k: 'v' } }));
    const renders = objs.map(countRenders);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-writer-checks-'));
    try {
      fleet.synthClusters(dir);
      expect(renders.map((r) => r())).toEqual([1, 1, 1]);
      const written = fs.readFileSync(path.join(dir, 'asia-east', 'manifests.k8s.yaml'), 'utf8');
      expect(written).toContain('name: cm');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // without a writer, the validation still checks every chart (App.synth, chart.toJson())
    fleet.clusters[0].chart.toJson();
    expect(renders.map((r) => r())).toEqual([3, 2, 2]);
  });

  test('Fleet.manifests refuses two objects with one identity, naming both construct paths', () => {
    const { fleet } = fleetWithNamespaces();
    for (const id of ['fo1', 'fo2']) {
      new FailoverPolicy(fleet, id, { name: 'global', namespace: 'frontend', primaryCluster: 'asia-east', secondaryClusters: ['us-east'] });
    }
    const e = errorOf(() => fleet.manifests('asia-east'));
    expect(e.message).toMatch(/FailoverPolicy frontend\/global is emitted twice \(fleet\/asia-east\/failover-policy-fo1 and fleet\/asia-east\/failover-policy-fo2\)/);
    // the other clusters' output is not the bad chart's
    expect(validateManifests(fleet.objects('europe-west'))).toEqual([]);
  });

  test('Fleet.objects and HelmChart refuse an object over etcd\'s request limit', () => {
    const { fleet } = fleetWithNamespaces();
    const chart: Chart = fleet.cluster('us-east').chart;
    new ApiObject(chart, 'big', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'shop' }, data: { x: 'y'.repeat(MAX_OBJECT_BYTES) } });
    for (const fn of [() => fleet.objects('us-east'), () => HelmChart.fromChart(chart, { name: 'us-east' })]) {
      const e = errorOf(fn);
      expect(e.message).toContain('fleet/us-east/big');
      expect(e.message).toContain(`expected an object of at most ${MAX_OBJECT_BYTES} bytes`);
    }
    expect(fleet.objects('asia-east').some((o) => o.kind === 'Namespace' && o.metadata.name === 'shop')).toBe(true);
  });

  test('HelmChart refuses a bad annotation key of its chart only', () => {
    const { fleet } = fleetWithNamespaces();
    const bad = fleet.cluster('asia-east').chart;
    new ApiObject(bad, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop', annotations: { 'bad key!': 'x' } } });
    const e = errorOf(() => HelmChart.fromChart(bad, { name: 'asia-east' }));
    expect(e.message).toContain('metadata.annotations key "bad key!"');
    expect(e.message).toContain('fleet/asia-east/cm');
    const good = HelmChart.fromChart(fleet.cluster('europe-west').chart, { name: 'europe-west' });
    expect(Object.keys(good.files())).toContain('Chart.yaml');
  });
});
