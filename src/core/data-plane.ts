/**
 * The Istio data plane of a namespace's pods.
 */
export enum DataPlane {
  /**
   * Sidecar proxies injected into the pods (namespace label `istio-injection: enabled` when
   * injection is asked for).
   */
  SIDECAR = 'sidecar',
  /**
   * Istio ambient (namespace label `istio.io/dataplane-mode: ambient`): no injection; the node's
   * ztunnel carries the pods' traffic over HBONE (mTLS, TCP 15008) and enforces L4
   * AuthorizationPolicies; HTTP rules are enforced by a waypoint proxy.
   */
  AMBIENT = 'ambient',
}
