import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { badDnsLabel, dnsLabel, expectValidationError, runs, slowRuns, timeoutFor } from './arbitraries';
import { ArgoCdDelivery, Fleet, FluxDelivery, FluxSourceKind, GitOpsPackaging, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/** A fleet of the named clusters (each with a zero-trust namespace, so the output has kinds) and a chart for the delivery. */
function fleetOf(clusters: string[]) {
  const app = new App();
  const fleet = new Fleet(app, 'fleet', { clusters: clusters.map((name) => ({ name, region: `r-${name}` })) });
  for (const c of fleet.clusters) new ZeroTrustNamespace(c.chart, 'ns', { name: 'shop' });
  return { fleet, gitops: new Chart(app, 'gitops') };
}

type Flavour = 'argo' | 'flux-git' | 'flux-oci';

function deliver(flavour: Flavour, clusters: string[], props: any): { delivery: ArgoCdDelivery | FluxDelivery; objs: any[] } {
  const { fleet, gitops } = fleetOf(clusters);
  const delivery = flavour === 'argo'
    ? new ArgoCdDelivery(gitops, 'd', { fleet, ...props })
    : new FluxDelivery(gitops, 'd', { fleet, sourceKind: flavour === 'flux-oci' ? FluxSourceKind.OCI : FluxSourceKind.GIT, ...props });
  return { delivery, objs: synthAndValidate(gitops) };
}

const make = (flavour: Flavour, clusters: string[], props: any) => () => {
  const { fleet, gitops } = fleetOf(clusters);
  return flavour === 'argo'
    ? new ArgoCdDelivery(gitops, 'd', { fleet, ...props })
    : new FluxDelivery(gitops, 'd', { fleet, sourceKind: flavour === 'flux-oci' ? FluxSourceKind.OCI : FluxSourceKind.GIT, ...props });
};

/** A repository URL the flavour accepts. */
function repoUrl(flavour: Flavour): fc.Arbitrary<string> {
  const host = fc.array(dnsLabel(10), { minLength: 1, maxLength: 3 }).map((ls) => [...ls, 'example.com'].join('.'));
  const repoPath = fc.array(dnsLabel(10), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('/'));
  if (flavour === 'flux-oci') return fc.tuple(host, repoPath).map(([h, p]) => `oci://${h}/${p}`);
  const url = fc.tuple(fc.constantFrom('https', 'http', 'ssh'), host, repoPath).map(([s, h, p]) => `${s}://${h}/${p}.git`);
  // Argo CD also reads scp-like Git URLs and OCI repositories
  return flavour === 'argo'
    ? fc.oneof(url, fc.tuple(host, repoPath).map(([h, p]) => `git@${h}:${p}.git`), fc.tuple(host, repoPath).map(([h, p]) => `oci://${h}/${p}`))
    : url;
}

/** A revision: branch, tag, 40-hex commit or refs/ name (an OCI tag for Flux OCI). */
function revision(flavour: Flavour): fc.Arbitrary<string> {
  const hex = fc.stringOf(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 40, maxLength: 40 });
  if (flavour === 'flux-oci') return fc.oneof(dnsLabel(20), fc.constantFrom('v1.2.3', 'latest', '1.0_rc1'));
  return fc.oneof(dnsLabel(20), fc.constantFrom('main', 'release/1.x', 'v1.2.3'), hex, dnsLabel(10).map((b) => `refs/heads/${b}`));
}

/** A path template with `{cluster}`. */
const pathTemplate = fc.tuple(fc.array(dnsLabel(8), { maxLength: 3 }), fc.constantFrom('{cluster}', 'c-{cluster}', '{cluster}.d'), fc.array(dnsLabel(8), { maxLength: 2 }))
  .map(([pre, mid, post]) => [...pre, mid, ...post].join('/'));

