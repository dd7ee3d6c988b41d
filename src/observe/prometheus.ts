import { bad, Endpoint, FileSummary, Observation, principalOf, skip } from './records';

const METRICS = ['istio_requests_total', 'istio_tcp_connections_opened_total'];

/** True if a parsed document is a Prometheus HTTP API answer. */
export function isPrometheus(o: any): boolean {
  return !!o && typeof o === 'object' && typeof o.status === 'string' && typeof o.data === 'object' && o.data !== null && 'resultType' in o.data;
}

function label(m: any, key: string, where: string): string | undefined {
  const v = m[key];
  if (v === undefined || v === '' || v === 'unknown') return undefined;
  if (typeof v !== 'string') bad(where, `metric.${key}`, v, 'a string label value');
  return v;
}

function side(m: any, prefix: 'source' | 'destination', where: string): Endpoint {
  const workload = label(m, `${prefix}_workload`, where);
  const ns = label(m, `${prefix}_workload_namespace`, where);
  const principal = principalOf(label(m, `${prefix}_principal`, where));
  const sa = principal ? /\/sa\/([^/]+)$/.exec(principal)?.[1] : undefined;
  const app = label(m, `${prefix}_app`, where);
  if (!workload && !principal) return { reserved: 'unknown' };
  return { workload, ns, principal, serviceAccount: sa, labels: app ? { app } : undefined };
}

function sampleOf(r: any, where: string): number {
  const sample = Array.isArray(r.value) ? r.value : Array.isArray(r.values) ? r.values[r.values.length - 1] : undefined;
  if (!Array.isArray(sample) || sample.length !== 2) bad(where, 'value', r.value ?? r.values, 'a [ <unix_time>, "<sample_value>" ] pair (vector) or values (matrix)');
  const n = Number(sample[1]);
  if (typeof sample[1] !== 'string' || !Number.isFinite(n) || n < 0) bad(where, 'value[1]', sample[1], 'a sample value: a string holding a number >= 0');
  return n;
}

function seriesOf(r: any, where: string, skipped: { [reason: string]: number }, sourceToo: boolean): Observation | undefined {
  const m = r?.metric;
  if (!m || typeof m !== 'object') bad(where, 'metric', m, 'a label set');
  const name = m.__name__;
  if (name !== undefined && !METRICS.includes(name)) bad(where, 'metric.__name__', name, `one of ${METRICS.join(', ')} (Istio standard metrics)`);
  if (m.destination_workload === undefined && m.destination_service === undefined) bad(where, 'metric', m, 'Istio labels: destination_workload, destination_service, source_workload, ...');
  if (sourceToo && m.reporter === 'source') { skip(skipped, 'reported by both ends (reporter=source)'); return undefined; }
  const n = sampleOf(r, where);
  if (n === 0) { skip(skipped, 'no traffic in the window'); return undefined; }
  const tcp = name === 'istio_tcp_connections_opened_total' || m.request_protocol === 'tcp';
  return {
    format: 'prometheus',
    where,
    src: side(m, 'source', where),
    dst: side(m, 'destination', where),
    protocol: 'TCP',
    service: label(m, 'destination_service', where),
    verdict: tcp ? 'tcp' : `http ${m.response_code ?? ''}`.trim(),
    count: Math.max(1, Math.round(n)),
  };
}

/**
 * Reads a Prometheus HTTP API answer (`/api/v1/query` or `query_range`) for Istio's standard
 * metrics `istio_requests_total` and `istio_tcp_connections_opened_total`. Series reported by
 * the source proxy are skipped when the destination proxy reported too (the same requests).
 */
export function readPrometheus(file: string, doc: any): { observations: Observation[]; summary: FileSummary } {
  if (doc.status !== 'success') bad(file, 'status', doc.status, `"success" (the query failed: ${doc.error ?? 'no error text'})`);
  const type = doc.data.resultType;
  if (type !== 'vector' && type !== 'matrix') bad(file, 'data.resultType', type, '"vector" or "matrix" (a query of Istio metric series)');
  const result = doc.data.result;
  if (!Array.isArray(result)) bad(file, 'data.result', result, 'a list of series');
  const skipped: { [reason: string]: number } = {};
  const sourceToo = result.some((r: any) => r?.metric?.reporter === 'destination');
  const observations: Observation[] = [];
  result.forEach((r: any, i: number) => {
    const o = seriesOf(r, `${file}: data.result[${i}]`, skipped, sourceToo);
    if (o) observations.push(o);
  });
  return { observations, summary: { file, format: 'prometheus', records: result.length, connections: observations.length, skipped } };
}
