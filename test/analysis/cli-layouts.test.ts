import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { deploy, netpol, ns } from './fixtures';
import { expectValid, helmPath } from '../util';
import { cli, writeManifests } from './cli-run';

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-cli-layouts-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (rel: string, objs: any[] | string): string => writeManifests(tmp, rel, objs);

/** A cluster: web -> api on `port`, everything else denied. */
function policies(port: number): any[] {
  return [
    ns('shop'),
    netpol('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    netpol('shop', 'web-to-api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port }] }] }),
    netpol('shop', 'web-egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port }] }],
    }),
  ];
}
function apps(): any[] {
  return [deploy('shop', 'web'), deploy('shop', 'api', { ports: [{ containerPort: 8080 }, { containerPort: 9090 }] })];
}

/** What Fleet.synthClusters + PolicySplit + HelmChart write per cluster. */
function cluster(root: string, name: string, port: number): void {
  write(`${root}/${name}/manifests.k8s.yaml`, [...policies(port), ...apps()]);
  write(`${root}/${name}/policies/manifests.k8s.yaml`, policies(port));
  write(`${root}/${name}/apps/manifests.k8s.yaml`, apps());
  write(`${root}/${name}/kind-config.yaml`, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n');
  write(`${root}/${name}/chart/Chart.yaml`, 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
  write(`${root}/${name}/chart/templates/x.yaml`, '{{- if .Values.on }}\nbroken: [\n{{- end }}\n');
}

describe('layouts', () => {
  test('the fixtures are valid Kubernetes objects', () => {
    expectValid([...policies(8080), ...apps()]);
  });

  test('each cluster folder is analysed on its own, its other renderings skipped with one notice', () => {
    cluster('fleet', 'eu', 8080);
    cluster('fleet', 'us', 9090);
    write('fleet/delivery/argocd.yaml', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'argocd' } }]);
    const r = cli(['analyze', '--no-platform', path.join(tmp, 'fleet')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      '## eu', 'shop/web[Deployment] => shop/api[Deployment] : TCP 8080', '',
      '## us', 'shop/web[Deployment] => shop/api[Deployment] : TCP 9090', '',
    ].join('\n'));
    expect(r.err.split('\n')).toEqual([
      `notice: cluster eu: read ${path.join(tmp, 'fleet/eu')}; skipped apps/, chart/, policies/ (PolicySplit halves and Helm charts of the same objects)`,
      `notice: cluster us: read ${path.join(tmp, 'fleet/us')}; skipped apps/, chart/, policies/ (PolicySplit halves and Helm charts of the same objects)`,
      'notice: skipped the manifests outside cluster folders: no workloads or policies among its 1 objects',
      '',
    ]);
    // one cluster folder given directly; --cluster picks one of several
    expect(cli(['analyze', '--no-platform', path.join(tmp, 'fleet/us')]).out).toBe('shop/web[Deployment] => shop/api[Deployment] : TCP 9090\n');
    expect(cli(['analyze', '--no-platform', path.join(tmp, 'fleet'), '--cluster', 'us']).out).toBe('shop/web[Deployment] => shop/api[Deployment] : TCP 9090\n');
    expect(cli(['analyze', path.join(tmp, 'fleet'), '--cluster', 'asia']).err).toContain('--cluster "asia" matches no cluster (valid: eu, us)');
    expect(cli(['analyze', path.join(tmp, 'fleet'), '--format', 'dot']).err).toContain('--format dot draws one cluster; give --cluster NAME (valid: eu, us)');
    expect(JSON.parse(cli(['analyze', '--no-platform', path.join(tmp, 'fleet'), '--format', 'json']).out).us).toEqual([
      { src: 'shop/web[Deployment]', dst: 'shop/api[Deployment]', conn: 'TCP 9090' },
    ]);
  });

  test('a folder with only the policies/ and apps/ halves is one cluster', () => {
    write('halves/eu/policies/manifests.k8s.yaml', policies(8080));
    write('halves/eu/apps/manifests.k8s.yaml', apps());
    expect(cli(['analyze', '--no-platform', path.join(tmp, 'halves')]).out).toBe('shop/web[Deployment] => shop/api[Deployment] : TCP 8080\n');
  });

  test('diff matches clusters by name and exits 1 on a difference', () => {
    cluster('before', 'eu', 8080);
    cluster('after', 'eu', 9090);
    const r = cli(['diff', '--no-platform', path.join(tmp, 'before'), path.join(tmp, 'after')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('diff-type: changed, source: shop/web[Deployment], destination: shop/api[Deployment], ref1: TCP 8080, ref2: TCP 9090\n');
  });

  test('a Helm chart folder is rendered with helm template, or skipped with a one-line notice without helm', () => {
    write('charts/shop/Chart.yaml', 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
    write('charts/shop/values.yaml', 'port: 8080\nwithApi: true\n');
    const [pol, app] = [policies(1).map((o) => yaml.dump(o)).join('---\n'), apps().map((o) => yaml.dump(o)).join('---\n')];
    write('charts/shop/templates/policies.yaml', pol.replace(/port: 1$/gm, 'port: {{ .Values.port }}'));
    write('charts/shop/templates/apps.yaml', `{{- if .Values.withApi }}\n${app}{{- end }}\n`);
    const rendered = cli(['analyze', '--no-platform', '--helm', helmPath(), path.join(tmp, 'charts')]);
    expect(rendered).toMatchObject({ code: 0, err: '' });
    expect(rendered.out).toBe('shop/web[Deployment] => shop/api[Deployment] : TCP 8080\n');
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      const skipped = cli(['analyze', path.join(tmp, 'charts')]);
      expect(skipped.code).toBe(2);
      expect(skipped.err).toContain(`notice: skipped Helm chart ${path.join(tmp, 'charts/shop')}: helm not found (install helm or pass --helm PATH to render it with helm template)\n`);
      expect(skipped.err).toContain(`error: no workloads or policies found in ${path.join(tmp, 'charts')}`);
    } finally {
      process.env.PATH = saved;
    }
    expect(cli(['analyze', '--helm', path.join(tmp, 'nohelm'), path.join(tmp, 'charts')]).err).toContain('--helm: "');
  });

  test('a real duplicate names both files', () => {
    write('dup/a.yaml', [...policies(8080), ...apps()]);
    const b = write('dup/b.yaml', [policies(9090)[2]]);
    const r = cli(['analyze', path.join(tmp, 'dup')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`NetworkPolicy shop/web-to-api is defined twice: in ${path.join(tmp, 'dup/a.yaml')} (document 3) and in ${b}`);
  });

  test('cdk8s synth output (one <chart>.k8s.yaml per cluster): --cluster-per-file', () => {
    write('synth/shop-eu-c0ffee01.k8s.yaml', [...policies(8080), ...apps()]);
    write('synth/shop-us-c0ffee02.k8s.yaml', [...policies(9090), ...apps()]);
    const merged = cli(['analyze', path.join(tmp, 'synth')]);
    expect(merged.code).toBe(2);
    expect(merged.err).toContain('Namespace shop is defined twice');
    expect(merged.err).toContain('or give --cluster-per-file when each file is one cluster');
    const r = cli(['analyze', '--no-platform', '--cluster-per-file', path.join(tmp, 'synth')]);
    expect(r.out).toBe(['## shop-eu-c0ffee01', 'shop/web[Deployment] => shop/api[Deployment] : TCP 8080', '',
      '## shop-us-c0ffee02', 'shop/web[Deployment] => shop/api[Deployment] : TCP 9090', ''].join('\n'));
  });

  test('symlink loops, dangling links and device files are clean errors naming the path', () => {
    write('links/ok/all.yaml', [...policies(8080), ...apps()]);
    fs.symlinkSync('..', path.join(tmp, 'links/ok/up'));
    expect(cli(['analyze', path.join(tmp, 'links')]).err).toContain(`path "${path.join(tmp, 'links/ok/up')}": symbolic link loop (it leads back to "${fs.realpathSync(path.join(tmp, 'links'))}", already read)`);
    fs.mkdirSync(path.join(tmp, 'selflink'));
    fs.symlinkSync('self.yaml', path.join(tmp, 'selflink/self.yaml'));
    expect(cli(['analyze', path.join(tmp, 'selflink')]).err).toContain(`path "${path.join(tmp, 'selflink/self.yaml')}": symbolic link loop`);
    fs.mkdirSync(path.join(tmp, 'dangling'));
    fs.symlinkSync('gone.yaml', path.join(tmp, 'dangling/x.yaml'));
    expect(cli(['analyze', path.join(tmp, 'dangling')]).err).toContain(`path "${path.join(tmp, 'dangling/x.yaml')}": dangling symbolic link`);
    expect(cli(['analyze', '/dev/null'])).toMatchObject({ code: 2, err: 'error: path "/dev/null" is a character device (give manifest files or directories)\n' });
    fs.mkdirSync(path.join(tmp, 'device'));
    fs.symlinkSync('/dev/zero', path.join(tmp, 'device/zero.yaml'));
    expect(cli(['analyze', path.join(tmp, 'device')]).err).toContain(`path "${path.join(tmp, 'device/zero.yaml')}" is a character device`);
  });

  test('a folder without manifests is an error, not an empty success', () => {
    fs.mkdirSync(path.join(tmp, 'empty'));
    write('empty/README.md', '# nothing\n');
    expect(cli(['analyze', path.join(tmp, 'empty')])).toMatchObject({ code: 2, err: expect.stringContaining('no workloads or policies found in') });
  });
});
