/**
 * Turns Kubernetes OpenAPI schemas (swagger definitions, CRD structural schemas) into JSON
 * schemas that ajv validates with the API server's strict field validation:
 * - an object schema with `properties` (or a bare `type: object`) and no `additionalProperties`
 *   gets `additionalProperties: false`, unless `x-kubernetes-preserve-unknown-fields: true`;
 * - `x-kubernetes-int-or-string: true` becomes integer-or-string;
 * - `nullable: true` allows null;
 * - OpenAPI v3 boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers.
 * `bareObjects: false` (swagger definitions) leaves `type: object` without properties open
 * (RawExtension, FieldsV1). Only structural positions are made strict: sub-schemas of allOf/anyOf/oneOf/not are value
 * validations (they may only restate fields of the structural schema) and are left open.
 */
export function makeStrict(schema: any, structural = true, bareObjects = true): any {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    switch (k) {
      case 'properties':
      case 'patternProperties':
      case 'definitions': {
        const props: any = {};
        for (const [pk, pv] of Object.entries(v as any)) props[pk] = makeStrict(pv, structural || k === 'definitions', bareObjects);
        out[k] = props;
        break;
      }
      case 'additionalProperties':
      case 'items':
        out[k] = typeof v === 'object' && !Array.isArray(v) ? makeStrict(v, structural, bareObjects)
          : Array.isArray(v) ? v.map((x) => makeStrict(x, structural, bareObjects)) : v;
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[k] = (v as any[]).map((x) => makeStrict(x, false, bareObjects));
        break;
      case 'not':
        out[k] = makeStrict(v, false, bareObjects);
        break;
      case 'description':
        break; // drop: saves memory and compile time
      default:
        out[k] = v;
    }
  }
  if (out.exclusiveMinimum === true) { out.exclusiveMinimum = out.minimum; delete out.minimum; }
  if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (out.exclusiveMaximum === true) { out.exclusiveMaximum = out.maximum; delete out.maximum; }
  if (out.exclusiveMaximum === false) delete out.exclusiveMaximum;
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [...(out.anyOf ?? []), { type: 'integer' }, { type: 'string' }];
    // anyOf above replaces a user anyOf's meaning only if both existed; keep both via allOf
    if (schema.anyOf) { out.allOf = [...(out.allOf ?? []), { anyOf: out.anyOf.slice(0, -2) }]; out.anyOf = [{ type: 'integer' }, { type: 'string' }]; }
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (out['x-kubernetes-embedded-resource'] === true) {
    out.required = [...new Set([...(out.required ?? []), 'apiVersion', 'kind'])];
  }
  if (structural && !out.$ref && out['x-kubernetes-preserve-unknown-fields'] !== true && out.additionalProperties === undefined
    && (out.properties !== undefined || (bareObjects && out.type === 'object'))) {
    out.additionalProperties = false;
  }
  return out;
}
