/**
 * The sample delivered through GitOps (sample/delivery.ts): the Argo CD and Flux objects are
 * valid, point at the folders `npm run sample` writes, and deliver every cluster in a safe order:
 * no workload before the namespaces, policies and guardrails of its cluster.
 */
import { DELIVERY_NAME, FLEET_REPO } from '../../sample/delivery';
import { CLUSTERS } from '../../sample/ecommerce';
import { DeliveryOrder, DeliveryTier, PolicySplit, SyncWaves } from '../../src';
import { formatIssues, validateObjects } from '../util';
import { builtCluster, builtSample } from '../util/sample-cache';

let argo: any[];
let flux: any[];
const manifests = new Map<string, any[]>();

beforeAll(() => {
  // the sample and its delivery, built once per run (test/util/sample-cache: buildEcommerce + buildDelivery)
  const sample = builtSample();
  argo = sample.argo;
  flux = sample.flux;
  for (const c of sample.clusters) {
    manifests.set(c.name, c.objects);
  }
});

test('the Argo CD and Flux objects pass their CRD schemas', () => {
  expect(argo.length).toBeGreaterThan(0);
  expect(flux.length).toBeGreaterThan(0);
  expect(formatIssues(validateObjects([...argo, ...flux]))).toBe(formatIssues([]));
});

const tierOf = (o: any): DeliveryTier => DeliveryOrder.tierOf(o.apiVersion, o.kind);
const id = (o: any): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

test('Argo CD: one Application per cluster folder of dist/sample, from the fleet repository', () => {
  expect(argo.map((o) => o.kind)).toEqual(['ApplicationSet', 'AppProject']);
  const [appset, project] = argo;
  expect(appset.spec.generators[0].list.elements).toEqual(CLUSTERS.map((c) => ({ cluster: c, path: `dist/sample/${c}` })));
  expect(appset.spec.template.spec.source).toEqual({
    repoURL: FLEET_REPO, targetRevision: 'main', path: '{{.path}}', directory: { include: '*.k8s.yaml', recurse: false },
  });
  expect(appset.spec.template.spec.project).toBe(DELIVERY_NAME);
  expect(project.metadata.name).toBe(DELIVERY_NAME);
  expect(project.spec.sourceRepos).toEqual([FLEET_REPO]);
  // the project admits every object of every cluster (its kind and namespace), nothing else
  for (const c of CLUSTERS) {
    for (const o of manifests.get(c)!) {
      // Argo CD: an entry with a name admits only the object of that name
      const gk = (l: any[]) => l.some((x) => x.group === DeliveryOrder.groupOf(o.apiVersion) && x.kind === o.kind
        && (x.name === undefined || x.name === o.metadata.name));
      const clusterScoped = gk(project.spec.clusterResourceWhitelist);
      const namespaced = gk(project.spec.namespaceResourceWhitelist)
        && project.spec.destinations.some((d: any) => d.name === c && d.namespace === (o.metadata.namespace ?? 'default'));
      expect([c, id(o), clusterScoped || namespaced]).toEqual([c, id(o), true]);
    }
    expect(project.spec.destinations).not.toContainEqual({ name: c, namespace: 'kube-system' });
  }
});

test('Flux: per cluster the source and two Kustomizations, apps after policies', () => {
  expect(flux.filter((o) => o.kind === 'GitRepository').map((o) => [o.metadata.name, o.spec.url])).toEqual([[DELIVERY_NAME, FLEET_REPO]]);
  for (const c of CLUSTERS) {
    const objs = builtCluster(c).flux;
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`GitRepository/${DELIVERY_NAME}`, `Kustomization/${c}-policies`, `Kustomization/${c}-apps`]);
    const [, policies, apps] = objs;
    expect(policies.spec.path).toBe(`./dist/sample/${c}/policies`);
    expect(apps.spec.path).toBe(`./dist/sample/${c}/apps`);
    expect(policies.spec.dependsOn).toBeUndefined();
    expect(apps.spec.dependsOn).toEqual([{ name: policies.metadata.name }]);
    expect([policies.spec.wait, apps.spec.wait, policies.spec.prune]).toEqual([true, true, true]);
    for (const k of [policies, apps]) expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: DELIVERY_NAME });
    // the same objects the Flux chart holds
    expect(flux).toEqual(expect.arrayContaining(objs));
  }
});

describe.each(CLUSTERS)('ordering in %s', (cluster) => {
  test('Argo CD: every namespace, CRD, policy and guardrail is in a lower sync wave than every workload', () => {
    const objs = manifests.get(cluster)!;
    expect(objs.filter((o) => SyncWaves.waveOf(o) === undefined).map(id)).toEqual([]);
    const workloads = objs.filter((o) => tierOf(o) === DeliveryTier.WORKLOAD);
    const early = objs.filter((o) => tierOf(o) !== DeliveryTier.WORKLOAD);
    expect(workloads.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'DaemonSet', 'Service']));
    expect(early.map((o) => o.kind)).toEqual(expect.arrayContaining([
      'Namespace', 'NetworkPolicy', 'ClusterPolicy', 'PeerAuthentication', 'AuthorizationPolicy', 'ServiceAccount',
    ]));
    const firstWorkloadWave = Math.min(...workloads.map((o) => SyncWaves.waveOf(o)!));
    for (const o of early) {
      expect([id(o), SyncWaves.waveOf(o)! < firstWorkloadWave]).toEqual([id(o), true]);
    }
    // the namespaces come before the policies that live in them
    for (const o of objs.filter((x) => x.kind === 'Namespace')) expect(SyncWaves.waveOf(o)).toBe(-2);
    for (const o of objs.filter((x) => x.kind === 'NetworkPolicy')) expect(SyncWaves.waveOf(o)).toBe(-1);
  });

  test('Flux: every policy-tier object is in the policies half (which the apps Kustomization depends on), every workload in apps', () => {
    const objs = manifests.get(cluster)!;
    const split = PolicySplit.fromManifests(objs);
    expect(split.policies.length + split.apps.length).toBe(objs.length);
    const inPolicies = new Set(split.policies.map(id));
    for (const o of objs) {
      expect([id(o), inPolicies.has(id(o))]).toEqual([id(o), tierOf(o) !== DeliveryTier.WORKLOAD]);
    }
    // every default-deny of our namespaces goes with the policies
    const denies = split.policies.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny');
    expect(denies.map((o) => o.metadata.namespace).sort()).toEqual(['auth', 'database', 'frontend', 'gateway', 'logging', 'observability', 'order', 'payment']);
    expect(split.apps.filter((o) => o.kind === 'NetworkPolicy' || o.kind === 'AuthorizationPolicy')).toEqual([]);
  });
});
