import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Flows, IPeer, MeshIdentity, MeshSource, MtlsMesh, MtlsMode, Peer, Port, UnknownIdentity,
} from '../../src';
import { synthAndValidate } from '../util';
import { isAllowed, Req } from './authz-eval';

/** A namespace peer (Peer.namespace was renamed Peer.namespaceByName in flows; accept both while that lands). */
function nsPeer(name: string): IPeer {
  const P = Peer as any;
  return (P.namespaceByName ?? P.namespace).call(Peer, name);
}

function shop() {
  const chart = Testing.chart();
  const orderSa = new kplus.ServiceAccount(chart, 'order-sa', { metadata: { name: 'order-service', namespace: 'order' } });
  const order = new kplus.Deployment(chart, 'order-service', {
    metadata: { namespace: 'order' }, serviceAccount: orderSa, containers: [{ image: 'order', portNumber: 8080 }],
  });
  const otherSa = new kplus.ServiceAccount(chart, 'other-sa', { metadata: { name: 'report-service', namespace: 'order' } });
  const other = new kplus.Deployment(chart, 'report-service', {
    metadata: { namespace: 'order' }, serviceAccount: otherSa, containers: [{ image: 'report', portNumber: 8080 }],
  });
  const paySa = new kplus.ServiceAccount(chart, 'pay-sa', { metadata: { name: 'payment-service', namespace: 'payment' } });
  const payment = new kplus.Deployment(chart, 'payment-service', {
    metadata: { namespace: 'payment' }, serviceAccount: paySa, containers: [{ image: 'payment', portNumber: 8080 }],
  });
  const mesh = new MtlsMesh(chart, 'mesh');
  return { chart, order, other, payment, mesh };
}

const PAYMENT_LABELS = (payment: kplus.Deployment) => payment.matchLabels;

