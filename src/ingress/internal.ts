import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
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
 * The selector of a Service backend, read now (at synthesis: `svc.select(...)` calls made after
 * the ingress are included); fails unless it selects pods by at least one label .
 *
 * @param path construct path for errors
 * @param field field name for errors
 * @param svc the Service
 */
export function serviceSelector(path: string, field: string, svc: kplus.Service): { [key: string]: string } {
  let selector: { [key: string]: string } = {};
  try {
    selector = { ...(ApiObject.of(svc).toJson().spec?.selector ?? {}) };
  } catch (e) {
    fail(path, `${field}.service`, svc.name, `a Service that synthesizes (${(e as Error).message})`);
  }
  if (Object.keys(selector).length === 0) {
    fail(path, `${field}.service.selector`, {},
      `a selector on Service ${svc.name} (svc.select(...) or selectLabel(...) before synthesis; the NetworkPolicy targets those pods)`);
  }
  return selector;
}
