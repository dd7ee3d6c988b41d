/**
 * Internal helpers of the mesh folder (not exported from the package index): Istio object shapes,
 * value checks shared by the constructs.
 */
import * as kplus from 'cdk8s-plus-27';
import { Names } from '../core/names';
import { fail, HTTP_METHODS, validateHttpMethod, validateHttpPath } from '../core/validate';

/** The Istio label that names the network of a namespace, a pod or a gateway. */
export const NETWORK_LABEL = 'topology.istio.io/network';

/** Throws unless every method is an uppercase HTTP method; returns them sorted and unique. */
export function checkMethods(path: string, field: string, methods: string[] | undefined): string[] | undefined {
  if (methods === undefined) {
    return undefined;
  }
  if (!Array.isArray(methods) || methods.length === 0) {
    fail(path, field, methods, `a non-empty list of HTTP methods (${HTTP_METHODS.join(', ')}), or no field for any method`);
  }
  methods.forEach((m, i) => validateHttpMethod(path, `${field}[${i}]`, m));
  return Array.from(new Set(methods)).sort();
}

/** Throws unless every path is an HTTP path (core `isHttpPath`); returns them sorted and unique. */
export function checkPaths(path: string, field: string, paths: string[] | undefined): string[] | undefined {
  if (paths === undefined) {
    return undefined;
  }
  if (!Array.isArray(paths) || paths.length === 0) {
    fail(path, field, paths, 'a non-empty list of paths, or no field for any path');
  }
  paths.forEach((p, i) => validateHttpPath(path, `${field}[${i}]`, p));
  return Array.from(new Set(paths)).sort();
}

/** Throws unless `td` is a trust domain (a lowercase DNS name, e.g. `cluster.local`). */
export function checkTrustDomain(path: string, field: string, td: string): void {
  if (!Names.isDns1123Subdomain(td)) {
    fail(path, field, td, 'a trust domain: a lowercase DNS-1123 subdomain such as cluster.local');
  }
}

/** Trust domain and aliases, checked, de-duplicated, the domain first and the aliases sorted. */
export function trustDomains(path: string, trustDomain: string, aliases: string[] | undefined): string[] {
  checkTrustDomain(path, 'trustDomain', trustDomain);
  if (aliases !== undefined && !Array.isArray(aliases)) {
    fail(path, 'trustDomainAliases', aliases, 'a list of trust domains');
  }
  (aliases ?? []).forEach((a, i) => checkTrustDomain(path, `trustDomainAliases[${i}]`, a));
  return [trustDomain, ...Array.from(new Set(aliases ?? [])).filter((a) => a !== trustDomain).sort()];
}

/** Labels sorted by key. */
export function sortedLabels(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(labels).sort()) {
    out[k] = labels[k];
  }
  return out;
}

/** The Istio `source` of an AuthorizationPolicy rule. */
export interface RenderedSource {
  readonly principals?: string[];
  readonly namespaces?: string[];
  readonly ipBlocks?: string[];
  readonly notIpBlocks?: string[];
}

/** The Istio `operation` of an AuthorizationPolicy rule. */
export interface RenderedOperation {
  readonly ports?: string[];
  readonly methods?: string[];
  readonly paths?: string[];
  readonly notPaths?: string[];
}

/** One AuthorizationPolicy rule. */
export interface RenderedRule {
  readonly from?: Array<{ source: RenderedSource }>;
  readonly to?: Array<{ operation: RenderedOperation }>;
}

/** The modes PeerAuthentication accepts. */
export const MTLS_MODES = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];

/** Selector labels of a cdk8s-plus workload or pod. */
export function selectorOf(w: kplus.AbstractPod): { [key: string]: string } {
  if (!(w instanceof kplus.AbstractPod)) {
    fail('MeshAuthorization', 'workload', String(w), 'a cdk8s-plus workload or pod (kplus.AbstractPod)');
  }
  if (w instanceof kplus.Workload) {
    if (w.matchExpressions.length > 0) {
      fail(w.node.path, 'matchExpressions', w.matchExpressions.map((e) => e.key),
        'a workload selected by labels only (AuthorizationPolicy selectors are matchLabels)');
    }
    const labels = w.matchLabels;
    if (Object.keys(labels).length === 0) {
      fail(w.node.path, 'matchLabels', labels, 'a workload with at least one selector label');
    }
    return sortedLabels(labels);
  }
  const address = w.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL);
  if (address === undefined) {
    fail(w.node.path, `podMetadata.labels["${kplus.Pod.ADDRESS_LABEL}"]`, undefined, 'a pod with its cdk8s address label');
  }
  return { [kplus.Pod.ADDRESS_LABEL]: address };
}
