/**
 * Istio's cross-network east-west gateway (Gateway with a `tls.mode: AUTO_PASSTHROUGH` server):
 * it forwards other clusters' mTLS connections end to end, so the destination's
 * AuthorizationPolicy sees the remote callers' principals, not the gateway's own identity.
 */
import { deploy, istio, ns } from './fixtures';
import { ReachabilityAnalyzer } from '../../src/analysis';

const GW = 'istio-system/istio-eastwestgateway';
const PAY = 'payment/payment-service';

function gateway(mode: string, selector: any = { istio: 'eastwestgateway' }, apiVersion = 'networking.istio.io/v1', hosts = ['*.local']): any {
  return {
    apiVersion,
    kind: 'Gateway',
    metadata: { name: 'cross-network-gateway', namespace: 'istio-system' },
    spec: { selector, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode }, hosts }] },
  };
}

function service(namespace: string, name: string, selector: { [k: string]: string } = { app: name }): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ port: 80, targetPort: 8080 }] } };
}

function eastWestPod(sidecar = true): any {
  const d = deploy('istio-system', 'istio-eastwestgateway', {
    labels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' },
    ports: [{ name: 'tls', containerPort: 15443 }],
  });
  if (sidecar) d.spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'true' };
  return d;
}

const allowOrder = istio('AuthorizationPolicy', 'payment', 'allow-order', {
  selector: { matchLabels: { app: 'payment-service' } },
  action: 'ALLOW',
  rules: [{
    from: [{ source: { principals: ['cluster.local/ns/order/sa/order-service'] } }],
    to: [{ operation: { ports: ['8080'], methods: ['POST'], paths: ['/api/payments'] } }],
  }],
});

const base = [
  ns('istio-system'),
  ns('payment', { 'istio-injection': 'enabled' }),
  ns('order', { 'istio-injection': 'enabled' }),
  deploy('payment', 'payment-service'),
  deploy('order', 'order-service'),
  deploy('order', 'other'),
  // SNI routing reaches pods through Services only
  service('payment', 'payment-service'),
  service('order', 'order-service'),
];

