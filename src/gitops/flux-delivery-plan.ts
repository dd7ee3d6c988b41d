/**
 * Validation of FluxDeliveryProps into a plan the FluxDelivery renders (not exported from the
 * package index).
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { FluxDeliveryProps } from './flux-delivery';
import { FluxSourceKind, GitOpsPackaging } from './gitops-packaging';
import {
  clusterPaths, fluxDuration, planControllerAccount, selectClusters, validateName, validateOutsideClusters, validateRepoUrl, validateRevision,
} from './internal';
import { fail } from '../core/validate';
import { FleetCluster } from '../fleet';

/** A FluxDelivery's props, checked, defaults applied. */
export interface FluxDeliveryPlan {
  readonly clusters: FleetCluster[];
  /** The repository folder of each cluster, in the order of `clusters`. */
  readonly paths: string[];
  readonly sourceKind: FluxSourceKind;
  readonly packaging: GitOpsPackaging;
  readonly repoUrl: string;
  readonly revision: string;
  readonly name: string;
  readonly namespace: string;
  /** Flux duration strings. */
  readonly interval: string;
  readonly timeout: string;
  readonly kubeConfigSecrets?: { [cluster: string]: string };
  readonly prune: boolean;
  readonly verifySecretName?: string;
  readonly serviceAccountName?: string;
  /** With `serviceAccountName`: the identity that impersonates it (the Flux controller's on the cluster). */
  readonly controller?: { namespace: string; name: string };
}

/**
 * Checks `props` (in the order of its fields) and applies the defaults. Takes the construct, not
 * only its path: the delivery must not be inside one of the fleet's cluster charts.
 */
export function planFluxDelivery(construct: Construct, props: FluxDeliveryProps): FluxDeliveryPlan {
  const p = construct.node.path;
  if (!props || typeof props !== 'object') fail(p, 'props', props, 'FluxDeliveryProps');
  const clusters = selectClusters(p, props.fleet, props.clusters);
  validateOutsideClusters(construct, props.fleet);
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
  checkKubeConfigSecrets(p, props.kubeConfigSecrets, clusters);
  const paths = clusterPaths(p, props.pathTemplate ?? 'clusters/{cluster}', clusters);
  if (props.verifySecretName !== undefined) validateName(p, 'verifySecretName', props.verifySecretName);
  if (props.serviceAccountName !== undefined) validateName(p, 'serviceAccountName', props.serviceAccountName);
  if (packaging === GitOpsPackaging.HELM && props.prune === false) {
    // a HelmRelease has no prune switch: helm-controller upgrades the release, and Helm deletes what left the chart
    fail(p, 'prune', props.prune, 'true (the default) with GitOpsPackaging.HELM: Helm always deletes the objects a release upgrade no longer renders (keep one with the annotation helm.sh/resource-policy: keep)');
  }
  return {
    clusters,
    paths,
    sourceKind,
    packaging,
    repoUrl: props.repoUrl,
    revision,
    name,
    namespace,
    interval,
    timeout,
    kubeConfigSecrets: props.kubeConfigSecrets,
    prune: props.prune ?? true,
    verifySecretName: props.verifySecretName,
    serviceAccountName: props.serviceAccountName,
    controller: planControllerAccount(p, props.controllerServiceAccount, props.serviceAccountName,
      { namespace, name: packaging === GitOpsPackaging.HELM ? 'helm-controller' : 'kustomize-controller' }, namespace),
  };
}

/** None, or one valid Secret name for each delivered cluster and no other key. */
function checkKubeConfigSecrets(p: string, secrets: { [cluster: string]: string } | undefined, clusters: FleetCluster[]): void {
  if (secrets === undefined) return;
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
