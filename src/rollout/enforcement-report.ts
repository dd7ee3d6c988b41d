import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ENFORCEMENT_REPORT_OPTIONS } from './props-specs';
import { ANALYZER_OPTIONS } from '../analysis/props-specs';
import { ReachabilityAnalyzer } from '../analysis/reachability-analyzer';
import { AnalyzerOptions } from '../analysis/types';
import { checkArgs, checkOptions, t } from '../core/props-check';
import { fail } from '../core/validate';
import { Enforcement, HeldBackPolicy } from '../flows/enforcement';

const ISTIO_DRY_RUN_ANNOTATION = Enforcement.ISTIO_DRY_RUN_ANNOTATION;

/**
 * A policy that is emitted but only observed (Istio dry-run, Kyverno Audit).
 */
export interface AuditOnlyPolicy {
  /** The cluster (chart id). */
  readonly cluster: string;
  /** Namespace (`*` for a cluster-wide rule). */
  readonly namespace: string;
  /** `AuthorizationPolicy` or `ClusterPolicyRule`. */
  readonly kind: string;
  /** Object name (a Kyverno rule: `<ClusterPolicy>/<rule>`). */
  readonly name: string;
  /** How it is observed: `istio.io/dry-run`, `Kyverno Audit`. */
  readonly mechanism: string;
}

/**
 * A connection open today (AUDIT output) that enforcement would close or narrow.
 */
export interface BlockedConnection {
  /** The cluster (chart id). */
  readonly cluster: string;
  /** Source peer (analyzer naming: `ns/name[Kind]`, `a.b.c.d-w.x.y.z[External]`). */
  readonly src: string;
  /** Destination peer. */
  readonly dst: string;
  /** What is allowed today (netpol-analyzer text). */
  readonly today: string;
  /** What ENFORCE would allow (`No Connections` when closed). */
  readonly enforced: string;
}

/**
 * Options of {@link EnforcementReport.of}.
 */
export interface EnforcementReportOptions {
  /**
   * Objects that run in every cluster but are not in the charts (plain JSON manifests, for the
   * analysis only): stand-ins for the pods other installers create, e.g. CoreDNS, istiod or the
   * collector pods an operator creates. They are added to both sides of the diff, so the
   * connections to and from them that enforcement would block are reported. They are not part of
   * `auditObjects` / `enforcedObjects`.
   *
   * @default - none
   */
  readonly extraObjects?: any[];

  /**
   * Analyzer options of `wouldBlock`, `toMarkdown` and `toJson` when they are called without
   * options (ingress controller, mesh, node CIDRs).
   *
   * @default - the analyzer's defaults
   */
  readonly analyzerOptions?: AnalyzerOptions;
}

