/**
 * Bad input to the members added for deployability (FluentdLogShipperProps.stateHostPathProvisioned,
 * the apply method ArgoCdDelivery and FluxDelivery declare on the charts they deliver, the AUDIT
 * hold-back of a GlobalService's ServiceExport): plain JavaScript callers pass null, wrong types
 * and hostile strings; each ends in the library's ValidationError naming the construct path, the
 * field and the bad value, never a TypeError or silent output.
 */
import { execFileSync } from 'child_process';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidationError } from './arbitraries';
import {
  ApplyMethod, ArgoCdDelivery, ChartApplyMethod, Enforcement, EnforcementMode, EnforcementReport, Fleet, FluentdLogShipper, FluxDelivery,
  GlobalService,
} from '../../src';

const JS = (v: unknown): any => v;
const PROTO = JSON.parse('{"__proto__": "x"}');
const HOSTILE: unknown[] = [
  null, NaN, Infinity, -1, 0, 1, '', ' ', 'true', 'false', '\r\n', 'a\u0000b', {}, [], [true], Object.create(null), PROTO,
  () => true, Symbol('s'), 10n, new Date(0),
];

function shipper(props: any): { chart: Chart; build: () => FluentdLogShipper } {
  const chart = Testing.chart();
  return { chart, build: () => new FluentdLogShipper(chart, 'f', JS({ credentials: kplus.Secret.fromSecretName(chart, 's', 'es'), ...props })) };
}

function fleetOf(): Fleet {
  return new Fleet(new App(), 'fleet', { clusters: [{ name: 'a', region: 'ra' }, { name: 'b', region: 'rb' }] });
}

