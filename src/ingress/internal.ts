import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { defaultResolution, plainFinal } from '../core/final-json';
import { Names } from '../core/names';
import { fail } from '../core/validate';

/**
 * Host matching as TLS does it (internal): a certificate name `*.example.com` covers exactly one
 * label in place of `*` (`a.example.com`, not `example.com` nor `a.b.example.com`); a wildcard
 * rule host is covered only by the same wildcard.
 */
export function tlsCovers(certHost: string, host: string): boolean {
  if (certHost === host) {
    return true;
  }
  if (!certHost.startsWith('*.') || host.startsWith('*.')) {
    return false;
  }
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === certHost.slice(2);
}

/**
 * What ingress-nginx accepts in Prefix and Exact paths since v1.8 (`strict-validate-path-type`,
 * see its FAQ "Validation of path"): alphanumerics, '/', '_' and '-' only.
 */
export const NGINX_STRICT_PATH = /^\/[A-Za-z0-9_\-/]*$/;

/** What a backend resolves to (internal). */
export interface ResolvedBackend {
  /** The Service the Ingress names. */
  readonly serviceName: string;
  /** The Service port. */
  readonly servicePort: number;
  /** The pod (container) port behind it. */
  readonly targetPort: number;
  /** Namespace of the Service and pods. */
  readonly namespace: string;
  /** The Service, when the backend was given as one (its selector is read at synthesis). */
  readonly service?: kplus.Service;
  /** The workload, when the backend was given as one. */
  readonly workload?: kplus.Workload;
  /** Short name for generated names. */
  readonly name: string;
}

/**
 * `spec.selector` of the Service's manifest without rendering the rest of it (the manifest, with
 * its ports and metadata, is what `toJson()` renders): from the spec cdk8s-plus gives its
 * `KubeService`, when the Service has no JSON patch, the app only cdk8s's own resolvers, and the
 * spec and metadata hold nothing to resolve (so that `toJson()` would succeed and give the
 * spec's selector with sorted keys). `undefined` when cdk8s's path must run.
 */
function plainServiceSelector(svc: kplus.Service): { readonly selector: unknown } | undefined {
  const obj = ApiObject.of(svc);
  const patches: unknown = (obj as any).patches;
  const toKube: unknown = (svc as any)._toKube;
  if (!Array.isArray(patches) || patches.length > 0 || typeof toKube !== 'function' || !defaultResolution(obj)) return undefined;
  try {
    if (plainFinal(obj.metadata.toJson()) === undefined) return undefined;
    const raw = toKube.call(svc);
    const spec = plainFinal(raw);
    const own = raw?.selector;
    // a `__proto__` label would be a member of the L1's copy only
    if (spec === undefined || (typeof own === 'object' && own !== null && Object.prototype.hasOwnProperty.call(own, '__proto__'))) return undefined;
    return { selector: spec.value?.selector };
  } catch {
    // an error cdk8s's path reports (as "Failed serializing construct ...")
    return undefined;
  }
}

/**
 * The selector of a Service backend: `spec.selector` of the Service's final manifest, read at
 * synthesis (`svc.select(...)` calls made after the ingress count, and so do JSON patches: the
 * controller routes to the pods the applied Service selects). Fails unless it selects pods by at
 * least one label, each a valid label key with a string value.
 *
 * @param path construct path for errors
 * @param field field name for errors
 * @param svc the Service
 */
export function serviceSelector(path: string, field: string, svc: kplus.Service): { [key: string]: string } {
  const where = 'its final manifest (JSON patches included), which the ingress\'s NetworkPolicy selects the pods of';
  let selector: unknown;
  try {
    const plain = plainServiceSelector(svc);
    selector = plain !== undefined ? plain.selector : ApiObject.of(svc).toJson().spec?.selector;
  } catch (e) {
    fail(path, `${field}.service`, svc.name, `a Service that synthesizes: its selector is read from ${where}; Service ${svc.node.path} failed: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  if (selector !== undefined && selector !== null && (typeof selector !== 'object' || Array.isArray(selector))) {
    fail(path, `${field}.service.selector`, selector, `a map of label key to value: spec.selector of Service ${svc.name}, read from ${where}`);
  }
  const labels: { [key: string]: unknown } = { ...((selector as object | null | undefined) ?? {}) };
  if (Object.keys(labels).length === 0) {
    fail(path, `${field}.service.selector`, {},
      `a selector on Service ${svc.name} (svc.select(...) or selectLabel(...) before synthesis; the NetworkPolicy targets those pods)`);
  }
  for (const [k, v] of Object.entries(labels)) {
    if (!Names.isLabelKey(k) || typeof v !== 'string' || !Names.isLabelValue(v)) {
      fail(path, `${field}.service.selector[${JSON.stringify(k)}]`, v, `a label key with a string label value: spec.selector of Service ${svc.name}, read from ${where}`);
    }
  }
  return labels as { [key: string]: string };
}
