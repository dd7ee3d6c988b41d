/**
 * The name of a Secret given as a `kplus.ISecret` prop (internal): plain JavaScript callers can
 * pass a string, a plain object, or a cdk8s-plus object of another kind (a ConfigMap also has a
 * string `name`), which would otherwise end in a pod that mounts a Secret that is not there.
 */
import { fail, validateDns1123Subdomain } from '../core/validate';

/**
 * The Secret's name, after checking that `value` is a Secret (its `kind`) with a DNS-1123
 * subdomain name; `undefined` passes through.
 *
 * @param path construct path
 * @param field the prop (`credentials`, `receiverTls`)
 * @param value what the caller passed
 * @param expected what a valid value is (the Secret's purpose)
 */
export function secretNameOf(path: string, field: string, value: unknown, expected: string): string | undefined {
  if (value === undefined) return undefined;
  const name = value !== null && typeof value === 'object' ? (value as { name?: unknown }).name : undefined;
  if (typeof name !== 'string') fail(path, field, value, expected);
  validateDns1123Subdomain(path, `${field}.name`, name);
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== 'Secret') fail(path, field, `${typeof kind === 'string' ? kind : 'object'} ${name}`, expected);
  return name;
}
