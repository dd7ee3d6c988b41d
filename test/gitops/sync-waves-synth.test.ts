import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ArgoCdDelivery, Fleet, SyncWaves } from '../../src';
import { synthAndValidate } from '../util';

/** Renders a NetworkPolicy in its first validation, like the flow registry does at synthesis. */
class LateRenderer extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    let rendered = false;
    this.node.addValidation({
      validate: () => {
        if (!rendered) {
          rendered = true;
          new k8s.KubeNetworkPolicy(this, 'deny', { metadata: { name: 'late-deny', namespace: 'shop' }, spec: { podSelector: {} } });
        }
        return [];
      },
    });
  }
}

function shop(): Chart {
  const chart = new Chart(Testing.app(), 'shop');
  new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'shop' } });
  new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cfg', namespace: 'shop' }, data: { a: 'b' } });
  new LateRenderer(chart, 'late');
  return chart;
}

describe('SyncWaves at synthesis', () => {
  test('objects rendered in validation get their wave from a single synthesis of the chart', () => {
    const chart = shop();
    SyncWaves.apply(chart);
    const synthChart = jest.spyOn(App as any, '_synthChart');
    try {
      const manifests = synthAndValidate(chart);
      expect(synthChart).toHaveBeenCalledTimes(1);
      const wave = (name: string) => SyncWaves.waveOf(manifests.find((o) => o.metadata.name === name));
      expect(wave('shop')).toBe(-2);
      expect(wave('late-deny')).toBe(-1);
      expect(wave('cfg')).toBe(0);
      expect(manifests.filter((o) => SyncWaves.waveOf(o) === undefined)).toEqual([]);
    } finally {
      synthChart.mockRestore();
    }
  });

  test('a wave given as a token is read resolved (kept if valid, refused if not)', () => {
    const chart = shop();
    new ApiObject(chart, 'np', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np', namespace: 'shop', annotations: { [SyncWaves.ANNOTATION]: Lazy.any({ produce: () => '-3' }) as any } },
      spec: { podSelector: {} },
    });
    SyncWaves.apply(chart);
    const manifests = synthAndValidate(chart);
    expect(SyncWaves.waveOf(manifests.find((o) => o.metadata.name === 'np'))).toBe(-3);

    const bad = shop();
    new ApiObject(bad, 'np', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np', namespace: 'shop', annotations: { [SyncWaves.ANNOTATION]: Lazy.any({ produce: () => '2' }) as any } },
      spec: { podSelector: {} },
    });
    SyncWaves.apply(bad);
    expect(() => bad.toJson()).toThrow(/NetworkPolicy shop\/np: invalid metadata.annotations\["argocd.argoproj.io\/sync-wave"\] "2": expected a negative integer wave/);
  });
});

describe('ArgoCdDelivery AppProject at synthesis', () => {
  test('rendering the project synthesizes each cluster chart once (one inventory for its three lists)', () => {
    const app = Testing.app();
    const fleet = new Fleet(app, 'fleet', { clusters: [{ name: 'eu', region: 'europe-west' }, { name: 'us', region: 'us-east' }] });
    for (const c of fleet.clusters) {
      new k8s.KubeNamespace(c.chart, 'ns', { metadata: { name: 'shop' } });
      new k8s.KubeConfigMap(c.chart, 'cm', { metadata: { name: 'cfg', namespace: 'shop' }, data: { a: 'b' } });
      SyncWaves.apply(c.chart);
    }
    const gitops = new Chart(app, 'gitops');
    new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: 'https://git.example.com/fleet.git', pathTemplate: 'dist/{cluster}' });
    const synthChart = jest.spyOn(App as any, '_synthChart');
    try {
      const objs = synthAndValidate(gitops);
      // the gitops chart, then each cluster chart once
      expect(synthChart.mock.calls.map((c: any[]) => c[0].node.id)).toEqual(['gitops', 'eu', 'us']);
      const project = objs.find((o) => o.kind === 'AppProject');
      expect(project.spec.destinations).toEqual(expect.arrayContaining([{ name: 'eu', namespace: 'shop' }, { name: 'us', namespace: 'shop' }]));
      expect(project.spec.namespaceResourceWhitelist).toEqual(expect.arrayContaining([{ group: '', kind: 'ConfigMap' }]));
      expect(project.spec.clusterResourceWhitelist).toEqual(expect.arrayContaining([{ group: '', kind: 'Namespace', name: 'shop' }]));
      expect(project.spec.sourceRepos).toEqual(['https://git.example.com/fleet.git']);
    } finally {
      synthChart.mockRestore();
    }
  });
});
