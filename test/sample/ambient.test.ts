/**
 * The sample built with `dataPlane: DataPlane.AMBIENT` (`npm run sample -- --ambient`): every
 * object valid, the allowed flows are exactly the declared ones (the sidecar build's list with the
 * data plane's own differences, `expected-flows-ambient.ts`), and the same declarations give the
 * same allowed flows between the shop's workloads as the sidecar build, S14's cross-network
 * failover included (through the ambient east-west gateway).
 */
import { App } from 'cdk8s';
import { APP_NAMESPACES, buildEcommerce, CLUSTERS } from '../../sample/ecommerce';
import { ANALYZER_OPTIONS, platformOnlyConnections, platformStandIns } from '../../sample/platform';
import { DataPlane, ReachabilityAnalyzer } from '../../src';
import { formatIssues, validateObjects } from '../util';
import { ambientExpectedFlows, mergeExternal, sidecarExpectedFlows } from './expected-flows-ambient';
import { builtSample } from '../util/sample-cache';

const analyzers = (dataPlane: DataPlane) => {
  // the sidecar sample is the one built once per run (test/util/sample-cache)
  const clusters = dataPlane === DataPlane.SIDECAR
    ? builtSample().clusters.map((c) => ({ name: c.name, objs: c.objects }))
    : buildEcommerce(new App(), { dataPlane }).clusters.map((c) => ({ name: c.cluster.name, objs: c.chart.toJson() }));
  const out = new Map<string, { objs: any[]; analyzer: ReachabilityAnalyzer }>();
  for (const { name, objs } of clusters) {
    out.set(name, { objs, analyzer: ReachabilityAnalyzer.fromObjects([...objs, ...platformStandIns(dataPlane)], ANALYZER_OPTIONS) });
  }
  return out;
};

let sidecar: ReturnType<typeof analyzers>;
let ambient: ReturnType<typeof analyzers>;
beforeAll(() => {
  sidecar = analyzers(DataPlane.SIDECAR);
  ambient = analyzers(DataPlane.AMBIENT);
});

const APP = new RegExp(`^(${APP_NAMESPACES.join('|')})/[^\\[]+\\[`);
/** The connections between the shop's own workloads (not the waypoint, istiod, the gateways or external addresses). */
const shopFlows = (a: ReachabilityAnalyzer): string[] => a.connections()
  .filter((c) => APP.test(c.src) && APP.test(c.dst) && !c.src.includes('/waypoint[') && !c.dst.includes('/waypoint['))
  .map((c) => `${c.src} => ${c.dst} : ${c.conns}${c.l7.length > 0 ? ` (L7 ${c.l7.join('; ')})` : ''}`)
  .sort();

describe.each(CLUSTERS)('ambient sample, cluster %s', (cluster) => {
  test('every object is valid (Kubernetes schemas, Istio and Gateway API CRDs); the meshed namespaces are ambient', () => {
    const { objs } = ambient.get(cluster)!;
    expect(formatIssues(validateObjects(objs))).toBe('');
    const meshed = objs.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['istio.io/dataplane-mode'] === 'ambient').map((o) => o.metadata.name).sort();
    expect(meshed).toEqual(['auth', 'frontend', 'order', 'payment']);
    expect(objs.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['istio-injection'])).toEqual([]);
    expect(objs.find((o) => o.kind === 'Gateway' && o.spec?.gatewayClassName === 'istio-waypoint')?.metadata).toMatchObject({ name: 'waypoint', namespace: 'payment' });
  });

  test('the same declarations allow the same flows between the shop\'s workloads as with sidecars (S17 L7 through the waypoint)', () => {
    const a = ambient.get(cluster)!.analyzer;
    expect(shopFlows(a).map((l) => l.replace(/ \(L7 .*\)$/, ''))).toEqual(shopFlows(sidecar.get(cluster)!.analyzer).map((l) => l.replace(/ \(L7 .*\)$/, '')));
    const s17 = shopFlows(a).find((l) => l.startsWith('order/order-service[Deployment] => payment/payment-service'));
    expect(s17).toMatch(/TCP 8080 \(L7 .*POST.*\/api\/payments/);
  });

  test('allowed == declared: exactly the expected flows (S14 through the ambient east-west gateway included); a dropped flow fails', () => {
    const a = ambient.get(cluster)!.analyzer;
    const platform = new Set(platformOnlyConnections(a));
    const ours = mergeExternal(a.connections().filter((c) => !platform.has(`${c.src} => ${c.dst}`)).map((c) => `${c.src} => ${c.dst} : ${c.conns}`));
    expect(ours).toEqual(ambientExpectedFlows(cluster));
    expect(ours).toContain('istio-system/istio-eastwestgateway[Deployment] => payment/payment-service[Deployment] : TCP 8080');
    // the sidecar build holds its own list, merged the same way
    const s = sidecar.get(cluster)!.analyzer;
    const sp = new Set(platformOnlyConnections(s));
    expect(mergeExternal(s.connections().filter((c) => !sp.has(`${c.src} => ${c.dst}`)).map((c) => `${c.src} => ${c.dst} : ${c.conns}`)))
      .toEqual(sidecarExpectedFlows(cluster));
    // S14 in ambient: the remote callers' identity reaches payment through the waypoint's (double HBONE is end to end)
    const s14 = a.connections().find((c) => c.src === 'istio-system/istio-eastwestgateway[Deployment]' && c.dst.startsWith('payment/payment-service'));
    expect(s14?.l7.join(' ')).toContain('passthrough: cluster.local/ns/payment/sa/waypoint');
  });
});
