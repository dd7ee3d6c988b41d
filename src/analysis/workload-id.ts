/**
 * How a workload is named in the analyzer's output (internal): `<namespace>/<name>[<Kind>]`, as
 * np-guard/netpol-analyzer prints it.
 *
 * The parts come from the manifests read, including the controller owner reference, whose name
 * the API server does not check (only that it is not empty). A part that is not a plain name
 * (lowercase or uppercase letters, digits, `.`, `_`, `-`; a Kind of letters and digits) is
 * written as a JSON string: a name holding a newline, ` => ` or ` : ` could otherwise forge
 * lines or connections in a report that reviewers and CI read line by line. Inside it, the
 * characters that end a Markdown table cell, code span or fence, or open HTML (`|`, backtick,
 * `<`, `>`) are `\u` escapes too (the md and summary formats print the ids as they are).
 */

const PLAIN_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const PLAIN_KIND = /^[A-Za-z][A-Za-z0-9]*$/;

function part(value: string, plain: RegExp): string {
  if (plain.test(value)) return value;
  return JSON.stringify(value).replace(/[|`<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The id of the workload `name` of kind `kind` in `ns`; parts that are not plain names are quoted. */
export function workloadId(ns: string, name: string, kind: string): string {
  return `${part(String(ns), PLAIN_NAME)}/${part(String(name), PLAIN_NAME)}[${part(String(kind), PLAIN_KIND)}]`;
}
