import { Connection } from './types';

function nsOf(peer: string): string | undefined {
  const m = /^([^/{]+)\/[^/]+\[[^\]]+\]$/.exec(peer);
  return m ? m[1] : undefined;
}

function mdCell(s: string): string { return s.replace(/\|/g, '\\|'); }

/** Markdown matrix (internal). */
export function toMarkdown(peers: string[], conns: Connection[]): string {
  const srcs = peers.filter((p) => conns.some((c) => c.src === p));
  const dsts = peers.filter((p) => conns.some((c) => c.dst === p));
  const cell = new Map(conns.map((c) => [`${c.src}\0${c.dst}`, c.conns + (c.l7.length ? ` (L7: ${c.l7.join('; ')})` : '')]));
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
export function toMermaid(peers: string[], conns: Connection[]): string {
  const used = peers.filter((p) => conns.some((c) => c.src === p || c.dst === p));
  const id = new Map(used.map((p, i) => [p, `n${i}`]));
  const q = (s: string): string => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const [ns, ps] of groups(used)) {
    const indent = ns ? '    ' : '  ';
    if (ns) lines.push(`  subgraph ns_${ns.replace(/[^A-Za-z0-9_]/g, '_')}["${q(ns)}"]`);
    for (const p of ps) lines.push(`${indent}${id.get(p)}["${q(label(p))}"]`);
    if (ns) lines.push('  end');
  }
  for (const c of conns) lines.push(`  ${id.get(c.src)} -->|"${q(c.conns + (c.l7.length ? ' (L7 limited)' : ''))}"| ${id.get(c.dst)}`);
  return lines.join('\n');
}

/** Graphviz DOT digraph (internal). */
export function toDot(peers: string[], conns: Connection[]): string {
  const used = peers.filter((p) => conns.some((c) => c.src === p || c.dst === p));
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  let i = 0;
  for (const [ns, ps] of groups(used)) {
    if (ns) {
      lines.push(`  subgraph cluster_${i++} {`, `    label=${q(ns)};`);
      for (const p of ps) lines.push(`    ${q(p)} [label=${q(label(p))}];`);
      lines.push('  }');
    } else {
      for (const p of ps) lines.push(`  ${q(p)} [shape=${p.endsWith('[External]') ? 'ellipse' : 'diamond'}];`);
    }
  }
  for (const c of conns) {
    lines.push(`  ${q(c.src)} -> ${q(c.dst)} [label=${q(c.conns + (c.l7.length ? ' (L7 limited)' : ''))}${c.l7.length ? ', style=dashed' : ''}];`);
  }
  lines.push('}');
  return lines.join('\n');
}
