import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deploy, netpol, ns } from './fixtures';
import { expectValid } from '../util';
import { cli, writeManifests } from './cli-run';

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-cli-tiers-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (rel: string, objs: any[] | string): string => writeManifests(tmp, rel, objs);

const WEB = 'shop/web[Deployment]';
const API = 'shop/api[Deployment]';
const OTHER = 'tenant-b/other[Deployment]';

/** shop (web -> api on 8080 by NetworkPolicy) and tenant-b, under a Baseline default-deny and an Admin metadata deny. */
function tiered(): any[] {
  return [
    ns('shop'), ns('tenant-b'),
    deploy('shop', 'web'), deploy('shop', 'api'), deploy('tenant-b', 'other'),
    netpol('shop', 'web-to-api', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
    }),
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'metadata-endpoint' },
      spec: { tier: 'Admin', priority: 10, subject: { namespaces: {} }, egress: [{ name: 'deny-imds', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] },
    },
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'baseline' },
      spec: { tier: 'Baseline', priority: 100, subject: { namespaces: {} }, ingress: [{ name: 'default-deny', action: 'Deny', from: [{ namespaces: {} }] }] },
    },
  ];
}

describe('analyze with cluster-wide tier policies', () => {
  test('the fixtures are valid against the Kubernetes schemas and the Network Policy API CRDs', () => {
    expectValid(tiered());
  });

  test('txt: the flows, then who allowed each and which tier rule denied the rest', () => {
    const r = cli(['analyze', '--no-platform', write('t/all.yaml', tiered())]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${WEB} => ${API} : TCP 8080\n`);
    expect(r.out.split('\n').filter((l) => l.startsWith(`${WEB} => ${OTHER}`))).toEqual([]);
    expect(r.out).toContain(`#   ${WEB} => ${API} : egress: default allow, ingress: NetworkPolicy shop/web-to-api`);
    expect(r.out).toContain(`#   ${WEB} => ${OTHER} : denied by ingress Baseline/baseline/default-deny`);
    expect(r.out).toContain(`#   ${WEB} => 169.254.169.254-169.254.169.254[External] : denied by egress Admin/metadata-endpoint/deny-imds`);
  });

  test('--explain names the tier and the rule', () => {
    const r = cli(['analyze', '--no-platform', write('t/all.yaml', tiered()), '--explain', 'shop/web', '169.254.169.254']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tiers: egress All Connections: denied by Admin/metadata-endpoint/deny-imds');
  });

  test('junit and summary say which tier denied an expected flow', () => {
    const f = write('t/all.yaml', tiered());
    const exp = write('t/expect.txt', `${WEB} => ${API} : TCP 8080\n${WEB} => ${OTHER}\n`);
    const j = cli(['analyze', '--no-platform', f, '--expect', exp, '--format', 'junit']);
    expect(j.code).toBe(1);
    expect(j.out).toContain('expected to be allowed, but no connection is allowed (denied by ingress Baseline/baseline/default-deny)');
    const s = cli(['analyze', '--no-platform', f, '--expect', exp, '--format', 'summary']);
    expect(s.out).toContain(`- \`${WEB} => ${OTHER}\`: denied by ingress Baseline/baseline/default-deny`);
    expect(s.out).toContain(`${WEB} => ${API} : TCP 8080   # egress: default allow, ingress: NetworkPolicy shop/web-to-api`);
  });

  test('json, json-summary and dot carry decidedBy', () => {
    const f = write('t/all.yaml', tiered());
    const j = JSON.parse(cli(['analyze', '--no-platform', f, '--format', 'json']).out);
    expect(j).toContainEqual({ src: WEB, dst: API, conn: 'TCP 8080', decidedBy: ['egress: default allow', 'ingress: NetworkPolicy shop/web-to-api'] });
    const s = JSON.parse(cli(['analyze', '--no-platform', f, '--format', 'json-summary']).out);
    expect(s.find((x: any) => x.src === WEB && x.dst === API).decidedBy).toEqual(['egress: default allow', 'ingress: NetworkPolicy shop/web-to-api']);
    const dot = cli(['analyze', '--no-platform', f, '--format', 'dot']).out;
    expect(dot).toContain('label="TCP 8080\\negress: default allow\\ningress: NetworkPolicy shop/web-to-api"');
  });

  test('an unknown field in a ClusterNetworkPolicy is refused naming file, object and field; --lenient analyses it', () => {
    const objs = tiered();
    objs[6].spec.egress[0].to[0].nodes = { matchLabels: { role: 'infra' } };
    delete objs[6].spec.egress[0].to[0].networks;
    const f = write('t/nodes.yaml', objs);
    const r = cli(['analyze', '--no-platform', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f} (document 7): ClusterNetworkPolicy metadata-endpoint: field spec.egress[0].to[0].nodes: unknown field (valid: namespaces, networks, pods)`);
    expect(cli(['analyze', '--no-platform', f, '--lenient']).code).toBe(0);
  });

  test('a version of a tier kind the API does not serve is refused, naming the valid ones', () => {
    const objs = tiered();
    objs[7].apiVersion = 'policy.networking.k8s.io/v1alpha1';
    const r = cli(['analyze', '--no-platform', write('t/version.yaml', objs)]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('ClusterNetworkPolicy baseline: field apiVersion: "policy.networking.k8s.io/v1alpha1" does not serve ClusterNetworkPolicy (valid: policy.networking.k8s.io/v1alpha2)');
  });

  test('--pod-cidrs: a tier network that overlaps the pod space matches pods', () => {
    const objs = [...tiered(), {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'no-pod-range' },
      spec: { tier: 'Admin', priority: 1, subject: { namespaces: {} }, egress: [{ name: 'deny', action: 'Deny', to: [{ networks: ['10.244.0.0/16'] }] }] },
    }];
    const f = write('t/pods.yaml', objs);
    expect(cli(['analyze', '--no-platform', f]).out).toContain(`${WEB} => ${API} : TCP 8080\n`);
    const r = cli(['analyze', '--no-platform', f, '--pod-cidrs', '10.244.0.0/16']);
    expect(r.out).not.toContain(`${WEB} => ${API} : TCP 8080\n`);
    expect(r.out).toContain(`#   ${WEB} => ${API} : denied by egress Admin/no-pod-range/deny`);
    expect(cli(['analyze', '--no-platform', f, '--pod-cidrs', '10.244.0.0']).err).toContain('analyze: --pod-cidrs: CIDR error');
  });

  test('the default platform models CoreDNS where a tier rule names it (a Baseline that allows DNS)', () => {
    const objs = [...tiered()];
    objs[7].spec.egress = [
      { name: 'dns', action: 'Accept', to: [{ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }], protocols: [{ udp: { destinationPort: { number: 53 } } }] },
      { name: 'deny', action: 'Deny', to: [{ namespaces: {} }] },
    ];
    expectValid(objs);
    const r = cli(['analyze', write('t/dns.yaml', objs)]);
    expect(r.code).toBe(0);
    // modelled: the egress rule allows it, and the Baseline's ingress deny-all (kube-system has no NetworkPolicy) denies it there
    expect(r.out).toContain(`#   ${OTHER} => kube-system/coredns[Deployment] : denied by egress Baseline/baseline/deny, ingress Baseline/baseline/default-deny`);
    expect(cli(['analyze', '--explain', 'tenant-b/other', 'kube-system/coredns', write('t/dns.yaml', objs)]).out)
      .toContain('tiers: egress UDP 53: allowed by Baseline/baseline/dns');
    expect(cli(['analyze', write('t/all.yaml', tiered())]).out).not.toContain('coredns');
  });

  test('the command (subprocess) analyses a ClusterNetworkPolicy input', () => {
    const f = write('t/all.yaml', tiered());
    const main = path.join(__dirname, '../../src/cli/main.ts');
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', main, 'analyze', '--no-platform', f, '--format', 'json'],
      { encoding: 'utf8', cwd: path.join(__dirname, '../..') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.find((x: any) => x.src === WEB && x.dst === API).conn).toBe('TCP 8080');
    expect(rows.some((x: any) => x.src === WEB && x.dst === OTHER)).toBe(false);
  });
});
