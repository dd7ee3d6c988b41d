/**
 * The largest object a chart may emit depends on how it is applied: client-side `kubectl apply`
 * (and Argo CD's default sync) copy the object into the last-applied-configuration annotation,
 * which the API server caps at 262144 bytes of annotations; server-side apply goes up to etcd's
 * 1.5 MiB request limit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ApplyMethod, ChartApplyMethod, HelmChart, ValidationError, ZeroTrustNamespace } from '../../src';
import { LAST_APPLIED_ANNOTATION, MAX_ANNOTATION_BYTES, MAX_OBJECT_BYTES } from '../../src/core/output-checks';
import { seedFleet } from '../fleet/fixtures';

/** A chart with our chart checks (a ZeroTrustNamespace) and a ConfigMap of `bytes` bytes of JSON. */
function chartWith(bytes: number, annotations?: { [k: string]: string }): { chart: Chart; cm: ApiObject } {
  const props = (x: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop', annotations }, data: { x } });
  const overhead = JSON.stringify(new ApiObject(Testing.chart(), 'probe', props('')).toJson()).length;
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
  const cm = new ApiObject(chart, 'cm', props('y'.repeat(bytes - overhead)));
  expect(JSON.stringify(cm.toJson()).length).toBe(bytes);
  return { chart, cm };
}

/** The synthesis error (a validation error from cdk8s, or a writer's ValidationError). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected a synthesis error');
}

/** The largest JSON that client-side apply takes: the copy, its key and the other annotations fit. */
const CLIENT_MAX = MAX_ANNOTATION_BYTES - LAST_APPLIED_ANNOTATION.length;

describe('object size and the apply method', () => {
  test('client-side apply (the default): an object whose last-applied copy does not fit is refused, naming the fix', () => {
    expect(() => Testing.synth(chartWith(CLIENT_MAX).chart)).not.toThrow();
    const { chart } = chartWith(CLIENT_MAX + 1);
    expect(ChartApplyMethod.of(chart)).toBe(ApplyMethod.CLIENT_SIDE);
    const e = errorOf(() => Testing.synth(chart));
    expect(e.message).toContain('test/cm');
    expect(e.message).toContain(`ConfigMap shop/cm "${CLIENT_MAX + 1} bytes of JSON (${MAX_ANNOTATION_BYTES + 1} bytes of annotations`);
    expect(e.message).toContain('metadata.annotations: Too long');
    expect(e.message).toContain('ChartApplyMethod.set(chart, ApplyMethod.SERVER_SIDE)');
  });

  test('the object\'s other annotations count against the same limit', () => {
    const annotations = { 'example.com/note': 'n'.repeat(100) };
    const extra = 'example.com/note'.length + 100;
    expect(() => Testing.synth(chartWith(CLIENT_MAX - extra, annotations).chart)).not.toThrow();
    expect(errorOf(() => Testing.synth(chartWith(CLIENT_MAX - extra + 1, annotations).chart)).message).toContain(`${MAX_ANNOTATION_BYTES + 1} bytes of annotations`);
  });

  test('sizes are UTF-8 bytes: multi-byte text over the limit in bytes (not in characters) is refused', () => {
    // 'é' is 2 bytes of UTF-8: the JSON has about CLIENT_MAX / 2 + 100 characters and more than CLIENT_MAX bytes
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' }, data: { x: 'é'.repeat(CLIENT_MAX / 2) } });
    const e = errorOf(() => Testing.synth(chart));
    expect(e.message).toContain('test/cm');
    expect(e.message).toMatch(/ConfigMap shop\/cm "(\d+) bytes of JSON/);
    expect(Number(/"(\d+) bytes of JSON/.exec(e.message)![1])).toBeGreaterThan(CLIENT_MAX);
    // the same number of 1-byte characters fits
    const ok = Testing.chart();
    new ZeroTrustNamespace(ok, 'ns', { name: 'shop' });
    new ApiObject(ok, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' }, data: { x: 'e'.repeat(CLIENT_MAX / 2) } });
    expect(() => Testing.synth(ok)).not.toThrow();
  });

  test('server-side apply: objects up to etcd\'s request limit', () => {
    const { chart } = chartWith(1_000_000);
    ChartApplyMethod.set(chart, ApplyMethod.SERVER_SIDE);
    expect(ChartApplyMethod.of(chart)).toBe(ApplyMethod.SERVER_SIDE);
    expect(Testing.synth(chart).find((o) => o.kind === 'ConfigMap').data.x.length).toBeGreaterThan(900_000);
    const big = chartWith(MAX_OBJECT_BYTES + 1).chart;
    ChartApplyMethod.set(big, ApplyMethod.SERVER_SIDE);
    expect(errorOf(() => Testing.synth(big)).message).toContain(`expected an object of at most ${MAX_OBJECT_BYTES} bytes (etcd's request limit)`);
  });

  test('Fleet and HelmChart check the chart they write with its method', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'zt-apply-method-')) });
    const fleet = seedFleet(app);
    for (const c of fleet.clusters) {
      new ZeroTrustNamespace(c.chart, 'shop', { name: 'shop' });
      new ApiObject(c.chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' }, data: { x: 'y'.repeat(300_000) } });
    }
    ChartApplyMethod.set(fleet.cluster('europe-west').chart, ApplyMethod.SERVER_SIDE);
    expect(fleet.objects('europe-west').some((o) => o.kind === 'ConfigMap')).toBe(true);
    expect(HelmChart.fromChart(fleet.cluster('europe-west').chart, { name: 'eu' }).files()['templates/namespace-shop.yaml']).toContain('\n  name: cm\n');
    for (const fn of [() => fleet.objects('us-east'), () => HelmChart.fromChart(fleet.cluster('us-east').chart, { name: 'us' })]) {
      expect(errorOf(fn).message).toContain('fleet/us-east/cm');
    }
  });

  test('bad arguments are ValidationErrors naming the argument', () => {
    expect(() => ChartApplyMethod.set({} as Chart, ApplyMethod.SERVER_SIDE)).toThrow(ValidationError);
    expect(() => ChartApplyMethod.set(Testing.chart(), 'server' as ApplyMethod)).toThrow(/method "server": expected one of ClientSide, ServerSide/);
    expect(() => ChartApplyMethod.of(undefined as any)).toThrow(/ChartApplyMethod.of: invalid chart/);
  });
});
