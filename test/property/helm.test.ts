import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { buildApp, genApp } from './apps';
import { badDnsLabel, dnsLabel, expectValidationError, listTree, runs, slowRuns, timeoutFor, tmpDir } from './arbitraries';
import { HelmChart } from '../../src';
import { byKey, helmTemplate, splitRendered } from '../helm/helm-run';
import { expectValid } from '../util';

describe('HelmChart (property)', () => {
  test('generated apps: helm template gives back the same objects; two writes are byte-identical', () => {
    fc.assert(fc.property(genApp(), dnsLabel(30), (app, name) => {
      const chart = new Chart(new App(), 'app');
      buildApp(chart, app);
      const objects = chart.toJson();
      expectValid(objects);
      const dirA = HelmChart.fromChart(chart, { name }).write(tmpDir('helm-a'));
      const dirB = HelmChart.fromChart(chart, { name }).write(tmpDir('helm-b'));
      const files = listTree(dirA);
      expect(listTree(dirB)).toEqual(files);
      for (const f of files) {
        const p = path.join(dirA, f);
        if (fs.statSync(p).isFile()) expect(fs.readFileSync(path.join(dirB, f), 'utf8')).toBe(fs.readFileSync(p, 'utf8'));
      }
      const rendered = splitRendered(helmTemplate(dirA)).map((d) => d.object);
      expect(byKey(rendered)).toEqual(byKey(objects));
    }), slowRuns(15, 4));
  }, timeoutFor(15, 3000));

  test('bad chart name or version: a ValidationError naming the field and value, nothing written', () => {
    const bad = fc.oneof(
      badDnsLabel().filter((s) => s !== '').map((v) => ({ props: { name: v.toUpperCase() + '/x' }, field: 'name', value: v.toUpperCase() + '/x' })),
      fc.constantFrom('1', '1.0', 'v1.0.0.0', 'latest', '1.0.0-', '01.0.0').map((v) => ({ props: { version: v }, field: 'version', value: v })),
    );
    fc.assert(fc.property(bad, (b) => {
      const chart = new Chart(new App(), 'app');
      const out = tmpDir('helm-bad');
      expectValidationError(() => HelmChart.fromChart(chart, b.props).write(out), b);
      expect(listTree(out)).toEqual([]);
    }), runs(100));
  });
});
