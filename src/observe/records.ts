import { fail } from '../core/validate';

/** One end of an observed connection, as the record names it (internal). */
export interface Endpoint {
  /** Kubernetes namespace. */
  readonly ns?: string;
  /** Pod name. */
  readonly pod?: string;
  /** Pod labels (Hubble's `k8s:` labels without the prefix). */
  readonly labels?: { [k: string]: string };
  /** Workload (owner) name as the record reports it: Istio's workload name, Hubble's `workloads[0].name`. */
  readonly workload?: string;
  /** Service account. */
  readonly serviceAccount?: string;
  /** SPIFFE principal (`cluster.local/ns/x/sa/y`, without `spiffe://`). */
  readonly principal?: string;
  /** IP address. */
  readonly ip?: string;
  /** Outside the cluster (Hubble `reserved:world`, Istio `unknown` with no principal). */
  readonly world?: boolean;
  /** A Hubble reserved identity other than world (`host`, `remote-node`, `kube-apiserver`, ...). */
  readonly reserved?: string;
}

/** One observed connection or request, with where it was read (internal). */
export interface Observation {
  /** The reader: `hubble`, `prometheus`, `access-log`. */
  readonly format: string;
  /** `file:line` (or `file` and a JSON path). */
  readonly where: string;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
  /** Destination (container) port; undefined when the record has none (Istio metrics: from the Service). */
  readonly port?: number;
  /** The destination Service host (`name.ns.svc.cluster.local`), when the record names it. */
  readonly service?: string;
  readonly method?: string;
  readonly path?: string;
  /** Hubble verdict, `shadow-denied` (Istio dry-run) or `observed`. */
  readonly verdict: string;
  /** How many connections or requests the record stands for. */
  readonly count: number;
  /** The Istio dry-run policy that would deny it (`ns[x]-policy[y]-rule[0]`). */
  readonly shadowDeniedBy?: string;
}

/** One PolicyReport result (internal). */
export interface Finding {
  readonly where: string;
  readonly policy: string;
  readonly rule: string;
  readonly result: string;
  readonly message: string;
  readonly resource: string;
  readonly severity: string;
}

/** What one file held (internal). */
export interface FileSummary {
  readonly file: string;
  readonly format: string;
  /** Records (lines, series, results) read. */
  readonly records: number;
  /** Records that are observed connections. */
  readonly connections: number;
  /** Records that are not connections, by reason (`reply`, `not L4`, ...): counted, never dropped silently. */
  readonly skipped: { [reason: string]: number };
}

/** What the readers produced (internal). */
export interface ReadResult {
  readonly observations: Observation[];
  readonly findings: Finding[];
  readonly files: FileSummary[];
}

/** Throws the error a malformed record gets: `file:line: invalid field value: expected ...`. */
export function bad(where: string, field: string, value: unknown, expected: string): never {
  return fail(where, field, value, expected);
}

/** `obj[key]` as a string, or undefined; any other type is an error naming the field. */
export function optString(obj: any, key: string, where: string, field: string): string | undefined {
  const v = obj?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(where, field, v, 'a string');
  return v;
}

/** A port number (number or numeric string) in 1-65535, or an error naming the field. */
export function portOf(v: unknown, where: string, field: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) bad(where, field, v, 'a port number from 1 to 65535');
  return n;
}

/** Parses one JSON line; a syntax error names the file and line. */
export function parseLine(text: string, where: string): any {
  try {
    return JSON.parse(text);
  } catch (e) {
    return bad(where, 'JSON', text.length > 80 ? `${text.slice(0, 80)}...` : text, `one JSON object per line (${(e as Error).message})`);
  }
}

/** Counts `reason` in a skipped map. */
export function skip(skipped: { [reason: string]: number }, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}

/** Principal without `spiffe://`, or undefined for an empty or `unknown` value. */
export function principalOf(v: string | undefined): string | undefined {
  if (!v || v === 'unknown' || v === '-') return undefined;
  return v.replace(/^spiffe:\/\//, '');
}
