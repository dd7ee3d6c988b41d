import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { hubbleEndpoint, hubbleLine, WORLD } from './records';
import { cli } from '../analysis/cli-run';

const MAIN = path.join(__dirname, '../../src/cli/main.ts');

function deployment(ns: string, name: string, port: number): any {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: name, containers: [{ name, image: `${name}:1`, ports: [{ containerPort: port }] }] } } },
  };
}

const MANIFESTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  deployment('shop', 'web', 8080),
  deployment('shop', 'api', 8080),
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-to-api', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] },
  },
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-observe-'));
  fs.mkdirSync(path.join(tmp, 'manifests'));
  fs.writeFileSync(path.join(tmp, 'manifests', 'shop.k8s.yaml'), MANIFESTS.map((o) => yaml.dump(o)).join('---\n'));
  const web = hubbleEndpoint('shop', 'web-5d9f7c-x2k4q', { app: 'web' }, 'web', 'web');
  const api = hubbleEndpoint('shop', 'api-6c8d9f-h4v2n', { app: 'api' }, 'api', 'api');
  fs.writeFileSync(path.join(tmp, 'flows.jsonl'), [hubbleLine(web, api, 8080), hubbleLine(WORLD, api, 8080, { srcIp: '203.0.113.9' })].join('\n') + '\n');
  fs.writeFileSync(path.join(tmp, 'bad.jsonl'), `${hubbleLine(web, api, 8080)}\nnot json\n`);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cdk8s-zero-trust observe', () => {
  test('as a separate process: exit 1 when enforcing would block observed traffic, the proposal on stdout', () => {
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', MAIN, 'observe', 'flows.jsonl', '--manifests', 'manifests', '--format', 'ts'],
      { encoding: 'utf8', cwd: tmp, env: { ...process.env, PATH: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('flows.allow(Peer.cidr(\'203.0.113.9/32\'), Peer.workload(api), { ports: [Port.tcp(8080)], description: \'observed in AUDIT (hubble)\' });\n');
  });

  test('text and json reports; the proof counts', () => {
    const text = cli(['observe', path.join(tmp, 'flows.jsonl'), '-m', path.join(tmp, 'manifests'), '--no-platform']);
    expect(text.code).toBe(1);
    expect(text.out).toContain('- 203.0.113.9 => shop/api[Deployment] : TCP 8080 (1 seen by hubble;');
    expect(text.out).toContain('1/1 observed blocked connections allowed, 0 connections opened beyond them: the proposal holds.');
    const json = JSON.parse(cli(['observe', path.join(tmp, 'flows.jsonl'), '-m', path.join(tmp, 'manifests'), '--no-platform', '-o', 'json']).out);
    expect(json.proof).toEqual({ blockedBefore: 1, allowedAfter: 1, notProposed: [], stillBlocked: [], unobservedOpened: [], holds: true });
    expect(json.observed.map((f: any) => `${f.src} => ${f.dst} : ${f.port}`)).toEqual([
      '203.0.113.9 => shop/api[Deployment] : TCP 8080', 'shop/web[Deployment] => shop/api[Deployment] : TCP 8080',
    ]);
  });

  test('exit 0 when nothing observed would be blocked', () => {
    fs.writeFileSync(path.join(tmp, 'ok.jsonl'), fs.readFileSync(path.join(tmp, 'flows.jsonl'), 'utf8').split('\n')[0] + '\n');
    expect(cli(['observe', path.join(tmp, 'ok.jsonl'), '--manifests', path.join(tmp, 'manifests'), '--no-platform']).code).toBe(0);
  });

  test('errors: exit 2 naming the file and line, or the missing option', () => {
    const bad = cli(['observe', path.join(tmp, 'bad.jsonl'), '--manifests', path.join(tmp, 'manifests')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(new RegExp(`^error: ${path.join(tmp, 'bad.jsonl').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: invalid JSON "not json": expected one JSON object per line`));
    const usage = cli(['observe', path.join(tmp, 'flows.jsonl')]);
    expect([usage.code, usage.err]).toEqual([2, 'error: observe: needs --manifests DIR (the manifests to enforce) (see cdk8s-zero-trust observe --help)\n']);
    const help = cli(['observe', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: cdk8s-zero-trust observe <records>\.\.\. --manifests <dir> \[options\]/);
    expect(cli(['--help']).out).toContain('observe <records>... --manifests <dir>');
  });
});
