/**
 * Validates manifest files written outside the tests (the example app's `cdk8s synth` output,
 * scripts/example-app.js) like the sample's: every object against the Kubernetes and CRD schemas,
 * no two objects with one identity in a file.
 * Run: ts-node --transpile-only --project test/tsconfig.json test/util/validate-files.ts FILE...
 */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { duplicateIssues, formatIssues, validateObjects, ValidationIssue } from './validate';

/** The objects of a multi-document YAML file (YAML 1.1, as cdk8s writes it); empty documents skipped. */
export function readManifests(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' })
    .map((d) => d.toJS())
    .filter((o) => o !== null && o !== undefined);
}

/** Every problem of the files' objects (schemas, metadata, duplicates within a file) and how many objects there are. */
export function validateFiles(files: string[]): { readonly objects: number; readonly issues: ValidationIssue[] } {
  const perFile = files.map(readManifests);
  const issues = [...validateObjects(perFile.flat()), ...perFile.flatMap(duplicateIssues)];
  return { objects: perFile.flat().length, issues };
}

if (require.main === module) {
  const files = process.argv.slice(2);
  const { objects, issues } = files.length ? validateFiles(files) : { objects: 0, issues: [] };
  if (objects === 0 || issues.length > 0) {
    console.error(objects === 0 ? `no objects in ${files.join(' ') || '(no files given)'}` : `${issues.length} schema validation error(s):\n${formatIssues(issues)}`);
    process.exit(1);
  }
  console.log(`${objects}/${objects} objects schema-valid (Kubernetes 1.27 + 1.33, CRDs)`);
}
