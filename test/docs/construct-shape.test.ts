/**
 * ARCHITECTURE.md "Inside a construct": a construct = props validation + a plan (pure data) +
 * render functions, in `*-plan.ts` / `*-render.ts` files beside it that are not public API.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');
const PLAN_OR_RENDER = /(^|-)(plan|render)$/;

function section(title: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const start = text.indexOf(`## ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('construct shape', () => {
  test('no folder index.ts exports a plan or render file (they are not public API)', () => {
    const leaks: string[] = [];
    for (const folder of fs.readdirSync(SRC)) {
      const index = path.join(SRC, folder, 'index.ts');
      if (!fs.existsSync(index)) continue;
      for (const m of fs.readFileSync(index, 'utf8').matchAll(/from '\.\/([^']+)'/g)) {
        if (PLAN_OR_RENDER.test(m[1])) leaks.push(`${folder}/index.ts -> ${m[1]}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  test('ARCHITECTURE.md names the convention, and the examples it cites exist', () => {
    const text = section('Inside a construct');
    expect(text).toContain('A construct = props validation + a plan (pure data) + render functions');
    const cited = Array.from(text.matchAll(/`([a-z-]+\/[a-z-]+\.ts)`/g)).map((m) => m[1]);
    expect(cited.length).toBeGreaterThanOrEqual(5);
    for (const file of cited) {
      expect([file, fs.existsSync(path.join(SRC, file))]).toEqual([file, true]);
      expect([file, PLAN_OR_RENDER.test(path.basename(file, '.ts'))]).toEqual([file, true]);
    }
  });

  test('state lives in the construct tree: no module-level WeakMap/WeakSet keyed by constructs in src/', () => {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'imports') walk(p);
        } else if (e.name.endsWith('.ts')) {
          fs.readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            if (/^(export )?(const|let|var) \w+\b[^=]*= new Weak(Map|Set)\b/.test(line)) found.push(`${path.relative(SRC, p)}:${i + 1}`);
          });
        }
      }
    };
    walk(SRC);
    expect(found).toEqual([]);
  });
});
