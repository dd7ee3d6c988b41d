import { Chart, Duration, Testing } from 'cdk8s';
import { ArgoCdDelivery, DeliveryOrder, FluxDelivery, FluxSourceKind, GitOpsPackaging, PolicySplit, SyncWaves } from '../../src';
import { errorOf, synthAndValidate } from '../util';
import { gitopsSample } from './fixtures';

const REPO = 'https://github.com/example/platform.git';
const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Pod', 'Job', 'CronJob', 'ReplicaSet']);
const POLICY_KINDS = new Set(['NetworkPolicy', 'ClusterPolicy', 'Policy', 'PeerAuthentication', 'AuthorizationPolicy']);

function setup() {
  const s = gitopsSample();
  const gitops = new Chart(s.app, 'gitops');
  return { ...s, gitops };
}

/**
 * Argo CD's project check: kind (and name, when the entry has one) whitelisted for its scope,
 * namespace in the cluster's destinations.
 */
function permitted(project: any, cluster: { name?: string; server?: string }, obj: any): boolean {
  const gk = (l: any[]) => l.some((x) => x.group === DeliveryOrder.groupOf(obj.apiVersion) && x.kind === obj.kind
    && (x.name === undefined || x.name === obj.metadata?.name));
  if (gk(project.spec.clusterResourceWhitelist)) return true;
  if (!gk(project.spec.namespaceResourceWhitelist)) return false;
  const ns = obj.metadata.namespace ?? 'default';
  return project.spec.destinations.some((d: any) => d.namespace === ns && (cluster.server ? d.server === cluster.server : d.name === cluster.name));
}

