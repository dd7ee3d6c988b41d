/**
 * A small Polaris evaluator for tests: runs the JSON-schema checks of test/fixtures/polaris-checks
 * (copied from Fairwinds Polaris, Apache-2.0; SOURCES.txt there) against the pod specs and containers of workloads.
 * Checks whose schema is a Go template (`schemaString`) and non-pod targets (Controller, RBAC,
 * PDB/HPA) are skipped: `skippedPolarisChecks()` lists them.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import * as yaml from 'js-yaml';

const CHECKS_DIR = path.join(__dirname, '..', 'fixtures', 'polaris-checks');

export interface PolarisFinding {
  readonly check: string;
  readonly severity: 'danger' | 'warning' | 'ignore';
  readonly object: string;
  readonly container?: string;
  readonly message: string;
}

interface LoadedCheck {
  readonly id: string;
  readonly severity: 'danger' | 'warning' | 'ignore';
  readonly target: string;
  readonly schemaTarget?: string;
  readonly message: string;
  readonly validate: (data: unknown) => boolean;
}

/** Drops null members (YAML `required:` with no items) so the schema compiles. */
function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v === null || typeof v !== 'object') return v;
  const out: any = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== null) out[k] = dropNulls(x);
  }
  return out;
}

let loaded: { checks: LoadedCheck[]; skipped: string[] } | undefined;

function load(): { checks: LoadedCheck[]; skipped: string[] } {
  if (loaded) return loaded;
  const config: any = yaml.load(fs.readFileSync(path.join(CHECKS_DIR, 'config', 'default.yaml'), 'utf8'));
  const ajv = new Ajv2019({
    strict: false,
    allErrors: false,
    // Polaris patterns use Go's inline (?i) flag
    code: {
      regExp: ((pattern: string, flags: string) => new RegExp(pattern.replace(/\(\?i\)/g, ''),
        pattern.includes('(?i)') ? `${flags}i` : flags)) as any,
    },
  });
  const checks: LoadedCheck[] = [];
  const skipped: string[] = [];
  for (const f of fs.readdirSync(CHECKS_DIR).filter((x) => x.endsWith('.yaml')).sort()) {
    const id = f.replace(/\.yaml$/, '');
    const def: any = yaml.load(fs.readFileSync(path.join(CHECKS_DIR, f), 'utf8'));
    if (!def.schema || !['Container', 'PodSpec'].includes(def.target)) {
      skipped.push(id);
      continue;
    }
    const { $schema: _s, ...schema } = dropNulls(def.schema);
    checks.push({
      id,
      severity: config.checks?.[id] ?? 'warning',
      target: def.target,
      schemaTarget: def.schemaTarget,
      message: def.failureMessage ?? def.FailureMessage ?? id,
      validate: ajv.compile(schema) as (d: unknown) => boolean,
    });
  }
  loaded = { checks, skipped };
  return loaded;
}

/** The checks this helper cannot evaluate (templated or non-pod targets). */
export function skippedPolarisChecks(): string[] {
  return load().skipped;
}

/** Pod spec of a workload manifest, or undefined. */
export function podSpecOf(obj: any): any {
  switch (obj?.kind) {
    case 'Pod': return obj.spec;
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return obj.spec?.template?.spec;
    default: return undefined;
  }
}

/** Runs the Polaris pod and container checks against every workload in `objs`. */
export function polarisFindings(objs: any[]): PolarisFinding[] {
  const out: PolarisFinding[] = [];
  for (const obj of objs) {
    const spec = podSpecOf(obj);
    if (!spec) continue;
    const name = `${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    for (const c of load().checks) {
      if (c.target === 'PodSpec' || c.schemaTarget === 'PodSpec') {
        if (!c.validate(spec)) out.push({ check: c.id, severity: c.severity, object: name, message: c.message });
        continue;
      }
      for (const ctr of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        if (!c.validate(ctr)) {
          out.push({ check: c.id, severity: c.severity, object: name, container: ctr.name, message: c.message });
        }
      }
    }
  }
  return out;
}
