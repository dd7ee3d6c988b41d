/* eslint-disable no-bitwise */
import { ConnSet } from './conn-set';
import { formatInterval, fullRange, IpInterval, mergeIntervals, subtractIntervals } from './ip-range';

/** One drawn edge (internal): endpoints as rendered and the edge label. */
export interface RenderRow {
  readonly src: string;
  readonly dst: string;
  readonly label: string;
  readonly limited: boolean;
  /** Who allowed it (`egress: Admin/p/r`), drawn under the label when the input has tier policies. */
  readonly decidedBy?: string[];
}

/** The namespace of a `ns/name[Kind]` peer. */
export function nsOf(peer: string): string | undefined {
  if (peer.endsWith('[External]')) return undefined;
  const m = /^([^/{]+)\/[^/]+\[[^\]]+\]$/.exec(peer);
  return m ? m[1] : undefined;
}

/**
 * The short form of a connection for diagrams: protocols in TCP, UDP, SCTP order, a full port
 * range as the bare protocol, and Istio's part (`mTLS`, L7 limits) right after the TCP ports:
 * `TCP 8080 [mTLS, L7: POST /api/payments]`, `TCP 53, UDP 53`, `All Connections [mTLS]`.
 */
export function compactConns(conns: ConnSet, mtls: boolean, l7Short: string[]): string {
  const marks = [mtls ? 'mTLS' : '', l7Short.length ? `L7: ${l7Short.join('; ')}` : ''].filter((x) => x);
  const tag = marks.length ? ` [${marks.join(', ')}]` : '';
  if (conns.isAll) return `All Connections${tag}`;
  const m = new Map(conns.entries());
  const parts = ['TCP', 'UDP', 'SCTP'].filter((p) => m.has(p)).map((p) => {
    const r = m.get(p)!;
    const text = r.length === 1 && r[0] === '1-65535' ? p : `${p} ${r.join(',')}`;
    return p === 'TCP' ? text + tag : text;
  });
  return parts.join(', ') + (m.has('TCP') ? '' : tag);
}

/** The CIDRs that make up an interval (undefined if more than `max`). */
function cidrsOf(r: IpInterval, max: number): string[] | undefined {
  const bits = r.v6 ? 128n : 32n;
  const out: string[] = [];
  let lo = r.lo;
  while (lo <= r.hi) {
    let size = 0n;
    while (size < bits && (lo & ((1n << (size + 1n)) - 1n)) === 0n && lo + (1n << (size + 1n)) - 1n <= r.hi) size++;
    const hi = lo + (1n << size) - 1n;
    out.push(`${formatInterval({ v6: r.v6, lo, hi }).split('-')[0]}/${bits - size}`);
    if (out.length > max) return undefined;
    lo = hi + 1n;
  }
  return out;
}

function intervalsText(rs: IpInterval[]): string {
  return rs.map((r) => (cidrsOf(r, 3) ?? [formatInterval(r)]).join(', ')).join(', ');
}

/**
 * A readable name for a set of external ranges: CIDRs (`10.2.0.0/15`), or the whole family
 * minus a few (`0.0.0.0/0 except 10.2.0.0/15`) when that is shorter; `a-b` where a range is not
 * a few CIDRs.
 */
export function externalSetName(rs: IpInterval[]): string {
  const parts: string[] = [];
  for (const v6 of [false, true]) {
    const set = mergeIntervals(rs.filter((r) => r.v6 === v6));
    if (!set.length) continue;
    const all = fullRange(v6);
    const rest = subtractIntervals([all], set);
    const whole = v6 ? '::/0' : '0.0.0.0/0';
    const direct = intervalsText(set);
    const except = rest.length ? `${whole} except ${intervalsText(rest)}` : whole;
    parts.push(except.length < direct.length ? except : direct);
  }
  return `${parts.join(', ')}[External]`;
}

function mdCell(s: string): string { return s.replace(/\|/g, '\\|'); }

/** What every renderer says when nothing is allowed (an empty matrix or picture is not an answer). */
export const NO_CONNECTIONS = 'No connections are allowed.';

