/**
 * Issue 28 in the sample: the europe-west cluster uses the Network Policy API tiers for its
 * baseline and the cloud-metadata Admin rule; its expected flows hold (sample.test.ts) and the
 * analyzer reports which tier denied.
 */
import { App } from 'cdk8s';
import { buildEcommerce, CLUSTERS, EcommerceSample, TIERS_CLUSTER } from '../../sample/ecommerce';
import { ANALYZER_OPTIONS, platformStandIns } from '../../sample/platform';
import { ReachabilityAnalyzer } from '../../src';
import { builtCluster } from '../util/sample-cache';

/** The normal sample (built once per run: test/util/sample-cache), per cluster. */
const sample = { objects: (cluster: string): any[] => builtCluster(cluster).objects };
/** One cluster's objects, of the normal sample or of a build of this file. */
type Built = typeof sample;
const fromBuild = (s: EcommerceSample): Built => ({ objects: (cluster) => s.fleet.cluster(cluster).chart.toJson() });
const analyzerOf = (s: Built, cluster: string) =>
  ReachabilityAnalyzer.fromObjects([...s.objects(cluster), ...platformStandIns()], ANALYZER_OPTIONS);

test('only the tiers cluster holds the tier policies: a Baseline default-deny of the shop namespaces and the Admin metadata deny', () => {
  for (const c of CLUSTERS) {
    const tiers = sample.objects(c).filter((o) => o.apiVersion === 'policy.networking.k8s.io/v1alpha2');
    expect([c, tiers.map((o) => `${o.spec.tier} ${o.spec.priority} ${o.metadata.name}`)])
      .toEqual([c, c === TIERS_CLUSTER ? ['Baseline 1000 zero-trust-baseline', 'Admin 10 deny-cloud-metadata'] : []]);
  }
});

test('the analyzer names the tier that denied: every pod is denied the metadata endpoint by the Admin tier', () => {
  const an = analyzerOf(sample, TIERS_CLUSTER);
  expect(an.usesPolicyTiers).toBe(true);
  const denied = an.deniedByTiers();
  const pods = Array.from(new Set(denied.map((l) => l.split(' => ')[0])));
  // the shop's pods and the platform's (CoreDNS, istiod, the east-west gateway, ...): not one is missing
  expect(pods).toEqual(expect.arrayContaining(['frontend/frontend[Deployment]', 'database/user-db[Deployment]', 'kube-system/coredns[Deployment]', 'istio-system/istiod[Deployment]']));
  for (const p of pods) {
    expect(denied).toContain(`${p} => 169.254.169.254-169.254.169.254[External] : denied by egress Admin/deny-cloud-metadata/deny-cloud-metadata`);
    expect(denied).toContain(`${p} => fd00:ec2::254-fd00:ec2::254[External] : denied by egress Admin/deny-cloud-metadata/deny-cloud-metadata`);
  }
  expect(denied.every((l) => l.endsWith('denied by egress Admin/deny-cloud-metadata/deny-cloud-metadata'))).toBe(true);
  // the declared flows are decided by the namespaces' NetworkPolicies, before the Baseline tier
  const d = an.decisions('frontend/frontend[Deployment]', 'order/order-service[Deployment]');
  expect(d.filter((x) => x.action === 'Allow').map((x) => `${x.direction} ${x.tier}`)).toEqual(['egress NetworkPolicy', 'ingress NetworkPolicy']);
  // the clusters without tiers report none
  expect(analyzerOf(sample, 'asia-east').usesPolicyTiers).toBe(false);
});

test('the tiers change no connection between pods: europe-west with and without them', () => {
  const without = fromBuild(buildEcommerce(new App(), { policyTiers: false }));
  const podPairs = (an: ReachabilityAnalyzer) => an.connections()
    .filter((c) => !c.src.endsWith('[External]') && !c.dst.endsWith('[External]'))
    .map((c) => `${c.src} => ${c.dst} : ${c.conns}`);
  const before = podPairs(analyzerOf(without, TIERS_CLUSTER));
  expect(before.length).toBeGreaterThan(20);
  expect(podPairs(analyzerOf(sample, TIERS_CLUSTER))).toEqual(before);
  // and the metadata endpoint was open to the platform's pods before (what the Admin rule closes)
  expect(analyzerOf(without, TIERS_CLUSTER).deniedByTiers()).toEqual([]);
  expect(analyzerOf(without, TIERS_CLUSTER).connections().some((c) => c.src === 'kube-system/coredns[Deployment]' && c.dst.startsWith('0.0.0.0-'))).toBe(true);
});
