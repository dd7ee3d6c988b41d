/**
 * Our YAML writer (src/core/yaml-writer.ts) writes the bytes of cdk8s `Yaml.stringify`: on the
 * sample, on the benchmark's fleet, on the scalars whose quoting YAML 1.1 decides, and on random
 * JSON. (`validateObjects` in test/util checks it again on every object the suite validates.)
 */
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { buildFleet } from '../../bench/fleet-model';
import { ApplyOrder } from '../../src';
import { stringifyYaml, YamlWriter } from '../../src/core/yaml-writer';
import { runs } from '../property/arbitraries';
import { expectValid } from '../util';
import { builtSample } from '../util/sample-cache';

const reference = (d: any) => Yaml.stringify(d);

/** Byte-identical to cdk8s and parsed (YAML 1.1, as kubectl's parser reads it) to the same objects. */
function expectSameAsCdk8s(docs: any[]): void {
  const ours = stringifyYaml(docs, reference);
  expect(ours).toEqual(Yaml.stringify(...docs));
  const parsed = YAML.parseAllDocuments(ours, { version: '1.1' }).map((d) => d.toJS());
  // through JSON on both sides: -0 is written `-0` (by cdk8s too) and JSON has no -0
  expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(docs)));
}

describe('YamlWriter', () => {
  test('the sample: every cluster\'s manifests are the bytes cdk8s writes, and Fleet.manifests uses it', () => {
    // the sample built once per run (test/util/sample-cache): chart.toJson() and fleet.manifests(name)
    for (const c of builtSample().clusters) {
      const objs = c.objects;
      expectValid(objs);
      expectSameAsCdk8s(objs);
      expect(c.manifests).toEqual(Yaml.stringify(...ApplyOrder.sort(objs)));
    }
  });

  test('the benchmark fleet (3 clusters x 20 services)', () => {
    const f = buildFleet(3, 20);
    for (const c of f.charts) {
      const objs = c.toJson();
      expectValid(objs);
      expectSameAsCdk8s(objs);
    }
  });

  test('scalars YAML 1.1 would read as something else are quoted as cdk8s quotes them', () => {
    const strings = [
      '', ' ', 'y', 'Y', 'yes', 'No', 'ON', 'off', 'true', 'False', 'null', 'NULL', '~', '-', '- a', '? a', ': a',
      '0775', '0o17', '0x1F', '1e3', '1_000', '12:30', '190:20:30', '2026-12-02', '.inf', '-.Inf', '.nan', '1.0', '+1',
      'a: b', 'a:b', 'a #b', '#a', 'a#b', '*ref', '&anchor', '!tag', '%x', '@x', '`x', '{a}', '[a]', 'a, b', '"q"', "'q'",
      'trailing ', ' leading', 'tab\there', 'ünïcödé', 'emoji 😀', '\u0000nul', 'bell\u0007', 'line\nbreak', 'ends\n',
      '---', '...', '--- a', '{{ .Values.x }}', 'registry.example.com/app:1.0', 'app.kubernetes.io/name', '*.example.com',
      'x'.repeat(2000), `k${'y'.repeat(1100)}`,
    ];
    const numbers = [0, -0, 1, -1, 0.5, -2.25, 1e21, 1e-7, 2 ** 53, -(2 ** 53), 123456789.123, Number.MAX_SAFE_INTEGER];
    const docs: any[] = [
      { kind: 'Scalars', strings, numbers, flags: [true, false, null] },
      Object.fromEntries(strings.map((s, i) => [s, i])),
      { empty: {}, none: [], nested: [[], [[1, 2], { a: [] }], {}, [{}]], deep: { a: { b: { c: [{ d: [{ e: 'f' }] }] } } } },
      [1, 'two', { three: 3 }],
      [],
      {},
      'top-level string',
      42,
      null,
      undefined,
      { config: 'multi\nline\ntext\n', other: 'x' },
    ];
    expect(stringifyYaml(docs, reference)).toEqual(Yaml.stringify(...docs));
    for (const d of docs.filter((x) => x !== undefined)) expectSameAsCdk8s([d]);
  });

  test('one writer reused across outputs (its caches) writes what fresh writers write', () => {
    const w = new YamlWriter(reference);
    const a = { metadata: { name: 'yes', labels: { on: 'off', x: '1.0' } } };
    const b = { metadata: { name: 'no', labels: { on: '1.0', y: 'true' } } };
    expect(w.stringify(a)).toEqual(Yaml.stringify(a));
    expect(w.stringify(b, a)).toEqual(Yaml.stringify(b, a));
  });

  test('random JSON documents: the same bytes as cdk8s', () => {
    const json = fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.parse(JSON.stringify(v)));
    fc.assert(fc.property(fc.array(json, { minLength: 1, maxLength: 3 }), (docs) => {
      expect(stringifyYaml(docs, reference)).toEqual(Yaml.stringify(...docs));
    }), runs(300));
  });
});

describe('YamlWriter: scalars from an alphabet of YAML indicators, words and digits', () => {
  // strings made of the pieces that decide plain or quoted in YAML 1.1 (indicators, `:` and `#`
  // placement, reserved words, number and timestamp shapes), as values and as keys
  const pieces = ['a', 'e', 'E', 'y', 'n', 'o', 'on', 'no', 'null', 'true', 'x', '0', '1', '9', '12', '0x', '0b', '.', '/', '*', ':', '-', '_',
    '+', ' ', '#', '~', '<<', '%', '@', '!', '&', '?', ',', '[', '{', '"', "'", '|', '>', '=', '---', '...', '2006-01-02', 'inf', 'nan'];
  const scalar = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
  test('as values and keys: the bytes cdk8s writes', () => {
    fc.assert(fc.property(fc.array(scalar, { minLength: 1, maxLength: 8 }), (strings) => {
      const labels = Object.fromEntries(strings.map((s, i) => [s, strings[(i + 1) % strings.length]]));
      const doc = { metadata: { name: strings[0], labels }, list: strings };
      expect(stringifyYaml([doc], reference)).toEqual(Yaml.stringify(doc));
    }), runs(2000));
  });
});

describe('YamlWriter: what the property tests found at merge', () => {
  test('a collection used twice in one document is written as the reference writes it (anchor and alias)', () => {
    const labels = { app: 'web' };
    const doc = { spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } } };
    expect(stringifyYaml([doc], reference)).toEqual(Yaml.stringify(doc));
    expect(stringifyYaml([doc], reference)).toContain('*a1');
  });

  test('YAML 1.1 exponent-only floats (e4, E12, e-5) are quoted, as the reference does', () => {
    for (const v of ['e4', 'E12', 'e0', 'e-5', 'E-12']) {
      const doc = { metadata: { name: v, labels: { [v]: v } } };
      expect(stringifyYaml([doc], reference)).toEqual(Yaml.stringify(doc));
    }
  });
});
