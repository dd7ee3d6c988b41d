/**
 * The flow proof judges single pairs (`_judgePair`, Istio verdicts without reasons): each pair
 * must get exactly the connections `connections()` reports for it, computed by another analyzer
 * of the same objects (no cache shared between the two), on the multi-region sample (sidecars,
 * STRICT mTLS, ALLOW rules per identity, ambient, waypoints, east-west gateways) and on a small
 * mesh with DENY, CUSTOM, port-level mTLS and L7 rules.
 */
import { deploy, istio, netpol, ns } from './fixtures';
import { ReachabilityAnalyzer } from '../../src/analysis';
import { builtSample } from '../util/sample-cache';

/** Every workload pair's verdict from `_judgePair` and from `connections()` (`No Connections` when no row). */
function verdicts(objects: any[]): { judged: Map<string, string>; listed: Map<string, string> } {
  const listed = new Map<string, string>();
  for (const c of ReachabilityAnalyzer.fromObjects(objects).connections()) listed.set(`${c.src} -> ${c.dst}`, c.conns);
  const judge = ReachabilityAnalyzer.fromObjects(objects);
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

function expectSame(objects: any[]): number {
  const { judged, listed } = verdicts(objects);
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
});
