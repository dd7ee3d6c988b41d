import * as fs from 'fs';
import * as nodePath from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import * as jsyaml from 'js-yaml';
import {
  Flows, MeshAction, MeshAuthorization, MeshIdentity, MeshSidecar, MeshSource, MtlsMode, MtlsPolicy, OutboundTrafficPolicy, Peer, Port,
} from '../../src';
import { CRDS_DIR, errorOf, synthAndValidate, validateObjects } from '../util';
import { isAllowed, Req } from './authz-eval';

const ORDER = MeshIdentity.of('order', 'order-service');
const ADMIN = MeshIdentity.of('ops', 'admin');

describe('MeshAuthorization', () => {
  test('ALLOW, DENY and AUDIT policies, deny by default', () => {
    const chart = Testing.chart();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'payment' });
    authz.allow('payments-api', {
      podLabels: { app: 'payment-service' },
      rules: [
        { from: [MeshSource.identity(ORDER)], methods: ['POST'], paths: ['/api/payments'], ports: [8080] },
        { from: [MeshSource.identities([ADMIN])], methods: ['GET'], paths: ['/api/*'], notPaths: ['/api/secrets/*'] },
      ],
    });
    authz.deny('no-debug', { rules: [{ paths: ['*.debug', '/debug/*'] }] });
    authz.audit('audit-writes', { rules: [{ methods: ['DELETE', 'POST', 'PUT'] }] });
    expect(authz.policyNames).toEqual(['allow-nothing', 'audit-writes', 'no-debug', 'payments-api']);
    const objs = synthAndValidate(chart);
    expect(objs).toMatchSnapshot();
    const base: Req = { principal: ORDER.principal(), namespace: 'payment', labels: { app: 'payment-service' }, port: 8080, method: 'POST', path: '/api/payments' };
    expect(isAllowed(objs, base)).toBe(true);
    expect(isAllowed(objs, { ...base, port: 8081 })).toBe(false);
    expect(isAllowed(objs, { ...base, method: 'GET' })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: ADMIN.principal(), method: 'GET', path: '/api/payments/7' })).toBe(true);
    expect(isAllowed(objs, { ...base, principal: ADMIN.principal(), method: 'GET', path: '/api/secrets/key' })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: ADMIN.principal(), method: 'GET', path: '/debug/pprof' })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: ADMIN.principal(), method: 'GET', path: '/api/x.debug' })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: ADMIN.principal(), method: 'POST' })).toBe(false);
    expect(isAllowed(objs, { ...base, labels: { app: 'other' } })).toBe(false);
    const audit = objs.find((o) => o.metadata.name === 'audit-writes');
    expect(audit.spec.action).toBe('AUDIT');
  });

  test('bad input names the field and the value', () => {
    const chart = Testing.chart();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'payment' });
    const ok = { from: [MeshSource.identity(ORDER)] };
    expect(() => MeshSource.principals([])).toThrow(/MeshSource.principals: invalid principals \[\]: expected a non-empty list of principals/);
    expect(() => MeshSource.identities([])).toThrow(/invalid identities \[\]: expected a non-empty list/);
    expect(() => MeshSource.principals(['spiffe://cluster.local/ns/a/sa/b'])).toThrow(/invalid principals\[0\] "spiffe:\/\/cluster.local\/ns\/a\/sa\/b"/);
    expect(() => MeshSource.principals(['cluster.local/ns/a'])).toThrow(/invalid principals\[0\] "cluster.local\/ns\/a"/);
    expect(() => authz.allow('p1', { rules: [{ from: [] }] })).toThrow(/test\/authz: invalid rules\[0\].from \[\]: expected a non-empty list of sources/);
    expect(() => authz.allow('p2', { rules: [{ ...ok, paths: ['api/payments'] }] })).toThrow(/invalid rules\[0\].paths\[0\] "api\/payments": expected an HTTP path/);
    expect(() => authz.allow('p3', { rules: [{ ...ok, paths: ['/api/*/x'] }] })).toThrow(/invalid rules\[0\].paths\[0\] "\/api\/\*\/x"/);
    expect(() => authz.allow('p4', { rules: [{ ...ok, methods: ['FETCH'] }] })).toThrow(/invalid rules\[0\].methods\[0\] "FETCH": expected an HTTP method/);
    expect(() => authz.allow('p5', { rules: [{ ...ok, methods: ['post'] }] })).toThrow(/invalid rules\[0\].methods\[0\] "post"/);
    expect(() => authz.allow('p6', { rules: [{ ...ok, ports: [0] }] })).toThrow(/invalid rules\[0\].ports\[0\] 0: expected an integer port/);
    expect(() => authz.allow('p7', { rules: [{}] })).toThrow(/invalid rules\[0\] \{\}: expected a rule with from or methods\/paths\/ports/);
    expect(() => authz.allow('p8', { rules: [] })).toThrow(/invalid rules \[\]: expected a non-empty list of rules/);
    expect(() => authz.allow('allow-nothing', { rules: [ok] })).toThrow(/invalid name "allow-nothing": expected a policy name not yet used/);
    expect(() => authz.allow('Bad_Name', { rules: [ok] })).toThrow(/invalid name "Bad_Name"/);
    expect(() => new MeshAuthorization(chart, 'x', { namespace: 'Payment' })).toThrow(/invalid namespace "Payment"/);
    // DENY rules may match every source
    authz.deny('deny-all-trace', { rules: [{ methods: ['TRACE'] }] });
    // no partial write: only the valid policies exist
    expect(synthAndValidate(chart).map((o) => o.metadata.name)).toEqual(['allow-nothing', 'deny-all-trace']);
  });

  test('allow-all in disguise is refused: paths [*], notPaths alone, ipBlocks covering every address', () => {
    const chart = Testing.chart();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'payment' });
    expect(errorOf(() => authz.allow('a1', { rules: [{ paths: ['*'] }] })).message)
      .toMatch(/test\/authz: invalid rules\[0\] "paths \[\*\]": expected an ALLOW rule that restricts who \(from\) or what .*admits every request/);
    expect(errorOf(() => authz.allow('a2', { rules: [{ notPaths: ['/admin/*'] }] })).message).toMatch(/invalid rules\[0\] "notPaths only"/);
    expect(errorOf(() => authz.allow('a3', { rules: [{ from: [MeshSource.ipBlocks(['0.0.0.0/0'])] }] })).message)
      .toMatch(/invalid rules\[0\] "from ipBlocks 0.0.0.0\/0"/);
    expect(errorOf(() => authz.allow('a4', { rules: [{ from: [MeshSource.identity(ORDER), MeshSource.ipBlocks(['::/0'])], paths: ['*'] }] })).message)
      .toMatch(/invalid rules\[0\] "from ipBlocks ::\/0"/);
    // restricted rules stay accepted; DENY rules may be broad; the explicit opt-in is honoured
    authz.allow('ok1', { rules: [{ paths: ['*'], ports: [8080] }] });
    authz.allow('ok2', { rules: [{ from: [MeshSource.ipBlocks(['10.0.0.0/8'])], paths: ['*'] }] });
    authz.deny('d1', { rules: [{ notPaths: ['/public/*'] }] });
    authz.allow('open', { podLabels: { app: 'public' }, rules: [{ paths: ['*'] }], allowEveryRequest: true });
    const objs = synthAndValidate(chart);
    expect(objs.map((o) => o.metadata.name).sort()).toEqual(['allow-nothing', 'd1', 'ok1', 'ok2', 'open']);
    const req: Req = { principal: ORDER.principal(), namespace: 'payment', labels: { app: 'public' }, port: 9999, method: 'GET', path: '/public/x' };
    expect(isAllowed(objs.filter((o) => o.metadata.name !== 'd1'), req)).toBe(true);
  });

  test('a workload selector comes from the kplus workload', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'payment' }, containers: [{ image: 'x' }] });
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'payment', allowNothing: false });
    authz.addPolicy('api', MeshAction.ALLOW, { workload: d, rules: [{ from: [MeshSource.namespace('order')] }] });
    const ap = synthAndValidate(chart).find((o) => o.kind === 'AuthorizationPolicy');
    expect(ap.spec.selector.matchLabels).toEqual(d.matchLabels);
    expect(ap.spec.rules).toEqual([{ from: [{ source: { namespaces: ['order'] } }] }]);
  });

  test('property: any valid rule renders an AuthorizationPolicy the CRD accepts, and the allowed principal matches', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    const path = fc.oneof(
      fc.stringMatching(/^\/[a-z0-9/._-]{0,20}$/),
      fc.stringMatching(/^\/[a-z0-9/._-]{0,20}$/).map((p) => `${p}*`),
      fc.stringMatching(/^[a-z0-9._-]{1,10}$/).map((p) => `*${p}`),
    );
    fc.assert(fc.property(label, label, fc.subarray(['GET', 'POST', 'PUT', 'DELETE'], { minLength: 1 }), fc.array(path, { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), (ns, sa, methods, paths, ports) => {
        const chart = Testing.chart();
        const authz = new MeshAuthorization(chart, 'authz', { namespace: 'dest' });
        const id = MeshIdentity.of(ns, sa);
        authz.allow('p', { podLabels: { app: 'x' }, rules: [{ from: [MeshSource.identity(id)], methods, paths, ports }] });
        const objs = synthAndValidate(chart);
        const p0 = paths[0];
        const concrete = p0 === '/*' || p0.endsWith('*') ? `${p0.slice(0, -1)}z` : p0.startsWith('*') ? `/a${p0.slice(1)}` : p0;
        const req: Req = { principal: id.principal(), namespace: 'dest', labels: { app: 'x' }, port: ports[0], method: methods[0], path: concrete };
        expect(isAllowed(objs, req)).toBe(true);
        expect(isAllowed(objs, { ...req, principal: MeshIdentity.of(ns, `${sa}x`).principal() })).toBe(false);
        expect(isAllowed(objs, { ...req, method: 'PATCH' })).toBe(false);
      }), { numRuns: 40, seed: 4 });
  });
});

