import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Flows, MeshAuthorization, MeshIdentity, MeshSource, Peer, Port, ReachabilityAnalyzer, ReachabilityAssertions, ZeroTrustNamespace,
} from '../../src';
import { isAllowed, Req } from '../mesh/authz-eval';
import { errorOf, synthAndValidate } from '../util';

/**
 * The names that replace members a Python binding would rename (`from_`, `except_`): same
 * behaviour as the deprecated ones, which stay for one release; giving both is refused.
 */
describe('names that read well in every binding', () => {
  test('Flow.source / Flow.destination are the ends of the flow (Flow.from / Flow.to deprecated aliases)', () => {
    const chart = Testing.chart();
    const web = Peer.pods({ app: 'web' }, { namespace: 'a' });
    const api = Peer.pods({ app: 'api' }, { namespace: 'b' });
    const f = Flows.of(chart).allow(web, api, { ports: [Port.tcp(8080)] });
    expect([f.source.peerName, f.destination.peerName]).toEqual(['web', 'api']);
    expect([f.from, f.to]).toEqual([f.source, f.destination]);
  });

  test('Peer.cidr exceptCidrs: the NetworkPolicy ipBlock excludes them (the deprecated except gives the same policy)', () => {
    const render = (options: object) => {
      const chart = Testing.chart();
      const ns = new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      const web = new kplus.Deployment(chart, 'web', { metadata: { name: 'web', namespace: 'shop' }, containers: [{ image: 'web', portNumber: 8080 }] });
      Flows.of(chart).allow(Peer.cidr('10.0.0.0/8', options), Peer.workload(web), { ports: [Port.tcp(8080)] });
      expect(ns.name).toBe('shop');
      return synthAndValidate(chart);
    };
    const objs = render({ exceptCidrs: ['10.1.0.0/16'] });
    const np = objs.find((o) => o.kind === 'NetworkPolicy' && o.spec.ingress?.[0]?.from?.[0]?.ipBlock);
    expect(np.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }]);
    const an = ReachabilityAnalyzer.fromObjects(objs);
    const reach = new ReachabilityAssertions(an);
    reach.assertAllowed('10.2.0.1', 'shop/web[Deployment]', '8080');
    reach.assertDenied('10.1.0.1', 'shop/web[Deployment]', '8080');
    expect(render({ except: ['10.1.0.0/16'] })).toEqual(objs);
    expect(Peer.cidr('10.0.0.0/8', { exceptCidrs: ['10.1.0.0/16'] }).ipBlocks)
      .toEqual([{ cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16'], except: ['10.1.0.0/16'] }]);
  });

  test('Peer.cidr refuses both names and names exceptCidrs in errors', () => {
    expect(errorOf(() => Peer.cidr('10.0.0.0/8', { exceptCidrs: ['10.1.0.0/16'], except: ['10.2.0.0/16'] })).message)
      .toBe('Peer.cidr: invalid options.except ["10.2.0.0/16"]: expected either exceptCidrs or the deprecated except, not both');
    expect(errorOf(() => Peer.cidr('10.0.0.0/8', { exceptCidrs: ['11.0.0.0/16'] })).message)
      .toBe('Peer.cidr: invalid exceptCidrs[0] "11.0.0.0/16": expected a CIDR block strictly inside 10.0.0.0/8');
  });

  test('MeshRuleProps.sources admits only those sources (the deprecated from renders the same policy); both refused', () => {
    const order = MeshIdentity.of('order', 'order-service');
    const render = (rule: object) => {
      const chart = Testing.chart();
      new MeshAuthorization(chart, 'authz', { namespace: 'payment' })
        .allow('pay', { podLabels: { app: 'pay' }, rules: [{ ...rule, methods: ['POST'] }] });
      return synthAndValidate(chart);
    };
    const objs = render({ sources: [MeshSource.identity(order)] });
    const req: Req = { principal: order.principal(), namespace: 'payment', labels: { app: 'pay' }, port: 8080, method: 'POST', path: '/' };
    expect(isAllowed(objs, req)).toBe(true);
    expect(isAllowed(objs, { ...req, principal: MeshIdentity.of('ops', 'admin').principal() })).toBe(false);
    expect(render({ from: [MeshSource.identity(order)] })).toEqual(objs);
    expect(errorOf(() => render({ sources: [MeshSource.identity(order)], from: [MeshSource.identity(order)] })).message)
      .toMatch(/invalid rules\[0\]\.from "\[\.\.\.\]": expected either sources or the deprecated from, not both/);
    expect(errorOf(() => render({ sources: [] })).message).toMatch(/invalid rules\[0\]\.sources \[\]: expected a non-empty list of sources/);
  });

  test('MeshSource.ipBlocks(cidrs, exceptCidrs) names exceptCidrs in errors', () => {
    expect(errorOf(() => MeshSource.ipBlocks(['10.0.0.0/8'], ['nope'])).message)
      .toMatch(/MeshSource.ipBlocks: invalid exceptCidrs\[0\] "nope"/);
  });
});
