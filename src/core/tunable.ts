/**
 * Tunables: values a chart's user may change at install time (image, replicas, hostnames...).
 *
 * Plain TypeScript only (no cdk8s import): a tunable is a value with a key, a type and a
 * default. Constructs put the default into their objects (so plain synth is exactly what it
 * would be without tunables) and bind the field to the tunable with a JSON pointer. Only the
 * `helm` folder turns bound fields into `{{ .Values.<key> }}`.
 */
import { checkOptions } from './props-check';
import { TUNABLE_OPTIONS } from './props-specs';
import { renderTunableFormat } from './tunable-format';
import { ValidationError } from './validation-error';

/**
 * The type of a tunable, as it appears in `values.schema.json`.
 */
export enum TunableType {
  /** A string. */
  STRING = 'string',
  /** A whole number (JSON schema `integer`). */
  INTEGER = 'integer',
  /** Any finite number. */
  NUMBER = 'number',
  /** `true` or `false`. */
  BOOLEAN = 'boolean',
}

/**
 * Options of a {@link Tunable}.
 */
export interface TunableOptions {
  /**
   * One line that says what the value changes; written above the key in `values.yaml` and as the
   * `description` in `values.schema.json`.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Smallest allowed value (integer and number tunables only), enforced by the values schema.
   *
   * @default - no minimum
   */
  readonly minimum?: number;

  /**
   * Largest allowed value (integer and number tunables only), enforced by the values schema.
   *
   * @default - no maximum
   */
  readonly maximum?: number;

  /**
   * Regular expression a string tunable must match in full (anchor it with `^...$`), enforced by
   * the values schema: for values spliced into configuration text (a host name in a config file),
   * where a line break or a quote would change the file's meaning. RE2 syntax (no lookaround).
   *
   * @default - any string
   */
  readonly pattern?: string;

  /**
   * String values the values schema refuses (`not: { enum: [...] }`), e.g. `['latest']` for an
   * image tag.
   *
   * @default - none
   */
  readonly forbiddenValues?: string[];
}

/** A value key: dot-separated Go-template identifiers, usable as `.Values.a.b`. */
const KEY = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
const KEY_EXPECTED = 'dot-separated identifiers, each a letter then letters, digits or \'_\' (e.g. frontend.replicas)';

/** Where bindings live on a bound object (a non-enumerable property, shared across copies). */
const BINDINGS = Symbol.for('cdk8s-zero-trust.tunable-bindings');
/** Marks Tunable instances (duck typing across copies of the library). */
const TUNABLE = Symbol.for('cdk8s-zero-trust.tunable');
/**
 * Where the count of Tunables resolved as implicit tokens lives: on the global object, so that
 * every copy of the library counts in one place (a writer compares it before and after a synthesis).
 */
const RESOLUTIONS = Symbol.for('cdk8s-zero-trust.tunable-resolutions');
/** On an app's root: set once a binding is declared on one of its objects (a writer skips the lookups without). */
const BOUND_IN_APP = Symbol.for('cdk8s-zero-trust.tunable-bindings-in-app');

/**
 * One bound field: a JSON pointer in an object's manifest and how its value is made of tunables.
 * Internal (read by `helm`); not part of the public API.
 */
export interface TunableBinding {
  /** RFC 6901 JSON pointer into the object's manifest, e.g. `/spec/replicas`. */
  readonly pointer: string;
  /** The tunables, in order. */
  readonly tunables: Tunable[];
  /**
   * For a string made of several parts: a printf format with `%s` per tunable and `%%` for `%`.
   * @default - the field is exactly the one tunable
   */
  readonly format?: string;
  /** The value the field has in plain synth (what the binding expects to find). */
  readonly expected: any;
}

/**
 * A value a chart's user may change at install time.
 *
 * Use the default where the field is built (`replicas: t.asNumber()`), then bind the field:
 * `t.bindTo(deployment, '/spec/replicas')`. Plain synth emits the default, byte for byte as if no
 * tunable existed; Helm output renders the field from `.Values.<key>` with the right YAML type.
 * If the field no longer holds the default when the chart is written (a later change by the
 * user), the binding is ignored and the user's value is kept.
 */
