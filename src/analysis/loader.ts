import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { AnalysisError } from './analysis-error';

function listFiles(p: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new AnalysisError(`path "${p}" does not exist (give manifest files or directories)`);
  }
  if (st.isFile()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p).sort()) {
    const full = path.join(p, e);
    if (fs.statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (/\.(ya?ml|json)$/i.test(e)) out.push(full);
  }
  return out;
}

/** Reads every Kubernetes object from YAML/JSON files and directories (recursive, sorted). */
export function loadObjects(paths: string[]): any[] {
  const objs: any[] = [];
  for (const p of paths) {
    for (const f of listFiles(p)) {
      const text = fs.readFileSync(f, 'utf8');
      let docs: any[];
      try {
        docs = yaml.loadAll(text);
      } catch (e) {
        throw new AnalysisError(`${f}: cannot parse YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
      }
      for (const d of docs) if (d && typeof d === 'object') objs.push(d);
    }
  }
  return objs;
}
