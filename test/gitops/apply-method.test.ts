import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ApplyMethod, ArgoCdDelivery, ChartApplyMethod, Fleet, FluxDelivery, GitOpsPackaging } from '../../src';
import { errorOf } from '../util';

/**
 * The apply method of a delivered chart is the one its reconciler really uses: Flux's
 * kustomize-controller always applies server-side (Helm writes no last-applied-configuration);
 * Argo CD applies client-side unless the Application has the `ServerSideApply=true` sync option.
 * The chart's object-size check (`ChartApplyMethod`) must agree, in both directions: an object
 * too big for client-side apply is refused only when the reconciler applies client-side.
 */
const REPO = 'https://git.example.com/fleet.git';
/** Over the client-side limit (262144 bytes of annotations with the last-applied copy), under etcd's 1.5 MiB. */
const BIG = 'x'.repeat(300_000);

function setup() {
  const app = new App();
  const fleet = new Fleet(app, 'fleet', { clusters: [{ name: 'eu', region: 'eu' }, { name: 'us', region: 'us' }] });
  for (const c of fleet.clusters) {
    new kplus.ConfigMap(c.chart, 'big', { metadata: { name: 'big', namespace: 'web' }, data: { blob: BIG } });
  }
  return { app, fleet, gitops: new Chart(app, 'gitops') };
}

const syncOptions = (d: ArgoCdDelivery) => d.applicationSet.toJson().spec.template.spec.syncPolicy.syncOptions as string[];
const methods = (fleet: Fleet) => fleet.clusters.map((c) => ChartApplyMethod.of(c.chart));
/** Whether the cluster's output passes the chart checks (fleet.manifests runs them). */
const synthesizes = (fleet: Fleet, name: string) => {
  try {
    fleet.manifests(name);
    return true;
  } catch (e) {
    expect((e as Error).message).toMatch(/last-applied-configuration/);
    return false;
  }
};

