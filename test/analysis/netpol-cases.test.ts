import * as fs from 'fs';
import * as path from 'path';
import { ReachabilityAnalyzer } from '../../src/analysis';

const ROOT = path.join(__dirname, '..', 'fixtures', 'netpol-cases');
const OUT = path.join(ROOT, 'test_outputs/connlist');

const cases = fs.existsSync(OUT)
  ? fs.readdirSync(OUT).filter((f) => f.endsWith('_connlist_output.txt')).map((f) => f.replace('_connlist_output.txt', ''))
    .filter((c) => fs.existsSync(path.join(ROOT, 'tests', c))).sort()
  : [];

describe('netpol-analyzer connlist cases', () => {
  test('all 12 shared cases are present', () => {
    expect(cases.length).toBe(12);
  });

  test.each(cases)('%s matches the expected connlist lines exactly', (c) => {
    const expected = fs.readFileSync(path.join(OUT, `${c}_connlist_output.txt`), 'utf8').split('\n').filter((l) => l.length);
    const an = ReachabilityAnalyzer.fromPaths([path.join(ROOT, 'tests', c)]);
    const actual = an.toText().split('\n').filter((l) => l.length);
    expect(actual).toEqual(expected);
    // the framework-neutral assertion accepts the same list
    expect(() => an.assertExactly(expected)).not.toThrow();
  });

  test('JSON output matches netpol-analysis-example-minimal', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(OUT, 'netpol-analysis-example-minimal_connlist_output.json'), 'utf8'));
    const an = ReachabilityAnalyzer.fromPaths([path.join(ROOT, 'tests/netpol-analysis-example-minimal')]);
    expect(JSON.parse(an.toJson())).toEqual(expected);
  });
});

describe('netpol-analyzer bad-path cases', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'expected_errors.json'), 'utf8'));
  const bad: Array<[string, string]> = spec.cases.map((c: any) => [c.dir, c.errorContains]);
  test.each(bad)('%s fails with the expected error', (dir: string, text: string) => {
    expect(() => ReachabilityAnalyzer.fromPaths([path.join(ROOT, dir)])).toThrow(text);
  });
});