describe('AUTO_PASSTHROUGH east-west gateway', () => {
  test('the gateway forwards the remote callers: allowed where their principals are, with an L7 note', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH'), allowOrder]);
    expect(an.isAllowed(GW, PAY, '8080')).toBe(true);
    expect(an.isAllowed(GW, PAY, '9090')).toBe(false);
    const c = an.connections().find((x) => x.src === `${GW}[Deployment]` && x.dst === `${PAY}[Deployment]`)!;
    // Istio mediates TCP only: UDP/SCTP stay as NetworkPolicy (none here) leaves them
    expect(c.conns).toBe('SCTP 1-65535,TCP 8080,UDP 1-65535');
    expect(c.mtls).toBe(true);
    expect(c.l7).toEqual(['TCP 8080: passthrough: cluster.local/ns/order/sa/order-service methods POST paths /api/payments']);
    const x = an.explain(GW, PAY);
    expect(x.compact).toBe('TCP 8080 [mTLS, L7: passthrough: cluster.local/ns/order/sa/order-service POST /api/payments], UDP, SCTP');
    expect(x.reasons.join('\n')).toContain('Gateway istio-system/cross-network-gateway: AUTO_PASSTHROUGH');
    expect(an.toText()).toContain(`${GW}[Deployment] => ${PAY}[Deployment] : SCTP 1-65535,TCP 8080,UDP 1-65535 [L7: TCP 8080: passthrough: cluster.local/ns/order/sa/order-service`);
    // local callers are still judged by their own identity
    expect(an.isAllowed('order/order-service', PAY, '8080')).toBe(true);
    expect(an.isAllowed('order/other', PAY, '8080')).toBe(false);
  });

  test('without AUTO_PASSTHROUGH the gateway is a client with its own identity: denied', () => {
    for (const objs of [
      [],
      [gateway('ISTIO_MUTUAL')],
      [gateway('AUTO_PASSTHROUGH', { istio: 'ingressgateway' })],
      [gateway('AUTO_PASSTHROUGH', {})],
      // a Kubernetes Gateway API object is not an Istio Gateway
      [gateway('AUTO_PASSTHROUGH', { istio: 'eastwestgateway' }, 'gateway.networking.k8s.io/v1')],
    ]) {
      const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), allowOrder, ...objs]);
      expect(an.isAllowed(GW, PAY, '8080')).toBe(false);
      expect(an.explain(GW, PAY).reasons.join('\n')).toContain('no ALLOW rule matches this source');
    }
  });

  test('NetworkPolicies still decide L4: a default-deny without a rule for the gateway denies it', () => {
    const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'payment' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH'), allowOrder, deny]);
    expect(an.isAllowed(GW, PAY)).toBe(false);
  });

  test('an allow-nothing policy admits no remote caller: denied', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH'),
      istio('AuthorizationPolicy', 'payment', 'allow-nothing', {})]);
    expect(an.isAllowed(GW, PAY, '8080')).toBe(false);
    expect(an.connections().find((x) => x.src === `${GW}[Deployment]` && x.dst === `${PAY}[Deployment]`)!.conns).toBe('SCTP 1-65535,UDP 1-65535');
    expect(an.explain(GW, PAY).reasons.join('\n')).toContain('ALLOW with no rules (allow-nothing)');
  });

  test('STRICT mTLS is satisfied by the forwarded mTLS, even if the gateway pod has no sidecar label', () => {
    const strict = istio('PeerAuthentication', 'istio-system', 'mesh', { mtls: { mode: 'STRICT' } });
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(false), gateway('AUTO_PASSTHROUGH'), allowOrder, strict]);
    expect(an.isAllowed(GW, PAY, '8080')).toBe(true);
    expect(an.connections().find((x) => x.src === `${GW}[Deployment]` && x.dst === `${PAY}[Deployment]`)!.mtls).toBe(true);
    // without the Gateway the same pod is plaintext from outside the mesh: refused
    const plain = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(false), allowOrder, strict]);
    expect(plain.isAllowed(GW, PAY, '8080')).toBe(false);
  });

  test('namespaces sources are listed; ipBlocks sources never match a forwarded caller', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH'),
      istio('AuthorizationPolicy', 'payment', 'by-ns', {
        rules: [
          { from: [{ source: { namespaces: ['order'] } }], to: [{ operation: { ports: ['8080'] } }] },
          { from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }], to: [{ operation: { ports: ['9090'] } }] },
        ],
      })]);
    expect(an.isAllowed(GW, PAY, '8080')).toBe(true);
    expect(an.isAllowed(GW, PAY, '9090')).toBe(false);
    expect(an.explain(GW, PAY).compact).toBe('TCP 8080 [mTLS, L7: passthrough: ns order], UDP, SCTP');
  });

  test('a DENY for some identities is an L7 note; a DENY for every source closes the port', () => {
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH'),
      istio('AuthorizationPolicy', 'payment', 'deny', {
        action: 'DENY',
        rules: [
          { from: [{ source: { principals: ['cluster.local/ns/order/sa/other'] } }], to: [{ operation: { ports: ['8080'] } }] },
          { to: [{ operation: { ports: ['9090'] } }] },
        ],
      })]);
    expect(an.isAllowed(GW, PAY, '8080')).toBe(true);
    expect(an.isAllowed(GW, PAY, '9090')).toBe(false);
    const c = an.connections().find((x) => x.src === `${GW}[Deployment]` && x.dst === `${PAY}[Deployment]`)!;
    expect(c.l7).toEqual(['DENY passthrough: cluster.local/ns/order/sa/other on TCP 8080 (AuthorizationPolicy payment/deny)']);
  });

  test('the gateway routes only the Services matching its hosts: no Service, no route', () => {
    const only = gateway('AUTO_PASSTHROUGH', undefined, undefined, ['payment-service.payment.svc.cluster.local']);
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), only, allowOrder,
      istio('AuthorizationPolicy', 'order', 'allow-any-remote', { rules: [{ to: [{ operation: { ports: ['8080'] } }] }] })]);
    expect(an.isAllowed(GW, PAY, '8080')).toBe(true);
    // order-service is in the mesh and its policy admits anyone, but the Gateway does not route its host
    expect(an.isAllowed(GW, 'order/order-service', '8080')).toBe(false);
    expect(an.explain(GW, 'order/order-service').reasons.join('\n'))
      .toContain('Gateway istio-system/cross-network-gateway: the AUTO_PASSTHROUGH Gateway hosts (payment-service.payment.svc.cluster.local) match no Service selecting order/order-service (order-service.order.svc.cluster.local)');
    // a pod no Service selects is never reached through the gateway, even with *.local
    const wide = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH')]);
    expect(wide.isAllowed(GW, 'order/other', '8080')).toBe(false);
  });

  test('*.local exposes a TLS service outside the mesh to whoever reaches the gateway (what the library no longer emits)', () => {
    const strict = istio('PeerAuthentication', 'istio-system', 'mesh', { mtls: { mode: 'STRICT' } });
    const objs = [...base, ns('logging'), deploy('logging', 'elasticsearch', { ports: [{ name: 'https', containerPort: 9200 }] }),
      service('logging', 'elasticsearch'), eastWestPod(), strict, allowOrder];
    const wide = ReachabilityAnalyzer.fromObjects([...objs, gateway('AUTO_PASSTHROUGH')]);
    expect(wide.isAllowed(GW, 'logging/elasticsearch', '9200')).toBe(true);
    const narrow = ReachabilityAnalyzer.fromObjects([...objs, gateway('AUTO_PASSTHROUGH', undefined, undefined, ['payment-service.payment.svc.cluster.local'])]);
    expect(narrow.isAllowed(GW, 'logging/elasticsearch', '9200')).toBe(false);
  });

  test('the gateway itself is reachable from outside over TCP: STRICT mTLS does not guard its passthrough listener', () => {
    const strict = istio('PeerAuthentication', 'istio-system', 'mesh', { mtls: { mode: 'STRICT' } });
    const an = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), gateway('AUTO_PASSTHROUGH'), allowOrder, strict]);
    expect(an.isAllowed('203.0.113.7', GW, '15443')).toBe(true);
    expect(an.explain('203.0.113.7', GW).reasons.join('\n')).toContain('PeerAuthentication does not apply');
    // a sidecar'd pod that is no gateway still refuses plaintext from outside
    expect(an.isAllowed('203.0.113.7', PAY, '8080')).toBe(false);
    // without the Gateway object the same pod is an ordinary STRICT sidecar
    const none = ReachabilityAnalyzer.fromObjects([...base, eastWestPod(), allowOrder, strict]);
    expect(none.isAllowed('203.0.113.7', GW, '15443')).toBe(false);
  });

  test('an invalid Gateway tls.mode is an error naming the field and the value', () => {
    expect(() => ReachabilityAnalyzer.fromObjects([...base, gateway('AUTO')]))
      .toThrow(/Gateway istio-system\/cross-network-gateway\.spec\.servers\[0\]\.tls\.mode: invalid value "AUTO" \(valid: .*AUTO_PASSTHROUGH/);
  });
  test('the gateway\'s own proxy reaches istiod on TCP 15012 and DNS on TCP 53; nothing else it routes nothing to (review: it showed UDP/SCTP only)', () => {
    const istiod = deploy('istio-system', 'istiod', { labels: { app: 'istiod', istio: 'pilot' }, ports: [{ name: 'grpc-xds', containerPort: 15012 }] });
    const dns = deploy('kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns-tcp', containerPort: 53 }] });
    const an = ReachabilityAnalyzer.fromObjects([...base, ns('kube-system'), istiod, dns, eastWestPod(), gateway('AUTO_PASSTHROUGH', undefined, undefined, ['payment-service.payment.svc.cluster.local']), allowOrder]);
    expect(an.isAllowed(GW, 'istio-system/istiod', '15012')).toBe(true);
    expect(an.isAllowed(GW, 'istio-system/istiod', '15017')).toBe(false);
    expect(an.isAllowed(GW, 'kube-system/coredns', '53')).toBe(true);
    expect(an.isAllowed(GW, 'kube-system/coredns', '8080')).toBe(false);
    expect(an.isAllowed(GW, 'order/order-service', '8080')).toBe(false);
    expect(an.explain(GW, 'istio-system/istiod').reasons).toContain(
      'istio: Gateway istio-system/cross-network-gateway: its own proxy connects to istiod on TCP 15012 (xDS, certificates)');
  });
});
