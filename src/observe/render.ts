import type { ObserveReport } from './observe-report';
import { ObservedFlow } from './types';

function flowLine(f: ObservedFlow): string {
  const extra = [
    `${f.count} seen by ${f.seenBy.join(', ')}`,
    f.http.length ? `HTTP ${f.http.join(', ')}` : '',
    f.shadowDeniedBy.length ? `Istio dry-run denies: ${f.shadowDeniedBy.join(', ')}` : '',
    `first at ${f.firstSeen}`,
  ].filter((x) => x);
  return `- ${f.src} => ${f.dst} : ${f.port} (${extra.join('; ')})`;
}

function summaryLines(r: ObserveReport): string[] {
  const total = r.files.reduce((n, f) => n + f.records, 0);
  const conns = r.files.reduce((n, f) => n + f.connections, 0);
  const lines = [`Read ${r.files.length} file${r.files.length === 1 ? '' : 's'}: ${total} records, ${conns} connections.`, ''];
  for (const f of r.files) {
    const skipped = Object.entries(f.skipped).sort().map(([k, n]) => `${n} ${k}`).join(', ');
    lines.push(`- ${f.file} (${f.format}): ${f.records} records, ${f.connections} connections${skipped ? `; not connections: ${skipped}` : ''}`);
  }
  return lines;
}

function section(title: string, lines: string[], none: string): string[] {
  return [`## ${title}`, '', ...(lines.length ? lines : [none]), ''];
}

/** The report as Markdown text (internal). */
export function renderText(r: ObserveReport): string {
  const p = r.proof;
  const out = [
    '# Observe report', '',
    ...summaryLines(r), '',
    ...section(`Enforcing would block (${r.wouldBlock.length} observed connection${r.wouldBlock.length === 1 ? '' : 's'})`, r.wouldBlock.map(flowLine), 'Nothing observed would be blocked.'),
    ...section(`Not mapped to the manifests (${r.unmapped.length}; never proposed)`,
      r.unmapped.map((u) => `- ${u.src} => ${u.dst}${u.port ? ` : ${u.port}` : ''} (${u.count} seen; ${u.reason}; first at ${u.firstSeen})`), 'Every observed endpoint maps to one workload.'),
    ...section(`Allowed but never observed (${r.unobserved.length}; candidates to narrow or remove)`,
      r.unobserved.map((u) => `- ${u.src} => ${u.dst} : ${u.allowed} (observed: ${u.observed})`), 'Every allowed flow was observed.'),
    ...section(`Guardrail findings (${r.findings.length})`,
      r.findings.map((f) => `- ${f.result}: ${f.policy}${f.rule ? `/${f.rule}` : ''} on ${f.resource}: ${f.message} (${f.where})`), 'No fail, warn or error result.'),
    `## Proposal (${r.proposal.length} line${r.proposal.length === 1 ? '' : 's'})`, '',
    ...(r.proposal.length ? ['```ts', r.proposalCode(), '```'] : ['Nothing to propose.']), '',
    '## Proof', '',
    `The analyzer re-run with the proposal added: ${p.allowedAfter}/${p.blockedBefore} observed blocked connections allowed`
      + `${p.notProposed.length ? ` (${p.notProposed.length} not proposed)` : ''}, `
      + `${p.unobservedOpened.length} connection${p.unobservedOpened.length === 1 ? '' : 's'} opened beyond them: ${p.holds ? 'the proposal holds' : 'the proposal does NOT hold'}.`,
    ...p.notProposed.map((s) => `- not proposed: ${s}`),
    ...p.stillBlocked.map((s) => `- still blocked: ${s}`),
    ...p.unobservedOpened.map((s) => `- opened but not observed: ${s}`),
  ];
  return out.join('\n');
}

/** The report as JSON (internal). */
export function renderJson(r: ObserveReport): string {
  return JSON.stringify({
    files: r.files,
    wouldBlock: r.wouldBlock,
    unmapped: r.unmapped,
    unobserved: r.unobserved,
    findings: r.findings,
    proposal: r.proposal,
    proof: r.proof,
    observed: r.observed,
  }, null, 2);
}