describe('delivered charts get their reconciler\'s apply method', () => {
  test('Argo CD default: ServerSideApply=true <-> the charts are server-side, a 300 kB object passes', () => {
    const { fleet, gitops } = setup();
    expect(synthesizes(fleet, 'eu')).toBe(false); // not delivered yet: client-side by default
    const d = new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO });
    expect(syncOptions(d)).toContain('ServerSideApply=true');
    expect(methods(fleet)).toEqual([ApplyMethod.SERVER_SIDE, ApplyMethod.SERVER_SIDE]);
    expect(synthesizes(fleet, 'eu')).toBe(true);
    expect(synthesizes(fleet, 'us')).toBe(true);
  });

  test('Argo CD serverSideApply: false: no ServerSideApply option <-> the charts stay client-side, the object is refused', () => {
    const { fleet, gitops } = setup();
    const d = new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO, serverSideApply: false });
    expect(syncOptions(d).filter((o) => o.startsWith('ServerSideApply'))).toEqual([]);
    expect(methods(fleet)).toEqual([ApplyMethod.CLIENT_SIDE, ApplyMethod.CLIENT_SIDE]);
    expect(synthesizes(fleet, 'eu')).toBe(false);
  });

  test('Argo CD with Helm packaging: the same (Argo CD renders the chart, then applies it as configured)', () => {
    const { fleet, gitops } = setup();
    const d = new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO, packaging: GitOpsPackaging.HELM });
    expect(syncOptions(d)).toContain('ServerSideApply=true');
    expect(methods(fleet)).toEqual([ApplyMethod.SERVER_SIDE, ApplyMethod.SERVER_SIDE]);
  });

  test('Argo CD impersonation (serviceAccountName) requires server-side apply, so its charts are server-side', () => {
    const { fleet, gitops } = setup();
    new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO, serviceAccountName: 'fleet-sync' });
    expect(methods(fleet)).toEqual([ApplyMethod.SERVER_SIDE, ApplyMethod.SERVER_SIDE]);
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'csa', { fleet, repoUrl: REPO, serviceAccountName: 'x', serverSideApply: false })).message)
      .toMatch(/invalid serverSideApply false/);
  });

  test('Flux (Kustomization and HelmRelease): always server-side <-> the charts are server-side', () => {
    for (const packaging of [GitOpsPackaging.MANIFESTS, GitOpsPackaging.HELM]) {
      const { fleet, gitops } = setup();
      const d = new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO, packaging });
      // nothing in the Kustomization turns server-side apply off (force only recreates immutable objects)
      expect(d.apps[0].toJson().spec.force ?? false).toBe(false);
      expect(methods(fleet)).toEqual([ApplyMethod.SERVER_SIDE, ApplyMethod.SERVER_SIDE]);
      expect(synthesizes(fleet, 'us')).toBe(true);
    }
  });

  test('only the delivered clusters are declared', () => {
    const { fleet, gitops } = setup();
    new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO, clusters: ['us'] });
    expect(methods(fleet)).toEqual([ApplyMethod.CLIENT_SIDE, ApplyMethod.SERVER_SIDE]);
  });

  test('a chart delivered both client-side (Argo CD) and server-side (Flux) is judged client-side, in either order', () => {
    for (const order of ['argo-first', 'flux-first']) {
      const { fleet, gitops } = setup();
      const argo = () => new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO, serverSideApply: false });
      const flux = () => new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO });
      if (order === 'argo-first') { argo(); flux(); } else { flux(); argo(); }
      expect(methods(fleet)).toEqual([ApplyMethod.CLIENT_SIDE, ApplyMethod.CLIENT_SIDE]);
      expect(synthesizes(fleet, 'eu')).toBe(false);
      // the gitops chart's validation passes: nothing declared the charts server-side afterwards
      gitops.node.findAll().forEach((c) => expect(c.node.validate()).toEqual([]));
    }
  });

  test('a chart the program declared server-side cannot be delivered client-side (at construction, or declared later: at synthesis)', () => {
    const before = setup();
    ChartApplyMethod.set(before.fleet.clusters[0].chart, ApplyMethod.SERVER_SIDE);
    const e = errorOf(() => new ArgoCdDelivery(before.gitops, 'argo', { fleet: before.fleet, repoUrl: REPO, serverSideApply: false }));
    expect(e.message).toMatch(/^gitops\/argo: invalid serverSideApply false: expected true \(the default/);
    expect(e.message).toContain('cluster "eu"');
    expect(e.message).toContain('ChartApplyMethod.set');

    const after = setup();
    new ArgoCdDelivery(after.gitops, 'argo', { fleet: after.fleet, repoUrl: REPO, serverSideApply: false });
    ChartApplyMethod.set(after.fleet.clusters[1].chart, ApplyMethod.SERVER_SIDE);
    expect(() => after.gitops.node.findAll().forEach((c) => c.node.validate()))
      .toThrow(/gitops\/argo: invalid serverSideApply false: .*cluster "us".*after the delivery/);
  });

  test('a chart also applied client-side outside the deliveries: declared CLIENT_SIDE after a server-side delivery, it keeps the check', () => {
    const { fleet, gitops } = setup();
    new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO });
    ChartApplyMethod.set(fleet.clusters[0].chart, ApplyMethod.CLIENT_SIDE);
    expect(methods(fleet)).toEqual([ApplyMethod.CLIENT_SIDE, ApplyMethod.SERVER_SIDE]);
    expect(synthesizes(fleet, 'eu')).toBe(false);
    gitops.node.findAll().forEach((c) => expect(c.node.validate()).toEqual([]));
  });

  test('a chart the program declared server-side keeps it with a server-side delivery', () => {
    const { fleet, gitops } = setup();
    ChartApplyMethod.set(fleet.clusters[0].chart, ApplyMethod.SERVER_SIDE);
    new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO });
    new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO });
    expect(methods(fleet)).toEqual([ApplyMethod.SERVER_SIDE, ApplyMethod.SERVER_SIDE]);
  });
});
