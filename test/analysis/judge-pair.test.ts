/**
 * The flow proof judges single pairs (`_judgePair`, Istio verdicts without reasons): each pair
 * must get exactly the connections `connections()` reports for it, computed by another analyzer
 * of the same objects (no cache shared between the two), on the multi-region sample (sidecars,
 * STRICT mTLS, ALLOW rules per identity, ambient, waypoints, east-west gateways) and on a small
 * mesh with DENY, CUSTOM, port-level mTLS and L7 rules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deploy, istio, netpol, ns } from './fixtures';
import { AnalyzerOptions, ReachabilityAnalyzer } from '../../src/analysis';
import { loadObjects } from '../../src/analysis/loader';
import { builtSample } from '../util/sample-cache';

/** Every workload pair's verdict from `_judgePair` and from `connections()` (`No Connections` when no row). */
function verdicts(objects: any[], options?: AnalyzerOptions): { judged: Map<string, string>; listed: Map<string, string> } {
  const listed = new Map<string, string>();
  for (const c of ReachabilityAnalyzer.fromObjects(objects, options).connections()) listed.set(`${c.src} -> ${c.dst}`, c.conns);
  const judge = ReachabilityAnalyzer.fromObjects(objects, options);
  const ids = judge._workloads.map((w) => w.id);
  const judged = new Map<string, string>();
  for (const s of ids) {
    for (const d of ids) {
      if (s === d) continue;
      const key = `${s} -> ${d}`;
      judged.set(key, judge._judgePair({ workload: s }, { workload: d }, false).mesh.toString());
      if (!listed.has(key)) listed.set(key, 'No Connections');
    }
  }
  return { judged, listed };
}

function expectSame(objects: any[], options?: AnalyzerOptions): number {
  const { judged, listed } = verdicts(objects, options);
  const differ = [...judged].filter(([k, v]) => listed.get(k) !== v).map(([k, v]) => `${k}: judged ${v}, listed ${listed.get(k)}`);
  expect(differ).toEqual([]);
  return [...judged.values()].filter((v) => v !== 'No Connections').length;
}

