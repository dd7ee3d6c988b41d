import { AnalysisError } from './analysis-error';

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Keys and values already found valid (bounded: validation is pure, the sets only save work). */
const GOOD_KEYS = new Set<string>();
const GOOD_VALUES = new Set<string>();
const MAX_REMEMBERED = 100_000;

function remember(set: Set<string>, x: string): void {
  if (set.size >= MAX_REMEMBERED) set.clear();
  set.add(x);
}

function checkKey(key: string, where: string): void {
  if (typeof key === 'string' && GOOD_KEYS.has(key)) return;
  const parts = String(key).split('/');
  const name = parts[parts.length - 1];
  const bad = parts.length > 2 || !NAME_RE.test(name) || (parts.length === 2 && (!PREFIX_RE.test(parts[0]) || parts[0].length > 253));
  if (bad) {
    throw new AnalysisError(`${where}: selector error: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters), with an optional DNS subdomain prefix`);
  }
  remember(GOOD_KEYS, key);
}

function checkValue(key: string, value: string, where: string): void {
  if (typeof value === 'string' && GOOD_VALUES.has(value)) return;
  if (typeof value !== 'string' || value.length > 63 || !VALUE_RE.test(value)) {
    throw new AnalysisError(`${where}: selector error: values[${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`);
  }
  remember(GOOD_VALUES, value);
}

interface Requirement { key: string; op: string; values: string[] }

/**
 * Valid selectors of one `matchLabels` label and no `matchExpressions`, by key and value (the
 * usual selector: most are written several times, by a policy and by its peers' policies).
 * Bounded, as the sets above.
 */
const SINGLE_LABEL = new Map<string, Map<string, Selector>>();
let singleLabels = 0;

/** The one `matchLabels` key of a selector that has a string value for it and nothing else; undefined otherwise. */
function singleLabel(sel: any): string | undefined {
  const ml = sel?.matchLabels;
  const me = sel?.matchExpressions;
  if (ml === null || typeof ml !== 'object' || (me !== undefined && me !== null)) return undefined;
  let key: string | undefined;
  for (const k in ml) {
    if (key !== undefined || !Object.prototype.hasOwnProperty.call(ml, k)) return undefined;
    key = k;
  }
  return key !== undefined && typeof ml[key] === 'string' ? key : undefined;
}

/** A parsed Kubernetes LabelSelector (internal). `undefined` input = matches nothing (not given). */
export class Selector {
  /** Parses and validates a metav1.LabelSelector. */
  public static parse(sel: any, where: string): Selector {
    const key = singleLabel(sel);
    if (key === undefined) return Selector.validate(sel, where);
    const value: string = sel.matchLabels[key];
    let byValue = SINGLE_LABEL.get(key);
    let known = byValue?.get(value);
    if (known === undefined) {
      known = Selector.validate(sel, where);
      if (singleLabels >= MAX_REMEMBERED) { SINGLE_LABEL.clear(); singleLabels = 0; byValue = undefined; }
      if (byValue === undefined) { byValue = new Map(); SINGLE_LABEL.set(key, byValue); }
      byValue.set(value, known);
      singleLabels++;
    }
    return known;
  }

  private static validate(sel: any, where: string): Selector {
    const reqs: Requirement[] = [];
    const ml = sel?.matchLabels ?? {};
    for (const k of Object.keys(ml).sort()) {
      checkKey(k, where);
      const v = ml[k] === null || ml[k] === undefined ? '' : String(ml[k]);
      checkValue(k, v, where);
      reqs.push({ key: k, op: 'In', values: [v] });
    }
    for (const e of sel?.matchExpressions ?? []) {
      checkKey(e.key, where);
      const op = String(e.operator);
      const values: string[] = (e.values ?? []).map((x: any) => String(x));
      if (op === 'In' || op === 'NotIn') {
        if (!values.length) throw new AnalysisError(`${where}: selector error: values: Required value: for 'in', 'notin' operators, values set can't be empty (key "${e.key}")`);
        values.forEach((v) => checkValue(e.key, v, where));
      } else if (op === 'Exists' || op === 'DoesNotExist') {
        if (values.length) throw new AnalysisError(`${where}: selector error: values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist' (key "${e.key}")`);
      } else {
        throw new AnalysisError(`${where}: selector error: operator: Unsupported value: "${op}": supported values: "In", "NotIn", "Exists", "DoesNotExist"`);
      }
      reqs.push({ key: e.key, op, values });
    }
    return new Selector(reqs);
  }

  /** toString(), computed once (the selector is immutable). */
  private text?: string;

  private constructor(private readonly reqs: Requirement[]) {}

  /** True for `{}` (selects everything). */
  public get isEmpty(): boolean { return this.reqs.length === 0; }

  public matches(labels: { [k: string]: string }): boolean {
    for (const r of this.reqs) {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'In': if (!has || !r.values.includes(v)) return false; break;
        case 'NotIn': if (has && r.values.includes(v)) return false; break;
        case 'Exists': if (!has) return false; break;
        default: if (has) return false; break;
      }
    }
    return true;
  }

  /**
   * A requirement every match must meet with one of a few values (the first `In`), to look
   * candidates up in a label index; undefined when the selector has none.
   */
  public get equality(): { readonly key: string; readonly values: string[] } | undefined {
    return this.reqs.find((r) => r.op === 'In');
  }

  /** Human-readable form, e.g. `app=web,tier in (a,b)`. */
  public toString(): string {
    if (this.text === undefined) this.text = this.format();
    return this.text;
  }

  private format(): string {
    if (!this.reqs.length) return '{}';
    return this.reqs.map((r) => {
      switch (r.op) {
        case 'In': return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn': return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists': return r.key;
        default: return `!${r.key}`;
      }
    }).join(',');
  }
}
