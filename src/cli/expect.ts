import * as fs from 'fs';
import { AnalysisError } from '../analysis/analysis-error';
import { Connection } from '../analysis/types';

/** One line of an expected-flows file (internal). */
export interface ExpectedFlow {
  readonly src: string;
  readonly dst: string;
  /** The connections (`TCP 8080`); undefined = any. */
  readonly conns?: string;
  /** `file:line` */
  readonly where: string;
}

/** The comparison of one section with its expected flows (internal). */
export interface ExpectResult {
  readonly section: string;
  /** Per expected flow: undefined when it holds, else what is wrong. */
  readonly checked: Array<{ readonly flow: ExpectedFlow; readonly problem?: string }>;
  /** Allowed connections no expected line names (`src => dst : conns`). */
  readonly unexpected: string[];
}

/** The text of a flow as the txt format prints it. */
export function flowLine(c: Connection): string {
  return `${c.src} => ${c.dst} : ${c.conns}${c.l7.length ? ` [L7: ${c.l7.join('; ')}]` : ''}`;
}

/**
 * Reads an expected-flows file: what `analyze --format txt` prints (`src => dst : conns` lines,
 * `## <cluster>` headers when there are several clusters, `#` comments); `src => dst` alone
 * accepts any connections. Returns the flows by section (`.` before any header).
 */
export function readExpectFile(file: string): Map<string, ExpectedFlow[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AnalysisError(`--expect ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const out = new Map<string, ExpectedFlow[]>([['.', []]]);
  let section = '.';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file}:${i + 1}`;
    const h = /^##\s+(\S.*)$/.exec(line);
    if (h) { section = h[1].trim(); if (!out.has(section)) out.set(section, []); return; }
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s*=>\s*(\S+)(?:\s+:\s+(.+))?$/.exec(line);
    if (!m) throw new AnalysisError(`${where}: cannot read "${line}" (valid: "src => dst : conns", "src => dst", "## cluster", "# comment")`);
    out.get(section)!.push({ src: m[1], dst: m[2], conns: m[3]?.trim(), where });
  });
  if (!out.get('.')!.length && out.size > 1) out.delete('.');
  return out;
}

/** `ns/name` matches `ns/name[Kind]`; anything else must be equal. */
function samePeer(expected: string, actual: string): boolean {
  return expected === actual || (!expected.includes('[') && actual.startsWith(`${expected}[`) && !actual.endsWith('[External]'));
}

/** Compares a section's allowed connections with its expected flows. */
export function compareFlows(section: string, actual: Connection[], expected: ExpectedFlow[]): ExpectResult {
  const used = new Set<Connection>();
  const checked = expected.map((flow) => {
    const c = actual.find((a) => samePeer(flow.src, a.src) && samePeer(flow.dst, a.dst));
    if (!c) return { flow, problem: 'expected to be allowed, but no connection is allowed' };
    used.add(c);
    const got = flowLine(c).split(' : ').slice(1).join(' : ');
    if (flow.conns !== undefined && flow.conns !== got) return { flow, problem: `expected ${flow.conns}, but ${got} is allowed` };
    return { flow };
  });
  const unexpected = actual.filter((a) => !used.has(a)).map(flowLine);
  return { section, checked, unexpected };
}

/** True if the section holds exactly the expected flows. */
export function matches(r: ExpectResult): boolean {
  return !r.unexpected.length && r.checked.every((c) => !c.problem);
}

/** The difference as lines: `+` unexpectedly allowed, `-` expected but denied, `~` other connections. */
export function differenceLines(r: ExpectResult): string[] {
  const out: string[] = [];
  for (const u of r.unexpected) out.push(`+ ${u}`);
  for (const c of r.checked) {
    if (!c.problem) continue;
    const line = `${c.flow.src} => ${c.flow.dst}${c.flow.conns ? ` : ${c.flow.conns}` : ''}`;
    out.push(c.problem.startsWith('expected to be allowed') ? `- ${line}   (${c.flow.where})` : `~ ${line}   (${c.flow.where}: ${c.problem})`);
  }
  return out;
}
