import { ApiObject, App, Chart } from 'cdk8s';
import { buildDelivery } from '../../sample/delivery';
import { buildEcommerce } from '../../sample/ecommerce';
import { FluxDelivery, GitOpsPackaging, SyncWaves } from '../../src';
import { errorOf, synthAndValidate } from '../util';
import { gitopsSample } from './fixtures';

const REPO = 'https://github.com/example/platform.git';

/**
 * What the reconcilers read, from their docs: Argo CD's sync options (`syncPolicy.syncOptions`
 * of an Application, `argocd.argoproj.io/sync-options` of an object; the per-object ones are a
 * subset) and annotations, Flux kustomize-controller's annotations. Anything else we emit would be
 * ignored (or refused): the tests below fail on it.
 */
const ARGO_APP_SYNC_OPTIONS = [
  'Prune=false', 'Prune=confirm', 'Delete=false', 'Delete=confirm', 'Validate=false', 'SkipDryRunOnMissingResource=true',
  'ApplyOutOfSyncOnly=true', 'PrunePropagationPolicy=foreground', 'PrunePropagationPolicy=background', 'PrunePropagationPolicy=orphan',
  'PruneLast=true', 'Replace=true', 'ServerSideApply=true', 'ServerSideApply=false', 'ClientSideApplyMigration=false',
  'FailOnSharedResource=true', 'RespectIgnoreDifferences=true', 'CreateNamespace=true',
];
const ARGO_RESOURCE_SYNC_OPTIONS = [
  'Prune=false', 'Prune=confirm', 'Delete=false', 'Delete=confirm', 'Validate=false', 'SkipDryRunOnMissingResource=true',
  'PruneLast=true', 'Replace=true', 'Force=true', 'ServerSideApply=true', 'ServerSideApply=false',
];
const ARGO_ANNOTATIONS = ['argocd.argoproj.io/sync-wave', 'argocd.argoproj.io/sync-options', 'argocd.argoproj.io/compare-options',
  'argocd.argoproj.io/hook', 'argocd.argoproj.io/hook-delete-policy'];
const FLUX_ANNOTATIONS: { [key: string]: string[] } = {
  'kustomize.toolkit.fluxcd.io/prune': ['disabled'],
  'kustomize.toolkit.fluxcd.io/ssa': ['Override', 'Merge', 'IfNotPresent', 'Ignore'],
  'kustomize.toolkit.fluxcd.io/force': ['enabled'],
  'kustomize.toolkit.fluxcd.io/reconcile': ['disabled'],
};

/** Every reconciler annotation and sync option in `objs` that its reconciler does not read. */
function unknownToReconcilers(objs: any[]): string[] {
  const bad: string[] = [];
  for (const o of objs) {
    const where = `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    for (const [k, v] of Object.entries<string>(o.metadata?.annotations ?? {})) {
      if (k.startsWith('argocd.argoproj.io/')) {
        if (!ARGO_ANNOTATIONS.includes(k)) bad.push(`${where}: ${k}`);
        if (k === 'argocd.argoproj.io/sync-wave' && !/^-?\d+$/.test(v)) bad.push(`${where}: ${k}=${v}`);
        if (k === 'argocd.argoproj.io/sync-options') {
          for (const opt of v.split(',').map((x) => x.trim())) if (!ARGO_RESOURCE_SYNC_OPTIONS.includes(opt)) bad.push(`${where}: sync option ${opt}`);
        }
      }
      if (k.startsWith('kustomize.toolkit.fluxcd.io/') && !(FLUX_ANNOTATIONS[k] ?? []).includes(v)) bad.push(`${where}: ${k}=${v}`);
    }
    const template = o.kind === 'ApplicationSet' ? o.spec.template.spec : o.kind === 'Application' ? o.spec : undefined;
    for (const opt of template?.syncPolicy?.syncOptions ?? []) if (!ARGO_APP_SYNC_OPTIONS.includes(opt)) bad.push(`${where}: sync option ${opt}`);
  }
  return bad;
}

describe('GitOps output against what Argo CD and Flux read', () => {
  test('the sample: every Argo CD sync option and annotation, every Flux annotation is one the reconciler reads', () => {
    const app = new App();
    const sample = buildEcommerce(app);
    const delivery = buildDelivery(app, sample.fleet);
    const objs = [...delivery.argoChart.toJson(), ...delivery.fluxChart.toJson(), ...sample.clusters.flatMap((c) => c.chart.toJson())];
    // the sample carries both kinds (waves on every object, the mesh's never-prune Namespace)
    expect(objs.filter((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-options'] !== undefined).length).toBeGreaterThan(0);
    expect(objs.filter((o) => o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] !== undefined).length).toBeGreaterThan(0);
    expect(unknownToReconcilers(objs)).toEqual([]);
    // and the check catches what a reconciler would ignore
    expect(unknownToReconcilers([{ kind: 'X', metadata: { name: 'x', annotations: { 'argocd.argoproj.io/sync-options': 'CreateNamespace=true', 'kustomize.toolkit.fluxcd.io/prune': 'false' } } }]))
      .toEqual(['X /x: sync option CreateNamespace=true', 'X /x: kustomize.toolkit.fluxcd.io/prune=false']);
  });

  test('Flux HELM: a HelmRelease has no prune switch, so prune: false is refused', () => {
    const s = gitopsSample();
    const gitops = new Chart(s.app, 'gitops');
    expect(errorOf(() => new FluxDelivery(gitops, 'helm', { fleet: s.fleet, repoUrl: REPO, packaging: GitOpsPackaging.HELM, prune: false })).message)
      .toMatch(/invalid prune false: expected true \(the default\) with GitOpsPackaging.HELM.*helm.sh\/resource-policy: keep/s);
    // plain manifests: the Kustomizations read it
    new FluxDelivery(gitops, 'plain', { fleet: s.fleet, repoUrl: REPO, prune: false });
    expect(synthAndValidate(gitops).filter((o) => o.kind === 'Kustomization').every((k) => k.spec.prune === false)).toBe(true);
  });

  test('Flux HELM: an object Flux must never prune is kept by Helm too (helm-controller ignores the Kustomization annotation)', () => {
    const build = (packaging: GitOpsPackaging) => {
      const s = gitopsSample();
      const c = s.fleet.clusters[0];
      SyncWaves.apply(c.chart);
      const shared = new ApiObject(c.chart, 'shared-ns', {
        apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shared', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      });
      new FluxDelivery(new Chart(s.app, 'gitops'), 'flux', { fleet: s.fleet, repoUrl: REPO, packaging });
      // created after the delivery: still annotated (at render)
      new ApiObject(c.chart, 'late-ns', {
        apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      });
      const objs = synthAndValidate(c.chart);
      expect(shared).toBeDefined();
      return objs.filter((o) => o.kind === 'Namespace' && ['shared', 'late'].includes(o.metadata.name)).map((o) => o.metadata.annotations['helm.sh/resource-policy']);
    };
    expect(build(GitOpsPackaging.HELM)).toEqual(['keep', 'keep']);
    expect(build(GitOpsPackaging.MANIFESTS)).toEqual([undefined, undefined]);
  });
});
