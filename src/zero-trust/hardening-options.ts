/**
 * How a workload is hardened. Every option loosens the hardened default; leave them unset.
 */
export interface HardeningOptions {
  /**
   * Add `NET_BIND_SERVICE` (bind ports below 1024 as non-root).
   *
   * @default false
   */
  readonly allowNetBindService?: boolean;

  /**
   * Add `NET_ADMIN` (e.g. a VPN). Polaris reports it as a danger: only for workloads whose job needs it.
   *
   * @default false
   */
  readonly allowNetAdmin?: boolean;

  /**
   * Add `NET_RAW` (raw sockets, e.g. ping).
   *
   * @default false
   */
  readonly allowNetRaw?: boolean;

  /**
   * Mount the service account token (only for workloads that call the Kubernetes API).
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Allow a writable root filesystem.
   *
   * @default false
   */
  readonly writableRootFilesystem?: boolean;
}
