/**
 * ApplyOrder: the order in which one `kubectl apply -f` creates every object (Namespaces and
 * CRDs first, then cluster-scoped objects, then namespaced ones).
 */
import { parseAllDocuments } from 'yaml';
import { ApplyOrder } from '../../src';
import { validateManifests } from '../util';
import { builtSample } from '../util/sample-cache';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} });
const crd = (kind: string, scope: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.example.com` },
  spec: {
    group: 'example.com',
    scope,
    names: { kind, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(), listKind: `${kind}List` },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});
const netpol = (name: string, namespace: string) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: {}, policyTypes: ['Ingress'] },
});
const clusterRole = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] });
const names = (objs: any[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);

describe('ApplyOrder.sort', () => {
  const input = [
    cm('b', 'app'),
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'app' } },
    { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } },
    netpol('deny', 'app'),
    cm('a', 'app'),
    clusterRole('reader'),
    crd('Widget', 'Namespaced'),
    crd('Gadget', 'Cluster'),
    ns('app'),
  ];

  test('the input order fails a first apply; the sorted one does not', () => {
    expect(ApplyOrder.problems(input)).toEqual([
      'ConfigMap app/b (object 0) comes before its Namespace app (object 8)',
      'Widget app/w (object 1) comes before its Namespace app (object 8)',
      'Widget app/w (object 1) comes before the CustomResourceDefinition of its kind (object 6)',
      'Gadget g (object 2) comes before the CustomResourceDefinition of its kind (object 7)',
      'NetworkPolicy app/deny (object 3) comes before its Namespace app (object 8)',
      'ConfigMap app/a (object 4) comes before its Namespace app (object 8)',
    ]);
    const sorted = ApplyOrder.sort(input);
    expect(ApplyOrder.problems(sorted)).toEqual([]);
    expect(validateManifests(sorted)).toEqual([]);
  });

  test('Namespaces, CRDs, cluster-scoped (policies first), namespaced (policies first, then Helm order); stable within a kind', () => {
    expect(names(ApplyOrder.sort(input))).toEqual([
      'Namespace/app',
      'CustomResourceDefinition/widgets.example.com',
      'CustomResourceDefinition/gadgets.example.com',
      'ClusterRole/reader',
      'Gadget/g',
      'NetworkPolicy/deny',
      'ConfigMap/b',
      'ConfigMap/a',
      'Widget/w',
    ]);
    // the input is not modified, and sorting is idempotent
    expect(names(input)[0]).toBe('ConfigMap/b');
    expect(ApplyOrder.sort(ApplyOrder.sort(input))).toEqual(ApplyOrder.sort(input));
  });

  test('Helm install order among namespaced workloads: ServiceAccount, ConfigMap, Service, Deployment, Ingress', () => {
    const objs = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'app' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'app' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'app' } },
      cm('c', 'app'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'app' } },
    ];
    expect(ApplyOrder.sort(objs).map((o) => o.kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'Ingress']);
  });
});

describe('the sample', () => {
  test('construct order (what App.synth writes) fails a first kubectl apply; Fleet.manifests does not', () => {
    // the sample built once per run (test/util/sample-cache): chart.toJson() and fleet.manifests(name)
    for (const c of builtSample().clusters) {
      const raw = c.objects;
      // before: dozens of objects precede their Namespace
      expect(ApplyOrder.problems(raw).length).toBeGreaterThan(10);
      const yaml = c.manifests;
      const objs = parseAllDocuments(yaml).map((d) => d.toJS());
      expect(objs.length).toBe(raw.length);
      expect(ApplyOrder.problems(objs)).toEqual([]);
      expect(objs[0].kind).toBe('Namespace');
    }
  });
});
