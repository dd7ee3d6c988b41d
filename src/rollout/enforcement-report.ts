import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Enforcement, HeldBackPolicy } from './enforcement';
import { ReachabilityAnalyzer } from '../analysis/reachability-analyzer';
import { AnalyzerOptions } from '../analysis/types';
import { fail } from '../core/validate';

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

interface ClusterState {
  readonly cluster: string;
  readonly chart: Chart;
  readonly objects: any[];
  readonly heldBack: HeldBackPolicy[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDryRun(o: any): boolean {
  return o?.kind === 'AuthorizationPolicy' && o?.metadata?.annotations?.[ISTIO_DRY_RUN_ANNOTATION] === 'true';
}

/** The object as ENFORCE emits it (an AuthorizationPolicy without its dry-run annotation). */
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
   */
  public static of(scope: IConstruct): EnforcementReport {
    let charts: Chart[] = scope.node.findAll().filter((c): c is Chart => Chart.isChart(c));
    if (charts.length === 0) {
      charts = [Chart.of(scope)];
    }
    return new EnforcementReport(charts);
  }

  /**
   * What enforcement would block, from two sets of objects: `audit` (what runs today) and
   * `enforce` (what ENFORCE would emit). Dry-run AuthorizationPolicies count as not enforced.
   *
   * @param cluster cluster name for the entries
   * @param audit objects of the AUDIT output
   * @param enforce objects of the ENFORCE output
   * @param options analyzer options
   */
  public static compare(cluster: string, audit: any[], enforce: any[], options?: AnalyzerOptions): BlockedConnection[] {
    const today = audit.filter((o) => !isDryRun(o));
    const enforced = enforce.map(enforcedForm);
    const diff = ReachabilityAnalyzer.diff(
      ReachabilityAnalyzer.fromObjects(today, options),
      ReachabilityAnalyzer.fromObjects(enforced, options));
    return diff.entries
      .filter((e) => e.diffType !== 'added')
      .map((e) => ({ cluster, src: e.src, dst: e.dst, today: e.ref1, enforced: e.ref2 }));
  }

  private readonly clusters: ClusterState[];

  private constructor(charts: Chart[]) {
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
   * The objects ENFORCE would emit for a cluster: the synthesized objects, dry-run removed, plus
   * every held-back NetworkPolicy.
   *
   * @param cluster cluster (chart id)
   */
  public enforcedObjects(cluster: string): any[] {
    const c = this.cluster(cluster);
    const held = c.heldBack.filter((p) => p.kind === 'NetworkPolicy').map((p) => p.manifest);
    return [...c.objects.map(enforcedForm), ...held];
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
   * the reachability of the AUDIT output and of the ENFORCE output (synthesized objects plus
   * held-back NetworkPolicies, dry-run removed).
   *
   * @param options analyzer options (ingress controller, mesh)
   */
  public wouldBlock(options?: AnalyzerOptions): BlockedConnection[] {
    return this.clusters.flatMap((c) =>
      (c.heldBack.length === 0 && !c.objects.some(isDryRun))
        ? []
        : EnforcementReport.compare(c.cluster, c.objects, this.enforcedObjects(c.cluster), options));
  }

  /**
   * The report as Markdown: per cluster and namespace, held-back and audit-only policies, then
   * the connections enforcement would block.
   *
   * @param options analyzer options
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
   * @param options analyzer options
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
