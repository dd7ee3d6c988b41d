/**
 * Istio ambient constants (internal: not exported from the package).
 */

/** The namespace (or pod) label that puts pods into the ambient data plane. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/** The label that routes a Service's (or namespace's) traffic through a waypoint. */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';

/** HBONE: the port ztunnel, sidecars and waypoints tunnel mesh traffic on (mTLS over HTTP/2 CONNECT). */
export const HBONE_PORT = 15008;

/** The address ambient's CNI SNATs kubelet probes of ambient pods to (Istio 1.30). */
export const KUBELET_PROBE_SNAT_CIDR = '169.254.7.127/32';
