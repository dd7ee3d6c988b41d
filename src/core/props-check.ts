/**
 * Runtime type checks of props (internal; import directly from `../core/props-check`).
 *
 * jsii users and plain JavaScript bypass TypeScript: the string "false" for a boolean is truthy,
 * `null` members end in `TypeError`s, a typo'd key is silently ignored. Each public entry point
 * calls {@link checkProps} with a {@link PropsSpec} before it reads its props, so every wrong type
 * is a ValidationError naming the path, the dotted field (with array index), the value and the type.
 */
import { Construct } from 'constructs';
import { Names } from './names';
import { fail, LABEL_KEY_EXPECTED, LABEL_VALUE_EXPECTED } from './validate';

/** The type of one prop: what it must be and how to check it. */
export interface TypeCheck {
  /** What kind of check (the property tests derive wrong-type values from it). */
  readonly kind: 'boolean' | 'number' | 'string' | 'enum' | 'instance' | 'object' | 'array' | 'map' | 'struct' | 'function' | 'any';
  /** What a valid value is, for the error message. */
  readonly expected: string;
  /** Whether the prop may be undefined. */
  readonly optional: boolean;
  /** Throws a ValidationError unless `value` (not undefined) has the type. */
  readonly check: (path: string, field: string, value: unknown) => void;
  /** Element type of an array or map. */
  readonly element?: TypeCheck;
  /** Fields of a struct (lazy: specs refer to each other across files). */
  readonly fields?: () => PropsSpec;
  /** Members of an enum. */
  readonly members?: () => readonly unknown[];
}

/** The fields of a props interface (or nested struct), by key. */
export interface PropsSpec {
  readonly [key: string]: TypeCheck;
}

/** The API server's limit on the total size of an object's annotations (keys plus values). */
export const MAX_ANNOTATION_BYTES = 262_144;

/** A class (its constructor may be private: value types have static factories). */
interface Ctor {
  readonly prototype: unknown;
  readonly name: string;
}

function make(kind: TypeCheck['kind'], expected: string, test: (v: unknown) => boolean, extra: Partial<TypeCheck> = {}): TypeCheck {
  return {
    kind,
    expected,
    optional: true,
    ...extra,
    check: extra.check ?? ((path, field, v) => {
      if (!test(v)) fail(path, field, v, expected);
    }),
  };
}

