import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdDeliveryPlan, planArgoCdDelivery, renderApplicationSetSpec, renderProjectSpec } from './argo-cd-plan';
import { declareDeliveryApplyMethod } from './delivery-apply-method';
import { GitOpsPackaging } from './gitops-packaging';
import { GitOpsSourceOptions } from './gitops-source-options';
import { inventoryOf } from './internal';
import { ARGO_CD_DELIVERY_PROPS } from './props-specs';
import { impersonationGrant, reconcilerManifests } from './reconciler-rbac';
import { ApplyMethod } from '../core/apply-method';
import { fail } from '../core/validate';
import { checkConstruct, checkIdentityOnly } from '../flows/chart-checks';

/**
 * Properties of an {@link ArgoCdDelivery}.
 */
export interface ArgoCdDeliveryProps extends GitOpsSourceOptions {
  /**
   * The API server URL of each cluster (`https://...`), by cluster name. Give one for every
   * delivered cluster or none.
   *
   * @default - clusters are addressed by name: each must be registered in Argo CD under its fleet name
   */
  readonly clusterServers?: { [cluster: string]: string };

  /**
   * Whether each cluster's folder holds plain manifests or a Helm chart.
   *
   * @default GitOpsPackaging.MANIFESTS
   */
  readonly packaging?: GitOpsPackaging;

  /**
   * With plain manifests, the files of the folder to apply (Argo CD `directory.include` glob);
   * the default leaves out `kind-config.yaml` and sub-folders.
   *
   * @default '*.k8s.yaml'
   */
  readonly include?: string;

  /**
   * The namespace Argo CD runs in (where the ApplicationSet and AppProject go).
   *
   * @default 'argocd'
   */
  readonly namespace?: string;

  /**
   * The namespace namespaced objects without one go to (the Applications' destination namespace).
   *
   * @default 'default'
   */
  readonly defaultNamespace?: string;

  /**
   * Revert changes made in the cluster outside Git (self-heal).
   *
   * @default true
   */
  readonly selfHeal?: boolean;

  /**
   * Use server-side apply (`ServerSideApply=true`). The delivered clusters' charts are declared
   * accordingly (`ChartApplyMethod`): server-side, so synthesis lets through objects up to 1.5 MiB;
   * with `false`, client-side, so synthesis refuses an object whose
   * `last-applied-configuration` copy Argo CD's `kubectl apply` could not store (a chart the
   * program declared `ApplyMethod.SERVER_SIDE` is then an error). A chart also delivered
   * server-side (e.g. by a {@link FluxDelivery}) stays client-side: its objects must fit both.
   *
   * @default true
   */
  readonly serverSideApply?: boolean;

  /**
   * GPG key IDs (hex, as in Argo CD's keyring) one of which must have signed the commit Argo CD
   * syncs: the AppProject gets a `sourceIntegrity` git policy for the repository (`gpg.mode:
   * head`, Argo CD 3.5+; import the keys into Argo CD's GnuPG keyring).
   *
   * @default - no verification: whoever can push to the repository controls the clusters
   */
  readonly signatureKeys?: string[];

  /**
   * Sync as this ServiceAccount instead of the application controller (Argo CD "application sync
   * using impersonation", 2.13+): the AppProject maps each delivered cluster's destination to
   * `<namespace>:<serviceAccountName>` (`destinationServiceAccounts`), and
   * {@link ArgoCdDelivery.reconcilerManifests} gives, per cluster, the account and a role that can
   * manage exactly what the cluster's output contains. Enable the feature in `argocd-cm`
   * (`application.sync.impersonation.enabled: "true"`; without it Argo CD ignores the mapping and
   * syncs as the controller) and apply each cluster's reconciler manifests to that cluster
   * before the first sync. Needs `serverSideApply` (a client-side apply creates objects by a
   * request without a name, which a role limited by name cannot allow).
   *
   * @default - none: syncs run as the application controller (cluster-admin in a default install)
   */
  readonly serviceAccountName?: string;

  /**
   * With `serviceAccountName`: the ServiceAccount Argo CD authenticates as on the delivered
   * clusters, `<namespace>:<name>`, which sends the impersonation headers and so needs the
   * `impersonate` grant that {@link ArgoCdDelivery.reconcilerManifests} includes (unless it is
   * cluster-admin). On the cluster Argo CD runs in, the application controller's own account; a
   * cluster registered with `argocd cluster add` is reached as `kube-system:argocd-manager`. Never
   * the impersonated account itself (`<namespace>:<serviceAccountName>`): it would hold the
   * deploying role, and impersonation would limit nothing.
   *
   * @default - `<namespace>:argocd-application-controller` (the application controller in Argo CD's namespace)
   */
  readonly controllerServiceAccount?: string;

  /**
   * With `serviceAccountName`: the ServiceAccount `argocd-server` authenticates as on the
   * delivered clusters, `<namespace>:<name>`. Since Argo CD 3.5 the API server impersonates the
   * destination's account too, for what it does there on a user's behalf (deleting or patching a
   * live resource, logs, resource actions: argoproj/argo-cd#26898), so it gets the same
   * `impersonate` grant as the controller in {@link ArgoCdDelivery.reconcilerManifests}; without
   * it those operations are forbidden. Earlier versions do not impersonate and do not use it.
   *
   * @default - `<namespace>:argocd-server` (Argo CD's own cluster, where each component uses its own account); with `controllerServiceAccount`, that account (a cluster reached through a cluster secret: both components use its credentials)
   */
  readonly serverServiceAccount?: string;
}

