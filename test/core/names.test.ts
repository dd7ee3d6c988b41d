import { Names } from '../../src/core';

describe('Names', () => {
  test('isDns1123Label', () => {
    for (const ok of ['a', '0', 'a-b', 'abc123', '1a', 'a'.repeat(63)]) {
      expect(Names.isDns1123Label(ok)).toBe(true);
    }
    for (const bad of ['', 'A', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64), ' a', 'ä', undefined as any, 5 as any]) {
      expect(Names.isDns1123Label(bad)).toBe(false);
    }
  });

  test('isDns1123Subdomain', () => {
    for (const ok of ['a', 'a.b', 'a-b.c-d', 'example.com', 'a'.repeat(253), 'a'.repeat(100) + '.b']) {
      expect(Names.isDns1123Subdomain(ok)).toBe(true);
    }
    for (const bad of ['', '.a', 'a.', 'a..b', 'A.b', 'a_b', '-a.b', 'a-.b', 'a'.repeat(254), '*.a']) {
      expect(Names.isDns1123Subdomain(bad)).toBe(false);
    }
  });

  test('isLabelKey', () => {
    for (const ok of ['app', 'App_Name.x-y', 'app.kubernetes.io/name', 'example.com/A', 'a/b', 'x'.repeat(63),
      'a'.repeat(253) + '/' + 'b'.repeat(63), '1', 'a_b']) {
      expect(Names.isLabelKey(ok)).toBe(true);
    }
    for (const bad of ['', '/a', 'a/', 'a/b/c', 'Example.com/a', 'x'.repeat(64), 'a'.repeat(254) + '/b', 'a/' + 'b'.repeat(64),
      '-a', 'a-', '_a', 'a b', 'a.b/-c', undefined as any]) {
      expect(Names.isLabelKey(bad)).toBe(false);
    }
  });

  test('isLabelValue', () => {
    for (const ok of ['', 'a', 'A', 'a-b_c.d', 'v1.2.3', '0', 'x'.repeat(63)]) {
      expect(Names.isLabelValue(ok)).toBe(true);
    }
    for (const bad of ['-a', 'a-', '.a', 'a b', 'a/b', 'x'.repeat(64), 'ä', null as any]) {
      expect(Names.isLabelValue(bad)).toBe(false);
    }
  });

  test('isPortName', () => {
    for (const ok of ['http', 'h', 'grpc-web', 'a1', '1a', 'x'.repeat(15), 'h2c']) {
      expect(Names.isPortName(ok)).toBe(true);
    }
    for (const bad of ['', '80', '1-2', '-http', 'http-', 'a--b', 'HTTP', 'h_p', 'x'.repeat(16), 'a.b']) {
      expect(Names.isPortName(bad)).toBe(false);
    }
  });

  test('isHostname', () => {
    expect(Names.isHostname('a.b')).toBe(true);
    expect(Names.isHostname('*.a.b')).toBe(false);
    expect(Names.isHostname('*.a.b', true)).toBe(true);
    expect(Names.isHostname('*', true)).toBe(false);
    expect(Names.isHostname('a.*.b', true)).toBe(false);
    expect(Names.isHostname('a'.repeat(64) + '.b')).toBe(false);
    expect(Names.isDns1123Subdomain('a'.repeat(64) + '.b')).toBe(true);
  });

  test('constants', () => {
    expect(Names.DNS1123_LABEL_MAX_LENGTH).toBe(63);
    expect(Names.DNS1123_SUBDOMAIN_MAX_LENGTH).toBe(253);
    expect(Names.LABEL_VALUE_MAX_LENGTH).toBe(63);
    expect(Names.PORT_NAME_MAX_LENGTH).toBe(15);
  });
});
