import { bad, FileSummary, Finding, optString, skip } from './records';

const KINDS = ['PolicyReport', 'ClusterPolicyReport'];
const RESULTS = ['pass', 'fail', 'warn', 'error', 'skip'];

/** True if a document is a wgpolicyk8s.io PolicyReport (or a List of them). */
export function isPolicyReport(o: any): boolean {
  if (!o || typeof o !== 'object') return false;
  if (Array.isArray(o.items) && o.kind === 'List') return o.items.length > 0 && o.items.every(isPolicyReport);
  return KINDS.includes(o.kind) || KINDS.map((k) => `${k}List`).includes(o.kind);
}

function refText(r: any): string {
  if (!r || typeof r !== 'object') return '';
  return `${r.kind ?? ''} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}`.trim();
}

function resultOf(r: any, where: string, scope: string, out: Finding[], skipped: { [k: string]: number }): void {
  if (!r || typeof r !== 'object') bad(where, 'result', r, 'a PolicyReportResult object');
  // v1alpha2 and later: `result`; v1alpha1: `status`
  const result = r.result ?? r.status;
  if (!RESULTS.includes(result)) bad(where, 'result', result, `one of ${RESULTS.join(', ')}`);
  if (result === 'pass' || result === 'skip') { skip(skipped, result); return; }
  const policy = optString(r, 'policy', where, 'policy');
  if (!policy) bad(where, 'policy', r.policy, 'the policy name');
  const resources: any[] = Array.isArray(r.resources) && r.resources.length ? r.resources : [undefined];
  for (const res of resources) {
    out.push({
      where,
      policy,
      rule: optString(r, 'rule', where, 'rule') ?? '',
      result,
      message: optString(r, 'message', where, 'message') ?? '',
      resource: refText(res) || scope,
      severity: optString(r, 'severity', where, 'severity') ?? '',
    });
  }
}

/**
 * Reads wgpolicyk8s.io PolicyReports and ClusterPolicyReports (v1alpha1 to v1beta2, as Kyverno
 * writes them for Audit policies): every fail, warn and error result is a finding; pass and
 * skip results are counted.
 */
export function readPolicyReports(file: string, docs: Array<{ obj: any; origin: string }>): { findings: Finding[]; summary: FileSummary } {
  const findings: Finding[] = [];
  const skipped: { [reason: string]: number } = {};
  let records = 0;
  const visit = (o: any, origin: string): void => {
    if (Array.isArray(o.items)) { o.items.forEach((it: any, i: number) => visit(it, `${origin}: items[${i}]`)); return; }
    if (!KINDS.includes(o.kind)) bad(origin, 'kind', o.kind, KINDS.join(' or '));
    if (!String(o.apiVersion ?? '').startsWith('wgpolicyk8s.io/')) bad(origin, 'apiVersion', o.apiVersion, 'wgpolicyk8s.io/v1alpha2 (or v1beta1, v1beta2)');
    const results = o.results ?? [];
    if (!Array.isArray(results)) bad(origin, 'results', results, 'a list of results');
    const scope = refText(o.scope) || `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;
    results.forEach((r: any, i: number) => {
      records++;
      resultOf(r, `${origin}: results[${i}]`, scope, findings, skipped);
    });
  };
  for (const d of docs) visit(d.obj, d.origin);
  return { findings, summary: { file, format: 'policy-report', records, connections: 0, skipped } };
}
