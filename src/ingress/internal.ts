import * as kplus from 'cdk8s-plus-27';

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
