import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxSourceKind, GitOpsPackaging } from './gitops-packaging';
import { GitOpsSourceOptions } from './gitops-source-options';
import {
  clusterPaths, fluxDuration, selectClusters, validateName, validateOutsideClusters, validateRepoUrl, validateRevision,
} from './internal';
import { FLUX_DELIVERY_PROPS } from './props-specs';
import { toKubeName } from '../core/strings';
import { fail } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';

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
   * each cluster's folder has two halves, `policies/` and `apps/` ({@link PolicySplit}).
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
   * acting as the controller (cluster-admin). Give it a role that can manage exactly the kinds
   * the output contains; with `kubeConfigSecrets`, the account lives in the remote clusters.
   *
   * @default - none: the controller's own identity (cluster-admin in a default install)
   */
  readonly serviceAccountName?: string;
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
 * server-side, CRDs and Namespaces first), Helm CRDs `CreateReplace`.
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

  constructor(scope: Construct, id: string, props: FluxDeliveryProps) {
    super(scope, id);
    const p = this.node.path;
    checkConstruct(this, 'FluxDeliveryProps', props, FLUX_DELIVERY_PROPS);
    if (!props || typeof props !== 'object') fail(p, 'props', props, 'FluxDeliveryProps');
    const clusters = selectClusters(p, props.fleet, props.clusters);
    validateOutsideClusters(this, props.fleet);
    const sourceKind = props.sourceKind ?? FluxSourceKind.GIT;
    if (!Object.values(FluxSourceKind).includes(sourceKind)) fail(p, 'sourceKind', sourceKind, 'a FluxSourceKind');
    const packaging = props.packaging ?? GitOpsPackaging.MANIFESTS;
    if (!Object.values(GitOpsPackaging).includes(packaging)) fail(p, 'packaging', packaging, 'a GitOpsPackaging');
    if (packaging === GitOpsPackaging.HELM && sourceKind === FluxSourceKind.OCI) {
      fail(p, 'sourceKind', sourceKind, 'FluxSourceKind.GIT with GitOpsPackaging.HELM (a HelmRelease reads an OCIRepository only as one chart artifact)');
    }
    if (sourceKind === FluxSourceKind.GIT) {
      validateRepoUrl(p, props.repoUrl, ['https', 'http', 'ssh'], false);
    } else {
      validateRepoUrl(p, props.repoUrl, ['oci'], false);
    }
    const revision = props.revision ?? (sourceKind === FluxSourceKind.OCI ? 'latest' : 'main');
    validateRevision(p, revision);
    const name = props.name ?? 'fleet';
    validateName(p, 'name', name);
    const namespace = props.namespace ?? 'flux-system';
    validateName(p, 'namespace', namespace);
    const interval = fluxDuration(p, 'interval', props.interval ?? Duration.minutes(10));
    const timeout = fluxDuration(p, 'timeout', props.timeout ?? Duration.minutes(5));
    const secrets = props.kubeConfigSecrets;
    if (secrets !== undefined) {
      if (secrets === null || typeof secrets !== 'object' || Array.isArray(secrets)) fail(p, 'kubeConfigSecrets', secrets, 'a map of cluster name to Secret name');
      const names = new Set(clusters.map((c) => c.name));
      for (const k of Object.keys(secrets).sort()) {
        if (!names.has(k)) fail(p, 'kubeConfigSecrets key', k, `the name of a delivered cluster: ${[...names].map((n) => JSON.stringify(n)).join(', ')}`);
        validateName(p, `kubeConfigSecrets[${JSON.stringify(k)}]`, secrets[k]);
      }
      for (const c of clusters) {
        if (secrets[c.name] === undefined) fail(p, 'kubeConfigSecrets', secrets, `a Secret for every delivered cluster (or none), but "${c.name}" has none`);
      }
    }
    this.paths = clusterPaths(p, props.pathTemplate ?? 'clusters/{cluster}', clusters);
    const prune = props.prune ?? true;
    if (props.verifySecretName !== undefined) validateName(p, 'verifySecretName', props.verifySecretName);
    if (props.serviceAccountName !== undefined) validateName(p, 'serviceAccountName', props.serviceAccountName);
    const verify = props.verifySecretName === undefined ? {}
      : {
        verify: sourceKind === FluxSourceKind.OCI
          ? { provider: 'cosign', secretRef: { name: props.verifySecretName } }
          : { mode: 'HEAD', secretRef: { name: props.verifySecretName } },
      };
    const impersonate = props.serviceAccountName === undefined ? {} : { serviceAccountName: props.serviceAccountName };

    let ref: any;
    if (sourceKind === FluxSourceKind.OCI) {
      ref = { tag: revision };
    } else if (/^[0-9a-f]{40}$/.test(revision)) {
      ref = { commit: revision };
    } else if (revision.startsWith('refs/')) {
      ref = { name: revision };
    } else {
      ref = { branch: revision };
    }
    this.source = new ApiObject(this, 'source', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: sourceKind,
      metadata: { name, namespace },
      spec: { interval, url: props.repoUrl, ref, ...verify },
    });
    const sourceRef = { kind: sourceKind, name };

    this.policies = [];
    this.apps = [];
    clusters.forEach((c, i) => {
      const kubeConfig = secrets ? { kubeConfig: { secretRef: { name: secrets[c.name] } } } : {};
      // cluster names are DNS-1123 labels already: use them as they are (toKubeName would collapse
      // `a--b` into `a-b` and make two clusters share objects); hash only past Helm's 53 characters
      const objName = (half: string) => (c.name.length + half.length + 1 <= 53 ? `${c.name}-${half}` : toKubeName([c.name, half], 53));
      const make = (half: 'policies' | 'apps', dependsOn: string | undefined): ApiObject => {
        const path = `./${this.paths[i]}/${half}`;
        const deps = dependsOn ? { dependsOn: [{ name: dependsOn }] } : {};
        if (packaging === GitOpsPackaging.MANIFESTS) {
          return new ApiObject(this, `${c.name}-${half}`, {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: objName(half), namespace },
            spec: {
              ...deps,
              interval,
              retryInterval: '1m',
              timeout,
              path,
              prune,
              wait: true,
              force: false,
              sourceRef,
              ...impersonate,
              ...kubeConfig,
            },
          });
        }
        const remediation = { retries: 3 };
        return new ApiObject(this, `${c.name}-${half}`, {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: objName(half), namespace },
          spec: {
            ...deps,
            interval,
            timeout,
            releaseName: objName(half),
            chart: { spec: { chart: path, sourceRef, reconcileStrategy: 'Revision' } },
            install: { crds: 'CreateReplace', remediation },
            upgrade: { crds: 'CreateReplace', remediation, cleanupOnFail: true },
            uninstall: { keepHistory: false },
            ...impersonate,
            ...kubeConfig,
          },
        });
      };
      const policies = make('policies', undefined);
      this.policies.push(policies);
      this.apps.push(make('apps', policies.name));
    });
  }
}
