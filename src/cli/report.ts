import { differenceLines, ExpectResult, flowLine, matches } from './expect';
import { UnmodelledPeer } from './unmodelled';
import { ProbeFinding } from '../analysis/probe-types';
import { ReachabilityAnalyzer } from '../analysis/reachability-analyzer';
import { Connection, RenderOptions } from '../analysis/types';

/** The analysis of one section, ready to print (internal). */
export interface SectionResult {
  readonly name: string;
  readonly analyzer: ReachabilityAnalyzer;
  /** The allowed connections after the `--namespace` filter. */
  readonly connections: Connection[];
  readonly unmodelled: UnmodelledPeer[];
  readonly expect?: ExpectResult;
  readonly render: RenderOptions;
}

export const NO_CONNECTIONS = 'no connections allowed';

/** `3 policy rule peers select` / `1 policy rule peer selects` */
function peersSelect(n: number): string {
  return n === 1 ? '1 policy rule peer selects' : `${n} policy rule peers select`;
}

function unmodelledComment(r: SectionResult): string[] {
  if (!r.unmodelled.length) return [];
  return [`# ${peersSelect(r.unmodelled.length)} pods that are not modelled `
    + '(connections to them are not analysed; declare them with --platform):',
  ...r.unmodelled.map((u) => `#   ${u.rule}: ${u.peer} (${u.ports})`)];
}

/** With cluster-wide tier policies: who allowed each connection, and the pairs a tier rule denied. */
function tierComment(r: SectionResult): string[] {
  if (!r.analyzer.usesPolicyTiers) return [];
  const denied = r.analyzer.deniedByTiers();
  return ['# decided by (Admin tier, NetworkPolicies, Baseline tier, default allow):',
    ...r.connections.map((c) => `#   ${c.src} => ${c.dst} : ${c.decidedBy.join(', ')}`),
    ...(denied.length ? ['# denied by a cluster-wide tier rule:', ...denied.map((d) => `#   ${d}`)] : [])];
}

/** The probes that cannot pass as written (blocked in ambient, or invalid), in the section's namespaces. */
function probeProblems(r: SectionResult): ProbeFinding[] {
  const keep = r.render.namespaces;
  return r.analyzer.probeFindings().filter((f) => !keep || keep.includes(f.workload.split('/')[0]));
}

/** A container name as the manifest wrote it if plain, else JSON-quoted and cut: one report line per probe, whatever the name holds. */
function containerText(name: string): string {
  if (/^([A-Za-z0-9][A-Za-z0-9._-]{0,62}|\?)$/.test(name)) return name;
  const q = JSON.stringify(name);
  return q.length <= 80 ? q : `${q.slice(0, 80)}... (${name.length} characters)`;
}

/** `ns/name[Kind] container app readiness TCP 8080: reason (fix: ...)` */
function probeLine(f: ProbeFinding): string {
  return `${f.workload} container ${containerText(f.container)} ${f.probe} probe${f.port !== undefined ? ` TCP ${f.port}` : ''}: ${f.status}: ${f.reason}${f.fix ? ` (fix: ${f.fix})` : ''}`;
}

function probeComment(r: SectionResult): string[] {
  const f = probeProblems(r);
  return f.length ? ['# kubelet probes that cannot pass (the pods never become Ready, or are restarted):', ...f.map((x) => `#   ${probeLine(x)}`)] : [];
}

/** Why an expected flow is denied, with tier policies (`denied by egress Baseline/p/r`), else ''. */
export function deniedNote(r: SectionResult, src: string, dst: string): string {
  if (!r.analyzer.usesPolicyTiers) return '';
  try {
    const by = r.analyzer.decisions(src, dst).filter((d) => d.action === 'Deny').map((d) => `${d.direction} ${d.policy}`);
    return by.length ? `denied by ${[...new Set(by)].join(', ')}` : '';
  } catch {
    return '';
  }
}

/** netpol-analyzer's text, one `## section` per cluster when there are several; `#` lines are comments. */
export function textReport(rs: SectionResult[]): string {
  const parts = rs.map((r) => {
    const lines = r.connections.length ? r.connections.map(flowLine) : [`# ${NO_CONNECTIONS}`];
    return [...(rs.length > 1 ? [`## ${r.name}`] : []), ...lines, ...unmodelledComment(r), ...tierComment(r), ...probeComment(r)].join('\n');
  });
  return parts.join('\n\n');
}

function byName(rs: SectionResult[], f: (r: SectionResult) => unknown): unknown {
  if (rs.length === 1) return f(rs[0]);
  const o: { [name: string]: unknown } = {};
  for (const r of rs) o[r.name] = f(r);
  return o;
}

/** netpol-analyzer's JSON (an object by cluster name when there are several). */
export function jsonReport(rs: SectionResult[]): string {
  const rows = (r: SectionResult): unknown => r.connections.map((c) => ({
    src: c.src, dst: c.dst, conn: c.conns, ...(c.l7.length ? { l7: c.l7 } : {}), ...(c.decidedBy.length ? { decidedBy: c.decidedBy } : {}),
  }));
  return JSON.stringify(byName(rs, rows), null, 2);
}

