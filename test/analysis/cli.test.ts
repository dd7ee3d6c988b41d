import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli/main';

const CASES = path.join(__dirname, '..', 'fixtures', 'netpol-cases');

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(args, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

describe('cdk8s-zero-trust command', () => {
  test('analyze prints exactly the expected connlist', () => {
    const r = cli(['analyze', path.join(CASES, 'tests/onlineboutique')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(fs.readFileSync(path.join(CASES, 'test_outputs/connlist/onlineboutique_connlist_output.txt'), 'utf8').trimEnd() + '\n');
  });

  test('analyze prints nothing for a case with no connections', () => {
    expect(cli(['analyze', path.join(CASES, 'tests/acs_security_frontend_demos')])).toEqual({ code: 0, out: '', err: '' });
  });

  test('formats json, md, mermaid, dot', () => {
    const dir = path.join(CASES, 'tests/netpol-analysis-example-minimal');
    expect(JSON.parse(cli(['analyze', dir, '--format', 'json']).out)).toHaveLength(3);
    expect(cli(['analyze', dir, '--format', 'md']).out).toContain('| default/frontend[Deployment] |');
    expect(cli(['analyze', dir, '--format=mermaid']).out.startsWith('flowchart LR')).toBe(true);
    expect(cli(['analyze', dir, '--format', 'dot']).out).toContain('"default/frontend[Deployment]" -> "default/backend[Deployment]" [label="TCP 9090"];');
  });

  test('--namespace, --raw and json-summary', () => {
    const dir = path.join(CASES, 'tests/onlineboutique');
    const all = cli(['analyze', dir, '--format', 'dot']).out;
    const some = cli(['analyze', dir, '--format', 'dot', '--namespace', 'nowhere']).out;
    expect(all.length).toBeGreaterThan(some.length);
    expect(some).not.toContain(' -> ');
    const sum = JSON.parse(cli(['analyze', dir, '--format', 'json-summary']).out);
    expect(sum.length).toBeGreaterThan(0);
    expect(Object.keys(sum[0]).sort()).toEqual(['conn', 'dst', 'label', 'mtls', 'src']);
    expect(cli(['analyze', dir, '--format', 'md', '--raw']).code).toBe(0);
    expect(cli(['analyze', dir, '--namespace']).err).toContain('--namespace needs a namespace name');
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
    expect(cli(['analyze', dir, '--node-cidrs']).err).toContain('--node-cidrs needs a comma-separated list of CIDRs');
    expect(cli(['analyze', dir, '--node-cidrs=10.0.0.0']).err).toContain('options.nodeCidrs[0]: CIDR error: invalid CIDR address: 10.0.0.0');
  });

  test('diff between two directories', () => {
    const r = cli(['diff', path.join(CASES, 'tests/netpol-analysis-example-minimal'), path.join(CASES, 'tests/minimal_test_in_ns')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('diff-type: removed, source: default/frontend[Deployment], destination: default/backend[Deployment], ref1: TCP 9090, ref2: No Connections');
    expect(r.out).toContain('diff-type: added, source: hello-world/workload-b[Deployment], destination: hello-world/workload-a[Deployment], ref1: No Connections, ref2: TCP 8050');
  });

  test('bad cases fail with the expected error', () => {
    const r = cli(['analyze', path.join(CASES, 'tests/bad_netpols/subdir1')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('CIDR error: invalid CIDR address');
  });

  test('usage errors', () => {
    expect(cli([]).code).toBe(2);
    expect(cli(['analyze', 'x', '--format', 'svg']).err).toContain('--format: invalid value "svg" (valid: txt, json, json-summary, md, mermaid, dot)');
    expect(cli(['analyze']).err).toContain('analyze needs at least one file or directory');
    expect(cli(['diff', 'a']).err).toContain('diff needs exactly two paths');
  });

  test('runs as a node script (shebang entry point)', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../src/cli/main.ts'), 'utf8');
    expect(src.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const out = execFileSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(__dirname, '../../src/cli/main.ts'),
      'analyze', path.join(CASES, 'tests/netpol-analysis-example-minimal')], { encoding: 'utf8' });
    expect(out).toBe(fs.readFileSync(path.join(CASES, 'test_outputs/connlist/netpol-analysis-example-minimal_connlist_output.txt'), 'utf8').trimEnd() + '\n');
  });
});
