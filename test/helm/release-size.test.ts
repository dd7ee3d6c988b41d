/**
 * The size of the Secret Helm stores a release in (`sh.helm.release.v1.<release>.v<n>`,
 * data.release = base64(gzip(json(release)))): estimated at synthesis, compared with the release
 * JSON real Helm 4 builds for the same chart, and a chart whose release would exceed the API
 * server's 1 MiB is refused.
 */
import { createHash } from 'crypto';
import * as zlib from 'zlib';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Tunable } from '../../src/core/tunable';
import { HelmChart, HelmReleaseStorage } from '../../src/helm';
import { MAX_RELEASE_BYTES, releaseDataBytes, releaseJson, releaseJsonBound } from '../../src/helm/release-size';
import { errorOf } from '../util';
import { helmOn, tmp } from './helm-run';

/** Deterministic text that deflate cannot shrink much (chained SHA-256 digests, base64). */
function noise(seed: number, length: number): string {
  const parts: string[] = [];
  let digest = String(seed);
  for (let n = 0; n < length; n += 44) {
    digest = createHash('sha256').update(digest).digest('base64');
    parts.push(digest);
  }
  return parts.join('').slice(0, length);
}

/** A chart of `maps` ConfigMaps of `bytes` noise each, plus a Namespace, a Deployment with a tunable, and a `{{` to escape. */
function chartOf(maps: number, bytes: number): Chart {
  const chart = new Chart(new App(), 'sized');
  new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'shop' } });
  const replicas = Tunable.integer('web.replicas', 2, { minimum: 1 });
  const dep = new k8s.KubeDeployment(chart, 'web', {
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: replicas.asNumber(),
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0' }] } },
    },
  });
  replicas.bindTo(dep, '/spec/replicas');
  new k8s.KubeConfigMap(chart, 'tpl', { metadata: { name: 'tpl', namespace: 'shop' }, data: { t: '{{ not a template }} <b>&</b>' } });
  for (let i = 0; i < maps; i++) {
    new k8s.KubeConfigMap(chart, `cm${i}`, { metadata: { name: `cm-${i}`, namespace: 'shop' }, data: { blob: noise(i + 1, bytes) } });
  }
  return chart;
}

/** data.release of a release JSON, encoded as Helm's encodeRelease does (zlib for Go's deflate). */
function encoded(json: string | Buffer): number {
  return 4 * Math.ceil(zlib.gzipSync(json, { level: 9 }).length / 3);
}

describe('HelmChart release size', () => {
  test('the estimate is within 1% of the release Helm 4 builds for the same chart', () => {
    const chart = HelmChart.fromChart(chartOf(3, 20_000), { name: 'sized' });
    const dir = chart.write(tmp('release-size'));
    const r = helmOn('4', 'install', 'sized', dir, '--dry-run=client', '-o', 'json', '--namespace', 'sized');
    expect(r.stderr).toBe('');
    const real = r.stdout.trim();
    const ours = releaseJson((chart as any).releaseParts());
    // the same structure: every field of Helm's release JSON, the manifest as Helm renders it
    const realRelease = JSON.parse(real);
    const ourRelease = JSON.parse(ours.toString('utf8'));
    expect(ourRelease.manifest).toBe(realRelease.manifest);
    expect(ourRelease.chart.templates.map((t: any) => [t.name, t.data])).toEqual(realRelease.chart.templates.map((t: any) => [t.name, t.data]));
    expect(ourRelease.chart.values).toEqual(realRelease.chart.values);
    expect(ourRelease.chart.schema).toBe(realRelease.chart.schema);
    expect(ourRelease.chart.metadata).toEqual(realRelease.chart.metadata);
    expect(Object.keys(ourRelease).filter((k) => !(k in realRelease))).toEqual([]);
    expect(Object.keys(realRelease).filter((k) => !(k in ourRelease))).toEqual([]);
    expect(Math.abs(ours.length - Buffer.byteLength(real)) / Buffer.byteLength(real)).toBeLessThan(0.005);
    expect(Math.abs(chart.releaseBytes - encoded(real)) / encoded(real)).toBeLessThan(0.01);
    expect(chart.releaseBytes).toBeGreaterThan(60_000); // the noise does not compress away
  });

  test('a chart whose release fits is accepted and reports its size', () => {
    const chart = HelmChart.fromChart(chartOf(4, 100_000));
    expect(chart.releaseBytes).toBeGreaterThan(500_000);
    expect(chart.releaseBytes).toBeLessThan(MAX_RELEASE_BYTES * 0.95);
  });

  test('a chart whose release would exceed 1 MiB is refused, naming the size, the limit and the ways out', () => {
    const e = errorOf(() => HelmChart.fromChart(chartOf(8, 100_000)));
    expect(e.message).toMatch(/^sized: invalid release size "\d+ bytes": expected a chart whose Helm release fits its storage/);
    const bytes = Number(/"(\d+) bytes"/.exec(e.message)![1]);
    expect(bytes).toBeGreaterThan(MAX_RELEASE_BYTES);
    expect(e.message).toContain('Secret sh.helm.release.v1.<release>.v<revision>');
    expect(e.message).toContain(`over ${MAX_RELEASE_BYTES} bytes`);
    expect(e.message).toContain('Split it into several releases');
    expect(e.message).toContain('HELM_DRIVER=sql');
    expect(errorOf(() => HelmChart.fromChart(chartOf(8, 100_000), { releaseStorage: HelmReleaseStorage.CONFIG_MAP })).message)
      .toContain('in a ConfigMap sh.helm.release.v1');
  });

  test('the size of data.release is the size of the gzip Helm writes (counted without its CRC)', () => {
    for (const text of ['', 'a', noise(7, 70_000), 'apiVersion: v1\nkind: ConfigMap\n'.repeat(5000), `${noise(3, 1000)}\u2028é😀`.repeat(40)]) {
      const json = Buffer.from(JSON.stringify({ manifest: text }), 'utf8');
      expect(releaseDataBytes(json)).toBe(encoded(json));
    }
  });

  test('with the sql driver the size is not checked, and still reported', () => {
    const chart = HelmChart.fromChart(chartOf(8, 100_000), { releaseStorage: HelmReleaseStorage.SQL });
    expect(chart.releaseBytes).toBeGreaterThan(MAX_RELEASE_BYTES);
  });
});

