import { AnalyzerOptions } from '../analysis/types';

/** Options of {@link ObserveReport}. */
export interface ObserveReportOptions {
  /**
   * Analyzer options for the manifests (ingress controller, mesh, node CIDRs): the same as the
   * audit report's, so both judge the same platform.
   *
   * @default - the analyzer's defaults
   */
  readonly analyzerOptions?: AnalyzerOptions;

  /**
   * Objects that run in the cluster but are not in the manifests (plain JSON, for the analysis and
   * the mapping only): stand-ins for the pods other installers create (CoreDNS, istiod, collectors).
   *
   * @default - none
   */
  readonly extraObjects?: any[];

  /**
   * The TypeScript expression the proposal writes for a workload, by `namespace/name`
   * (`{ 'order/order-service': 'order.workload' }`): the names of the user's program.
   *
   * @default - the workload name in camelCase (`order-service` -> `orderService`)
   */
  readonly workloadNames?: { [key: string]: string };

  /**
   * Address ranges inside the cluster (pod and service CIDRs): a record that gives only an address
   * in these ranges is unidentified (not proposed), any other address is outside the cluster.
   *
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']
   */
  readonly clusterCidrs?: string[];
}

/** What one records file held. */
export interface RecordsFileSummary {
  /** The file. */
  readonly file: string;
  /** `hubble`, `prometheus`, `access-log`, `policy-report` or `empty`. */
  readonly format: string;
  /** Records read (lines, series, results). */
  readonly records: number;
  /** Records that are observed connections. */
  readonly connections: number;
  /** Records that are no connection, by reason (replies, ICMP, zero counts, pass results). */
  readonly skipped: { [reason: string]: number };
}

/** Observed traffic between two peers on one port, in the analyzer's naming. */
export interface ObservedFlow {
  /** Source peer (`ns/name[Kind]`, `{ingress-controller}`, an IP address). */
  readonly src: string;
  /** Destination peer. */
  readonly dst: string;
  /** Protocol and port: `TCP 8080`. */
  readonly port: string;
  /** Connections or requests observed. */
  readonly count: number;
  /** The formats that saw it (`hubble`, `prometheus`, `access-log`). */
  readonly seenBy: string[];
  /** HTTP requests seen (`GET /metrics`), when the records carry them. */
  readonly http: string[];
  /** The Istio dry-run policies that would deny it (`ns[payment]-policy[x]-rule[0]`). */
  readonly shadowDeniedBy: string[];
  /** Where the first record of it is (`file:line`). */
  readonly firstSeen: string;
}

/** Observed traffic that cannot be tied to workloads of the manifests (never proposed). */
export interface UnmappedTraffic {
  /** Source as recorded (or as mapped). */
  readonly src: string;
  /** Destination as recorded (or as mapped). */
  readonly dst: string;
  /** Protocol and port, when known. */
  readonly port: string;
  /** Records. */
  readonly count: number;
  /** Why it is not mapped: no workload matches, several do, no identity in the record. */
  readonly reason: string;
  /** Where the first record of it is. */
  readonly firstSeen: string;
}

/** A connection the manifests allow that no record shows. */
export interface UnobservedFlow {
  /** Source peer. */
  readonly src: string;
  /** Destination peer. */
  readonly dst: string;
  /** What the manifests allow (netpol-analyzer text). */
  readonly allowed: string;
  /** What of it was observed (`none`, or the ports seen). */
  readonly observed: string;
}

/** A fail, warn or error result of a PolicyReport. */
export interface GuardrailFinding {
  /** The Kyverno policy. */
  readonly policy: string;
  /** The rule. */
  readonly rule: string;
  /** `fail`, `warn` or `error`. */
  readonly result: string;
  /** The resource (`Pod payment/netshoot`). */
  readonly resource: string;
  /** The policy's message. */
  readonly message: string;
  /** Where it was read. */
  readonly where: string;
}

/** One proposed flow: a line of TypeScript for the user's program. */
export interface ProposedFlow {
  /** Source peer (analyzer naming). */
  readonly src: string;
  /** Destination peer (analyzer naming). */
  readonly dst: string;
  /** Ports (`TCP 8080`). */
  readonly ports: string[];
  /** HTTP methods observed (empty when any record lacked L7 data). */
  readonly methods: string[];
  /** HTTP paths observed (empty when any record lacked L7 data). */
  readonly paths: string[];
  /**
   * The TypeScript line: `mesh.allow(...)` (the destination is under AuthorizationPolicies) or
   * `flows.allow(...)`; a `// not proposed: ...` comment when no flow can allow the traffic.
   */
  readonly code: string;
}

/** The analyzer re-run with the proposed flows added. */
export interface ObserveProof {
  /** Observed connections enforcing would block (before the proposal). */
  readonly blockedBefore: number;
  /** Of those, allowed with the proposal. */
  readonly allowedAfter: number;
  /** Blocked observed connections no line can allow, with the reason (`src => dst : port: why`). */
  readonly notProposed: string[];
  /** Connections the proposal opens that were not observed (should be 0), as `src => dst : conns`. */
  readonly unobservedOpened: string[];
  /** Observed blocked connections still blocked with the proposal, as `src => dst : port`. */
  readonly stillBlocked: string[];
  /** True when every proposed connection is allowed with the proposal and nothing else is opened. */
  readonly holds: boolean;
}
