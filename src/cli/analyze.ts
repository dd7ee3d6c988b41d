import { FlagSpec, helpText, parseArgs, ParsedArgs, single, UsageError } from './args';
import { compareFlows, differenceLines, matches, readExpectFile } from './expect';
import { jsonReport, jsonSummaryReport, junitReport, markdownReport, SectionResult, summaryReport, textReport } from './report';
import { AnalysedSection, analyseSections, INPUT_FLAGS } from './sections';
import { INGRESS_CONTROLLER } from '../analysis/engine';
import { nsOf } from '../analysis/render';
import { Connection } from '../analysis/types';

export const FORMATS = ['txt', 'json', 'json-summary', 'md', 'mermaid', 'dot', 'junit', 'summary'];

const FLAGS: FlagSpec[] = [
  { name: '--format', alias: '-o', args: ['FORMAT'], values: FORMATS, help: `${FORMATS.join('|')} (default txt)\ntxt: netpol-analyzer's list (the --expect file format); junit: a test case per\nexpected flow (needs --expect); summary: Markdown for a pull-request comment` },
  { name: '--expect', args: ['FILE'], help: 'compare the allowed flows with FILE (what --format txt prints; `src => dst`\nalone accepts any ports); exit 1 and print the difference when they differ' },
  { name: '--explain', args: ['SRC', 'DST'], help: 'why SRC may (not) reach DST: peers as ns/name, ns/name[Kind], an IP address\nor {ingress-controller} (the ingress controller pod)' },
  { name: '--namespace', alias: '-n', args: ['NS'], repeat: true, help: 'only connections that start or end in NS (repeatable; every format)' },
  { name: '--cluster', args: ['NAME'], repeat: true, help: 'only this cluster folder (repeatable; as the section headers name it)' },
  { name: '--raw', help: 'json-summary/md/mermaid/dot: no merged external ranges, text-format labels' },
  ...INPUT_FLAGS,
];

export const ANALYZE_HELP = helpText('cdk8s-zero-trust analyze <files or dirs>... [options]',
  `Computes every allowed connection between the workloads of Kubernetes manifests (NetworkPolicies,
Istio PeerAuthentications and AuthorizationPolicies), the ingress controller ({ingress-controller})
and external addresses ([External]). Directories are searched recursively; a folder holding
manifests.k8s.yaml (what Fleet writes per cluster) is one cluster, analysed on its own; Helm chart
folders are rendered with helm template. Platform pods the manifests refer to (DNS, istiod, the
east-west gateway) are modelled by default; policy rules that select pods nobody modelled are listed.
Exit status: 0 done (and as expected), 1 the flows differ from --expect, 2 an error.`, FLAGS);

function filterNamespaces(a: AnalysedSection, conns: Connection[], nss: string[] | undefined): Connection[] {
  if (!nss) return conns;
  const keep = new Set(nss);
  const inNs = (peer: string): boolean => keep.has(peer === INGRESS_CONTROLLER ? a.ingressNamespace : nsOf(peer) ?? '');
  return conns.filter((c) => inNs(c.src) || inNs(c.dst));
}

function pickSections(all: AnalysedSection[], p: ParsedArgs): AnalysedSection[] {
  const wanted = p.flags.get('--cluster')?.map((v) => v[0]);
  if (!wanted) return all;
  for (const w of wanted) {
    if (!all.some((s) => s.name === w)) throw new UsageError(`analyze: --cluster "${w}" matches no cluster (valid: ${all.map((s) => s.name).join(', ')})`);
  }
  return all.filter((s) => wanted.includes(s.name));
}

function checkNamespaces(sections: AnalysedSection[], nss: string[] | undefined): void {
  const known = new Set(sections.flatMap((s) => [...s.namespaces]));
  for (const n of nss ?? []) {
    if (!known.has(n)) throw new UsageError(`analyze: --namespace "${n}" matches no namespace of the manifests (valid: ${[...known].sort().join(', ')})`);
  }
}

