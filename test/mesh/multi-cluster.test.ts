import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as jsyaml from 'js-yaml';
import {
  Enforcement, EnforcementMode, IstioMultiCluster, MeshCluster, OutboundTrafficPolicy, Peer, Port,
} from '../../src';
import { errorOf, expectValid, synthAndValidate } from '../util';

function fleet() {
  const app = new App();
  const mesh = new IstioMultiCluster({ meshId: 'mesh1', trustDomainAliases: ['old.example.com'] });
  const mk = (name: string, network: string) => {
    const chart = new Chart(app, name);
    const cluster = new MeshCluster(chart, 'mesh', {
      mesh,
      clusterName: name,
      network,
      caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'),
      gatewaySourceRanges: ['198.51.100.0/24', '172.18.0.0/16'],
    });
    return { chart, cluster };
  };
  return { app, mesh, asia: mk('asia-east', 'net-asia'), europe: mk('europe-west', 'net-europe') };
}

/** payment-service (with its Service) and order-service (with its Service) in a cluster chart. */
function shop(chart: Chart) {
  const mk = (ns: string, name: string) => {
    const d = new kplus.Deployment(chart, name, {
      metadata: { namespace: ns }, containers: [{ image: `${name}:1.0`, portNumber: 8080 }],
    });
    d.exposeViaService({ name, ports: [{ port: 80, targetPort: 8080 }] });
    return d;
  };
  return { payment: mk('payment', 'payment-service'), order: mk('order', 'order-service') };
}

