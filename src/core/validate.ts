/**
 * Internal validation helpers (import directly: `import { fail } from '../core/validate'`).
 * Every helper throws a {@link ValidationError} naming path, field, bad value and what is valid.
 */
import { parseIpv4, parseIpv6 } from './ip';
import { Names } from './names';
import { ValidationError } from './validation-error';

/** Expected-text for DNS-1123 labels. */
export const DNS1123_LABEL_EXPECTED =
  'a DNS-1123 label: at most 63 characters, lowercase alphanumerics or \'-\', starting and ending with an alphanumeric (regex [a-z0-9]([-a-z0-9]*[a-z0-9])?)';
/** Expected-text for DNS-1123 subdomains. */
export const DNS1123_SUBDOMAIN_EXPECTED =
  'a DNS-1123 subdomain: at most 253 characters, lowercase alphanumerics, \'-\' or \'.\', each \'.\'-separated part starting and ending with an alphanumeric (regex [a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)';
/** Expected-text for label keys. */
export const LABEL_KEY_EXPECTED =
  'a label key: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of at most 63 characters matching ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
/** Expected-text for label values. */
export const LABEL_VALUE_EXPECTED =
  'a label value: empty, or at most 63 characters matching ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
/** Expected-text for ports. */
export const PORT_EXPECTED = 'an integer port from 1 to 65535';
/** Expected-text for port names. */
export const PORT_NAME_EXPECTED =
  'an IANA service name: at most 15 characters, lowercase alphanumerics or \'-\', at least one letter, no leading, trailing or double \'-\'';

/** Throws a ValidationError. Always throws. */
export function fail(path: string, field: string, value: unknown, expected: string): never {
  throw new ValidationError({ path, field, value, expected });
}

/** Throws unless `value` is a DNS-1123 label. */
export function validateDns1123Label(path: string, field: string, value: string): void {
  if (!Names.isDns1123Label(value)) {
    fail(path, field, value, DNS1123_LABEL_EXPECTED);
  }
}

/** Throws unless `value` is a DNS-1123 subdomain. */
export function validateDns1123Subdomain(path: string, field: string, value: string): void {
  if (!Names.isDns1123Subdomain(value)) {
    fail(path, field, value, DNS1123_SUBDOMAIN_EXPECTED);
  }
}

/** Throws unless `key` is a valid label key. */
export function validateLabelKey(path: string, field: string, key: string): void {
  if (!Names.isLabelKey(key)) {
    fail(path, field, key, LABEL_KEY_EXPECTED);
  }
}

/** Throws unless `value` is a valid label value. */
export function validateLabelValue(path: string, field: string, value: string): void {
  if (!Names.isLabelValue(value)) {
    fail(path, field, value, LABEL_VALUE_EXPECTED);
  }
}

/**
 * Throws unless every key and value of `labels` is valid. A bad key is reported as field
 * `${field} key`, a bad value as `${field}["key"]`. Keys are checked in sorted order.
 */
export function validateLabels(path: string, field: string, labels: { [key: string]: string } | undefined): void {
  if (labels === undefined) {
    return;
  }
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    fail(path, field, labels, 'a map of label keys to label values');
  }
  for (const key of Object.keys(labels).sort()) {
    validateLabelKey(path, `${field} key`, key);
    const v = labels[key];
    if (typeof v !== 'string') {
      fail(path, `${field}[${JSON.stringify(key)}]`, v, LABEL_VALUE_EXPECTED);
    }
    validateLabelValue(path, `${field}[${JSON.stringify(key)}]`, v);
  }
}

/** True if `n` is an integer from 1 to 65535. */
export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Throws unless `n` is an integer port from 1 to 65535. */
export function validatePort(path: string, field: string, n: number): void {
  if (!isPort(n)) {
    fail(path, field, n, PORT_EXPECTED);
  }
}

/** Throws unless `name` is an IANA service name (port name). */
export function validatePortName(path: string, field: string, name: string): void {
  if (!Names.isPortName(name)) {
    fail(path, field, name, PORT_NAME_EXPECTED);
  }
}