function explain(sections: AnalysedSection[], src: string, dst: string): string {
  if (sections.length > 1) throw new UsageError(`analyze: --explain needs one cluster; give --cluster NAME (valid: ${sections.map((s) => s.name).join(', ')})`);
  const x = sections[0].analyzer.explain(src, dst);
  return [`${x.src} => ${x.dst} : ${x.conns}`, ...x.reasons.map((r) => `  ${r}`)].join('\n');
}

function render(format: string, rs: SectionResult[], expectFile: string | undefined): string {
  if ((format === 'mermaid' || format === 'dot') && rs.length > 1) {
    throw new UsageError(`analyze: --format ${format} draws one cluster; give --cluster NAME (valid: ${rs.map((r) => r.name).join(', ')})`);
  }
  switch (format) {
    case 'json': return jsonReport(rs);
    case 'json-summary': return jsonSummaryReport(rs);
    case 'md': return markdownReport(rs);
    case 'mermaid': return rs[0].analyzer.toMermaid(rs[0].render);
    case 'dot': return rs[0].analyzer.toDot(rs[0].render);
    case 'junit': return junitReport(rs, expectFile!);
    case 'summary': return summaryReport(rs, expectFile);
    default: return textReport(rs);
  }
}

/** `analyze`: prints the report; returns the exit code (0, or 1 when `--expect` differs). */
export function analyzeCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const p = parseArgs('analyze', argv, FLAGS);
  if (p.help) { out(ANALYZE_HELP + '\n'); return 0; }
  if (!p.positional.length) throw new UsageError('analyze: needs at least one file or directory (e.g. analyze dist/)');
  const format = single(p, '--format') ?? 'txt';
  const expectFile = single(p, '--expect');
  if (format === 'junit' && !expectFile) throw new UsageError('analyze: --format junit needs --expect FILE (the flows to test)');
  const ex = p.flags.get('--explain')?.[0];
  if (ex && (expectFile || p.flags.has('--format'))) throw new UsageError('analyze: --explain prints an explanation; it does not take --format or --expect');
  const sections = pickSections(analyseSections(p.positional, p, 'analyze', err), p);
  const nss = p.flags.get('--namespace')?.map((v) => v[0]);
  checkNamespaces(sections, nss);
  if (ex) { out(explain(sections, ex[0], ex[1]) + '\n'); return 0; }
  const raw = p.flags.has('--raw');
  const expected = expectFile ? readExpectFile(expectFile) : undefined;
  const rs: SectionResult[] = sections.map((s) => {
    const connections = filterNamespaces(s, s.analyzer.connections(), nss);
    const want = expected ? expectedFor(expected, s.name, sections.length, expectFile!) : undefined;
    return {
      name: s.name,
      analyzer: s.analyzer,
      connections,
      unmodelled: s.unmodelled,
      expect: want ? compareFlows(s.name, connections, want) : undefined,
      render: { namespaces: nss, mergeExternal: !raw, compact: !raw },
    };
  });
  out(render(format, rs, expectFile) + '\n');
  if (!expected) return 0;
  const failed = rs.filter((r) => !matches(r.expect!));
  for (const r of failed) {
    err(`${rs.length > 1 ? `${r.name}: ` : ''}allowed connections differ from ${expectFile} (+ unexpectedly allowed, - expected but denied, ~ other connections):\n`
      + `${differenceLines(r.expect!).join('\n')}\n`);
  }
  return failed.length ? 1 : 0;
}

function expectedFor(expected: Map<string, any[]>, name: string, count: number, file: string): any[] {
  if (expected.has(name)) return expected.get(name)!;
  if (count === 1 && expected.size === 1) return [...expected.values()][0];
  throw new UsageError(`analyze: ${file} has no "## ${name}" section (its sections: ${[...expected.keys()].join(', ')})`);
}
