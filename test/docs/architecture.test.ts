/**
 * ARCHITECTURE.md's import table, the eslint zones generated from .projenrc.ts and the imports the
 * code actually has must agree: the document says what the lint enforces, and the code obeys it.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** folder -> folders it may import (itself excluded), from ARCHITECTURE.md's "Import directions" table. */
function documented(): Map<string, string[]> {
  const text = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const section = text.slice(text.indexOf('## Import directions'), text.indexOf('## How a flow becomes objects'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| ([a-z-]+) \| (.+) \|$/.exec(line);
    if (!m || m[1] === 'folder') continue;
    rows.set(m[1], m[2].startsWith('(') ? [] : m[2].split(',').map((s) => s.trim()));
  }
  return rows;
}

/** folder -> folders it may import, from the generated .eslintrc.json zones. */
function linted(): Map<string, string[]> {
  const raw = fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').replace(/^\/\/.*\n/, '');
  const [, options] = JSON.parse(raw).rules['import/no-restricted-paths'];
  const rows = new Map<string, string[]>();
  for (const zone of options.zones) {
    const m = typeof zone.target === 'string' ? /^\.\/src\/([a-z-]+)$/.exec(zone.target) : null;
    if (!m || zone.from !== './src') continue;
    rows.set(m[1], (zone.except as string[]).map((e) => e.replace(/^\.\//, '')).filter((f) => f !== m[1]));
  }
  return rows;
}

/** Every `from '../<folder>...'` edge of the source, as "from -> to (file)". */
function actualImports(): { from: string; to: string; file: string; spec: string }[] {
  const edges: { from: string; to: string; file: string; spec: string }[] = [];
  for (const folder of fs.readdirSync(SRC)) {
    const dir = path.join(SRC, folder);
    if (folder === 'imports' || !fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/from '\.\.\/([a-z-]+)([^']*)'/g)) {
        edges.push({ from: folder, to: m[1], file: `src/${folder}/${file}`, spec: `../${m[1]}${m[2]}` });
      }
    }
  }
  return edges;
}

describe('layering', () => {
  test('ARCHITECTURE.md lists every folder of src/ with the folders the lint rule allows it', () => {
    const doc = documented();
    const lint = linted();
    const folders = fs.readdirSync(SRC).filter((f) => f !== 'imports' && fs.statSync(path.join(SRC, f)).isDirectory()).sort();
    expect(Array.from(doc.keys()).sort()).toEqual(folders);
    expect(Array.from(lint.keys()).sort()).toEqual(folders);
    for (const f of folders) {
      expect({ folder: f, allowed: [...doc.get(f)!].sort() }).toEqual({ folder: f, allowed: [...lint.get(f)!].sort() });
    }
  });

  test('the code imports only what its folder may import, and no other folder\'s internal.ts', () => {
    const doc = documented();
    const bad = actualImports()
      .filter((e) => e.to !== e.from && (!doc.get(e.from)!.includes(e.to) || /\/internal$/.test(e.spec)))
      .map((e) => `${e.file} imports ${e.spec}`);
    expect(bad).toEqual([]);
  });

  test('the rules the review asked for hold: core, analysis, helm, cli, rollout', () => {
    const doc = documented();
    expect(doc.get('core')).toEqual([]);
    expect(doc.get('analysis')).toEqual(['core']);
    for (const [folder, allowed] of doc) {
      expect({ folder, helm: allowed.includes('helm'), rollout: allowed.includes('rollout'), cli: allowed.includes('cli') })
        .toEqual({ folder, helm: false, rollout: false, cli: false });
    }
    for (const folder of ['zero-trust', 'mesh', 'ingress', 'wireguard', 'observability']) {
      expect({ folder, upper: doc.get(folder)!.filter((f) => ['fleet', 'gitops', 'rollout', 'analysis'].includes(f)) })
        .toEqual({ folder, upper: [] });
    }
    // flows reads the analysis engine for one thing, the flow proof at synthesis (plain JSON in and out)
    expect(doc.get('flows')).toEqual(['core', 'analysis']);
    expect(actualImports().filter((e) => e.from === 'flows' && e.to === 'analysis').map((e) => `${e.file} imports ${e.spec}`))
      .toEqual(['src/flows/flow-proof-check.ts imports ../analysis/flow-proof']);
  });
});