export class Tunable {
  /**
   * A string tunable (image, hostname, endpoint...).
   *
   * @param key values key, e.g. `frontend.image`
   * @param defaultValue the value used in plain synth and in `values.yaml`
   * @param options description and limits
   */
  public static string(key: string, defaultValue: string, options: TunableOptions = {}): Tunable {
    if (typeof defaultValue !== 'string') {
      throw new ValidationError({ path: `Tunable.string(${key})`, field: 'defaultValue', value: defaultValue, expected: 'a string' });
    }
    return new Tunable(key, TunableType.STRING, defaultValue, options);
  }

  /**
   * A whole-number tunable (replicas, ports...).
   *
   * @param key values key, e.g. `frontend.replicas`
   * @param defaultValue the value used in plain synth and in `values.yaml`
   * @param options description and limits
   */
  public static integer(key: string, defaultValue: number, options: TunableOptions = {}): Tunable {
    if (!Number.isSafeInteger(defaultValue)) {
      throw new ValidationError({ path: `Tunable.integer(${key})`, field: 'defaultValue', value: defaultValue, expected: 'a safe integer' });
    }
    return new Tunable(key, TunableType.INTEGER, defaultValue, options);
  }

  /**
   * A number tunable (ratios, sampling rates...).
   *
   * @param key values key, e.g. `tracing.samplingRatio`
   * @param defaultValue the value used in plain synth and in `values.yaml`
   * @param options description and limits
   */
  public static number(key: string, defaultValue: number, options: TunableOptions = {}): Tunable {
    if (typeof defaultValue !== 'number' || !Number.isFinite(defaultValue)) {
      throw new ValidationError({ path: `Tunable.number(${key})`, field: 'defaultValue', value: defaultValue, expected: 'a finite number' });
    }
    return new Tunable(key, TunableType.NUMBER, defaultValue, options);
  }

  /**
   * A boolean tunable (a feature flag). Not named `boolean`: a reserved word in Java, where the
   * binding would call it `doBoolean`.
   *
   * @param key values key, e.g. `tracing.enabled`
   * @param defaultValue the value used in plain synth and in `values.yaml`
   * @param options description
   */
  public static flag(key: string, defaultValue: boolean, options: TunableOptions = {}): Tunable {
    if (typeof defaultValue !== 'boolean') {
      throw new ValidationError({ path: `Tunable.flag(${key})`, field: 'defaultValue', value: defaultValue, expected: 'true or false' });
    }
    return new Tunable(key, TunableType.BOOLEAN, defaultValue, options);
  }

  /**
   * Binds a string field made of several tunables and literal text, e.g. an image
   * `'%s:%s'` from a repository and a tag. Returns the default string (the format with every
   * tunable's default), which the caller must put into the field.
   *
   * @param target the ApiObject (or cdk8s-plus resource) whose manifest holds the field
   * @param pointer RFC 6901 JSON pointer to the field, e.g. `/spec/template/spec/containers/0/image`
   * @param format text with one `%s` per tunable (in order) and `%%` for a literal `%`
   * @param tunables the tunables, in the order of their `%s`
   */
  public static bindFormat(target: any, pointer: string, format: string, tunables: Tunable[]): string {
    const where = `Tunable.bindFormat(${pointer})`;
    if (typeof format !== 'string') {
      throw new ValidationError({ path: where, field: 'format', value: format, expected: 'a string' });
    }
    const count = countPlaceholders(where, format);
    if (!Array.isArray(tunables) || count !== tunables.length || !tunables.every(Tunable.isTunable)) {
      throw new ValidationError({
        path: where,
        field: 'tunables',
        value: Array.isArray(tunables) ? tunables.map(t => (Tunable.isTunable(t) ? t.key : t)) : tunables,
        expected: `${count} tunables, one per %s in ${JSON.stringify(format)}`,
      });
    }
    const expected = renderTunableFormat(format, tunables.map(t => String(t.defaultValue)));
    addBinding(target, where, { pointer, tunables: [...tunables], format, expected });
    return expected;
  }

  /**
   * The bindings declared on an object (internal: read by Helm output).
   *
   * @internal
   */
  public static _bindingsOf(target: any): TunableBinding[] {
    if (target === null || typeof target !== 'object') {
      return [];
    }
    return [...(target[BINDINGS] ?? [])];
  }