describe('MtlsMesh', () => {
  test('S9: mesh-wide STRICT PeerAuthentication in istio-system', () => {
    const { chart } = shop();
    const objs = synthAndValidate(chart);
    const pa = objs.filter((o) => o.kind === 'PeerAuthentication');
    expect(pa).toEqual([{
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    }]);
  });

  test('S17: only order-service may POST /api/payments on payment-service, one declaration for both layers', () => {
    const { chart, order, other, payment, mesh } = shop();
    Flows.of(chart).manageNamespace('order');
    Flows.of(chart).manageNamespace('payment');
    mesh.protectNamespace('payment');
    mesh.allow(Peer.workload(order), Peer.workload(payment), {
      ports: [Port.tcp(8080)], http: { methods: ['POST'], paths: ['/api/payments'] },
    });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => String(o.apiVersion).includes('istio.io'))).toMatchSnapshot();

    const ap = objs.filter((o) => o.kind === 'AuthorizationPolicy');
    expect(ap.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['payment/allow-nothing', 'payment/allow-to-payment-service']);
    const rule = ap[1].spec.rules[0];
    expect(rule.from).toEqual([{ source: { principals: ['cluster.local/ns/order/sa/order-service'] } }]);
    expect(rule.to).toEqual([{ operation: { ports: ['8080'], methods: ['POST'], paths: ['/api/payments'] } }]);

    // meaning: which identity may call which method and path, and nothing else
    const base: Req = {
      principal: 'cluster.local/ns/order/sa/order-service',
      sourceNamespace: 'order',
      namespace: 'payment',
      labels: PAYMENT_LABELS(payment),
      port: 8080,
      method: 'POST',
      path: '/api/payments',
    };
    expect(isAllowed(objs, base)).toBe(true);
    expect(isAllowed(objs, { ...base, method: 'GET' })).toBe(false);
    expect(isAllowed(objs, { ...base, path: '/api/payments/1' })).toBe(false);
    expect(isAllowed(objs, { ...base, path: '/api/refunds' })).toBe(false);
    expect(isAllowed(objs, { ...base, port: 9090 })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: `cluster.local/ns/order/sa/${other.serviceAccount!.name}` })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: 'cluster.local/ns/order/sa/default' })).toBe(false);
    expect(isAllowed(objs, { ...base, principal: undefined })).toBe(false);
    // other workloads of the protected namespace: allow-nothing
    expect(isAllowed(objs, { ...base, labels: { app: 'ledger' } })).toBe(false);

    // the same flow opened L3/L4: egress from order, ingress to payment on 8080
    const np = objs.filter((o) => o.kind === 'NetworkPolicy');
    const ingress = np.find((o) => o.metadata.namespace === 'payment' && o.spec.ingress?.length);
    expect(ingress.spec.podSelector.matchLabels).toEqual(payment.matchLabels);
    expect(ingress.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const egress = np.filter((o) => o.metadata.namespace === 'order' && o.spec.egress?.length);
    expect(egress.some((o) => JSON.stringify(o.spec.egress).includes('"port":8080'))).toBe(true);
    // and the sidecars of the protected namespace may reach istiod
    expect(np.some((o) => o.metadata.namespace === 'payment' && JSON.stringify(o.spec.egress ?? []).includes('15012'))).toBe(true);
  });

  test('trust domain and aliases give one principal per domain', () => {
    const { chart, order, payment } = (() => {
      const c = Testing.chart();
      const sa = new kplus.ServiceAccount(c, 'sa', { metadata: { name: 'order-service', namespace: 'order' } });
      const o = new kplus.Deployment(c, 'order', { metadata: { namespace: 'order' }, serviceAccount: sa, containers: [{ image: 'o' }] });
      const p = new kplus.Deployment(c, 'payment', { metadata: { namespace: 'payment' }, containers: [{ image: 'p' }] });
      return { chart: c, order: o, payment: p };
    })();
    const mesh = new MtlsMesh(chart, 'mesh', { trustDomain: 'prod.example.com', trustDomainAliases: ['old.example.com', 'cluster.local'] });
    mesh.protectNamespace('payment');
    mesh.allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)] });
    const ap = synthAndValidate(chart).filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name !== 'allow-nothing');
    expect(ap[0].spec.rules[0].from[0].source.principals).toEqual([
      'prod.example.com/ns/order/sa/order-service',
      'cluster.local/ns/order/sa/order-service',
      'old.example.com/ns/order/sa/order-service',
    ]);
  });

  test('namespace and CIDR sources; UDP-only flows are not mesh traffic', () => {
    const { chart, payment, mesh } = shop();
    mesh.protectNamespace('payment');
    mesh.allow(nsPeer('frontend'), Peer.workload(payment), { ports: [Port.tcp(8080)], http: { methods: ['GET'], paths: ['/health/*'] } });
    mesh.allow(Peer.cidr('10.0.0.0/8', { except: ['10.1.0.0/16'] }), Peer.workload(payment), { ports: [Port.tcp(8443)] });
    mesh.allow(nsPeer('metrics'), Peer.workload(payment), { ports: [Port.udp(8125)] });
    const objs = synthAndValidate(chart);
    const labels = payment.matchLabels;
    const r: Req = { sourceNamespace: 'frontend', principal: 'cluster.local/ns/frontend/sa/web', namespace: 'payment', labels, port: 8080, method: 'GET', path: '/health/live' };
    expect(isAllowed(objs, r)).toBe(true);
    expect(isAllowed(objs, { ...r, path: '/api/payments' })).toBe(false);
    expect(isAllowed(objs, { ...r, sourceNamespace: 'other', principal: 'cluster.local/ns/other/sa/web' })).toBe(false);
    expect(isAllowed(objs, { sourceIp: '10.2.3.4', namespace: 'payment', labels, port: 8443 })).toBe(true);
    expect(isAllowed(objs, { sourceIp: '10.1.3.4', namespace: 'payment', labels, port: 8443 })).toBe(false);
    const rules = objs.filter((o) => o.kind === 'AuthorizationPolicy').flatMap((o) => o.spec.rules ?? []);
    expect(JSON.stringify(rules)).not.toContain('8125');
  });

  test('a pod source without a dedicated service account is an error naming the flow', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'w' }] });
    const payment = new kplus.Deployment(chart, 'payment', { metadata: { namespace: 'payment' }, containers: [{ image: 'p' }] });
    const mesh = new MtlsMesh(chart, 'mesh');
    mesh.protectNamespace('payment');
    mesh.allow(Peer.workload(web), Peer.workload(payment), { ports: [Port.tcp(8080)] });
    expect(() => Testing.synth(chart)).toThrow(/invalid flows\[web -> payment\]\.from\.serviceAccountName "web": expected a dedicated service account/);
  });

  test('unknownIdentity NAMESPACE falls back to the source namespace', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'w' }] });
    const payment = new kplus.Deployment(chart, 'payment', { metadata: { namespace: 'payment' }, containers: [{ image: 'p' }] });
    const mesh = new MtlsMesh(chart, 'mesh', { unknownIdentity: UnknownIdentity.NAMESPACE });
    mesh.protectNamespace('payment');
    mesh.allow(Peer.workload(web), Peer.workload(payment), { ports: [Port.tcp(8080)] });
    const ap = synthAndValidate(chart).filter((o) => o.metadata.name === 'allow-to-payment');
    expect(ap[0].spec.rules[0].from).toEqual([{ source: { namespaces: ['shop'] } }]);
  });

  test('flows into unprotected namespaces render no AuthorizationPolicy', () => {
    const { chart, order, payment } = shop();
    Flows.of(chart).allow(Peer.workload(order), Peer.workload(payment), { ports: [Port.tcp(8080)] });
    expect(synthAndValidate(chart).filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
  });

  test('namespace mTLS modes and workload port-level modes', () => {
    const { chart, payment, mesh } = shop();
    mesh.protectNamespace('legacy', { mode: MtlsMode.PERMISSIVE });
    mesh.workloadMtls(payment, { portModes: [{ port: 9090, mode: MtlsMode.DISABLE }, { port: 8080, mode: MtlsMode.STRICT }] });
    const pa = synthAndValidate(chart).filter((o) => o.kind === 'PeerAuthentication');
    expect(pa.map((o) => [o.metadata.namespace, o.metadata.name, o.spec])).toEqual([
      ['istio-system', 'default', { mtls: { mode: 'STRICT' } }],
      ['legacy', 'default', { mtls: { mode: 'PERMISSIVE' } }],
      ['payment', 'payment-service-mtls', {
        selector: { matchLabels: payment.matchLabels },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 8080: { mode: 'STRICT' }, 9090: { mode: 'DISABLE' } },
      }],
    ]);
    expect(() => mesh.namespaceMtls('legacy', MtlsMode.STRICT)).toThrow(/invalid namespace "legacy"/);
  });

  test('bad props', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new MtlsMesh(chart, 'm1', { trustDomain: 'Not A Domain' })).toThrow(/invalid trustDomain "Not A Domain": expected a trust domain/);
    expect(() => new MtlsMesh(chart, 'm2', { trustDomainAliases: ['ok.local', 'bad_alias'] })).toThrow(/invalid trustDomainAliases\[1\] "bad_alias"/);
    const mesh = new MtlsMesh(chart, 'm3');
    expect(() => mesh.protectNamespace('istio-system')).toThrow(/invalid namespace "istio-system"/);
    expect(() => mesh.protectNamespace('Bad')).toThrow(/invalid namespace "Bad"/);
  });

  test('MeshIdentity principals', () => {
    expect(MeshIdentity.of('order', 'order-service').principal()).toBe('cluster.local/ns/order/sa/order-service');
    expect(MeshIdentity.of('order', 'order-service').spiffeId('example.org')).toBe('spiffe://example.org/ns/order/sa/order-service');
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'd', { metadata: { namespace: 'x' }, containers: [{ image: 'i' }] });
    expect(() => MeshIdentity.fromWorkload(d)).toThrow(/invalid serviceAccount "default": expected a dedicated service account/);
    expect(MeshSource.workload(new kplus.Deployment(chart, 'e', {
      metadata: { namespace: 'x' },
      containers: [{ image: 'i' }],
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'imp', 'e-sa'),
    })).identityList[0].toString()).toBe('x/e-sa');
  });
});
