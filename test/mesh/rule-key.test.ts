/**
 * An ALLOW rule's key is written without stableStringify's generic walk (a fast path): it orders
 * the rules of a policy, so it must be the same text for every shape.
 */
import { stableStringify } from '../../src/core/strings';
import { ruleKey } from '../../src/mesh/flow-authorization';

describe('ruleKey', () => {
  test('is stableStringify of the rule for every shape ruleOf builds', () => {
    const sources = [
      { principals: ['cluster.local/ns/a/sa/b', 'td2/ns/a/sa/b'] }, { namespaces: ['a'] }, { namespaces: ['*'] },
      { ipBlocks: ['10.0.0.0/8'] }, { ipBlocks: ['0.0.0.0/0'], notIpBlocks: ['10.0.0.0/8', '192.168.0.0/16'] }, {},
    ];
    const ops = [undefined, { ports: ['8080'] }, { ports: ['80', '443'], methods: ['GET', 'POST'], paths: ['/api/*', '/x"y'] },
      { methods: ['GET'] }, { paths: ['/a'], notPaths: ['/a/b'] }];
    for (const source of sources) {
      for (const op of ops) {
        const rules: any[] = [
          { from: [{ source }], to: op === undefined ? undefined : [{ operation: op }] },
          { to: op === undefined ? undefined : [{ operation: op }], from: [{ source }, { source: sources[0] }] },
          { from: [{ source }] },
        ];
        for (const rule of rules) expect(ruleKey(rule)).toBe(stableStringify(rule));
      }
    }
  });

  test('falls back to the generic walk for other shapes, with the same text', () => {
    const odd: any[] = [
      {}, { from: [] }, { from: [{ source: undefined }] }, { from: [undefined] }, { from: [{ source: { principals: [1] } }] },
      { from: [{ source: { other: ['x'] } }] }, { from: [{ source: { principals: ['a', undefined] } }] },
      { from: [{ source: { principals: ['a'] }, extra: true }] }, { to: [{ operation: { ports: [80] } }] }, { when: [{ key: 'k' }] },
    ];
    for (const rule of odd) expect(ruleKey(rule)).toBe(stableStringify(rule));
  });
});
