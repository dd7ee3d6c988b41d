/**
 * Internal cron-expression check (not exported from the package index): the 5-field Vixie cron
 * syntax as accepted by Kubernetes CronJob (robfig/cron standard parser) and by most schedulers.
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
}

const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** What a valid cron expression looks like (for error messages). */
export const CRON_EXPECTED =
  'a cron schedule of 5 space-separated fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-7 or SUN-SAT), '
  + 'each `*`, a value, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of these; or one of '
  + MACROS.join(', ') + '; e.g. "*/15 * * * *"';

function parseValue(field: CronField, s: string): number | undefined {
  if (/^[0-9]{1,2}$/.test(s)) {
    const n = Number(s);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  if (field.names) {
    const i = field.names.indexOf(s.toUpperCase());
    if (i !== -1) {
      return field.name === 'month' ? i + 1 : i;
    }
  }
  return undefined;
}

/**
 * Returns undefined if `expr` is a valid cron schedule, else the reason (naming the field).
 */
export function cronProblem(expr: string): string | undefined {
  if (typeof expr !== 'string') {
    return 'not a string';
  }
  const trimmed = expr.trim();
  if (trimmed.startsWith('@')) {
    return MACROS.includes(trimmed) ? undefined : `unknown macro ${trimmed}`;
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) {
    return `${parts.length} field(s) instead of 5`;
  }
  for (let i = 0; i < 5; i++) {
    const field = FIELDS[i];
    for (const item of parts[i].split(',')) {
      const slash = item.split('/');
      if (slash.length > 2) {
        return `${field.name} field: bad item "${item}"`;
      }
      const [base, step] = slash;
      if (step !== undefined) {
        if (!/^[0-9]{1,2}$/.test(step) || Number(step) < 1 || Number(step) > field.max - field.min + 1) {
          return `${field.name} field: bad step "${step}" (expected 1-${field.max - field.min + 1})`;
        }
      }
      if (base === '*') {
        continue;
      }
      const range = base.split('-');
      if (range.length > 2) {
        return `${field.name} field: bad range "${base}"`;
      }
      const lo = parseValue(field, range[0]);
      if (lo === undefined) {
        return `${field.name} field: "${range[0]}" is not in ${field.min}-${field.max}`;
      }
      if (range.length === 2) {
        const hi = parseValue(field, range[1]);
        if (hi === undefined) {
          return `${field.name} field: "${range[1]}" is not in ${field.min}-${field.max}`;
        }
        if (hi < lo) {
          return `${field.name} field: range "${base}" ends before it starts`;
        }
      }
    }
  }
  return neverFires(parts);
}

/** The values a valid field matches. */
function expand(field: CronField, part: string): Set<number> {
  const out = new Set<number>();
  for (const item of part.split(',')) {
    const [base, stepStr] = item.split('/');
    const step = stepStr === undefined ? 1 : Number(stepStr);
    const range = base.split('-');
    const lo = base === '*' ? field.min : parseValue(field, range[0])!;
    const hi = base === '*' || (range.length === 1 && stepStr !== undefined) ? field.max : parseValue(field, range[range.length - 1])!;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Longest month lengths (February 29 in leap years). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A schedule whose days of month exist in none of its months (`0 0 31 2 *`) never fires; with a
 * day of week too, cron fires on either, so only a `*` day of week is checked.
 */
function neverFires(parts: string[]): string | undefined {
  if (parts[2].startsWith('*') || !parts[4].startsWith('*')) return undefined;
  const days = expand(FIELDS[2], parts[2]);
  const months = expand(FIELDS[3], parts[3]);
  for (const m of months) for (const d of days) if (d <= DAYS_IN_MONTH[m - 1]) return undefined;
  return `day of month field: "${parts[2]}" never falls in month "${parts[3]}" (the schedule never fires)`;
}
