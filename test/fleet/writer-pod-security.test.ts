/**
 * The Pod Security check of a ZeroTrustNamespace reads each pod-bearing object's final JSON. A
 * writer (Fleet, HelmChart) renders every object anyway: the check runs on what it writes (one
 * rendering per object, not two), and no synthesis path skips it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { seedFleet } from './fixtures';
import { Fleet, HelmChart, ZeroTrustNamespace } from '../../src';
import { errorOf } from '../util';

function fleetWithNamespaces(): { app: App; fleet: Fleet } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'zt-writer-psa-')) });
  const fleet = seedFleet(app);
  for (const c of fleet.clusters) new ZeroTrustNamespace(c.chart, 'shop', { name: 'shop' });
  return { app, fleet };
}

function countRenders(obj: ApiObject): () => number {
  let n = 0;
  const original = obj.toJson.bind(obj);
  obj.toJson = () => {
    n++;
    return original();
  };
  return () => n;
}

/** A pod the restricted level refuses (privileged container). */
function privilegedPod(fleet: Fleet, cluster: string): void {
  new ApiObject(fleet.cluster(cluster).chart, 'bad-pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bad', namespace: 'shop' },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', securityContext: { privileged: true } }] },
  });
}

const REFUSED = /Pod bad is in ZeroTrustNamespace shop, whose Pod Security level "restricted"/;

describe('Pod Security check on the written output', () => {
  test('Fleet.synthClusters renders each hardened workload once, and the hardening is checked', () => {
    const { fleet } = fleetWithNamespaces();
    const renders = fleet.clusters.map((c) => countRenders(new kplus.Deployment(c.chart, 'web', {
      metadata: { namespace: 'shop' },
      containers: [{ image: 'nginx:1.27', portNumber: 8080 }],
    }).node.defaultChild as ApiObject));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-writer-psa-'));
    try {
      fleet.synthClusters(dir);
      expect(renders.map((r) => r())).toEqual([1, 1, 1]);
      const written = fs.readFileSync(path.join(dir, 'us-east', 'manifests.k8s.yaml'), 'utf8');
      expect(written).toContain('runAsNonRoot: true');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Fleet.objects and HelmChart refuse a pod the namespace\'s level rejects, naming it', () => {
    const { fleet } = fleetWithNamespaces();
    privilegedPod(fleet, 'us-east');
    // another cluster first: the flows of every chart render then, in the writer's scope
    expect(fleet.objects('asia-east').some((o) => o.kind === 'Namespace')).toBe(true);
    for (const fn of [() => fleet.objects('us-east'), () => HelmChart.fromChart(fleet.cluster('us-east').chart, { name: 'us-east' })]) {
      const e = errorOf(fn);
      expect(e.message).toMatch(REFUSED);
      expect(e.message).toContain('fleet/us-east/bad-pod');
      expect(e.message).toContain('privileged');
    }
  });

  test('a plain synthesis after a writer still refuses it (chart.toJson, App.synth)', () => {
    const { app, fleet } = fleetWithNamespaces();
    privilegedPod(fleet, 'europe-west');
    fleet.objects('asia-east');
    expect(() => fleet.cluster('europe-west').chart.toJson()).toThrow(REFUSED);
    expect(() => app.synth()).toThrow(REFUSED);
  });

  test('without a writer, the validation refuses it as before', () => {
    const { app, fleet } = fleetWithNamespaces();
    privilegedPod(fleet, 'asia-east');
    expect(() => app.synth()).toThrow(REFUSED);
  });
});
