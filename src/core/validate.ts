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
