/**
 * A shorter `toJson()` for the objects our renderers build from plain data (internal).
 *
 * cdk8s renders an `ApiObject` by resolving every value of its props (each leaf is offered to
 * every resolver of the app), sanitizing them with sorted keys, applying its JSON patches; a
 * generated L1 class (`KubeNetworkPolicy`, Istio's `AuthorizationPolicy`) then converts the result
 * field by field into its schema's order. For the L1 kinds handled here every struct's fields are
 * in alphabetical order, and a body our renderers build holds nothing to resolve (no `Lazy`, no
 * token), so the same bytes are a copy of the body with sorted keys: `finalToJson` returns that,
 * or `undefined` when cdk8s's own path must run (a JSON patch, a resolver of the app's own, a
 * value to resolve, `CDK8S_DISABLE_SORT`). The metadata always goes through cdk8s
 * (`metadata.toJson()`: its Lazy annotations, labels added later).
 *
 * `test/core/final-json.test.ts` checks that it gives what the L1's `toJson()` gives.
 */
import { ApiObject, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';

/** The resolvers every cdk8s App has, in its order, after the ones passed in its props. */
const DEFAULT_RESOLVERS = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];

/** A value only cdk8s's resolve can render. */
class NotPlain extends Error {}

/**
 * `value` as cdk8s renders it into an L1 whose fields are in alphabetical order: objects with
 * sorted keys, null and undefined members dropped, an `IntOrString` as its value (the L1 reads
 * `.value`). Throws NotPlain for anything else that is not JSON data.
 */
function finalValue(value: any): any {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw new NotPlain();
  if (Array.isArray(value)) return value.map(finalValue);
  if (value.constructor === Object) {
    const out: { [key: string]: any } = {};
    for (const key of Object.keys(value).sort()) {
      const v = finalValue(value[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (value instanceof k8s.IntOrString && (typeof value.value === 'number' || typeof value.value === 'string')) return value.value;
  throw new NotPlain();
}

/**
 * `value` as cdk8s renders it into an L1 whose fields are in alphabetical order (see finalValue),
 * or `undefined` if it holds a value only cdk8s's resolve can render.
 *
 * @param value the value (plain data)
 */
export function plainFinal(value: unknown): { readonly value: any } | undefined {
  try {
    return { value: finalValue(value) };
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

/**
 * True if the app of `obj` resolves with cdk8s's built-in resolvers only.
 *
 * @param obj the object
 */
export function defaultResolution(obj: ApiObject): boolean {
  if (process.env.CDK8S_DISABLE_SORT) return false;
  const resolvers = (App.of(obj) as Partial<App>).resolvers;
  return Array.isArray(resolvers) && resolvers.length === DEFAULT_RESOLVERS.length
    && resolvers.every((r, i) => r instanceof DEFAULT_RESOLVERS[i]);
}

/**
 * The JSON of `obj` as its L1 class's `toJson()` renders it, from its `body` (the props besides
 * `metadata`, e.g. `{ spec }`), or `undefined` when cdk8s's path must run.
 *
 * @param obj the object (an L1 whose fields are in alphabetical order)
 * @param patched whether a JSON patch was added to `obj`
 * @param metadata the L1's conversion of the metadata (e.g. `k8s.toJson_ObjectMeta`; a CRD's L1 keeps it as is)
 * @param body the object's props besides apiVersion, kind and metadata
 */
export function finalToJson(obj: ApiObject, patched: boolean, metadata: (m: any) => any,
  body: { readonly [key: string]: unknown }): any | undefined {
  if (patched || !defaultResolution(obj)) return undefined;
  try {
    const rest = finalValue(body);
    const meta = metadata(finalValue(obj.metadata.toJson()));
    return { apiVersion: obj.apiVersion, kind: obj.kind, ...(meta === undefined ? {} : { metadata: meta }), ...rest };
  } catch {
    // a value to resolve (NotPlain), or an error (a Lazy that throws): cdk8s's path renders it,
    // or reports the error as it does ("Failed serializing construct at path ...")
    return undefined;
  }
}