/**
 * Throws unless `host` is a DNS host name (DNS-1123 subdomain, each label at most 63 characters);
 * with `allowWildcard`, `*.` is allowed as the whole first label.
 */
export function validateHostname(path: string, field: string, host: string, allowWildcard: boolean = false): void {
  // an IPv4 literal is also a DNS-1123 subdomain, but the API server refuses it as an Ingress host
  if (typeof host === 'string' && /^[0-9.]+$/.test(host) && parseIpv4(host) !== undefined) {
    fail(path, field, host, 'a DNS host name, not an IP address (the API server refuses an IP as an Ingress or Gateway host)');
  }
  if (!Names.isHostname(host, allowWildcard)) {
    fail(path, field, host, allowWildcard
      ? 'a DNS host name (lowercase DNS-1123 subdomain, at most 253 characters, each label at most 63), optionally starting with \'*.\' as the whole first label, e.g. *.example.com'
      : 'a DNS host name (lowercase DNS-1123 subdomain, at most 253 characters, each label at most 63), without wildcards');
  }
}

/**
 * Throws unless `value` is `host:port` where host is a DNS-1123 subdomain, an IPv4 address or
 * a bracketed IPv6 address (`[fd00::1]:51820`) and port is 1..65535.
 */
export function validateHostPort(path: string, field: string, value: string): void {
  const expected = 'host:port with host a DNS name, an IPv4 address or a bracketed IPv6 address ([fd00::1]) and port an integer from 1 to 65535';
  if (typeof value !== 'string') {
    fail(path, field, value, expected);
  }
  let host: string;
  let portStr: string;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close === -1 || value[close + 1] !== ':') {
      fail(path, field, value, expected);
    }
    host = value.slice(1, close);
    portStr = value.slice(close + 2);
    if (parseIpv6(host) === undefined) {
      fail(path, field, value, expected);
    }
  } else {
    const colon = value.lastIndexOf(':');
    if (colon === -1) {
      fail(path, field, value, expected);
    }
    host = value.slice(0, colon);
    portStr = value.slice(colon + 1);
    const isV4Like = /^[0-9.]+$/.test(host);
    const ok = isV4Like ? parseIpv4(host) !== undefined : Names.isHostname(host, false);
    if (!ok) {
      fail(path, field, value, expected);
    }
  }
  if (!/^[1-9][0-9]{0,4}$/.test(portStr) || !isPort(Number(portStr))) {
    fail(path, field, value, expected);
  }
}

/** Throws unless `array` is a non-empty array. */
export function validateNonEmpty(path: string, field: string, array: readonly unknown[] | undefined): void {
  if (!Array.isArray(array) || array.length === 0) {
    fail(path, field, array, 'a non-empty list');
  }
}

/** HTTP methods a flow or an AuthorizationPolicy may match (uppercase, as Envoy sees `:method`). */
export const HTTP_METHODS: readonly string[] = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

/** Expected-text for HTTP methods. */
export const HTTP_METHOD_EXPECTED = `an HTTP method, one of ${HTTP_METHODS.join(', ')}`;

/** Expected-text for HTTP paths. */
export const HTTP_PATH_EXPECTED =
  'an HTTP path: exact (/api/payments), prefix (/api/*: \'*\' only at the end) or suffix (*.json: \'*\' only at the start), or \'*\' alone; an exact or prefix path starts with \'/\'; no spaces, \'?\' or \'#\'';

/** True if `m` is an uppercase HTTP method of {@link HTTP_METHODS}. */
export function isHttpMethod(m: unknown): m is string {
  return typeof m === 'string' && HTTP_METHODS.includes(m);
}

/** Throws unless `value` is an uppercase HTTP method. */
export function validateHttpMethod(path: string, field: string, value: string): void {
  if (!isHttpMethod(value)) {
    fail(path, field, value, HTTP_METHOD_EXPECTED);
  }
}

/**
 * True if `p` is an HTTP path as Istio matches it (AuthorizationPolicy `paths`/`notPaths`): exact
 * (`/api/payments`), prefix (`/api/*`), suffix (`*.json`) or `*`; no whitespace, `?` or `#` (Envoy
 * matches the path without query and fragment, so such a path would never match).
 */
