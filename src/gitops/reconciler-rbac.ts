/**
 * The least-privilege identity a GitOps engine impersonates to apply one cluster's output (not
 * exported from the package index): a ServiceAccount, a ClusterRole limited by name to the
 * cluster-scoped objects of the output, and per namespace the output manages a Role over exactly
 * the kinds it holds there. Derived from the output itself, so a commit to the repository that
 * adds a kind or a cluster-scoped object (a ClusterRoleBinding to cluster-admin, a CRD) is refused
 * by the API server instead of applied.
 */
import { DeliveryOrder } from './delivery-order';

/**
 * The verbs of server-side apply (get, create or patch, update), drift detection and health
 * checks (list, watch) and pruning (delete): what Flux's kustomize-controller and Argo CD's
 * application controller use. No wildcard.
 */
export const RECONCILER_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** One RBAC PolicyRule. */
export interface RbacRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly resourceNames?: string[];
  readonly verbs: string[];
}

/** The rules one cluster's output needs: cluster-wide (by name) and per namespace. */
export interface ReconcilerRules {
  readonly cluster: RbacRule[];
  /** By namespace, sorted. */
  readonly namespaced: Map<string, RbacRule[]>;
}

/** What the identity is called and where it lives. */
export interface ReconcilerIdentity {
  /** ServiceAccount name. */
  readonly serviceAccountName: string;
  /** ServiceAccount namespace. */
  readonly namespace: string;
  /** Name of the ClusterRole, Roles and bindings. */
  readonly roleName: string;
  /** Emit the ServiceAccount's Namespace too (it may not exist in a remote cluster). */
  readonly withNamespace: boolean;
  readonly labels: { [key: string]: string };
}

const IRREGULAR_PLURALS: { [kind: string]: string } = { Endpoints: 'endpoints' };

