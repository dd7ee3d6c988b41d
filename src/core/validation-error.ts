/**
 * Properties of a {@link ValidationError}.
 */
export interface ValidationErrorProps {
  /**
   * Where the bad value was given: a construct path (`app/ns`) or a factory name (`Port.tcp`).
   */
  readonly path: string;

  /**
   * The field that holds the bad value, e.g. `allows[0].ports[1]`.
   */
  readonly field: string;

  /**
   * The bad value. Strings and objects are rendered with `JSON.stringify`, numbers with `String()`.
   *
   * @default undefined (rendered as `undefined`)
   */
  readonly value?: any;

  /**
   * What a valid value looks like, e.g. `an integer port from 1 to 65535`.
   */
  readonly expected: string;
}

/** Longest rendering of a bad value in a message (a hostile value may be megabytes long). */
const MAX_RENDERED = 512;

/**
 * Renders a bad value for an error message: JSON for strings and objects, `String()` otherwise,
 * cut to {@link MAX_RENDERED} characters.
 */
function renderValue(value: any): string {
  const full = renderFull(value);
  return full.length <= MAX_RENDERED ? full : `${full.slice(0, MAX_RENDERED)}... (${full.length} characters)`;
}

function renderFull(value: any): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'function') {
    return `[function ${value.name || 'anonymous'}]`;
  }
  try {
    const json = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/**
 * Non-exported base so the exported class does not extend the built-in `Error` directly
 * (jsii rejects `extends Error`; an erased intermediate class is the aws-cdk pattern).
 */
abstract class LibraryError extends Error {}

/**
 * The error thrown for any invalid input: names where (path), what (field), the bad value,
 * and what is valid.
 *
 * Message format: `${path}: invalid ${field} ${value}: expected ${expected}`, e.g.
 * `app/ns: invalid allows[0].ports[1] 70000: expected an integer port from 1 to 65535`.
 *
 * Marked `@internal` for jsii only (jsii cannot model a class extending the built-in `Error`;
 * this is the aws-cdk-lib pattern): TypeScript users import and `instanceof` it normally, other
 * languages see the message and can use `Errors.isValidationError(e)`.
 *
 * @internal
 */
export class ValidationError extends LibraryError {
  /**
   * Renders a value the way it appears in a ValidationError message.
   *
   * @param value the value to render
   */
  public static render(value?: any): string {
    return renderValue(value);
  }

  /**
   * Construct path or factory name where the bad value was given.
   */
  public readonly path: string;

  /**
   * Field that holds the bad value.
   */
  public readonly field: string;

  /**
   * The bad value, rendered (JSON for strings and objects, `String()` for numbers).
   */
  public readonly value: string;

  /**
   * What a valid value looks like.
   */
  public readonly expected: string;

  /**
   * @param props what was wrong, where, and what is valid
   */
  constructor(props: ValidationErrorProps) {
    const rendered = renderValue(props.value);
    super(`${props.path}: invalid ${props.field} ${rendered}: expected ${props.expected}`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'ValidationError';
    this.path = props.path;
    this.field = props.field;
    this.value = rendered;
    this.expected = props.expected;
  }
}

/**
 * jsii-visible helpers for errors thrown by this library.
 */
export class Errors {
  /**
   * True if `x` is a ValidationError thrown by this library (works across copies of the module).
   *
   * @param x anything caught
   */
  public static isValidationError(x: any): boolean {
    return x instanceof ValidationError
      || (x !== null && typeof x === 'object' && x.name === 'ValidationError'
        && typeof x.path === 'string' && typeof x.field === 'string' && typeof x.expected === 'string');
  }

  private constructor() {}
}