/** Markdown matrix (internal). */
export function toMarkdown(peers: string[], rows: RenderRow[]): string {
  if (!rows.length) return `_${NO_CONNECTIONS}_`;
  const srcs = peers.filter((p) => rows.some((c) => c.src === p));
  const dsts = peers.filter((p) => rows.some((c) => c.dst === p));
  const cell = new Map(rows.map((c) => [`${c.src}\0${c.dst}`, c.label]));
  const lines = [
    `| src \\ dst | ${dsts.map(mdCell).join(' | ')} |`,
    `|---|${dsts.map(() => '---').join('|')}|`,
  ];
  for (const s of srcs) {
    lines.push(`| ${mdCell(s)} | ${dsts.map((d) => (s === d ? '—' : mdCell(cell.get(`${s}\0${d}`) ?? ''))).join(' | ')} |`);
  }
  return lines.join('\n');
}

function groups(peers: string[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const p of peers) {
    const ns = nsOf(p) ?? '';
    if (!g.has(ns)) g.set(ns, []);
    g.get(ns)!.push(p);
  }
  return g;
}

function label(peer: string): string {
  const ns = nsOf(peer);
  return ns ? peer.slice(ns.length + 1) : peer;
}

/** Mermaid flowchart (internal). */
export function toMermaid(peers: string[], rows: RenderRow[]): string {
  const used = peers.filter((p) => rows.some((c) => c.src === p || c.dst === p));
  const id = new Map(used.map((p, i) => [p, `n${i}`]));
  const q = (s: string): string => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  if (!rows.length) return [...lines, `  none["${NO_CONNECTIONS}"]`].join('\n');
  for (const [ns, ps] of groups(used)) {
    const indent = ns ? '    ' : '  ';
    if (ns) lines.push(`  subgraph ns_${ns.replace(/[^A-Za-z0-9_]/g, '_')}["${q(ns)}"]`);
    for (const p of ps) lines.push(`${indent}${id.get(p)}["${q(label(p))}"]`);
    if (ns) lines.push('  end');
  }
  for (const c of rows) lines.push(`  ${id.get(c.src)} ${c.limited ? '-.->' : '-->'}|"${q(c.label)}"| ${id.get(c.dst)}`);
  return lines.join('\n');
}

function dotQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Graphviz DOT digraph (internal). Each edge's label is a node of its own (`src -> label -> dst`):
 * dot never overlaps nodes, while edge labels overlap each other and cluster titles wherever
 * edges run between clusters of one rank. A label node sits in its edge's namespace cluster when
 * both ends are in it.
 */
export function toDot(peers: string[], rows: RenderRow[]): string {
  const used = peers.filter((p) => rows.some((c) => c.src === p || c.dst === p));
  const q = dotQuote;
  const lines = ['digraph {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  if (!rows.length) return [...lines, `  none [shape=plaintext, label=${q(NO_CONNECTIONS)}];`, '}'].join('\n');
  // DOT's \n line break between the label and who allowed the edge
  const text = (c: RenderRow): string => `"${[c.label, ...(c.decidedBy ?? [])].map((x) => q(x).slice(1, -1)).join('\\n')}"`;
  const labelNode = (c: RenderRow, i: number): string => `    e${i} [shape=plaintext, style="", fontsize=11, label=${text(c)}];`;
  const inner = new Map<string, string[]>();
  const outer: string[] = [];
  rows.forEach((c, i) => {
    const ns = nsOf(c.src);
    if (ns && ns === nsOf(c.dst)) inner.set(ns, [...(inner.get(ns) ?? []), labelNode(c, i)]);
    else outer.push(labelNode(c, i).slice(2));
  });
  let k = 0;
  for (const [ns, ps] of groups(used)) {
    if (ns) {
      lines.push(`  subgraph cluster_${k++} {`, `    label=${q(ns)};`);
      for (const p of ps) lines.push(`    ${q(p)} [label=${q(label(p))}];`);
      lines.push(...(inner.get(ns) ?? []), '  }');
    } else {
      for (const p of ps) lines.push(`  ${q(p)} [shape=${p.endsWith('[External]') ? 'ellipse' : 'diamond'}];`);
    }
  }
  lines.push(...outer);
  rows.forEach((c, i) => {
    const dashed = c.limited ? 'style=dashed' : '';
    lines.push(`  ${q(c.src)} -> e${i} [arrowhead=none${dashed ? `, ${dashed}` : ''}];`, `  e${i} -> ${q(c.dst)}${dashed ? ` [${dashed}]` : ''};`);
  });
  lines.push('}');
  return lines.join('\n');
}