export function isHttpPath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || /[\s?#]/.test(p)) {
    return false;
  }
  if (p === '*') {
    return true;
  }
  const stars = p.split('*').length - 1;
  if (stars === 0) {
    return p.startsWith('/');
  }
  if (stars > 1) {
    return false;
  }
  if (p.endsWith('*')) {
    return p.startsWith('/');
  }
  return p.startsWith('*') && p.length > 1;
}

/** Throws unless `value` is an HTTP path ({@link isHttpPath}). */
export function validateHttpPath(path: string, field: string, value: string): void {
  if (!isHttpPath(value)) {
    fail(path, field, value, HTTP_PATH_EXPECTED);
  }
}

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const DECIMAL_SUFFIX: { [s: string]: number } = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: { [s: string]: number } = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** Expected-text for resource quantities. */
export const QUANTITY_EXPECTED =
  'a Kubernetes resource quantity: a decimal number with an optional suffix (Ki, Mi, Gi, Ti, Pi, Ei; n, u, m, k, M, G, T, P, E; or an exponent such as e3), e.g. 500m, 2, 1.5Gi (regex [+-]?(\\d+(\\.\\d*)?|\\.\\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\\d+)?)';

/** True if `v` is a string in the Kubernetes resource.Quantity grammar. */
export function isQuantity(v: unknown): v is string {
  return typeof v === 'string' && QUANTITY.test(v);
}

/**
 * The exact value of a quantity as `num / den` (BigInt), or undefined if `v` is not a quantity.
 */
function quantityValue(v: string): { num: bigint; den: bigint } | undefined {
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  const sign = v.startsWith('-') ? -1n : 1n;
  const [int, frac = ''] = m[1].split('.');
  let num = BigInt((int || '0') + frac) * sign;
  let den = 10n ** BigInt(frac.length);
  const suffix = m[3] ?? '';
  let exp10 = 0;
  if (suffix in BINARY_SUFFIX) num *= 1024n ** BigInt(BINARY_SUFFIX[suffix]);
  else if (suffix in DECIMAL_SUFFIX) exp10 = DECIMAL_SUFFIX[suffix];
  else if (suffix !== '') exp10 = Number(suffix.slice(1));
  if (Math.abs(exp10) > 1000) return undefined;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  return { num, den };
}

/**
 * Throws unless `value` is a Kubernetes resource quantity (`500m`, `2`, `1.5Gi`); with
 * `nonNegative` it must be >= 0 (ResourceQuota, LimitRange, container resources), with `integer`
 * a whole number (object counts such as `pods`).
 */
export function validateQuantity(path: string, field: string, value: string, options: { nonNegative?: boolean; integer?: boolean } = {}): void {
  const q = isQuantity(value) ? quantityValue(value) : undefined;
  if (q === undefined) {
    fail(path, field, value, QUANTITY_EXPECTED);
  }
  if (options.nonNegative && q.num < 0n) {
    fail(path, field, value, `a quantity >= 0 (${QUANTITY_EXPECTED})`);
  }
  if (options.integer && q.num % q.den !== 0n) {
    fail(path, field, value, `a whole number (a count of objects), e.g. 10 or 1k (${QUANTITY_EXPECTED})`);
  }
}

/**
 * Compares two quantities by value (-1, 0, 1); undefined if either is not a quantity.
 */
export function compareQuantities(a: string, b: string): number | undefined {
  const x = isQuantity(a) ? quantityValue(a) : undefined;
  const y = isQuantity(b) ? quantityValue(b) : undefined;
  if (x === undefined || y === undefined) return undefined;
  const d = x.num * y.den - y.num * x.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * Throws if `value` holds a template delimiter (`{{` or `}}`): a field copied into a template that a
 * controller renders (an Argo CD ApplicationSet with goTemplate) would be executed, not copied.
 */
export function validateNoTemplate(path: string, field: string, value: string, renderer: string): void {
  if (typeof value === 'string' && (value.includes('{{') || value.includes('}}'))) {
    fail(path, field, value, `a value without "{{" or "}}": ${renderer} renders this field as a Go template, so the braces would be executed, not copied`);
  }
}