/** 1..4 distinct cluster names, with pairs that differ only in repeated hyphens now and then. */
const clusterNames = fc.oneof(
  { weight: 4, arbitrary: fc.uniqueArray(dnsLabel(20), { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.tuple(dnsLabel(8), dnsLabel(8)).map(([a, b]) => [`${a}-${b}`, `${a}--${b}`]) },
);

const flavour = fc.constantFrom<Flavour>('argo', 'flux-git', 'flux-oci');


describe('ArgoCdDelivery / FluxDelivery valid input (property)', () => {
  const valid = flavour.chain((f) => fc.record({
    flavour: fc.constant(f),
    clusters: clusterNames,
    subset: fc.boolean(),
    repoUrl: repoUrl(f),
    revision: revision(f),
    pathTemplate,
    name: dnsLabel(20),
    namespace: dnsLabel(20),
    helm: f === 'flux-oci' ? fc.constant(false) : fc.boolean(),
  }));

  test('schema-valid, deterministic, one folder per delivered cluster, object names unique', () => {
    fc.assert(fc.property(valid, (v) => {
      const selected = v.subset ? v.clusters.slice().reverse().slice(0, Math.max(1, v.clusters.length - 1)) : undefined;
      const props = {
        repoUrl: v.repoUrl,
        revision: v.revision,
        pathTemplate: v.pathTemplate,
        name: v.name,
        namespace: v.namespace,
        clusters: selected,
        packaging: v.helm ? GitOpsPackaging.HELM : GitOpsPackaging.MANIFESTS,
      };
      const a = deliver(v.flavour, v.clusters, props);
      const b = deliver(v.flavour, v.clusters, props);
      expect(b.objs).toEqual(a.objs);
      // fleet order, whatever order `clusters` lists them in
      const delivered = v.clusters.filter((c) => selected === undefined || selected.includes(c));
      const paths = delivered.map((c) => v.pathTemplate.split('{cluster}').join(c));
      expect(a.delivery.paths).toEqual(paths);
      expect(new Set(paths).size).toBe(paths.length);
      const ids = a.objs.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
      for (const o of a.objs) expect(o.metadata.namespace).toBe(v.namespace);
      if (v.flavour === 'argo') {
        const appset = a.objs.find((o) => o.kind === 'ApplicationSet');
        expect(appset.spec.generators[0].list.elements).toEqual(delivered.map((c, i) => ({ cluster: c, path: paths[i] })));
        expect(appset.spec.template.spec.source).toMatchObject({ repoURL: v.repoUrl, targetRevision: v.revision });
        const project = a.objs.find((o) => o.kind === 'AppProject');
        expect(project.spec.sourceRepos).toEqual([v.repoUrl]);
        expect([...new Set(project.spec.destinations.map((d: any) => d.name))]).toEqual(delivered);
      } else {
        const source = a.objs.find((o) => o.kind === (v.flavour === 'flux-oci' ? 'OCIRepository' : 'GitRepository'));
        expect(source.spec.url).toBe(v.repoUrl);
        expect(Object.values(source.spec.ref)).toEqual([v.revision]);
        const releases = a.objs.filter((o) => o.kind === (v.helm ? 'HelmRelease' : 'Kustomization'));
        const pathOf = (o: any) => (v.helm ? o.spec.chart.spec.chart : o.spec.path);
        expect(releases.map(pathOf).sort()).toEqual(paths.flatMap((p) => [`./${p}/policies`, `./${p}/apps`]).sort());
        // every apps half depends on its own cluster's policies half
        for (const p of paths) {
          const apps = releases.find((o) => pathOf(o) === `./${p}/apps`);
          const policies = releases.find((o) => pathOf(o) === `./${p}/policies`);
          expect(apps.spec.dependsOn).toEqual([{ name: policies.metadata.name }]);
        }
      }
    }), slowRuns(25, 8));
  }, timeoutFor(25, 1500));
});

describe('FluxDelivery object names', () => {
  // regression: names came from toKubeName([cluster, half]), which collapses runs of '-', so clusters
  // `a-b` and `a--b` (both valid, both accepted by Fleet) shared `a-b-policies` / `a-b-apps`
  test.each([['flux-git' as Flavour, false], ['flux-git' as Flavour, true]])('%s (helm %s): clusters a-b and a--b get distinct object names', (f, helm) => {
    const { objs } = deliver(f, ['a-b', 'a--b'], {
      repoUrl: 'https://github.com/example/platform.git', packaging: helm ? GitOpsPackaging.HELM : GitOpsPackaging.MANIFESTS,
    });
    const names = objs.filter((o) => o.kind === (helm ? 'HelmRelease' : 'Kustomization')).map((o) => o.metadata.name);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
  });
});

describe('ArgoCdDelivery / FluxDelivery bad input (property)', () => {
  const two = ['east', 'west'];

  test('bad repository URLs, revisions, path templates, names: a ValidationError naming field and value', () => {
    const badUrl = (f: Flavour) => fc.constantFrom(...[
      '', 'github.com/example/x.git', 'ftp://example.com/x.git', 'file:///x', 'https://', 'https:///x', 'https://a b/x.git',
      ' https://example.com/x.git', 'https://example.com/x.git\n', 'HTTPS://example.com/x.git', '//example.com/x', 'example',
      ...(f === 'argo' ? ['git@example.com', 'git@:x', 'oci://'] : ['git@example.com:x/y.git']),
      ...(f === 'flux-oci' ? ['https://example.com/x', 'ssh://example.com/x'] : f === 'flux-git' ? ['oci://ghcr.io/example/x'] : []),
    ]);
    const badRevision = fc.oneof(fc.constantFrom('', ' ', 'main branch', 'main\n', '\tv1', 'x'.repeat(251)),
      fc.tuple(dnsLabel(10), fc.constantFrom(' ', '\t', '\n'), dnsLabel(10)).map(([a, s, b]) => a + s + b));
    const badTemplate = fc.oneof(
      fc.constantFrom('', '/clusters/{cluster}', 'clusters/{cluster}/', '../{cluster}', 'a/../{cluster}', './{cluster}', 'a//{cluster}',
        'a b/{cluster}', 'a/{clus}', '{cluster}/*', 'a\\{cluster}', '{cluster}/.', 'a/{cluster}/..'),
      // no {cluster}: every cluster would share one folder
      fc.array(dnsLabel(8), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('/')),
      fc.constantFrom('clusters/{Cluster}', 'clusters/cluster', 'clusters/{ cluster }', 'clusters/$cluster'),
    );
    const bad = flavour.chain((f) => fc.oneof(
      badUrl(f).map((v) => ({ f, props: { repoUrl: v }, field: 'repoUrl', value: v })),
      badRevision.map((v) => ({ f, props: { revision: v }, field: 'revision', value: v })),
      badTemplate.map((v) => ({ f, props: { pathTemplate: v }, field: 'pathTemplate', value: v })),
      badDnsLabel().map((v) => ({ f, props: { name: v }, field: 'name', value: v })),
      badDnsLabel().map((v) => ({ f, props: { namespace: v }, field: 'namespace', value: v })),
    ));
    fc.assert(fc.property(bad, (b) => {
      const repo = b.f === 'flux-oci' ? 'oci://ghcr.io/example/platform' : 'https://github.com/example/platform.git';
      expectValidationError(make(b.f, two, { repoUrl: repo, ...b.props }), { field: b.field, value: b.value });
    }), runs(300));
  });

  test('a template without {cluster} is accepted for one delivered cluster only', () => {
    const plain = fc.array(dnsLabel(8), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('/'));
    fc.assert(fc.property(flavour, plain, fc.uniqueArray(dnsLabel(10), { minLength: 2, maxLength: 4 }), (f, t, cs) => {
      const repoUrlOk = f === 'flux-oci' ? 'oci://ghcr.io/example/platform' : 'https://github.com/example/platform.git';
      const one = make(f, cs, { repoUrl: repoUrlOk, pathTemplate: t, clusters: [cs[1]] })();
      expect(one.paths).toEqual([t]);
      expectValidationError(make(f, cs, { repoUrl: repoUrlOk, pathTemplate: t }), { field: 'pathTemplate', value: t });
      expectValidationError(make(f, cs, { repoUrl: repoUrlOk, pathTemplate: t, clusters: [cs[1], cs[0]] }), { field: 'pathTemplate', value: t });
    }), runs(50));
  });

  test('unknown, duplicate and empty `clusters` name the field, the value and the fleet\'s clusters', () => {
    const cases = fc.tuple(flavour, fc.uniqueArray(dnsLabel(12), { minLength: 1, maxLength: 4 }))
      .chain(([f, cs]) => fc.tuple(fc.constant(f), fc.constant(cs), dnsLabel(12).filter((u) => !cs.includes(u)), fc.nat({ max: 3 })));
    fc.assert(fc.property(cases, ([f, cs, u, k]) => {
      const repo = f === 'flux-oci' ? 'oci://ghcr.io/example/platform' : 'https://github.com/example/platform.git';
      const known = cs.slice(0, 1 + (k % cs.length));
      const e = expectValidationError(make(f, cs, { repoUrl: repo, clusters: [...known, u] }), { field: `clusters[${known.length}]`, value: u });
      for (const c of cs) expect(e.message).toContain(JSON.stringify(c));
      expectValidationError(make(f, cs, { repoUrl: repo, clusters: [...known, known[0]] }), { field: `clusters[${known.length}]`, value: known[0] });
      expectValidationError(make(f, cs, { repoUrl: repo, clusters: [] }), { field: 'clusters', value: [] });
    }), runs(100));
  });
});
