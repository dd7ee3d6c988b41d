/** How a flow renderer treats a pod source without a known service account. */
export enum UnknownIdentity {
  /** Fail synthesis, naming the flow (secure default). */
  ERROR = 'ERROR',
  /**
   * Allow the source's whole namespace (`source.namespaces`): wider than the flow says, only for
   * sources whose pods all share one identity anyway.
   */
  NAMESPACE = 'NAMESPACE',
}
