/**
 * Where Helm (or Flux helm-controller) stores the releases of a `HelmChart`: the storage driver
 * (`HELM_DRIVER`). It decides whether a release has a size limit.
 */
export enum HelmReleaseStorage {
  /**
   * The default driver `secret`: each release revision is a Secret whose data may not exceed
   * 1 MiB (the API server's limit). Flux helm-controller uses it too.
   */
  SECRET = 'secret',
  /**
   * The driver `configmap`: each release revision is a ConfigMap, with the same 1 MiB limit.
   */
  CONFIG_MAP = 'configmap',
  /**
   * The driver `sql` (`HELM_DRIVER=sql`, a PostgreSQL database; Helm CLI only, Flux
   * helm-controller supports `secret`, `configmap` and `memory`): no size limit is checked.
   */
  SQL = 'sql',
}
