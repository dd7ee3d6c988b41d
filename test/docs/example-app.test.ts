/**
 * The README's "Use it in your app" is exactly examples/shop-app (which scripts/example-app.js
 * installs from the packed library, synthesizes and checks in CI): its files verbatim and its
 * dependencies in the install commands.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../util';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'shop-app');
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The README's section between `## Use it in your app` and the next `## `. */
function section(): string {
  const start = README.indexOf('\n## Use it in your app\n');
  expect(start).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end);
}

/** The fenced blocks of a Markdown text, with their language. */
function blocks(md: string): { lang: string; code: string }[] {
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
}

test('the section comes right after the two top commands', () => {
  const top = README.indexOf('npm ci && npm test');
  expect(top).toBeGreaterThan(0);
  expect(README.slice(README.indexOf('```\n', top) + 4).startsWith('\n## Use it in your app\n')).toBe(true);
});

test.each([
  ['cdk8s.yaml', 'yaml'],
  ['tsconfig.json', 'json'],
  ['src/main.ts', 'ts'],
])('the README shows examples/shop-app/%s verbatim (the one %s block)', (file, lang) => {
  const code = fs.readFileSync(path.join(EXAMPLE, file), 'utf8');
  expect(blocks(section()).filter((b) => b.lang === lang).map((b) => b.code)).toEqual([code]);
});

test('the install commands are the example\'s dependencies, the synth script its own', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
  const sh = blocks(section()).find((b) => b.lang === 'sh')!.code.split('\n');
  const installed = (prefix: string) => sh.find((l) => l.startsWith(prefix))!.slice(prefix.length).trim().split(/\s+/).sort();
  expect(installed('npm install ')).toEqual(Object.keys(pkg.dependencies).sort());
  expect(installed('npm install --save-dev ')).toEqual(Object.keys(pkg.devDependencies).sort());
  expect(pkg.dependencies['cdk8s-zero-trust']).toBe('file:cdk8s-zero-trust.tgz'); // scripts/example-app.js puts the packed library there
  expect(pkg.scripts.synth).toMatch(/^cdk8s synth( |$)/);
  expect(pkg.devDependencies.typescript).toMatch(/^\^7\./);
  expect(fs.readFileSync(path.join(EXAMPLE, 'cdk8s.yaml'), 'utf8')).toContain('app: npx tsc && node lib/main.js');
});
