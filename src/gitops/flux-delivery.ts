import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { declareDeliveryApplyMethod } from './delivery-apply-method';
import { FluxDeliveryPlan, planFluxDelivery } from './flux-delivery-plan';
import { FluxSourceKind, GitOpsPackaging } from './gitops-packaging';
import { GitOpsSourceOptions } from './gitops-source-options';
import { FLUX_DELIVERY_PROPS } from './props-specs';
import { impersonationGrant, reconcilerManifests } from './reconciler-rbac';
import { ApplyMethod } from '../core/apply-method';
import { toKubeName } from '../core/strings';
import { fail } from '../core/validate';
import { FleetCluster } from '../fleet';
import { checkConstruct } from '../flows/chart-checks';
import { Flows } from '../flows/flows';

/**
 * Properties of a {@link FluxDelivery}.
 */
export interface FluxDeliveryProps extends GitOpsSourceOptions {
  /**
   * The source kind.
   *
   * @default FluxSourceKind.GIT
   */
  readonly sourceKind?: FluxSourceKind;

  /**
   * Plain manifests (Kustomizations) or Helm charts (HelmReleases, Git source only). Either way
   * each cluster's folder has two halves, `policies/` and `apps/` ({@link PolicySplit}). A
   * HelmRelease has no prune switch (Helm deletes what a release no longer renders), so HELM
   * refuses `prune: false`, and gives the objects marked `kustomize.toolkit.fluxcd.io/prune:
   * disabled` (which helm-controller ignores) `helm.sh/resource-policy: keep`.
   *
   * @default GitOpsPackaging.MANIFESTS
   */
  readonly packaging?: GitOpsPackaging;

  /**
   * The Secret (in `namespace`) with the kubeconfig of each cluster, by cluster name (hub and
   * spoke: one Flux delivers to remote clusters). Give one for every delivered cluster or none.
   *
   * @default - none: the objects reconcile into the cluster they are applied to
   */
  readonly kubeConfigSecrets?: { [cluster: string]: string };

  /**
   * The namespace Flux runs in (where the source and the Kustomizations go).
   *
   * @default 'flux-system'
   */
  readonly namespace?: string;

  /**
   * How often sources are fetched and objects reconciled.
   *
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;

  /**
   * How long a reconciliation (apply and health checks) may take.
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;

  /**
   * Verify the source before anything is applied: the Secret (in `namespace`) with the trusted
   * public keys. A GitRepository checks the PGP signature of the commit it fetches
   * (`verify.mode: HEAD`); an OCIRepository checks the artifact's cosign signature.
   *
   * @default - no verification: whoever can push to the repository controls the clusters
   */
  readonly verifySecretName?: string;

  /**
   * The ServiceAccount (in `namespace`) the Kustomizations and HelmReleases impersonate
   * (`spec.serviceAccountName`), so that they can do only what its RBAC grants instead of
   * acting as the controller (cluster-admin): it can then manage exactly the kinds the output
   * contains, in the namespaces it manages, and the cluster-scoped objects it contains by name;
   * with `kubeConfigSecrets`, the account lives in the remote clusters.
   *
   * {@link FluxDelivery.reconcilerManifests} gives, per cluster, the account and that role.
   *
   * @default - none: the controller's own identity (cluster-admin in a default install)
   */
  readonly serviceAccountName?: string;

  /**
   * With `serviceAccountName`: the ServiceAccount the Flux controller runs as on the delivered
   * clusters, `<namespace>:<name>`. It sends the impersonation headers (`Impersonate-User:
   * system:serviceaccount:<namespace>:<serviceAccountName>`), so it needs the `impersonate` grant
   * that {@link FluxDelivery.reconcilerManifests} includes when it is not cluster-admin (Flux's
   * multi-tenancy lockdown). With `kubeConfigSecrets`, name the ServiceAccount the kubeconfig
   * authenticates as on the remote clusters (another identity: grant it yourself).
   *
   * @default - `<namespace>:kustomize-controller` (`<namespace>:helm-controller` with GitOpsPackaging.HELM)
   */
  readonly controllerServiceAccount?: string;
}

/**
 * Flux delivery of a fleet: one source (`GitRepository` or `OCIRepository`) and per cluster two
 * `Kustomization`s (or `HelmRelease`s): `<cluster>-policies` over `<path>/policies` (Namespaces,
 * CRDs, policies, guardrails) and `<cluster>-apps` over `<path>/apps`, which `dependsOn` the
 * first. Both `wait` for their objects to be ready, so no workload is applied before the
 * default-deny policies and guardrails are in place. Write the halves with
 * {@link PolicySplit.writeFleet}.
 *
 * Defaults: prune, `wait`, retry every minute, server-side apply (Flux always applies
 * server-side, CRDs and Namespaces first), Helm CRDs `CreateReplace`. The delivered clusters'
 * charts are declared `ApplyMethod.SERVER_SIDE` (`ChartApplyMethod`): kustomize-controller
 * applies server-side and Helm writes no `last-applied-configuration`, so synthesis lets through
 * objects up to 1.5 MiB (unless a client-side {@link ArgoCdDelivery} delivers the chart too).
 */
