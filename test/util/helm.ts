import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './paths';

/** Path of the real helm binary (.cache/bin/helm), fetched by scripts/fetch-helm.js if missing. */
export function helmPath(): string {
  const helm = path.join(REPO_ROOT, '.cache', 'bin', 'helm');
  if (!fs.existsSync(helm)) execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'fetch-helm.js')], { stdio: 'pipe' });
  return helm;
}

/** Path of the real kubectl binary (.cache/bin/kubectl, v1.31), fetched with helm if missing. */
export function kubectlPath(): string {
  helmPath();
  return path.join(REPO_ROOT, '.cache', 'bin', 'kubectl');
}
