/**
 * Manifest values in analyzer messages (internal).
 */
/** Longest rendering of a manifest value in a reason (a hostile manifest may hold megabytes). */
const MAX_SHOWN = 80;

/**
 * A manifest value for a message, on one line and bounded: strings JSON-quoted (control characters
 * escaped), numbers as written (`NaN`, not JSON's `null`), anything JSON cannot render (cycles,
 * BigInt) by its type.
 */
export function showValue(x: unknown): string {
  if (x === undefined) return 'missing';
  const text = rendered(x);
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN)}... (${text.length} characters)`;
}

function rendered(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'symbol' || typeof x === 'function') return `a ${typeof x}`;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return Array.isArray(x) ? 'an array that contains itself' : 'an object that contains itself';
  }
}
