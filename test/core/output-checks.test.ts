/**
 * The duplicate check of a chart's output on plain objects: two objects with one identity (API
 * group, kind, namespace, name) fail, naming the object and both paths; one name shared by other
 * kinds, namespaces or groups does not.
 */
import { checkOutput, identityOf } from '../../src/core/output-checks';

const at = { path: 'chart', pathsOf: (id: string) => [`chart/a ${id}`, `chart/b ${id}`] };

function obj(apiVersion: string, kind: string, name: string, namespace?: string): any {
  return { apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace } };
}

function errorOf(objs: any[]): string | undefined {
  try {
    checkOutput(at, objs);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('output checks: duplicate identities', () => {
  test('one name for a ServiceAccount, Deployment and Service of a namespace, and in other namespaces and groups, is fine', () => {
    const objs = [
      obj('v1', 'ServiceAccount', 'web', 'shop'), obj('apps/v1', 'Deployment', 'web', 'shop'), obj('v1', 'Service', 'web', 'shop'),
      obj('v1', 'Service', 'web', 'data'), obj('v1', 'Namespace', 'web'), obj('networking.k8s.io/v1', 'NetworkPolicy', 'web', 'shop'),
      obj('security.istio.io/v1', 'NetworkPolicy', 'web', 'shop'),
    ];
    expect(errorOf(objs)).toBeUndefined();
  });

  test('the second object with an identity fails, named with both paths', () => {
    const objs = [obj('v1', 'Service', 'web', 'shop'), obj('apps/v1', 'Deployment', 'web', 'shop'), obj('v1', 'Service', 'web', 'shop')];
    const e = errorOf(objs);
    const id = identityOf('v1', 'Service', 'shop', 'web');
    expect(e).toContain(`chart/b ${id}: invalid metadata.name "web"`);
    expect(e).toContain(`Service shop/web is emitted twice (chart/a ${id} and chart/b ${id})`);
  });

  test('versions of one group are one identity; no namespace and an empty namespace are one identity', () => {
    expect(errorOf([obj('apps/v1', 'Deployment', 'web', 'shop'), obj('apps/v1beta2', 'Deployment', 'web', 'shop')])).toContain('emitted twice');
    expect(errorOf([obj('v1', 'Namespace', 'shop'), obj('v1', 'Namespace', 'shop', '')])).toContain('emitted twice');
    expect(errorOf([obj('v1', 'ConfigMap', 'c', 'a'), obj('v1', 'ConfigMap', 'c', 'b'), obj('v1', 'ConfigMap', 'c', 'a')])).toContain('ConfigMap a/c is emitted twice');
  });
});

describe('output checks: the size bound skips only objects that fit', () => {
  const big = (value: unknown) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { x: value } });

  test('a small object passes; one over the annotation limit is refused for client-side apply', () => {
    expect(errorOf([big('a'.repeat(1000))])).toBeUndefined();
    expect(errorOf([big('a'.repeat(300_000))])).toMatch(/client-side apply/);
  });

  test('escapes, multibyte text and toJSON are measured as JSON writes them', () => {
    // 50,000 units that JSON writes as 6-byte escapes: 300,000 bytes
    expect(errorOf([big('\u0001'.repeat(50_000))])).toMatch(/client-side apply/);
    // 100,000 code units of 3 UTF-8 bytes each
    expect(errorOf([big('\u20ac'.repeat(100_000))])).toMatch(/client-side apply/);
    expect(errorOf([big({ toJSON: () => 'a'.repeat(300_000) })])).toMatch(/client-side apply/);
    expect(errorOf([big(new Date(0))])).toBeUndefined();
  });

  test('strings and values in arrays are bounded as members are (escapes, toJSON, many small ones)', () => {
    expect(errorOf([big(['\u0001'.repeat(50_000)])])).toMatch(/client-side apply/);
    expect(errorOf([big(['x', { toJSON: () => 'a'.repeat(300_000) }])])).toMatch(/client-side apply/);
    expect(errorOf([big(new Array(100_000).fill('abc'))])).toMatch(/client-side apply/);
    expect(errorOf([big([undefined, Symbol('s'), null, 1.5, true, 'x'])])).toBeUndefined();
  });

  test('a cycle gives JSON\'s error; a deep small object passes', () => {
    const cycle: any = { a: ['x'] };
    cycle.a.push(cycle);
    expect(errorOf([big(cycle)])).toMatch(/circular/);
    let deep: any = 'leaf';
    for (let i = 0; i < 100; i++) deep = i % 2 === 0 ? { k: deep } : [deep];
    expect(errorOf([big(deep)])).toBeUndefined();
  });

  test('an object over etcd\'s request limit is refused', () => {
    expect(errorOf([big('a'.repeat(1_600_000))])).toMatch(/etcd's request limit/);
  });
});
