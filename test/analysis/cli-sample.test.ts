import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ANALYZER_OPTIONS, platformStandIns } from '../../sample/platform';
import { sampleRun } from '../util/sample-cache';

const CLUSTERS = ['asia-east', 'europe-west', 'us-east'];
/** The stand-ins the CLI models by default (DNS, istiod, the east-west gateway). */
const DEFAULTS = ['coredns', 'istiod', 'istio-eastwestgateway'];
const MAIN = path.join(__dirname, '../../src/cli/main.ts');

let tmp: string;
let out: string;

/** Runs the CLI as a separate node process, as a CI job would. */
function cliProcess(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', MAIN, ...args],
    { encoding: 'utf8', cwd: tmp, env: { ...process.env, PATH: '' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The platform file for the sample: the stand-ins beyond the defaults and the kind nodes (as the sample's analyzer sees them). */
function platformFile(): string {
  const standIns = platformStandIns().filter((d) => !DEFAULTS.includes(d.metadata.name)).map((d) => ({
    namespace: d.metadata.namespace,
    name: d.metadata.name,
    labels: d.spec.template.metadata.labels,
    serviceAccount: d.spec.template.spec.serviceAccountName,
    ports: d.spec.template.spec.containers[0].ports.map((p: any) => `${p.protocol ?? 'TCP'}/${p.containerPort}`),
  }));
  const f = path.join(tmp, 'platform.yaml');
  fs.writeFileSync(f, yaml.dump({ nodeCidrs: ANALYZER_OPTIONS.nodeCidrs, standIns }));
  return f;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-cli-sample-'));
  out = path.join(tmp, 'dist');
  // runSample's output, written once per run (test/util/sample-cache), linked in read only
  fs.symlinkSync(sampleRun().dir, out, 'dir');
}, 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the CLI on the sample\'s output tree (subprocess)', () => {
  test('analyze --expect with the sample\'s own report: exit 0, the same flows, nothing unmodelled', () => {
    const expected = CLUSTERS.map((c) => `## ${c}\n${fs.readFileSync(path.join(out, 'reachability', `${c}.txt`), 'utf8')}`).join('\n');
    fs.writeFileSync(path.join(tmp, 'expected.txt'), expected);
    const r = cliProcess(['analyze', 'dist', '--platform', platformFile(), ...CLUSTERS.flatMap((c) => ['--cluster', c]), '--expect', 'expected.txt']);
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(0);
    // the CLI adds comment lines (who decided each flow) for the cluster with policy tiers
    const flowsOnly = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(flowsOnly(r.out)).toBe(flowsOnly(expected.replace(/\n+$/, '\n')));
    expect(r.out.match(/# decided by/g)).toHaveLength(1);
    expect(r.out).not.toContain('not modelled');
    // the cluster folders' other renderings are read once, the Helm charts skipped (no helm on PATH)
    expect(r.err).toContain('notice: cluster asia-east: read dist/asia-east; skipped apps/, chart/, policies/');
  }, 120_000);

  test('a flow the checked-in list does not have fails the job with exit 1, junit names it', () => {
    const report = fs.readFileSync(path.join(out, 'reachability', 'asia-east.txt'), 'utf8').split('\n');
    const dropped = report.find((l) => l.startsWith('frontend/frontend[Deployment] => order/order-service[Deployment]'))!;
    expect(dropped).toBeDefined();
    fs.writeFileSync(path.join(tmp, 'expected-asia.txt'), report.filter((l) => l !== dropped).join('\n'));
    const r = cliProcess(['analyze', 'dist', '--platform', platformFile(), '--cluster', 'asia-east', '--expect', 'expected-asia.txt', '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`allowed connections differ from expected-asia.txt (+ unexpectedly allowed, - expected but denied, ~ other connections):\n+ ${dropped}\n`);
    const flows = report.filter((l) => l.includes(' => ')).length;
    expect(r.out).toContain(`tests="${flows}" failures="1"`);
    expect(r.out).toContain(`name="unexpected: ${dropped.replace(/>/g, '&gt;')}"`);
  }, 120_000);

  test('without a platform file: the Gateway\'s pods (istiod\'s, modelled from the Gateway) reach the frontend, DNS is modelled, the missing stand-ins are listed', () => {
    const r = cliProcess(['analyze', 'dist', '--cluster', 'asia-east']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('gateway/shop-istio[Deployment] => frontend/frontend[Deployment] : TCP 8080 [L7: HTTPRoute ');
    expect(r.out).toContain('HTTPRoute frontend/shop-shop-example-com: shop.example.com PathPrefix /]\n');
    expect(r.out).not.toContain('gateway.networking.k8s.io/gateway-name=shop');
    expect(r.out).toContain('frontend/frontend[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53\n');
    expect(r.out).toContain('# 7 policy rule peers select pods that are not modelled');
    expect(r.out).toContain('#   logging/allow-to-elasticsearch-from-fluentd egress rule 0 peer 0: pods app.kubernetes.io/name=elasticsearch in namespace logging (TCP 9200)');
  }, 120_000);
});
