#!/usr/bin/env node
// Checks the npm tarball that `npx projen package:js` wrote (dist/js/*.tgz, or the path given):
// the jsii assembly is there and loads, the compiled library has its declarations, the only CRDs
// are the library's own, the docs are there, and nothing else is. Prints the packed and unpacked
// sizes. Exits 1 with one line per problem. `checkEntries` is the rule, tested by
// test/packaging/package-contents.test.ts.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const DOCS = ['README.md', 'API.md', 'LICENSE', 'CHANGELOG.md'];

/**
 * The problems of a package's file list (paths relative to the package root, '/' separated).
 * @param entries {string[]} every file of the tarball
 * @param pkg {object} its package.json
 * @param ownCrds {string[]} the file names under crds/cdk8s-zero-trust/ in the repository
 * @param bundled {string[]} the bundled dependencies and what they need (default: bundledDependencies)
 * @returns {string[]} one message per problem, empty if the package is as it should be
 */
function checkEntries(entries, pkg, ownCrds, bundled = pkg.bundledDependencies ?? []) {
  const problems = [];
  const have = new Set(entries);
  const bins = Object.values(pkg.bin ?? {}).map(normalize);
  const required = ['package.json', '.jsii', ...DOCS, normalize(pkg.main ?? 'index.js'), normalize(pkg.types ?? 'index.d.ts'), ...bins];
  for (const f of required) if (!have.has(f)) problems.push(`missing ${f}`);
  for (const f of ownCrds) if (!have.has(`crds/cdk8s-zero-trust/${f}`)) problems.push(`missing crds/cdk8s-zero-trust/${f} (a CRD the library emits)`);
  for (const f of entries) {
    const why = unexpected(f, { have, bundled, ownCrds, required });
    if (why) problems.push(`unexpected ${f}: ${why}`);
  }
  return problems;
}

function normalize(p) {
  return p.replace(/^\.\//, '');
}

/** The bundled dependencies and, transitively, what they depend on (read from the unpacked tarball). */
function bundledClosure(pkgDir, pkg) {
  const names = new Set();
  const visit = (n) => {
    if (names.has(n)) return;
    names.add(n);
    const f = path.join(pkgDir, 'node_modules', n, 'package.json');
    const deps = fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')).dependencies ?? {} : {};
    Object.keys(deps).forEach(visit);
  };
  (pkg.bundledDependencies ?? []).forEach(visit);
  return [...names].sort();
}

function unexpected(f, { have, bundled, ownCrds, required }) {
  if (required.includes(f)) return undefined;
  if (f.startsWith('node_modules/')) {
    return bundled.some((n) => f.startsWith(`node_modules/${n}/`)) ? undefined : 'not a bundled dependency';
  }
  if (f.startsWith('crds/')) {
    return ownCrds.some((c) => f === `crds/cdk8s-zero-trust/${c}`) ? undefined : 'only the CRDs the library defines (crds/cdk8s-zero-trust/) belong in the package';
  }
  if (f.startsWith('lib/')) {
    if (f.endsWith('.d.ts')) return have.has(f.replace(/\.d\.ts$/, '.js')) ? undefined : 'a declaration without its .js';
    if (f.endsWith('.js')) return have.has(f.replace(/\.js$/, '.d.ts')) ? undefined : 'compiled code without its .d.ts';
    return 'only compiled .js and .d.ts belong under lib/';
  }
  return 'not part of the library (allowed: lib/, .jsii, crds/cdk8s-zero-trust/, bundled dependencies, package.json and the docs)';
}

/** Every file under dir, relative, '/' separated, with its size. */
function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push({ path: r, size: fs.statSync(path.join(dir, r)).size });
  }
  return out;
}

/** Problems of the assembly: it must load and validate as jsii-pacmak would, and match package.json. */
function checkAssembly(file, pkg) {
  const spec = require(require.resolve('@jsii/spec', { paths: [require.resolve('jsii-pacmak')] }));
  try {
    const asm = spec.loadAssemblyFromFile(file, true);
    const problems = [];
    if (asm.name !== pkg.name || asm.version !== pkg.version) problems.push(`.jsii is ${asm.name}@${asm.version}, package.json ${pkg.name}@${pkg.version}`);
    if (Object.keys(asm.types ?? {}).length === 0) problems.push('.jsii declares no types');
    return { problems, types: Object.keys(asm.types ?? {}).length };
  } catch (e) {
    return { problems: [`.jsii does not load: ${e.message}`], types: 0 };
  }
}

function latestTarball() {
  const dir = path.join(root, 'dist', 'js');
  const tgz = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tgz')) : [];
  if (tgz.length !== 1) throw new Error(`expected one tarball in ${dir} (run npx projen compile && npx projen package:js), found ${tgz.length}`);
  return path.join(dir, tgz[0]);
}

function main() {
  const tarball = path.resolve(process.argv[2] ?? latestTarball());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-package-'));
  try {
    execFileSync('tar', ['xzf', tarball, '-C', tmp]);
    const pkgDir = path.join(tmp, 'package');
    const files = walk(pkgDir);
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const ownCrds = fs.readdirSync(path.join(root, 'crds', 'cdk8s-zero-trust')).sort();
    const problems = checkEntries(files.map((f) => f.path), pkg, ownCrds, bundledClosure(pkgDir, pkg));
    const asm = fs.existsSync(path.join(pkgDir, '.jsii')) ? checkAssembly(path.join(pkgDir, '.jsii'), pkg) : { problems: [], types: 0 };
    problems.push(...asm.problems);
    const unpacked = files.reduce((s, f) => s + f.size, 0);
    const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
    console.log(`${path.basename(tarball)}: ${files.length} files, packed ${mb(fs.statSync(tarball).size)}, unpacked ${mb(unpacked)}; .jsii ${asm.types} types`);
    for (const p of problems) console.log(`  ${p}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { checkEntries };
if (require.main === module) process.exitCode = main();