  /**
   * True if `x` is a Tunable (of any copy of this library).
   *
   * @param x any value
   */
  public static isTunable(x: any): boolean {
    return x !== null && typeof x === 'object' && x[TUNABLE] === true;
  }

  /**
   * How many times a Tunable has been resolved as an implicit token (placed directly in an
   * object's props) in this process: unchanged across a synthesis, no object of it holds one.
   *
   * @internal
   */
  public static _implicitResolutions(): number {
    return (globalThis as any)[RESOLUTIONS] ?? 0;
  }

  /**
   * True if a binding was declared on an object of the app of `scope` (a construct; `bindTo`,
   * `bindFormat`): without one, no object of the app has bindings.
   *
   * @internal
   */
  public static _appHasBindings(scope: any): boolean {
    return scope?.node?.root?.[BOUND_IN_APP] === true;
  }

  /** Values key, e.g. `frontend.replicas`. */
  public readonly key: string;
  /** The value's type. */
  public readonly type: TunableType;
  /** The default (a string, number or boolean according to `type`). */
  public readonly defaultValue: any;
  /**
   * Description written to `values.yaml` and the schema.
   * @default - none
   */
  public readonly description?: string;
  /**
   * Smallest allowed value.
   * @default - none
   */
  public readonly minimum?: number;
  /**
   * Largest allowed value.
   * @default - none
   */
  public readonly maximum?: number;
  /**
   * Regular expression a string value must match.
   * @default - none
   */
  public readonly pattern?: string;
  /**
   * String values refused.
   * @default - none
   */
  public readonly forbiddenValues?: string[];

  private constructor(key: string, type: TunableType, defaultValue: any, options: TunableOptions) {
    const where = `Tunable.${type === TunableType.INTEGER ? 'integer' : type}(${key})`;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new ValidationError({ path: where, field: 'key', value: key, expected: KEY_EXPECTED });
    }
    checkOptions(where, 'options', 'TunableOptions', options, TUNABLE_OPTIONS, false, true);
    const numeric = type === TunableType.INTEGER || type === TunableType.NUMBER;
    for (const field of ['minimum', 'maximum'] as const) {
      const limit = options[field];
      if (limit === undefined) {
        continue;
      }
      if (!numeric || typeof limit !== 'number' || !Number.isFinite(limit)) {
        throw new ValidationError({ path: where, field, value: limit, expected: numeric ? 'a finite number' : 'no limit on a non-numeric tunable' });
      }
    }
    if (options.minimum !== undefined && defaultValue < options.minimum) {
      throw new ValidationError({ path: where, field: 'defaultValue', value: defaultValue, expected: `at least the minimum ${options.minimum}` });
    }
    if (options.maximum !== undefined && defaultValue > options.maximum) {
      throw new ValidationError({ path: where, field: 'defaultValue', value: defaultValue, expected: `at most the maximum ${options.maximum}` });
    }
    checkStringRules(where, type, defaultValue, options);
    if (options.description !== undefined && typeof options.description !== 'string') {
      throw new ValidationError({ path: where, field: 'description', value: options.description, expected: 'a string' });
    }
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = options.description;
    this.minimum = options.minimum;
    this.maximum = options.maximum;
    this.pattern = options.pattern;
    this.forbiddenValues = options.forbiddenValues === undefined ? undefined : [...options.forbiddenValues].sort();
    Object.defineProperty(this, TUNABLE, { value: true });
  }

  /**
   * The default, for a string tunable.
   */
  public asString(): string {
    this.expectType(TunableType.STRING, 'asString');
    return this.defaultValue;
  }

  /**
   * The default, for an integer or number tunable.
   */
  public asNumber(): number {
    if (this.type !== TunableType.INTEGER) {
      this.expectType(TunableType.NUMBER, 'asNumber');
    }
    return this.defaultValue;
  }

  /**
   * The default, for a boolean tunable.
   */
  public asBoolean(): boolean {
    this.expectType(TunableType.BOOLEAN, 'asBoolean');
    return this.defaultValue;
  }

  /**
   * Binds a field of an object's manifest to this tunable. The field must hold the default
   * (put it there with `asString()`/`asNumber()`/`asBoolean()`).
   *
   * @param target the ApiObject (or cdk8s-plus resource) whose manifest holds the field
   * @param pointer RFC 6901 JSON pointer to the field, e.g. `/spec/replicas`
   */
  public bindTo(target: any, pointer: string): void {
    addBinding(target, `Tunable(${this.key}).bindTo`, { pointer, tunables: [this], expected: this.defaultValue });
  }

  /**
   * Resolves to the default (the cdk8s implicit-token protocol): a Tunable placed directly in an
   * L1 object's props synthesizes as its default in plain synth and as the value in Helm output.
   */
  public resolve(): any {
    const g = globalThis as any;
    g[RESOLUTIONS] = (g[RESOLUTIONS] ?? 0) + 1;
    return this.defaultValue;
  }

  /**
   * `key=default`, for messages.
   */
  public toString(): string {
    return `${this.key}=${JSON.stringify(this.defaultValue)}`;
  }

  private expectType(type: TunableType, method: string): void {
    if (this.type !== type) {
      throw new ValidationError({ path: `Tunable(${this.key}).${method}`, field: 'type', value: this.type, expected: `a ${type} tunable` });
    }
  }
}

