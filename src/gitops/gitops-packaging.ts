/**
 * How each cluster's output is stored in the repository.
 */
export enum GitOpsPackaging {
  /** A folder of plain manifests (`cdk8s synth` output, e.g. `manifests.k8s.yaml`). */
  MANIFESTS = 'manifests',
  /** A Helm chart folder (as `HelmChart` writes it). */
  HELM = 'helm',
}

/**
 * The kind of source Flux reads the repository through.
 */
export enum FluxSourceKind {
  /** A `GitRepository` (`http://`, `https://` or `ssh://` URL). */
  GIT = 'GitRepository',
  /** An `OCIRepository` (`oci://` URL of an artifact pushed with `flux push artifact`). */
  OCI = 'OCIRepository',
}
