/**
 * The files of a chart's `templates/` directory from its objects' templates, for a
 * {@link HelmTemplateLayout} (internal, used by `HelmChart`).
 */
import { HelmTemplateLayout } from './template-layout';
import { Names } from '../core/names';
import { DNS1123_LABEL_EXPECTED, fail } from '../core/validate';

/**
 * The largest chart file Helm loads: Helm 3.17.3+ and Helm 4 refuse a chart (directory or
 * archive) holding a bigger file ("chart file ... is larger than the maximum file size 5242880").
 */
export const MAX_CHART_FILE_BYTES = 5 * 1024 * 1024;

/** The file of the objects without a namespace (namespace files start with `namespace-`: no collision). */
const CLUSTER_SCOPED = 'cluster-scoped';

/** One object's template. */
export interface TemplateEntry {
  /** The object's construct path (for errors: a walk up the tree, so only asked for one). */
  readonly path: () => string;
  /** `<kind> <namespace>/<name>` (for errors). */
  readonly id: string;
  /** Its file in the per-object layout, relative to `templates/` (set in that layout only). */
  readonly objectFile?: string;
  /** Its namespace (`metadata.namespace` of the plain manifest), undefined if none. */
  readonly namespace?: string;
  /** The template text (escaped, with value actions). */
  readonly text: string;
  /** The object's YAML as `helm template` renders it with the default values. */
  readonly rendered: string;
  /** Its position in the chart's apply order. */
  readonly rank: number;
}

/** Throws unless a chart file of `bytes` bytes loads in Helm. */
export function checkChartFileSize(path: string | (() => string), field: string, value: string, bytes: number): void {
  if (bytes > MAX_CHART_FILE_BYTES) {
    fail(typeof path === 'string' ? path : path(), field, value, `at most ${MAX_CHART_FILE_BYTES} bytes per chart file (Helm refuses to load a chart holding a bigger file); this one is ${bytes} bytes`);
  }
}

/**
 * The template files by path relative to the chart (`templates/...`), in entry order for
 * PER_OBJECT, and for PER_NAMESPACE one file per namespace (objects in apply order, split into
 * numbered parts at Helm's file size limit). Throws for an object too big for any file, and (in
 * PER_NAMESPACE) for a namespace that is not a DNS-1123 label (it names a file). `fileOf[i]`
 * is set to the file of `entries[i]`.
 */
export function templateFiles(entries: readonly TemplateEntry[], layout: HelmTemplateLayout, fileOf: string[] = []): Map<string, string> {
  // UTF-8 sizes counted only where a bound decides nothing: a JS string's UTF-8 encoding has at
  // most 3 bytes per UTF-16 unit, so a text of at most MAX / 3 units fits whatever it holds
  const sizes: number[] = new Array(entries.length);
  const size = (i: number) => (sizes[i] ??= Buffer.byteLength(entries[i].text, 'utf8'));
  entries.forEach((e, i) => {
    if (e.text.length * 3 > MAX_CHART_FILE_BYTES) checkChartFileSize(e.path, 'template', e.id, size(i));
  });
  const out = new Map<string, string>();
  if (layout === HelmTemplateLayout.PER_OBJECT) {
    entries.forEach((e, i) => {
      if (e.objectFile === undefined) throw new Error(`internal error: no per-object file for ${e.id}`);
      fileOf[i] = `templates/${e.objectFile}`;
      out.set(fileOf[i], e.text);
    });
    return out;
  }
  const byNamespace = new Map<string | undefined, number[]>();
  entries.forEach((e, i) => {
    const g = byNamespace.get(e.namespace);
    if (g !== undefined) {
      g.push(i);
      return;
    }
    // checked at the namespace's first object, the one named in the error
    if (e.namespace !== undefined && !Names.isDns1123Label(e.namespace)) {
      fail(e.path(), 'metadata.namespace', e.namespace, `${DNS1123_LABEL_EXPECTED} (the Helm template layout PER_NAMESPACE names a file after it)`);
    }
    byNamespace.set(e.namespace, [i]);
  });
  for (const [ns, members] of byNamespace) {
    const base = ns === undefined ? CLUSTER_SCOPED : `namespace-${ns}`;
    members.sort((a, b) => entries[a].rank - entries[b].rank);
    packParts(members, entries, size).forEach((part, k) => {
      // a DNS-1123 label has no '.': `<base>.<k>.yaml` is never another namespace's file
      const file = `templates/${base}${k === 0 ? '' : `.${k + 1}`}.yaml`;
      for (const i of part) fileOf[i] = file;
      out.set(file, part.map((i) => entries[i].text).join('---\n'));
    });
  }
  return out;
}

/** `members` (indexes into `entries`) in order, cut greedily into parts of at most the file size limit. */
function packParts(members: number[], entries: readonly TemplateEntry[], size: (i: number) => number): number[][] {
  let bound = 4 * (members.length - 1); // '---\n' between documents
  for (const i of members) bound += entries[i].text.length * 3;
  if (bound <= MAX_CHART_FILE_BYTES) {
    return [members];
  }
  const parts: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of members) {
    const bytesOf = size(i);
    const added = (current.length === 0 ? 0 : 4) + bytesOf; // '---\n' between documents
    if (current.length > 0 && bytes + added > MAX_CHART_FILE_BYTES) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    bytes += current.length === 0 ? bytesOf : added;
    current.push(i);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
