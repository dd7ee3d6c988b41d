/* eslint-disable no-bitwise */
/**
 * fast-check arbitraries and helpers shared by the property tests in test/property/.
 *
 * Case counts: `FC_RUNS` (env) overrides every property's default; `FC_SEED` replays a run.
 * Long run: `npx projen test:property:long` (FC_RUNS=5000, FC_SEED=random).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { Errors, ValidationError } from '../../src/core';

// ---------------------------------------------------------------------------------------------
// run parameters
// ---------------------------------------------------------------------------------------------

/**
 * The seed CI uses: a fixed seed keeps `npm test` deterministic (a red CI must mean a regression,
 * not a lucky draw). `FC_SEED=random` (as the long run does) explores new inputs; `FC_SEED=<n>`
 * replays a failure.
 */
const CI_SEED = 20261128;

/** fast-check parameters: `FC_RUNS` overrides `defaultRuns`; `FC_SEED` sets the seed. */
export function runs(defaultRuns: number): fc.Parameters<unknown> {
  const env = process.env.FC_RUNS;
  const numRuns = env !== undefined && /^\d+$/.test(env) ? Number(env) : defaultRuns;
  const seedEnv = process.env.FC_SEED;
  if (seedEnv === 'random') return { numRuns };
  const seed = seedEnv !== undefined && /^-?\d+$/.test(seedEnv) ? Number(seedEnv) : CI_SEED;
  return { numRuns, seed };
}

/**
 * Cases of a property whose every case is slow (a whole app synthesized and schema-validated, or
 * `helm template` run): `quick` in `npm test`, `full` in `npx projen test:long` (FC_LONG=1; .ci/run
 * runs it), so the full count is still run by CI. `FC_RUNS` overrides both.
 */
export function slowRuns(full: number, quick: number): fc.Parameters<unknown> {
  return runs(process.env.FC_LONG === '1' ? full : quick);
}

/** Jest timeout for a property of `defaultRuns` cases taking up to `msPerCase` each. */
export function timeoutFor(defaultRuns: number, msPerCase: number): number {
  const n = runs(defaultRuns).numRuns ?? defaultRuns;
  return Math.max(30_000, n * msPerCase * 3);
}

// ---------------------------------------------------------------------------------------------
// assertions
// ---------------------------------------------------------------------------------------------

/** What a bad-input error must name. */
export interface ExpectedError {
  /** Text the error's field must contain, case-insensitively (e.g. `sites[1]`, `cidrs[0]`). */
  readonly field: string;
  /** The bad value: the message must contain its rendering (`ValidationError.render`). */
  readonly value: unknown;
}

/**
 * Runs `fn`, which must throw the library's ValidationError whose field contains `expected.field`
 * and whose message contains the rendered bad value. Any other outcome (no error, TypeError, ...)
 * fails with a message that shows what happened.
 */
export function expectValidationError(fn: () => unknown, expected: ExpectedError): ValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) {
    throw new Error(`expected a ValidationError naming ${expected.field} ${ValidationError.render(expected.value)}, but nothing was thrown`);
  }
  if (!Errors.isValidationError(caught)) {
    const err = caught as Error;
    throw new Error(`expected a ValidationError naming ${expected.field}, got ${err?.name}: ${err?.message}\n${err?.stack ?? ''}`);
  }
  const ve = caught as ValidationError;
  const rendered = ValidationError.render(expected.value);
  if (!ve.field.toLowerCase().includes(expected.field.toLowerCase()) || !ve.message.includes(rendered)) {
    throw new Error(`ValidationError should name field ${expected.field} and value ${rendered}; got: ${ve.message}`);
  }
  return ve;
}

/** Runs `fn`: it must throw a ValidationError (any field) and never another kind of error. */
export function expectAnyValidationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (!Errors.isValidationError(e)) {
      const err = e as Error;
      throw new Error(`expected a ValidationError, got ${err?.name}: ${err?.message}\n${err?.stack ?? ''}`);
    }
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** A fresh empty temporary directory. */
export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `zt-prop-${prefix}-`));
}

/** Every file under `dir` (relative paths, sorted), for "nothing was written" checks. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(path.join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

// ---------------------------------------------------------------------------------------------
// names and labels
// ---------------------------------------------------------------------------------------------

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const ALNUM = [...LOWER_ALNUM, ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')];

function joinMiddle(first: fc.Arbitrary<string>, middle: fc.Arbitrary<string>, last: fc.Arbitrary<string>, maxMiddle: number): fc.Arbitrary<string> {
  return fc.oneof(
    first,
    fc.tuple(first, fc.stringOf(middle, { maxLength: maxMiddle }), last).map(([a, m, b]) => a + m + b),
  );
}

/** A DNS-1123 label of at most `maxLength` (<= 63) characters, biased to short ones and the limit. */
export function dnsLabel(maxLength = 63): fc.Arbitrary<string> {
  const ch = fc.constantFrom(...LOWER_ALNUM);
  const mid = fc.constantFrom(...LOWER_ALNUM, '-');
  return fc.oneof(
    { weight: 4, arbitrary: joinMiddle(ch, mid, ch, Math.min(10, maxLength - 2)) },
    { weight: 1, arbitrary: joinMiddle(ch, mid, ch, maxLength - 2) },
  ).filter((s) => s.length <= maxLength);
}

