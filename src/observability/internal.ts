/**
 * Internal helpers of the observability folder (not exported from the package index).
 */
import { fail, validateDns1123Label } from '../core/validate';
import { Peer } from '../flows/peer';

/** OTLP over gRPC. */
export const OTLP_GRPC_PORT = 4317;
/** OTLP over HTTP. */
export const OTLP_HTTP_PORT = 4318;
/** Default Jaeger endpoint (the Jaeger collector's OTLP gRPC port). */
export const DEFAULT_JAEGER_ENDPOINT = 'jaeger-collector.observability:4317';

/**
 * The namespace peer of a `host:port` endpoint: `<service>.<namespace>[.svc...]` gives
 * `<namespace>`; a one-label host is in `sameNamespace`; an IP address needs an explicit peer.
 */
export function defaultPeerFor(path: string, field: string, endpoint: string, sameNamespace: string): Peer {
  const host = endpoint.startsWith('[') ? endpoint.slice(1, endpoint.indexOf(']')) : endpoint.slice(0, endpoint.lastIndexOf(':'));
  if (/^[0-9.]+$/.test(host) || host.includes(':')) {
    return fail(path, field, undefined, `a peer for ${endpoint} (an IP address does not name a namespace)`);
  }
  const labels = host.split('.');
  if (labels.length === 1) {
    return namespacePeer(sameNamespace);
  }
  if (labels.length > 2 && labels[2] !== 'svc') {
    return fail(path, field, undefined,
      `a peer for ${endpoint} (not an in-cluster service name <service>.<namespace>[.svc.<cluster-domain>])`);
  }
  return namespacePeer(labels[1]);
}

/**
 * Every pod of a namespace, by name (the flows renderer matches it with `kubernetes.io/metadata.name`).
 */
export function namespacePeer(name: string): Peer {
  validateDns1123Label('namespacePeer', 'name', name);
  return Peer.namespaceByName(name);
}

/** A values-key prefix: dot-separated identifiers (what `Tunable` accepts as a key). */
const VALUES_PREFIX = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Throws unless `prefix` can start a tunable's values key. */
export function validateValuesPrefix(path: string, field: string, prefix: string): void {
  if (typeof prefix !== 'string' || !VALUES_PREFIX.test(prefix)) {
    fail(path, field, prefix, 'dot-separated identifiers, each a letter then letters, digits or \'_\' (e.g. observability.collector)');
  }
}

/**
 * `[registry[:port]/]repository:tag` split at the tag's colon; undefined for a digest reference
 * (pinned on purpose: a tag value would unpin it) or a reference without a tag.
 */
export function splitImageTag(image: string): { repository: string; tag: string } | undefined {
  if (image.includes('@')) {
    return undefined;
  }
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) {
    return undefined;
  }
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}
