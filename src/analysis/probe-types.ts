/**
 * One health probe (liveness, readiness or startup) of one container, as the kubelet sends it,
 * judged against the NetworkPolicies (see `ReachabilityAnalyzer.probeFindings()`).
 */
export interface ProbeFinding {
  /** The workload, as the analysis names it: `ns/name[Kind]`. */
  readonly workload: string;
  /** The container the probe belongs to (`?` when the container has no name). */
  readonly container: string;
  /** `liveness`, `readiness` or `startup`. */
  readonly probe: string;
  /** The probe's handler: `httpGet`, `tcpSocket`, `grpc`, `exec`, or `none` (no handler found). */
  readonly handler: string;
  /**
   * The TCP port the kubelet connects to (a named port resolved against the container's ports).
   *
   * @default - none: an exec probe, or a port that is missing, invalid or an unknown name
   */
  readonly port?: number;
  /**
   * The verdict:
   * - `blocked`: an ambient pod whose NetworkPolicies do not admit 169.254.7.127 on the probe port
   *   (the probe times out: the pod never becomes Ready, or is restarted);
   * - `admitted`: an ambient pod whose NetworkPolicies admit it;
   * - `node-local`: not ambient: the kubelet probes from the pod's own node, which NetworkPolicy
   *   always lets through (with a sidecar, Istio rewrites the probe to its agent on port 15020);
   * - `no-network`: an exec probe (runs inside the container);
   * - `invalid`: the probe's port is missing, out of range or a name the container does not have;
   * - `unjudged`: an httpGet probe with a `host` (it probes that address, not the pod), or an
   *   ambient pod when 169.254.7.127 is outside `AnalyzerOptions.externalUniverse`.
   */
  readonly status: string;
  /** True when `status` is `blocked` or `invalid`: the probe cannot succeed as written. */
  readonly problem: boolean;
  /** Why, in one line. */
  readonly reason: string;
  /**
   * What would make the probe pass (for `blocked`: admit 169.254.7.127/32 on TCP port N).
   *
   * @default - nothing to fix
   */
  readonly fix?: string;
}
