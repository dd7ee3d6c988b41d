import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deploy, dotEdges, netpol, ns } from './fixtures';
import { ReachabilityAnalyzer, ReachabilityAssertions } from '../../src/analysis';

const EXT = '0.0.0.0-255.255.255.255[External]';

function app(extra: any[] = []): any[] {
  return [
    ns('shop', { team: 'shop' }),
    ns('ops', { team: 'ops' }),
    deploy('shop', 'web', { labels: { app: 'web', tier: 'front' }, ports: [{ name: 'http', containerPort: 80 }] }),
    deploy('shop', 'api', { labels: { app: 'api', tier: 'back' }, ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
    deploy('ops', 'prom', { labels: { app: 'prom' } }),
    netpol('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    netpol('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 80 }] }],
      egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] } }], ports: [{ port: 'http' }] }],
    }),
    netpol('shop', 'api', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'prom' } } }], ports: [{ port: 9000, endPort: 9010 }] },
      ],
    }),
    ...extra,
  ];
}

describe('NetworkPolicy semantics', () => {
  const an = ReachabilityAnalyzer.fromObjects(app());

  test('the full allowed set', () => {
    expect(an.toText().split('\n')).toEqual([
      '0.0.0.0-9.255.255.255[External] => ops/prom[Deployment] : All Connections',
      '0.0.0.0-9.255.255.255[External] => shop/web[Deployment] : TCP 80',
      '10.0.0.0-10.255.255.255[External] => ops/prom[Deployment] : All Connections',
      '11.0.0.0-255.255.255.255[External] => ops/prom[Deployment] : All Connections',
      '11.0.0.0-255.255.255.255[External] => shop/web[Deployment] : TCP 80',
      `ops/prom[Deployment] => ${EXT} : All Connections`,
      'ops/prom[Deployment] => shop/api[Deployment] : TCP 9000-9010',
      'shop/web[Deployment] => shop/api[Deployment] : TCP 8080',
    ]);
  });

  test('named ports resolve against the destination, endPort ranges, namespace AND pod selectors', () => {
    expect(an.isAllowed('shop/web', 'shop/api', '8080')).toBe(true);
    expect(an.isAllowed('shop/web', 'shop/api', 'UDP/5353')).toBe(false);
    expect(an.isAllowed('ops/prom', 'shop/api', '9005')).toBe(true);
    expect(an.isAllowed('ops/prom', 'shop/web')).toBe(false);
    expect(an.isAllowed('10.1.2.3', 'shop/web', '80')).toBe(false);
    expect(an.isAllowed('8.8.8.8', 'shop/web', '80')).toBe(true);
    expect(an.isAllowed('shop/api', '8.8.8.8')).toBe(false);
  });

  test('policyTypes default: Ingress only unless egress rules are given', () => {
    const a = ReachabilityAnalyzer.fromObjects([
      deploy('default', 'a'), deploy('default', 'b'),
      netpol('default', 'only-ingress', { podSelector: { matchLabels: { app: 'a' } } }),
    ]);
    expect(a.isAllowed('default/a', 'default/b')).toBe(true);
    expect(a.isAllowed('default/b', 'default/a')).toBe(false);
    const b = ReachabilityAnalyzer.fromObjects([
      deploy('default', 'a'), deploy('default', 'b'),
      netpol('default', 'egress', { podSelector: { matchLabels: { app: 'a' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ]);
    expect(b.isAllowed('default/a', 'default/b', 'UDP/53')).toBe(true);
    expect(b.isAllowed('default/a', 'default/b', '8080')).toBe(false);
    expect(b.isAllowed('default/b', 'default/a', '8080')).toBe(false); // Ingress type implied, no ingress rules
  });

  test('pods with the same owner are merged; self-connections are not listed', () => {
    const pod = (name: string): any => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'x' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'x-123', controller: true }] }, spec: { containers: [] } });
    const a = ReachabilityAnalyzer.fromObjects([pod('x-123-a'), pod('x-123-b')]);
    expect(a.peers()).toEqual([EXT, 'default/x-123[ReplicaSet]']);
    expect(a.connections().map((c) => `${c.src} => ${c.dst}`)).toEqual([`${EXT} => default/x-123[ReplicaSet]`, `default/x-123[ReplicaSet] => ${EXT}`]);
  });

  test('hostile objects from plain JavaScript: prototype-member kinds are no workloads, odd kinds, items and owner references no TypeError', () => {
    const spec = { template: { metadata: { labels: { app: 'ghost' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] } } };
    const ghosts = ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((kind, i) => ({ apiVersion: 'apps/v1', kind, metadata: { name: `g${i}`, namespace: 'default' }, spec }));
    const a = ReachabilityAnalyzer.fromObjects([
      deploy('default', 'web'),
      ...ghosts,
      { kind: 5, items: [null, 'x', deploy('default', 'listed')] },
      { kind: 'DeploymentList', items: [null, 7, { metadata: { name: 'typed', namespace: 'default' }, spec: deploy('default', 'typed').spec }] },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { app: 'p' }, ownerReferences: { kind: 'ReplicaSet' } }, spec: { containers: {} } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'default', labels: { app: 'q' }, ownerReferences: [null, { kind: 'Job', name: 'j' }] }, spec: {} },
    ]);
    // q's owner reference is not its controller: q is a workload of its own
    expect(a.peers()).toEqual([EXT, 'default/listed[Deployment]', 'default/p[Pod]', 'default/q[Pod]', 'default/typed[Deployment]', 'default/web[Deployment]']);
  });

  test('Ingress adds the ingress controller as a source on the service target port', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 443, targetPort: 'http' }] } };
    const ing = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 443 } } } }] } }] } };
    const allowIc = netpol('shop', 'from-ic', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] });
    expect(ReachabilityAnalyzer.fromObjects(app([svc, ing])).isAllowed('{ingress-controller}', 'shop/web')).toBe(false);
    const a = ReachabilityAnalyzer.fromObjects(app([svc, ing, allowIc]), { ingressControllerNamespace: 'ingress-nginx' });
    expect(a.connections().filter((c) => c.src === '{ingress-controller}')).toEqual([{ src: '{ingress-controller}', dst: 'shop/web[Deployment]', conns: 'TCP 80', allowAll: false, l7: [], mtls: false, decidedBy: [] }]);
  });
});

