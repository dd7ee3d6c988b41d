import { deploy, istio, netpol, ns } from './fixtures';
import { ReachabilityAnalyzer } from '../../src/analysis';

/** A hostNetwork gateway (like the WireGuard gateway), a web pod and a database. */
function objects(extra: any[] = []): any[] {
  const gw = deploy('wg', 'gateway', { labels: { app: 'gateway' }, ports: [{ name: 'wg', containerPort: 51820, protocol: 'UDP' }] });
  gw.spec.template.spec.hostNetwork = true;
  return [
    ns('wg'), ns('shop', { 'istio-injection': 'enabled' }),
    gw,
    deploy('shop', 'web', { labels: { app: 'web' } }),
    deploy('shop', 'db', { labels: { app: 'db' }, ports: [{ name: 'pg', containerPort: 5432 }] }),
    netpol('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    // every pod of every namespace may reach the db: a hostNetwork pod is not one of them
    netpol('shop', 'db-from-all-ns', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 5432 }] }] }),
    // the node network may reach web (health checks from the kubelet)
    netpol('shop', 'web-from-nodes', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.0/16' } }], ports: [{ port: 8080 }] }] }),
    // web may send to the node network on 10250 (and to the gateway's named port: never resolves)
    netpol('shop', 'web-to-nodes', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ ipBlock: { cidr: '172.18.0.0/16' } }], ports: [{ port: 10250 }] }] }),
    // a policy in the gateway's namespace selecting it has no effect
    netpol('wg', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    ...extra,
  ];
}

describe('hostNetwork pods are node traffic', () => {
  const an = ReachabilityAnalyzer.fromObjects(objects(), { nodeCidrs: ['172.18.0.0/16'] });

  test('no NetworkPolicy selects a hostNetwork pod (a deny-all in its namespace does nothing)', () => {
    expect(an.isAllowed('wg/gateway', '8.8.8.8')).toBe(true);
    expect(an.isAllowed('1.2.3.4', 'wg/gateway', 'UDP/51820')).toBe(true);
  });

  test('pod/namespace selectors never match it; ipBlocks with a node address do', () => {
    expect(an.isAllowed('wg/gateway', 'shop/db', '5432')).toBe(false);
    expect(an.isAllowed('shop/web', 'shop/db', '5432')).toBe(false); // web is egress-isolated
    expect(an.isAllowed('wg/gateway', 'shop/web', '8080')).toBe(true);
    expect(an.isAllowed('wg/gateway', 'shop/web', '9090')).toBe(false);
    expect(an.isAllowed('shop/web', 'wg/gateway', '10250')).toBe(true);
    expect(an.isAllowed('shop/web', 'wg/gateway', '8080')).toBe(false);
    expect(an.toText()).toContain('wg/gateway[Deployment] => shop/web[Deployment] : TCP 8080');
  });

  test('without a node address inside, an ipBlock does not match it', () => {
    const other = ReachabilityAnalyzer.fromObjects(objects(), { nodeCidrs: ['192.168.0.0/24'] });
    expect(other.isAllowed('wg/gateway', 'shop/web', '8080')).toBe(false);
    expect(other.isAllowed('shop/web', 'wg/gateway')).toBe(false);
  });

  test('node addresses unknown: any ipBlock may contain one', () => {
    const unknown = ReachabilityAnalyzer.fromObjects(objects(), { hostNetworkAsNode: true });
    expect(unknown.isAllowed('wg/gateway', 'shop/web', '8080')).toBe(true);
    expect(unknown.isAllowed('wg/gateway', 'shop/db', '5432')).toBe(false);
  });

  test('by default (netpol-analyzer\'s model), or without hostNetwork, it is an ordinary pod', () => {
    const objs = objects();
    delete objs[2].spec.template.spec.hostNetwork;
    for (const plain of [ReachabilityAnalyzer.fromObjects(objects()), ReachabilityAnalyzer.fromObjects(objs, { nodeCidrs: ['172.18.0.0/16'] })]) {
      expect(plain.isAllowed('wg/gateway', 'shop/db', '5432')).toBe(false); // its own deny-all egress now applies
      expect(plain.isAllowed('wg/gateway', '8.8.8.8')).toBe(false);
    }
    const plain = ReachabilityAnalyzer.fromObjects(objects(), { nodeCidrs: ['172.18.0.0/16'], hostNetworkAsNode: false });
    expect(plain.isAllowed('wg/gateway', 'shop/db', '5432')).toBe(false); // its own deny-all egress now applies
    expect(plain.isAllowed('wg/gateway', '8.8.8.8')).toBe(false);
  });

  test('Istio never injects it: STRICT mTLS refuses it like any plaintext client', () => {
    const a = ReachabilityAnalyzer.fromObjects(objects([istio('PeerAuthentication', 'shop', 'strict', { mtls: { mode: 'STRICT' } })]), { meshAllPods: true, nodeCidrs: ['172.18.0.0/16'] });
    expect(a.isAllowed('wg/gateway', 'shop/web', '8080')).toBe(false);
  });

  test('explain says why', () => {
    const x = an.explain('wg/gateway', 'shop/db');
    expect(x.reasons).toContain('source: wg/gateway[Deployment] uses hostNetwork: pod/namespace selectors never match it, only ipBlocks containing a node address (nodeCidrs 172.18.0.0-172.18.255.255)');
    expect(x.reasons).toContain('egress: wg/gateway[Deployment] uses hostNetwork: no NetworkPolicy selects it (its traffic is node traffic): all egress allowed');
    expect(x.reasons).toContain('ingress: no ingress rule of these policies matches the peer: denied');
    expect(an.explain('wg/gateway', 'shop/web').reasons).toContain('ingress: shop/web-from-nodes ingress rule 0 allows TCP 8080');
  });

  test('bad nodeCidrs name the option and the value', () => {
    expect(() => ReachabilityAnalyzer.fromObjects(objects(), { nodeCidrs: ['172.18.0.0'] })).toThrow('options.nodeCidrs[0]: CIDR error: invalid CIDR address: 172.18.0.0');
  });
});

