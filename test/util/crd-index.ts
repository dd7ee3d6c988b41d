import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';
import { evaluateCelRules } from './cel-rules';
import { CRDS_DIR } from './paths';
import { makeStrict } from './schema-transform';
import { workerCached } from './worker-cache';

/** One served version of a CustomResourceDefinition. */
export interface CrdVersion {
  readonly crdName: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly schema: any;
  /** Where the CRD came from (file under crds/ or "in-call"). */
  readonly source: string;
}

function createAjv(): Ajv {
  // useDefaults: the API server applies schema defaults before validating (callers pass a copy)
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false, useDefaults: true });
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    errors: true,
    validate: function celKeyword(rules: any[], data: any): boolean {
      const failures = evaluateCelRules(rules, data);
      (celKeyword as any).errors = failures.map((message) => ({ keyword: 'x-kubernetes-validations', message, params: {} }));
      return failures.length === 0;
    },
  });
  return ajv;
}

/** The served versions of the CRDs among `docs` (any parsed YAML/JSON documents). */
export function crdVersionsOf(docs: any[], source: string): CrdVersion[] {
  const out: CrdVersion[] = [];
  for (const d of docs) {
    if (!d || d.kind !== 'CustomResourceDefinition' || !String(d.apiVersion).startsWith('apiextensions.k8s.io/')) continue;
    const spec = d.spec ?? {};
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      out.push({
        crdName: d.metadata?.name,
        group: spec.group,
        version: v.name,
        kind: spec.names?.kind,
        namespaced: spec.scope !== 'Cluster',
        schema: v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema,
        source,
      });
    }
  }
  return out;
}

/** Validators for custom resources, keyed by apiVersion/kind; compiled lazily and cached. */
export class CrdIndex {
  /** The index of every CRD under crds/ (examples/ excluded), loaded once per jest worker. */
  public static repo(): CrdIndex {
    return workerCached('crd-index/repo', () => {
      const idx = new CrdIndex();
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) { if (e.name !== 'examples' && !e.name.startsWith('.')) walk(p); } else if (/\.ya?ml$/.test(e.name)) {
            idx.add(crdVersionsOf(yaml.loadAll(fs.readFileSync(p, 'utf8')) as any[], path.relative(CRDS_DIR, p)));
          }
        }
      };
      walk(CRDS_DIR);
      return idx;
    });
  }

  private readonly versions = new Map<string, CrdVersion>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private ajv?: Ajv;

  /** Add CRD versions (a later one for the same apiVersion/kind wins). */
  public add(versions: CrdVersion[]): void {
    for (const v of versions) this.versions.set(`${v.group}/${v.version}/${v.kind}`, v);
  }

  /** The CRD version serving apiVersion/kind, if any. */
  public lookup(apiVersion: string, kind: string): CrdVersion | undefined {
    return this.versions.get(`${apiVersion}/${kind}`);
  }

  /** All indexed apiVersion/kind keys (sorted). */
  public keys(): string[] {
    return [...this.versions.keys()].sort();
  }

  /** A compiled validator for the CR's spec/status etc. (metadata is checked separately). */
  public validator(v: CrdVersion): ValidateFunction {
    const key = `${v.group}/${v.version}/${v.kind}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const root = { ...(v.schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true }) };
      // apiVersion/kind/metadata are validated by the API server itself, not by the CRD schema
      root.properties = { ...(root.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } };
      root.type = 'object';
      this.ajv = this.ajv ?? createAjv();
      fn = this.ajv.compile(makeStrict(root));
      this.compiled.set(key, fn);
    }
    return fn;
  }
}