describe('FluentdLogShipper stateHostPathProvisioned', () => {
  test.each(HOSTILE.map((v) => [v]))('%p is refused (with or without stateHostPath), naming the field', (v) => {
    for (const extra of [{}, { stateHostPath: '/var/lib/fluentd' }, { stateHostPath: '/var/lib/fluentd', runAsUser: 0 }]) {
      expectValidationError(() => shipper({ ...extra, stateHostPathProvisioned: v }).build(), { field: 'stateHostPathProvisioned', value: v });
    }
  });

  test('a provisioned path is still checked: /var/log spellings and control characters are refused first', () => {
    for (const p of ['/var//log/x', '/var/log/fluentd', '/var/lib/flu\nentd', '/var/lib/\u0000', 'var/lib/fluentd', '/']) {
      expectValidationError(() => shipper({ stateHostPath: p, stateHostPathProvisioned: true }).build(), { field: 'stateHostPath', value: p });
    }
  });

  test('a writable state directory is never a system directory, inside one or above one, nor over Linux\'s path limits', () => {
    const refused: Array<[string, RegExp]> = [
      ['/etc', /mounted writable, and it belongs to the node's system/],
      ['/proc/self', /it is inside \/proc, which belongs/],
      ['/var/lib/kubelet', /it belongs/],
      ['/var/lib/kubelet/pods/x', /inside \/var\/lib\/kubelet/],
      ['/var/lib', /it holds \/var\/lib\/cni, which belongs/],
      ['/var', /it holds/],
      ['/usr/local/fluentd', /inside \/usr/],
      ['/run/fluentd', /inside \/run/],
      [`/var/lib/${'x'.repeat(256)}`, /each segment at most 255 bytes/],
      [`/data${'/x'.repeat(2046)}`, /at most 4095 bytes/],
    ];
    for (const [p, why] of refused) {
      for (const extra of [{ stateHostPathProvisioned: true }, { runAsUser: 0 }]) {
        const e = expectValidationError(() => shipper({ stateHostPath: p, ...extra }).build(), { field: 'stateHostPath', value: p });
        expect(e.message).toMatch(why);
      }
    }
    // a directory of its own is fine, near the system ones too
    for (const p of ['/var/lib/fluentd', '/var/lib/kubelet-fluentd', '/data/fluentd', `/var/lib/${'x'.repeat(255)}`, '/optional/state']) {
      expect(() => shipper({ stateHostPath: p, stateHostPathProvisioned: true }).build()).not.toThrow();
    }
  });

  test('the fix names a path a shell keeps as one word: $(...), quotes and spaces are quoted', () => {
    for (const p of ['/var/lib/$(echo injected)', "/var/lib/it's", '/var/lib/a b;rm -rf x', '/var/lib/`id`']) {
      const e = expectValidationError(() => shipper({ stateHostPath: p }).build(), { field: 'stateHostPath', value: p });
      const cmd = /\(install -d -o 1000 -g 1000 -m 0700 (.*)\) and set stateHostPathProvisioned/.exec(e.message)![1];
      // the shell reads the quoted word back as the path, without running anything
      expect(execFileSync('sh', ['-c', `printf %s ${cmd}`]).toString()).toBe(p);
    }
  });
});

describe('ArgoCdDelivery serverSideApply and the delivered charts\' apply method', () => {
  const argo = (gitops: Chart, fleet: Fleet, serverSideApply: unknown) =>
    new ArgoCdDelivery(gitops, 'd', JS({ fleet, repoUrl: 'https://git.example.com/r.git', serverSideApply }));

  test.each(HOSTILE.filter((v) => typeof v !== 'boolean').map((v) => [v]))('serverSideApply %p is refused, and no chart is declared', (v) => {
    const fleet = fleetOf();
    const gitops = new Chart(fleet.node.root as App, 'g');
    expectValidationError(() => argo(gitops, fleet, v), { field: 'serverSideApply', value: v });
    expect(fleet.clusters.map((c) => ChartApplyMethod.of(c.chart))).toEqual([ApplyMethod.CLIENT_SIDE, ApplyMethod.CLIENT_SIDE]);
  });

  test('a delivery refused by its props declares nothing (no partial write)', () => {
    const fleet = fleetOf();
    const gitops = new Chart(fleet.node.root as App, 'g');
    expectValidationError(() => new FluxDelivery(gitops, 'f', JS({ fleet, repoUrl: 'https://git.example.com/r.git', serviceAccountName: 'Bad Name' })),
      { field: 'serviceAccountName', value: 'Bad Name' });
    expectValidationError(() => new ArgoCdDelivery(gitops, 'a', JS({ fleet, repoUrl: 'file:///etc', serverSideApply: false })),
      { field: 'repoUrl', value: 'file:///etc' });
    expect(fleet.clusters.map((c) => ChartApplyMethod.of(c.chart))).toEqual([ApplyMethod.CLIENT_SIDE, ApplyMethod.CLIENT_SIDE]);
  });

  test('a chart whose apply-method state was tampered with by a plain-JS caller: the public method still decides', () => {
    const fleet = fleetOf();
    const gitops = new Chart(fleet.node.root as App, 'g');
    (fleet.clusters[0].chart as any)[Symbol.for('cdk8s-zero-trust.ApplyMethod')] = 'ServerSide';
    expectValidationError(() => argo(gitops, fleet, false), { field: 'serverSideApply', value: false });
  });
});

describe('GlobalService ServiceExport held back in AUDIT: hostile names never reach the report unchecked', () => {
  test.each([['Web'], ['web\n'], ['a'.repeat(64)], [''], [null], [PROTO]])('name %p is refused before anything is held back', (name) => {
    const fleet = fleetOf();
    Enforcement.set(fleet, EnforcementMode.AUDIT);
    expectValidationError(() => new GlobalService(fleet, 'g', JS({ name, namespace: 'web', port: 80, targetPort: 8080, selector: { app: 'web' } })),
      { field: 'name', value: name });
    expect(EnforcementReport.of(fleet).heldBack.filter((p) => p.kind === 'ServiceExport')).toEqual([]);
  });

  test.each(HOSTILE.map((v) => [v]))('exportService %p: a ValidationError, or a boolean decides', (v) => {
    const fleet = fleetOf();
    Enforcement.set(fleet, EnforcementMode.AUDIT);
    const make = () => new GlobalService(fleet, 'g', JS({ name: 'web', namespace: 'web', port: 80, targetPort: 8080, selector: { app: 'web' }, exportService: v }));
    if (v === undefined || typeof v === 'boolean') {
      make();
    } else {
      expectValidationError(make, { field: 'exportService', value: v });
    }
  });
});