describe('release JSON manifest escaping', () => {
  /** The manifest member's JSON text in a release written by releaseJson. */
  function manifestJson(pieces: string[]): string {
    const json = releaseJson({ name: 'x', metadata: { name: 'x' }, templates: [], values: {}, schema: '{}', files: [], manifest: pieces, notes: '' }).toString('utf8');
    return json.slice(json.indexOf('"manifest":') + '"manifest":'.length, json.lastIndexOf(',"version":1'));
  }

  /** What Go's encoder writes for `s`: JSON.stringify's escapes, `<>&` U+2028 U+2029 as \u escapes, a lone surrogate as U+FFFD. */
  function goJson(s: string): string {
    const wellFormed = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    return JSON.stringify(wellFormed).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }

  test('every piece, with or without characters Go escapes otherwise, is written as Go writes it', () => {
    const alphabet = ['a', 'Z', ' ', ':', '-', '\n', '\t', '\r', '\b', '\f', '\x01', '\x1f', '\x7f', '"', '\\', '/', '<', '>', '&', 'é', '€', '\u2028', '\u2029', '😀', '\ud83d', '\ude00', '{{'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let run = 0; run < 300; run++) {
      const pieces = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
        const plain = next() < 0.5;
        return Array.from({ length: Math.floor(next() * 40) }, () => (plain ? alphabet.slice(0, 14) : alphabet)[Math.floor(next() * (plain ? 14 : alphabet.length))]).join('');
      });
      // pieces are escaped one by one: a pair split across two pieces is two lone surrogates
      expect([pieces, manifestJson(pieces)]).toEqual([pieces, `"${pieces.map((p) => goJson(p).slice(1, -1)).join('')}"`]);
    }
  });

  test('the bound computed from the parts\' lengths is never below the written length, and within 7x of it', () => {
    const alphabet = ['a', ' ', '\n', '\x01', '"', '\\', '<', '>', '&', 'é', '€', '\u2028', '😀', '\ud83d', '\ude00', '{{'];
    let seed = 13;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const text = (max: number) => Array.from({ length: Math.floor(next() * max) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const only = (c: string, n: number) => c.repeat(n);
    const worst = {
      name: only('<', 20),
      metadata: { name: only('&', 10), version: '1.0.0', maintainers: [{ name: only('\x01', 8) }], annotations: { [only('>', 5)]: only('\u2028', 5) } },
      templates: [[only('<', 30), only('\ud83d', 50)] as const],
      values: { [only('<', 4)]: only('\x02', 6) },
      schema: only('😀', 10),
      files: [],
      manifest: [only('\x03', 100), only('<', 100), only('\u2029', 100)],
      notes: only('&', 40),
    };
    const cases = [worst, ...Array.from({ length: 200 }, () => ({
      name: text(8),
      metadata: { name: text(5), version: '1.0.0', description: text(20), keywords: [text(4), text(4)] },
      templates: Array.from({ length: Math.floor(next() * 3) }, (_, i) => [`templates/${text(5)}${i}.yaml`, text(60)] as const),
      values: { [text(4)]: text(6), b: [1, text(3)], c: { d: text(5) } },
      schema: text(30),
      files: Array.from({ length: Math.floor(next() * 2) }, (_, i) => [`crds/${text(5)}${i}.yaml`, text(60)] as const),
      manifest: Array.from({ length: Math.floor(next() * 4) }, () => text(50)),
      notes: text(30),
    }))];
    for (const parts of cases) {
      const written = releaseJson(parts).length;
      const bound = releaseJsonBound(parts);
      expect([parts, bound >= written]).toEqual([parts, true]);
      expect(bound).toBeLessThan(7 * written + 1024);
    }
  });
});
