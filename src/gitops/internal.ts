/**
 * Internal helpers of the gitops folder (not exported from the package index).
 */
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Names } from '../core/names';
import { DNS1123_LABEL_EXPECTED, fail, validateDns1123Label } from '../core/validate';
import { Fleet, FleetCluster } from '../fleet';
import { DeliveryOrder } from './delivery-order';

/** The placeholder a path template uses for the cluster name. */
export const CLUSTER_PLACEHOLDER = '{cluster}';

/** Options every delivery flavour has (validated). */
export interface ResolvedSource {
  readonly clusters: FleetCluster[];
  readonly paths: string[];
}

/** The clusters selected by `names` (default all), validated, in fleet order. */
export function selectClusters(path: string, fleet: Fleet, names: string[] | undefined): FleetCluster[] {
  if (!(fleet instanceof Fleet)) fail(path, 'fleet', fleet === undefined ? undefined : String(fleet), 'a Fleet');
  if (names === undefined) return fleet.clusters;
  if (!Array.isArray(names) || names.length === 0) fail(path, 'clusters', names, 'a non-empty list of cluster names of the fleet');
  const seen = new Set<string>();
  names.forEach((n, i) => {
    fleet.cluster(n, `clusters[${i}]`);
    if (seen.has(n)) fail(path, `clusters[${i}]`, n, 'a cluster name not listed before');
    seen.add(n);
  });
  return fleet.clusters.filter((c) => seen.has(c.name));
}

/**
 * The repository path of each cluster from a template with `{cluster}`: relative, '/'-separated,
 * no '.' or '..' segments, no leading or trailing '/'.
 */
export function clusterPaths(path: string, template: string, clusters: FleetCluster[]): string[] {
  const expected = `a relative path in the repository with "${CLUSTER_PLACEHOLDER}" for the cluster name, e.g. "clusters/${CLUSTER_PLACEHOLDER}" (segments of letters, digits, '.', '_' or '-'; no '.' or '..' segment, no leading or trailing '/')`;
  if (typeof template !== 'string' || template === '') fail(path, 'pathTemplate', template, expected);
  const probe = template.split(CLUSTER_PLACEHOLDER).join('x');
  const segments = probe.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || !/^[A-Za-z0-9._-]+$/.test(s))) {
    fail(path, 'pathTemplate', template, expected);
  }
  if (clusters.length > 1 && !template.includes(CLUSTER_PLACEHOLDER)) {
    fail(path, 'pathTemplate', template, `a template containing "${CLUSTER_PLACEHOLDER}": with ${clusters.length} clusters, each needs its own folder`);
  }
  return clusters.map((c) => template.split(CLUSTER_PLACEHOLDER).join(c.name));
}

/** Throws unless `url` is a repository URL with one of the schemes (or scp-like `git@host:path` if allowed). */
export function validateRepoUrl(path: string, url: string, schemes: string[], allowScp: boolean): void {
  const expected = `a repository URL starting with ${schemes.map((s) => `${s}://`).join(', ')}${allowScp ? ' or git@host:path' : ''}, without whitespace`;
  if (typeof url !== 'string' || /\s/.test(url)) fail(path, 'repoUrl', url, expected);
  const m = /^([a-z][a-z0-9+.-]*):\/\/[^/]+/.exec(url);
  const ok = (m !== null && schemes.includes(m[1])) || (allowScp && /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(url));
  if (!ok) fail(path, 'repoUrl', url, expected);
  // credentials in the URL end up in the AppProject/GitRepository, readable by anyone who can read them
  const user = /^([a-z][a-z0-9+.-]*):\/\/([^/@]*)@/.exec(url);
  if (user !== null && (user[2].includes(':') || user[1] !== 'ssh')) {
    fail(path, 'repoUrl', url.replace(/\/\/[^/@]*@/, '//***@'),
      'a repository URL without credentials (only ssh:// may name a user, never a password): put them in a Secret (Argo CD repository Secret, Flux secretRef)');
  }
}

/** Throws unless `rev` is a non-empty revision without whitespace. */
export function validateRevision(path: string, rev: string): void {
  if (typeof rev !== 'string' || rev === '' || /\s/.test(rev) || rev.length > 250) {
    fail(path, 'revision', rev, 'a branch, tag or commit: non-empty, at most 250 characters, without whitespace');
  }
}

/** Validates a Kubernetes object name field (DNS-1123 label). */
export function validateName(path: string, field: string, value: string): void {
  validateDns1123Label(path, field, value);
}

