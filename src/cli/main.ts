#!/usr/bin/env node
import { analyzeCommand } from './analyze';
import { UsageError } from './args';
import { diffCommand } from './diff';
import { observeCommand } from './observe';

const USAGE = `usage: cdk8s-zero-trust <command> [options]

commands:
  analyze <files or dirs>...   the allowed connections (lists, matrices, diagrams, CI checks with --expect)
  diff <before> <after>        what a change opens or closes (exit 1 when different)
  observe <records>... --manifests <dir>
                               what AUDIT observed against the manifests to enforce: what enforcing
                               would block, the Flows.allow / mesh.allow lines to add, and their proof
  help [command]               this text, or a command's options (also: <command> --help)

Exit status: 0 done, 1 a difference (diff, analyze --expect, observe: traffic enforcing would block), 2 an error.`;

const COMMANDS: { [name: string]: (argv: string[], out: (s: string) => void, err: (s: string) => void) => number } = {
  analyze: analyzeCommand,
  diff: diffCommand,
  observe: observeCommand,
};

/** Runs the command with `argv` (without node and script); returns the exit code. */
export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === '--help' || cmd === '-h') { out(USAGE + '\n'); return 0; }
    const sub = cmd === 'help' ? rest[0] : cmd;
    if (cmd === 'help' && sub === undefined) { out(USAGE + '\n'); return 0; }
    const c = sub === undefined ? undefined : COMMANDS[sub];
    if (c && cmd === 'help') return c(['--help'], out, err);
    if (!c) {
      err(`${sub === undefined ? 'no command given' : `unknown command "${sub}"`} (valid: ${Object.keys(COMMANDS).join(', ')}, help)\n${USAGE}\n`);
      return 2;
    }
    return c(rest, out, err);
  } catch (e) {
    const hint = e instanceof UsageError && cmd ? ` (see cdk8s-zero-trust ${cmd} --help)` : '';
    err(`error: ${(e as Error).message}${hint}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
