/**
 * Checks of HelmChart inputs that Helm would misread (internal): a `kubeVersion` that is not a
 * semver constraint (Helm refuses the chart at install), and `crdFiles` that are not
 * CustomResourceDefinitions (Helm applies `crds/` verbatim, never upgrades nor deletes it).
 */
import * as fs from 'fs';
import * as jsyaml from 'js-yaml';
import { ValidationError } from '../core/validation-error';

const VERSION = String.raw`v?(?:0|[1-9]\d*|[xX*])(?:\.(?:0|[1-9]\d*|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`;
const COMPARISON = new RegExp(String.raw`^(?:(?:!=|>=|=>|<=|=<|~>|[=<>~^])\s*)?${VERSION}$`);
const HYPHEN = new RegExp(String.raw`^${VERSION}\s+-\s+${VERSION}$`);

/** True if `s` is a constraint Helm's semver library (Masterminds) reads: `>=1.27.0-0`, `^1.27`, `>= 1.27, < 1.34 || 1.20.x`. */
export function isSemverConstraint(s: string): boolean {
  if (typeof s !== 'string' || s.trim() === '' || s.length > 256) return false;
  return s.split('||').every((alt) => {
    const a = alt.trim();
    if (a === '') return false;
    if (HYPHEN.test(a)) return true;
    // comparisons are separated by ',' or whitespace; an operator may be followed by spaces
    const terms = a.replace(/(!=|>=|=>|<=|=<|~>|[=<>~^])\s+/g, '$1').split(/\s*,\s*|\s+/);
    return terms.every((t) => COMPARISON.test(t));
  });
}

/** Throws unless `kubeVersion` is a semver constraint. */
export function checkKubeVersion(where: string, kubeVersion: string | undefined): void {
  if (kubeVersion !== undefined && !isSemverConstraint(kubeVersion)) {
    throw new ValidationError({
      path: where,
      field: 'kubeVersion',
      value: kubeVersion,
      expected: 'a semver constraint as Helm reads it, e.g. ">=1.27.0-0" or ">= 1.27, < 1.34" (comparisons, ~, ^, x wildcards, "a - b" ranges, || alternatives)',
    });
  }
}

/** Throws unless every YAML document of the file at `file` is a CustomResourceDefinition. */
export function checkCrdFile(where: string, field: string, file: string): void {
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(fs.readFileSync(file, 'utf8')).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    throw new ValidationError({ path: where, field, value: file, expected: `a readable YAML file of CustomResourceDefinitions (${(e as Error).message.split('\n')[0]})` });
  }
  docs.forEach((d: any, i) => {
    if (d === null || typeof d !== 'object' || d.kind !== 'CustomResourceDefinition' || !String(d.apiVersion).startsWith('apiextensions.k8s.io/')) {
      throw new ValidationError({
        path: where,
        field,
        value: file,
        expected: `a file of CustomResourceDefinitions only (document ${i + 1} is ${d?.kind ?? typeof d} ${d?.metadata?.name ?? ''}; Helm applies crds/ verbatim and never upgrades it: put other objects in the chart)`.replace(' ;', ';'),
      });
    }
  });
}
