import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Testing, Yaml } from 'cdk8s';
import * as yaml from 'js-yaml';
import { DeliveryOrder, DeliveryTier, PolicySplit, SyncWaves } from '../../src';
import { synthAndValidate } from '../util';
import { gitopsSample, kindsOf } from './fixtures';

const POLICY_KINDS = new Set(['NetworkPolicy', 'ClusterPolicy', 'Policy', 'PeerAuthentication', 'AuthorizationPolicy']);
const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Pod', 'Job', 'CronJob', 'ReplicaSet']);

describe('DeliveryOrder', () => {
  test('tiers and waves by kind', () => {
    expect(DeliveryOrder.tierOf('v1', 'Namespace')).toBe(DeliveryTier.FOUNDATION);
    expect(DeliveryOrder.tierOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(DeliveryTier.FOUNDATION);
    expect(DeliveryOrder.tierOf('networking.k8s.io/v1', 'NetworkPolicy')).toBe(DeliveryTier.POLICY);
    expect(DeliveryOrder.tierOf('kyverno.io/v1', 'ClusterPolicy')).toBe(DeliveryTier.POLICY);
    expect(DeliveryOrder.tierOf('security.istio.io/v1', 'AuthorizationPolicy')).toBe(DeliveryTier.POLICY);
    expect(DeliveryOrder.tierOf('apps/v1', 'Deployment')).toBe(DeliveryTier.WORKLOAD);
    // the group matters: a NetworkPolicy of another group is not the Kubernetes one
    expect(DeliveryOrder.tierOf('example.com/v1', 'NetworkPolicy')).toBe(DeliveryTier.WORKLOAD);
    expect([DeliveryTier.FOUNDATION, DeliveryTier.POLICY, DeliveryTier.WORKLOAD].map(DeliveryOrder.syncWaveOf)).toEqual([-2, -1, 0]);
    expect(DeliveryOrder.isClusterScoped('kyverno.io/v1', 'ClusterPolicy')).toBe(true);
    expect(DeliveryOrder.isClusterScoped('v1', 'Service')).toBe(false);
  });
});

describe('SyncWaves', () => {
  test('every policy has a strictly lower wave than every workload, in every cluster', () => {
    const s = gitopsSample();
    s.fleet.clusters.forEach((c) => SyncWaves.apply(c.chart));
    let perCluster = 0;
    for (const c of s.fleet.clusters) {
      const manifests = synthAndValidate(c.chart);
      perCluster += manifests.length;
      expect(manifests.every((o) => SyncWaves.waveOf(o) !== undefined)).toBe(true);
      const policies = manifests.filter((o) => POLICY_KINDS.has(o.kind));
      const workloads = manifests.filter((o) => WORKLOAD_KINDS.has(o.kind));
      expect(kindsOf(policies)).toEqual(['ClusterPolicy', 'NetworkPolicy', 'PeerAuthentication']);
      expect(kindsOf(workloads)).toEqual(['Deployment']);
      const maxPolicy = Math.max(...policies.map((o) => SyncWaves.waveOf(o)!));
      const minWorkload = Math.min(...workloads.map((o) => SyncWaves.waveOf(o)!));
      expect(maxPolicy).toBeLessThan(minWorkload);
      // namespaces and CRDs come first of all
      for (const o of manifests.filter((x) => x.kind === 'Namespace' || x.kind === 'CustomResourceDefinition')) {
        expect(SyncWaves.waveOf(o)).toBe(-2);
      }
      // the fleet's custom resources come after their CRDs
      const crdWave = Math.max(...manifests.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => SyncWaves.waveOf(o)!));
      for (const o of manifests.filter((x) => x.kind === 'FailoverPolicy' || x.kind === 'ReplicationPolicy')) {
        expect(SyncWaves.waveOf(o)).toBeGreaterThan(crdWave);
      }
    }
    // the whole app synthesizes as `cdk8s synth` does (every validation runs), with the waves in its output
    const appObjects = yaml.loadAll(s.app.synthYaml()) as any[];
    expect(appObjects.length).toBe(perCluster);
    expect(appObjects.filter((o) => SyncWaves.waveOf(o) === undefined).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  test('objects added after apply (and flows rendered at synth) get their wave too', () => {
    const s = gitopsSample();
    const c = s.fleet.clusters[0];
    SyncWaves.apply(c.chart);
    new ApiObject(c.chart, 'late', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'late', namespace: 'frontend' }, spec: { podSelector: {} } });
    const manifests = synthAndValidate(c.chart);
    expect(SyncWaves.waveOf(manifests.find((o) => o.metadata.name === 'late'))).toBe(-1);
    expect(SyncWaves.waveOf(manifests.find((o) => o.metadata.name === 'default-deny'))).toBe(-1);
    expect(manifests.filter((o) => SyncWaves.waveOf(o) === undefined)).toEqual([]);
  });

  test('a user wave that would put a policy with the workloads (or a workload before them) is refused', () => {
    const chart = Testing.chart();
    const np = new ApiObject(chart, 'np', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'a' }, spec: { podSelector: {} } });
    np.metadata.addAnnotation(SyncWaves.ANNOTATION, '0');
    const pod = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    pod.metadata.addAnnotation(SyncWaves.ANNOTATION, '-5');
    SyncWaves.apply(chart);
    const errors = chart.node.validate();
    expect(errors).toEqual([
      expect.stringMatching(/NetworkPolicy .*np: invalid metadata.annotations\["argocd.argoproj.io\/sync-wave"\] "0": expected a negative integer wave/),
      expect.stringMatching(/Pod .*pod: invalid metadata.annotations\["argocd.argoproj.io\/sync-wave"\] "-5": expected an integer wave of 0 or more/),
    ]);
  });
});