/** Counts `%s` in a format; throws on any `%` not followed by `s` or `%`. */
function countPlaceholders(where: string, format: string): number {
  let count = 0;
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      continue;
    }
    const next = format[i + 1];
    if (next === 's') {
      count++;
    } else if (next !== '%') {
      throw new ValidationError({ path: where, field: 'format', value: format, expected: 'text where every % is followed by s (a tunable) or % (a literal %)' });
    }
    i++;
  }
  return count;
}

/** RFC 6901: '' or '/'-prefixed tokens with ~0 and ~1 as the only escapes. */
const POINTER = /^(\/([^~/]|~[01])*)+$/;

function addBinding(target: any, where: string, binding: TunableBinding): void {
  if (typeof binding.pointer !== 'string' || !POINTER.test(binding.pointer)) {
    throw new ValidationError({ path: where, field: 'pointer', value: binding.pointer, expected: 'an RFC 6901 JSON pointer to a field, e.g. /spec/replicas' });
  }
  // a cdk8s-plus resource keeps its manifest in `apiObject` (protected in TypeScript, public at run time)
  const holder = target !== null && typeof target === 'object' && typeof target.toJson !== 'function' && target.apiObject ? target.apiObject : target;
  if (holder === null || typeof holder !== 'object' || typeof holder.toJson !== 'function') {
    throw new ValidationError({ path: where, field: 'target', value: String(holder), expected: 'an ApiObject or a cdk8s-plus resource' });
  }
  if (!Object.prototype.hasOwnProperty.call(holder, BINDINGS)) {
    Object.defineProperty(holder, BINDINGS, { value: [], enumerable: false });
  }
  holder[BINDINGS].push(binding);
  const root = holder.node?.root;
  if (root !== null && typeof root === 'object' && root[BOUND_IN_APP] !== true) {
    Object.defineProperty(root, BOUND_IN_APP, { value: true, enumerable: false });
  }
}

/** Validates `pattern` and `forbiddenValues` (string tunables only) against the default. */
function checkStringRules(where: string, type: TunableType, defaultValue: any, options: TunableOptions): void {
  if (options.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = type === TunableType.STRING && typeof options.pattern === 'string' && options.pattern.startsWith('^') && options.pattern.endsWith('$')
        ? new RegExp(options.pattern) : undefined;
    } catch {
      re = undefined;
    }
    if (re === undefined) {
      throw new ValidationError({ path: where, field: 'pattern', value: options.pattern, expected: 'an anchored regular expression (^...$) on a string tunable' });
    }
    if (!re.test(defaultValue)) {
      throw new ValidationError({ path: where, field: 'defaultValue', value: defaultValue, expected: `a value matching ${options.pattern}` });
    }
  }
  if (options.forbiddenValues !== undefined) {
    if (type !== TunableType.STRING || !Array.isArray(options.forbiddenValues) || !options.forbiddenValues.every((v) => typeof v === 'string')) {
      throw new ValidationError({ path: where, field: 'forbiddenValues', value: options.forbiddenValues, expected: 'a list of strings on a string tunable' });
    }
    if (options.forbiddenValues.includes(defaultValue)) {
      throw new ValidationError({ path: where, field: 'defaultValue', value: defaultValue, expected: `none of ${options.forbiddenValues.join(', ')}` });
    }
  }
}
