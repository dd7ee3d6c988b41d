import { aggregate, Group } from './aggregate';
import { Mapper } from './mapping';
import { parseConns, prove } from './proof';
import { propose, Proposal } from './proposal';
import { OBSERVE_REPORT_OPTIONS } from './props-specs';
import { readRecordFiles, readText } from './read';
import { ReadResult } from './records';
import { renderJson, renderText } from './render';
import { GuardrailFinding, ObservedFlow, ObserveProof, ObserveReportOptions, ProposedFlow, RecordsFileSummary, UnmappedTraffic, UnobservedFlow } from './types';
import { ConnSet } from '../analysis/conn-set';
import { parseCidr } from '../analysis/ip-range';
import { ParsedResources, PodInfo } from '../analysis/model';
import { ReachabilityAnalyzer } from '../analysis/reachability-analyzer';
import { checkArgs, checkOptions, t } from '../core/props-check';
import { fail } from '../core/validate';

const DEFAULT_CLUSTER_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];
const DRY_RUN = 'istio.io/dry-run';

function observedOf(g: Group): ObservedFlow {
  return {
    src: g.src.id,
    dst: g.dst.id,
    port: `${g.protocol} ${g.port}`,
    count: g.count,
    seenBy: [...g.seenBy].sort(),
    http: [...g.http].sort(),
    shadowDeniedBy: [...g.shadow].sort(),
    firstSeen: g.firstSeen,
  };
}

function selects(ap: any, pod: PodInfo, root: string): boolean {
  const ns = ap.metadata?.namespace ?? 'default';
  if (ns !== pod.ns && ns !== root) return false;
  if (ap.metadata?.annotations?.[DRY_RUN] === 'true' || ap.spec?.targetRef || ap.spec?.targetRefs) return false;
  const sel = ap.spec?.selector?.matchLabels ?? {};
  return Object.keys(sel).every((k) => pod.labels[k] === String(sel[k]));
}

/** Istio's injection rules: the pod annotation wins, then the namespace label (`istio-injection`, `istio.io/rev`). */
function hasSidecar(pod: PodInfo, nsLabels: { [k: string]: string }): boolean {
  const a = pod.annotations['sidecar.istio.io/inject'] ?? pod.labels['sidecar.istio.io/inject'];
  if (a !== undefined) return a === 'true' && nsLabels['istio-injection'] !== 'disabled';
  return nsLabels['istio-injection'] === 'enabled' || (nsLabels['istio.io/rev'] !== undefined && nsLabels['istio-injection'] !== 'disabled');
}

/**
 * What the audit phase observed, judged against the manifests that will be enforced: the
 * observed connections enforcing would block (grouped by workload pair and port), the allowed
 * flows nobody used, the guardrails' audit findings, and a proposal of `Flows.allow(...)` /
 * `mesh.allow(...)` lines that would allow exactly the blocked observed traffic, proved by
 * re-running the analyzer with the proposal added.
 *
 * Records are read in their upstream formats, recognised from their content: `hubble observe -o
 * json`, the Prometheus HTTP API answer for `istio_requests_total` /
 * `istio_tcp_connections_opened_total`, Istio/Envoy JSON access logs (with peer metadata and
 * `istio.io/dry-run` shadow results) and wgpolicyk8s.io PolicyReports. A malformed record is an
 * error naming the file and line (or JSON path).
 *
 * Each observed endpoint is mapped to a workload of the manifests by what the record carries
 * (workload name, pod name, labels, service account, SPIFFE principal). Traffic whose ends match
 * no workload, several workloads, or only an in-cluster address is listed as unmapped and never
 * proposed (a debugging shell stays a question for a human, not a flow).
 */
export class ObserveReport {
  /**
   * Reads records files and judges them against the manifests to enforce.
   *
   * @param recordFiles records files (any of the supported formats, recognised from the content)
   * @param manifests the objects of the manifests to enforce (plain JSON: `chart.toJson()`, or loaded from files)
   * @param options analyzer options, stand-ins, workload names, cluster CIDRs
   */
  public static fromFiles(recordFiles: string[], manifests: any[], options?: ObserveReportOptions): ObserveReport {
    checkArgs('ObserveReport.fromFiles', ['recordFiles', recordFiles, t.required(t.arrayOf(t.str()))], ['manifests', manifests, t.required(t.arrayOf(t.any()))]);
    return new ObserveReport(readRecordFiles(recordFiles), manifests, options ?? {});
  }

  /**
   * Judges records given as texts (name to content; the name is used in error messages).
   *
   * @param records records texts by name (each in any of the supported formats)
   * @param manifests the objects of the manifests to enforce
   * @param options analyzer options, stand-ins, workload names, cluster CIDRs
   */
  public static fromTexts(records: { [name: string]: string }, manifests: any[], options?: ObserveReportOptions): ObserveReport {
    checkArgs('ObserveReport.fromTexts', ['records', records, t.required(t.mapOf(t.str()))], ['manifests', manifests, t.required(t.arrayOf(t.any()))]);
    const read: ReadResult = { observations: [], findings: [], files: [] };
    for (const name of Object.keys(records).sort()) {
      const r = readText(name, records[name]);
      read.observations.push(...r.observations);
      read.findings.push(...r.findings);
      read.files.push(r.summary);
    }
    return new ObserveReport(read, manifests, options ?? {});
  }

