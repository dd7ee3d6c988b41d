#!/usr/bin/env node
import { AnalysisError, ReachabilityAnalyzer } from '../analysis';

const USAGE = `usage:
  cdk8s-zero-trust analyze <files or dirs>... [--format txt|json|json-summary|md|mermaid|dot] [--explain SRC DST]
      [--node-cidrs CIDR,...]   model hostNetwork pods as node traffic from these addresses
      [--namespace NS]...       json-summary/md/mermaid/dot: only connections that start or end in NS
      [--raw]                   json-summary/md/mermaid/dot: no merged external ranges, text-format labels
  cdk8s-zero-trust diff <a> <b>`;

const FORMATS = ['txt', 'json', 'json-summary', 'md', 'mermaid', 'dot'];

/** Runs the command with `argv` (without node and script); returns the exit code. */
export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'analyze') {
      const paths: string[] = [];
      let format = 'txt';
      let explain: string[] | undefined;
      let nodeCidrs: string[] | undefined;
      let namespaces: string[] | undefined;
      let raw = false;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === '--format' || a === '-o') {
          format = rest[++i];
          if (!FORMATS.includes(format)) throw new AnalysisError(`--format: invalid value "${format}" (valid: ${FORMATS.join(', ')})`);
        } else if (a.startsWith('--format=')) {
          format = a.slice('--format='.length);
          if (!FORMATS.includes(format)) throw new AnalysisError(`--format: invalid value "${format}" (valid: ${FORMATS.join(', ')})`);
        } else if (a === '--explain') {
          explain = [rest[++i], rest[++i]];
          if (!explain[0] || !explain[1]) throw new AnalysisError('--explain needs two peers: --explain SRC DST');
        } else if (a === '--node-cidrs' || a.startsWith('--node-cidrs=')) {
          const v = a === '--node-cidrs' ? rest[++i] : a.slice('--node-cidrs='.length);
          if (!v) throw new AnalysisError('--node-cidrs needs a comma-separated list of CIDRs, e.g. --node-cidrs 172.18.0.0/16');
          nodeCidrs = v.split(',').map((c) => c.trim()).filter((c) => c);
        } else if (a === '--namespace' || a === '-n') {
          const v = rest[++i];
          if (!v) throw new AnalysisError('--namespace needs a namespace name');
          namespaces = [...(namespaces ?? []), v];
        } else if (a === '--raw') {
          raw = true;
        } else if (a.startsWith('-')) {
          throw new AnalysisError(`unknown option "${a}"\n${USAGE}`);
        } else {
          paths.push(a);
        }
      }
      if (!paths.length) throw new AnalysisError(`analyze needs at least one file or directory\n${USAGE}`);
      const an = ReachabilityAnalyzer.fromPaths(paths, { nodeCidrs });
      if (explain) {
        const x = an.explain(explain[0], explain[1]);
        out([`${x.src} => ${x.dst} : ${x.conns}`, ...x.reasons.map((r) => `  ${r}`)].join('\n') + '\n');
        return 0;
      }
      const ro = { namespaces, mergeExternal: !raw, compact: !raw };
      const render: { [f: string]: () => string } = {
        'txt': () => an.toText(),
        'json': () => an.toJson(),
        'json-summary': () => an.toJsonSummary(ro),
        'md': () => an.toMarkdown(ro),
        'mermaid': () => an.toMermaid(ro),
        'dot': () => an.toDot(ro),
      };
      const text = render[format]();
      out(text.length ? text + '\n' : '');
      return 0;
    }
    if (cmd === 'diff') {
      if (rest.length !== 2) throw new AnalysisError(`diff needs exactly two paths\n${USAGE}`);
      const d = ReachabilityAnalyzer.diff(ReachabilityAnalyzer.fromPaths([rest[0]]), ReachabilityAnalyzer.fromPaths([rest[1]]));
      out(d.isEmpty ? '' : d.toText() + '\n');
      return 0;
    }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') { out(USAGE + '\n'); return 0; }
    err(`${cmd ? `unknown command "${cmd}"` : 'no command given'}\n${USAGE}\n`);
    return 2;
  } catch (e) {
    err(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