describe('assertions', () => {
  const an = ReachabilityAnalyzer.fromObjects(app());
  const reach = new ReachabilityAssertions(an);
  test('assertAllowed / assertDenied', () => {
    expect(() => reach.assertAllowed('shop/web', 'shop/api', '8080')).not.toThrow();
    expect(() => reach.assertAllowed('shop/web', 'shop/api', '9000')).toThrow('expected shop/web => shop/api on 9000 to be allowed, but only TCP 8080 is allowed');
    expect(() => reach.assertDenied('shop/api', 'shop/web')).not.toThrow();
    expect(() => reach.assertDenied('ops/prom', 'shop/api')).toThrow('to be denied, but TCP 9000-9010 is allowed');
    expect(() => an.isAllowed('nope/x', 'shop/api')).toThrow('unknown peer "nope/x"');
    expect(() => an.isAllowed('shop/web', 'shop/api', 'http')).toThrow('invalid port "http"');
  });

  test('the assertions take an analyzer and name a peer the analysis does not have', () => {
    expect(() => new ReachabilityAssertions({} as ReachabilityAnalyzer)).toThrow(/analyzer/);
    expect(() => reach.assertAllowed('nope/x', 'shop/api')).toThrow('unknown peer "nope/x"');
    expect(() => reach.assertDenied('shop/web', 'nope/y', '8080')).toThrow('unknown peer "nope/y"');
    expect(() => reach.assertAllowed('ops/prom', 'shop/web')).toThrow('expected ops/prom => shop/web to be allowed, but nothing is allowed');
  });

  test('assertExactly fails with a readable diff when anything extra opens', () => {
    const spec = [
      '0.0.0.0-9.255.255.255[External] => ops/prom',
      '10.0.0.0-10.255.255.255[External] => ops/prom',
      '11.0.0.0-255.255.255.255[External] => ops/prom',
      '0.0.0.0-9.255.255.255[External] => shop/web : TCP 80',
      '11.0.0.0-255.255.255.255[External] => shop/web',
      `ops/prom => ${EXT}`,
      'shop/web => shop/api : TCP 8080',
    ];
    let err = '';
    try { reach.assertExactly(spec); } catch (e) { err = (e as Error).message; }
    expect(err).toContain('+ ops/prom[Deployment] => shop/api[Deployment] : TCP 9000-9010');
    expect(() => reach.assertExactly([...spec, 'ops/prom => shop/api : TCP 9000-9010'])).not.toThrow();
    expect(() => reach.assertExactly([...spec, 'ops/prom => shop/api : TCP 9000', 'shop/api => shop/web'])).toThrow(/~ ops\/prom.*\n- shop\/api\[Deployment\] => shop\/web\[Deployment\]/);
  });
});