describe('ArgoCdDelivery', () => {
  test('ApplicationSet per cluster folder, AppProject limited to what the output contains', () => {
    const { fleet, gitops } = setup();
    fleet.clusters.forEach((c) => SyncWaves.apply(c.chart));
    const d = new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO, pathTemplate: 'dist/sample/{cluster}' });
    const objs = synthAndValidate(gitops);
    const appset = objs.find((o) => o.kind === 'ApplicationSet');
    const project = objs.find((o) => o.kind === 'AppProject');
    expect(appset.spec.generators[0].list.elements).toEqual([
      { cluster: 'asia-east', path: 'dist/sample/asia-east' },
      { cluster: 'europe-west', path: 'dist/sample/europe-west' },
      { cluster: 'us-east', path: 'dist/sample/us-east' },
    ]);
    expect(d.paths).toEqual(['dist/sample/asia-east', 'dist/sample/europe-west', 'dist/sample/us-east']);
    const t = appset.spec.template.spec;
    expect(t.project).toBe(project.metadata.name);
    expect(t.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: '{{.path}}', directory: { include: '*.k8s.yaml', recurse: false } });
    expect(t.destination).toEqual({ name: '{{.cluster}}', namespace: 'default' });
    expect(t.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(t.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true']);
    expect(appset.spec.syncPolicy.preserveResourcesOnDeletion).toBe(true);
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect([...new Set(project.spec.clusterResourceWhitelist.map((x: any) => `${x.group}/${x.kind}`))]).toEqual([
      '/Namespace', 'apiextensions.k8s.io/CustomResourceDefinition', 'kyverno.io/ClusterPolicy', 'rbac.authorization.k8s.io/ClusterRole',
    ]);
    // by name (review finding 2): every entry names one object, none is a glob
    expect(project.spec.clusterResourceWhitelist.every((x: any) => typeof x.name === 'string' && !/[*?[]/.test(x.name))).toBe(true);
    const clusterRole = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name } });
    const crb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'repo-admin' } };
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'applications.argoproj.io' } };
    const ours = project.spec.clusterResourceWhitelist.find((x: any) => x.kind === 'ClusterRole').name;
    expect(permitted(project, { name: 'asia-east' }, clusterRole(ours))).toBe(true);
    expect(permitted(project, { name: 'asia-east' }, clusterRole('cluster-admin-2'))).toBe(false);
    expect(permitted(project, { name: 'asia-east' }, crb)).toBe(false);
    expect(permitted(project, { name: 'asia-east' }, crd)).toBe(false);
    const nsKinds = project.spec.namespaceResourceWhitelist.map((x: any) => `${x.group}/${x.kind}`);
    expect(nsKinds).toContain('apps/Deployment');
    expect(nsKinds).toContain('networking.k8s.io/NetworkPolicy');
    expect(nsKinds).not.toContain('/Namespace');
    expect(nsKinds).not.toContain('apps/DaemonSet');
    expect(project.spec.destinations).toContainEqual({ name: 'europe-west', namespace: 'frontend' });
    expect(project.spec.destinations.every((x: any) => fleet.clusterNames.includes(x.name))).toBe(true);
    // meaning: the project admits every object of every cluster, and nothing of another kind or namespace
    for (const c of fleet.clusters) {
      for (const o of Testing.synth(c.chart)) expect(permitted(project, { name: c.name }, o)).toBe(true);
      expect(permitted(project, { name: c.name }, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { namespace: 'frontend' } })).toBe(false);
      expect(permitted(project, { name: c.name }, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'kube-system' } })).toBe(false);
      expect(permitted(project, { name: c.name }, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {} })).toBe(false);
    }
    expect(objs).toMatchSnapshot();
  });

  test('servers, Helm charts, subset of clusters', () => {
    const { fleet, gitops } = setup();
    new ArgoCdDelivery(gitops, 'argo', {
      fleet,
      repoUrl: 'git@github.com:example/platform.git',
      revision: 'v1.2.0',
      packaging: GitOpsPackaging.HELM,
      pathTemplate: 'dist/sample/{cluster}/chart',
      clusters: ['us-east', 'asia-east'],
      name: 'shop',
      clusterServers: { 'asia-east': 'https://10.0.0.1:6443', 'us-east': 'https://us.example.com' },
      prune: false,
      selfHeal: false,
      serverSideApply: false,
    });
    const objs = synthAndValidate(gitops);
    const appset = objs.find((o) => o.kind === 'ApplicationSet');
    const project = objs.find((o) => o.kind === 'AppProject');
    expect(appset.spec.generators[0].list.elements).toEqual([
      { cluster: 'asia-east', path: 'dist/sample/asia-east/chart', server: 'https://10.0.0.1:6443' },
      { cluster: 'us-east', path: 'dist/sample/us-east/chart', server: 'https://us.example.com' },
    ]);
    const t = appset.spec.template.spec;
    expect(t.source.helm).toEqual({ releaseName: '{{.cluster}}', skipCrds: false });
    expect(t.source.directory).toBeUndefined();
    expect(t.destination).toEqual({ server: '{{.server}}', namespace: 'default' });
    expect(t.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
    expect(t.syncPolicy.syncOptions).not.toContain('ServerSideApply=true');
    expect(new Set(project.spec.destinations.map((x: any) => x.server))).toEqual(new Set(['https://10.0.0.1:6443', 'https://us.example.com']));
    expect(appset.metadata.name).toBe('shop');
  });

  test('bad input names the field and the value', () => {
    const { fleet, gitops } = setup();
    let n = 0;
    const mk = (extra: any) => () => new ArgoCdDelivery(gitops, `a${n++}`, { fleet, repoUrl: REPO, ...extra });
    expect(mk({ repoUrl: 'ftp://x/y' })).toThrow(/invalid repoUrl "ftp:\/\/x\/y": expected a repository URL/);
    // credentials never land in the AppProject (and the error does not echo them)
    expect(mk({ repoUrl: 'https://bot:ghp_secret@github.com/example/fleet.git' }))
      .toThrow(/invalid repoUrl "https:\/\/\*\*\*@github.com\/example\/fleet.git": expected a repository URL without credentials/);
    expect(mk({ repoUrl: 'https://ghp_token@github.com/example/fleet.git' })).toThrow(/without credentials/);
    expect(mk({ repoUrl: 'ssh://git:pw@github.com/example/fleet.git' })).toThrow(/without credentials/);
    expect(errorOf(mk({ repoUrl: 'https://bot:ghp_secret@github.com/x.git' })).message).not.toContain('ghp_secret');
    expect(mk({ repoUrl: 'ssh://git@github.com/example/fleet.git' })).not.toThrow();
    expect(mk({ pathTemplate: 'clusters/all' })).toThrow(/invalid pathTemplate "clusters\/all": expected a template containing "\{cluster\}"/);
    expect(mk({ pathTemplate: '../{cluster}' })).toThrow(/invalid pathTemplate "..\/\{cluster\}": expected a relative path/);
    expect(mk({ clusters: ['mars'] })).toThrow(/invalid clusters\[0\] "mars": expected the name of a cluster of the fleet/);
    expect(mk({ clusterServers: { 'asia-east': 'https://a' } })).toThrow(/invalid clusterServers .*"europe-west" has none/);
    expect(mk({ clusterServers: { mars: 'https://a' } })).toThrow(/invalid clusterServers key "mars"/);
    expect(mk({ clusterServers: { 'asia-east': 'http://a', 'europe-west': 'https://b', 'us-east': 'https://c' } }))
      .toThrow(/invalid clusterServers\["asia-east"\] "http:\/\/a": expected an https:\/\/ API server URL/);
    expect(mk({ name: 'Fleet' })).toThrow(/invalid name "Fleet": expected a DNS-1123 label/);
    expect(mk({ packaging: GitOpsPackaging.HELM, include: '*.yaml' })).toThrow(/invalid include "\*.yaml": expected no include with GitOpsPackaging.HELM/);
    // fields copied into the goTemplate ApplicationSet: a template fragment would be executed by Argo CD
    expect(mk({ revision: '{{.cluster}}' })).toThrow(/invalid revision "\{\{.cluster\}\}": expected a value without "\{\{" or "\}\}": the ApplicationSet controller/);
    expect(mk({ include: '{{.cluster}}*.yaml' })).toThrow(/invalid include .*expected a value without "\{\{"/);
    expect(mk({ repoUrl: 'https://github.com/example/{{.path}}.git' })).toThrow(/invalid repoUrl .*expected a value without "\{\{"/);
    expect(mk({ revision: 'release-1.0' })).not.toThrow();
    expect(() => new ArgoCdDelivery(fleet.clusters[0].chart, 'argo', { fleet, repoUrl: REPO }))
      .toThrow(/invalid scope "fleet\/asia-east": expected a chart outside the fleet's cluster charts/);
  });
});

