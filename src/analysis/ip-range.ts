/* eslint-disable no-bitwise */
import { AnalysisError } from './analysis-error';

/** An inclusive integer interval over one IP family (internal). */
export interface IpInterval {
  readonly v6: boolean;
  readonly lo: bigint;
  readonly hi: bigint;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

/** Parses an IPv4 or IPv6 address to a bigint; undefined if invalid. */
export function parseIpAddress(s: string): { v6: boolean; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    let v = 0n;
    for (const part of s.split('.')) {
      const n = Number(part);
      if (n > 255 || (part.length > 1 && part.startsWith('0'))) return undefined;
      v = (v << 8n) | BigInt(n);
    }
    return { v6: false, value: v };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpAddress(maybeV4);
    if (!v4 || v4.v6) return undefined;
    tail = [(v4.value >> 16n) & 0xffffn, v4.value & 0xffffn];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...head, ...new Array(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail.length) v = (v & ~0xffffffffn) | (tail[0] << 16n) | tail[1];
  return { v6: true, value: v };
}

/** Parses a CIDR to an interval; throws AnalysisError ("CIDR error: invalid CIDR address") if invalid. */
export function parseCidr(cidr: string, where: string): IpInterval {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(String(cidr).trim());
  const ip = m ? parseIpAddress(m[1]) : undefined;
  const bits = ip ? (ip.v6 ? 128 : 32) : 0;
  const len = m ? Number(m[2]) : -1;
  if (!m || !ip || len > bits) {
    throw new AnalysisError(`${where}: CIDR error: invalid CIDR address: ${cidr} (expected a.b.c.d/n or an IPv6 prefix)`);
  }
  const host = BigInt(bits - len);
  const mask = (1n << host) - 1n;
  const lo = ip.value & ~mask & (ip.v6 ? V6_MAX : V4_MAX);
  return { v6: ip.v6, lo, hi: lo | mask };
}

/** The whole address space of a family. */
export function fullRange(v6: boolean): IpInterval {
  return { v6, lo: 0n, hi: v6 ? V6_MAX : V4_MAX };
}

function formatIp(v6: boolean, value: bigint): string {
  if (!v6) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Formats an interval as netpol-analyzer does: `a.b.c.d-w.x.y.z`. */
export function formatInterval(r: IpInterval): string {
  return `${formatIp(r.v6, r.lo)}-${formatIp(r.v6, r.hi)}`;
}

/** True if `inner` lies within `outer`. */
export function intervalContains(outer: IpInterval, inner: IpInterval): boolean {
  return outer.v6 === inner.v6 && outer.lo <= inner.lo && inner.hi <= outer.hi;
}

/** Subtracts `cut` intervals from `base`, returning sorted disjoint intervals. */
export function subtractIntervals(base: IpInterval[], cut: IpInterval[]): IpInterval[] {
  let cur = base.slice();
  for (const c of cut) {
    const next: IpInterval[] = [];
    for (const b of cur) {
      if (b.v6 !== c.v6 || c.hi < b.lo || c.lo > b.hi) { next.push(b); continue; }
      if (c.lo > b.lo) next.push({ v6: b.v6, lo: b.lo, hi: c.lo - 1n });
      if (c.hi < b.hi) next.push({ v6: b.v6, lo: c.hi + 1n, hi: b.hi });
    }
    cur = next;
  }
  return cur;
}

/**
 * Splits the universe into maximal contiguous intervals such that each interval is
 * either fully inside or fully outside every given set (each set a list of disjoint intervals).
 * A set's membership changes exactly at its interval edges (after merging adjacent ones),
 * so the pieces between consecutive edges are the answer.
 */
export function partition(universe: IpInterval[], sets: IpInterval[][]): IpInterval[] {
  const out: IpInterval[] = [];
  const merged = sets.map((s) => {
    const sorted = [...s].sort((a, b) => (a.v6 !== b.v6 ? (a.v6 ? 1 : -1) : a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    const m: IpInterval[] = [];
    for (const r of sorted) {
      const last = m[m.length - 1];
      if (last && last.v6 === r.v6 && r.lo <= last.hi + 1n) m[m.length - 1] = { v6: r.v6, lo: last.lo, hi: r.hi > last.hi ? r.hi : last.hi };
      else m.push(r);
    }
    return m;
  });
  for (const u of universe) {
    const cuts = new Set<bigint>([u.lo]);
    for (const s of merged) {
      for (const r of s) {
        if (r.v6 !== u.v6) continue;
        if (r.lo > u.lo && r.lo <= u.hi) cuts.add(r.lo);
        if (r.hi + 1n > u.lo && r.hi + 1n <= u.hi) cuts.add(r.hi + 1n);
      }
    }
    const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    points.forEach((p, i) => out.push({ v6: u.v6, lo: p, hi: i + 1 < points.length ? points[i + 1] - 1n : u.hi }));
  }
  return out.sort((a, b) => (a.v6 !== b.v6 ? (a.v6 ? 1 : -1) : a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
}