describe('explain', () => {
  const an = ReachabilityAnalyzer.fromObjects(app());
  test('names the policies and rules that allow a pair', () => {
    const x = an.explain('shop/web', 'shop/api');
    expect(x).toMatchObject({ src: 'shop/web[Deployment]', dst: 'shop/api[Deployment]', allowed: true, conns: 'TCP 8080' });
    expect(x.reasons).toEqual([
      'egress: shop/web[Deployment] is selected for egress by shop/default-deny, shop/web',
      'egress: shop/web egress rule 0 allows TCP 8080',
      'ingress: shop/api[Deployment] is selected for ingress by shop/api, shop/default-deny',
      'ingress: shop/api ingress rule 0 allows TCP 8080',
    ]);
  });
  test('says why a pair is denied', () => {
    const x = an.explain('shop/api', 'ops/prom');
    expect(x.allowed).toBe(false);
    expect(x.reasons).toContain('egress: no egress rule of these policies matches the peer: denied');
    expect(x.reasons).toContain('ingress: ops/prom[Deployment] is not selected by any ingress policy: all ingress allowed');
  });
  test('explain agrees with the matrix for every pair', () => {
    const peers = an.peers();
    for (const s of peers) {
      for (const d of peers) {
        if (s === d || (s.endsWith('[External]') && d.endsWith('[External]'))) continue;
        let x;
        try { x = an.explain(s, d); } catch { continue; } // an atom only exists in one direction
        expect(x.allowed).toBe(an.isAllowed(s, d));
      }
    }
  });
});

describe('renderers', () => {
  const an = ReachabilityAnalyzer.fromObjects(app());
  test('markdown matrix', () => {
    const md = an.toMarkdown();
    expect(md.split('\n')[0]).toBe('| src \\ dst | 0.0.0.0/0[External] | ops/prom[Deployment] | shop/api[Deployment] | shop/web[Deployment] |');
    expect(md).toContain('| ops/prom[Deployment] | All Connections | — | TCP 9000-9010 |  |');
    expect(md).toMatchSnapshot();
  });
  test('mermaid', () => {
    const m = an.toMermaid();
    expect(m.startsWith('flowchart LR')).toBe(true);
    expect(m).toContain('subgraph ns_shop["shop"]');
    expect(m).toMatch(/n\d+ -->\|"TCP 8080"\| n\d+/);
    expect(m).toMatchSnapshot();
  });
  test('dot', () => {
    const d = an.toDot();
    expect(dotEdges(d)).toContain('"shop/web[Deployment]" -> "shop/api[Deployment]" [label="TCP 8080"];');
    expect(d).toContain('label="shop";');
    expect(d).toMatchSnapshot();
  });
  test('json', () => {
    expect(JSON.parse(an.toJson())).toContainEqual({ src: 'shop/web[Deployment]', dst: 'shop/api[Deployment]', conn: 'TCP 8080' });
  });
  test('external ranges with identical connections are merged into one peer named by CIDRs', () => {
    // text keeps netpol-analyzer's three source fragments (0-9.x, 10/8, 11-255)
    expect(an.peers().filter((p) => p.endsWith('[External]'))).toHaveLength(4);
    const d = an.toDot();
    expect(dotEdges(d)).toContain('"0.0.0.0/0 except 10.0.0.0/8[External]" -> "shop/web[Deployment]" [label="TCP 80"];');
    expect(dotEdges(d)).toContain('"10.0.0.0/8[External]" -> "ops/prom[Deployment]" [label="All Connections"];');
    expect(d).not.toContain('0.0.0.0-9.255.255.255');
    expect(dotEdges(an.toDot({ mergeExternal: false }))).toContain('"0.0.0.0-9.255.255.255[External]" -> "shop/web[Deployment]" [label="TCP 80"];');
    expect(JSON.parse(an.toJsonSummary())).toContainEqual({ src: '0.0.0.0/0 except 10.0.0.0/8[External]', dst: 'ops/prom[Deployment]', conn: 'All Connections', label: 'All Connections', mtls: false });
    expect(JSON.parse(an.toJsonSummary())).toHaveLength(6);
  });
  test('namespaces: only connections that start or end there', () => {
    const d = an.toDot({ namespaces: ['ops'] });
    expect(dotEdges(d).join('\n')).toContain('"ops/prom[Deployment]" -> "shop/api[Deployment]"');
    expect(dotEdges(d).join('\n')).not.toContain('"shop/web[Deployment]" -> "shop/api[Deployment]"');
    expect(d).not.toContain('"shop/web[Deployment]" [');
    expect(an.toMarkdown({ namespaces: ['shop'] }).split('\n')[0]).toBe('| src \\ dst | shop/api[Deployment] | shop/web[Deployment] |');
    expect(an.toMermaid({ namespaces: ['nowhere'] })).toBe('flowchart LR\n  none["No connections are allowed."]');
  });
});