/** A string that is NOT a DNS-1123 label (each a way users get it wrong). */
export function badDnsLabel(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '-a', 'a-', 'A', 'Shop', 'a_b', 'a.b', 'a b', ' a', 'a\n', 'é', '*', 'a/b', 'x'.repeat(64), '-', '.'),
    dnsLabel(20).map((s) => s + '-'),
    dnsLabel(20).map((s) => s.toUpperCase() + 'X'),
    dnsLabel(20).map((s) => `${s}_${s}`),
    fc.integer({ min: 64, max: 80 }).map((n) => 'a'.repeat(n)),
  );
}

/** A label value (possibly empty) as Kubernetes accepts it. */
export function labelValue(): fc.Arbitrary<string> {
  const ch = fc.constantFrom(...ALNUM);
  const mid = fc.constantFrom(...ALNUM, '-', '_', '.');
  return fc.oneof(fc.constant(''), joinMiddle(ch, mid, ch, 12), joinMiddle(ch, mid, ch, 61));
}

/** A label key: optional DNS-subdomain prefix and a qualified name. */
export function labelKey(): fc.Arbitrary<string> {
  const ch = fc.constantFrom(...ALNUM);
  const mid = fc.constantFrom(...ALNUM, '-', '_', '.');
  const name = joinMiddle(ch, mid, ch, 12);
  const prefix = fc.array(dnsLabel(12), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
  return fc.oneof(name, fc.tuple(prefix, name).map(([p, n]) => `${p}/${n}`))
    .filter((k) => !k.startsWith('kubernetes.io/') && !k.startsWith('k8s.io/'));
}

/** A small label map (1..3 entries, label values non-empty). */
export function labelMap(minKeys = 1, maxKeys = 3): fc.Arbitrary<{ [key: string]: string }> {
  const value = labelValue().filter((v) => v !== '');
  return fc.uniqueArray(fc.tuple(labelKey(), value), { minLength: minKeys, maxLength: maxKeys, selector: ([k]) => k })
    .map((entries) => Object.fromEntries(entries));
}

/** A label key Kubernetes refuses. */
export function badLabelKey(): fc.Arbitrary<string> {
  return fc.constantFrom('', '/a', 'a/', 'a/b/c', '-a', 'a-', 'a b', 'Foo.com/a', 'a'.repeat(64), 'a/' + 'b'.repeat(64), 'ü');
}

/** A label value Kubernetes refuses. */
export function badLabelValue(): fc.Arbitrary<string> {
  return fc.constantFrom('-a', 'a-', 'a b', 'a/b', 'x'.repeat(64), '.a', 'a.', 'ü', 'a:b');
}

// ---------------------------------------------------------------------------------------------
// ports
// ---------------------------------------------------------------------------------------------

/** A valid port number. */
export function portNumber(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(1, 53, 80, 443, 5432, 65535), fc.integer({ min: 1, max: 65535 }));
}

/** A number that is not a port. */
export function badPortNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(0, -1, 65536, 70000, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER),
    fc.integer({ min: 65536, max: 2 ** 31 }),
    fc.integer({ min: -(2 ** 31), max: 0 }),
    fc.double({ min: 1, max: 65535, noNaN: true }).filter((d) => !Number.isInteger(d)),
  );
}

/** A valid IANA port name. */
export function portName(): fc.Arbitrary<string> {
  const ch = fc.constantFrom(...LOWER_ALNUM);
  return fc.array(fc.stringOf(ch, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join('-'))
    .filter((s) => s.length <= 15 && /[a-z]/.test(s));
}

/** A string that is not an IANA port name. */
export function badPortName(): fc.Arbitrary<string> {
  return fc.constantFrom('', '-http', 'http-', 'a--b', 'HTTP', '1234', 'http_x', 'abcdefghijklmnop', 'h p', 'ü');
}

// ---------------------------------------------------------------------------------------------
// CIDRs and addresses
// ---------------------------------------------------------------------------------------------

/** Dotted IPv4 address of a 32-bit unsigned integer. */
export function ipv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** A canonical IPv4 CIDR (host bits zero), any prefix 0..32. */
export function ipv4Cidr(minPrefix = 0, maxPrefix = 32): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: minPrefix, max: maxPrefix }))
    .map(([addr, p]) => {
      const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
      return `${ipv4((addr & mask) >>> 0)}/${p}`;
    });
}

