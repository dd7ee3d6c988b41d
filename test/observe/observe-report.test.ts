import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { hubbleEndpoint, hubbleLine, inboundEntry, WORLD } from './records';
import { Flows, MtlsMesh, MtlsMode, ObserveReport, Peer, Port, ReachabilityAnalyzer, ReachabilityAssertions, ZeroTrustNamespace } from '../../src';
import { synthAndValidate, validateObjects, formatIssues } from '../util';

interface Shop {
  readonly chart: Chart;
  readonly mesh: MtlsMesh;
  readonly flows: Flows;
  readonly frontend: kplus.Deployment;
  readonly orders: kplus.Deployment;
  readonly postgres: kplus.Deployment;
  readonly scraper: kplus.Deployment;
}

function deployment(chart: Chart, ns: string, name: string, port: number): kplus.Deployment {
  const sa = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name, namespace: ns }, automountToken: false });
  const labels = { app: name };
  const d = new kplus.Deployment(chart, name, {
    metadata: { name, namespace: ns, labels },
    serviceAccount: sa,
    select: false,
    podMetadata: { labels },
    containers: [{ name, image: `registry.example.com/${name}:1.0`, portNumber: port, securityContext: { user: 1000, group: 1000 } }],
  });
  d.select(kplus.LabelSelector.of({ labels }));
  return d;
}

/** web/frontend -> api/orders (mesh, POST /orders), api/orders -> db/postgres (5432); tools/scraper has no sidecar. */
function shop(): Shop {
  const chart = Testing.chart();
  new ZeroTrustNamespace(chart, 'web', { name: 'web', istioInjection: true });
  new ZeroTrustNamespace(chart, 'api', { name: 'api', istioInjection: true });
  new ZeroTrustNamespace(chart, 'db', { name: 'db' });
  new ZeroTrustNamespace(chart, 'tools', { name: 'tools' });
  const frontend = deployment(chart, 'web', 'frontend', 8080);
  const orders = deployment(chart, 'api', 'orders', 8080);
  const postgres = deployment(chart, 'db', 'postgres', 5432);
  const scraper = deployment(chart, 'tools', 'scraper', 9090);
  const mesh = new MtlsMesh(chart, 'mesh');
  mesh.protectNamespace('api');
  // the ingress controller and the uptime checks have no sidecar: plain TCP on the frontend's HTTP port
  mesh.workloadMtls(frontend, { portModes: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] });
  mesh.allow(Peer.workload(frontend), Peer.workload(orders), { ports: [Port.tcp(8080)], http: { methods: ['POST'], paths: ['/orders'] } });
  const flows = Flows.of(chart);
  flows.allow(Peer.workload(orders), Peer.workload(postgres), { ports: [Port.tcp(5432)] });
  return { chart, mesh, flows, frontend, orders, postgres, scraper };
}

const EP = {
  frontend: hubbleEndpoint('web', 'frontend-7f9c6b8d4-x2k4q', { 'app': 'frontend', 'pod-template-hash': '7f9c6b8d4' }, 'frontend', 'frontend'),
  orders: hubbleEndpoint('api', 'orders-5b7d9f6c8-h4v2n', { 'app': 'orders', 'pod-template-hash': '5b7d9f6c8' }, 'orders', 'orders'),
  postgres: hubbleEndpoint('db', 'postgres-7c5f8d9b6-p2x9k', { 'app': 'postgres', 'pod-template-hash': '7c5f8d9b6' }, 'postgres', 'postgres'),
  scraper: hubbleEndpoint('tools', 'scraper-6b9f7d5c4-kq2lm', { 'app': 'scraper', 'pod-template-hash': '6b9f7d5c4' }, 'scraper', 'scraper'),
  shell: hubbleEndpoint('db', 'psql-debug', { run: 'psql-debug' }),
};

