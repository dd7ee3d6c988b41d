import * as fs from 'fs';
import { readAccessLog, isAccessLog } from './access-log';
import { isHubble, readHubble } from './hubble';
import { isPolicyReport, readPolicyReports } from './policy-report';
import { isPrometheus, readPrometheus } from './prometheus';
import { bad, FileSummary, Finding, Observation, ReadResult } from './records';
import { parseDocuments } from '../analysis/documents';

/** The formats a records file may be in. */
export const RECORD_FORMATS = ['hubble (hubble observe -o json)', 'prometheus (Prometheus HTTP API answer for istio_requests_total / istio_tcp_connections_opened_total)',
  'access-log (Istio/Envoy JSON access log, dry-run results included)', 'policy-report (wgpolicyk8s.io PolicyReport YAML/JSON)'];

function firstLine(lines: string[]): number {
  return lines.findIndex((l) => l.trim() !== '');
}

/** Reads one records file, its format recognised from its content. */
export function readText(file: string, text: string): { observations: Observation[]; findings: Finding[]; summary: FileSummary } {
  const lines = text.split(/\r?\n/);
  const first = firstLine(lines);
  if (first < 0) return { observations: [], findings: [], summary: { file, format: 'empty', records: 0, connections: 0, skipped: {} } };
  let head: any;
  try { head = JSON.parse(lines[first]); } catch { head = undefined; }
  if (head !== undefined && isHubble(head)) return { ...readHubble(file, lines), findings: [] };
  if (head !== undefined && isAccessLog(head)) return { ...readAccessLog(file, lines), findings: [] };
  let docs: Array<{ obj: any; origin: string }>;
  try {
    docs = parseDocuments(text, file);
  } catch (e) {
    return bad(`${file}:${first + 1}`, 'records', lines[first].slice(0, 80), `one of the formats: ${RECORD_FORMATS.join('; ')} (${(e as Error).message})`);
  }
  if (docs.length === 1 && isPrometheus(docs[0].obj)) return { ...readPrometheus(file, docs[0].obj), findings: [] };
  if (docs.length && docs.every((d) => isPolicyReport(d.obj))) return { ...readPolicyReports(file, docs), observations: [] };
  return bad(`${file}:${first + 1}`, 'records', lines[first].slice(0, 80), `one of the formats: ${RECORD_FORMATS.join('; ')}`);
}

/** Reads records files (each in any of the formats), in the order given. */
export function readRecordFiles(files: string[]): ReadResult {
  const out: ReadResult = { observations: [], findings: [], files: [] };
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      return bad(f, 'records file', f, `a readable file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const r = readText(f, text);
    out.observations.push(...r.observations);
    out.findings.push(...r.findings);
    out.files.push(r.summary);
  }
  return out;
}