describe('PolicySplit', () => {
  test('policies hold namespaces, CRDs, policies and guardrails; apps the rest; nothing lost', () => {
    const s = gitopsSample();
    for (const c of s.fleet.clusters) {
      const all = Testing.synth(c.chart);
      const split = PolicySplit.of(c.chart);
      expect(split.policies.length + split.apps.length).toBe(all.length);
      expect(kindsOf(split.policies)).toEqual([
        'ClusterPolicy', 'ClusterRole', 'CustomResourceDefinition', 'LimitRange', 'Namespace', 'NetworkPolicy',
        'PeerAuthentication', 'ResourceQuota', 'ServiceAccount',
      ]);
      expect(kindsOf(split.apps)).toEqual(['Deployment', 'FailoverPolicy', 'Gslb', 'Ingress', 'ReplicationPolicy', 'Service', 'ServiceExport']);
      expect(split.apps.filter((o) => POLICY_KINDS.has(o.kind))).toEqual([]);
      expect(split.policies.filter((o) => WORKLOAD_KINDS.has(o.kind))).toEqual([]);
      // every namespace the apps use that the cluster creates is created by the policies half
      const created = new Set(all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
      const createdInPolicies = new Set(split.policies.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
      expect([...created].sort()).toEqual([...createdInPolicies].sort());
      // the frontend namespace's default-deny is in the policies half
      expect(split.policies.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'frontend' && o.metadata.name === 'default-deny')).toBe(true);
      // each half is valid on its own, also as a chart
      synthAndValidate(split.policiesChart(`${c.name}-policies`));
      synthAndValidate(split.appsChart(`${c.name}-apps`));
      expect(Testing.synth(split.appsChart('x'))).toEqual(split.apps);
    }
  });

  test('writeFleet writes policies/ and apps/ per cluster', () => {
    const s = gitopsSample();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-split-'));
    try {
      const files = PolicySplit.writeFleet(s.fleet, dir);
      expect(files.map((f) => path.relative(dir, f))).toEqual(s.fleet.clusters.flatMap((c) => [
        path.join(c.name, 'policies', 'manifests.k8s.yaml'), path.join(c.name, 'apps', 'manifests.k8s.yaml'),
      ]));
      const split = PolicySplit.of(s.fleet.clusters[1].chart);
      expect(Yaml.load(files[2])).toEqual(split.policies);
      expect(Yaml.load(files[3])).toEqual(split.apps);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
