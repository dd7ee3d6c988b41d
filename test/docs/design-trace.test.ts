/**
 * The public docs are self-contained: README.md, the folders' READMEs and the doc comments of
 * src/ (which become API.md and IDE hovers) never cite a row (`S17`) of the design article the
 * repository does not contain. DESIGN-TRACE.md, a contributor document, keeps the trace.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const ROW = /\bS[0-9]{1,2}\b/;

function files(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'imports' ? [] : files(p, ext);
    return e.name.endsWith(ext) ? [p] : [];
  });
}

/** `file:line: text` of every line that cites a row. */
function citations(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => ROW.test(line))
    .map(({ line, i }) => `${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
}

test('README.md, src/*/README.md and src/ (doc comments and code) cite no design row', () => {
  const docs = [path.join(ROOT, 'README.md'), ...files(path.join(ROOT, 'src'), '.md'), ...files(path.join(ROOT, 'src'), '.ts')];
  expect(docs.length).toBeGreaterThan(50);
  expect(docs.flatMap(citations)).toEqual([]);
});

test('DESIGN-TRACE.md restates every row S1..S25 once, and CONTRIBUTING.md links it', () => {
  const trace = fs.readFileSync(path.join(ROOT, 'DESIGN-TRACE.md'), 'utf8');
  const rows = trace.split('\n').filter((l) => /^\| S[0-9]/.test(l))
    .flatMap((l) => l.split('|')[1].split(',').map((s) => s.trim()));
  expect(rows).toEqual(Array.from({ length: 25 }, (_, i) => `S${i + 1}`));
  expect(fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8')).toContain('(./DESIGN-TRACE.md)');
});