describe('MtlsPolicy', () => {
  test('port-level modes need a selector (Istio: portLevelMtls requires selector)', () => {
    const chart = Testing.chart();
    expect(() => new MtlsPolicy(chart, 'p1', { namespace: 'shop', portModes: [{ port: 80, mode: MtlsMode.DISABLE }] }))
      .toThrow(/test\/p1: invalid portModes \[80\]: expected no port-level modes on a policy without a workload selector/);
    expect(() => new MtlsPolicy(chart, 'p2', { namespace: 'shop', podLabels: { app: 'a' }, portModes: [] }))
      .toThrow(/invalid portModes \[\]: expected a non-empty list/);
    expect(() => new MtlsPolicy(chart, 'p3', { namespace: 'shop', podLabels: { app: 'a' }, portModes: [{ port: 0, mode: MtlsMode.STRICT }] }))
      .toThrow(/invalid portModes\[0\].port 0: expected an integer port/);
    expect(() => new MtlsPolicy(chart, 'p4', { namespace: 'shop', podLabels: { app: 'a' }, portModes: [{ port: 42949672, mode: MtlsMode.STRICT }] }))
      .toThrow(/invalid portModes\[0\].port 42949672/);
    expect(() => new MtlsPolicy(chart, 'p5', { namespace: 'shop', mode: 'BLAH' as MtlsMode }))
      .toThrow(/invalid mode "BLAH": expected an mTLS mode, one of STRICT, PERMISSIVE, DISABLE, UNSET/);
    expect(() => new MtlsPolicy(chart, 'p6', { namespace: 'shop', podLabels: { app: 'a' }, portModes: [{ port: 80, mode: MtlsMode.STRICT }, { port: 80, mode: MtlsMode.DISABLE }] }))
      .toThrow(/invalid portModes\[1\].port 80: expected a port listed once/);
    expect(() => new MtlsPolicy(chart, 'p7', {})).toThrow(/invalid namespace undefined/);
    new MtlsPolicy(chart, 'ok', { namespace: 'shop', podLabels: { app: 'a' }, mode: MtlsMode.STRICT, portModes: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] });
    const objs = synthAndValidate(chart);
    expect(objs).toEqual([{
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'pods-mtls', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } },
    }]);
  });
});

