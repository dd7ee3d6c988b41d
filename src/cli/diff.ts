import { FlagSpec, helpText, parseArgs, UsageError } from './args';
import { AnalysedSection, analyseSections, INPUT_FLAGS } from './sections';
import { ReachabilityAnalyzer, ReachabilityDiff } from '../analysis/reachability-analyzer';

const FLAGS: FlagSpec[] = [...INPUT_FLAGS];

export const DIFF_HELP = helpText('cdk8s-zero-trust diff <before> <after> [options]',
  `Prints what changes between two sets of manifests (files or folders, read as analyze reads them):
one line per connection opened (added), closed (removed) or changed, in netpol-analyzer's diff
format; clusters are matched by folder name. Exit status as git diff --exit-code: 0 the same,
1 different, 2 an error.`, FLAGS);

const EMPTY = ReachabilityAnalyzer.fromObjects([]);

/** Pairs the sections of both sides by name (one section each: paired whatever their names). */
function pairs(a: AnalysedSection[], b: AnalysedSection[]): Array<[string, ReachabilityAnalyzer, ReachabilityAnalyzer]> {
  if (a.length === 1 && b.length === 1) return [[a[0].name, a[0].analyzer, b[0].analyzer]];
  const names = [...new Set([...a, ...b].map((s) => s.name))].sort();
  return names.map((n) => [n, a.find((s) => s.name === n)?.analyzer ?? EMPTY, b.find((s) => s.name === n)?.analyzer ?? EMPTY]);
}

/** `diff`: prints the difference; returns 0 (same) or 1 (different). */
export function diffCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const p = parseArgs('diff', argv, FLAGS);
  if (p.help) { out(DIFF_HELP + '\n'); return 0; }
  if (p.positional.length !== 2) throw new UsageError(`diff: needs exactly two paths, before and after (got ${p.positional.length})`);
  const before = analyseSections([p.positional[0]], p, 'diff', err);
  const after = analyseSections([p.positional[1]], p, 'diff', err);
  const ps = pairs(before, after);
  const parts: string[] = [];
  for (const [name, a, b] of ps) {
    const d: ReachabilityDiff = ReachabilityAnalyzer.diff(a, b);
    if (!d.isEmpty) parts.push([...(ps.length > 1 ? [`## ${name}`] : []), d.toText()].join('\n'));
  }
  out(parts.length ? parts.join('\n\n') + '\n' : '# no differences in the allowed connections\n');
  return parts.length ? 1 : 0;
}
