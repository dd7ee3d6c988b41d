import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as yaml from 'js-yaml';
import { ApplyOrder, Fleet, Flows, Peer, Port, SyncWaves, ZeroTrustNamespace } from '../../src';
import { expectValid } from '../util';

/** Two clusters with namespaces, workloads, flows, and dependencies inside and across charts. */
function build(opts: { syncWaves?: boolean } = {}): { app: App; fleet: Fleet } {
  const app = new App();
  const fleet = new Fleet(app, 'fleet', {
    clusters: [{ name: 'east', region: 'asia-east' }, { name: 'west', region: 'europe-west' }],
  });
  const services: kplus.Service[] = [];
  for (const c of fleet.clusters) {
    if (opts.syncWaves) SyncWaves.apply(c.chart);
    new ZeroTrustNamespace(c.chart, 'shop', { name: 'shop' });
    const deps = ['web', 'api'].map((name) => new kplus.Deployment(c.chart, name, {
      metadata: { name, namespace: 'shop' },
      containers: [{ name: 'app', image: `registry.example.com/${name}:1.0.0`, portNumber: 8080 }],
    }));
    const svc = new kplus.Service(c.chart, 'api-svc', {
      metadata: { name: 'api', namespace: 'shop' }, selector: deps[1], ports: [{ port: 80, targetPort: 8080 }],
    });
    services.push(svc);
    Flows.of(c.chart).allow(Peer.workload(deps[0]), Peer.workload(deps[1]), { ports: [Port.tcp(8080)] });
    // within the chart: the Deployment after the Service (cdk8s orders the output by dependencies)
    deps[0].node.addDependency(svc);
  }
  // across charts (cdk8s turns it into a chart dependency)
  const other = new Chart(app, 'shared');
  const cm = new ApiObject(other, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'shop' } });
  services[1].node.addDependency(cm);
  return { app, fleet };
}

describe('Fleet.manifests / synthClusters render every cluster in one pass', () => {
  test.each([false, true])('same YAML as cdk8s chart.toJson() (SyncWaves: %s)', (syncWaves) => {
    const ours = build({ syncWaves }).fleet;
    const rendered = ours.clusterNames.map((n) => ours.manifests(n));
    const reference = build({ syncWaves }).fleet;
    // cdk8s's objects, in apply order (Namespaces and CRDs first)
    const expected = reference.clusters.map((c) => Yaml.stringify(...ApplyOrder.sort(c.chart.toJson())));
    expect(rendered).toEqual(expected);
    for (const text of rendered) {
      const objs = yaml.loadAll(text) as any[];
      expectValid(objs);
      // the flows are rendered (default-deny + the flow's policies) and the dependency is honoured
      expect(objs.filter((o) => o.kind === 'NetworkPolicy').length).toBeGreaterThanOrEqual(3);
      const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds.indexOf('Service/api')).toBeLessThan(kinds.indexOf('Deployment/web'));
      if (syncWaves) expect(objs.every((o) => o.metadata.annotations?.[SyncWaves.ANNOTATION] !== undefined)).toBe(true);
    }
  });

  test.each([false, true])('the objects cdk8s App.synth() writes for each cluster chart, in apply order (SyncWaves: %s)', (syncWaves) => {
    const ours = build({ syncWaves }).fleet;
    const rendered = ours.clusterNames.map((n) => ours.manifests(n));
    const reference = build({ syncWaves }).app;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-render-'));
    Object.assign(reference, { outdir });
    reference.synth();
    const files = fs.readdirSync(outdir);
    const written = ours.clusterNames.map((n) => {
      const file = files.find((f) => new RegExp(`^\\d{4}-fleet-${n}-[0-9a-f]{8}\\.k8s\\.yaml$`).test(f));
      expect(file).toBeDefined();
      // Fleet writes the same objects, Namespaces and CRDs first (ApplyOrder)
      return Yaml.stringify(...ApplyOrder.sort(Yaml.load(path.join(outdir, file!))));
    });
    expect(rendered).toEqual(written);
  });

  test('no cdk8s function is replaced: the charts keep cdk8s\'s own toJson', () => {
    const { fleet } = build({ syncWaves: true });
    for (const c of fleet.clusters) {
      expect(Object.prototype.hasOwnProperty.call(c.chart, 'toJson')).toBe(false);
      expect(c.chart.toJson).toBe(Chart.prototype.toJson);
    }
  });

  test('a validation error fails the synthesis, in cdk8s\'s words, before any file is written', () => {
    const { app, fleet } = build();
    let calls = 0;
    new ApiObject(new Chart(app, 'other'), 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })
      .node.addValidation({ validate: () => { calls++; return ['broken on purpose']; } });
    expect(() => fleet.manifests('east')).toThrow(/\[other\/x\] broken on purpose/);
    expect(calls).toBe(1);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-render-'));
    expect(() => fleet.synthClusters(outdir)).toThrow(/\[other\/x\] broken on purpose/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('objects rendered late take part in declared dependencies', () => {
  /** A Deployment that depends on its ZeroTrustNamespace, whose ServiceAccount for it is created at render. */
  function dependentChart(): { app: App; chart: Chart } {
    const app = new App();
    const chart = new Chart(app, 'shop');
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web', namespace: 'shop' },
      containers: [{ name: 'app', image: 'registry.example.com/web:1.0.0', portNumber: 8080 }],
    });
    web.node.addDependency(new ZeroTrustNamespace(chart, 'shop', { name: 'shop' }));
    return { app, chart };
  }

  const order = (objs: any[]): string[] => objs.map((o) => `${o.kind}/${o.metadata.name}`);

  test('chart.toJson() (dependencies resolved before the render) orders them as App.synth() does', () => {
    const direct = dependentChart().chart.toJson();
    expectValid(direct);
    const kinds = order(direct);
    // the hardening's ServiceAccount is an object of the namespace construct the Deployment depends on
    expect(kinds.indexOf('ServiceAccount/web')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('ServiceAccount/web')).toBeLessThan(kinds.indexOf('Deployment/web'));
    const { app } = dependentChart();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-render-'));
    Object.assign(app, { outdir });
    app.synth();
    const written = yaml.loadAll(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')) as any[];
    expect(kinds).toEqual(order(written));
  });

  test('a dependency declared in another chart onto the ZeroTrustNamespace takes in its late ServiceAccount, as App.synth() does', () => {
    const withOtherChart = () => {
      const { app, chart } = dependentChart();
      const cm = new ApiObject(new Chart(app, 'other'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' } });
      cm.node.addDependency(chart.node.findChild('shop'));
      return { app, chart, cm };
    };
    const dependencies = (c: ApiObject): string[] => c.node.dependencies.map((d) => d.node.path).sort();
    const direct = withOtherChart();
    direct.chart.toJson();
    const synthesized = withOtherChart();
    Object.assign(synthesized.app, { outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-render-')) });
    synthesized.app.synth();
    expect(dependencies(direct.cm).filter((p) => p.includes('/sa-'))).toHaveLength(1);
    expect(dependencies(direct.cm)).toEqual(dependencies(synthesized.cm));
  });
});