/**
 * `count` pairwise disjoint canonical IPv4 CIDRs inside 10.0.0.0/9 (10.0-127.x.x): each in its own
 * second octet, prefix 16..28.
 */
export function disjointCidrs(minCount: number, maxCount: number): fc.Arbitrary<string[]> {
  return fc.uniqueArray(fc.integer({ min: 0, max: 127 }), { minLength: minCount, maxLength: maxCount })
    .chain((octets) => fc.tuple(...octets.map((o) => fc.tuple(
      fc.constant(o), fc.integer({ min: 16, max: 28 }), fc.integer({ min: 0, max: 0xffff })))))
    .map((xs) => xs.map(([o, p, low]) => {
      const mask = (0xffffffff << (32 - p)) >>> 0;
      return `${ipv4((((10 << 24) | (o << 16) | low) & mask) >>> 0)}/${p}`;
    }));
}

/** A string that is not a canonical CIDR (host bits set, bad prefix, no prefix, not an address). */
export function badCidr(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '256.0.0.0/8', '10.0.0/8', 'abc', '10.0.0.0/8/8',
      '10.0.0.1/8', '::1/129', 'fd00::1/8', ' 10.0.0.0/8', '10.0.0.0/ 8', '010.0.0.0/8', '10.0.0.0/08', '1e1.0.0.0/8'),
    fc.tuple(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 0, max: 31 }))
      .filter(([a, p]) => p === 0 ? a !== 0 : (a & ~((0xffffffff << (32 - p)) >>> 0)) !== 0)
      .map(([a, p]) => `${ipv4(a >>> 0)}/${p}`),
  );
}

// ---------------------------------------------------------------------------------------------
// hosts, keys, paths
// ---------------------------------------------------------------------------------------------

/** A DNS host name (2..3 labels of up to 10 characters, ending in a known TLD). */
export function hostname(): fc.Arbitrary<string> {
  return fc.tuple(fc.array(dnsLabel(10), { minLength: 1, maxLength: 2 }), fc.constantFrom('example.com', 'example.org', 'test'))
    .map(([ls, tld]) => [...ls, tld].join('.'));
}

/** A string that is not a host name. */
export function badHostname(): fc.Arbitrary<string> {
  return fc.constantFrom('', 'Example.com', 'a..b', '-a.com', 'a-.com', 'a_b.com', 'a b.com', 'http://a.com', 'a.com/', 'a.com:80',
    `${'a'.repeat(64)}.com`, '*.a.com', 'a.*.com', '.a.com', 'a.com.', 'ü.com');
}

/** A valid WireGuard key: 32 bytes in base64. */
export function wgKey(): fc.Arbitrary<string> {
  return fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
}

/** A string that is not a WireGuard key. */
export function badWgKey(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', 'abc', '='.repeat(44), 'A'.repeat(44), 'A'.repeat(42) + 'B='),
    fc.uint8Array({ minLength: 31, maxLength: 31 }).map((b) => Buffer.from(b).toString('base64')),
    fc.uint8Array({ minLength: 33, maxLength: 33 }).map((b) => Buffer.from(b).toString('base64')),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64').replace(/=$/, '')),
  );
}

/** A public (documentation-range) IPv4 address outside 10/8. */
export function publicIpv4(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('192.0.2', '198.51.100', '203.0.113'), fc.integer({ min: 1, max: 254 })).map(([p, h]) => `${p}.${h}`);
}

/** An absolute path without whitespace. */
export function absPath(): fc.Arbitrary<string> {
  return fc.array(dnsLabel(8), { minLength: 1, maxLength: 4 }).map((ls) => '/' + ls.join('/'));
}

/** A string that is not an absolute file path. */
export function badAbsPath(): fc.Arbitrary<string> {
  return fc.constantFrom('', 'relative/x', './x', '/a b', '/a\tb', '/a%b', '~/x', '/a\nb');
}

// ---------------------------------------------------------------------------------------------
// resource quantities
// ---------------------------------------------------------------------------------------------

/** A non-negative resource quantity (`500m`, `2`, `1.5Gi`, `1e3`, `.5`). */
export function quantity(): fc.Arbitrary<string> {
  const num = fc.oneof(
    fc.nat({ max: 100000 }).map(String),
    fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
    fc.nat({ max: 99 }).map((b) => `.${b}`),
  );
  const suffix = fc.constantFrom('', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'e3', 'E2', 'e+1', 'e-2');
  return fc.tuple(num, suffix).map(([n, s]) => n + s);
}

/** A string that is not a resource quantity. */
export function badQuantity(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', 'lots', '1 Gi', '1GB', '1gi', '1KI', 'Gi', '1.2.3', '1e', '1e3Gi', '1Mi ', ' 1', '--1', '+-1', '1K', '1mi', '0x10', '1,5', '.', '1ki', '∞', '1_000'),
    quantity().map((q) => `${q}B`),
    quantity().map((q) => `${q} `),
  );
}
