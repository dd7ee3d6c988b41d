/**
 * Internal string helpers used to name generated objects deterministically
 * (not exported from the package index).
 */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level (arrays keep their order); `undefined` members
 * are dropped like JSON.stringify does.
 */
export function stableStringify(obj: unknown): string {
  const norm = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') {
      return typeof v === 'bigint' ? v.toString() : v;
    }
    if (Array.isArray(v)) {
      return v.map((x) => (x === undefined ? null : norm(x)));
    }
    const o = v as { [k: string]: unknown };
    if (typeof (o as { toJSON?: unknown }).toJSON === 'function') {
      return norm((o as { toJSON: () => unknown }).toJSON());
    }
    const out: { [k: string]: unknown } = {};
    for (const k of Object.keys(o).sort()) {
      if (o[k] !== undefined && typeof o[k] !== 'function') {
        out[k] = norm(o[k]);
      }
    }
    return out;
  };
  const s = JSON.stringify(norm(obj));
  return s === undefined ? 'undefined' : s;
}

/**
 * True for a plain object (no class instance, no array) whose own members are all listed in
 * `allowed`: the shapes whose stableStringify text can be written directly.
 */
export function plainWith(v: unknown, allowed: readonly string[]): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
    && Object.keys(v).every((k) => allowed.includes(k));
}

/** Lowercase hex prefix (default 8 characters) of the SHA-256 of `s`. */
export function shortHash(s: string, len: number = 8): string {
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(0, len);
}

/** Lowercase alphanumeric runs joined by single '-'. */
const KUBE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * A DNS-1123 label built from `parts`: joined with '-', lowercased, every character outside
 * `[a-z0-9-]` replaced with '-', repeated '-' collapsed, leading/trailing '-' trimmed. If longer
 * than `maxLength` (default 63), truncated and suffixed with `-` + an 8-character hash of the
 * original parts, so distinct long inputs stay distinct. Empty input gives `x-<hash>`.
 */
export function toKubeName(parts: string[], maxLength: number = 63): string {
  const raw = parts.filter((p) => p !== undefined && p !== null && p !== '').join('-');
  // already a label that fits (most names): the steps below would give it back unchanged
  if (raw.length <= maxLength && KUBE_NAME.test(raw)) {
    return raw;
  }
  let name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // the hash only when it is used (most names fit)
  if (name === '') {
    return `x-${shortHash(parts.join('\u0000'), 8)}`;
  }
  if (name.length > maxLength) {
    name = name.slice(0, maxLength - 9).replace(/-+$/, '');
    name = `${name}-${shortHash(parts.join('\u0000'), 8)}`;
  }
  return name;
}
