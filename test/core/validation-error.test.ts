import { Errors, ValidationError } from '../../src/core';
import {
  fail,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateHostname,
  validateHostPort,
  validateLabels,
  validateNonEmpty,
  validatePort,
} from '../../src/core/validate';
import { errorOf } from '../util';

describe('ValidationError', () => {
  test('message format and fields', () => {
    const e = new ValidationError({ path: 'app/ns', field: 'allows[0].ports[1]', value: 70000, expected: 'an integer port from 1 to 65535' });
    expect(e.message).toBe('app/ns: invalid allows[0].ports[1] 70000: expected an integer port from 1 to 65535');
    expect(e.name).toBe('ValidationError');
    expect(e.path).toBe('app/ns');
    expect(e.field).toBe('allows[0].ports[1]');
    expect(e.value).toBe('70000');
    expect(e.expected).toBe('an integer port from 1 to 65535');
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toBeInstanceOf(Error);
    expect(e.stack).toBeDefined();
  });

  test('renders strings and objects as JSON', () => {
    expect(new ValidationError({ path: 'p', field: 'f', value: 'Bad Name', expected: 'x' }).message)
      .toBe('p: invalid f "Bad Name": expected x');
    expect(new ValidationError({ path: 'p', field: 'f', value: { a: [1] }, expected: 'x' }).value).toBe('{"a":[1]}');
    expect(new ValidationError({ path: 'p', field: 'f', expected: 'x' }).value).toBe('undefined');
    expect(new ValidationError({ path: 'p', field: 'f', value: null, expected: 'x' }).value).toBe('null');
    expect(new ValidationError({ path: 'p', field: 'f', value: 1.5, expected: 'x' }).value).toBe('1.5');
    expect(new ValidationError({ path: 'p', field: 'f', value: NaN, expected: 'x' }).value).toBe('NaN');
    expect(ValidationError.render('a')).toBe('"a"');
  });

  test('subclasses keep instanceof', () => {
    class Sub extends ValidationError {}
    const e = new Sub({ path: 'p', field: 'f', value: 1, expected: 'x' });
    expect(e).toBeInstanceOf(Sub);
    expect(e).toBeInstanceOf(ValidationError);
  });

  test('fail throws', () => {
    const e = errorOf(() => fail('a/b', 'spec.x', 'y', 'z'));
    expect(e.message).toBe('a/b: invalid spec.x "y": expected z');
  });
});

describe('validators', () => {
  test('validateDns1123Label', () => {
    expect(() => validateDns1123Label('p', 'name', 'shop')).not.toThrow();
    expect(() => validateDns1123Label('p', 'name', 'a'.repeat(63))).not.toThrow();
    const e = errorOf(() => validateDns1123Label('app/ns', 'name', 'Shop_1'));
    expect(e.message).toContain('app/ns: invalid name "Shop_1": expected a DNS-1123 label');
    expect(() => validateDns1123Label('p', 'name', 'a'.repeat(64))).toThrow(/at most 63/);
  });

  test('validateDns1123Subdomain', () => {
    expect(() => validateDns1123Subdomain('p', 'f', 'a.b-c.d')).not.toThrow();
    expect(() => validateDns1123Subdomain('p', 'f', 'a..b')).toThrow(/invalid f "a\.\.b": expected a DNS-1123 subdomain/);
  });

  test('validateLabels', () => {
    expect(() => validateLabels('p', 'labels', { 'app.kubernetes.io/name': 'shop', 'x': '' })).not.toThrow();
    expect(() => validateLabels('p', 'labels', undefined)).not.toThrow();
    const k = errorOf(() => validateLabels('p', 'labels', { 'bad key': 'v' }));
    expect(k.field).toBe('labels key');
    expect(k.value).toBe('"bad key"');
    const v = errorOf(() => validateLabels('p', 'labels', { app: 'bad value' }));
    expect(v.field).toBe('labels["app"]');
    expect(v.message).toContain('"bad value"');
    expect(v.message).toContain('63');
    expect(() => validateLabels('p', 'labels', { app: 'x'.repeat(64) })).toThrow(ValidationError);
    expect(() => validateLabels('p', 'labels', { app: 3 as any })).toThrow(ValidationError);
  });

  test('validatePort', () => {
    for (const ok of [1, 80, 65535]) {
      expect(() => validatePort('p', 'port', ok)).not.toThrow();
    }
    for (const bad of [0, -1, 65536, 70000, 1.5, NaN, Infinity, '80' as any]) {
      expect(() => validatePort('p', 'port', bad)).toThrow(ValidationError);
    }
    expect(() => validatePort('app/ns', 'allows[0].ports[1]', 70000))
      .toThrow('app/ns: invalid allows[0].ports[1] 70000: expected an integer port from 1 to 65535');
  });

  test('validateHostPort', () => {
    for (const ok of ['example.com:443', 'a:1', '10.0.0.1:51820', '[fd00::1]:51820', '[::]:65535', 'wg.eu-west.example.com:51820']) {
      expect(() => validateHostPort('p', 'endpoint', ok)).not.toThrow();
    }
    for (const bad of ['example.com', 'example.com:0', 'example.com:65536', 'example.com:080', ':443', 'fd00::1:51820',
      '[fd00::1]51820', '[zz::1]:1', '256.0.0.1:1', 'Example.com:1', 'a_b:1', '[fd00::1]:', 'a:b', 42 as any]) {
      const e = errorOf(() => validateHostPort('p', 'endpoint', bad));
      expect(e.field).toBe('endpoint');
      expect(e.expected).toContain('host:port');
    }
  });

  test('validateHostname', () => {
    expect(() => validateHostname('p', 'host', 'shop.example.com', false)).not.toThrow();
    expect(() => validateHostname('p', 'host', '*.example.com', true)).not.toThrow();
    expect(() => validateHostname('p', 'host', '*.example.com', false)).toThrow(/without wildcards/);
    for (const bad of ['*', '*.', 'a.*.com', '**.a.com', 'x*.a.com', '*a.com', 'Shop.example.com', 'a..b', '-a.com', 'a'.repeat(64) + '.com', '']) {
      expect(() => validateHostname('p', 'host', bad, true)).toThrow(ValidationError);
    }
    expect(() => validateHostname('p', 'host', 'a'.repeat(63) + '.com', false)).not.toThrow();
    const long = Array(64).fill('abc').join('.'); // 255 chars
    expect(() => validateHostname('p', 'host', long, false)).toThrow(ValidationError);
  });

  test('validateNonEmpty', () => {
    expect(() => validateNonEmpty('p', 'allows', [1])).not.toThrow();
    expect(() => validateNonEmpty('p', 'allows', [])).toThrow('p: invalid allows []: expected a non-empty list');
    expect(() => validateNonEmpty('p', 'allows', undefined)).toThrow(ValidationError);
  });
});

describe('Errors', () => {
  test('isValidationError', () => {
    expect(Errors.isValidationError(new ValidationError({ path: 'p', field: 'f', expected: 'x' }))).toBe(true);
    expect(Errors.isValidationError(new Error('x'))).toBe(false);
    expect(Errors.isValidationError(undefined)).toBe(false);
    expect(Errors.isValidationError({ name: 'ValidationError', path: 'p', field: 'f', expected: 'e' })).toBe(true);
  });
});