describe('verification and impersonation', () => {
  test('Argo CD: signatureKeys become a sourceIntegrity GPG policy for the repository; bad key IDs are refused', () => {
    const { fleet, gitops } = setup();
    new ArgoCdDelivery(gitops, 'argo', { fleet, repoUrl: REPO, signatureKeys: ['D56C4FCA57A46444'] });
    const project = synthAndValidate(gitops).find((o) => o.kind === 'AppProject');
    expect(project.spec.sourceIntegrity).toEqual({ git: { policies: [{ repos: [{ url: REPO }], gpg: { mode: 'head', keys: ['D56C4FCA57A46444'] } }] } });
    const plain = setup();
    new ArgoCdDelivery(plain.gitops, 'argo', { fleet: plain.fleet, repoUrl: REPO });
    expect(synthAndValidate(plain.gitops).find((o) => o.kind === 'AppProject').spec.sourceIntegrity).toBeUndefined();
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'bad', { fleet, repoUrl: REPO, signatureKeys: ['alice@example.com'] })).message)
      .toMatch(/invalid signatureKeys\[0\] "alice@example.com": expected a GPG key ID/);
  });

  test('Flux: verify the Git commit (PGP, HEAD) or the OCI artifact (cosign); impersonate a ServiceAccount', () => {
    const { fleet, gitops } = setup();
    new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO, verifySecretName: 'fleet-pgp-keys', serviceAccountName: 'fleet-deployer' });
    const objs = synthAndValidate(gitops);
    expect(objs.find((o) => o.kind === 'GitRepository').spec.verify).toEqual({ mode: 'HEAD', secretRef: { name: 'fleet-pgp-keys' } });
    const ks = objs.filter((o) => o.kind === 'Kustomization');
    expect(ks.length).toBe(6);
    for (const k of ks) expect([k.metadata.name, k.spec.serviceAccountName]).toEqual([k.metadata.name, 'fleet-deployer']);
    const oci = setup();
    new FluxDelivery(oci.gitops, 'flux', { fleet: oci.fleet, repoUrl: 'oci://ghcr.io/example/fleet', sourceKind: FluxSourceKind.OCI, verifySecretName: 'cosign-pub' });
    expect(synthAndValidate(oci.gitops).find((o) => o.kind === 'OCIRepository').spec.verify).toEqual({ provider: 'cosign', secretRef: { name: 'cosign-pub' } });
    expect(errorOf(() => new FluxDelivery(gitops, 'bad', { fleet, repoUrl: REPO, serviceAccountName: 'Admin' })).message).toMatch(/invalid serviceAccountName "Admin"/);
  });
});