describe('named ports toward IP addresses', () => {
  const objs = [
    deploy('default', 'a', { labels: { app: 'a' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
    deploy('default', 'dns', { labels: { app: 'dns' }, ports: [{ name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
    netpol('default', 'a-egress', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 443 }] }] }),
  ];
  const an = ReachabilityAnalyzer.fromObjects(objs);

  test('a rule with no `to`: the named port resolves on pods, never on IPs; numeric ports apply to both', () => {
    expect(an.isAllowed('default/a', 'default/dns', 'UDP/5353')).toBe(true);
    expect(an.isAllowed('default/a', 'default/dns', '443')).toBe(true);
    expect(an.isAllowed('default/a', '8.8.8.8', '443')).toBe(true);
    expect(an.isAllowed('default/a', '8.8.8.8', 'UDP/53')).toBe(false);
    expect(an.toText()).toContain('default/a[Deployment] => 0.0.0.0-255.255.255.255[External] : TCP 443');
  });

  test('explain names the named port that did not apply', () => {
    expect(an.explain('default/a', '8.8.8.8').reasons).toContain(
      'egress: default/a-egress egress rule 0: named port UDP/dns cannot match an IP destination (named ports are pod container ports; netpol-analyzer reports an error here)');
    expect(an.explain('default/a', 'default/dns').reasons.join('\n')).not.toContain('named port');
  });

  test('an ipBlock peer with a named port is rejected, as netpol-analyzer does', () => {
    const bad = netpol('default', 'bad', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 'dns' }] }] });
    expect(() => ReachabilityAnalyzer.fromObjects([bad])).toThrow('NetworkPolicy default/bad.spec.egress[0]: named port error: cannot convert named port for an IP destination');
  });
});
