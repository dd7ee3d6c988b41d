import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { SCHEMAS_DIR } from './paths';
import { makeStrict } from './schema-transform';
import { workerCached } from './worker-cache';

const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const QUANTITY_KEYWORD = 'x-zt-quantity';
/** resource.Quantity's grammar (k8s.io/apimachinery/pkg/api/resource: ParseQuantity). */
export const QUANTITY_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** ajv keyword: a JSON number, or a string in the Quantity grammar. */
const validateQuantity: any = function validate(this: unknown, _schema: unknown, data: unknown): boolean {
  if ((typeof data === 'number' && Number.isFinite(data)) || (typeof data === 'string' && QUANTITY_PATTERN.test(data))) return true;
  (validate as any).errors = [{
    keyword: QUANTITY_KEYWORD,
    message: 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\' (resource.Quantity: a number with an optional suffix Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E or exponent e<n>)',
    params: {},
  }];
  return false;
};

/** One Kubernetes version's API schema (swagger definitions), compiled lazily per kind. */
export class K8sSchema {
  /** The schema of Kubernetes `version` ('1.27' or '1.33'), loaded once per jest worker. */
  public static of(version: string): K8sSchema {
    return workerCached(`k8s-schema/${version}`, () => new K8sSchema(version));
  }

  private readonly byGvk = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv;

  private constructor(public readonly version: string) {
    const file = path.join(SCHEMAS_DIR, `v${version}.0`, '_definitions.json');
    const defs = JSON.parse(fs.readFileSync(file, 'utf8')).definitions as Record<string, any>;
    for (const [name, def] of Object.entries(defs)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        // a definition listed for several GVKs (DeleteOptions, WatchEvent) is not a resource
        if ((def['x-kubernetes-group-version-kind'] as any[]).length === 1) this.byGvk.set(`${apiVersion}/${gvk.kind}`, name);
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
    this.ajv.addKeyword({ keyword: QUANTITY_KEYWORD, errors: true, validate: validateQuantity });
    const strict = makeStrict({ definitions: defs }, true, false).definitions;
    // the swagger says only string-or-number; the API server parses strings with resource.ParseQuantity
    if (strict[QUANTITY_DEF]) strict[QUANTITY_DEF] = { [QUANTITY_KEYWORD]: true };
    this.ajv.addSchema({ $id: 'k8s', definitions: strict });
  }

  /** The definition name for an apiVersion/kind, or undefined if this version does not serve it. */
  public definitionOf(apiVersion: string, kind: string): string | undefined {
    return this.byGvk.get(`${apiVersion}/${kind}`);
  }

  /** A compiled validator for a definition (e.g. io.k8s.api.apps.v1.Deployment), cached. */
  public validator(definition: string): ValidateFunction {
    let v = this.compiled.get(definition);
    if (!v) {
      v = this.ajv.compile({ $ref: `k8s#/definitions/${definition}` });
      this.compiled.set(definition, v);
    }
    return v;
  }
}