describe('MeshCluster (S14 multi-primary, multi-network)', () => {
  test('applied objects: network label on istio-system; no cross-network Gateway until a cross-network flow exists', () => {
    const { asia } = fleet();
    const objs = synthAndValidate(asia.chart);
    expect(objs).toMatchSnapshot();
    const ns = objs.find((o) => o.kind === 'Namespace');
    // the Istio CNI node agent runs privileged in the root namespace
    expect(ns.metadata).toEqual({
      name: 'istio-system',
      labels: { 'topology.istio.io/network': 'net-asia', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'latest' },
      // istiod, the gateways and the CA Secret live there: neither Flux nor Argo CD may ever prune or delete it
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    });
    // nothing declared to cross networks: port 15443 routes nothing
    expect(objs.filter((o) => o.kind === 'Gateway')).toEqual([]);
    // the IstioOperator is not among the applied objects
    expect(objs.some((o) => o.kind === 'IstioOperator')).toBe(false);
  });

  test('cross-network Gateway: AUTO_PASSTHROUGH on 15443 for exactly the Services the cross-network flows reach', () => {
    const { asia } = fleet();
    const { payment, order } = shop(asia.chart);
    asia.cluster.allowFromEastWestGateway(Peer.workload(payment), { ports: [Port.tcp(8080)] });
    const objs = synthAndValidate(asia.chart);
    const gw = objs.filter((o) => o.kind === 'Gateway');
    expect(gw).toHaveLength(1);
    expect(gw[0].spec.selector).toEqual({ istio: 'eastwestgateway' });
    expect(gw[0].spec.servers).toEqual([{
      port: { number: 15443, name: 'tls', protocol: 'TLS' },
      tls: { mode: 'AUTO_PASSTHROUGH' },
      hosts: ['payment-service.payment.svc.cluster.local'],
    }]);
    // never a wildcard: the kube-apiserver, istiod, the webhooks and order-service are not routable by SNI
    const hosts: string[] = gw[0].spec.servers[0].hosts;
    expect(hosts.some((h) => h.includes('*'))).toBe(false);
    expect(hosts).not.toContain('kubernetes.default.svc.cluster.local');
    expect(hosts).not.toContain(`${order.name}.order.svc.cluster.local`);
    expect(asia.cluster.exposedHosts).toEqual(['payment-service.payment.svc.cluster.local']);
  });

  test('cross-network Gateway: explicit hosts, and a destination no Service selects is refused', () => {
    const { asia, europe } = fleet();
    const { payment } = shop(asia.chart);
    asia.cluster.allowFromEastWestGateway(Peer.workload(payment), { ports: [Port.tcp(8080)], hosts: ['pay.payment.svc.cluster.local'] });
    expect(synthAndValidate(asia.chart).find((o) => o.kind === 'Gateway').spec.servers[0].hosts).toEqual(['pay.payment.svc.cluster.local']);
    expect(errorOf(() => asia.cluster.allowFromEastWestGateway(Peer.workload(payment), { ports: [Port.tcp(8080)], hosts: ['*.local'] })).message)
      .toMatch(/asia-east\/mesh: invalid options.hosts\[0\] "\*.local"/);
    const lonely = new kplus.Deployment(europe.chart, 'lonely', { metadata: { namespace: 'payment' }, containers: [{ image: 'x:1', portNumber: 8080 }] });
    europe.cluster.allowFromEastWestGateway(Peer.workload(lonely), { ports: [Port.tcp(8080)] });
    expect(errorOf(() => synthAndValidate(europe.chart)).message)
      .toMatch(/europe-west\/mesh: invalid allowFromEastWestGateway.to "payment\/lonely": expected a destination selected by a Service of this chart, or options.hosts/);
  });

  test('the gateway LoadBalancer accepts only gatewaySourceRanges; no cross-network flow without them', () => {
    const { asia } = fleet();
    expect(asia.cluster.istioOperator().spec.components.ingressGateways[0].k8s.service.loadBalancerSourceRanges)
      .toEqual(['172.18.0.0/16', '198.51.100.0/24']);
    const mesh = new IstioMultiCluster({ meshId: 'm' });
    const chart = Testing.chart();
    const ca = kplus.Secret.fromSecretName(chart, 'ca', 'cacerts');
    const open = new MeshCluster(chart, 'mesh', { mesh, clusterName: 'c1', network: 'n1', caSecret: ca });
    expect(open.istioOperator().spec.components.ingressGateways[0].k8s.service.loadBalancerSourceRanges).toBeUndefined();
    const { payment } = shop(chart);
    expect(errorOf(() => open.allowFromEastWestGateway(Peer.workload(payment), { ports: [Port.tcp(8080)] })).message)
      .toMatch(/invalid gatewaySourceRanges undefined: expected the remote networks' address ranges/);
    const mk = (id: string, ranges: string[]) => () => new MeshCluster(Testing.chart(), id, { mesh, clusterName: id, network: 'n1', caSecret: ca, gatewaySourceRanges: ranges });
    expect(errorOf(mk('c2', ['0.0.0.0/0'])).message).toMatch(/c2: invalid gatewaySourceRanges\[0\] "0.0.0.0\/0": expected the remote networks' ranges, not every address/);
    expect(errorOf(mk('c3', ['::/0'])).message).toMatch(/invalid gatewaySourceRanges\[0\] "::\/0"/);
    expect(errorOf(mk('c4', ['10.0.0.1'])).message).toMatch(/c4: invalid gatewaySourceRanges\[0\] "10.0.0.1": expected a CIDR block/);
  });

  test('AUDIT: the cross-network Gateway is held back with the NetworkPolicies it relies on', () => {
    const { asia } = fleet();
    const { payment } = shop(asia.chart);
    asia.cluster.allowFromEastWestGateway(Peer.workload(payment), { ports: [Port.tcp(8080)] });
    Enforcement.setNamespace(asia.chart, 'payment', EnforcementMode.AUDIT);
    const objs = synthAndValidate(asia.chart);
    expect(objs.filter((o) => o.kind === 'Gateway')).toEqual([]);
    const held = Enforcement.heldBack(asia.chart).filter((h) => h.kind === 'Gateway');
    expect(held.map((h) => [h.namespace, h.name])).toEqual([['istio-system', 'cross-network-gateway']]);
    expect(held[0].reason).toMatch(/payment-service.payment.svc.cluster.local .*NetworkPolicies of payment are held back/);
    expectValid([held[0].manifest]);
  });

  test('IstioOperator per cluster: meshID, clusterName, network, trust domain, east-west gateway', () => {
    const { asia, europe } = fleet();
    const iop = asia.cluster.istioOperator();
    expectValid([iop, europe.cluster.istioOperator()]);
    expect(iop.spec.values.global).toEqual({ meshID: 'mesh1', multiCluster: { clusterName: 'asia-east' }, network: 'net-asia' });
    // Istio CNI: the node agent in the root namespace, and injection without istio-init (Pod Security baseline/restricted)
    expect(iop.spec.components.cni).toEqual({ enabled: true, namespace: 'istio-system' });
    expect(iop.spec.values.pilot).toEqual({ cni: { enabled: true } });
    expect(iop.spec.values.cni).toEqual({ excludeNamespaces: ['kube-system'] });
    // the pods istiod deploys for Gateway API Gateways get a seccomp profile (Pod Security restricted)
    expect(iop.spec.values.gateways).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(iop.spec.meshConfig).toEqual({
      trustDomain: 'cluster.local', trustDomainAliases: ['old.example.com'], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    const gw = iop.spec.components.ingressGateways[0];
    expect(gw.label['topology.istio.io/network']).toBe('net-asia');
    expect(gw.label.istio).toBe('eastwestgateway');
    expect(gw.k8s.env).toEqual([{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: 'net-asia' }]);
    expect(gw.k8s.service.ports.map((p: any) => p.port)).toEqual([15021, 15443]);
    expect(jsyaml.load(asia.cluster.istioOperatorYaml())).toEqual(iop);
    expect(asia.cluster.istioOperatorYaml()).toMatchSnapshot();
    expect(europe.cluster.istioOperator().spec.values.global.network).toBe('net-europe');
  });

  test('istioCni: false installs no CNI node agent and leaves the root namespace\'s Pod Security alone', () => {
    const app = new App();
    const mesh = new IstioMultiCluster({ meshId: 'm' });
    const chart = new Chart(app, 'c');
    const c = new MeshCluster(chart, 'mesh', { mesh, clusterName: 'c', network: 'n', caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'), istioCni: false });
    expect(c.istioCni).toBe(false);
    const iop = c.istioOperator();
    expect(iop.spec.components.cni).toBeUndefined();
    expect(iop.spec.values.pilot).toBeUndefined();
    const ns = synthAndValidate(chart).find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toEqual({ 'topology.istio.io/network': 'n' });
    expect(() => new MeshCluster(new Chart(app, 'd'), 'mesh', {
      mesh, clusterName: 'd', network: 'n', caSecret: kplus.Secret.fromSecretName(chart, 'ca2', 'cacerts'), istioCni: 'yes' as any,
    })).toThrow(/istioCni.*"yes".*true or false/);
  });

  test('remote secret commands name every other cluster', () => {
    const { asia, europe } = fleet();
    expect(asia.cluster.remoteSecretCommands()).toEqual([
      'istioctl create-remote-secret --context=europe-west --name=europe-west | kubectl apply -f - --context=asia-east',
    ]);
    expect(europe.cluster.remoteSecretCommands()).toEqual([
      'istioctl create-remote-secret --context=asia-east --name=asia-east | kubectl apply -f - --context=europe-west',
    ]);
  });

  test('east-west gateway peer', () => {
    const { asia } = fleet();
    const p = asia.cluster.eastWestGatewayPeer;
    expect([p.namespace, p.podLabels]).toEqual(['istio-system', { istio: 'eastwestgateway' }]);
  });

  test('bad input: clashing cluster names, bad names, CA secret', () => {
    const { app, mesh } = fleet();
    const chart = new Chart(app, 'us-east');
    const ca = kplus.Secret.fromSecretName(chart, 'ca', 'cacerts');
    expect(() => new MeshCluster(chart, 'm1', { mesh, clusterName: 'asia-east', network: 'n3', caSecret: ca }))
      .toThrow(/us-east\/m1: invalid clusterName "asia-east": expected a cluster name unique in mesh mesh1 \(already used by asia-east\/mesh\)/);
    expect(() => new MeshCluster(chart, 'm2', { mesh, clusterName: 'US_East', network: 'n3', caSecret: ca }))
      .toThrow(/invalid clusterName "US_East": expected a DNS-1123 label/);
    expect(() => new MeshCluster(chart, 'm3', { mesh, clusterName: 'us-east', network: 'net 3', caSecret: ca }))
      .toThrow(/invalid network "net 3"/);
    expect(() => new MeshCluster(chart, 'm4', { mesh, clusterName: 'us-east', network: 'n3', caSecret: kplus.Secret.fromSecretName(chart, 'x', 'my-ca') }))
      .toThrow(/invalid caSecret.name "my-ca": expected cacerts/);
    expect(() => new MeshCluster(chart, 'm5', { mesh, clusterName: 'us-east', network: 'n3', caSecret: undefined as any }))
      .toThrow(/invalid caSecret undefined/);
    expect(() => new IstioMultiCluster({ meshId: 'Mesh_1' })).toThrow(/IstioMultiCluster: invalid meshId "Mesh_1"/);
    expect(() => new IstioMultiCluster({ meshId: 'm', outboundTrafficPolicy: 'OPEN' as OutboundTrafficPolicy })).toThrow(/invalid outboundTrafficPolicy "OPEN"/);
    // a second cluster in the same chart
    const ok = new MeshCluster(chart, 'm6', { mesh, clusterName: 'us-east', network: 'n3', caSecret: ca });
    expect(mesh.clusters.map((c) => c.clusterName)).toEqual(['asia-east', 'europe-west', 'us-east']);
    expect(() => new MeshCluster(chart, 'm7', { mesh, clusterName: 'us-west', network: 'n3', caSecret: ca }))
      .toThrow(/invalid scope "us-east": expected a chart without another MeshCluster/);
    expect(ok.network).toBe('n3');
  });

  test('createNamespace false leaves the namespace to its owner', () => {
    const mesh = new IstioMultiCluster({ meshId: 'm' });
    const chart = Testing.chart();
    new MeshCluster(chart, 'mesh', { mesh, clusterName: 'c1', network: 'n1', caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts'), createNamespace: false });
    expect(synthAndValidate(chart).map((o) => o.kind)).toEqual([]);
  });
});