export class FluxDelivery extends Construct {
  /**
   * The source object.
   */
  public readonly source: ApiObject;

  /**
   * The policies Kustomization (or HelmRelease) of each delivered cluster, in fleet order.
   */
  public readonly policies: ApiObject[];

  /**
   * The apps Kustomization (or HelmRelease) of each delivered cluster, in fleet order.
   */
  public readonly apps: ApiObject[];

  /**
   * The repository folder of each delivered cluster (holding `policies/` and `apps/`), in fleet order.
   */
  public readonly paths: string[];

  private readonly plan: FluxDeliveryPlan;

  constructor(scope: Construct, id: string, props: FluxDeliveryProps) {
    super(scope, id);
    checkConstruct(this, 'FluxDeliveryProps', props, FLUX_DELIVERY_PROPS);
    const plan = planFluxDelivery(this, props);
    this.plan = plan;
    this.paths = plan.paths;
    this.source = this.renderSource(plan);
    this.policies = [];
    this.apps = [];
    plan.clusters.forEach((c, i) => {
      const policies = this.renderHalf(plan, c, this.paths[i], 'policies', undefined);
      this.policies.push(policies);
      this.apps.push(this.renderHalf(plan, c, this.paths[i], 'apps', policies.name));
    });
    // kustomize-controller applies server-side; Helm writes no last-applied-configuration
    declareDeliveryApplyMethod(this, plan.clusters, ApplyMethod.SERVER_SIDE);
    if (plan.packaging === GitOpsPackaging.HELM) {
      for (const c of plan.clusters) keepUnprunedInHelm(c.chart);
    }
  }

