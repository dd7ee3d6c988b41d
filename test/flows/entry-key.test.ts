/**
 * A NetworkPolicy entry's key is written without stableStringify's generic walk (a fast path):
 * it must be the same text for every shape, since it names a policy on a name collision.
 */
import { stableStringify } from '../../src/core/strings';
import { entryKey } from '../../src/flows/network-policy-renderer';

const same = (ns: string, direction: string, local: unknown, remote: unknown[]): void => {
  expect(entryKey(ns, direction, local, remote)).toBe(stableStringify({ ns, direction, local, remote }));
};

describe('entryKey', () => {
  test('is stableStringify of the entry for every peer shape remotePeers builds', () => {
    const labels = [{}, { app: 'web' }, { 'zeta': 'z', 'app.kubernetes.io/name': 'x', 'a"b': 'q\n"' }, { b: '2', a: '1' }];
    const peers: unknown[] = [
      { podSelector: {} },
      { ipBlock: { cidr: '10.0.0.0/8' } },
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } },
      { ipBlock: { cidr: '0.0.0.0/0', except: [] } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-1' } } },
      { namespaceSelector: { matchLabels: {} } },
      ...labels.map((l) => ({ podSelector: { matchLabels: l } })),
      ...labels.map((l) => ({ podSelector: { matchLabels: l }, namespaceSelector: { matchLabels: { b: 'x', a: 'y' } } })),
      ...labels.map((l) => ({ namespaceSelector: { matchLabels: l }, podSelector: { matchLabels: { ...l } } })),
    ];
    for (const local of labels) {
      for (const direction of ['ingress', 'egress']) {
        same('team-0', direction, local, []);
        for (const p of peers) same('team-0', direction, local, [p]);
        same('ns', direction, local, peers);
      }
    }
  });

  test('falls back to the generic walk for other shapes, with the same text', () => {
    const odd: unknown[] = [
      { podSelector: { matchLabels: { 10: 'a', 9: 'b' } } },
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } },
      { podSelector: { matchLabels: { a: undefined, b: 'x' } } },
      { podSelector: undefined, ipBlock: { cidr: '1.2.3.4/32', except: undefined } },
      { ipBlock: { cidr: '1.2.3.4/32' }, extra: 1 },
      { ipBlock: { cidr: 5 } },
      { podSelector: { matchLabels: { a: 1 } } },
      JSON.parse('{"podSelector":{"matchLabels":{"__proto__":"x","a":"b"}}}'),
    ];
    for (const p of odd) same('team-0', 'egress', { app: 'web' }, [p]);
    same('team-0', 'egress', { 1: 'x', a: 'b' }, [{ podSelector: {} }]);
    same('team-0', 'egress', { a: 2 }, [{ podSelector: {} }]);
  });
});
