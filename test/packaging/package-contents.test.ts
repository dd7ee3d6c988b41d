/**
 * What goes into the npm tarball: the rule of scripts/check-package.js (which CI runs on the
 * packed tarball after `package:js`), and `npm pack --dry-run` of this tree against it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../util';

type CheckEntries = (entries: string[], pkg: object, ownCrds: string[], bundled?: string[]) => string[];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkEntries } = require(path.join(REPO_ROOT, 'scripts', 'check-package.js')) as { checkEntries: CheckEntries };

const OWN_CRDS = fs.readdirSync(path.join(REPO_ROOT, 'crds', 'cdk8s-zero-trust')).sort();
const PKG = {
  name: 'cdk8s-zero-trust',
  version: '0.1.0',
  main: 'lib/index.js',
  types: 'lib/index.d.ts',
  bin: { 'cdk8s-zero-trust': 'lib/cli/main.js' },
  bundledDependencies: ['js-yaml'],
};
const GOOD = [
  'package.json', '.jsii', 'README.md', 'API.md', 'LICENSE', 'CHANGELOG.md',
  'lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js', 'lib/cli/main.d.ts',
  'lib/imports/k8s.js', 'lib/imports/k8s.d.ts',
  ...OWN_CRDS.map((f) => `crds/cdk8s-zero-trust/${f}`),
  'node_modules/js-yaml/package.json', 'node_modules/js-yaml/index.js',
  'node_modules/argparse/package.json', 'node_modules/argparse/argparse.js',
];
const BUNDLED = ['argparse', 'js-yaml'];

test('the library\'s own CRDs are the ones it emits (FailoverPolicy, ReplicationPolicy)', () => {
  expect(OWN_CRDS).toEqual(['failover.k8s_failoverpolicies.yaml', 'replication.database_replicationpolicies.yaml']);
});

test('a package with the assembly, compiled code, declarations, own CRDs and docs passes', () => {
  expect(checkEntries(GOOD, PKG, OWN_CRDS, BUNDLED)).toEqual([]);
});

test.each([
  ['crds/istio/crd-all.gen.yaml', 'only the CRDs the library defines'],
  ['test/util/validate.ts', 'not part of the library'],
  ['sample/main.ts', 'not part of the library'],
  ['bench/main.ts', 'not part of the library'],
  ['.cache/bin/helm', 'not part of the library'],
  ['src/index.ts', 'not part of the library'],
  ['lib/index.ts', 'only compiled .js and .d.ts'],
  ['tsconfig.tsbuildinfo', 'not part of the library'],
  ['node_modules/yaml/package.json', 'not a bundled dependency'],
])('%s in the package is refused (%s)', (extra, why) => {
  expect(checkEntries([...GOOD, extra], PKG, OWN_CRDS, BUNDLED)).toEqual([expect.stringContaining(`unexpected ${extra}: ${why}`)]);
});

test.each([
  ['.jsii', 'missing .jsii'],
  ['API.md', 'missing API.md'],
  ['CHANGELOG.md', 'missing CHANGELOG.md'],
  ['lib/cli/main.js', 'missing lib/cli/main.js'],
  [`crds/cdk8s-zero-trust/${OWN_CRDS[0]}`, `missing crds/cdk8s-zero-trust/${OWN_CRDS[0]}`],
])('a package without %s is refused', (gone, message) => {
  expect(checkEntries(GOOD.filter((f) => f !== gone), PKG, OWN_CRDS, BUNDLED)).toContainEqual(expect.stringContaining(message));
});

test('compiled code without its declarations is refused', () => {
  expect(checkEntries(GOOD.filter((f) => f !== 'lib/imports/k8s.d.ts'), PKG, OWN_CRDS, BUNDLED))
    .toEqual(['unexpected lib/imports/k8s.js: compiled code without its .d.ts']);
});

test('npm pack of this tree takes nothing but the library (package.json files, bundled js-yaml)', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const packed = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const problems = checkEntries(packed, pkg, OWN_CRDS, BUNDLED);
  // a tree that is not compiled lacks lib/ and .jsii; CI compiles before the tests, so there nothing may be missing
  const compiled = fs.existsSync(path.join(REPO_ROOT, '.jsii'));
  expect(problems.filter((p) => compiled || !p.startsWith('missing '))).toEqual([]);
  expect(pkg.version).not.toBe('0.0.0');
  expect(fs.readFileSync(path.join(REPO_ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## ${pkg.version}`);
});
