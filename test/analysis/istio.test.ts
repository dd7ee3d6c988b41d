import { deploy, istio, ns } from './fixtures';
import { ReachabilityAnalyzer } from '../../src/analysis';

const base = [
  ns('shop', { 'istio-injection': 'enabled' }),
  ns('legacy'),
  deploy('shop', 'web', { ports: [{ name: 'http', containerPort: 80 }] }),
  deploy('shop', 'api'),
  deploy('shop', 'db', { ports: [{ name: 'pg', containerPort: 5432 }] }),
  deploy('legacy', 'old'),
];

describe('Istio layer', () => {
  test('without Istio objects every pair is open at L4', () => {
    const an = ReachabilityAnalyzer.fromObjects(base);
    expect(an.isAllowed('legacy/old', 'shop/api', '8080')).toBe(true);
    expect(an.connections().every((c) => c.l7.length === 0)).toBe(true);
  });

  test('PeerAuthentication STRICT refuses plaintext from outside the mesh, keeps mesh traffic', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base, istio('PeerAuthentication', 'shop', 'strict', { mtls: { mode: 'STRICT' } })]);
    expect(an.isAllowed('legacy/old', 'shop/api', '8080')).toBe(false);
    expect(an.isAllowed('0.0.0.0-255.255.255.255[External]', 'shop/api', '8080')).toBe(false);
    expect(an.isAllowed('shop/web', 'shop/api', '8080')).toBe(true);
    // Istio does not intercept UDP: it stays as NetworkPolicy left it
    expect(an.isAllowed('legacy/old', 'shop/api', 'UDP/53')).toBe(true);
    // the destination outside the mesh is unaffected
    expect(an.isAllowed('shop/web', 'legacy/old', '8080')).toBe(true);
    const x = an.explain('legacy/old', 'shop/api');
    expect(x.reasons.join('\n')).toContain('PeerAuthentication shop/strict: STRICT mTLS');
  });

  test('workload portLevelMtls PERMISSIVE opens one port to plaintext', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base,
      istio('PeerAuthentication', 'istio-system', 'mesh', { mtls: { mode: 'STRICT' } }),
      istio('PeerAuthentication', 'shop', 'api-metrics', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } })]);
    expect(an.isAllowed('legacy/old', 'shop/api', '9090')).toBe(true);
    expect(an.isAllowed('legacy/old', 'shop/api', '8080')).toBe(false);
    expect(an.isAllowed('legacy/old', 'shop/web', '80')).toBe(false);
  });

  test('ALLOW by principal, method and path: allowed at L4, limited at L7', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'api-allow', {
        selector: { matchLabels: { app: 'api' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'], ports: ['8080'] } }] }],
      })]);
    expect(an.isAllowed('shop/web', 'shop/api', '8080')).toBe(true);
    expect(an.isAllowed('shop/web', 'shop/api', '9090')).toBe(false);
    expect(an.isAllowed('shop/db', 'shop/api', '8080')).toBe(false);
    expect(an.isAllowed('legacy/old', 'shop/api', '8080')).toBe(false); // no identity without mTLS
    const c = an.connections().find((x) => x.src === 'shop/web[Deployment]' && x.dst === 'shop/api[Deployment]')!;
    expect(c.conns).toContain('TCP 8080');
    expect(c.l7).toEqual(['TCP 8080: methods GET paths /api/*']);
    expect(an.toText()).toContain('shop/web[Deployment] => shop/api[Deployment] : SCTP 1-65535,TCP 8080,UDP 1-65535 [L7: TCP 8080: methods GET paths /api/*]');
  });

  test('diagrams show an Istio-limited connection compactly; explain says why the text is longer', () => {
    const objs = [...base,
      istio('AuthorizationPolicy', 'shop', 'api-allow', {
        selector: { matchLabels: { app: 'api' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['POST'], paths: ['/api/payments'], ports: ['8080'] } }] }],
      })];
    const an = ReachabilityAnalyzer.fromObjects(objs);
    const c = an.connections().find((x) => x.src === 'shop/web[Deployment]' && x.dst === 'shop/api[Deployment]')!;
    expect(c.mtls).toBe(true);
    const dot = an.toDot();
    const e = /(e\d+) \[shape=plaintext, style="", fontsize=11, label="TCP 8080 \[mTLS, L7: POST \/api\/payments\], UDP, SCTP"\];/.exec(dot)![1];
    expect(dot).toContain(`"shop/web[Deployment]" -> ${e} [arrowhead=none, style=dashed];\n  ${e} -> "shop/api[Deployment]" [style=dashed];`);
    expect(an.toMermaid()).toMatch(/n\d+ -\.->\|"TCP 8080 \[mTLS, L7: POST \/api\/payments\], UDP, SCTP"\| n\d+/);
    const x = an.explain('shop/web', 'shop/api');
    expect(x.conns).toBe('SCTP 1-65535,TCP 8080,UDP 1-65535');
    expect(x.compact).toBe('TCP 8080 [mTLS, L7: POST /api/payments], UDP, SCTP');
    expect(x.reasons).toContain('istio: Istio mediates TCP only: SCTP 1-65535,UDP 1-65535 stay as NetworkPolicy allows them (not limited by mTLS or AuthorizationPolicies)');
    expect(x.reasons).toContain('istio: TCP runs over mTLS (both ends have a sidecar)');
    expect(x.reasons).toContain('istio L7: TCP 8080: methods POST paths /api/payments');
    // with NetworkPolicy limiting L4 to TCP 8080 the label is exactly the Istio part
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'api', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 8080 }] }] } };
    const limited = ReachabilityAnalyzer.fromObjects([...objs, np]);
    expect(limited.explain('shop/web', 'shop/api').compact).toBe('TCP 8080 [mTLS, L7: POST /api/payments]');
    expect(limited.toText()).toContain('shop/web[Deployment] => shop/api[Deployment] : TCP 8080 [L7: TCP 8080: methods POST paths /api/payments]');
    // plaintext from outside the mesh is not mTLS
    expect(ReachabilityAnalyzer.fromObjects(base).connections().find((y) => y.src === 'legacy/old[Deployment]')!.mtls).toBe(false);
  });

  test('an unconditional rule on the same port lifts the L7 limit', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'api-allow', {
        selector: { matchLabels: { app: 'api' } },
        rules: [
          { from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { methods: ['GET'], ports: ['8080'] } }] },
          { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] },
        ],
      })]);
    const l7 = (s: string): string[] => an.connections().find((x) => x.src === s && x.dst === 'shop/api[Deployment]')!.l7;
    expect(l7('shop/web[Deployment]')).toEqual([]);
    expect(l7('shop/db[Deployment]')).toEqual(['TCP 8080: methods GET']);
  });

  test('DENY takes precedence over ALLOW', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'web-allow-all', { selector: { matchLabels: { app: 'web' } }, action: 'ALLOW', rules: [{}] }),
      istio('AuthorizationPolicy', 'shop', 'web-deny-api', {
        selector: { matchLabels: { app: 'web' } },
        action: 'DENY',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }] }],
      })]);
    expect(an.isAllowed('shop/api', 'shop/web', '80')).toBe(false);
    expect(an.isAllowed('shop/db', 'shop/web', '80')).toBe(true);
    expect(an.explain('shop/api', 'shop/web').reasons.join('\n')).toContain('AuthorizationPolicy shop/web-deny-api rule 0: DENY');
  });

  test('DENY with methods only limits at L7', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'no-delete', { selector: { matchLabels: { app: 'api' } }, action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] })]);
    expect(an.isAllowed('shop/web', 'shop/api', '8080')).toBe(true);
    const c = an.connections().find((x) => x.src === 'shop/web[Deployment]' && x.dst === 'shop/api[Deployment]')!;
    expect(c.l7.join()).toContain('DENY methods DELETE');
  });

  test('notPorts: an empty list excludes nothing (as absent), ALLOW and DENY alike; a listed port is excluded', () => {
    const allow = (notPorts: string[] | undefined) => ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'db-allow', { selector: { matchLabels: { app: 'db' } }, rules: [{ to: [{ operation: { ...(notPorts ? { notPorts } : {}) } }] }] })]);
    for (const np of [undefined, []]) expect(allow(np).isAllowed('shop/api', 'shop/db', '5432')).toBe(true);
    expect(allow(['5432']).isAllowed('shop/api', 'shop/db', '5432')).toBe(false);
    const deny = (notPorts: string[]) => ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'db-deny', { selector: { matchLabels: { app: 'db' } }, action: 'DENY', rules: [{ to: [{ operation: { notPorts } }] }] })]);
    expect(deny([]).isAllowed('shop/api', 'shop/db', '5432')).toBe(false);
    expect(deny(['5432']).isAllowed('shop/api', 'shop/db', '5432')).toBe(true);
    expect(() => deny(['0']).connections()).toThrow(/db-deny\.spec\.rules\[0\]\.to\.operation\.notPorts: invalid port "0"/);
  });

  test('allow-nothing (ALLOW without rules) closes the workload to TCP', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base,
      istio('AuthorizationPolicy', 'shop', 'db-allow-nothing', { selector: { matchLabels: { app: 'db' } } })]);
    expect(an.isAllowed('shop/api', 'shop/db', '5432')).toBe(false);
    expect(an.isAllowed('shop/web', 'shop/db', '5432')).toBe(false);
    expect(an.isAllowed('shop/api', 'shop/web', '80')).toBe(true);
    expect(an.explain('shop/api', 'shop/db').reasons.join('\n')).toContain('allow-nothing');
  });

  test('a mesh-wide (root namespace) allow-nothing applies to every meshed workload', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base, istio('AuthorizationPolicy', 'istio-system', 'deny-all', {})]);
    expect(an.isAllowed('shop/api', 'shop/web', '80')).toBe(false);
    expect(an.isAllowed('shop/api', 'legacy/old', '8080')).toBe(true);
  });

  test('bad Istio input names the field and the value', () => {
    expect(() => ReachabilityAnalyzer.fromObjects([...base, istio('AuthorizationPolicy', 'shop', 'x', { action: 'MAYBE' })]))
      .toThrow('AuthorizationPolicy shop/x.spec.action: invalid value "MAYBE"');
    expect(() => ReachabilityAnalyzer.fromObjects([...base, istio('PeerAuthentication', 'shop', 'y', { mtls: { mode: 'strict' } })]))
      .toThrow('PeerAuthentication shop/y.spec.mtls.mode: invalid value "strict"');
  });
});