/** True if `v` is an instance of `cls`, or of a class of the same name (a second copy of the module). */
function isInstance(v: unknown, cls: Ctor): boolean {
  if (v instanceof (cls as any)) return true;
  if (v === null || typeof v !== 'object') return false;
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === cls.name) return true;
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The type constructors of a {@link PropsSpec}. Every check is optional unless wrapped in `t.required`. */
export const t = {
  /** `true` or `false` (never the string "false"). */
  bool: (): TypeCheck => make('boolean', 'true or false (a boolean, not a string)', (v) => typeof v === 'boolean'),
  /** A finite number. */
  num: (): TypeCheck => make('number', 'a finite number', (v) => typeof v === 'number' && Number.isFinite(v)),
  /** A string. */
  str: (): TypeCheck => make('string', 'a string', (v) => typeof v === 'string'),
  /** Anything but null (kept for `any`-typed props). */
  any: (): TypeCheck => make('any', 'a value (not null)', (v) => v !== null),
  /** A function. */
  fn: (): TypeCheck => make('function', 'a function', (v) => typeof v === 'function'),

  /** A member of an enum object (lazy: `() => PodSecurityLevel`). */
  enumOf: (name: string, enumObj: () => object, expected?: string): TypeCheck => {
    const members = () => Object.values(enumObj());
    const text = (): string => {
      if (expected !== undefined) return expected;
      const all = Object.entries(enumObj()).map(([k, m]) => `${name}.${k} (${JSON.stringify(m)})`);
      return all.length < 2 ? all.join('') : `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
    };
    return make('enum', expected ?? `a ${name}`, (v) => members().includes(v), {
      members,
      check: (path, field, v) => {
        if (!members().includes(v)) fail(path, field, v, text());
      },
    });
  },

  /** An instance of a class (lazy: `() => Port`). */
  instanceOf: (name: string, cls: () => Ctor): TypeCheck =>
    make('instance', `a ${name} instance`, (v) => isInstance(v, cls())),

  /** An object implementing an interface (`IPeer`, `IConstruct`): any non-null object. */
  object: (name: string, expected?: string): TypeCheck =>
    make('object', expected ?? `an object implementing ${name}`, (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && !Array.isArray(v)),

  /** An array whose members all have type `element`. */
  arrayOf: (element: TypeCheck): TypeCheck => make('array', `a list, each item ${element.expected}`, () => true, {
    element,
    check: (path, field, v) => {
      if (!Array.isArray(v)) fail(path, field, v, `a list, each item ${element.expected}`);
      for (let i = 0; i < v.length; i++) {
        if (v[i] === undefined || v[i] === null) fail(path, `${field}[${i}]`, v[i], element.expected);
        element.check(path, `${field}[${i}]`, v[i]);
      }
    },
  }),

  /** A `{ [key: string]: T }` map. */
  mapOf: (element: TypeCheck): TypeCheck => make('map', `an object, each value ${element.expected}`, () => true, {
    element,
    check: (path, field, v) => {
      if (!isPlainObject(v)) fail(path, field, v, `an object, each value ${element.expected}`);
      for (const k of Object.keys(v).sort()) {
        const item = v[k];
        if (item === undefined || item === null) fail(path, `${field}[${JSON.stringify(k)}]`, item, element.expected);
        element.check(path, `${field}[${JSON.stringify(k)}]`, item);
      }
    },
  }),

  /** A nested struct with its own spec (lazy: specs of other files). */
  struct: (name: string, fields: () => PropsSpec): TypeCheck => make('struct', `${name} (an object)`, () => true, {
    fields,
    check: (path, field, v) => checkStruct(path, field, v, fields(), name),
  }),

  /**
   * Object metadata annotations: a map of strings whose keys the API server accepts and whose
   * total size (keys plus values) is within its limit, so a bad annotation fails where it is
   * written, not only at synthesis.
   */
  annotations: (): TypeCheck => {
    const map = t.mapOf(t.str());
    return {
      ...map,
      check: (path, field, v) => {
        map.check(path, field, v);
        let total = 0;
        for (const k of Object.keys(v as object).sort()) {
          if (!Names.isLabelKey(k)) fail(path, `${field} key`, k, LABEL_KEY_EXPECTED);
          total += Buffer.byteLength(k) + Buffer.byteLength((v as Record<string, string>)[k]);
        }
        if (total > MAX_ANNOTATION_BYTES) {
          fail(path, field, `${total} bytes`, `annotations of at most ${MAX_ANNOTATION_BYTES} bytes in total (the API server's limit, keys plus values)`);
        }
      },
    };
  },

  /** Object metadata labels: keys and values the API server accepts. */
  labels: (): TypeCheck => {
    const map = t.mapOf(t.str());
    return {
      ...map,
      check: (path, field, v) => {
        map.check(path, field, v);
        for (const [k, value] of Object.entries(v as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          if (!Names.isLabelKey(k)) fail(path, `${field} key`, k, LABEL_KEY_EXPECTED);
          if (!Names.isLabelValue(value)) fail(path, `${field}[${JSON.stringify(k)}]`, value, LABEL_VALUE_EXPECTED);
        }
      },
    };
  },

  /** A construct (anything `Construct.isConstruct` accepts: an `IConstruct` of this constructs library). */
  construct: (name = 'construct (IConstruct)'): TypeCheck => make('instance', `a ${name}`, (v) => Construct.isConstruct(v)),

  /** The same check, but undefined is an error. */
  required: (c: TypeCheck): TypeCheck => ({ ...c, optional: false }),
};

