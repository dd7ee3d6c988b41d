import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli } from './cli-run';
import { dotEdges } from './fixtures';

const CASES = path.join(__dirname, '..', 'fixtures', 'netpol-cases');

/** The flow lines of a txt report (comments left out). */
function flows(out: string): string {
  return out.split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

describe('cdk8s-zero-trust command', () => {
  test('analyze --no-platform prints exactly the expected connlist', () => {
    const r = cli(['analyze', '--no-platform', path.join(CASES, 'tests/onlineboutique')]);
    expect(r.code).toBe(0);
    expect(flows(r.out)).toBe(fs.readFileSync(path.join(CASES, 'test_outputs/connlist/onlineboutique_connlist_output.txt'), 'utf8').trimEnd() + '\n');
  });

  test('the default platform models the DNS pods the policies allow, and only those flows are added', () => {
    const dir = path.join(CASES, 'tests/onlineboutique');
    const noPlatform = cli(['analyze', '--no-platform', dir]).out;
    const plain = flows(noPlatform).trim().split('\n');
    // without the platform, the DNS rules are listed as reaching pods nobody modelled
    expect(noPlatform).toContain('#   default/frontend-netpol egress rule 7 peer 0: pods k8s-app=kube-dns in namespaces {} (UDP 53)');
    const r = cli(['analyze', dir]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('not modelled');
    const lines = flows(r.out).trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining(plain));
    // the policies allow UDP 53 to k8s-app=kube-dns in kube-system: CoreDNS is modelled there
    expect(lines).toContain('default/frontend-99684f7f8[ReplicaSet] => kube-system/coredns[Deployment] : UDP 53');
    expect(lines.filter((l) => !plain.includes(l)).every((l) => l.includes('kube-system/coredns[Deployment]'))).toBe(true);
  });

  test('an analysis where nothing is allowed says so in every format', () => {
    const dir = path.join(CASES, 'tests/acs_security_frontend_demos');
    const txt = cli(['analyze', dir]);
    expect(txt).toMatchObject({ code: 0, err: '' });
    expect(txt.out.split('\n').slice(0, 3)).toEqual(['# no connections allowed',
      '# 4 policy rule peers select pods that are not modelled (connections to them are not analysed; declare them with --platform):',
      '#   frontend/webapp-netpol egress rule 0 peer 0: pods app=checkout in namespaces kubernetes.io/metadata.name=backend (TCP 8080)']);
    expect(cli(['analyze', dir, '--format', 'md']).out.startsWith('_No connections are allowed._\n')).toBe(true);
    expect(cli(['analyze', dir, '--format', 'mermaid']).out).toContain('none["No connections are allowed."]');
    expect(cli(['analyze', dir, '--format', 'dot']).out).toContain('none [shape=plaintext, label="No connections are allowed."];');
    expect(cli(['analyze', dir, '--format', 'json']).out).toBe('[]\n');
    expect(cli(['analyze', dir, '--format', 'summary']).out).toContain('No connections allowed.');
  });

  test('formats json, md, mermaid, dot', () => {
    const dir = path.join(CASES, 'tests/netpol-analysis-example-minimal');
    expect(JSON.parse(cli(['analyze', dir, '--format', 'json']).out)).toHaveLength(3);
    expect(cli(['analyze', dir, '--format', 'md']).out).toContain('| default/frontend[Deployment] |');
    expect(cli(['analyze', dir, '--format=mermaid']).out.startsWith('flowchart LR')).toBe(true);
    const dot = cli(['analyze', dir, '--format', 'dot']).out;
    const e = /(e\d+) \[shape=plaintext, style="", fontsize=11, label="TCP 9090"\];/.exec(dot)![1];
    expect(dot).toContain(`"default/frontend[Deployment]" -> ${e} [arrowhead=none];\n  ${e} -> "default/backend[Deployment]";`);
  });

  test('--namespace, --raw and json-summary', () => {
    const dir = path.join(CASES, 'tests/onlineboutique');
    const all = cli(['analyze', dir, '--format', 'dot']).out;
    const some = cli(['analyze', dir, '--format', 'dot', '--namespace', 'kube-system']).out;
    expect(all.length).toBeGreaterThan(some.length);
    expect(dotEdges(some).length).toBeGreaterThan(0);
    expect(dotEdges(some).every((l) => l.includes('kube-system/'))).toBe(true);
    const nowhere = cli(['analyze', dir, '--format', 'dot', '--namespace', 'nowhere']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toContain('--namespace "nowhere" matches no namespace of the manifests (valid: default, ingress-nginx, kube-node-lease, kube-public, kube-system)');
    const sum = JSON.parse(cli(['analyze', dir, '--format', 'json-summary']).out);
    expect(sum.length).toBeGreaterThan(0);
    expect(Object.keys(sum[0]).sort()).toEqual(['conn', 'dst', 'label', 'mtls', 'src']);
    expect(cli(['analyze', dir, '--format', 'md', '--raw']).code).toBe(0);
    expect(cli(['analyze', dir, '--namespace']).err).toContain('analyze: --namespace needs a value: NS');
  });

  test('--explain SRC DST', () => {
    const r = cli(['analyze', path.join(CASES, 'tests/netpol-analysis-example-minimal'), '--explain', 'default/frontend', 'default/backend']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('default/frontend[Deployment] => default/backend[Deployment] : TCP 9090');
    expect(r.out).toContain('ingress: default/backend-netpol ingress rule 0 allows TCP 9090');
  });

  test('--node-cidrs models hostNetwork pods as node traffic', () => {
    const dir = path.join(CASES, 'tests/semanticDiff-same-topologies-old1');
    const plain = cli(['analyze', dir]).out;
    expect(plain).not.toContain('demo/cog-agents-account-query[DaemonSet] => demo/cog-agents-bank-ui[DaemonSet] : All Connections');
    const node = cli(['analyze', dir, '--node-cidrs', '10.0.0.0/8,192.168.0.0/16']);
    expect(node.code).toBe(0);
    expect(node.out).toContain('demo/cog-agents-account-query[DaemonSet] => demo/cog-agents-bank-ui[DaemonSet] : All Connections');
    expect(cli(['analyze', dir, '--node-cidrs']).err).toContain('--node-cidrs needs a value: CIDR,...');
    expect(cli(['analyze', dir, '--node-cidrs=10.0.0.0']).err).toContain('analyze: --node-cidrs: CIDR error: invalid CIDR address: 10.0.0.0 (expected a.b.c.d/n or an IPv6 prefix)');
  });

  test('diff between two directories: exit 1 when different, 0 when the same', () => {
    const a = path.join(CASES, 'tests/netpol-analysis-example-minimal');
    const r = cli(['diff', a, path.join(CASES, 'tests/minimal_test_in_ns')]);
    expect(r.code).toBe(1);
    expect(cli(['diff', a, a])).toEqual({ code: 0, out: '# no differences in the allowed connections\n', err: '' });
    expect(cli(['diff', a, path.join(CASES, 'missing')])).toMatchObject({ code: 2, err: expect.stringContaining('does not exist') });
    expect(r.out).toContain('diff-type: removed, source: default/frontend[Deployment], destination: default/backend[Deployment], ref1: TCP 9090, ref2: No Connections');
    expect(r.out).toContain('diff-type: added, source: hello-world/workload-b[Deployment], destination: hello-world/workload-a[Deployment], ref1: No Connections, ref2: TCP 8050');
  });

  test('bad cases fail with the expected error', () => {
    const r = cli(['analyze', path.join(CASES, 'tests/bad_netpols/subdir1')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('CIDR error: invalid CIDR address');
  });

  test('usage errors', () => {
    expect(cli([]).code).toBe(2);
    expect(cli(['analyze', 'x', '--format', 'svg']).err).toContain('--format: invalid value "svg" (valid: txt, json, json-summary, md, mermaid, dot, junit, summary)');
    expect(cli(['analyze', 'x', '--format'])).toEqual({ code: 2, out: '', err: expect.stringContaining('analyze: --format needs a value: one of txt, json, json-summary, md, mermaid, dot, junit, summary') });
    expect(cli(['analyze', 'x', '--format', '--raw']).err).toContain('--format needs a value: one of txt');
    expect(cli(['analyze', 'x', '--bogus']).err).toContain('analyze: unknown option "--bogus" (valid: --format, --expect, --explain, --namespace');
    expect(cli(['analyze', 'x', '--raw=1']).err).toContain('--raw takes no value (got "1")');
    expect(cli(['analyze', 'x', '--explain', 'a']).err).toContain('--explain needs 2 values: SRC DST');
    expect(cli(['analyze', 'x', '--format', 'junit']).err).toContain('--format junit needs --expect FILE');
    expect(cli(['analyze', 'x', '--dns', 'Bad_NS']).err).toContain('--dns: invalid value "Bad_NS" (valid: NAMESPACE or NAMESPACE:key=value,key=value');
    expect(cli(['analyze', 'x', '--no-platform', '--dns', 'kube-system']).err).toContain('--no-platform and --dns exclude each other');
    expect(cli(['analyze']).err).toContain('analyze: needs at least one file or directory');
    expect(cli(['diff', 'a'])).toMatchObject({ code: 2, err: expect.stringContaining('diff: needs exactly two paths, before and after (got 1)') });
    expect(cli(['frobnicate']).err).toContain('unknown command "frobnicate" (valid: analyze, diff, observe, help)');
  });

  test('every subcommand has --help; help names {ingress-controller} and the exit codes', () => {
    for (const args of [['analyze', '--help'], ['analyze', '-h'], ['help', 'analyze']]) {
      const r = cli(args);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('usage: cdk8s-zero-trust analyze');
      expect(r.out).toContain('{ingress-controller}');
      expect(r.out).toContain('--expect FILE');
      expect(r.out).toContain('1 the flows differ from --expect, 2 an error');
    }
    expect(cli(['diff', '--help']).out).toContain('0 the same,\n1 different, 2 an error');
    expect(cli(['help']).out).toContain('commands:');
    expect(cli(['--help']).code).toBe(0);
    expect(cli(['help', 'nope'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "nope"') });
  });

  test('runs as a node script (shebang entry point)', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../src/cli/main.ts'), 'utf8');
    expect(src.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const out = execFileSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(__dirname, '../../src/cli/main.ts'),
      'analyze', '--no-platform', path.join(CASES, 'tests/netpol-analysis-example-minimal')], { encoding: 'utf8' });
    expect(out).toBe(fs.readFileSync(path.join(CASES, 'test_outputs/connlist/netpol-analysis-example-minimal_connlist_output.txt'), 'utf8').trimEnd() + '\n');
  });
});
