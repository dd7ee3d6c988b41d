/** Options for {@link ReachabilityAnalyzer}. */
export interface AnalyzerOptions {
  /**
   * Namespace the ingress controller runs in (its pod is modelled there, so NetworkPolicies
   * that admit that namespace admit it).
   * @default 'ingress-controller-ns' (netpol-analyzer's placeholder, matched by no selector but `{}`)
   */
  readonly ingressControllerNamespace?: string;
  /**
   * Labels of the ingress controller pod.
   * @default {} (no labels)
   */
  readonly ingressControllerLabels?: { [key: string]: string };
  /**
   * CIDRs that make up the external address space reported as `[External]` peers.
   * @default ['0.0.0.0/0'] (plus '::/0' when a policy uses an IPv6 ipBlock)
   */
  readonly externalUniverse?: string[];
  /**
   * Istio root namespace (mesh-wide PeerAuthentication / AuthorizationPolicy).
   * @default 'istio-system'
   */
  readonly istioRootNamespace?: string;
  /**
   * Istio trust domain used in principals.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Treat every pod as having an Istio sidecar (otherwise: namespace label
   * `istio-injection=enabled` / `istio.io/rev`, or pod `sidecar.istio.io/inject=true`).
   * @default false
   */
  readonly meshAllPods?: boolean;
  /**
   * Model hostNetwork pods as node traffic (Kubernetes semantics) instead of as ordinary pods
   * (netpol-analyzer's model).
   *
   * A pod with `hostNetwork: true` shares its node's network namespace. Following the Kubernetes
   * documentation for CNIs that cannot tell hostNetwork pod traffic from node traffic (most of
   * them), the analyzer then models such a pod as node traffic: no NetworkPolicy selects it (its own
   * ingress and egress are unrestricted), pod/namespace selectors in rules never match it, and a
   * rule matches it only through an ipBlock that contains a node address (it may run on any node,
   * so one admitted node address is enough). Named ports never resolve against it (it is reached
   * at a node address). Istio never injects a sidecar into it. It keeps its `ns/name[Kind]` name.
   *
   * @default - true when `nodeCidrs` is given, false otherwise (netpol-analyzer's output)
   */
  readonly hostNetworkAsNode?: boolean;
  /**
   * The node addresses (CIDRs) hostNetwork pods use (see `hostNetworkAsNode`); an ipBlock
   * matches a hostNetwork pod if it contains one of them.
   *
   * @default - node addresses unknown: every ipBlock is taken to contain one
   */
  readonly nodeCidrs?: string[];
  /**
   * The pod address space (the cluster's pod CIDRs). Cluster-wide policy `networks` peers
   * (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) match pod-to-pod
   * traffic too when they hold pod addresses: a `networks` CIDR that overlaps one of these
   * matches every pod as a destination (a pod may get any of the addresses).
   *
   * @default - pod addresses unknown: only `0.0.0.0/0` and `::/0` (which hold any pod address) match pods
   */
  readonly podCidrs?: string[];
}

/** One allowed connection between two peers. */
export interface Connection {
  /** Source peer: `ns/name[Kind]`, `a.b.c.d-w.x.y.z[External]` or `{ingress-controller}`. */
  readonly src: string;
  /** Destination peer, same naming as `src`. */
  readonly dst: string;
  /** Allowed protocols/ports in netpol-analyzer's text: `All Connections`, `TCP 80,UDP 53`. */
  readonly conns: string;
  /** True when every protocol and port is allowed. */
  readonly allowAll: boolean;
  /** L7 limits: imposed by Istio AuthorizationPolicies, and the HTTPRoute matches a Gateway API gateway forwards (empty when none). */
  readonly l7: string[];
  /**
   * True when the TCP part runs over Istio mutual TLS: both ends have a sidecar and the
   * destination's PeerAuthentication does not DISABLE it.
   */
  readonly mtls: boolean;
  /**
   * Who allowed it, per direction: `egress: Admin/<policy>/<rule>`, `ingress: NetworkPolicy ns/name`,
   * `egress: Baseline/<policy>/<rule>` or `ingress: default allow`. Filled only when the input holds
   * cluster-wide tier policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy);
   * empty otherwise (see `ReachabilityAnalyzer.decisions` for any pair).
   */
  readonly decidedBy: string[];
}

/**
 * Who decided one part of one direction of a connection: the first Admin-tier rule that matched
 * it, else the NetworkPolicies that isolate the pod, else the first Baseline-tier rule that
 * matched, else the default (allow).
 */
export interface Decision {
  /** `egress` (at the source pod) or `ingress` (at the destination pod). */
  readonly direction: string;
  /** `Admin`, `NetworkPolicy`, `Baseline` or `Default`. */
  readonly tier: string;
  /** `Admin/<policy>/<rule>`, `NetworkPolicy ns/name[, ns/name]`, `Baseline/<policy>/<rule>` or `default allow`. */
  readonly policy: string;
  /** `Allow` (Accept), `Deny` or `Pass` (a Pass is followed by the next tier's decision for the same part). */
  readonly action: string;
  /** The part of the connections decided, in netpol-analyzer's text (`TCP 53`, `All Connections`). */
  readonly conns: string;
}

/**
 * Options for the matrix and diagram renderers (`toMarkdown`, `toMermaid`, `toDot`) and
 * `toJsonSummary`. The text format (`toText`) and `toJson` stay netpol-analyzer's, unchanged.
 */
export interface RenderOptions {
  /**
   * Only the connections that start or end in one of these namespaces (the ingress controller
   * counts as in `AnalyzerOptions.ingressControllerNamespace`): the given namespaces' peers plus
   * the peers that connect to them.
   * @default - every connection
   */
  readonly namespaces?: string[];
  /**
   * Merge the external ranges that have identical connections into one peer, named by its CIDRs
   * (`10.2.0.0/15[External]`, `0.0.0.0/0 except 10.2.0.0/15[External]`).
   * @default true
   */
  readonly mergeExternal?: boolean;
  /**
   * Compact connection labels: TCP first, a full port range as the bare protocol, and Istio's
   * part after the TCP ports: `TCP 8080 [mTLS, L7: POST /api/payments]`. When false, the text
   * format's label (`SCTP 1-65535,TCP 8080,UDP 1-65535 [L7: ...]`).
   * @default true
   */
  readonly compact?: boolean;
}

/** Why a pair of peers is (not) connected. */
export interface Explanation {
  /** Source peer. */
  readonly src: string;
  /** Destination peer. */
  readonly dst: string;
  /** True if any connection is allowed. */
  readonly allowed: boolean;
  /** The allowed connections (netpol-analyzer text). */
  readonly conns: string;
  /** The same connections as the diagrams show them (`TCP 8080 [mTLS, L7: POST /api/payments]`). */
  readonly compact: string;
  /** Human-readable reasons, egress side first, then ingress, then Istio. */
  readonly reasons: string[];
  /** Which tier and policy decided each part of each direction (egress first). */
  readonly decisions: Decision[];
}

/** One changed pair between two sets of manifests. */
export interface DiffEntry {
  /** `added`, `removed` or `changed`. */
  readonly diffType: string;
  /** Source peer. */
  readonly src: string;
  /** Destination peer. */
  readonly dst: string;
  /** Connections in the first set (`No Connections` when absent). */
  readonly ref1: string;
  /** Connections in the second set (`No Connections` when absent). */
  readonly ref2: string;
}
