#!/usr/bin/env node
// The packed library's declarations in a consumer project, on each TypeScript line users have
// (6.x and 7.x): a fresh directory with the tarball, its peer dependencies and `typescript@<line>`
// from the registry, and a consumer file compiled with `tsc --noEmit`, strict, without
// skipLibCheck (every .d.ts of the package is checked). The file also holds two
// `@ts-expect-error` lines: if the package's types were missing (everything `any`), they would fail.
// Usage: node scripts/consumer-typecheck.js [line...]   (default: 6 7)
const fs = require('fs');
const path = require('path');
const { tarball, tempDir, cleanup, run, output, npmInstall } = require('./packed');

const CONSUMER = `import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as zt from 'cdk8s-zero-trust';

const chart = new Chart(new App(), 'consumer');
const ns: zt.ZeroTrustNamespace = new zt.ZeroTrustNamespace(chart, 'ns', { name: 'shop', istioInjection: true });
const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web', namespace: 'shop' } });
const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, serviceAccount: sa, containers: [{ image: 'web:1' }] });
const mesh = new zt.MtlsMesh(chart, 'mesh');
mesh.allow(zt.Peer.workload(web), zt.Peer.namespaceByName('api'), { ports: [zt.Port.tcp(8080)] });
const an: zt.ReachabilityAnalyzer = zt.ReachabilityAnalyzer.fromObjects(chart.toJson());
export const summary: string = an.toText() + ns.name;
export const all: typeof zt = zt;

// @ts-expect-error: ZeroTrustNamespaceProps.name is required
new zt.ZeroTrustNamespace(chart, 'no-name', {});
// @ts-expect-error: a port is a number
zt.Port.tcp('8080');
`;

const TSCONFIG = {
  compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
  files: ['consumer.ts'],
};

function main() {
  const lines = process.argv.slice(2).length ? process.argv.slice(2) : ['6', '7'];
  const tmp = tempDir('consumer-typecheck-');
  try {
    fs.copyFileSync(tarball(), path.join(tmp, 'cdk8s-zero-trust.tgz'));
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }, null, 2));
    fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    fs.writeFileSync(path.join(tmp, 'consumer.ts'), CONSUMER);
    npmInstall(tmp, './cdk8s-zero-trust.tgz', 'cdk8s@^2.70.98', 'cdk8s-plus-27@^2.9.1', 'constructs@^10.4.2');
    for (const line of lines) {
      npmInstall(tmp, '--save-dev', `typescript@^${line}`);
      const version = output('npx', ['tsc', '--version'], tmp).trim();
      if (!version.includes(` ${line}.`)) throw new Error(`asked for TypeScript ${line}.x, got ${version}`);
      run('npx', ['tsc', '-p', 'tsconfig.json'], tmp);
      console.log(`${version}: the declarations type-check in a strict consumer`);
    }
  } finally {
    cleanup(tmp);
  }
}

main();
