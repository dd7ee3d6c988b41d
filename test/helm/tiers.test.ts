/**
 * The cluster-wide policy tiers in Helm output: carried as templates, rendered by the real helm
 * into the same objects, and the chart's flows still hold on what helm renders.
 */
import { Testing } from 'cdk8s';
import { CloudMetadataDeny, ClusterBaseline, Flows, Port, ZeroTrustNamespace } from '../../src';
import { HelmChart } from '../../src/helm';
import { expectValid } from '../util';
import { helmTemplate, splitRendered, tmp } from './helm-run';
import { TierEvaluator } from '../zero-trust/tier-eval';

test('Helm carries the Baseline and Admin tier policies; the flows hold on the rendered objects', () => {
  const chart = Testing.chart();
  const shop = new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
  const cart = new ZeroTrustNamespace(chart, 'cart', { name: 'cart' });
  Flows.of(chart).allow(cart.pods({ app: 'cart' }), shop.pods({ app: 'web' }), { ports: [Port.tcp(8080)] });
  new ClusterBaseline(chart, 'baseline');
  new CloudMetadataDeny(chart, 'imds', { priority: 10 });
  const h = HelmChart.fromChart(chart);
  // cluster-scoped: in the file of the objects without a namespace
  const clusterScoped = h.files()['templates/cluster-scoped.yaml'];
  expect(clusterScoped).toContain('kind: ClusterNetworkPolicy\nmetadata:\n  name: deny-cloud-metadata\n');
  expect(clusterScoped).toContain('kind: ClusterNetworkPolicy\nmetadata:\n  name: zero-trust-baseline\n');
  const rendered = splitRendered(helmTemplate(h.write(tmp('helm-tiers')))).map((d) => d.object);
  expectValid(rendered);
  const key = (o: any) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  expect(rendered.map(key).sort()).toEqual(Testing.synth(chart).map(key).sort());
  const ev = new TierEvaluator(rendered);
  expect(ev.allowed({ namespace: 'cart', labels: { app: 'cart' } }, { namespace: 'shop', labels: { app: 'web' } }, 'TCP', 8080)).toBe(true);
  expect(ev.allowed({ namespace: 'cart', labels: { app: 'cart' } }, { ip: '169.254.169.254' }, 'TCP', 80)).toBe(false);
});