describe('FluxDelivery', () => {
  test('per cluster: policies then apps (dependsOn, wait), one Git source', () => {
    const { fleet, gitops } = setup();
    const d = new FluxDelivery(gitops, 'flux', { fleet, repoUrl: REPO });
    const objs = synthAndValidate(gitops);
    const source = objs.find((o) => o.kind === 'GitRepository');
    expect(source.spec).toEqual({ interval: '10m', url: REPO, ref: { branch: 'main' } });
    const ks = objs.filter((o) => o.kind === 'Kustomization');
    expect(ks.map((k) => k.metadata.name)).toEqual([
      'asia-east-policies', 'asia-east-apps', 'europe-west-policies', 'europe-west-apps', 'us-east-policies', 'us-east-apps',
    ]);
    for (const c of fleet.clusters) {
      const pol = ks.find((k) => k.metadata.name === `${c.name}-policies`);
      const apps = ks.find((k) => k.metadata.name === `${c.name}-apps`);
      expect(pol.spec.path).toBe(`./clusters/${c.name}/policies`);
      expect(apps.spec.path).toBe(`./clusters/${c.name}/apps`);
      expect(pol.spec.dependsOn).toBeUndefined();
      expect(apps.spec.dependsOn).toEqual([{ name: pol.metadata.name }]);
      expect(pol.spec.wait && apps.spec.wait && pol.spec.prune && apps.spec.prune).toBe(true);
      expect(pol.spec.sourceRef).toEqual({ kind: 'GitRepository', name: source.metadata.name });
      // meaning: applying in dependsOn order puts every policy before every workload
      const split = PolicySplit.of(c.chart);
      const byPath: { [p: string]: any[] } = { [pol.spec.path]: split.policies, [apps.spec.path]: split.apps };
      const order = [pol, apps].sort((a, b) => ((a.spec.dependsOn ?? []).some((x: any) => x.name === b.metadata.name) ? 1 : -1));
      const applied = order.flatMap((k) => byPath[k.spec.path]);
      const lastPolicy = Math.max(...applied.map((o, i) => (POLICY_KINDS.has(o.kind) ? i : -1)));
      const firstWorkload = applied.findIndex((o) => WORKLOAD_KINDS.has(o.kind));
      expect(firstWorkload).toBeGreaterThan(-1);
      expect(lastPolicy).toBeLessThan(firstWorkload);
    }
    expect(d.policies.length).toBe(3);
    expect(objs).toMatchSnapshot();
  });

  test('hub and spoke, OCI source, HelmReleases', () => {
    const { fleet, gitops } = setup();
    const secrets = { 'asia-east': 'asia-kubeconfig', 'europe-west': 'eu-kubeconfig', 'us-east': 'us-kubeconfig' };
    new FluxDelivery(gitops, 'oci', {
      fleet,
      repoUrl: 'oci://ghcr.io/example/platform',
      sourceKind: FluxSourceKind.OCI,
      name: 'oci',
      kubeConfigSecrets: secrets,
      interval: Duration.seconds(90),
      timeout: Duration.hours(1),
    });
    new FluxDelivery(gitops, 'helm', {
      fleet,
      repoUrl: REPO,
      packaging: GitOpsPackaging.HELM,
      name: 'helm',
      namespace: 'flux-helm',
      clusters: ['europe-west'],
      revision: '0123456789abcdef0123456789abcdef01234567',
    });
    const objs = synthAndValidate(gitops);
    const oci = objs.find((o) => o.kind === 'OCIRepository');
    expect(oci.spec).toEqual({ interval: '90s', url: 'oci://ghcr.io/example/platform', ref: { tag: 'latest' } });
    const ks = objs.filter((o) => o.kind === 'Kustomization');
    expect(ks.map((k) => k.spec.kubeConfig.secretRef.name)).toEqual(['asia-kubeconfig', 'asia-kubeconfig', 'eu-kubeconfig', 'eu-kubeconfig', 'us-kubeconfig', 'us-kubeconfig']);
    expect(ks.every((k) => k.spec.timeout === '1h' && k.spec.sourceRef.kind === 'OCIRepository')).toBe(true);
    const git = objs.find((o) => o.kind === 'GitRepository');
    expect(git.spec.ref).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567' });
    const hr = objs.filter((o) => o.kind === 'HelmRelease');
    expect(hr.map((h) => h.metadata.name)).toEqual(['europe-west-policies', 'europe-west-apps']);
    expect(hr[1].spec.dependsOn).toEqual([{ name: 'europe-west-policies' }]);
    expect(hr[0].spec.chart.spec).toEqual({ chart: './clusters/europe-west/policies', sourceRef: { kind: 'GitRepository', name: 'helm' }, reconcileStrategy: 'Revision' });
    expect(hr[0].spec.install.crds).toBe('CreateReplace');
    expect(hr.every((h) => h.metadata.namespace === 'flux-helm')).toBe(true);
  });

  test('bad input names the field and the value', () => {
    const { fleet, gitops } = setup();
    let n = 0;
    const mk = (extra: any) => () => new FluxDelivery(gitops, `f${n++}`, { fleet, repoUrl: REPO, ...extra });
    expect(mk({ repoUrl: 'git@github.com:x/y.git' })).toThrow(/invalid repoUrl "git@github.com:x\/y.git": expected a repository URL starting with https:\/\/, http:\/\/, ssh:\/\//);
    expect(mk({ sourceKind: FluxSourceKind.OCI })).toThrow(/invalid repoUrl "https:.*": expected a repository URL starting with oci:\/\//);
    expect(mk({ sourceKind: FluxSourceKind.OCI, packaging: GitOpsPackaging.HELM, repoUrl: 'oci://r/x' })).toThrow(/invalid sourceKind "OCIRepository": expected FluxSourceKind.GIT with GitOpsPackaging.HELM/);
    expect(mk({ interval: Duration.millis(1500) })).toThrow(/invalid interval 1500: expected a Duration of a whole number of seconds/);
    expect(mk({ kubeConfigSecrets: { 'asia-east': 'a' } })).toThrow(/invalid kubeConfigSecrets .*"europe-west" has none/);
    expect(mk({ kubeConfigSecrets: { 'asia-east': 'A', 'europe-west': 'b', 'us-east': 'c' } })).toThrow(/invalid kubeConfigSecrets\["asia-east"\] "A": expected a DNS-1123 label/);
    expect(mk({ revision: 'main branch' })).toThrow(/invalid revision "main branch"/);
    expect(mk({ clusters: [] })).toThrow(/invalid clusters \[\]: expected a non-empty list/);
    expect(mk({ clusters: ['us-east', 'us-east'] })).toThrow(/invalid clusters\[1\] "us-east": expected a cluster name not listed before/);
  });
});