/** Flux duration (`1m`, `30s`) from a cdk8s Duration of at least one second. */
export function fluxDuration(path: string, field: string, d: Duration): string {
  const ms = d instanceof Duration ? d.toMilliseconds() : NaN;
  if (!(ms >= 1000) || ms % 1000 !== 0) fail(path, field, ms, 'a Duration of a whole number of seconds, at least 1 second');
  const s = ms / 1000;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** Throws if the construct lives inside one of the fleet's cluster charts. */
export function validateOutsideClusters(scope: Construct, fleet: Fleet): void {
  const charts = new Set<Chart>(fleet.clusters.map((c) => c.chart));
  for (const s of [scope, ...scope.node.scopes]) {
    if (charts.has(s as Chart)) {
      fail(scope.node.path, 'scope', s.node.path,
        'a chart outside the fleet\'s cluster charts (e.g. `new Chart(app, \'gitops\')`): the delivery objects read the clusters\' output and go to the GitOps engine');
    }
  }
}

/** A (group, kind) pair. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** A cluster-scoped object: group, kind and name. */
export interface GroupKindName extends GroupKind {
  readonly name: string;
}

/** What one cluster's output contains, for an AppProject. */
export interface ClusterInventory {
  /** Namespaces that namespaced objects go to (sorted, with the default namespace). */
  readonly namespaces: string[];
  /** Cluster-scoped kinds (sorted by group then kind). */
  readonly clusterKinds: GroupKind[];
  /** Cluster-scoped objects by name (sorted by group, kind, name): what an AppProject whitelists. */
  readonly clusterObjects: GroupKindName[];
  /** Namespaced kinds (sorted by group then kind). */
  readonly namespacedKinds: GroupKind[];
}

function sortKinds(m: Map<string, GroupKind>): GroupKind[] {
  return [...m.values()].sort((a, b) => (a.group === b.group ? (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) : a.group < b.group ? -1 : 1));
}

/**
 * The namespaces and kinds of a list of manifest objects. An object is cluster-scoped if its kind
 * is known to be (DeliveryOrder.isClusterScoped) or a CRD among the objects says so; otherwise
 * it is namespaced, in its namespace or `defaultNamespace`.
 */
export function inventoryOf(objs: any[], defaultNamespace: string): ClusterInventory {
  const crdCluster = new Set<string>();
  for (const o of objs) {
    if (o?.kind === 'CustomResourceDefinition' && o.spec?.scope === 'Cluster') {
      crdCluster.add(`${o.spec.group}/${o.spec.names?.kind}`);
    }
  }
  const namespaces = new Set<string>([defaultNamespace]);
  const cluster = new Map<string, GroupKind>();
  const clusterObjects = new Map<string, GroupKindName>();
  const namespaced = new Map<string, GroupKind>();
  for (const o of objs) {
    const group = DeliveryOrder.groupOf(String(o.apiVersion));
    const kind = String(o.kind);
    const k = `${group}/${kind}`;
    if (DeliveryOrder.isClusterScoped(o.apiVersion, kind) || crdCluster.has(k)) {
      cluster.set(k, { group, kind });
      const name = String(o.metadata?.name);
      clusterObjects.set(`${k}/${name}`, { group, kind, name });
    } else {
      namespaced.set(k, { group, kind });
      namespaces.add(o.metadata?.namespace ?? defaultNamespace);
    }
  }
  return {
    namespaces: [...namespaces].sort(),
    clusterKinds: sortKinds(cluster),
    clusterObjects: sortNamed(clusterObjects.values()),
    namespacedKinds: sortKinds(namespaced),
  };
}

/** Group, kind and name entries without duplicates, sorted by group, kind, then name. */
export function sortNamed(entries: Iterable<GroupKindName>): GroupKindName[] {
  const m = new Map<string, GroupKindName>();
  for (const e of entries) m.set(`${e.group}\0${e.kind}\0${e.name}`, { group: e.group, kind: e.kind, name: e.name });
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/** The validated manifests of a cluster chart (runs the chart's validations first). */
export function manifestsOf(chart: Chart): any[] {
  const errors = chart.node.findAll().flatMap((n) => n.node.validate().map((e) => `${n.node.path}: ${e}`));
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
  return chart.toJson();
}

/**
 * A delivery's `controllerServiceAccount` (or another impersonating account, `field`:
 * `<namespace>:<name>`), only with `serviceAccountName` (impersonated in `namespace`); `fallback`
 * when not given. Never the impersonated account itself: it would hold the deploying role, and
 * impersonation would limit nothing.
 */
export function planControllerAccount(
  p: string, value: string | undefined, serviceAccountName: string | undefined, fallback: { namespace: string; name: string },
  namespace: string, field: string = 'controllerServiceAccount',
): { namespace: string; name: string } | undefined {
  if (serviceAccountName === undefined) {
    if (value !== undefined) fail(p, field, value, `no ${field} without serviceAccountName (nothing is impersonated)`);
    return undefined;
  }
  const account = value === undefined ? fallback : parseAccount(p, value, fallback, field);
  if (account.namespace === namespace && account.name === serviceAccountName) {
    fail(p, value === undefined ? 'serviceAccountName' : field, value ?? serviceAccountName,
      `an impersonating account other than the impersonated ${namespace}:${serviceAccountName}${value === undefined ? ` (the ${field} default)` : ''}: `
      + 'an account that impersonates itself already holds the deploying role, so impersonation limits nothing; give the delivered objects\' '
      + 'account another name, or the controller\'s own account');
  }
  return account;
}

function parseAccount(p: string, value: string, fallback: { namespace: string; name: string }, field: string): { namespace: string; name: string } {
  const expected = `<namespace>:<name> of a ServiceAccount, e.g. ${fallback.namespace}:${fallback.name}`;
  const parts = typeof value === 'string' ? value.split(':') : [];
  if (parts.length !== 2) fail(p, field, value, expected);
  // the whole value in the error, and which half is wrong
  parts.forEach((part, i) => {
    if (!Names.isDns1123Label(part)) {
      const shown = part.length > 63 ? `${JSON.stringify(part.slice(0, 63))}... (${part.length} characters)` : JSON.stringify(part);
      fail(p, field, value, `${expected}: its ${i === 0 ? 'namespace' : 'name'} ${shown} is not ${DNS1123_LABEL_EXPECTED}`);
    }
  });
  return { namespace: parts[0], name: parts[1] };
}
