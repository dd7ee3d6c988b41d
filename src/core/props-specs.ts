/**
 * Runtime type specs of the props of core's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { Tunable } from './tunable';
import { PropsSpec, t } from '../core/props-check';

/** {@link ValidationErrorProps} (core/validation-error.ts). */
export const VALIDATION_ERROR_PROPS: PropsSpec = {
  path: t.required(t.str()),
  field: t.required(t.str()),
  value: t.any(),
  expected: t.required(t.str()),
};

/** {@link TunableOptions} (core/tunable.ts). */
export const TUNABLE_OPTIONS: PropsSpec = {
  description: t.str(),
  minimum: t.num(),
  maximum: t.num(),
  pattern: t.str(),
  forbiddenValues: t.arrayOf(t.str()),
};

/** {@link TunableBinding} (core/tunable.ts). */
export const TUNABLE_BINDING: PropsSpec = {
  pointer: t.required(t.str()),
  tunables: t.required(t.arrayOf(t.instanceOf('Tunable', () => Tunable))),
  format: t.str(),
  expected: t.required(t.any()),
};
