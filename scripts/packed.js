// Helpers of the scripts that use the library as a user would: from its packed tarball, installed
// with the registry's dependencies into a fresh directory outside the repository.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** The tarball `npx projen package:js` wrote (dist/js/*.tgz); packs the library first if there is none. */
function tarball() {
  const dir = path.join(root, 'dist', 'js');
  const list = () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tgz')) : []);
  if (list().length === 0) {
    run('npx', ['projen', 'compile'], root);
    run('npx', ['projen', 'package:js'], root);
  }
  const tgz = list();
  if (tgz.length !== 1) throw new Error(`expected one tarball in ${dir}, found ${tgz.join(', ') || 'none'}`);
  return path.join(dir, tgz[0]);
}

/** A fresh temporary directory (removed by `cleanup` unless KEEP_TMP is set). */
function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function cleanup(dir) {
  if (process.env.KEEP_TMP) console.log(`kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs a command with inherited output; throws naming it on a non-zero exit. */
function run(cmd, args, cwd, env = {}) {
  console.log(`$ (${path.relative(root, cwd) || '.'}) ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
}

/** Runs a command and returns its stdout (stderr passed through); throws on a non-zero exit. */
function output(cmd, args, cwd, env = {}) {
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } }).toString();
}

/** `npm install` in dir, from the registry, without audit or funding noise. */
function npmInstall(dir, ...specs) {
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir);
}

/** The Helm binaries of .cache/bin (scripts/fetch-helm.js): `helm` (3.x) and `helm4` when present. */
function helms() {
  return ['helm', 'helm4'].map((h) => path.join(root, '.cache', 'bin', h)).filter((h) => fs.existsSync(h));
}

module.exports = { root, tarball, tempDir, cleanup, run, output, npmInstall, helms };
