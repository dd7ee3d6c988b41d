import { MeshSource } from './mesh-source';

/**
 * One rule of a mesh authorization policy: a request matches when it comes from one of `sources`
 * AND goes to one of the methods, paths and ports (every field given must match).
 */
export interface MeshRuleProps {
  /**
   * Who sends the request (any one of the sources matches). Must not be empty when given.
   *
   * @default - any source (allowed in DENY and AUDIT rules, and in ALLOW rules that restrict `to`)
   */
  readonly sources?: MeshSource[];

  /**
   * Who sends the request (exclusive with `sources`).
   *
   * @default - any source
   * @deprecated use `sources` (`from` is a reserved word in Python); removed in the next release
   */
  readonly from?: MeshSource[];

  /**
   * HTTP methods (uppercase), e.g. `['POST']`. HTTP fields only apply to ports the mesh sees as
   * HTTP (Service port named `http-*` or `appProtocol: http`); on TCP ports an ALLOW rule with
   * HTTP fields matches nothing (safe) and a DENY rule drops its HTTP fields (Istio semantics).
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Paths: exact (`/api/payments`), prefix (`/api/*`), suffix (`*.json`) or `*`.
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Paths that must not match (same forms as `paths`).
   *
   * @default - none
   */
  readonly notPaths?: string[];

  /**
   * Destination ports: the server's container (target) ports, not Service ports.
   *
   * @default - any port
   */
  readonly ports?: number[];
}
