/**
 * Where the Kyverno guardrails act: the generate rules (default-deny, allow-dns) only in the
 * namespaces that opt in, never in a platform namespace; the pod rules never in a platform
 * namespace. Evaluated with Kyverno's match/exclude semantics: a rule applies to a resource that
 * some `match.any[]` entry selects (every field of the entry holds) and no `exclude.any[]` entry
 * selects.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AdmissionGuardrails, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/** Kyverno's resource filter of one `any[]` entry: kinds, names, namespaces, selector.matchLabels (all must hold). */
function selects(block: any, obj: any): boolean {
  return (block?.any ?? []).some((f: any) => {
    const r = f.resources ?? {};
    if (r.kinds && !r.kinds.includes(obj.kind)) return false;
    if (r.names && !r.names.includes(obj.metadata.name)) return false;
    if (r.namespaces && !r.namespaces.includes(obj.metadata.namespace)) return false;
    const ml = r.selector?.matchLabels;
    if (ml && !Object.entries(ml).every(([k, v]) => obj.metadata.labels?.[k] === v)) return false;
    return true;
  });
}

/** A namespace as the cluster has it (the API server's name label, plus `labels`). */
const liveNs = (name: string, labels: { [k: string]: string } = {}) =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });

/** `namespace/name` of the NetworkPolicies the generate rules of `objs` create in `namespaces`. */
function generated(objs: any[], namespaces: any[]): string[] {
  const rules = objs.filter((o) => o.kind === 'ClusterPolicy').flatMap((o) => o.spec.rules).filter((r: any) => r.generate);
  return namespaces.flatMap((ns) => rules
    .filter((r: any) => selects(r.match, ns) && !selects(r.exclude, ns))
    .map((r: any) => `${ns.metadata.name}/${r.generate.name}`)).sort();
}

const OTHERS = ['default', 'local-path-storage', 'monitoring', 'tenant-a'];

describe('AdmissionGuardrails namespace scoping', () => {
  const build = (props = {}) => {
    const chart = Testing.chart();
    new AdmissionGuardrails(chart, 'g', props);
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    new kplus.Namespace(chart, 'legacy', { metadata: { name: 'legacy' } });
    return synthAndValidate(chart);
  };

  test('generation only where a namespace opts in: the chart\'s own unmanaged Namespaces, never the platform nor unknown namespaces', () => {
    const objs = build();
    const chartNs = objs.filter((o) => o.kind === 'Namespace');
    expect(chartNs.find((o) => o.metadata.name === 'legacy').metadata.labels).toEqual({ [AdmissionGuardrails.GENERATE_LABEL]: 'true' });
    // the ZeroTrustNamespace owns its policies: not labelled for generation
    expect(chartNs.find((o) => o.metadata.name === 'shop').metadata.labels[AdmissionGuardrails.GENERATE_LABEL]).toBeUndefined();
    const cluster = [...chartNs, ...AdmissionGuardrails.PLATFORM_NAMESPACES.map((n) => liveNs(n)), ...OTHERS.map((n) => liveNs(n))];
    expect(generated(objs, cluster)).toEqual(['legacy/allow-dns', 'legacy/default-deny']);
    // a tenant opts in with the label
    expect(generated(objs, [liveNs('tenant-b', { [AdmissionGuardrails.GENERATE_LABEL]: 'true' })])).toEqual(['tenant-b/allow-dns', 'tenant-b/default-deny']);
    // a platform namespace is never generated into, even when labelled
    const labelled = AdmissionGuardrails.PLATFORM_NAMESPACES.map((n) => liveNs(n, { [AdmissionGuardrails.GENERATE_LABEL]: 'true' }));
    expect(generated(objs, labelled)).toEqual([]);
    // the evaluator can fail: the previous rules (every namespace but a short list) generate into the platform and unknown namespaces
    const previous = JSON.parse(JSON.stringify(objs));
    for (const r of previous.filter((o: any) => o.kind === 'ClusterPolicy').flatMap((o: any) => o.spec.rules).filter((x: any) => x.generate)) {
      r.match = { any: [{ resources: { kinds: ['Namespace'] } }] };
      r.exclude.any[0].resources.names = ['istio-system', 'kube-public', 'kube-system'];
    }
    expect(generated(previous, cluster)).toEqual(expect.arrayContaining(['cert-manager/default-deny', 'kyverno/default-deny', 'argocd/default-deny', 'default/default-deny']));
  });

  test('pod rules skip every platform namespace and the Kyverno namespace; excludedNamespaces adds to them', () => {
    const objs = build({ excludedNamespaces: ['legacy-batch'], kyvernoNamespace: 'kyverno-system' });
    const pod = (ns: string) => ({ kind: 'Pod', metadata: { name: 'p', namespace: ns } });
    const rules = objs.filter((o) => o.kind === 'ClusterPolicy').flatMap((o) => o.spec.rules).filter((r: any) => r.validate);
    expect(rules.length).toBeGreaterThan(5);
    for (const ns of [...AdmissionGuardrails.PLATFORM_NAMESPACES, 'kyverno-system', 'legacy-batch']) {
      const applies = rules.filter((r: any) => selects(r.match, pod(ns)) && !selects(r.exclude, pod(ns))).map((r: any) => r.name);
      expect({ ns, applies }).toEqual({ ns, applies: [] });
    }
    // ... and still apply in the fleet's and unknown namespaces
    for (const ns of ['shop', 'default']) {
      expect(rules.filter((r: any) => selects(r.match, pod(ns)) && !selects(r.exclude, pod(ns))).map((r: any) => r.name)).toContain('restrict-capabilities');
    }
    // generation: the added namespace and the Kyverno namespace are excluded besides the platform ones
    const gen = objs.find((o) => o.metadata.name === 'zero-trust-network-policies').spec.rules.find((r: any) => r.generate);
    expect(gen.exclude.any[0].resources.names).toEqual([...AdmissionGuardrails.PLATFORM_NAMESPACES, 'kyverno-system', 'legacy-batch'].sort());
    expect(generated(objs, [liveNs('kyverno-system', { [AdmissionGuardrails.GENERATE_LABEL]: 'true' })])).toEqual([]);
  });

  test('a ZeroTrustNamespace may not take a platform namespace\'s name', () => {
    for (const name of ['kube-system', 'cert-manager', 'kyverno', 'istio-system']) {
      expect(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name }))
        .toThrow(new RegExp(`test/ns: invalid name "${name}": expected a namespace of your own, not a platform namespace \\(argocd, cert-manager, .*kube-system`));
    }
  });

  test('bad kyvernoNamespace names the field', () => {
    expect(() => new AdmissionGuardrails(Testing.chart(), 'g', { kyvernoNamespace: 'Kyverno' })).toThrow(/invalid kyvernoNamespace "Kyverno"/);
  });
});