const RECORDS = {
  'hubble.jsonl': [
    hubbleLine(EP.frontend, EP.orders, 8080),
    hubbleLine(EP.orders, EP.postgres, 5432),
    hubbleLine(EP.orders, EP.postgres, 5432),
    // the forgotten metrics scrape of the database's exporter port
    hubbleLine(EP.scraper, EP.postgres, 9187),
    // the scraper also scrapes orders, which admits mesh identities only
    hubbleLine(EP.scraper, EP.orders, 8080),
    // a debugging shell: matches no workload
    hubbleLine(EP.shell, EP.postgres, 5432, { verdict: 'AUDIT' }),
    // an uptime check from outside the cluster
    hubbleLine(WORLD, EP.frontend, 8080, { srcIp: '203.0.113.9' }),
  ].join('\n'),
  'orders-access.jsonl': [
    inboundEntry({ ns: 'api', name: 'orders-5b7d9f6c8-h4v2n' }, 8080, 'POST', '/orders', { namespace: 'web', workload: 'frontend' }),
    inboundEntry({ ns: 'api', name: 'orders-5b7d9f6c8-h4v2n' }, 8080, 'GET', '/orders/7?expand=items', { namespace: 'web', workload: 'frontend' }, 'ns[api]-policy[allow-to-api-orders]-rule[0]'),
  ].join('\n'),
};

const NAMES = { 'web/frontend': 'frontend', 'api/orders': 'orders', 'db/postgres': 'postgres', 'tools/scraper': 'scraper' };

