/**
 * Renders a `Tunable.bindFormat` format with the given parts (`%s` replaced in order, `%%` -> `%`).
 * Used by `Tunable` and the Helm writer; not part of the package's API (not exported by the index).
 */
export function renderTunableFormat(format: string, parts: string[]): string {
  let i = 0;
  return format.replace(/%[%s]/g, m => (m === '%%' ? '%' : parts[i++]));
}
