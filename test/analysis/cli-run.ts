/**
 * The CLI run in-process (its streams captured) and a manifest writer, shared by the CLI tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { run } from '../../src/cli/main';

/** What one CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI with `args` in this process. */
export function cli(args: string[]): CliResult {
  let out = '';
  let err = '';
  const code = run(args, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

/** Writes `objs` as multi-document YAML (or a text as is) to `dir/rel`; returns the file's path. */
export function writeManifests(dir: string, rel: string, objs: any[] | string): string {
  const f = path.join(dir, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, typeof objs === 'string' ? objs : objs.map((o) => yaml.dump(o)).join('---\n'));
  return f;
}
