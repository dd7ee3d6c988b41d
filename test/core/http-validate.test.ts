import { ValidationError } from '../../src/core';
import {
  HTTP_METHODS, isHttpMethod, isHttpPath, validateHttpMethod, validateHttpPath,
} from '../../src/core/validate';
import { errorOf } from '../util';

describe('HTTP path rule (Istio AuthorizationPolicy paths)', () => {
  test.each([
    ['/api/payments', 'exact'],
    ['/', 'exact root'],
    ['/api/*', 'prefix'],
    ['/*', 'prefix of everything'],
    ['*.json', 'suffix'],
    ['*/health', 'suffix with a slash'],
    ['*', 'any path'],
    ['/a-b_c.d~e/%20', 'unreserved and percent-encoded characters'],
  ])('accepts %s (%s)', (p) => {
    expect(isHttpPath(p)).toBe(true);
    expect(() => validateHttpPath('app/x', 'paths[0]', p)).not.toThrow();
  });

  test.each([
    ['', 'empty'],
    ['api/payments', 'no leading slash'],
    ['api/*', 'prefix without a leading slash'],
    ['/api/pay ments', 'a space'],
    ['/api\tx', 'a tab'],
    ['/api?x=1', 'a query'],
    ['/api#top', 'a fragment'],
    ['/a*b', 'a star in the middle'],
    ['*/a*', 'two stars'],
    ['**', 'two stars alone'],
    ['/api/**', 'a double star'],
  ])('rejects %j (%s), naming the field and the value', (p) => {
    expect(isHttpPath(p)).toBe(false);
    const e = errorOf(() => validateHttpPath('app/x', 'http.paths[2]', p));
    expect(e.field).toBe('http.paths[2]');
    expect(e.path).toBe('app/x');
    expect(e.message).toContain(JSON.stringify(p));
    expect(e.message).toMatch(/expected an HTTP path: exact .* prefix .* suffix .*no spaces, '\?' or '#'/);
  });

  test('rejects non-strings', () => {
    for (const v of [undefined, null, 42, ['/a'], { path: '/a' }]) {
      expect(isHttpPath(v)).toBe(false);
      expect(() => validateHttpPath('app/x', 'paths[0]', v as any)).toThrow(ValidationError);
    }
  });
});

describe('HTTP methods', () => {
  test('the nine uppercase methods, sorted', () => {
    expect(HTTP_METHODS).toEqual(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);
    for (const m of HTTP_METHODS) {
      expect(isHttpMethod(m)).toBe(true);
      expect(() => validateHttpMethod('app/x', 'methods[0]', m)).not.toThrow();
    }
  });

  test.each(['post', 'Get', 'GET ', 'PURGE', '*', ''])('rejects %j, naming the field and listing the methods', (m) => {
    expect(isHttpMethod(m)).toBe(false);
    const e = errorOf(() => validateHttpMethod('app/x', 'http.methods[1]', m));
    expect(e.field).toBe('http.methods[1]');
    expect(e.message).toContain(`${JSON.stringify(m)}: expected an HTTP method, one of CONNECT, DELETE, GET`);
  });
});
