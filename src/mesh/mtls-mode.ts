/**
 * A mutual-TLS mode of an Istio PeerAuthentication.
 */
export enum MtlsMode {
  /** Only mTLS connections are accepted (the secure default). */
  STRICT = 'STRICT',
  /** Both mTLS and plain-text connections are accepted (migration only). */
  PERMISSIVE = 'PERMISSIVE',
  /** mTLS is not used: plain text only. */
  DISABLE = 'DISABLE',
  /** Inherit the mode of the parent (namespace, then mesh). */
  UNSET = 'UNSET',
}