describe('MeshSidecar', () => {
  test('egress limited to declared hosts and flow destinations, REGISTRY_ONLY', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'w' }] });
    Flows.of(chart).allow(Peer.workload(web), Peer.pods({ app: 'db' }, { namespace: 'data' }), { ports: [Port.tcp(5432)] });
    Flows.of(chart).allow(Peer.workload(web), Peer.pods({ app: 'cache' }), { ports: [Port.tcp(6379)] });
    new MeshSidecar(chart, 'sidecar', { namespace: 'shop', hosts: ['*/api.example.com'] });
    const sc = synthAndValidate(chart).find((o) => o.kind === 'Sidecar');
    expect(sc).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { egress: [{ hosts: ['*/api.example.com', './*', 'data/*', 'istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    });
    expect(() => new MeshSidecar(chart, 'bad', { namespace: 'shop', hosts: ['api.example.com'] })).toThrow(/invalid hosts\[0\] "api.example.com": expected a host <namespace>\/<dns name>/);
    expect(() => new MeshSidecar(chart, 'bad2', { namespace: 'shop', outboundTrafficPolicy: 'X' as OutboundTrafficPolicy })).toThrow(/invalid outboundTrafficPolicy "X"/);
  });
});

describe('upstream Istio 1.30 validation examples', () => {
  // the validator our outputs pass must reject what Istio rejects, or passing it proves little
  test.each(['authz-invalid.yaml', 'peerauth-invalid.yaml'])('%s is rejected by the schema validator', (file) => {
    const docs = (jsyaml.loadAll(fs.readFileSync(nodePath.join(CRDS_DIR, 'istio', 'examples', 'validation-testdata', file), 'utf8')) as any[])
      .filter((d) => d && d.kind);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      const { _err: err, ...obj } = d;
      expect([err, validateObjects([{ ...obj, metadata: { ...obj.metadata, namespace: 'x' } }]).length > 0]).toEqual([err, true]);
    }
  });
});
