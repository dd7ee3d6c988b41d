/**
 * Bad input to the public members added this round (plain JavaScript callers: wrong types, null,
 * NaN, empty and whitespace strings, CR/LF, prototype-polluting keys, objects of the wrong kind,
 * duplicates): each must end in the library's ValidationError naming the construct path, the
 * field and the bad value, never a TypeError, a hang or silent output.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectAnyValidationError, expectValidationError } from './arbitraries';
import {
  ApplyMethod, ArgoCdDelivery, ChartApplyMethod, DataPlane, Fleet, Flows, FluentdLogShipper, FluxDelivery, GuardrailException,
  IstioMultiCluster, MeshCluster, MtlsMesh, OtelCollector, Peer, Port, ReachabilityAnalyzer, ReachabilityAssertions, WireguardGateway,
  ZeroTrustNamespace,
} from '../../src';
import { threeSiteMesh } from '../wireguard/fixtures';

const JS = (v: unknown): any => v;
const PROTO = JSON.parse('{"__proto__": "x"}');
const CONSTRUCTOR = JSON.parse('{"constructor": "x"}');

function fleetOf(): Fleet {
  return new Fleet(new App(), 'fleet', { clusters: [{ name: 'a', region: 'ra' }, { name: 'b', region: 'rb' }] });
}

describe('GuardrailException podLabels', () => {
  const badLabels: Array<[string, unknown, string, unknown]> = [
    ['a string', 'app=x', 'podLabels', 'app=x'],
    ['a list', ['app'], 'podLabels', ['app']],
    ['a number value', { app: 1 }, 'podLabels["app"]', 1],
    ['a null value', { app: null }, 'podLabels["app"]', null],
    ['an object value', { app: { a: 'b' } }, 'podLabels["app"]', { a: 'b' }],
    ['an empty map', {}, 'podLabels', {}],
    ['an empty key', { '': 'x' }, 'podLabels key', ''],
    ['a key with a space', { 'my app': 'x' }, 'podLabels key', 'my app'],
    ['a key with a newline', { 'app\n': 'x' }, 'podLabels key', 'app\n'],
    ['a value with a newline', { app: 'web\nother' }, 'podLabels["app"]', 'web\nother'],
    ['a value with a NUL', { app: 'web\u0000' }, 'podLabels["app"]', 'web\u0000'],
    ['a value of 64 characters', { app: 'a'.repeat(64) }, 'podLabels["app"]', 'a'.repeat(64)],
    ['a value with a space', { app: ' web' }, 'podLabels["app"]', ' web'],
    ['a __proto__ key', PROTO, 'podLabels key', '__proto__'],
  ];

  test.each(badLabels)('GuardrailException.of: podLabels %s', (_what, podLabels, field, value) => {
    const e = expectValidationError(() => GuardrailException.of(JS({ namespace: 'vpn', podLabels })), { field, value });
    expect(e.message).toContain('GuardrailException.of');
  });

  test.each(badLabels)('GuardrailException.vpnGateway: options.podLabels %s', (_what, podLabels, field, value) => {
    expectValidationError(() => GuardrailException.vpnGateway('vpn', JS({ podLabels })), { field, value });
  });

  test.each([...badLabels, ['null', null, 'podLabels', null] as [string, unknown, string, unknown]])(
    'GuardrailException.logShipper / ingressController: podLabels %s', (_what, podLabels, field, value) => {
      const e = expectValidationError(() => GuardrailException.logShipper('logging', JS(podLabels)), { field, value });
      expect(e.message).toContain('GuardrailException.logShipper');
      expectValidationError(() => GuardrailException.ingressController('ingress', JS(podLabels)), { field, value });
    });

  test('a constructor key is a valid label key and is kept as a label, not a prototype member', () => {
    const e = GuardrailException.of({ namespace: 'vpn', podLabels: CONSTRUCTOR });
    expect(Object.keys(e.podLabels!)).toEqual(['constructor']);
    expect(e.podLabels!.constructor).toBe('x');
  });

  test('the namespace argument of the presets: wrong types and bad names', () => {
    for (const ns of [undefined, null, 1, '', ' ', 'Logging', 'a\nb', { name: 'logging' }]) {
      expectValidationError(() => GuardrailException.logShipper(JS(ns)), { field: 'namespace', value: ns });
      expectValidationError(() => GuardrailException.ingressController(JS(ns)), { field: 'namespace', value: ns });
    }
  });
});

describe('Flows.allow allowEveryPeer', () => {
  test.each([['true'], [1], [null], [{}]])('allowEveryPeer %p', (v) => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    expectValidationError(() => Flows.of(chart).allow(Peer.pods({ app: 'a' }, { namespace: 'shop' }), Peer.pods({ app: 'b' }, { namespace: 'shop' }),
      JS({ ports: [Port.tcp(80)], allowEveryPeer: v })), { field: 'allowEveryPeer', value: v });
  });
});

describe('OtelCollector receiverTls', () => {
  const secret = (name: unknown) => JS({ name, kind: 'Secret' });
  test.each([
    ['a string', 'otel-tls', 'receiverTls', 'otel-tls'],
    ['a number', 1, 'receiverTls', 1],
    ['a list', ['otel-tls'], 'receiverTls', ['otel-tls']],
    ['a Secret without a name', secret(undefined), 'receiverTls', { kind: 'Secret' }],
    ['a plain object with a name', JS({ name: 'otel-tls' }), 'receiverTls', 'object otel-tls'],
    ['an empty name', secret(''), 'receiverTls.name', ''],
    ['a whitespace name', secret(' '), 'receiverTls.name', ' '],
    ['an upper-case name', secret('Otel-TLS'), 'receiverTls.name', 'Otel-TLS'],
    ['a name with a newline', secret('otel\ntls'), 'receiverTls.name', 'otel\ntls'],
    ['a name with a NUL', secret('otel\u0000'), 'receiverTls.name', 'otel\u0000'],
    ['a name of 254 characters', secret('a'.repeat(254)), 'receiverTls.name', 'a'.repeat(254)],
  ])('receiverTls %s', (_what, receiverTls, field, value) => {
    const e = expectValidationError(() => new OtelCollector(Testing.chart(), 'otel', JS({ receiverTls })), { field, value });
    expect(e.message).toContain('otel');
  });

  test('a ConfigMap (a cdk8s-plus object of the wrong kind) is refused', () => {
    const chart = Testing.chart();
    const cm = new kplus.ConfigMap(chart, 'cm', { data: { a: 'b' } });
    expectValidationError(() => new OtelCollector(chart, 'otel', JS({ receiverTls: cm })), { field: 'receiverTls', value: `ConfigMap ${cm.name}` });
  });
});

describe('GitOps serviceAccountName and reconcilerManifests', () => {
  const deliveries: Array<[string, (p: any) => any]> = [
    ['ArgoCdDelivery', (p) => new ArgoCdDelivery(new Chart(new App(), 'g'), 'd', { fleet: fleetOf(), repoUrl: 'https://git.example.com/r.git', ...p })],
    ['FluxDelivery', (p) => new FluxDelivery(new Chart(new App(), 'g'), 'd', { fleet: fleetOf(), repoUrl: 'https://git.example.com/r.git', ...p })],
  ];
  for (const [name, make] of deliveries) {
    test.each([[''], [' '], ['Deployer'], ['deployer\n'], ['a\u0000'], ['a'.repeat(64)], [1], [null], [{ name: 'deployer' }], [['deployer']]])(
      `${name} serviceAccountName %p`, (v) => {
        expectValidationError(() => make({ serviceAccountName: v }), { field: 'serviceAccountName', value: v });
      });

    test.each([[undefined], [null], [1], [''], ['c'], [{ name: 'a' }], [['a']], ['a\n']])(`${name}.reconcilerManifests(%p)`, (v) => {
      const d = make({ serviceAccountName: 'deployer' });
      const e = expectValidationError(() => d.reconcilerManifests(v), { field: 'cluster', value: v });
      expect(e.message).toContain(d.node.path);
    });
  }
});

describe('ChartApplyMethod', () => {
  test.each([[undefined], [null], ['chart'], [{}], [Object.create(null)], [new App()]])('set/of with chart %p', (v) => {
    expectValidationError(() => ChartApplyMethod.set(JS(v), ApplyMethod.SERVER_SIDE), { field: 'chart', value: v });
    expectValidationError(() => ChartApplyMethod.of(JS(v)), { field: 'chart', value: v });
  });

  test('a declared method is read back; the default is client-side', () => {
    const c = Testing.chart();
    expect(ChartApplyMethod.of(c)).toBe(ApplyMethod.CLIENT_SIDE);
    ChartApplyMethod.set(c, ApplyMethod.SERVER_SIDE);
    expect(ChartApplyMethod.of(c)).toBe(ApplyMethod.SERVER_SIDE);
  });

  test.each([[undefined], [null], ['serverside'], ['SERVER_SIDE'], [1], [{}]])('set with method %p', (v) => {
    expectValidationError(() => ChartApplyMethod.set(Testing.chart(), JS(v)), { field: 'method', value: v });
  });
});

describe('MtlsMesh.excludeWorkload', () => {
  test.each([[undefined], [null], ['web'], [{ podMetadata: {} }]])('workload %p', (v) => {
    const chart = Testing.chart();
    expectValidationError(() => new MtlsMesh(chart, 'mesh').excludeWorkload(JS(v)), { field: 'workload', value: v });
  });

  test('a Service or ConfigMap (cdk8s-plus objects of the wrong kind) is refused', () => {
    const chart = Testing.chart();
    const mesh = new MtlsMesh(chart, 'mesh');
    const svc = new kplus.Service(chart, 'svc', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] });
    const e = expectAnyValidationError(() => mesh.excludeWorkload(JS(svc)));
    expect(e.field).toBe('workload');
    expect(e.message).toMatch(/^test\/mesh: invalid workload .*: expected an? AbstractPod instance/s);
    expect(e.message.length).toBeLessThan(2000);
  });
});

describe('ReachabilityAssertions', () => {
  const an = ReachabilityAnalyzer.fromObjects([]);
  test.each([[undefined], [null], [{}], ['analyzer'], [[]]])('constructor %p', (v) => {
    expectValidationError(() => new ReachabilityAssertions(JS(v)), { field: 'analyzer', value: v });
  });
  test.each([[undefined], [null], [1], [{}]])('assertAllowed/assertDenied src %p', (v) => {
    const a = new ReachabilityAssertions(an);
    expectValidationError(() => a.assertAllowed(JS(v), 'shop/web'), { field: 'src', value: v });
    expectValidationError(() => a.assertDenied(JS(v), 'shop/web'), { field: 'src', value: v });
  });
  test.each([[null], [80], [{}]])('port %p', (v) => {
    const a = new ReachabilityAssertions(an);
    expectValidationError(() => a.assertAllowed('shop/a', 'shop/b', JS(v)), { field: 'port', value: v });
  });
  test.each([[undefined], [null], ['a => b'], [[1]], [[null]]])('assertExactly %p', (v) => {
    expectValidationError(() => new ReachabilityAssertions(an).assertExactly(JS(v)), { field: 'expected', value: Array.isArray(v) ? v[0] : v });
  });
});

describe('FluentdLogShipper runAsUser', () => {
  test.each([[-1], [1.5], [NaN], [Infinity], ['1000'], [null], [2147483648], [true]])('runAsUser %p', (v) => {
    const chart = Testing.chart();
    const credentials = kplus.Secret.fromSecretName(chart, 's', 'es');
    expectValidationError(() => new FluentdLogShipper(chart, 'f', JS({ credentials, runAsUser: v })), { field: 'runAsUser', value: v });
  });
});

describe('FluentdLogShipper credentials and elasticsearchCa (the Secrets now mounted as files)', () => {
  const make = (p: any) => {
    const chart = Testing.chart();
    return new FluentdLogShipper(chart, 'f', { credentials: kplus.Secret.fromSecretName(chart, 's', 'es'), ...p(chart) });
  };
  test.each([
    ['a string', () => 'es-credentials', 'es-credentials'],
    ['a plain object', () => ({ name: 'es' }), 'object es'],
    ['a ConfigMap', (c: Chart) => new kplus.ConfigMap(c, 'cm', { metadata: { name: 'es-config' } }), 'ConfigMap es-config'],
    ['an upper-case name', (c: Chart) => kplus.Secret.fromSecretName(c, 'x', 'ES'), 'ES'],
    ['a name with a newline', (c: Chart) => kplus.Secret.fromSecretName(c, 'x', 'es\nx'), 'es\nx'],
    ['an empty name', (c: Chart) => kplus.Secret.fromSecretName(c, 'x', ''), ''],
  ])('credentials %s', (_what, v, value) => {
    expectValidationError(() => make((c: Chart) => ({ credentials: v(c) })), { field: 'credentials', value });
    expectValidationError(() => make((c: Chart) => ({ elasticsearchCa: v(c) })), { field: 'elasticsearchCa', value });
  });

  test.each([['.'], ['..'], ['..data'], [''], ['a/b'], ['user\n'], [' ']])('usernameKey / passwordKey %p', (key) => {
    expectValidationError(() => make(() => ({ usernameKey: key })), { field: 'usernameKey', value: key });
    expectValidationError(() => make(() => ({ passwordKey: key })), { field: 'passwordKey', value: key });
  });

  test('a null-prototype object is a ValidationError, not a TypeError', () => {
    expectValidationError(() => make(() => ({ credentials: Object.create(null) })), { field: 'credentials', value: {} });
  });
});

describe('WireguardGateway: strings that reach the start script and the config file', () => {
  const script = (declare: (chart: Chart) => void): string => {
    const chart = Testing.chart();
    new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east' });
    declare(chart);
    const dep = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    return dep.spec.template.spec.containers[0].command[2];
  };
  const db = (chart: Chart) => new kplus.Deployment(chart, 'db', { metadata: { name: 'db', namespace: 'database' }, containers: [{ image: 'postgres:16.4', portNumber: 5432 }] });

  test.each([
    ['CR/LF and a shell command', 'replica\r\niptables -F; touch /pwned'],
    ['a quote that would end the comment', "x' -j ACCEPT; echo '"],
    ['a NUL and a backtick', 'a\u0000`id`$(id)'],
    ['10 000 characters', 'x'.repeat(10_000)],
  ])('a flow description with %s stays one quoted comment of at most 200 characters', (_what, description) => {
    const text = script((chart) => {
      Flows.of(chart).allow(Peer.cidr('10.2.0.0/16', { inCluster: true }), Peer.workload(db(chart)), { ports: [Port.tcp(5432)], description });
    });
    const rules = text.split('\n').filter((l) => l.includes('--comment'));
    expect(rules).toHaveLength(1);
    const m = /^iptables -w -t mangle -A ZT-WG-FORWARD -i wg0 -s 10\.2\.0\.0\/16 -d 10\.1\.0\.0\/16 -p tcp --dport 5432 -m comment --comment '([^'\r\n\u0000`$;]{0,200})' -j RETURN$/.exec(rules[0]);
    expect(m).not.toBeNull();
    expect(text).not.toContain('/pwned\n');
  });

  test('a forwarding filter too large for one exec argument (bash -c) is refused at synthesis, not a crash-looping pod', () => {
    const chart = Testing.chart();
    new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east' });
    const d = db(chart);
    for (let i = 0; i < 800; i++) {
      Flows.of(chart).allow(Peer.cidr('10.2.0.0/16', { inCluster: true }), Peer.workload(d), { ports: [Port.tcp(10000 + i)], description: `flow ${i} ${'x'.repeat(150)}` });
    }
    expect(() => Testing.synth(chart)).toThrow(/test\/wg: invalid flows "a start script of \d+ bytes": expected .*131072 bytes, Linux's MAX_ARG_STRLEN/);
  });

  test.each([[{}], ['node=gw'], [{ 'node-restriction.kubernetes.io/wireguard-gateway': 'true\n' }], [{ 'bad key': 'true' }], [null]])('nodeSelector %p', (nodeSelector) => {
    expectValidationError(() => new WireguardGateway(Testing.chart(), 'wg', JS({ mesh: threeSiteMesh(), site: 'asia-east', nodeSelector })),
      {
        field: 'nodeSelector',
        value: typeof nodeSelector === 'object' && nodeSelector !== null && Object.keys(nodeSelector).length === 1
          ? Object.entries(nodeSelector)[0][Object.keys(nodeSelector)[0] === 'bad key' ? 0 : 1] : nodeSelector,
      });
  });

  test.each([['/etc/wg/key\nPostUp = id'], ['/etc/wg/key\r'], ['/etc/wg/key\u0000'], ['key'], [''], [1]])('renderConfig privateKeyFile %p', (privateKeyFile) => {
    expectValidationError(() => threeSiteMesh().renderConfig('asia-east', JS({ privateKeyFile })), { field: 'privateKeyFile', value: privateKeyFile });
  });
});

describe('MeshCluster ambient east-west options', () => {
  const ambientShop = (gatewaySourceRanges: unknown) => {
    const chart = new Chart(new App(), 'c');
    new MtlsMesh(chart, 'mesh');
    new ZeroTrustNamespace(chart, 'pay', { name: 'pay', dataPlane: DataPlane.AMBIENT });
    const payment = new kplus.Deployment(chart, 'payment', { metadata: { namespace: 'pay' }, containers: [{ image: 'p:1', portNumber: 8080 }] });
    payment.exposeViaService({ ports: [{ port: 8080 }] });
    const cluster = new MeshCluster(chart, 'istio', {
      mesh: new IstioMultiCluster({ meshId: 'shop' }),
      clusterName: 'asia',
      network: 'net-asia',
      caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'),
      dataPlane: DataPlane.AMBIENT,
      gatewaySourceRanges: JS(gatewaySourceRanges),
    });
    return { chart, cluster, payment };
  };

  test.each([
    [['172.18.0.3/32\n0.0.0.0/0'], 'gatewaySourceRanges[0]', '172.18.0.3/32\n0.0.0.0/0'],
    [['0.0.0.0/0'], 'gatewaySourceRanges[0]', '0.0.0.0/0'],
    [['::/0'], 'gatewaySourceRanges[0]', '::/0'],
    [[''], 'gatewaySourceRanges[0]', ''],
    [[' 172.18.0.3/32'], 'gatewaySourceRanges[0]', ' 172.18.0.3/32'],
    [[null], 'gatewaySourceRanges[0]', null],
    [['172.18.0.3/32', 5], 'gatewaySourceRanges[1]', 5],
    ['172.18.0.3/32', 'gatewaySourceRanges', '172.18.0.3/32'],
  ])('gatewaySourceRanges %p', (ranges, field, value) => {
    expectValidationError(() => ambientShop(ranges), { field, value });
  });

  test('duplicated ranges are written once; hosts (even empty) are refused on an ambient cluster', () => {
    const x = ambientShop(['172.18.0.4/32', '172.18.0.3/32', '172.18.0.4/32']);
    expectValidationError(() => x.cluster.allowFromEastWestGateway(Peer.workload(x.payment), { ports: [Port.tcp(8080)], hosts: [] }), { field: 'hosts', value: [] });
    x.cluster.allowFromEastWestGateway(Peer.workload(x.payment), { ports: [Port.tcp(8080)] });
    const objs = Testing.synth(x.chart);
    const np = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'istio-eastwestgateway-hbone');
    expect(np.spec.ingress[0].from.map((f: any) => f.ipBlock.cidr)).toEqual(['172.18.0.3/32', '172.18.0.4/32']);
  });
});

describe('ReachabilityAssertions: ports no packet can have', () => {
  test.each([['0'], ['TCP/0'], ['65536'], ['99999'], ['udp/070000'], ['abc'], [''], ['TCP/']])('port %p is an error, never a passing assertDenied', (port) => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'web', { metadata: { name: 'web', namespace: 'shop' }, containers: [{ image: 'w:1', portNumber: 8080 }] });
    const a = new ReachabilityAssertions(ReachabilityAnalyzer.fromObjects(Testing.synth(chart)));
    expect(() => a.assertDenied('shop/web', '8.8.8.8', port)).toThrow(`invalid port "${port}"`);
    // also where nothing is allowed at all (the port was read only for a connected pair)
    expect(() => new ReachabilityAssertions(ReachabilityAnalyzer.fromObjects([])).assertDenied('1.2.3.4', '5.6.7.8', port)).toThrow(`invalid port "${port}"`);
    expect(() => a.assertAllowed('shop/web', '8.8.8.8', port)).toThrow(`invalid port "${port}"`);
  });
});

describe('FluentdLogShipper stateHostPath: spellings of /var/log and control characters', () => {
  test.each([['/var//log/fluentd'], ['/var/./log/fluentd'], ['//var/log'], ['/var/lib/fluentd/'], ['/var/lib/flu\nentd'], ['/var/lib/fluentd\u0000'], ['/var/lib/../log'], ['relative']])('%p', (stateHostPath) => {
    const chart = Testing.chart();
    const credentials = kplus.Secret.fromSecretName(chart, 's', 'es');
    expectValidationError(() => new FluentdLogShipper(chart, 'f', { credentials, runAsUser: 0, stateHostPath }), { field: 'stateHostPath', value: stateHostPath });
  });
});

describe('GuardrailException: the checked values are the rendered ones', () => {
  test('podLabels and allowedHostPaths cannot be changed after the checks (a writable "/" or an unchecked label)', () => {
    const e = GuardrailException.logShipper('logging');
    expect(() => { (e.podLabels as any).app = 'x\n'; }).toThrow(TypeError);
    expect(() => e.allowedHostPaths.push('/')).toThrow(TypeError);
    expect(e.allowedHostPaths).toEqual(['/var/log/containers', '/var/log/pods']);
  });
});

describe('every new member, every hostile value: a ValidationError or a valid result, never another error', () => {
  const HOSTILE: unknown[] = [
    null, NaN, Infinity, -1, 0, '', ' ', '\r\n', 'a\u0000b', true, 'true', {}, [], [null], [''], Object.create(null), PROTO, CONSTRUCTOR,
    () => 'x', Symbol('s'), 10n, new Date(0), Array.from({ length: 50_000 }, (_, i) => `a${i}`),
  ];
  const chart = () => Testing.chart();
  const fleetDelivery = (kind: 'argo' | 'flux', sa: unknown) => (kind === 'argo'
    ? new ArgoCdDelivery(new Chart(new App(), 'g'), 'd', JS({ fleet: fleetOf(), repoUrl: 'https://git.example.com/r.git', serviceAccountName: sa }))
    : new FluxDelivery(new Chart(new App(), 'g'), 'd', JS({ fleet: fleetOf(), repoUrl: 'https://git.example.com/r.git', serviceAccountName: sa })));
  const calls: Array<[string, (v: unknown) => unknown]> = [
    ['GuardrailException.of podLabels', (v) => GuardrailException.of(JS({ namespace: 'vpn', podLabels: v }))],
    ['GuardrailException.vpnGateway options', (v) => GuardrailException.vpnGateway('vpn', JS(v))],
    ['GuardrailException.vpnGateway podLabels', (v) => GuardrailException.vpnGateway('vpn', JS({ podLabels: v }))],
    ['GuardrailException.logShipper podLabels', (v) => GuardrailException.logShipper('logging', JS(v))],
    ['GuardrailException.logShipper namespace', (v) => GuardrailException.logShipper(JS(v))],
    ['GuardrailException.ingressController podLabels', (v) => GuardrailException.ingressController('ingress', JS(v))],
    ['Flows.allow allowEveryPeer', (v) => Flows.of(chart()).allow(Peer.pods({ app: 'a' }, { namespace: 'shop' }), Peer.pods({ app: 'b' }, { namespace: 'shop' }), JS({ ports: [Port.tcp(80)], allowEveryPeer: v }))],
    ['OtelCollector receiverTls', (v) => new OtelCollector(chart(), 'o', JS({ receiverTls: v }))],
    ['ArgoCdDelivery serviceAccountName', (v) => fleetDelivery('argo', v)],
    ['FluxDelivery serviceAccountName', (v) => fleetDelivery('flux', v)],
    ['ArgoCdDelivery.reconcilerManifests', (v) => fleetDelivery('argo', 'deployer').reconcilerManifests(JS(v))],
    ['FluxDelivery.reconcilerManifests', (v) => fleetDelivery('flux', 'deployer').reconcilerManifests(JS(v))],
    ['ChartApplyMethod.set chart', (v) => ChartApplyMethod.set(JS(v), ApplyMethod.SERVER_SIDE)],
    ['ChartApplyMethod.set method', (v) => ChartApplyMethod.set(chart(), JS(v))],
    ['ChartApplyMethod.of', (v) => ChartApplyMethod.of(JS(v))],
    ['MtlsMesh.excludeWorkload', (v) => new MtlsMesh(chart(), 'm').excludeWorkload(JS(v))],
    ['ReachabilityAssertions', (v) => new ReachabilityAssertions(JS(v))],
    ['ReachabilityAssertions.assertAllowed port', (v) => new ReachabilityAssertions(ReachabilityAnalyzer.fromObjects([])).assertAllowed('1.2.3.4', '5.6.7.8', JS(v))],
    ['ReachabilityAssertions.assertExactly', (v) => new ReachabilityAssertions(ReachabilityAnalyzer.fromObjects([])).assertExactly(JS(v))],
    ['FluentdLogShipper runAsUser', (v) => { const c = chart(); return new FluentdLogShipper(c, 'f', JS({ credentials: kplus.Secret.fromSecretName(c, 's', 'es'), runAsUser: v })); }],
    ['FluentdLogShipper credentials', (v) => new FluentdLogShipper(chart(), 'f', JS({ credentials: v }))],
    ['WireguardGateway nodeSelector', (v) => new WireguardGateway(chart(), 'g', JS({ mesh: threeSiteMesh(), site: 'asia-east', nodeSelector: v }))],
  ];
  test.each(calls)('%s', (name, call) => {
    // an assertion that does not hold is an AnalysisError (its purpose), as is a peer the analysis does not know
    const allowed = name.startsWith('ReachabilityAssertions.') ? ['ValidationError', 'AnalysisError'] : ['ValidationError'];
    for (const v of HOSTILE) {
      try {
        call(v);
      } catch (e) {
        if (!(e instanceof Error) || !allowed.includes(e.name)) {
          throw new Error(`${String(typeof v === 'symbol' ? 'Symbol' : Array.isArray(v) ? `array(${v.length})` : typeof v)}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
        }
      }
    }
  });
});
