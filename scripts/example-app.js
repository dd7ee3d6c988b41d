#!/usr/bin/env node
// The onboarding path of the README's "Use it in your app", run for real: copies examples/shop-app
// into a fresh directory, installs the packed library (dist/js/*.tgz) and the example's other
// dependencies from the npm registry, runs `cdk8s synth` (TypeScript 7: tsc, then node), then
// checks the output as the sample's is checked: every object schema-valid, `helm lint --strict`
// and `helm template` (== the plain manifests) with each Helm of .cache/bin, and the packaged
// `cdk8s-zero-trust analyze` CLI on the manifests (the declared flow allowed, its reverse denied).
const fs = require('fs');
const path = require('path');
const yaml = require('yaml');
const { root, tarball, tempDir, cleanup, run, output, npmInstall, helms } = require('./packed');

const EXAMPLE = path.join(root, 'examples', 'shop-app');
const FLOW = 'web/frontend[Deployment] => api/catalog[Deployment] : TCP 8080';
const REVERSE = 'api/catalog[Deployment] => web/frontend[Deployment] : No Connections';

function copyExample(dir) {
  for (const f of fs.readdirSync(EXAMPLE)) {
    if (['node_modules', 'lib', 'dist', 'package-lock.json'].includes(f) || f.endsWith('.tgz')) continue;
    fs.cpSync(path.join(EXAMPLE, f), path.join(dir, f), { recursive: true });
  }
  fs.copyFileSync(tarball(), path.join(dir, 'cdk8s-zero-trust.tgz'));
}

/** The objects of YAML text, sorted by identity, as comparable JSON. */
function objectsOf(text) {
  return yaml.parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS()).filter((o) => o)
    .map((o) => JSON.stringify(o)).sort();
}

function checkHelm(app) {
  const chart = path.join(app, 'dist', 'helm', 'shop');
  const manifests = objectsOf(fs.readFileSync(path.join(app, 'dist', 'shop.k8s.yaml'), 'utf8'));
  const found = helms();
  if (found.length === 0) throw new Error('no helm in .cache/bin: run node scripts/fetch-helm.js');
  for (const helm of found) {
    const env = { HELM_CACHE_HOME: path.join(app, '.helm', 'cache'), HELM_CONFIG_HOME: path.join(app, '.helm', 'config'), HELM_DATA_HOME: path.join(app, '.helm', 'data') };
    console.log(output(helm, ['version', '--short'], app, env).trim());
    run(helm, ['lint', '--strict', chart], app, env);
    const rendered = objectsOf(output(helm, ['template', 'shop', chart, '--include-crds'], app, env));
    if (JSON.stringify(rendered) !== JSON.stringify(manifests)) {
      throw new Error(`${path.basename(helm)} template renders ${rendered.length} objects that differ from the ${manifests.length} of dist/shop.k8s.yaml`);
    }
    console.log(`${path.basename(helm)} template: the ${rendered.length} objects of dist/shop.k8s.yaml`);
  }
}

function checkAnalysis(app) {
  const cli = path.join(app, 'node_modules', '.bin', 'cdk8s-zero-trust');
  const manifests = path.join('dist', 'shop.k8s.yaml');
  const text = output(cli, ['analyze', manifests], app);
  process.stdout.write(text);
  if (!text.split('\n').some((l) => l.startsWith(FLOW))) throw new Error(`analyze: the declared flow "${FLOW}" is missing`);
  const reverse = output(cli, ['analyze', manifests, '--explain', 'api/catalog', 'web/frontend'], app);
  if (!reverse.startsWith(REVERSE)) throw new Error(`analyze --explain: expected "${REVERSE}", got ${reverse.split('\n')[0]}`);
}

function main() {
  const tmp = tempDir('example-app-');
  const app = path.join(tmp, 'shop-app');
  try {
    fs.mkdirSync(app);
    copyExample(app);
    npmInstall(app);
    console.log(`TypeScript ${output('npx', ['tsc', '--version'], app).trim()}, Node ${process.version}`);
    run('npm', ['run', 'synth'], app);
    run('npx', ['ts-node', '--transpile-only', '--project', 'test/tsconfig.json', 'test/util/validate-files.ts', path.join(app, 'dist', 'shop.k8s.yaml')], root);
    checkHelm(app);
    checkAnalysis(app);
    console.log('example app: installed from the tarball, synthesized, schema-valid, helm lint --strict, analyzed');
  } finally {
    cleanup(tmp);
  }
}

main();
