/**
 * Runs the real helm binary (test/util's helmPath()) on chart directories.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { helmPath } from '../util';

/** The real helm binary of a line (test/util's helmPath(): fetched into .cache/bin by scripts/fetch-helm.js). */
export function helmBin(line: string = '3'): string {
  return helmPath(line);
}

/** Result of one helm run. */
export interface HelmRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs Helm 3 with args; never throws on a non-zero exit. */
export function helm(...args: string[]): HelmRun {
  return helmOn('3', ...args);
}

/** Runs the helm of a line (test/util's HELM_LINES) with args; never throws on a non-zero exit. */
export function helmOn(line: string, ...args: string[]): HelmRun {
  const r = spawnSync(helmBin(line), args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: tmp('helm-cache'), HELM_CONFIG_HOME: tmp('helm-config'), HELM_DATA_HOME: tmp('helm-data') } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` (with CRDs) on Helm 3; throws with helm's message on failure. */
export function helmTemplate(chartDir: string, ...args: string[]): string {
  return helmTemplateOn('3', chartDir, ...args);
}

/** `helm template` (with CRDs) on the helm of a line; throws with helm's message on failure. */
export function helmTemplateOn(line: string, chartDir: string, ...args: string[]): string {
  const r = helmOn(line, 'template', 'rel', chartDir, '--include-crds', ...args);
  if (r.status !== 0) {
    throw new Error(`helm ${line} template failed (${r.status}): ${r.stderr}`);
  }
  return r.stdout;
}

/** One rendered document: its `# Source:` file, its text (without the header) and the object. */
export interface RenderedDoc {
  readonly source: string;
  readonly text: string;
  readonly object: any;
}

/** Splits `helm template` output into documents (parsed as YAML 1.1, like cdk8s writes). */
export function splitRendered(out: string): RenderedDoc[] {
  const docs: RenderedDoc[] = [];
  for (const chunk of out.split(/^---\n/m)) {
    const m = /^# Source: (.*)\n/.exec(chunk);
    if (!m) {
      if (chunk.trim() !== '') {
        throw new Error(`unexpected helm output chunk: ${chunk}`);
      }
      continue;
    }
    const text = chunk.slice(m[0].length);
    const parsed = parseAllDocuments(text, { version: '1.1' });
    const objects = (Array.isArray(parsed) ? parsed : [parsed]).map(d => d.toJS());
    if (objects.length !== 1) {
      throw new Error(`expected one object in ${m[1]}, got ${objects.length}`);
    }
    docs.push({ source: m[1], text, object: objects[0] });
  }
  return docs;
}

/** apiVersion/kind/namespace/name of an object. */
export function objectKey(o: any): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Objects sorted by key (helm sorts by install order, cdk8s by dependencies). */
export function byKey(objs: any[]): any[] {
  return [...objs].sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0));
}

/** A fresh temporary directory. */
export function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `zt-${prefix}-`));
}

/** The helm version line of a line's binary, e.g. v3.17.3. */
export function helmVersion(line: string = '3'): string {
  return execFileSync(helmBin(line), ['version', '--short'], { encoding: 'utf8' }).trim();
}
