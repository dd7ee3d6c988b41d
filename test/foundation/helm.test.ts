import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { expectValid, HELM_LINES, helmPath } from '../util';

function run(args: string[], line: string = '3'): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(helmPath(line), args, { stdio: 'pipe' }).toString() };
  } catch (e: any) {
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function writeChart(dir: string, template: string): void {
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\nicon: https://example.com/icon.png\n');
  fs.writeFileSync(path.join(dir, 'values.yaml'), 'namespace: shop\nport: 8080\n');
  fs.writeFileSync(path.join(dir, 'templates', 'np.yaml'), template);
}

const TEMPLATE = [
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: {{ .Release.Name }}-deny',
  '  namespace: {{ .Values.namespace }}',
  'spec:',
  '  podSelector: {}',
  '  policyTypes: [Ingress]',
  '  ingress:',
  '    - ports:',
  '        - port: {{ .Values.port }}',
  '          protocol: TCP',
  '',
].join('\n');

describe.each(HELM_LINES)('real Helm %s', (line) => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-test-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('helm version is the line the README supports (3.17, 4.1)', () => {
    expect(run(['version', '--short'], line).out).toMatch(line === '3' ? /^v3\.17\./ : /^v4\.1\./);
  });

  test('lints (--strict) and renders a tiny chart, with value overrides', () => {
    writeChart(dir, TEMPLATE);
    const lint = run(['lint', '--strict', dir], line);
    expect(lint).toEqual({ ok: true, out: expect.stringContaining('1 chart(s) linted, 0 chart(s) failed') });

    const rendered = run(['template', 'demo', dir, '--set', 'port=9090'], line);
    expect(rendered.ok).toBe(true);
    const docs = (yaml.loadAll(rendered.out) as any[]).filter((d) => d);
    expect(docs).toHaveLength(1);
    expect(docs[0].metadata).toEqual({ name: 'demo-deny', namespace: 'shop' });
    expect(docs[0].spec.ingress[0].ports[0].port).toBe(9090);
    expectValid(docs);
  });

  test('lint fails on a broken template', () => {
    writeChart(dir, TEMPLATE.replace('{{ .Values.port }}', '{{ .Values.port '));
    const lint = run(['lint', '--strict', dir], line);
    expect(lint.ok).toBe(false);
    expect(lint.out).toContain('np.yaml');
  });
});
