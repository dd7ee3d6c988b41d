import { CLUSTER_SCOPED_SET, FOUNDATION_SET, groupOfApiVersion, kindKey, POLICY_SET } from './kinds';
import { checkArgs, t } from './props-check';

/**
 * Helm 3's install order (`InstallOrder` in helm/pkg/releaseutil/kind_sorter.go): kinds not
 * listed come after these.
 */
const HELM_INSTALL_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList',
  'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
  'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress',
  'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];
const HELM_INDEX = new Map(HELM_INSTALL_ORDER.map((k, i) => [k, i]));

/** `group/kind` of the CRDs among the objects, by scope. */
function crdScopes(objects: any[]): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const o of objects) {
    if (o?.kind === 'CustomResourceDefinition' && groupOfApiVersion(String(o.apiVersion)) === 'apiextensions.k8s.io') {
      scopes.set(kindKey(String(o.spec?.group), String(o.spec?.names?.kind)), String(o.spec?.scope));
    }
  }
  return scopes;
}

/**
 * The order in which one `kubectl apply -f` of a cluster's objects succeeds: Namespaces, then
 * CRDs, then the other cluster-scoped objects, then the namespaced ones, so that no object comes
 * before the Namespace it lives in or the CRD that defines its kind. Inside the cluster-scoped
 * and the namespaced objects, policies and guardrails (the gitops POLICY tier, sync wave -1)
 * come before the rest (wave 0), as Argo CD applies them; then Helm's install order by kind;
 * objects of the same kind keep their order.
 */
export class ApplyOrder {
  /**
   * The objects (manifests as JSON) in apply order; a new array, the objects are not copied.
   *
   * @param objects manifest objects, e.g. `chart.toJson()`
   */
  public static sort(objects: any[]): any[] {
    checkArgs('ApplyOrder.sort', ['objects', objects, t.required(t.arrayOf(t.any()))]);
    const scopes = crdScopes(objects);
    // one rank per (apiVersion, kind): objects of a chart share a few dozen
    const ranks = new Map<unknown, Map<unknown, number>>();
    const rankOf = (o: any): number => {
      let byKind = ranks.get(o?.apiVersion);
      if (byKind === undefined) {
        byKind = new Map();
        ranks.set(o?.apiVersion, byKind);
      }
      let r = byKind.get(o?.kind);
      if (r === undefined) {
        r = ApplyOrder.rank(o, scopes);
        byKind.set(o?.kind, r);
      }
      return r;
    };
    const ranked = objects.map((o, i) => ({ o, i, r: rankOf(o) }));
    ranked.sort((a, b) => (a.r !== b.r ? a.r - b.r : a.i - b.i));
    return ranked.map((x) => x.o);
  }

  /**
   * What makes a first `kubectl apply -f` of the objects, in this order, fail: each object that
   * comes before (or without) the Namespace it lives in, or before the CRD of its kind, when that
   * Namespace or CRD is among the objects. Empty when the order is right.
   *
   * @param objects manifest objects in file order
   */
  public static problems(objects: any[]): string[] {
    checkArgs('ApplyOrder.problems', ['objects', objects, t.required(t.arrayOf(t.any()))]);
    const namespaces = new Map<string, number>();
    const crds = new Map<string, number>();
    objects.forEach((o, i) => {
      if (o?.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.set(String(o.metadata?.name), i);
      if (o?.kind === 'CustomResourceDefinition') crds.set(kindKey(String(o.spec?.group), String(o.spec?.names?.kind)), i);
    });
    const out: string[] = [];
    objects.forEach((o, i) => {
      const id = `${o?.kind} ${o?.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o?.metadata?.name}`;
      const k = kindKey(groupOfApiVersion(String(o?.apiVersion)), String(o?.kind));
      const ns = o?.metadata?.namespace;
      if (ns !== undefined && namespaces.has(ns) && namespaces.get(ns)! > i) {
        out.push(`${id} (object ${i}) comes before its Namespace ${ns} (object ${namespaces.get(ns)})`);
      }
      if (crds.has(k) && crds.get(k)! > i) {
        out.push(`${id} (object ${i}) comes before the CustomResourceDefinition of its kind (object ${crds.get(k)})`);
      }
    });
    return out;
  }

  /**
   * Scope group, then tier, then Helm kind index, as one number (scope group x 1000 + tier x 100
   * + Helm index: the index is under 100): lower is applied first. Depends on the object's
   * apiVersion and kind only.
   */
  private static rank(o: any, crds: Map<string, string>): number {
    const kind = String(o?.kind);
    const k = kindKey(groupOfApiVersion(String(o?.apiVersion)), kind);
    const helm = HELM_INDEX.get(kind) ?? HELM_INSTALL_ORDER.length;
    if (FOUNDATION_SET.has(k)) return (kind === 'Namespace' ? 0 : 1) * 1000 + helm;
    const tier = POLICY_SET.has(k) ? 0 : 1;
    const clusterScoped = CLUSTER_SCOPED_SET.has(k) || crds.get(k) === 'Cluster';
    return (clusterScoped ? 2 : 3) * 1000 + tier * 100 + helm;
  }

  private constructor() {}
}