  /**
   * The least-privilege identity the Kustomizations (or HelmReleases) of one cluster impersonate,
   * as manifests to apply to that cluster before its first reconciliation (the identity cannot
   * grant itself its rights, so it is not part of the delivered output): the ServiceAccount
   * `serviceAccountName` in `namespace`, a ClusterRole over exactly the cluster-scoped objects of
   * the cluster's output by name, and in each namespace the output manages a Role over exactly the
   * kinds it holds there (with a HelmRelease, also Secrets in `namespace`: Helm's release
   * storage), with the verbs of server-side apply, health checks and pruning (get, list, watch,
   * create, update, patch, delete; `escalate`/`bind` only on the output's own roles), and the
   * output's Namespaces (a RoleBinding needs its namespace). A commit that adds a kind, a
   * namespace or a cluster-scoped object fails to apply instead of running as cluster-admin.
   * Then the grant that lets the Flux controller (`controllerServiceAccount`) impersonate that
   * account and no other: a Role in `namespace` with verb `impersonate` (and `get`, without
   * `kubeConfigSecrets`) on `serviceaccounts` named `serviceAccountName`, and its RoleBinding.
   * Empty without `serviceAccountName`. Synthesizes the cluster's chart.
   *
   * @param cluster name of a delivered cluster
   */
  public reconcilerManifests(cluster: string): any[] {
    const plan = this.plan;
    const i = plan.clusters.findIndex((c) => c.name === cluster);
    if (i < 0) fail(this.node.path, 'cluster', cluster, `the name of a delivered cluster: ${plan.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`);
    if (plan.serviceAccountName === undefined || plan.controller === undefined) return [];
    const objs = [...plan.clusters[i].chart.toJson()];
    if (plan.packaging === GitOpsPackaging.HELM) {
      // Helm keeps each release's state in Secrets in the HelmRelease's namespace
      objs.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'helm-release-storage', namespace: plan.namespace } });
    }
    const labels = { 'app.kubernetes.io/part-of': plan.name, 'app.kubernetes.io/managed-by': 'cdk8s-zero-trust' };
    const local = plan.kubeConfigSecrets === undefined;
    return [
      ...reconcilerManifests(objs, 'default', {
        serviceAccountName: plan.serviceAccountName,
        namespace: plan.namespace,
        roleName: `${plan.name}-reconciler`,
        withNamespace: !local,
        labels,
      }),
      // the controller may impersonate exactly that account (and, in its own cluster, read it:
      // Flux checks the account exists before it garbage-collects a deleted Kustomization)
      ...impersonationGrant([{ namespace: plan.namespace, name: plan.serviceAccountName }], [plan.controller], `${plan.name}-impersonate`, labels, local),
    ];
  }

  /** The GitRepository or OCIRepository, verified if asked. */
  private renderSource(plan: FluxDeliveryPlan): ApiObject {
    const verify = plan.verifySecretName === undefined ? {}
      : {
        verify: plan.sourceKind === FluxSourceKind.OCI
          ? { provider: 'cosign', secretRef: { name: plan.verifySecretName } }
          : { mode: 'HEAD', secretRef: { name: plan.verifySecretName } },
      };
    return new ApiObject(this, 'source', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: plan.sourceKind,
      metadata: { name: plan.name, namespace: plan.namespace },
      spec: { interval: plan.interval, url: plan.repoUrl, ref: sourceRef(plan), ...verify },
    });
  }

  /** One half of a cluster's folder: a Kustomization or a HelmRelease over `<path>/<half>`. */
  private renderHalf(plan: FluxDeliveryPlan, c: FleetCluster, folder: string, half: 'policies' | 'apps', dependsOn: string | undefined): ApiObject {
    // cluster names are DNS-1123 labels already: use them as they are (toKubeName would collapse
    // `a--b` into `a-b` and make two clusters share objects); hash only past Helm's 53 characters
    const objName = c.name.length + half.length + 1 <= 53 ? `${c.name}-${half}` : toKubeName([c.name, half], 53);
    const path = `./${folder}/${half}`;
    const sourceRefSpec = { kind: plan.sourceKind, name: plan.name };
    const deps = dependsOn ? { dependsOn: [{ name: dependsOn }] } : {};
    const impersonate = plan.serviceAccountName === undefined ? {} : { serviceAccountName: plan.serviceAccountName };
    const secrets = plan.kubeConfigSecrets;
    const kubeConfig = secrets ? { kubeConfig: { secretRef: { name: secrets[c.name] } } } : {};
    const metadata = { name: objName, namespace: plan.namespace };
    if (plan.packaging === GitOpsPackaging.MANIFESTS) {
      return new ApiObject(this, `${c.name}-${half}`, {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata,
        spec: {
          ...deps,
          interval: plan.interval,
          retryInterval: '1m',
          timeout: plan.timeout,
          path,
          prune: plan.prune,
          wait: true,
          force: false,
          sourceRef: sourceRefSpec,
          ...impersonate,
          ...kubeConfig,
        },
      });
    }
    const remediation = { retries: 3 };
    return new ApiObject(this, `${c.name}-${half}`, {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata,
      spec: {
        ...deps,
        interval: plan.interval,
        timeout: plan.timeout,
        releaseName: objName,
        chart: { spec: { chart: path, sourceRef: sourceRefSpec, reconcileStrategy: 'Revision' } },
        install: { crds: 'CreateReplace', remediation },
        upgrade: { crds: 'CreateReplace', remediation, cleanupOnFail: true },
        uninstall: { keepHistory: false },
        ...impersonate,
        ...kubeConfig,
      },
    });
  }
}

/** Flux's per-object prune switch (kustomize-controller only). */
const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
/** Helm's: an object with it is never deleted by an upgrade, a rollback or an uninstall. */
const HELM_KEEP = 'helm.sh/resource-policy';

/**
 * helm-controller ignores `kustomize.toolkit.fluxcd.io/prune: disabled` (Helm deletes what a
 * release no longer renders, and everything on uninstall): an object of the chart that says so
 * (the mesh's root Namespace, shared with istioctl) also gets `helm.sh/resource-policy: keep`, at
 * the end of the chart's render (late objects included).
 */
function keepUnprunedInHelm(chart: Chart): void {
  Flows.of(chart)._onRendered(() => {
    for (const o of chart.node.findAll()) {
      if (!ApiObject.isApiObject(o) || Chart.of(o) !== chart) continue;
      const annotations = o.metadata.toJson()?.annotations ?? {};
      if (annotations[FLUX_PRUNE] === 'disabled' && annotations[HELM_KEEP] === undefined) o.metadata.addAnnotation(HELM_KEEP, 'keep');
    }
  });
}

/** The source's `ref`: an OCI tag, a commit SHA, a full ref name, or a branch. */
function sourceRef(plan: FluxDeliveryPlan): { [key: string]: string } {
  if (plan.sourceKind === FluxSourceKind.OCI) return { tag: plan.revision };
  if (/^[0-9a-f]{40}$/.test(plan.revision)) return { commit: plan.revision };
  if (plan.revision.startsWith('refs/')) return { name: plan.revision };
  return { branch: plan.revision };
}
