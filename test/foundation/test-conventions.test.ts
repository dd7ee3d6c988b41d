/**
 * Tests that cannot fail are worse than none. `expect(() => x.synth).not.toThrow()` reads the
 * method and never calls it, so it passes whatever `synth` does: no test may hand `expect` an
 * arrow whose body is only a property read.
 */
import * as fs from 'fs';
import * as path from 'path';

const TEST = path.resolve(__dirname, '..');
const UNCALLED = /expect\(\s*\(\)\s*=>\s*(?:\{\s*)?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\s*;?\s*\}?\s*\)/;

function tests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__snapshots__' || e.name === 'fixtures' ? [] : tests(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

test('the pattern finds an uncalled method and passes a called one', () => {
  expect(UNCALLED.test('expect(() => s.app.synth).not.toThrow();')).toBe(true);
  expect(UNCALLED.test('expect(() => { s.app.synth; }).not.toThrow();')).toBe(true);
  expect(UNCALLED.test('expect(() => s.app.synth()).not.toThrow();')).toBe(false);
  expect(UNCALLED.test('expect(() => new Fleet(app, "f", props)).toThrow();')).toBe(false);
});

test('no test under test/ passes expect() an arrow that only reads a property', () => {
  const files = tests(TEST).filter((f) => f !== __filename);
  expect(files.length).toBeGreaterThan(100);
  const found = files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => UNCALLED.test(line))
    .map(({ line, i }) => `${path.relative(TEST, f)}:${i + 1}: ${line.trim()}`));
  expect(found).toEqual([]);
});