describe('ObserveReport on a small shop', () => {
  const objects = synthAndValidate(shop().chart);
  const report = ObserveReport.fromTexts(RECORDS, objects, { workloadNames: NAMES });

  test('what enforcing would block, by workload pair and port (dry-run denials included)', () => {
    expect(report.wouldBlock.map((f) => `${f.src} => ${f.dst} : ${f.port}${f.http.length ? ` ${f.http.join(', ')}` : ''}`)).toEqual([
      '203.0.113.9 => web/frontend[Deployment] : TCP 8080',
      'tools/scraper[Deployment] => api/orders[Deployment] : TCP 8080',
      'tools/scraper[Deployment] => db/postgres[Deployment] : TCP 9187',
      'web/frontend[Deployment] => api/orders[Deployment] : TCP 8080 GET /orders/7, POST /orders',
    ]);
    expect(report.wouldBlock[3].shadowDeniedBy).toEqual(['ns[api]-policy[allow-to-api-orders]-rule[0]']);
    expect(report.observed.find((f) => f.dst === 'db/postgres[Deployment]' && f.port === 'TCP 5432')).toMatchObject({ count: 2, seenBy: ['hubble'] });
  });

  test('traffic of pods that match no workload is listed, not proposed', () => {
    expect(report.unmapped.map((u) => `${u.src} => ${u.dst} : ${u.port}: ${u.reason}`)).toEqual([
      'db/psql-debug => db/postgres[Deployment] : TCP 5432: source: no workload of the manifests matches namespace db, pod psql-debug, labels run=psql-debug, service account default',
    ]);
  });

  test('the proposal: one line per pair, in the program\'s names, L7 only for what the dry-run denied', () => {
    expect(report.proposal.map((p) => p.code)).toEqual([
      'flows.allow(Peer.cidr(\'203.0.113.9/32\'), Peer.workload(frontend), { ports: [Port.tcp(8080)], description: \'observed in AUDIT (hubble)\' });',
      '// not proposed: tools/scraper[Deployment] has no Istio sidecar and api/orders[Deployment] admits mesh identities only (AuthorizationPolicy): '
        + 'no flow can allow it; give the source a sidecar (ZeroTrustNamespace istioInjection) and observe again, or stop the traffic',
      'flows.allow(Peer.workload(scraper), Peer.workload(postgres), { ports: [Port.tcp(9187)], description: \'observed in AUDIT (hubble)\' });',
      'mesh.allow(Peer.workload(frontend), Peer.workload(orders), { ports: [Port.tcp(8080)], http: { methods: [\'GET\'], paths: [\'/orders/7\'] }, '
        + 'description: \'observed in AUDIT (access-log, hubble)\' });',
    ]);
  });

  test('the proof: every proposed connection allowed, nothing else opened; the objects are valid Kubernetes/Istio objects', () => {
    expect(report.proof).toEqual({
      blockedBefore: 4,
      allowedAfter: 3,
      stillBlocked: [],
      unobservedOpened: [],
      holds: true,
      notProposed: [expect.stringMatching(/^tools\/scraper\[Deployment\] => api\/orders\[Deployment\] : TCP 8080: tools\/scraper\[Deployment\] has no Istio sidecar/)],
    });
    expect(formatIssues(validateObjects(report.proofObjects()))).toBe('');
    expect(report.toText()).toContain('The analyzer re-run with the proposal added: 3/4 observed blocked connections allowed (1 not proposed), 0 connections opened beyond them: the proposal holds.');
  });

  test('the proposed lines, applied to the program, open what the proof objects open (the proof stands for the real rendering)', () => {
    const s = shop();
    s.flows.allow(Peer.cidr('203.0.113.9/32'), Peer.workload(s.frontend), { ports: [Port.tcp(8080)], description: 'observed in AUDIT (hubble)' });
    s.flows.allow(Peer.workload(s.scraper), Peer.workload(s.postgres), { ports: [Port.tcp(9187)], description: 'observed in AUDIT (hubble)' });
    s.mesh.allow(Peer.workload(s.frontend), Peer.workload(s.orders), { ports: [Port.tcp(8080)], http: { methods: ['GET'], paths: ['/orders/7'] } });
    const before = ReachabilityAnalyzer.fromObjects(objects);
    const real = ReachabilityAnalyzer.fromObjects(synthAndValidate(s.chart));
    const proof = ReachabilityAnalyzer.fromObjects([...objects, ...report.proofObjects()]);
    const opened = (a: ReachabilityAnalyzer): string[] => ReachabilityAnalyzer.diff(before, a).opened().map((d) => `${d.src} => ${d.dst} : ${d.ref2.replace(/ \[L7.*$/, '')}`);
    expect(opened(real)).toEqual(opened(proof));
    expect(opened(real)).toEqual([
      '203.0.113.9-203.0.113.9[External] => web/frontend[Deployment] : TCP 8080',
      'tools/scraper[Deployment] => db/postgres[Deployment] : TCP 9187',
      // the same port, and now the GET the dry-run denied
      'web/frontend[Deployment] => api/orders[Deployment] : TCP 8080',
    ]);
    for (const a of [real, proof]) {
      expect(a.connections().find((c) => c.dst === 'api/orders[Deployment]' && c.src === 'web/frontend[Deployment]')!.l7.join(' ')).toMatch(/GET.*\/orders\/7/);
    }
    new ReachabilityAssertions(real).assertAllowed('web/frontend[Deployment]', 'api/orders[Deployment]', 'TCP/8080');
    expect(real.explain('web/frontend[Deployment]', 'api/orders[Deployment]').reasons.join('\n')).toContain('/orders/7');
  });

  test('declared flows never observed are candidates to narrow or remove', () => {
    expect(report.unobserved.filter((u) => !u.dst.includes('kube-system')).map((u) => `${u.src} => ${u.dst} : ${u.allowed} (${u.observed})`)).toEqual([]);
    const quiet = ObserveReport.fromTexts({ 'h.jsonl': hubbleLine(EP.frontend, EP.orders, 8080) }, objects);
    expect(quiet.unobserved.map((u) => `${u.src} => ${u.dst} : ${u.allowed} (${u.observed})`)).toEqual([
      'api/orders[Deployment] => db/postgres[Deployment] : TCP 5432 (none)',
    ]);
    expect(quiet.wouldBlock).toEqual([]);
    expect(quiet.proof).toMatchObject({ blockedBefore: 0, allowedAfter: 0, holds: true });
  });
});