/** The JSON summary (an object by cluster name when there are several). */
export function jsonSummaryReport(rs: SectionResult[]): string {
  return JSON.stringify(byName(rs, (r) => JSON.parse(r.analyzer.toJsonSummary(r.render))), null, 2);
}

/** The Markdown matrix, a `## section` per cluster when there are several. */
export function markdownReport(rs: SectionResult[]): string {
  return rs.map((r) => {
    const body = r.analyzer.toMarkdown(r.render);
    const note = r.unmodelled.length ? `\n\n${peersSelect(r.unmodelled.length)} pods that are not modelled: ${r.unmodelled.map((u) => `\`${u.rule}\``).join(', ')}.` : '';
    const probes = probeProblems(r);
    const probeNote = probes.length ? `\n\nKubelet probes that cannot pass:\n\n${probes.map((f) => `- ${probeLine(f)}`).join('\n')}` : '';
    return `${rs.length > 1 ? `## ${r.name}\n\n` : ''}${body}${note}${probeNote}`;
  }).join('\n\n');
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: a test suite per cluster, a test case per expected flow and per unexpected connection. */
export function junitReport(rs: SectionResult[], expectFile: string): string {
  const suites = rs.map((r) => {
    const e = r.expect!;
    const cases = [
      ...e.checked.map((c) => {
        const why = c.problem ? deniedNote(r, c.flow.src, c.flow.dst) : '';
        return { name: `${c.flow.src} => ${c.flow.dst}${c.flow.conns ? ` : ${c.flow.conns}` : ''}`, failure: c.problem && why ? `${c.problem} (${why})` : c.problem };
      }),
      ...e.unexpected.map((u) => ({ name: `unexpected: ${u}`, failure: `allowed, but not in ${expectFile}` })),
    ];
    const failures = cases.filter((c) => c.failure).length;
    const cls = rs.length > 1 ? `reachability.${r.name}` : 'reachability';
    const body = cases.length ? cases.map((c) => `    <testcase classname="${xml(cls)}" name="${xml(c.name)}"${c.failure
      ? `>\n      <failure message="${xml(c.failure)}"/>\n    </testcase>` : '/>'}`)
      : [`    <!-- ${NO_CONNECTIONS} and none expected -->`];
    return [`  <testsuite name="${xml(`reachability ${r.name}`)}" tests="${cases.length}" failures="${failures}">`, ...body, '  </testsuite>'].join('\n');
  });
  const tests = rs.reduce((n, r) => n + r.expect!.checked.length + r.expect!.unexpected.length, 0);
  const failures = rs.reduce((n, r) => n + r.expect!.checked.filter((c) => c.problem).length + r.expect!.unexpected.length, 0);
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="cdk8s-zero-trust analyze" tests="${tests}" failures="${failures}">`, ...suites, '</testsuites>'].join('\n');
}

function summarySection(r: SectionResult, expectFile: string | undefined): string[] {
  const n = r.connections.length;
  const lines = [`### Reachability: ${r.name}`, ''];
  if (r.expect && matches(r.expect)) {lines.push(`✅ ${n} allowed connection${n === 1 ? '' : 's'}, exactly as expected (\`${expectFile}\`).`);} else if (r.expect) {
    const diff = differenceLines(r.expect);
    lines.push(`❌ ${diff.length} difference${diff.length === 1 ? '' : 's'} from \`${expectFile}\` (+ unexpectedly allowed, - expected but denied, ~ other connections):`, '',
      '```diff', ...diff.map((d) => (d.startsWith('~') ? `! ${d.slice(2)}` : d)), '```');
    const denied = r.expect.checked.filter((c) => c.problem).map((c) => [c, deniedNote(r, c.flow.src, c.flow.dst)] as const).filter(([, w]) => w);
    if (denied.length) lines.push('', ...denied.map(([c, w]) => `- \`${c.flow.src} => ${c.flow.dst}\`: ${w}`));
  } else {lines.push(n ? `${n} allowed connection${n === 1 ? '' : 's'}.` : `${NO_CONNECTIONS[0].toUpperCase()}${NO_CONNECTIONS.slice(1)}.`);}
  if (r.unmodelled.length) {
    lines.push('', `⚠️ ${peersSelect(r.unmodelled.length)} pods that are not modelled (declare them with \`--platform\`):`, '',
      ...r.unmodelled.map((u) => `- \`${u.rule}\`: ${u.peer} (${u.ports})`));
  }
  const probes = probeProblems(r);
  if (probes.length) lines.push('', `⚠️ ${probes.length} kubelet probe${probes.length === 1 ? '' : 's'} cannot pass (the pods never become Ready, or are restarted):`, '', ...probes.map((f) => `- ${probeLine(f)}`));
  const decided = (c: Connection): string => (c.decidedBy.length ? `   # ${c.decidedBy.join(', ')}` : '');
  if (n) lines.push('', `<details><summary>All ${n} allowed connections</summary>`, '', '```text', ...r.connections.map((c) => flowLine(c) + decided(c)), '```', '', '</details>');
  return lines;
}

/** A Markdown summary for a pull-request comment: per cluster, the verdict, the difference, what is not modelled. */
export function summaryReport(rs: SectionResult[], expectFile: string | undefined): string {
  return rs.flatMap((r, i) => [...(i ? [''] : []), ...summarySection(r, expectFile)]).join('\n');
}
