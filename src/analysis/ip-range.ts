/* eslint-disable no-bitwise */
import { AnalysisError } from './analysis-error';
import { cidrRange, formatIp, parseCidr as coreParseCidr, parseIp } from '../core/ip';

/** An inclusive integer interval over one IP family (internal). */
export interface IpInterval {
  readonly v6: boolean;
  readonly lo: bigint;
  readonly hi: bigint;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

/** Parses an IPv4 or IPv6 address to a bigint; undefined if invalid (core's parser). */
export function parseIpAddress(s: string): { v6: boolean; value: bigint } | undefined {
  const ip = parseIp(s);
  return ip ? { v6: ip.version === 'IPv6', value: ip.value } : undefined;
}

/** Parses a CIDR (core's parser; host bits are cleared) to an interval; throws AnalysisError ("CIDR error: invalid CIDR address") if invalid. */
export function parseCidr(cidr: string, where: string): IpInterval {
  const text = String(cidr).trim();
  const p = coreParseCidr(text);
  if (!p) {
    throw new AnalysisError(`${where}: CIDR error: invalid CIDR address: ${cidr} (expected a.b.c.d/n or an IPv6 prefix)`);
  }
  const r = cidrRange(text);
  return { v6: r.version === 'IPv6', lo: r.first, hi: r.last };
}

/** The whole address space of a family. */
export function fullRange(v6: boolean): IpInterval {
  return { v6, lo: 0n, hi: v6 ? V6_MAX : V4_MAX };
}

/** Formats an interval as netpol-analyzer does: `a.b.c.d-w.x.y.z`. */
export function formatInterval(r: IpInterval): string {
  return `${formatIp(r.v6 ? 'IPv6' : 'IPv4', r.lo)}-${formatIp(r.v6 ? 'IPv6' : 'IPv4', r.hi)}`;
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

/** Sorts intervals (IPv4 first) and joins overlapping or adjacent ones. */
export function mergeIntervals(rs: IpInterval[]): IpInterval[] {
  const sorted = [...rs].sort((a, b) => (a.v6 !== b.v6 ? (a.v6 ? 1 : -1) : a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const m: IpInterval[] = [];
  for (const r of sorted) {
    const last = m[m.length - 1];
    if (last && last.v6 === r.v6 && r.lo <= last.hi + 1n) m[m.length - 1] = { v6: r.v6, lo: last.lo, hi: r.hi > last.hi ? r.hi : last.hi };
    else m.push(r);
  }
  return m;
}

/**
 * Splits the universe into maximal contiguous intervals such that each interval is
 * either fully inside or fully outside every given set (each set a list of disjoint intervals).
 * A set's membership changes exactly at its interval edges (after merging adjacent ones),
 * so the pieces between consecutive edges are the answer.
 */
export function partition(universe: IpInterval[], sets: IpInterval[][]): IpInterval[] {
  const out: IpInterval[] = [];
  const merged = sets.map(mergeIntervals);
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
