/* eslint-disable no-bitwise */ // IP address arithmetic is bit arithmetic
/**
 * Internal IP address helpers (not exported from the package index). BigInt based.
 */

/** Address family of a parsed IP. */
export type IpFamily = 'IPv4' | 'IPv6';

/** A parsed IP address. */
export interface ParsedIp {
  /** 'IPv4' or 'IPv6'. */
  readonly version: IpFamily;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
}

/** A parsed CIDR block (network address has no host bits set unless `hostBits` is true). */
export interface ParsedCidr {
  readonly version: IpFamily;
  /** The address as written. */
  readonly address: bigint;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefixLength: number;
  /** True if the written address had host bits set. */
  readonly hostBits: boolean;
}

/** Number of bits in an address of the family. */
export function ipBits(version: IpFamily): number {
  return version === 'IPv4' ? 32 : 128;
}

/** Parses a dotted-quad IPv4 address (no leading zeros, like Go's netip). */
export function parseIpv4(s: string): bigint | undefined {
  if (typeof s !== 'string') {
    return undefined;
  }
  const parts = s.split('.');
  if (parts.length !== 4) {
    return undefined;
  }
  let v = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) {
      return undefined;
    }
    const n = Number(p);
    if (n > 255) {
      return undefined;
    }
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** Parses an IPv6 address: `::` compression, embedded trailing IPv4, no zone. */
export function parseIpv6(s: string): bigint | undefined {
  if (typeof s !== 'string' || s.length === 0 || s.length > 45) {
    return undefined;
  }
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) {
    return undefined;
  }
  const parseGroups = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') {
      return [];
    }
    const groups = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === undefined) {
          return undefined;
        }
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) {
        return undefined;
      }
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const g = parseGroups(s, true);
    if (!g || g.length !== 8) {
      return undefined;
    }
    groups = g;
  } else {
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) {
      return undefined;
    }
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  }
  let v = 0n;
  for (const g of groups) {
    v = (v << 16n) | BigInt(g);
  }
  return v;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(s: string): ParsedIp | undefined {
  if (typeof s !== 'string') {
    return undefined;
  }
  if (s.includes(':')) {
    const v = parseIpv6(s);
    return v === undefined ? undefined : { version: 'IPv6', value: v };
  }
  const v = parseIpv4(s);
  return v === undefined ? undefined : { version: 'IPv4', value: v };
}

/** Formats an IPv4 address. */
export function formatIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
}

/** Formats an IPv6 address per RFC 5952 (IPv4-mapped addresses as `::ffff:a.b.c.d`). */
export function formatIpv6(v: bigint): string {
  if (v >> 32n === 0xffffn) {
    return `::ffff:${formatIpv4(v & 0xffffffffn)}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) {
    groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  }
  // longest run of >= 2 zero groups, first one on ties
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) {
      j++;
    }
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) {
    return hex.join(':');
  }
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Formats an address of the given family canonically. */
export function formatIp(version: IpFamily, v: bigint): string {
  return version === 'IPv4' ? formatIpv4(v) : formatIpv6(v);
}

/** Netmask (all prefix bits set) for a prefix length. */
export function prefixMask(version: IpFamily, prefixLength: number): bigint {
  const bits = BigInt(ipBits(version));
  const hostBits = bits - BigInt(prefixLength);
  const all = (1n << bits) - 1n;
  return all ^ ((1n << hostBits) - 1n);
}

/** Parses `address/prefix` (prefix required, decimal, no leading zeros). */
export function parseCidr(s: string): ParsedCidr | undefined {
  if (typeof s !== 'string') {
    return undefined;
  }
  const slash = s.indexOf('/');
  if (slash === -1 || s.indexOf('/', slash + 1) !== -1) {
    return undefined;
  }
  const ip = parseIp(s.slice(0, slash));
  const pfx = s.slice(slash + 1);
  if (!ip || !/^(0|[1-9][0-9]{0,2})$/.test(pfx)) {
    return undefined;
  }
  const prefixLength = Number(pfx);
  if (prefixLength > ipBits(ip.version)) {
    return undefined;
  }
  const network = ip.value & prefixMask(ip.version, prefixLength);
  return {
    version: ip.version,
    address: ip.value,
    network,
    prefixLength,
    hostBits: network !== ip.value,
  };
}

/** First and last address of a CIDR string (must be valid). */
export function cidrRange(s: string): { version: IpFamily; first: bigint; last: bigint } {
  const p = parseCidr(s);
  if (!p) {
    throw new Error(`not a CIDR: ${s}`);
  }
  const size = 1n << BigInt(ipBits(p.version) - p.prefixLength);
  return { version: p.version, first: p.network, last: p.network + size - 1n };
}