/** Levenshtein distance (keys are short). */
function distance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  let prev = Array.from({ length: bl.length + 1 }, (_, j) => j);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (al[i - 1] === bl[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[bl.length];
}

/** The valid key nearest to `key`, for "did you mean". */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of valid) {
    const d = distance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function checkStruct(path: string, field: string, value: unknown, spec: PropsSpec, name: string): void {
  if (!isPlainObject(value)) fail(path, field === '' ? 'props' : field, value, `${name} (an object)`);
  const obj = value as Record<string, unknown>;
  const valid = Object.keys(spec);
  for (const key of Object.keys(obj).sort()) {
    if (!(key in spec) && obj[key] !== undefined) {
      const near = nearestKey(key, valid);
      fail(path, join(field, key), obj[key],
        `no such key in ${name}${near === undefined ? '' : ` (did you mean "${near}"?)`}; valid keys: ${valid.join(', ')}`);
    }
  }
  for (const key of valid) {
    const c = spec[key];
    const v = obj[key];
    if (v === undefined) {
      if (!c.optional) fail(path, join(field, key), v, `${c.expected} (required)`);
      continue;
    }
    if (v === null) fail(path, join(field, key), v, `${c.expected}${c.optional ? ' (or leave it out)' : ''}`);
    c.check(path, join(field, key), v);
  }
}

/**
 * Checks the runtime type of every key of `props` against `spec` and refuses unknown keys (naming
 * the nearest valid one). `props` undefined is allowed when `optional` (the props have defaults).
 *
 * @param path construct path or factory name (`Port.tcp`)
 * @param name the props interface name, for messages
 * @param props what the caller passed
 * @param spec the fields of the props interface
 * @param optional whether `props` may be undefined
 * @param field where the props are (e.g. `options` for a method's second argument); '' for top level
 */
export function checkProps(path: string, name: string, props: unknown, spec: PropsSpec, optional = false, field = ''): void {
  if (props === undefined && optional) return;
  if (props === undefined || props === null) {
    fail(path, field === '' ? 'props' : field, props, `${name} (an object)`);
  }
  checkStruct(path, field, props, spec, name);
}

/**
 * Checks the options argument of a method or factory: null or a non-object is reported as `arg`,
 * its fields as `${arg}.field` when `prefixed` (Peer.pods: `options.namespace`), else as `field`.
 *
 * @param path construct path or factory name
 * @param arg the argument's name (`options`)
 * @param name the options interface name, for messages
 * @param value what the caller passed
 * @param spec the fields of the options interface
 * @param optional whether the argument may be undefined
 * @param prefixed whether field names start with `${arg}.`
 */
export function checkOptions(path: string, arg: string, name: string, value: unknown, spec: PropsSpec, optional: boolean, prefixed: boolean): void {
  if (value === undefined && optional) return;
  if (value === undefined || value === null) fail(path, arg, value, `${name} (an object)`);
  checkStruct(path, prefixed ? arg : '', value, spec, name);
}

/**
 * Checks one argument of a method or factory (`Port.tcp(port)`): undefined is an error unless the
 * check is optional.
 */
export function checkArg(path: string, field: string, value: unknown, c: TypeCheck): void {
  if (value === undefined) {
    if (!c.optional) fail(path, field, value, `${c.expected} (required)`);
    return;
  }
  if (value === null) fail(path, field, value, c.expected);
  c.check(path, field, value);
}

/** What a valid `enforcement` prop is (the text the constructors used before the specs). */
export const ENFORCEMENT_EXPECTED = 'EnforcementMode.ENFORCE (Enforce) or EnforcementMode.AUDIT (Audit)';

/** One positional argument: its name, the value passed and its type. */
export type ArgCheck = readonly [name: string, value: unknown, check: TypeCheck];

/**
 * Checks positional arguments in order (`Port.range(protocol, from, to)`): each is reported by its
 * parameter name, so plain JavaScript callers see `Port.tcp: invalid port "80": expected a finite
 * number` instead of a TypeError or silent output.
 */
export function checkArgs(path: string, ...args: ArgCheck[]): void {
  for (const [name, value, c] of args) checkArg(path, name, value, c);
}