describe('compact labels', () => {
  test('protocols in TCP, UDP, SCTP order; full ranges as the bare protocol', () => {
    const a = ReachabilityAnalyzer.fromObjects([deploy('default', 'a'), deploy('default', 'b'),
      netpol('default', 'b', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }, { protocol: 'SCTP' }] }] })]);
    expect(a.toText()).toContain('default/a[Deployment] => default/b[Deployment] : SCTP 1-65535,TCP 53,UDP 53');
    expect(dotEdges(a.toDot())).toContain('"default/a[Deployment]" -> "default/b[Deployment]" [label="TCP 53, UDP 53, SCTP"];');
    expect(a.toDot({ compact: false })).toContain('label="SCTP 1-65535,TCP 53,UDP 53"');
    expect(a.explain('default/a', 'default/b').compact).toBe('TCP 53, UDP 53, SCTP');
  });
});

describe('diff', () => {
  test('reports what a change opens, closes and alters', () => {
    const before = ReachabilityAnalyzer.fromObjects(app());
    const after = ReachabilityAnalyzer.fromObjects(app([
      netpol('shop', 'api-from-ops', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }] }),
    ]).filter((o) => o.metadata?.name !== 'web' || o.kind !== 'NetworkPolicy'));
    const d = ReachabilityAnalyzer.diff(before, after);
    expect(d.toText().split('\n')).toEqual([
      'diff-type: removed, source: 0.0.0.0-9.255.255.255[External], destination: shop/web[Deployment], ref1: TCP 80, ref2: No Connections',
      'diff-type: removed, source: 11.0.0.0-255.255.255.255[External], destination: shop/web[Deployment], ref1: TCP 80, ref2: No Connections',
      'diff-type: changed, source: ops/prom[Deployment], destination: shop/api[Deployment], ref1: TCP 9000-9010, ref2: All Connections',
      'diff-type: removed, source: shop/web[Deployment], destination: shop/api[Deployment], ref1: TCP 8080, ref2: No Connections',
    ]);
    expect(d.opened().map((e) => e.diffType)).toEqual(['changed']);
    expect(ReachabilityAnalyzer.diff(before, before).isEmpty).toBe(true);
  });
});

describe('fromPaths', () => {
  test('reads YAML lists and JSON files from a directory tree', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'kind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: a}\n  spec: {template: {metadata: {labels: {app: a}}}}\n');
    fs.writeFileSync(path.join(dir, 'sub', 'b.json'), JSON.stringify(deploy('default', 'b')));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const an = ReachabilityAnalyzer.fromPaths([dir]);
    expect(an.peers()).toEqual([EXT, 'default/a[Deployment]', 'default/b[Deployment]']);
    expect(() => ReachabilityAnalyzer.fromPaths([path.join(dir, 'missing')])).toThrow('does not exist');
  });
});
