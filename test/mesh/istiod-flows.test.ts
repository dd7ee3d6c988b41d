import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Flows, MtlsMesh, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

const ISTIOD_EGRESS = [{
  to: [{ podSelector: { matchLabels: { app: 'istiod' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }],
  ports: [{ protocol: 'TCP', port: 15012 }],
}];

/** Namespaces whose pods may reach istiod on 15012 (by their egress NetworkPolicies). */
function istiodNamespaces(objs: any[]): string[] {
  return objs.filter((o) => o.kind === 'NetworkPolicy' && isEqual(o.spec.egress ?? [], ISTIOD_EGRESS))
    .map((o) => o.metadata.namespace).sort();
}

function isEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

describe('MtlsMesh: the flow to istiod of every namespace with sidecars', () => {
  test('a ZeroTrustNamespace with istioInjection gets it without being protected; one without injection does not', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'frontend', { name: 'frontend', istioInjection: true });
    new ZeroTrustNamespace(chart, 'batch', { name: 'batch' });
    const mesh = new MtlsMesh(chart, 'mesh');
    // a namespace declared after the mesh is found too (read at synthesis)
    new ZeroTrustNamespace(chart, 'late', { name: 'late', istioInjection: true });
    expect(mesh.meshedNamespaces).toEqual(['frontend', 'late']);
    const objs = synthAndValidate(chart);
    expect(istiodNamespaces(objs)).toEqual(['frontend', 'late']);
    const np = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'frontend' && o.metadata.name.includes('istiod'));
    expect(np.metadata.name).toBe('allow-to-istio-system-istiod');
    expect(np.spec.podSelector).toEqual({ matchLabels: {} });
    expect(objs.filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
  });

  test('any Namespace labelled for injection (istio-injection: enabled, or istio.io/rev) and meshedNamespaces', () => {
    const chart = Testing.chart();
    new kplus.Namespace(chart, 'a', { metadata: { name: 'by-label', labels: { 'istio-injection': 'enabled' } } });
    new kplus.Namespace(chart, 'b', { metadata: { name: 'by-revision', labels: { 'istio.io/rev': 'canary' } } });
    // istio-injection wins over istio.io/rev (Istio's rule): disabled means no sidecars
    new kplus.Namespace(chart, 'c', { metadata: { name: 'disabled', labels: { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' } } });
    new kplus.Namespace(chart, 'd', { metadata: { name: 'plain' } });
    for (const n of ['by-label', 'by-revision', 'disabled', 'plain', 'elsewhere']) {
      Flows.of(chart).manageNamespace(n);
    }
    const mesh = new MtlsMesh(chart, 'mesh', { meshedNamespaces: ['elsewhere', 'elsewhere'] });
    expect(mesh.meshedNamespaces).toEqual(['by-label', 'by-revision', 'elsewhere']);
    expect(istiodNamespaces(synthAndValidate(chart))).toEqual(['by-label', 'by-revision', 'elsewhere']);
  });

  test('a protected namespace keeps its flow once; allowIstiod false (mesh or namespace) declines it', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'order', { name: 'order', istioInjection: true });
    new ZeroTrustNamespace(chart, 'payment', { name: 'payment', istioInjection: true });
    const mesh = new MtlsMesh(chart, 'mesh');
    mesh.protectNamespace('order');
    mesh.protectNamespace('payment', { allowIstiod: false });
    const objs = synthAndValidate(chart);
    expect(istiodNamespaces(objs)).toEqual(['order']);
    expect(Flows.of(chart).all.filter((f) => f.to.peerName === 'istiod').map((f) => f.from.namespace)).toEqual(['order']);

    const chart2 = Testing.chart();
    new ZeroTrustNamespace(chart2, 'order', { name: 'order', istioInjection: true });
    const off = new MtlsMesh(chart2, 'mesh', { allowIstiod: false });
    off.protectNamespace('order');
    expect(istiodNamespaces(synthAndValidate(chart2))).toEqual([]);
    // the namespace's option wins over the mesh's
    const chart3 = Testing.chart();
    new ZeroTrustNamespace(chart3, 'order', { name: 'order', istioInjection: true });
    new MtlsMesh(chart3, 'mesh', { allowIstiod: false }).protectNamespace('order', { allowIstiod: true });
    expect(istiodNamespaces(synthAndValidate(chart3))).toEqual(['order']);
  });

  test('custom istiod labels and root namespace', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'web', { name: 'web', istioInjection: true });
    new MtlsMesh(chart, 'mesh', { rootNamespace: 'mesh-root', istiodLabels: { istio: 'pilot' } });
    const np = synthAndValidate(chart).filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec).includes('15012'));
    expect(np.map((o) => o.spec.egress[0].to)).toEqual([[{
      podSelector: { matchLabels: { istio: 'pilot' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mesh-root' } },
    }]]);
  });

  test('bad meshedNamespaces and allowIstiod name the field and the value', () => {
    const chart = Testing.chart();
    expect(() => new MtlsMesh(chart, 'm1', { meshedNamespaces: ['ok', 'Bad_NS'] })).toThrow(/m1: invalid meshedNamespaces\[1\] "Bad_NS"/);
    expect(() => new MtlsMesh(chart, 'm2', { meshedNamespaces: ['istio-system'] })).toThrow(/invalid meshedNamespaces\[0\] "istio-system": expected a namespace other than the Istio root namespace/);
    expect(() => new MtlsMesh(chart, 'm3', { meshedNamespaces: 'web' as any })).toThrow(/invalid meshedNamespaces "web"/);
    expect(() => new MtlsMesh(chart, 'm4', { allowIstiod: 'yes' as any })).toThrow(/invalid allowIstiod "yes"/);
  });
});