interface ClusterState {
  readonly cluster: string;
  readonly chart: Chart;
  readonly objects: any[];
  readonly heldBack: HeldBackPolicy[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A held-back manifest that is a Kubernetes object (ENFORCE emits it); a Kyverno rule or an
 * IstioOperator value is not.
 */
function isObjectManifest(m: any): boolean {
  return m !== null && typeof m === 'object' && typeof m.apiVersion === 'string' && typeof m.kind === 'string'
    && m.metadata !== null && typeof m.metadata === 'object' && typeof m.metadata.name === 'string';
}

function isDryRun(o: any): boolean {
  return o?.kind === 'AuthorizationPolicy' && o?.metadata?.annotations?.[ISTIO_DRY_RUN_ANNOTATION] === 'true';
}

/** The object as ENFORCE emits it (an AuthorizationPolicy without its dry-run annotation). */
function objectKey(o: any): string {
  return `${o.apiVersion}\0${o.kind}\0${o.metadata?.namespace ?? ''}\0${o.metadata?.name}`;
}

function enforcedForm(o: any): any {
  if (!isDryRun(o)) return o;
  const annotations = { ...o.metadata.annotations };
  delete annotations[ISTIO_DRY_RUN_ANNOTATION];
  return { ...o, metadata: { ...o.metadata, annotations } };
}

/**
 * The staged-rollout report of a chart, a fleet or an app: per cluster and namespace, the policies
 * AUDIT held back (with the manifests ENFORCE would emit), the policies emitted in audit-only form,
 * and, from the reachability analyzer, the connections enforcement would block compared with today.
 *
 * Build it once the app is complete: it synthesizes the charts (rendering their flows).
 */
export class EnforcementReport {
  /**
   * The report of `scope`: a Chart (one cluster), or any construct containing charts (a Fleet,
   * the App); a construct inside a chart reports its chart.
   *
   * @param scope chart, fleet or app
   * @param options objects outside the charts (platform stand-ins) and analyzer options
   */
  public static of(scope: IConstruct, options: EnforcementReportOptions = {}): EnforcementReport {
    const where = 'EnforcementReport.of';
    checkArgs(where, ['scope', scope, t.required(t.construct())]);
    checkOptions(where, 'options', 'EnforcementReportOptions', options, ENFORCEMENT_REPORT_OPTIONS, true, false);
    if (options === null || typeof options !== 'object') {
      fail(where, 'options', options, 'EnforcementReportOptions ({ extraObjects?, analyzerOptions? })');
    }
    const extra = validateExtraObjects(where, 'extraObjects', options.extraObjects);
    if (options.analyzerOptions !== undefined && (options.analyzerOptions === null || typeof options.analyzerOptions !== 'object')) {
      fail(where, 'analyzerOptions', options.analyzerOptions, 'AnalyzerOptions (an object)');
    }
    let charts: Chart[] = scope.node.findAll().filter((c): c is Chart => Chart.isChart(c));
    if (charts.length === 0) {
      charts = [Chart.of(scope)];
    }
    return new EnforcementReport(charts, extra, options.analyzerOptions);
  }

  /**
   * What enforcement would block, from two sets of objects: `audit` (what runs today) and
   * `enforce` (what ENFORCE would emit). Dry-run AuthorizationPolicies count as not enforced.
   *
   * @param cluster cluster name for the entries
   * @param audit objects of the AUDIT output
   * @param enforce objects of the ENFORCE output
   * @param options analyzer options
   * @param extraObjects objects outside both outputs (platform stand-ins), added to both sides
   */
  public static compare(cluster: string, audit: any[], enforce: any[], options?: AnalyzerOptions, extraObjects?: any[]): BlockedConnection[] {
    const objects = t.required(t.arrayOf(t.any()));
    checkArgs('EnforcementReport.compare', ['cluster', cluster, t.required(t.str())], ['audit', audit, objects], ['enforce', enforce, objects]);
    checkOptions('EnforcementReport.compare', 'options', 'AnalyzerOptions', options, ANALYZER_OPTIONS, true, true);
    const extra = validateExtraObjects('EnforcementReport.compare', 'extraObjects', extraObjects);
    const today = [...audit.filter((o) => !isDryRun(o)), ...extra];
    const enforced = [...enforce.map(enforcedForm), ...extra];
    const diff = ReachabilityAnalyzer.diff(
      ReachabilityAnalyzer.fromObjects(today, options),
      ReachabilityAnalyzer.fromObjects(enforced, options));
    return diff.entries
      .filter((e) => e.diffType !== 'added')
      .map((e) => ({ cluster, src: e.src, dst: e.dst, today: e.ref1, enforced: e.ref2 }));
  }

  private readonly clusters: ClusterState[];
  private readonly extraObjects: any[];
  private readonly analyzerOptions?: AnalyzerOptions;

  private constructor(charts: Chart[], extraObjects: any[], analyzerOptions?: AnalyzerOptions) {
    this.extraObjects = extraObjects;
    this.analyzerOptions = analyzerOptions;
    this.clusters = charts.map((chart) => {
      const objects = chart.toJson();
      const cluster = chart.node.id;
      const heldBack = Enforcement.heldBack(chart).map((p) => ({ ...p, cluster }));
      return { cluster, chart, objects, heldBack };
    }).sort((a, b) => cmp(a.cluster, b.cluster));
  }

  /** The clusters (chart ids) of the report, sorted. */
  public get clusterNames(): string[] {
    return this.clusters.map((c) => c.cluster);
  }

  /** Every held-back policy, sorted by cluster, namespace, kind and name. */
  public get heldBack(): HeldBackPolicy[] {
    return this.clusters.flatMap((c) => c.heldBack);
  }

  /** True if nothing is held back and nothing is audit-only (everything enforced). */
  public get isEmpty(): boolean {
    return this.heldBack.length === 0 && this.auditOnly.length === 0;
  }

  /** The policies emitted in audit-only form (Istio dry-run, Kyverno Audit), sorted. */
  public get auditOnly(): AuditOnlyPolicy[] {
    const out: AuditOnlyPolicy[] = [];
    for (const c of this.clusters) {
      for (const o of c.objects) {
        if (isDryRun(o)) {
          out.push({ cluster: c.cluster, namespace: o.metadata.namespace ?? 'default', kind: 'AuthorizationPolicy', name: o.metadata.name, mechanism: ISTIO_DRY_RUN_ANNOTATION });
        }
        if (o.kind !== 'ClusterPolicy' || !String(o.apiVersion).startsWith('kyverno.io/')) continue;
        for (const r of o.spec?.rules ?? []) {
          const name = `${o.metadata.name}/${r.name}`;
          if (r.validate?.failureAction === 'Audit') {
            out.push({ cluster: c.cluster, namespace: '*', kind: 'ClusterPolicyRule', name, mechanism: 'Kyverno Audit' });
          }
          for (const ov of r.validate?.failureActionOverrides ?? []) {
            if (String(ov.action).toLowerCase() !== 'audit') continue;
            for (const ns of ov.namespaces ?? []) {
              out.push({ cluster: c.cluster, namespace: ns, kind: 'ClusterPolicyRule', name, mechanism: 'Kyverno Audit (failureActionOverrides)' });
            }
          }
        }
      }
    }
    return out.sort((a, b) => cmp(a.cluster, b.cluster) || cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
  }

  /**
   * The objects ENFORCE would emit for a cluster: the synthesized objects (dry-run removed), each
   * replaced by its enforced form where a held-back entry holds one, plus every other held-back
   * object. Derived from the one list of held-back entries: every entry whose manifest is a
   * Kubernetes object (apiVersion, kind, metadata.name) comes back, whatever its kind
   * (NetworkPolicies, ServiceExports, the east-west Gateway, tier policies, the relaxed objects).
   * Entries that are not objects of the chart (a Kyverno rule, an IstioOperator value) have no
   * object to put back.
   *
   * @param cluster cluster (chart id)
   */
  public enforcedObjects(cluster: string): any[] {
    const c = this.cluster(cluster);
    // one object per identity; a later entry of the same object (a tier policy held back per namespace) holds the same manifest
    const held = new Map<string, any>();
    for (const p of c.heldBack) {
      if (isObjectManifest(p.manifest)) held.set(objectKey(p.manifest), p.manifest);
    }
    const emitted = c.objects.map((o) => {
      const key = objectKey(o);
      const enforced = held.get(key);
      if (enforced === undefined) return enforcedForm(o);
      held.delete(key);
      return enforced;
    });
    return [...emitted, ...held.values()];
  }

  /**
   * The objects synthesized today for a cluster (the AUDIT output).
   *
   * @param cluster cluster (chart id)
   */
  public auditObjects(cluster: string): any[] {
    return [...this.cluster(cluster).objects];
  }

  /**
   * The connections open today that enforcement would close or narrow, per cluster: the diff of
   * the reachability of the AUDIT output and of the ENFORCE output (`enforcedObjects`: every
   * held-back object put back, dry-run removed), both with the report's `extraObjects`.
   *
   * @param options analyzer options (ingress controller, mesh; default: the report's `analyzerOptions`)
   */
  public wouldBlock(options?: AnalyzerOptions): BlockedConnection[] {
    const opts = options ?? this.analyzerOptions;
    return this.clusters.flatMap((c) =>
      (c.heldBack.length === 0 && !c.objects.some(isDryRun))
        ? []
        : EnforcementReport.compare(c.cluster, c.objects, this.enforcedObjects(c.cluster), opts, this.extraObjects));
  }

  /**
   * The report as Markdown: per cluster and namespace, held-back and audit-only policies, then
   * the connections enforcement would block.
   *
   * @param options analyzer options (default: the report's `analyzerOptions`)
   */
  public toMarkdown(options?: AnalyzerOptions): string {
    const lines: string[] = ['# Enforcement report', ''];
    const blocked = this.wouldBlock(options);
    const audit = this.auditOnly;
    for (const c of this.clusters) {
      lines.push(`## Cluster ${c.cluster}`, '');
      const mine = audit.filter((a) => a.cluster === c.cluster);
      const namespaces = Array.from(new Set([...c.heldBack.map((p) => p.namespace), ...mine.map((a) => a.namespace)])).sort();
      if (namespaces.length === 0) {
        lines.push('Everything is enforced.', '');
      }
      for (const ns of namespaces) {
        lines.push(`### Namespace ${ns === '*' ? '(cluster-wide)' : ns}`, '');
        const held = c.heldBack.filter((p) => p.namespace === ns);
        if (held.length > 0) {
          lines.push('Held back (not emitted; ENFORCE emits them):', '', '| kind | name | reason |', '|---|---|---|');
          for (const p of held) lines.push(`| ${p.kind} | ${p.name} | ${p.reason} |`);
          lines.push('');
        }
        const obs = mine.filter((a) => a.namespace === ns);
        if (obs.length > 0) {
          lines.push('Audit only (emitted, observed, not enforced):', '', '| kind | name | mechanism |', '|---|---|---|');
          for (const a of obs) lines.push(`| ${a.kind} | ${a.name} | ${a.mechanism} |`);
          lines.push('');
        }
      }
      const b = blocked.filter((x) => x.cluster === c.cluster);
      lines.push('### Connections enforcement would block', '');
      if (b.length === 0) {
        lines.push('None.', '');
      } else {
        lines.push('| source | destination | today | enforced |', '|---|---|---|---|');
        for (const x of b) lines.push(`| ${x.src} | ${x.dst} | ${x.today} | ${x.enforced} |`);
        lines.push('');
      }
    }
    return lines.join('\n');
  }

  /**
   * The report as JSON (held-back manifests included), stable key order.
   *
   * @param options analyzer options (default: the report's `analyzerOptions`)
   */
  public toJson(options?: AnalyzerOptions): string {
    const blocked = this.wouldBlock(options);
    const audit = this.auditOnly;
    return JSON.stringify({
      clusters: this.clusters.map((c) => ({
        cluster: c.cluster,
        heldBack: c.heldBack.map((p) => ({ namespace: p.namespace, kind: p.kind, name: p.name, reason: p.reason, manifest: p.manifest })),
        auditOnly: audit.filter((a) => a.cluster === c.cluster)
          .map((a) => ({ namespace: a.namespace, kind: a.kind, name: a.name, mechanism: a.mechanism })),
        wouldBlock: blocked.filter((x) => x.cluster === c.cluster).map((x) => ({ src: x.src, dst: x.dst, today: x.today, enforced: x.enforced })),
      })),
    }, undefined, 2);
  }

  private cluster(name: string): ClusterState {
    const c = this.clusters.find((x) => x.cluster === name);
    return c ?? fail('EnforcementReport', 'cluster', name, `one of ${this.clusterNames.join(', ')}`);
  }
}

/** `objects` (undefined: none) checked to be plain Kubernetes objects; a copy. */
function validateExtraObjects(path: string, field: string, objects: unknown): any[] {
  if (objects === undefined) return [];
  if (!Array.isArray(objects)) {
    fail(path, field, objects, 'a list of Kubernetes objects (plain JSON manifests with kind and metadata.name)');
  }
  objects.forEach((o, i) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o) || typeof o.kind !== 'string' || o.kind === ''
      || o.metadata === null || typeof o.metadata !== 'object' || typeof o.metadata.name !== 'string' || o.metadata.name === '') {
      fail(path, `${field}[${i}]`, o, 'a Kubernetes object (plain JSON manifest with kind and metadata.name, e.g. a stand-in Deployment)');
    }
  });
  return [...objects];
}