const ANNOTATION_WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * Argo CD delivery of a fleet: an `ApplicationSet` whose list generator has one element per
 * cluster (its folder or Helm chart, its destination by name or server) and an `AppProject`
 * limited to the repository, the clusters and namespaces the output uses, the cluster-scoped
 * objects it contains by group, kind and name (a commit to the repository can change those, never
 * add a ClusterRoleBinding, a ClusterRole or a CRD of its own), and the namespaced kinds it
 * contains (computed from the clusters' charts at synth).
 *
 * Its destinations include the mesh's root namespace (`istio-system`) when the output has objects
 * there (the mesh-wide PeerAuthentication, the east-west Gateway) and the Application's default
 * namespace (`default`, Argo CD requires the Application's own destination to be allowed); a
 * workload kind the output uses (a Deployment) is then allowed there too. Deliver the mesh's
 * objects from a separate project if the repository must not reach the namespace of the mesh CA.
 *
 * Sync defaults: automated with prune and self-heal, server-side apply (the delivered charts are
 * declared `ApplyMethod.SERVER_SIDE`, see `serverSideApply`), prune last, fail on
 * shared resources, retry with backoff, resources kept when the ApplicationSet is deleted (a
 * removed default-deny would open the cluster). Ordering inside a cluster comes from sync waves:
 * call {@link SyncWaves.apply} on each cluster chart.
 *
 * Put it in a chart of its own (applied to the Argo CD cluster), not in a cluster chart.
 */
export class ArgoCdDelivery extends Construct {
  /**
   * The ApplicationSet.
   */
  public readonly applicationSet: ApiObject;

  /**
   * The AppProject.
   */
  public readonly project: ApiObject;

  /**
   * The repository path of each delivered cluster, in fleet order.
   */
  public readonly paths: string[];

  private readonly plan: ArgoCdDeliveryPlan;

  constructor(scope: Construct, id: string, props: ArgoCdDeliveryProps) {
    super(scope, id);
    checkConstruct(this, 'ArgoCdDeliveryProps', props, ARGO_CD_DELIVERY_PROPS);
    const plan = planArgoCdDelivery(this, props);
    this.plan = plan;
    this.paths = plan.paths;
    this.applicationSet = new ApiObject(this, 'application-set', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: plan.name, namespace: plan.namespace },
      spec: renderApplicationSetSpec(plan),
    });
    // The project must exist before the ApplicationSet's Applications reference it.
    this.applicationSet.metadata.addAnnotation(ANNOTATION_WAVE, '0');
    this.project = new ApiObject(this, 'project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: plan.name, namespace: plan.namespace, annotations: { [ANNOTATION_WAVE]: '-1' } },
      // one Lazy for the lists: the inventory synthesizes every cluster chart, once per rendering
      spec: Lazy.any({
        produce: () => renderProjectSpec(plan, plan.clusters.map((c) => inventoryOf(c.chart.toJson(), plan.defaultNamespace))),
      }),
    });
    checkIdentityOnly(this.project);
    declareDeliveryApplyMethod(this, plan.clusters, plan.serverSideApply ? ApplyMethod.SERVER_SIDE : ApplyMethod.CLIENT_SIDE, {
      name: 'serverSideApply', value: plan.serverSideApply, fix: 'true (the default: the Applications sync with ServerSideApply=true)',
    });
  }

  /**
   * The least-privilege identity Argo CD impersonates to sync one cluster (with
   * `serviceAccountName`), as manifests to apply to that cluster before its first sync (the
   * identity cannot grant itself its rights, so it is not part of the delivered output): the
   * Namespace `namespace` and the ServiceAccount in it, a ClusterRole over exactly the
   * cluster-scoped objects of the cluster's output by name, and in each namespace the output
   * manages a Role over exactly the kinds it holds there, with the verbs of server-side apply,
   * health and diff (get, list, watch) and pruning (get, list, watch, create, update, patch,
   * delete; `escalate`/`bind` only on the output's own roles), and the output's Namespaces (a
   * RoleBinding needs its namespace); then the grant that lets Argo CD's own identity on the
   * cluster (`controllerServiceAccount`, and `serverServiceAccount`: Argo CD 3.5's API server
   * impersonates it as well) impersonate that account and no other: a Role in `namespace` with
   * verb `impersonate` on `serviceaccounts` named `serviceAccountName`, and its RoleBinding.
   * Empty without `serviceAccountName`. Synthesizes the cluster's chart.
   *
   * @param cluster name of a delivered cluster
   */
  public reconcilerManifests(cluster: string): any[] {
    const plan = this.plan;
    const i = plan.clusters.findIndex((c) => c.name === cluster);
    if (i < 0) fail(this.node.path, 'cluster', cluster, `the name of a delivered cluster: ${plan.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`);
    if (plan.serviceAccountName === undefined || plan.controller === undefined || plan.server === undefined) return [];
    const labels = { 'app.kubernetes.io/part-of': plan.name, 'app.kubernetes.io/managed-by': 'cdk8s-zero-trust' };
    return [
      ...reconcilerManifests(plan.clusters[i].chart.toJson(), plan.defaultNamespace, {
        serviceAccountName: plan.serviceAccountName,
        namespace: plan.namespace,
        roleName: `${plan.name}-reconciler`,
        withNamespace: true,
        labels,
      }),
      // the controller and the API server may impersonate exactly the accounts destinationServiceAccounts names
      ...impersonationGrant([{ namespace: plan.namespace, name: plan.serviceAccountName }], [plan.controller, plan.server], `${plan.name}-impersonate`, labels),
    ];
  }
}
