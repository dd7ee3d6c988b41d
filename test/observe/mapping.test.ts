import { ObserveReport } from '../../src';
import { ParsedResources } from '../../src/analysis/model';
import { Mapper } from '../../src/observe/mapping';
import { errorOf } from '../util';
import { hubbleEndpoint, hubbleLine } from './records';

function deployment(ns: string, name: string, labels: { [k: string]: string }, sa = name): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { serviceAccountName: sa, containers: [{ name, image: name, ports: [{ containerPort: 8080 }] }] } },
    },
  };
}

const OBJECTS = [
  deployment('shop', 'web', { app: 'web' }),
  // a canary whose labels include the stable one's: a pod of either matches app=web
  deployment('shop', 'web-canary', { app: 'web', track: 'canary' }, 'web'),
  deployment('shop', 'api', { app: 'api' }),
  deployment('shop', 'api-v2', { app: 'api' }, 'api-v2'),
];

const mapper = new Mapper(new ParsedResources(OBJECTS), {
  ingressControllerNamespace: 'ingress-nginx',
  ingressControllerLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
  clusterCidrs: ['10.0.0.0/8'],
});
const id = (e: any): string => { const m = mapper.map(e); return m.reason ? `${m.kind}: ${m.reason}` : `${m.kind} ${m.id}`; };

describe('mapping observed endpoints to the workloads of the manifests', () => {
  test('several workloads match the labels: the exact template (plus controller labels) wins', () => {
    expect(id({ ns: 'shop', labels: { 'app': 'web', 'pod-template-hash': '5d9f' } })).toBe('workload shop/web[Deployment]');
    expect(id({ ns: 'shop', labels: { 'app': 'web', 'track': 'canary', 'pod-template-hash': '7c1e' } })).toBe('workload shop/web-canary[Deployment]');
  });

  test('several workloads with the same labels: ambiguous unless the record names the owner or the service account', () => {
    expect(id({ ns: 'shop', labels: { app: 'api' } })).toBe('ambiguous: several workloads match namespace shop, labels app=api: shop/api-v2[Deployment], shop/api[Deployment]');
    expect(id({ ns: 'shop', labels: { app: 'api' }, serviceAccount: 'api-v2' })).toBe('workload shop/api-v2[Deployment]');
    expect(id({ ns: 'shop', labels: { app: 'api' }, workload: 'api' })).toBe('workload shop/api[Deployment]');
    expect(id({ ns: 'shop', pod: 'api-v2-6d8f7c9b5-mq7zl' })).toBe('workload shop/api-v2[Deployment]');
  });

  test('no workload matches: unmapped, with what was looked for', () => {
    expect(id({ ns: 'shop', pod: 'netshoot', labels: { run: 'netshoot' }, serviceAccount: 'default' }))
      .toBe('unmapped: no workload of the manifests matches namespace shop, pod netshoot, labels run=netshoot, service account default');
    expect(id({ ns: 'elsewhere', workload: 'web' })).toBe('unmapped: no workload of the manifests matches namespace elsewhere, workload web');
  });

  test('traffic from outside the cluster, in-cluster addresses without identity, reserved identities', () => {
    expect(id({ world: true, ip: '203.0.113.9' })).toBe('external 203.0.113.9');
    expect(id({ ip: '198.51.100.4' })).toBe('external 198.51.100.4');
    expect(id({ ip: '10.244.3.7' })).toBe('unmapped: an in-cluster address with no pod identity in the record (clusterCidrs)');
    expect(id({ reserved: 'host' })).toBe('unmapped: Cilium reserved identity host (not a workload)');
    expect(id({ reserved: 'unknown' })).toBe('unmapped: no workload identity (no sidecar, or plaintext)');
  });

  test('an Istio principal names the namespace and service account; the ingress controller by its labels', () => {
    expect(id({ principal: 'cluster.local/ns/shop/sa/api-v2', serviceAccount: 'api-v2', workload: 'api-v2' })).toBe('workload shop/api-v2[Deployment]');
    expect(id({ ns: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'pod-template-hash': 'x' } })).toBe('controller {ingress-controller}');
  });

  test('ObserveReport: ambiguous endpoints are listed and not proposed; a bad clusterCidrs is refused', () => {
    // a flow whose destination Cilium knows only by namespace and labels
    const line = hubbleLine(hubbleEndpoint('shop', 'web-5d9f-x', { app: 'web' }, 'web'), { identity: 30211, namespace: 'shop', labels: ['k8s:app=api'] }, 8080);
    const r = ObserveReport.fromTexts({ 'h.jsonl': line }, OBJECTS);
    expect(r.unmapped.map((u) => u.reason)).toEqual(['destination: several workloads match namespace shop, labels app=api: shop/api-v2[Deployment], shop/api[Deployment]']);
    expect(r.proposal).toEqual([]);
    expect(errorOf(() => ObserveReport.fromTexts({}, OBJECTS, { clusterCidrs: ['10.0.0.0/33'] })).message)
      .toBe('ObserveReport: invalid options.clusterCidrs[0] "10.0.0.0/33": expected a CIDR (10.0.0.0/8, fc00::/7)');
  });
});
