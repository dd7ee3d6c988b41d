/**
 * Reading `src => dst : conns` lines of `assertExactly` in linear time (internal). The regular
 * expression it replaces (`^(.+?)\s*=>\s*(.+?)(?:\s+:\s+(.+))?$`) backtracked quadratically on a
 * long line without `=>` or with many `:`.
 */

/** The parts of one assertion line (already trimmed). */
export interface AssertionLine {
  readonly src: string;
  readonly dst: string;
  readonly conns?: string;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && c.trim() === '' && c !== '';

/**
 * Splits a trimmed line at its first `=>` and then at the first ` : ` (whitespace on both sides)
 * of the rest; undefined if there is no `=>` or either side is empty.
 *
 * @param line a trimmed line
 */
export function splitAssertionLine(line: string): AssertionLine | undefined {
  const arrow = line.indexOf('=>');
  if (arrow === -1) return undefined;
  const src = line.slice(0, arrow).trimEnd();
  const rest = line.slice(arrow + 2).trimStart();
  if (src === '' || rest === '') return undefined;
  for (let j = rest.indexOf(':'); j !== -1; j = rest.indexOf(':', j + 1)) {
    if (!isSpace(rest[j - 1]) || !isSpace(rest[j + 1])) continue;
    const dst = rest.slice(0, j).trimEnd();
    const conns = rest.slice(j + 1).trimStart();
    if (dst !== '' && conns !== '') return { src, dst, conns };
  }
  return { src, dst: rest };
}

/** A line cut for an error message (a hostile line may be megabytes long). */
export function cutLine(line: string, max = 200): string {
  return line.length <= max ? line : `${line.slice(0, max)}... (${line.length} characters)`;
}