describe('analyzer: single pairs judged as connections() does', () => {
  test('the multi-region sample: every workload pair of every cluster', () => {
    let open = 0;
    for (const c of builtSample().clusters) open += expectSame(c.objects);
    // the test judges real traffic, not only closed pairs
    expect(open).toBeGreaterThan(10);
  });

  test('DENY, CUSTOM, port-level mTLS and L7 rules: the same connections', () => {
    const objects = [
      ns('shop', { 'istio-injection': 'enabled' }),
      ns('legacy'),
      deploy('shop', 'web', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9090 }] }),
      deploy('shop', 'api', { ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 8443 }] }),
      deploy('shop', 'db', { ports: [{ containerPort: 5432 }] }),
      deploy('legacy', 'batch'),
      netpol('shop', 'open', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] }),
      istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }),
      istio('PeerAuthentication', 'shop', 'db', { selector: { matchLabels: { app: 'db' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 5432: { mode: 'PERMISSIVE' } } }),
      istio('AuthorizationPolicy', 'shop', 'api-allow', {
        selector: { matchLabels: { app: 'api' } },
        rules: [
          { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] },
          { from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['8443'] } }] },
        ],
      }),
      istio('AuthorizationPolicy', 'shop', 'api-deny', {
        selector: { matchLabels: { app: 'api' } },
        action: 'DENY',
        rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8443'] } }] }],
      }),
      istio('AuthorizationPolicy', 'shop', 'web-ext', { selector: { matchLabels: { app: 'web' } }, action: 'CUSTOM', provider: { name: 'oauth' }, rules: [{}] }),
      istio('AuthorizationPolicy', 'shop', 'db-allow', { selector: { matchLabels: { app: 'db' } }, rules: [{ to: [{ operation: { ports: ['5432'] } }] }] }),
    ];
    expect(expectSame(objects)).toBeGreaterThan(3);
  });

  test('AuthorizationPolicies found by their first selector label: other labels, root namespace, no selector, targetRefs; per principal, namespace and port', () => {
    const objects = [
      ns('shop', { 'istio-injection': 'enabled' }), ns('other', { 'istio-injection': 'enabled' }), ns('istio-system'),
      deploy('shop', 'api', { labels: { app: 'api', tier: 'back' }, ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }),
      deploy('shop', 'api2', { labels: { app: 'api', tier: 'front' }, sa: 'api', ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }),
      deploy('shop', 'web'), deploy('shop', 'batch', { sa: 'web' }), deploy('shop', 'job'),
      deploy('other', 'web'), deploy('other', 'gw', { labels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } }),
      // the same first label, a second one that differs: only tier=back is admitted from web on 8080
      istio('AuthorizationPolicy', 'shop', 'back', {
        selector: { matchLabels: { app: 'api', tier: 'back' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] }],
      }),
      istio('AuthorizationPolicy', 'shop', 'front', {
        selector: { matchLabels: { tier: 'front', app: 'api' } },
        rules: [{ from: [{ source: { namespaces: ['other'] } }], to: [{ operation: { ports: ['9090'] } }] }],
      }),
      // from the root namespace: every namespace's api pods
      istio('AuthorizationPolicy', 'istio-system', 'root-job', {
        selector: { matchLabels: { app: 'api' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/job'] } }], to: [{ operation: { ports: ['9090'] } }] }],
      }),
      // no selector: every pod of shop; a DENY for one identity
      istio('AuthorizationPolicy', 'shop', 'deny-batch', { action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9090'] } }] }] }),
      // targetRefs: never by selector, even with matchLabels that select
      istio('AuthorizationPolicy', 'other', 'gw-only', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }], selector: { matchLabels: { app: 'web' } }, rules: [{}] }),
    ];
    expect(expectSame(objects)).toBeGreaterThan(3);
    const judge = ReachabilityAnalyzer.fromObjects(objects);
    const mesh = (src: string, dst: string): string => judge._judgePair({ workload: `${src}[Deployment]` }, { workload: `${dst}[Deployment]` }, true).mesh.toString();
    // web and batch share a principal; job is another principal; other/web another namespace
    expect([mesh('shop/web', 'shop/api'), mesh('shop/batch', 'shop/api'), mesh('shop/job', 'shop/api'), mesh('other/web', 'shop/api')])
      .toEqual(['SCTP 1-65535,TCP 8080,UDP 1-65535', 'SCTP 1-65535,TCP 8080,UDP 1-65535', 'SCTP 1-65535,TCP 9090,UDP 1-65535', 'SCTP 1-65535,UDP 1-65535']);
    expect([mesh('shop/web', 'shop/api2'), mesh('shop/job', 'shop/api2'), mesh('other/web', 'shop/api2')])
      .toEqual(['SCTP 1-65535,UDP 1-65535', 'SCTP 1-65535,TCP 9090,UDP 1-65535', 'SCTP 1-65535,TCP 9090,UDP 1-65535']);
    expect([mesh('shop/web', 'other/web'), mesh('shop/web', 'other/gw')]).toEqual(['All Connections', 'All Connections']);
  });

  test('selectors of one label, parsed once: each key and value selects its own pods', () => {
    const objects = [
      ns('a'),
      deploy('a', 'x', { labels: { app: 'x' } }), deploy('a', 'y', { labels: { app: 'y' } }), deploy('a', 'z', { labels: { role: 'x' } }),
      netpol('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      netpol('a', 'to-x', { podSelector: { matchLabels: { app: 'x' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'y' } } }] }] }),
      netpol('a', 'to-y', { podSelector: { matchLabels: { app: 'y' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'x' } } }] }] }),
      netpol('a', 'to-z', { podSelector: { matchLabels: { role: 'x' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] }),
    ];
    expectSame(objects);
    const judge = ReachabilityAnalyzer.fromObjects(objects);
    const open = (s: string, d: string): boolean => !judge._judgePair({ workload: `a/${s}[Deployment]` }, { workload: `a/${d}[Deployment]` }, false).l4.isEmpty;
    expect([open('y', 'x'), open('z', 'y'), open('x', 'z'), open('x', 'y'), open('y', 'z'), open('z', 'x')]).toEqual([true, true, true, false, false, false]);
  });

  test('peers with one selector text in many policies: each policy\'s namespace (a shared class list per namespace and selector)', () => {
    const fromWeb = (namespace: string, peer: any): any => netpol(namespace, 'api-from-web', {
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [peer], ports: [{ port: 8080 }] }],
    });
    const objects = [
      ns('a', { team: 'x' }), ns('b', { team: 'x' }), ns('c'),
      ...['a', 'b', 'c'].flatMap((n) => [deploy(n, 'web'), deploy(n, 'api')]),
      // the same pod selector in a and b: the web pods of the policy's own namespace
      fromWeb('a', { podSelector: { matchLabels: { app: 'web' } } }),
      fromWeb('b', { podSelector: { matchLabels: { app: 'web' } } }),
      // the same namespace selector (and pod selector) in c: the web pods of a and b
      fromWeb('c', { namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'web' } } }),
    ];
    expectSame(objects);
    const judge = ReachabilityAnalyzer.fromObjects(objects);
    const to = (src: string, dst: string): string => judge._judgePair({ workload: src }, { workload: dst }, false).l4.toString();
    expect([to('a/web[Deployment]', 'a/api[Deployment]'), to('b/web[Deployment]', 'a/api[Deployment]'), to('b/web[Deployment]', 'b/api[Deployment]')])
      .toEqual(['TCP 8080', 'No Connections', 'TCP 8080']);
    expect([to('a/web[Deployment]', 'c/api[Deployment]'), to('b/web[Deployment]', 'c/api[Deployment]'), to('c/web[Deployment]', 'c/api[Deployment]')])
      .toEqual(['TCP 8080', 'TCP 8080', 'No Connections']);
  });

  test('hostNetwork pods as node traffic: ipBlocks with a node address admit them, selectors never do', () => {
    const gw = deploy('wg', 'gateway', { labels: { app: 'gateway' }, ports: [{ name: 'wg', containerPort: 51820, protocol: 'UDP' }] });
    gw.spec.template.spec.hostNetwork = true;
    const objects = [
      ns('wg'), ns('shop'), gw,
      deploy('shop', 'web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] }),
      deploy('shop', 'db', { labels: { app: 'db' }, ports: [{ name: 'pg', containerPort: 5432 }] }),
      netpol('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      netpol('shop', 'db-from-all-ns', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 'pg' }] }] }),
      netpol('shop', 'web-from-nodes', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.0/16' } }], ports: [{ port: 'http' }] }] }),
      netpol('shop', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ ipBlock: { cidr: '172.18.0.0/16' } }], ports: [{ port: 10250 }] }, { to: [{ podSelector: {} }] }] }),
      netpol('wg', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    ];
    for (const options of [{ nodeCidrs: ['172.18.0.0/16'] }, { nodeCidrs: ['192.168.0.0/24'] }, { hostNetworkAsNode: true }, {}]) {
      expect(expectSame(objects, options)).toBeGreaterThan(0);
    }
  });

  // the cases netpol-analyzer lists connections for (the others are refused input)
  const root = path.join(__dirname, '..', 'fixtures', 'netpol-cases');
  const listed = path.join(root, 'test_outputs', 'connlist');
  const cases = fs.existsSync(listed)
    ? fs.readdirSync(listed).filter((f) => f.endsWith('_connlist_output.txt')).map((f) => f.replace('_connlist_output.txt', ''))
      .filter((c) => fs.existsSync(path.join(root, 'tests', c))).sort()
    : [];
  test.each(cases)('netpol-analyzer case %s: every pair as connections() lists it', (c) => {
    expectSame(loadObjects([path.join(root, 'tests', c)]));
  });
});
