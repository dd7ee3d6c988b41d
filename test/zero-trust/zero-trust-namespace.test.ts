import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Enforcement, EnforcementMode, EnforcementReport, Flows, Peer, Port, ZeroTrustNamespace } from '../../src';
import { errorOf, synthAndValidate } from '../util';
import { NetpolEvaluator } from './netpol-eval';

const DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

function netpols(objs: any[]): string[] {
  return objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
}

describe('ZeroTrustNamespace', () => {
  test('emits namespace with PSA labels, default-deny, DNS, quota and limits', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const objs = synthAndValidate(chart);
    const ns = objs.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(netpols(objs)).toEqual(['shop/allow-to-dns', 'shop/default-deny']);
    expect(objs.map((o) => o.kind).sort()).toEqual(['LimitRange', 'Namespace', 'NetworkPolicy', 'NetworkPolicy', 'ResourceQuota']);
    const ev = new NetpolEvaluator(objs);
    const pod = { namespace: 'shop', labels: { app: 'x' } };
    expect(ev.allowed(pod, DNS, 'UDP', 53)).toBe(true);
    expect(ev.allowed(pod, DNS, 'TCP', 53)).toBe(true);
    expect(ev.allowed(pod, DNS, 'TCP', 80)).toBe(false);
    expect(ev.allowed(pod, { namespace: 'shop', labels: { app: 'y' } }, 'TCP', 80)).toBe(false);
    expect(ev.allowed({ namespace: 'other', labels: {} }, pod, 'TCP', 80)).toBe(false);
    expect(ev.allowed(pod, { ip: '8.8.8.8' }, 'TCP', 443)).toBe(false);
    expect(objs).toMatchSnapshot();
  });

  test('S7: db accepts only backend on TCP 5432; both ends rendered from one declaration', () => {
    const chart = Testing.chart();
    const prod = new ZeroTrustNamespace(chart, 'prod', { name: 'production' });
    const backend = new kplus.Deployment(chart, 'backend', {
      metadata: { namespace: 'production' }, containers: [{ image: 'backend:1', portNumber: 8080 }],
    });
    const db = new kplus.StatefulSet(chart, 'db', {
      metadata: { namespace: 'production' },
      service: new kplus.Service(chart, 'db-svc', { metadata: { namespace: 'production' }, ports: [{ port: 5432 }] }),
      containers: [{ image: 'postgres:16', portNumber: 5432 }],
    });
    Flows.of(chart).allow(Peer.workload(backend), Peer.workload(db), { ports: [Port.tcp(5432)] });
    const objs = synthAndValidate(chart);
    expect(netpols(objs)).toEqual([
      'production/allow-from-backend-to-db',
      'production/allow-to-db-from-backend',
      'production/allow-to-dns',
      'production/default-deny',
    ]);
    const ev = new NetpolEvaluator(objs);
    const b = { namespace: 'production', labels: Peer.workload(backend).podLabels! };
    const d = { namespace: 'production', labels: Peer.workload(db).podLabels! };
    expect(ev.allowed(b, d, 'TCP', 5432)).toBe(true);
    expect(ev.allowed(b, d, 'TCP', 5433)).toBe(false);
    expect(ev.allowed(d, b, 'TCP', 8080)).toBe(false);
    expect(ev.allowed({ namespace: 'production', labels: { role: 'other' } }, d, 'TCP', 5432)).toBe(false);
    expect(prod.name).toBe('production');
  });

  test('S8 (fixed): same-namespace-only ingress uses kubernetes.io/metadata.name', () => {
    const chart = Testing.chart();
    const prod = new ZeroTrustNamespace(chart, 'prod', { name: 'production', allowIntraNamespace: true });
    const objs = synthAndValidate(chart);
    const ev = new NetpolEvaluator(objs);
    const a = { namespace: 'production', labels: { app: 'a' } };
    const b = { namespace: 'production', labels: { app: 'b' } };
    expect(ev.allowed(a, b, 'TCP', 1234)).toBe(true);
    expect(ev.allowed({ namespace: 'staging', labels: { app: 'a' } }, b, 'TCP', 1234)).toBe(false);
    expect(prod.namespace).toBe('production');
    // the seed's S8 policy selects namespaces by a `name` label Kubernetes never sets: with it,
    // even pods of production itself would be denied (namespace has no `name` label)
    const seed = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-from-other-namespaces', namespace: 'production' },
      spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'production' } } }] }] },
    };
    const seedEv = new NetpolEvaluator([{ kind: 'Namespace', metadata: { name: 'production' } }, seed]);
    expect(seedEv.allowed(a, b, 'TCP', 1234)).toBe(false);
    // cross-namespace peer by name renders the right label
    const chart2 = Testing.chart();
    const ns2 = new ZeroTrustNamespace(chart2, 'p', { name: 'production' });
    ns2.allowFrom(Peer.namespaceByName('frontend'), { ports: [Port.tcp(443)] });
    const pol = synthAndValidate(chart2).find((o) => o.metadata.name === 'allow-from-frontend');
    expect(pol.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } }]);
  });

  test('S22 (fixed): auth ingress from frontend:443, egress to database:5432, DNS still works', () => {
    const chart = Testing.chart();
    const auth = new ZeroTrustNamespace(chart, 'auth', { name: 'auth' });
    const frontend = new ZeroTrustNamespace(chart, 'frontend', { name: 'frontend' });
    const database = new ZeroTrustNamespace(chart, 'database', { name: 'database' });
    const authSvc = auth.pods({ app: 'auth-service' });
    Flows.of(chart).allow(frontend, authSvc, { ports: [Port.tcp(443)] });
    Flows.of(chart).allow(authSvc, database, { ports: [Port.tcp(5432)] });
    const objs = synthAndValidate(chart);
    const ev = new NetpolEvaluator(objs);
    const a = { namespace: 'auth', labels: { app: 'auth-service' } };
    const f = { namespace: 'frontend', labels: { app: 'web' } };
    const d = { namespace: 'database', labels: { app: 'pg' } };
    expect(ev.allowed(f, a, 'TCP', 443)).toBe(true);
    expect(ev.allowed(f, a, 'TCP', 80)).toBe(false);
    expect(ev.allowed(a, d, 'TCP', 5432)).toBe(true);
    expect(ev.allowed(a, DNS, 'UDP', 53)).toBe(true);
    expect(ev.allowed(d, a, 'TCP', 443)).toBe(false);
    expect(ev.allowed({ namespace: 'auth', labels: { app: 'other' } }, d, 'TCP', 5432)).toBe(false);
    // the seed's S22 policy: egress only to database: DNS is broken
    const seed = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'auth-service-policy', namespace: 'auth' },
      spec: {
        podSelector: { matchLabels: { app: 'auth-service' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } }], ports: [{ protocol: 'TCP', port: 443 }] }],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'database' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
      },
    };
    expect(new NetpolEvaluator([seed]).allowed(a, DNS, 'UDP', 53)).toBe(false);
    expect(netpols(objs)).toMatchSnapshot();
  });

  test('internet for named workloads only; internal-only refuses external egress; API server', () => {
    const chart = Testing.chart();
    const ns = new ZeroTrustNamespace(chart, 'ns', { name: 'apps', kubeApiServerCidrs: ['172.18.0.2/32'] });
    ns.allowInternet(ns.pods({ app: 'fetcher' }), { ports: [Port.tcp(443)] });
    const objs = synthAndValidate(chart);
    const ev = new NetpolEvaluator(objs);
    const fetcher = { namespace: 'apps', labels: { app: 'fetcher' } };
    const other = { namespace: 'apps', labels: { app: 'other' } };
    expect(ev.allowed(fetcher, { ip: '93.184.216.34' }, 'TCP', 443)).toBe(true);
    expect(ev.allowed(fetcher, { ip: '169.254.169.254' }, 'TCP', 443)).toBe(false);
    expect(ev.allowed(fetcher, { ip: '10.1.2.3' }, 'TCP', 443)).toBe(false);
    expect(ev.allowed(other, { ip: '93.184.216.34' }, 'TCP', 443)).toBe(false);
    expect(ev.allowed(other, { ip: '172.18.0.2' }, 'TCP', 6443)).toBe(true);

    const chart2 = Testing.chart();
    const db = new ZeroTrustNamespace(chart2, 'db', { name: 'db', internalOnly: true });
    expect(() => db.allowInternet(db.pods({ app: 'pg' }), { ports: [Port.tcp(443)] })).toThrow(/allowInternet\(workload\) "internet".*internal-only/);
    expect(() => db.allowTo(Peer.cidr('203.0.113.0/24'), { ports: [Port.tcp(443)] })).toThrow(/internal-only/);
    Flows.of(chart2).allow(db.pods({ app: 'pg' }), Peer.anyIpv4(), { ports: [Port.tcp(443)] });
    expect(() => Testing.synth(chart2)).toThrow(/db: invalid flows "any-ipv4"/);
  });

  test('internal-only: a block marked inCluster, or the API server, on public or /0 addresses is refused', () => {
    const build = (peer: () => Peer) => {
      const chart = Testing.chart();
      const db = new ZeroTrustNamespace(chart, 'db', { name: 'db', internalOnly: true });
      Flows.of(chart).allow(db.pods({ app: 'pg' }), peer(), { ports: [Port.tcp(443)] });
      return chart;
    };
    expect(errorOf(() => Testing.synth(build(() => Peer.cidr('0.0.0.0/0', { inCluster: true, name: 'everything' })))).message)
      .toMatch(/db: invalid flows "everything \(0.0.0.0\/0\)": expected an in-cluster peer inside the private ranges \(10.0.0.0\/8, 172.16.0.0\/12, 192.168.0.0\/16, 100.64.0.0\/10, fc00::\/7\): namespace db is internal-only/);
    expect(errorOf(() => Testing.synth(build(() => Peer.kubeApiServer(['172.18.0.2/32', '203.0.113.10/32'])))).message)
      .toMatch(/invalid flows "kube-apiserver \(203.0.113.10\/32\)"/);
    expect(errorOf(() => Testing.synth(build(() => Peer.cidr('::/0', { inCluster: true, name: 'v6' })))).message).toMatch(/"v6 \(::\/0\)"/);
    // a block straddling private and public space is refused too
    expect(errorOf(() => Testing.synth(build(() => Peer.cidr('10.0.0.0/7', { inCluster: true, name: 'wide' })))).message).toMatch(/"wide \(10.0.0.0\/7\)"/);
    // private in-cluster blocks (another region's pods, the API server's node address) stay allowed
    const ok = build(() => Peer.cidr('10.2.0.0/16', { inCluster: true, name: 'eu-pods' }));
    const ev = new NetpolEvaluator(synthAndValidate(ok));
    expect(ev.allowed({ namespace: 'db', labels: { app: 'pg' } }, { ip: '10.2.3.4' }, 'TCP', 443)).toBe(true);
    expect(ev.allowed({ namespace: 'db', labels: { app: 'pg' } }, { ip: '93.184.216.34' }, 'TCP', 443)).toBe(false);
    synthAndValidate(build(() => Peer.kubeApiServer(['172.18.0.2/32'])));
  });

  test('istio injection, extra labels and annotations, configurable PSA', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', {
      name: 'mesh',
      istioInjection: true,
      labels: { team: 'a' },
      annotations: { owner: 'x' },
      podSecurity: 'baseline' as any,
    });
    const ns = synthAndValidate(chart).find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'team': 'a', 'pod-security.kubernetes.io/enforce': 'baseline' });
    expect(ns.metadata.annotations).toEqual({ owner: 'x' });
  });

  test('the enforcement prop flips the namespace between AUDIT and ENFORCE, and wins over the cluster', () => {
    const build = (enforcement?: EnforcementMode, cluster?: EnforcementMode) => {
      const chart = Testing.chart();
      if (cluster !== undefined) Enforcement.set(chart, cluster);
      const ns = new ZeroTrustNamespace(chart, 'shop', { name: 'shop', enforcement });
      const objs = synthAndValidate(chart);
      return { ns, objs, held: EnforcementReport.of(chart).heldBack };
    };
    const audit = build(EnforcementMode.AUDIT);
    expect(netpols(audit.objs)).toEqual([]);
    // the NetworkPolicies held back, the Namespace (Pod Security enforce), quota and default limits relaxed (review finding 6)
    expect(audit.held.map((p) => `${p.namespace}/${p.kind}/${p.name}`)).toEqual([
      'shop/LimitRange/default-limits', 'shop/Namespace/shop', 'shop/NetworkPolicy/allow-to-dns', 'shop/NetworkPolicy/default-deny', 'shop/ResourceQuota/default-quota',
    ]);
    expect(Enforcement.explicit(audit.ns)).toBe(EnforcementMode.AUDIT);
    const enforce = build(EnforcementMode.ENFORCE);
    expect(netpols(enforce.objs)).toEqual(['shop/allow-to-dns', 'shop/default-deny']);
    expect(enforce.held).toEqual([]);
    // the namespace's own setting beats the cluster's, both ways
    expect(netpols(build(EnforcementMode.ENFORCE, EnforcementMode.AUDIT).objs)).toHaveLength(2);
    expect(netpols(build(EnforcementMode.AUDIT, EnforcementMode.ENFORCE).objs)).toEqual([]);
    // unset: resolved from the scopes
    expect(netpols(build(undefined, EnforcementMode.AUDIT).objs)).toEqual([]);
    expect(netpols(build().objs)).toHaveLength(2);
    expect(() => build('audit' as any)).toThrow(/invalid enforcement "audit": expected EnforcementMode.ENFORCE/);
  });

  test('bad input: clear errors naming the field', () => {
    const chart = Testing.chart();
    expect(() => new ZeroTrustNamespace(chart, 'a', { name: 'Bad_Name' })).toThrow(/invalid name "Bad_Name": expected a DNS-1123 label/);
    expect(() => new ZeroTrustNamespace(chart, 'm', { name: 'm', labels: { 'zero-trust.cdk8s.io/managed': 'false' } }))
      .toThrow(/invalid labels\["zero-trust.cdk8s.io\/managed"\] "false": expected no such label/);
    expect(() => Peer.cidr('10.0.0.0/33')).toThrow(/Peer.cidr: invalid cidr "10.0.0.0\/33"/);
    expect(() => Peer.cidr('not-a-cidr')).toThrow(/invalid cidr "not-a-cidr"/);
    expect(() => Peer.cidr('10.0.0.0/8', { except: ['192.168.0.0/16'] })).toThrow(/invalid except\[0\] "192.168.0.0\/16": expected a CIDR block strictly inside 10.0.0.0\/8/);
    expect(() => Port.tcp(0)).toThrow(/invalid port 0/);
    expect(() => Port.tcp(70000)).toThrow(/invalid port 70000/);
    const ns = new ZeroTrustNamespace(chart, 'b', { name: 'good' });
    expect(() => ns.allowFrom(Peer.namespaceByName('x'), { ports: [] })).toThrow(/invalid ports \[\]: expected at least one port/);
    expect(() => Peer.pods({ app: 'a' }, { namespace: 'x', namespaceLabels: { team: 'y' } })).toThrow(/invalid options.namespaceLabels .*either namespace/);
    expect(() => Peer.namespaceByName('UPPER')).toThrow(/Peer.namespaceByName: invalid name "UPPER"/);
    expect(() => Peer.pods({ 'bad key!': 'v' })).toThrow(/invalid labels key "bad key!"/);
    expect(() => Flows.of(chart).allow(Peer.cidr('10.0.0.0/8'), Peer.internet(), { ports: [Port.tcp(1)] })).toThrow(/invalid to "internet"/);
  });
});
