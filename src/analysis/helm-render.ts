import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AnalysisError } from './analysis-error';
import { LoadedObject, parseDocuments } from './documents';

/**
 * The `helm` binary to render charts with: `explicit` if given (it must exist), else the first
 * `helm` on PATH; undefined when there is none (internal).
 */
export function findHelm(explicit: string | undefined, envPath: string | undefined): string | undefined {
  if (explicit !== undefined) {
    if (!fs.existsSync(explicit)) throw new AnalysisError(`--helm: "${explicit}" does not exist (give the path of a helm v3 or v4 binary)`);
    return explicit;
  }
  for (const dir of (envPath ?? '').split(path.delimiter).filter((d) => d)) {
    const candidate = path.join(dir, 'helm');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Renders a chart folder with `helm template` (its default values) and reads the objects, each
 * named by the template it came from (`chart/templates/x.yaml`) (internal).
 */
export function renderChart(helm: string, dir: string): LoadedObject[] {
  const release = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'release';
  const r = spawnSync(helm, ['template', release, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new AnalysisError(`${dir}: cannot run ${helm} template: ${r.error.message}`);
  if (r.status !== 0) {
    const first = (r.stderr || r.stdout || '').trim().split('\n')[0];
    throw new AnalysisError(`${dir}: helm template failed (exit ${r.status}): ${first}`);
  }
  const out: LoadedObject[] = [];
  for (const doc of r.stdout.split(/^---[ \t]*$/m)) {
    const m = /^# Source: (.+)$/m.exec(doc);
    const origin = m ? `${dir} (helm template: ${m[1].trim()})` : `${dir} (helm template)`;
    out.push(...parseDocuments(doc, origin));
  }
  return out;
}
