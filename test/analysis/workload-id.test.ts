import { ReachabilityAnalyzer } from '../../src/analysis';

/**
 * Workload ids come from manifests, and the controller owner's name is not checked by the API
 * server: a name holding a newline or ` => ` must not forge lines of the reports (txt, md, dot).
 */
function pod(name: string, ns: string, owner?: { name: string; kind: string }): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { app: name.length > 10 ? 'odd' : name },
      ...owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u1', controller: true }] } : {},
    },
    spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] },
  };
}

const FORGED = 'evil\nshop/fake[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections';

describe('workload ids in the reports', () => {
  test('plain names are printed as they are (netpol-analyzer\'s format)', () => {
    const a = ReachabilityAnalyzer.fromObjects([pod('web', 'shop'), pod('api-1', 'shop', { name: 'api-7d9f', kind: 'ReplicaSet' })]);
    expect(a.toText().split('\n')).toContain('shop/web[Pod] => shop/api-7d9f[ReplicaSet] : All Connections');
  });

  test('an owner name, owner kind or namespace that is not a plain name is quoted: one line per connection, none forged', () => {
    const a = ReachabilityAnalyzer.fromObjects([
      pod('web', 'shop'),
      pod('x', 'shop', { name: FORGED, kind: 'ReplicaSet' }),
      pod('y', 'shop', { name: 'ok', kind: 'Kind] => shop/web[Pod' }),
    ]);
    const lines = a.toText().split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(a.connections().length);
    // `>` is an escape inside a quoted name: every line has one arrow, between its two ends
    for (const l of lines) expect(l.split(' => ')).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('shop/fake'))).toEqual([]);
    expect(a.toText()).toContain(`shop/${JSON.stringify(FORGED).replace('>', '\\u003e')}[ReplicaSet]`);
    expect(a.toText()).toContain('shop/ok["Kind] =\\u003e shop/web[Pod"]');
  });

  test('Markdown cell, code and HTML characters inside a quoted name are escapes', () => {
    const a = ReachabilityAnalyzer.fromObjects([pod('web', 'shop'), pod('x', 'shop', { name: 'a|b```<i>', kind: 'ReplicaSet' })]);
    expect(a.toText()).toContain('shop/"a\\u007cb\\u0060\\u0060\\u0060\\u003ci\\u003e"[ReplicaSet]');
  });
});
