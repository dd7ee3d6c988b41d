import { Names } from '../../src/core';
import { shortHash, stableStringify, toKubeName } from '../../src/core/strings';

describe('stableStringify', () => {
  test('sorts keys at every level, keeps array order', () => {
    expect(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(stableStringify({ a: 1, b: 2 })).toBe(stableStringify({ b: 2, a: 1 }));
    expect(stableStringify({ a: undefined, b: null })).toBe('{"b":null}');
    expect(stableStringify([undefined])).toBe('[null]');
    expect(stableStringify('x')).toBe('"x"');
    expect(stableStringify(undefined)).toBe('undefined');
    expect(stableStringify({ t: { toJSON: () => 'T' } })).toBe('{"t":"T"}');
  });
});

describe('shortHash', () => {
  test('sha256 hex prefix', () => {
    // sha256("abc") = ba7816bf8f01cfea...
    expect(shortHash('abc')).toBe('ba7816bf');
    expect(shortHash('abc', 16)).toBe('ba7816bf8f01cfea');
    expect(shortHash('abd')).not.toBe(shortHash('abc'));
  });
});

describe('toKubeName', () => {
  test('joins, lowercases, sanitizes', () => {
    expect(toKubeName(['Shop', 'Allow_DNS', 'to kube-system'])).toBe('shop-allow-dns-to-kube-system');
    expect(toKubeName(['a', '', 'b'])).toBe('a-b');
    expect(toKubeName(['--a--', 'b.c'])).toBe('a-b-c');
    expect(toKubeName(['web', 'api'])).toBe('web-api');
  });

  test('empty input gives a valid hashed name', () => {
    const n = toKubeName(['!!!']);
    expect(n).toMatch(/^x-[0-9a-f]{8}$/);
    expect(Names.isDns1123Label(n)).toBe(true);
    expect(Names.isDns1123Label(toKubeName([]))).toBe(true);
  });

  test('long names are truncated to 63 with a deterministic hash suffix', () => {
    const long = ['x'.repeat(40), 'y'.repeat(40)];
    const n = toKubeName(long);
    expect(n.length).toBeLessThanOrEqual(63);
    expect(n).toMatch(/-[0-9a-f]{8}$/);
    expect(Names.isDns1123Label(n)).toBe(true);
    expect(toKubeName(long)).toBe(n);
    expect(toKubeName(['x'.repeat(40), 'y'.repeat(41)])).not.toBe(n);
    expect(toKubeName(['a'.repeat(63)])).toBe('a'.repeat(63));
    expect(toKubeName(['a'.repeat(64)]).length).toBe(63);
    // truncation point on a '-' does not leave '--'
    const m = toKubeName(['a'.repeat(53), 'b'.repeat(20)]);
    expect(Names.isDns1123Label(m)).toBe(true);
    expect(m).not.toContain('--');
    expect(toKubeName(['abcdefghij'.repeat(3)], 20).length).toBeLessThanOrEqual(20);
  });
});

describe('toKubeName fast path', () => {
  // the fast path returns a label that fits as is: the same as the steps give
  const slow = (parts: string[], maxLength = 63): string => {
    const raw = parts.filter((p) => p !== undefined && p !== null && p !== '').join('-');
    const name = raw.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
    return name !== '' && name.length <= maxLength ? name : toKubeName(parts, maxLength);
  };
  test.each([
    [['allow-to', 'svc-1']], [['a', '', 'b']], [['A', 'b']], [['a--b']], [['-a']], [['a-']], [['a.b']], [['x'.repeat(63)]],
    [['x'.repeat(64)]], [['allow', 'x'.repeat(60)]], [['9', '0']], [['ab', 'c']],
  ])('%j', (parts) => {
    expect(toKubeName(parts)).toBe(slow(parts));
    expect(toKubeName(parts, 5)).toBe(slow(parts, 5));
  });
});
