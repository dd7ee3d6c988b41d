/**
 * The main job (`npm run sample`, sample/main.ts): its output folder, its summary, and the Helm
 * round trip of each cluster's chart (one `helm template` per cluster).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CLUSTERS, TIERS_CLUSTER } from '../../sample/ecommerce';
import { ApplyOrder } from '../../src';
import { byKey, helmTemplate, splitRendered, tmp } from '../helm/helm-run';
import { expectValid } from '../util';
import { sampleRun, SampleRunResult } from '../util/sample-cache';

let out: string;
let run: SampleRunResult;

beforeAll(() => {
  // runSample's output, written once per run (test/util/sample-cache; read only here)
  ({ dir: out, run } = sampleRun());
});

function readYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).map((d) => d.toJS());
}

test('one folder per cluster with manifests, Helm chart, kind config and IstioOperator; the reachability report', () => {
  expect(fs.readdirSync(out).sort()).toEqual([...CLUSTERS, 'delivery', 'reachability', 'rollout'].sort());
  for (const c of CLUSTERS) {
    const dir = path.join(out, c);
    expect(fs.readdirSync(dir).sort()).toEqual(['apps', 'chart', 'istio', 'kind-config.yaml', 'manifests.k8s.yaml', 'policies']);
    expect(fs.readdirSync(path.join(dir, 'chart')).sort()).toEqual(['Chart.yaml', 'crds', 'templates', 'values.schema.json', 'values.yaml']);
    expect(readYaml(path.join(dir, 'kind-config.yaml'))[0]).toMatchObject({ kind: 'Cluster', name: c });
    expect(fs.readdirSync(path.join(dir, 'istio')).sort()).toEqual(['operator.yaml', 'remote-secrets.sh']);
    expect(fs.readFileSync(path.join(dir, 'istio', 'remote-secrets.sh'), 'utf8').match(/istioctl create-remote-secret/g)?.length).toBe(2);
    expect(readYaml(path.join(dir, 'istio', 'operator.yaml'))[0]).toMatchObject({ kind: 'IstioOperator', spec: { values: { global: { meshID: 'shop-mesh' } } } });
    expect(readYaml(path.join(dir, 'manifests.k8s.yaml')).length).toBe(run.objects[c]);
    for (const ext of ['txt', 'md', 'mmd', 'dot', 'flows.dot']) {
      expect(fs.existsSync(path.join(out, 'reachability', `${c}.${ext}`))).toBe(true);
    }
  }
  expect(fs.readFileSync(path.join(out, 'reachability', 'asia-east.txt'), 'utf8'))
    .toContain('order/order-service[Deployment] => payment/payment-service[Deployment] : TCP 8080');
  // issue 28: the cluster with the policy tiers says which tier denied
  const tiers = fs.readFileSync(path.join(out, 'reachability', `${TIERS_CLUSTER}.md`), 'utf8');
  expect(tiers).toContain('## Denied by a cluster-wide policy tier');
  expect(tiers).toContain('- `frontend/frontend[Deployment] => 169.254.169.254-169.254.169.254[External] : denied by egress Admin/deny-cloud-metadata/deny-cloud-metadata`');
  expect(fs.readFileSync(path.join(out, 'reachability', 'asia-east.md'), 'utf8')).not.toContain('cluster-wide policy tier');
});

test('delivery: the Argo CD and Flux objects point at the written folders; policies/ + apps/ == manifests.k8s.yaml', () => {
  // the job's output committed as is: the repository root is two levels above dist/sample
  const repoRoot = path.resolve(out, '..', '..');
  const argo = readYaml(path.join(out, 'delivery', 'argocd.yaml'));
  expect(argo.map((o) => o.kind)).toEqual(['ApplicationSet', 'AppProject']);
  const elements = argo[0].spec.generators[0].list.elements;
  expect(elements.map((e: any) => e.cluster)).toEqual(CLUSTERS);
  for (const e of elements) {
    // directory.include '*.k8s.yaml', not recursive: exactly the cluster's manifests
    expect(fs.readdirSync(path.join(repoRoot, e.path)).filter((f) => f.endsWith('.k8s.yaml'))).toEqual(['manifests.k8s.yaml']);
  }
  expect(fs.readdirSync(path.join(out, 'delivery', 'flux')).sort()).toEqual(CLUSTERS);
  for (const c of CLUSTERS) {
    const objs = readYaml(path.join(out, 'delivery', 'flux', c, 'shop.yaml'));
    expect(objs.map((o) => o.kind)).toEqual(['GitRepository', 'Kustomization', 'Kustomization']);
    const halves = objs.slice(1).map((k) => readYaml(path.join(repoRoot, k.spec.path, 'manifests.k8s.yaml')));
    expect(halves[0].length).toBeGreaterThan(0);
    expect(halves[1].length).toBeGreaterThan(0);
    expect(byKey([...halves[0], ...halves[1]])).toEqual(byKey(readYaml(path.join(out, c, 'manifests.k8s.yaml'))));
  }
});

test('every plain output applies with one kubectl apply -f: no object before its Namespace or CRD', () => {
  const files: string[][] = [];
  for (const c of CLUSTERS) {
    files.push([path.join(out, c, 'manifests.k8s.yaml')]);
    files.push([path.join(out, 'rollout', c, 'manifests.k8s.yaml')]);
    // Flux applies the policies half, then (dependsOn) the apps half
    files.push([path.join(out, c, 'policies', 'manifests.k8s.yaml'), path.join(out, c, 'apps', 'manifests.k8s.yaml')]);
  }
  for (const group of files) {
    const objs = group.flatMap(readYaml);
    expect(objs.length).toBeGreaterThan(0);
    expect({ files: group, problems: ApplyOrder.problems(objs) }).toEqual({ files: group, problems: [] });
    expect(objs[0].kind).toBe('Namespace');
  }
});

test('rollout: the AUDIT manifests per cluster and the report', () => {
  const dir = path.join(out, 'rollout');
  expect(fs.readdirSync(dir).sort()).toEqual(['audit-report.json', 'audit-report.md', ...CLUSTERS,
    'observe-asia-east.json', 'observe-asia-east.md', 'proposal-asia-east.ts'].sort());
  for (const c of CLUSTERS) {
    const objs = readYaml(path.join(dir, c, 'manifests.k8s.yaml'));
    expect(objs.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(objs.filter((o) => o.kind === 'Deployment').length).toBeGreaterThan(0);
  }
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'audit-report.json'), 'utf8'));
  const held = json.clusters.reduce((n: number, c: any) => n + c.heldBack.length, 0);
  const blocked = json.clusters.reduce((n: number, c: any) => n + c.wouldBlock.length, 0);
  expect(held).toBe(run.rollout.heldBack);
  expect(run.summary.join('\n')).toContain(`rollout: AUDIT holds back ${held} policies (+${run.rollout.auditOnly} audit-only); enforcing blocks ${blocked} connections`);
  expect(fs.readFileSync(path.join(dir, 'audit-report.md'), 'utf8')).toMatch(/^# Enforcement report\n/);
});

test('observe: the records of asia-east (sample/observed/) against its ENFORCE manifests, the proposal and its proof', () => {
  const o = JSON.parse(fs.readFileSync(path.join(out, 'rollout', 'observe-asia-east.json'), 'utf8'));
  // the declared traffic passes; the uptime check, the exporter scrape and the refund lookup would be blocked
  expect(o.wouldBlock.map((f: any) => `${f.src} => ${f.dst} : ${f.port}`)).toEqual([
    '198.51.100.23 => frontend/frontend[Deployment] : TCP 8080',
    'observability/cluster-collector-collector[Deployment] => database/user-db[Deployment] : TCP 9187',
    'observability/cluster-collector-collector[Deployment] => order/order-service[Deployment] : TCP 8080',
    'observability/cluster-collector-collector[Deployment] => payment/payment-service[Deployment] : TCP 8080',
    'order/order-service[Deployment] => payment/payment-service[Deployment] : TCP 8080',
  ]);
  // the debugging shell is no workload of the program: listed, never proposed
  expect(o.unmapped.map((u: any) => `${u.src} => ${u.dst}`)).toContain('payment/netshoot => database/user-db[Deployment]');
  expect(fs.readFileSync(path.join(out, 'rollout', 'proposal-asia-east.ts'), 'utf8').split('\n').filter((l) => !l.startsWith('//') && l)).toEqual([
    'flows.allow(Peer.pods({ \'app.kubernetes.io/component\': \'opentelemetry-collector\', \'app.kubernetes.io/instance\': \'observability.cluster-collector\', '
      + '\'app.kubernetes.io/managed-by\': \'opentelemetry-operator\', \'app.kubernetes.io/part-of\': \'opentelemetry\' }, { namespace: \'observability\' }), '
      + 'Peer.workload(db), { ports: [Port.tcp(9187)], description: \'observed in AUDIT (hubble)\' });',
    'mesh.allow(Peer.workload(order.workload), Peer.workload(payment.workload), { ports: [Port.tcp(8080)], http: { methods: [\'GET\'], paths: [\'/api/payments/8812\'] }, '
      + 'description: \'observed in AUDIT (access-log, hubble, prometheus)\' });',
  ]);
  expect(o.proof).toMatchObject({ blockedBefore: 5, allowedAfter: 2, stillBlocked: [], unobservedOpened: [], holds: true });
  // the collector's scrapes (no sidecar) and the direct call from the internet to the STRICT frontend
  expect(o.proof.notProposed).toHaveLength(3);
  expect(o.findings.map((f: any) => `${f.rule} ${f.resource}`)).toContain('require-run-as-non-root Pod payment/netshoot');
  expect(run.summary.join('\n')).toContain('observe asia-east: enforcing would block 5 observed connections; 5 proposed lines, proof 2/5 allowed, 0 opened beyond');
});

test('the summary names every cluster and reports the checks; the flows are the declared ones', () => {
  expect(run.flowFailures).toEqual([]);
  const text = run.summary.join('\n');
  for (const c of CLUSTERS) {
    expect(text).toMatch(new RegExp(`${c}\\s+${run.objects[c]} objects`));
  }
  expect(text).toMatch(/allowed flows == declared flows in 3\/3 clusters/);
  // delivery: the Argo CD ApplicationSet and AppProject, the Flux source and 2 Kustomizations per
  // cluster, and per cluster the reconciler identity of each engine (review finding 2)
  const reconcilers = CLUSTERS.flatMap((c) => [
    ...readYaml(path.join(out, 'delivery', 'flux', c, 'reconciler.yaml')),
    ...readYaml(path.join(out, 'delivery', 'argocd-reconciler', `${c}.yaml`)),
  ]);
  expect(reconcilers.filter((o) => o.kind === 'ClusterRole').length).toBe(2 * CLUSTERS.length);
  expect(text).toMatch(new RegExp(`(\\d+)/\\1 objects schema-valid \\(Kubernetes 1.27 \\+ 1.33, CRDs\\) \\+ ${9 + reconcilers.length} delivery \\+ \\d+ AUDIT objects`));
  expect(text).toMatch(/delivery: .*argocd.yaml/);
});

test.each(CLUSTERS)('helm template of %s renders exactly the plain manifests', (c) => {
  const rendered = splitRendered(helmTemplate(path.join(out, c, 'chart'))).map((d) => d.object);
  const plain = readYaml(path.join(out, c, 'manifests.k8s.yaml'));
  expect(byKey(rendered)).toEqual(byKey(plain));
  expectValid(rendered);
  // the frontend's replicas are a Helm value
  const values = readYaml(path.join(out, c, 'chart', 'values.yaml'))[0];
  expect(values.frontend.replicas).toBe(3);
  const templates = fs.readdirSync(path.join(out, c, 'chart', 'templates'))
    .map((f) => fs.readFileSync(path.join(out, c, 'chart', 'templates', f), 'utf8'));
  expect(templates.filter((t) => t.includes('.Values.frontend.replicas')).length).toBe(1);
});

test('cdk8s.yaml runs the sample as a plain cdk8s app: one manifest per cluster', () => {
  const config = readYaml(path.join(__dirname, '..', '..', 'cdk8s.yaml'))[0];
  expect(config).toEqual({
    language: 'typescript',
    app: 'npx ts-node --project test/tsconfig.json sample/cdk8s-app.ts',
    output: 'dist/cdk8s',
  });
  // what `cdk8s synth` does: run the app with CDK8S_OUTDIR set to `output`
  const outdir = tmp('cdk8s');
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../sample/cdk8s-app');
    });
  } finally {
    if (before === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = before;
  }
  const files = fs.readdirSync(outdir).sort();
  expect(files.map((f) => f.replace(/-[0-9a-f]{8}\.k8s\.yaml$/, ''))).toEqual(CLUSTERS.map((c) => `shop-${c}`));
  for (const c of CLUSTERS) {
    const file = files.find((f) => f.startsWith(`shop-${c}-`))!;
    const objs = readYaml(path.join(outdir, file));
    expect(objs.length).toBe(run.objects[c]);
    expect(ApplyOrder.problems(objs)).toEqual([]);
  }
});