  /** What each records file held. */
  public readonly files: RecordsFileSummary[];
  /** Every observed connection mapped to the manifests, by pair and port. */
  public readonly observed: ObservedFlow[];
  /** Observed connections the enforced manifests would block (or an Istio dry-run policy would deny). */
  public readonly wouldBlock: ObservedFlow[];
  /** Observed traffic that cannot be tied to workloads of the manifests (not proposed). */
  public readonly unmapped: UnmappedTraffic[];
  /** Connections the manifests allow that no record shows (candidates to narrow or remove). */
  public readonly unobserved: UnobservedFlow[];
  /** The guardrails' audit findings (PolicyReport fail, warn and error results). */
  public readonly findings: GuardrailFinding[];
  /** The proposed lines. */
  public readonly proposal: ProposedFlow[];
  /** The analyzer re-run with the proposal added. */
  public readonly proof: ObserveProof;
  private readonly proposalObjects: any[];

  private constructor(read: ReadResult, manifests: any[], options: ObserveReportOptions) {
    checkOptions('ObserveReport', 'options', 'ObserveReportOptions', options, OBSERVE_REPORT_OPTIONS, true, false);
    if (!Array.isArray(manifests)) fail('ObserveReport', 'manifests', manifests, 'a list of Kubernetes objects (plain JSON)');
    (options.clusterCidrs ?? []).forEach((c, i) => {
      try { parseCidr(c, 'clusterCidrs'); } catch { fail('ObserveReport', `options.clusterCidrs[${i}]`, c, 'a CIDR (10.0.0.0/8, fc00::/7)'); }
    });
    const ao = options.analyzerOptions ?? {};
    const extra = options.extraObjects ?? [];
    const build = (objs: any[]): ReachabilityAnalyzer => ReachabilityAnalyzer.fromObjects(objs, ao);
    const before = build([...manifests, ...extra]);
    const res = new ParsedResources([...manifests, ...extra]);
    const controller = { ingressControllerNamespace: ao.ingressControllerNamespace ?? 'ingress-controller-ns', ingressControllerLabels: { ...(ao.ingressControllerLabels ?? {}) } };
    const mapper = new Mapper(res, { ...controller, clusterCidrs: options.clusterCidrs ?? DEFAULT_CLUSTER_CIDRS });
    const { groups, unmapped } = aggregate(read.observations, mapper);
    for (const g of groups) g.l4Blocked = !before.isAllowed(g.src.id, g.dst.id, `${g.protocol}/${g.port}`);
    const blocked = groups.filter((g) => g.l4Blocked || g.shadow.size > 0);
    const root = ao.istioRootNamespace ?? 'istio-system';
    const program = new Set(new ParsedResources(manifests).pods.map((p) => `${p.ns}/${p.ownerName}[${p.ownerKind}]`));
    const proposals: Proposal[] = propose(blocked, {
      ...controller,
      workloadNames: { ...(options.workloadNames ?? {}) },
      trustDomain: ao.trustDomain ?? 'cluster.local',
      underAuthorization: (pod) => res.authorizationPolicies.some((ap) => selects(ap, pod, root)),
      inProgram: (pod) => program.has(`${pod.ns}/${pod.ownerName}[${pod.ownerKind}]`),
      inMesh: (pod) => ao.meshAllPods === true || hasSidecar(pod, res.namespaces.get(pod.ns) ?? {}),
    });
    this.files = read.files;
    this.observed = groups.map(observedOf);
    this.wouldBlock = blocked.map(observedOf);
    this.unmapped = unmapped;
    this.unobserved = unobservedFlows(before, groups);
    this.findings = read.findings.map((f) => ({
      policy: f.policy, rule: f.rule, result: f.result, resource: f.resource, message: f.message, where: f.where,
    }));
    this.proposal = proposals.map((p) => p.flow);
    this.proposalObjects = proposals.flatMap((p) => p.objects);
    this.proof = prove(before, manifests, extra, proposals, blocked, build).proof;
  }

  /**
   * The objects the proof added for the proposed lines: the NetworkPolicies (both directions) and
   * Istio ALLOW AuthorizationPolicies equivalent to what `flows.allow` / `mesh.allow` render.
   */
  public proofObjects(): any[] {
    return this.proposalObjects.map((o) => JSON.parse(JSON.stringify(o)));
  }

  /** The proposed lines as a TypeScript snippet (empty when nothing is blocked). */
  public proposalCode(): string {
    return this.proposal.map((p) => p.code).join('\n');
  }

  /** The report as text (also valid Markdown). */
  public toText(): string {
    return renderText(this);
  }

  /** The report as JSON. */
  public toJson(): string {
    return renderJson(this);
  }
}

/** A port range wider than any declared flow (an unrestricted direction, not a flow). */
function isOpenRange(c: ConnSet): boolean {
  return c.entries().some(([, rs]) => rs.some((r) => { const [a, b] = r.split('-').map(Number); return b !== undefined && b - a >= 1024; }));
}

/** Allowed connections between workloads (and from the ingress controller) that records do not cover. */
function unobservedFlows(analyzer: ReachabilityAnalyzer, groups: Group[]): UnobservedFlow[] {
  const seen = new Map<string, ConnSet>();
  for (const g of groups) {
    const k = `${g.src.id}\0${g.dst.id}`;
    seen.set(k, (seen.get(k) ?? ConnSet.NONE).union(ConnSet.of(g.protocol, g.port)));
  }
  const out: UnobservedFlow[] = [];
  for (const c of analyzer.connections()) {
    if (c.allowAll || c.src.endsWith('[External]') || c.dst.endsWith('[External]')) continue;
    const allowed = parseConns(c.conns);
    if (isOpenRange(allowed)) continue;
    const obs = (seen.get(`${c.src}\0${c.dst}`) ?? ConnSet.NONE).intersect(allowed);
    if (!allowed.subtract(obs).isEmpty) out.push({ src: c.src, dst: c.dst, allowed: c.conns, observed: obs.isEmpty ? 'none' : obs.toString() });
  }
  return out;
}
