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
 * value to resolve, `CDK8S_DISABLE_SORT`). The metadata is read when rendered (labels and
 * annotations added later are in), from its fields as `metadata.toJson()` renders them (Lazy
 * values produced, tokens resolved as the built-in resolvers do), or by `metadata.toJson()`
 * itself when one is not plain data (a class instance, a function).
 *
 * `test/core/final-json.test.ts` checks that it gives what the L1's `toJson()` gives.
 */
import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { withMark } from './synthesis-scope';
import { Tunable } from './tunable';

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
    for (const key of sortedKeys(value)) {
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

/** The keys of `value` in the order of `Object.keys(value).sort()` (most objects' keys are in that order already). */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) return keys.sort();
  }
  return keys;
}

/**
 * True if the app of `obj` resolves with cdk8s's built-in resolvers only.
 *
 * @param obj the object
 */
export function defaultResolution(obj: ApiObject): boolean {
  return resolvesByDefault(App.of(obj));
}

function resolvesByDefault(app: App): boolean {
  if (process.env.CDK8S_DISABLE_SORT) return false;
  const resolvers = (app as Partial<App>).resolvers;
  return Array.isArray(resolvers) && resolvers.length === DEFAULT_RESOLVERS.length
    && resolvers.every((r, i) => r instanceof DEFAULT_RESOLVERS[i]);
}

/** The app's listener of {@link withRenderListener}, while one runs. */
const RENDER_LISTENER = Symbol.for('cdk8s-zero-trust.final-json.render-listener');

/**
 * Runs `fn` with `listener` told of each object `finalToJson` renders (before the object is
 * returned). cdk8s's resolve offers an object's values to the app's resolvers, starting with its
 * metadata at the root key; a rendering by `finalToJson` offers none, and this is how a caller that
 * follows the resolution order (Helm output) still sees that object's turn.
 *
 * @param app the app whose objects are rendered
 * @param listener called with each object rendered by `finalToJson`, in rendering order
 * @param fn what renders them
 */
export function withRenderListener<T>(app: App, listener: (obj: ApiObject) => void, fn: () => T): T {
  return withMark(app, RENDER_LISTENER, listener, fn);
}

/**
 * What cdk8s's `sanitizeValue(resolve(value), { filterEmptyArrays, filterEmptyObjects })` gives
 * with the built-in resolvers: a Lazy produced, an implicit token resolved, a number/string union
 * replaced by `{ value }` (their tests in their order, then again on what they give); sorted keys,
 * null and undefined members dropped, empty arrays and objects dropped. Throws NotPlain for what
 * sanitizeValue refuses or keeps as it is (a class instance, a function): `metadata.toJson()`
 * renders that.
 */
function sanitized(value: any): any {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Lazy) return sanitized(value.produce());
  // a Tunable is a token Helm output must see offered to the resolvers (it becomes a value there)
  if (Tunable.isTunable(value)) throw new NotPlain();
  if (typeof value.resolve === 'function') return sanitized(value.resolve());
  if (value.constructor !== Object && (typeof value.value === 'number' || typeof value.value === 'string')) {
    return sanitized({ value: value.value });
  }
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw new NotPlain();
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw new NotPlain();
    return value.length === 0 ? undefined : value.map(sanitized);
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || value.constructor !== Object) throw new NotPlain();
  const out: { [key: string]: any } = {};
  let members = 0;
  for (const key of sortedKeys(value)) {
    const v = sanitized(value[key]);
    if (v !== undefined) {
      out[key] = v;
      members++;
    }
  }
  return members === 0 ? undefined : out;
}

/** The fields of `ApiObjectMetadataDefinition` its `toJson()` renders besides the options. */
const METADATA_FIELDS = new Set(['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences']);

/**
 * `metadata.toJson()` (cdk8s 2's `ApiObjectMetadataDefinition`: its fields resolved, then
 * sanitized) read from its fields without cdk8s's resolve (a context and a key path per value);
 * throws NotPlain for a value sanitizeValue does not take as plain data, or if the class is not
 * the one whose fields this reads.
 */
function plainMetadata(m: ApiObjectMetadataDefinition): any {
  const d = m as any;
  if (Object.getPrototypeOf(d) !== ApiObjectMetadataDefinition.prototype || d.toJson !== ApiObjectMetadataDefinition.prototype.toJson
    || !isRecord(d._additionalAttributes) || !isRecord(d.labels) || !isRecord(d.annotations)
    || !Array.isArray(d.finalizers) || !Array.isArray(d.ownerReferences)) {
    throw new NotPlain();
  }
  const attrs = d._additionalAttributes;
  const fields = {
    annotations: d.annotations,
    finalizers: d.finalizers,
    labels: d.labels,
    name: d.name,
    namespace: d.namespace,
    ownerReferences: d.ownerReferences,
  };
  // the object metadata.toJson() resolves is `{ ...attrs, ...fields }`: usually just the fields
  // (the options' copies of name, namespace and labels are overridden)
  for (const key of Object.keys(attrs)) {
    if (!METADATA_FIELDS.has(key)) return sanitized({ ...attrs, ...fields });
  }
  return sanitized(fields);
}

function isRecord(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The rendered metadata of `obj` (sorted keys), as `finalValue(obj.metadata.toJson())` gives it. */
function renderedMetadata(obj: ApiObject): any {
  try {
    return plainMetadata(obj.metadata);
  } catch (e) {
    if (!(e instanceof NotPlain)) throw e;
    return finalValue(obj.metadata.toJson());
  }
}

/** The ObjectMeta fields `k8s.toJson_ObjectMeta` copies as they are (in its order, which is alphabetical). */
const COPIED_META_FIELDS = new Set(['annotations', 'finalizers', 'labels', 'name', 'namespace']);

/**
 * `metadata(meta)`; for `k8s.toJson_ObjectMeta` and a `meta` of fields it copies as they are
 * (maps of labels and annotations, a list of finalizers, name, namespace: no undefined member
 * after rendering), `meta` itself: the same JSON, without the conversion.
 */
function convertedMetadata(metadata: (m: any) => any, meta: any): any {
  if (metadata !== k8s.toJson_ObjectMeta || meta === undefined) return metadata(meta);
  for (const key in meta) {
    if (!COPIED_META_FIELDS.has(key)) return metadata(meta);
  }
  if ((meta.labels !== undefined && !isRecord(meta.labels)) || (meta.annotations !== undefined && !isRecord(meta.annotations))
    || (meta.finalizers !== undefined && !Array.isArray(meta.finalizers))) {
    return metadata(meta);
  }
  return meta;
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
  if (patched) return undefined;
  const app = App.of(obj);
  if (!resolvesByDefault(app)) return undefined;
  try {
    const rest = finalValue(body);
    const meta = convertedMetadata(metadata, renderedMetadata(obj));
    (app as any)[RENDER_LISTENER]?.(obj);
    return { apiVersion: obj.apiVersion, kind: obj.kind, ...(meta === undefined ? {} : { metadata: meta }), ...rest };
  } catch {
    // a value to resolve (NotPlain), or an error (a Lazy that throws): cdk8s's path renders it,
    // or reports the error as it does ("Failed serializing construct at path ...")
    return undefined;
  }
}
