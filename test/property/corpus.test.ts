/**
 * Shrunk counterexamples found by the property tests in test/property/, kept as plain tests.
 * Each names the property that found it and the fix.
 */
import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidationError } from './arbitraries';
import {
  Flows, IPeer, MeshAuthorization, OtelCollector, Peer, PeerKind, Port, WireguardGateway, WireguardMesh, WireguardSite, ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const sites: WireguardSite[] = [
  { name: 'a', endpoint: '192.0.2.1:51820', publicKey: key(1), privateKeySecretName: 'wg-a', cidrs: ['10.1.0.0/16'] },
  { name: 'b', endpoint: '192.0.2.2:51820', publicKey: key(2), privateKeySecretName: 'wg-b', cidrs: ['10.2.0.0/16'] },
];

describe('property-test corpus', () => {
  test('wireguard: interfaceName "wg+0" made the ConfigMap key wg+0.conf, which the API server refuses', () => {
    const mesh = new WireguardMesh({ interfaceName: 'wg+0', sites });
    const chart = Testing.chart();
    expectValidationError(() => new WireguardGateway(chart, 'wg', { mesh, site: 'a' }), { field: 'mesh.interfaceName', value: 'wg+0' });
    expect(Testing.synth(chart)).toEqual([]);
    // '=' likewise; plain names still work
    expectValidationError(() => new WireguardGateway(Testing.chart(), 'wg', { mesh: new WireguardMesh({ interfaceName: 'a=b', sites }), site: 'a' }),
      { field: 'mesh.interfaceName', value: 'a=b' });
    const ok = Testing.chart();
    new WireguardGateway(ok, 'wg', { mesh: new WireguardMesh({ interfaceName: 'wg.mesh-0_1', sites }), site: 'b' });
    const cm = synthAndValidate(ok).find((o) => o.kind === 'ConfigMap');
    expect(Object.keys(cm.data)).toEqual(['wg.mesh-0_1.conf']);
  });

  test('wireguard: interfaceName "." / ".." are not Linux interface names (and "...conf" is no ConfigMap key)', () => {
    for (const n of ['.', '..']) {
      expectValidationError(() => new WireguardMesh({ interfaceName: n, sites }), { field: 'interfaceName', value: n });
    }
  });

  test('core: Port.tcpRange(53, 1) names endPort and the value', () => {
    expectValidationError(() => Port.tcpRange(53, 1), { field: 'endPort', value: 1 });
  });

  test('zero-trust: quota/limits quantities were not validated ({requestsCpu: "lots"} reached the ResourceQuota)', () => {
    const chart = Testing.chart();
    const e = expectValidationError(() => new ZeroTrustNamespace(chart, 'ns', { name: 'ok', quota: { requestsCpu: 'lots' } }),
      { field: 'quota.requestsCpu', value: 'lots' });
    expect(e.path).toBe(`${chart.node.path}/ns`);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('zero-trust: a bad kubeApiServerCidrs entry fails after Namespace and policies were added (partial output)', () => {
    const chart = Testing.chart();
    const e = expectValidationError(() => new ZeroTrustNamespace(chart, 'ns', { name: 'ok', kubeApiServerCidrs: ['0.0.0.1/0'] }),
      { field: 'kubeApiServerCidrs[0]', value: '0.0.0.1/0' });
    expect(e.path).toBe(`${chart.node.path}/ns`);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('observability: a container memory limit that is not whole MiB threw a plain Error (Size.toMebibytes)', () => {
    const chart = Testing.chart();
    expectValidationError(() => new OtelCollector(chart, 'otel', { resources: { memory: { limit: Size.kibibytes(2098177) } } }),
      { field: 'resources.memory.limit', value: '2098177Ki' });
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('flows: http.paths accepted a space, \'?\' or \'#\' (Istio matches paths without query and fragment) that mesh rules refuse', () => {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web', namespace: 'shop' } });
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, serviceAccount: sa, containers: [{ image: 'w', portNumber: 8080 }] });
    const api = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'shop' }, containers: [{ image: 'a', portNumber: 8080 }] });
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'shop' });
    for (const bad of ['/api/pay ments', '/api/payments?id=1', '/api/payments#x', '*.json?x']) {
      const e = expectValidationError(() => Flows.of(chart).allow(Peer.workload(web), Peer.workload(api), {
        ports: [Port.tcp(8080)], http: { methods: ['POST'], paths: ['/ok', bad] },
      }), { field: 'http.paths[1]', value: bad });
      expect(e.field).toBe('http.paths[1]');
      // the same rule as a mesh rule's paths
      expectValidationError(() => authz.deny(`d${bad.length}`, { rules: [{ paths: [bad] }] }), { field: 'rules[0].paths[0]', value: bad });
    }
    expect(Flows.of(chart).all).toEqual([]);
    // the same paths without the bad characters are fine
    const ok = Flows.of(chart).allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(8080)], http: { paths: ['/api/payments', '*.json'] } });
    expect(ok.http?.paths).toEqual(['*.json', '/api/payments']);
  });

  test('flows: a custom pods IPeer without podLabels rendered podSelector {} (every pod of its namespace); a hand-built peer object is now refused', () => {
    const chart = Testing.chart();
    const flows = Flows.of(chart);
    flows.manageNamespace('b');
    const api = Peer.pods({ app: 'api' }, { namespace: 'b' });
    // what a JavaScript caller could pass before IPeer had toPeer(): the old data-bag shape
    const malformed = { peerKind: PeerKind.PODS, peerName: 'web', namespace: 'a', inCluster: true } as unknown as IPeer;
    const e = expectValidationError(() => flows.allow(malformed, api, { ports: [Port.tcp(8080)] }),
      { field: 'from', value: 'an object {inCluster, namespace, peerKind, peerName}' });
    expect(e.field).toBe('from');
    expect(e.message).toContain('a plain object is not a peer');
    expectValidationError(() => flows.allow(Peer.pods({ app: 'web' }, { namespace: 'a' }), { ...malformed, podLabels: {} } as unknown as IPeer, { ports: [Port.tcp(8080)] }),
      { field: 'to', value: 'an object {inCluster, namespace, peerKind, peerName, podLabels}' });
    // a custom IPeer whose toPeer() hands back a hand-built object
    expectValidationError(() => flows.allow({ toPeer: () => malformed } as unknown as IPeer, api, { ports: [Port.tcp(8080)] }),
      { field: 'from.toPeer()', value: 'an object {inCluster, namespace, peerKind, peerName}' });
    expect(flows.all).toEqual([]);
    // a custom IPeer returning a factory-made peer, Peer.pods({}) (every pod, on purpose) and a workload peer (labels read from the workload) work
    flows.allow({ toPeer: () => Peer.pods({ app: 'web' }, { namespace: 'a' }) }, api, { ports: [Port.tcp(8080)] });
    flows.allow(Peer.pods({}, { namespace: 'a' }), api, { ports: [Port.tcp(8081)] });
    const worker = new kplus.Deployment(chart, 'worker', { metadata: { namespace: 'a' }, containers: [{ image: 'w', portNumber: 80 }] });
    flows.allow(Peer.workload(worker), api, { ports: [Port.tcp(8082)] });
    const ingress = synthAndValidate(chart).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'b')
      .flatMap((np) => np.spec.ingress ?? []).map((r: any) => [r.ports[0].port, r.from[0].podSelector]);
    expect(ingress).toEqual(expect.arrayContaining([[8080, { matchLabels: { app: 'web' } }], [8081, { matchLabels: {} }], [8082, { matchLabels: worker.matchLabels }]]));
  });
});
