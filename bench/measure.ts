/**
 * Timing and statistics helpers (no cdk8s).
 */

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn`, returns its result and its duration in ms. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = now();
  const value = fn();
  return { value, ms: now() - t0 };
}

/** Full garbage collection if node runs with --expose-gc (between measurements). */
export function gc(): void {
  const g = (global as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/** Median of numbers (NaN for none). */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size, in MiB. */
export function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

/** Formats ms as seconds (>= 1 s) or ms. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

/** Formats a ratio as `1.23x`. */
export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a';
}

/** Formats bytes as KiB/MiB. */
export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return 'n/a';
  return b >= 1024 * 1024 ? `${(b / (1024 * 1024)).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
}
