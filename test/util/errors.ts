import { ValidationError } from '../../src/core';

/** The ValidationError `fn` throws (the test fails if it throws nothing or anything else). */
export function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}
