import { Fleet } from '../fleet';

/**
 * What every GitOps delivery flavour needs: the fleet, the repository and where each cluster's
 * output is in it.
 */
export interface GitOpsSourceOptions {
  /**
   * The fleet whose clusters are delivered.
   */
  readonly fleet: Fleet;

  /**
   * The repository URL, e.g. `https://github.com/example/platform.git` (Flux OCI:
   * `oci://ghcr.io/example/platform`).
   */
  readonly repoUrl: string;

  /**
   * The revision: a branch, tag or commit (Argo CD `targetRevision`; Flux Git: a 40-hex commit,
   * a `refs/...` name or else a branch; Flux OCI: a tag).
   *
   * @default 'main' ('latest' for a Flux OCI source)
   */
  readonly revision?: string;

  /**
   * The folder of each cluster's output in the repository, relative, with `{cluster}` standing
   * for the cluster name, e.g. `dist/sample/{cluster}`.
   *
   * @default 'clusters/{cluster}'
   */
  readonly pathTemplate?: string;

  /**
   * The clusters to deliver (names of the fleet's clusters).
   *
   * @default - every cluster of the fleet
   */
  readonly clusters?: string[];

  /**
   * Name of the delivery objects (ApplicationSet and AppProject; Flux source), a DNS-1123 label.
   *
   * @default 'fleet'
   */
  readonly name?: string;

  /**
   * Delete objects that were removed from the repository.
   *
   * @default true
   */
  readonly prune?: boolean;
}