/** The API resource of a kind: a CRD's declared plural, else Kubernetes' plural rule. */
export function resourceOf(kind: string, crdPlurals: Map<string, string>, group: string): string {
  const crd = crdPlurals.get(`${group}/${kind}`);
  if (crd !== undefined) return crd;
  // own keys only: a kind named `constructor` or `toString` is not a plural of Object.prototype's
  if (Object.prototype.hasOwnProperty.call(IRREGULAR_PLURALS, kind)) return IRREGULAR_PLURALS[kind];
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

type Names = Map<string, Set<string>>; // `${group}\0${resource}` -> names

function add(m: Names, key: string, name: string): void {
  const s = m.get(key) ?? new Set<string>();
  s.add(name);
  m.set(key, s);
}

const sorted = (it: Iterable<string>): string[] => [...it].sort();
const RBAC = 'rbac.authorization.k8s.io';

/**
 * The rules that let an identity apply and prune exactly `objs` (one cluster's output): per
 * namespace one rule per API group over the resources the namespace holds; cluster-wide one rule
 * per resource, limited to the objects' names. Roles and ClusterRoles in the output add
 * `escalate` on their own names (the API server refuses to create a role granting more than its
 * creator holds otherwise), bindings add `bind` on the roles they reference.
 */
export function reconcilerRules(objs: any[], defaultNamespace: string): ReconcilerRules {
  const crdCluster = new Set<string>();
  const crdPlurals = new Map<string, string>();
  for (const o of objs) {
    if (o?.kind !== 'CustomResourceDefinition') continue;
    const key = `${o.spec?.group}/${o.spec?.names?.kind}`;
    if (o.spec?.scope === 'Cluster') crdCluster.add(key);
    if (typeof o.spec?.names?.plural === 'string') crdPlurals.set(key, o.spec.names.plural);
  }
  const cluster: Names = new Map();
  const extra: Names = new Map(); // `${verb}\0${namespace or ''}` -> clusterroles/roles names, as `${resource}\0${name}`
  const namespaced = new Map<string, Names>();
  for (const o of objs) {
    const group = DeliveryOrder.groupOf(String(o.apiVersion));
    const kind = String(o.kind);
    const resource = resourceOf(kind, crdPlurals, group);
    const name = String(o.metadata?.name);
    const isCluster = DeliveryOrder.isClusterScoped(o.apiVersion, kind) || crdCluster.has(`${group}/${kind}`);
    const ns = isCluster ? '' : String(o.metadata?.namespace ?? defaultNamespace);
    if (isCluster) {
      add(cluster, `${group}\0${resource}`, name);
    } else {
      const m = namespaced.get(ns) ?? new Map<string, Set<string>>();
      add(m, group, resource);
      namespaced.set(ns, m);
    }
    if (group === RBAC && (kind === 'Role' || kind === 'ClusterRole')) add(extra, `escalate\0${ns}`, `${resource}\0${name}`);
    if (group === RBAC && (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && o.roleRef?.name !== undefined) {
      add(extra, `bind\0${ns}`, `${o.roleRef.kind === 'ClusterRole' ? 'clusterroles' : 'roles'}\0${o.roleRef.name}`);
    }
  }
  const clusterRules: RbacRule[] = sorted(cluster.keys()).map((k) => {
    const [group, resource] = k.split('\0');
    return { apiGroups: [group], resources: [resource], resourceNames: sorted(cluster.get(k)!), verbs: [...RECONCILER_VERBS] };
  });
  const nsRules = new Map<string, RbacRule[]>();
  for (const ns of sorted(namespaced.keys())) {
    const m = namespaced.get(ns)!;
    nsRules.set(ns, sorted(m.keys()).map((g) => ({ apiGroups: [g], resources: sorted(m.get(g)!), verbs: [...RECONCILER_VERBS] })));
  }
  for (const k of sorted(extra.keys())) {
    const [verb, ns] = k.split('\0');
    const byResource = new Map<string, string[]>();
    for (const e of sorted(extra.get(k)!)) {
      const [resource, name] = e.split('\0');
      byResource.set(resource, [...(byResource.get(resource) ?? []), name]);
    }
    const rules = [...byResource.entries()].map(([resource, names]) => ({
      apiGroups: [RBAC], resources: [resource], resourceNames: names, verbs: [verb],
    }));
    if (ns === '') clusterRules.push(...rules); else nsRules.get(ns)!.push(...rules);
  }
  return { cluster: clusterRules, namespaced: nsRules };
}

/**
 * The objects to apply to the cluster before the first sync (out of band: the identity cannot
 * grant itself its rights): the ServiceAccount (and its Namespace if asked), the output's own
 * Namespace objects (a RoleBinding needs its namespace to exist), the ClusterRole and per managed
 * namespace a Role, each bound to the ServiceAccount.
 */
export function reconcilerManifests(objs: any[], defaultNamespace: string, id: ReconcilerIdentity): any[] {
  const rules = reconcilerRules(objs, defaultNamespace);
  const labels = { ...id.labels };
  const subjects = [{ kind: 'ServiceAccount', name: id.serviceAccountName, namespace: id.namespace }];
  const out: any[] = [];
  if (id.withNamespace) out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: id.namespace, labels } });
  out.push({
    apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: id.serviceAccountName, namespace: id.namespace, labels }, automountServiceAccountToken: false,
  });
  // the output's Namespaces, as the output writes them, so that the Roles below can be bound
  const managed = new Set(rules.namespaced.keys());
  for (const o of objs) {
    if (o?.apiVersion === 'v1' && o.kind === 'Namespace' && managed.has(o.metadata?.name) && o.metadata.name !== id.namespace) {
      out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.metadata.name, labels: { ...(o.metadata.labels ?? {}) } } });
    }
  }
  if (rules.cluster.length > 0) {
    out.push({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: id.roleName, labels }, rules: rules.cluster });
    out.push({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: id.roleName, labels },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: id.roleName },
      subjects,
    });
  }
  for (const [ns, nsRules] of rules.namespaced) {
    out.push({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: id.roleName, namespace: ns, labels }, rules: nsRules });
    out.push({
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: id.roleName, namespace: ns, labels },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: id.roleName },
      subjects,
    });
  }
  return out;
}

/** An impersonated ServiceAccount (namespace and name), as Kubernetes' impersonation names it. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The grant that lets the `impersonators` (the engine's own identities on the cluster) impersonate the
 * `targets` and nothing else: Kubernetes authorizes an `Impersonate-User:
 * system:serviceaccount:<ns>:<name>` request as verb `impersonate` on the core `serviceaccounts`
 * resource named `<name>` in namespace `<ns>` (the account's groups are then added without a
 * further check), so one Role per target namespace, limited by `resourceNames`, and its RoleBinding.
 * `alsoGet`: `get` on the same accounts (Flux reads the account before it garbage-collects).
 */
export function impersonationGrant(
  targets: ServiceAccountRef[], impersonators: ServiceAccountRef[], roleName: string, labels: { [key: string]: string }, alsoGet = false,
): any[] {
  const subjects = Array.from(new Map(impersonators.map((a) => [`${a.namespace}:${a.name}`, a])).values())
    .map((a) => ({ kind: 'ServiceAccount', name: a.name, namespace: a.namespace }));
  const byNs = new Map<string, Set<string>>();
  for (const t of targets) byNs.set(t.namespace, (byNs.get(t.namespace) ?? new Set<string>()).add(t.name));
  return sorted(byNs.keys()).flatMap((ns) => [
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name: roleName, namespace: ns, labels: { ...labels } },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: sorted(byNs.get(ns)!), verbs: alsoGet ? ['get', 'impersonate'] : ['impersonate'] }],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: roleName, namespace: ns, labels: { ...labels } },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: roleName },
      subjects: subjects.map((x) => ({ ...x })),
    },
  ]);
}
