import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './paths';

/**
 * The Helm lines the Helm output is tested with (the README's supported versions): Helm 3
 * (`.cache/bin/helm`, 3.17) and Helm 4 (`.cache/bin/helm4`, 4.1).
 */
export const HELM_LINES = ['3', '4'];

/**
 * Path of the real helm binary of a line (.cache/bin/helm for 3, .cache/bin/helm4 for 4),
 * fetched by scripts/fetch-helm.js if missing.
 */
export function helmPath(line: string = '3'): string {
  if (!HELM_LINES.includes(line)) throw new Error(`no Helm ${line}: the tested lines are ${HELM_LINES.join(', ')}`);
  const helm = path.join(REPO_ROOT, '.cache', 'bin', line === '3' ? 'helm' : `helm${line}`);
  if (!fs.existsSync(helm)) execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'fetch-helm.js')], { stdio: 'pipe' });
  return helm;
}

/** Path of the real kubectl binary (.cache/bin/kubectl, v1.31), fetched with helm if missing. */
export function kubectlPath(): string {
  helmPath();
  return path.join(REPO_ROOT, '.cache', 'bin', 'kubectl');
}
