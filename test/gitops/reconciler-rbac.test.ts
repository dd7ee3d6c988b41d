import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as yaml from 'yaml';
import { ArgoCdDelivery, DeliveryOrder, FluxDelivery, GitOpsPackaging } from '../../src';
import { RECONCILER_VERBS, resourceOf } from '../../src/gitops/reconciler-rbac';
import { CRDS_DIR, errorOf, expectValid, synthAndValidate } from '../util';
import { gitopsSample } from './fixtures';

const REPO = 'https://github.com/example/platform.git';
const RBAC = 'rbac.authorization.k8s.io';

/** Kubernetes RBAC: does one of the rules allow `verb` on (group, resource, name)? */
function allows(rules: any[], verb: string, group: string, resource: string, name: string): boolean {
  return rules.some((r) => r.verbs.includes(verb) && r.apiGroups.includes(group) && r.resources.includes(resource)
    && (r.resourceNames === undefined || r.resourceNames.includes(name)));
}

/** What the identity may do on an object: its ClusterRole's rules, plus its Role's in the object's namespace. */
function rulesFor(manifests: any[], namespace: string | undefined): any[] {
  const cr = manifests.filter((o) => o.kind === 'ClusterRole').flatMap((o) => o.rules);
  const roles = namespace === undefined ? [] : manifests.filter((o) => o.kind === 'Role' && o.metadata.namespace === namespace).flatMap((o) => o.rules);
  return [...cr, ...roles];
}

function crdPlurals(objs: any[]): Map<string, string> {
  return new Map(objs.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => [`${o.spec.group}/${o.spec.names.kind}`, o.spec.names.plural]));
}

/** Every object of the output can be applied and pruned; returns the number checked. */
function expectCovers(manifests: any[], output: any[]): number {
  const plurals = crdPlurals(output);
  const clusterCrds = new Set(output.filter((o) => o.kind === 'CustomResourceDefinition' && o.spec.scope === 'Cluster').map((o) => `${o.spec.group}/${o.spec.names.kind}`));
  for (const o of output) {
    const group = DeliveryOrder.groupOf(o.apiVersion);
    const cluster = DeliveryOrder.isClusterScoped(o.apiVersion, o.kind) || clusterCrds.has(`${group}/${o.kind}`);
    const rules = rulesFor(manifests, cluster ? undefined : o.metadata.namespace ?? 'default');
    for (const verb of RECONCILER_VERBS) {
      if (!allows(rules, verb, group, resourceOf(o.kind, plurals, group), o.metadata.name)) {
        throw new Error(`${verb} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} is not granted`);
      }
    }
  }
  return output.length;
}

function expectNoWildcards(manifests: any[]): void {
  for (const r of manifests.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((o) => o.rules)) {
    for (const f of ['verbs', 'resources', 'apiGroups', 'resourceNames']) {
      expect((r[f] ?? []).filter((x: string) => x.includes('*'))).toEqual([]);
    }
  }
}

/**
 * Kubernetes authorizes `Impersonate-User: system:serviceaccount:<ns>:<name>` as verb impersonate
 * on core serviceaccounts `<name>` in `<ns>`: the controller is granted exactly that, for the
 * destination account only, and nothing else in the manifests grants impersonate.
 */
type Account = { namespace: string; name: string };
function expectImpersonation(m: any[], controller: Account, target: Account, also: string[] = []): void {
  const bound = (kind: string) => m.filter((b) => b.kind === kind
    && b.subjects.some((x: any) => x.kind === 'ServiceAccount' && x.name === controller.name && x.namespace === controller.namespace));
  const roles = bound('RoleBinding').map((b) => m.find((r) => r.kind === 'Role' && r.metadata.namespace === b.metadata.namespace && r.metadata.name === b.roleRef.name));
  expect(bound('ClusterRoleBinding')).toEqual([]);
  const rules = (ns: string) => roles.filter((r) => r.metadata.namespace === ns).flatMap((r) => r.rules);
  expect(allows(rules(target.namespace), 'impersonate', '', 'serviceaccounts', target.name)).toBe(true);
  expect(allows(rules(target.namespace), 'impersonate', '', 'serviceaccounts', 'default')).toBe(false);
  for (const r of m.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((o) => o.rules)) {
    if (r.verbs.includes('impersonate')) expect(r).toEqual({ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: [target.name], verbs: [...also, 'impersonate'] });
  }
  // the controller gets nothing else
  expect(roles.flatMap((r) => r.rules).every((r: any) => r.verbs.join() === [...also, 'impersonate'].join() && r.resourceNames.join() === target.name)).toBe(true);
}

describe('reconciler identity (review finding 2: least privilege)', () => {
  test('Flux: ServiceAccount, ClusterRole by name and per-namespace Roles cover the whole output and nothing else', () => {
    const s = gitopsSample();
    const gitops = new Chart(s.app, 'gitops');
    const flux = new FluxDelivery(gitops, 'flux', { fleet: s.fleet, repoUrl: REPO, serviceAccountName: 'fleet-reconciler' });
    const objs = synthAndValidate(gitops);
    expect(objs.filter((o) => o.kind === 'Kustomization').every((k) => k.spec.serviceAccountName === 'fleet-reconciler')).toBe(true);
    const c = s.fleet.clusters[0];
    const output = c.chart.toJson();
    const m = flux.reconcilerManifests(c.name);
    expectValid(m);
    const sa = m.find((o) => o.kind === 'ServiceAccount');
    expect(sa.metadata).toMatchObject({ name: 'fleet-reconciler', namespace: 'flux-system' });
    // every binding binds exactly that account, except the controller's impersonation grant
    for (const b of m.filter((o) => (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.metadata.name !== 'fleet-impersonate')) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'fleet-reconciler', namespace: 'flux-system' }]);
    }
    // kustomize-controller may impersonate it (Kubernetes' check for Impersonate-User: system:serviceaccount:flux-system:fleet-reconciler)
    // and read it (Flux checks it exists before garbage collection), nothing else
    expectImpersonation(m, { namespace: 'flux-system', name: 'kustomize-controller' }, { namespace: 'flux-system', name: 'fleet-reconciler' }, ['get']);
    expect(expectCovers(m, output)).toBe(output.length);
    expectNoWildcards(m);
    // Roles only in the namespaces the output has objects in
    const outNs = [...new Set(output.filter((o) => o.metadata.namespace !== undefined).map((o) => o.metadata.namespace))].sort();
    expect(m.filter((o) => o.kind === 'Role' && o.metadata.name === 'fleet-reconciler').map((o) => o.metadata.namespace)).toEqual(outNs);
    // what the output does not contain is not granted
    const all = rulesFor(m, 'frontend');
    expect(allows(all, 'create', '', 'secrets', 'x')).toBe(false);
    expect(allows(all, 'create', 'apps', 'statefulsets', 'x')).toBe(false);
    expect(allows(rulesFor(m, 'kube-system'), 'patch', 'apps', 'deployments', 'coredns')).toBe(false);
    expect(allows(rulesFor(m, undefined), 'patch', RBAC, 'clusterrolebindings', 'repo-admin')).toBe(false);
    expect(allows(rulesFor(m, undefined), 'patch', 'apiextensions.k8s.io', 'customresourcedefinitions', 'applications.argoproj.io')).toBe(false);
    expect(allows(rulesFor(m, undefined), 'delete', '', 'namespaces', 'kube-system')).toBe(false);
    // the output's ClusterRoles: escalate on their names only (the API server refuses a role granting more than its creator holds)
    const ownRoles = output.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name).sort();
    expect(ownRoles.length).toBeGreaterThan(0);
    const escalate = rulesFor(m, undefined).filter((r) => r.verbs.includes('escalate'));
    expect(escalate).toEqual([{ apiGroups: [RBAC], resources: ['clusterroles'], resourceNames: ownRoles, verbs: ['escalate'] }]);
  });

  test('Flux: without serviceAccountName nothing; with Helm packaging the release storage Secrets; unknown cluster refused', () => {
    const s = gitopsSample();
    const gitops = new Chart(s.app, 'gitops');
    const plain = new FluxDelivery(gitops, 'plain', { fleet: s.fleet, repoUrl: REPO });
    expect(plain.reconcilerManifests('us-east')).toEqual([]);
    const helm = new FluxDelivery(gitops, 'helm', {
      fleet: s.fleet, repoUrl: REPO, name: 'helm', serviceAccountName: 'r', packaging: GitOpsPackaging.HELM, kubeConfigSecrets: { 'asia-east': 'a', 'europe-west': 'e', 'us-east': 'u' },
    });
    const m = helm.reconcilerManifests('us-east');
    expect(allows(rulesFor(m, 'flux-system'), 'create', '', 'secrets', 'sh.helm.release.v1.x.v1')).toBe(true);
    // remote (kubeconfig): helm-controller by default, impersonate only (Flux reads the account in its own cluster)
    expectImpersonation(m, { namespace: 'flux-system', name: 'helm-controller' }, { namespace: 'flux-system', name: 'r' });
    const named = new FluxDelivery(new Chart(s.app, 'gitops2'), 'named', { fleet: s.fleet, repoUrl: REPO, name: 'named', serviceAccountName: 'r', controllerServiceAccount: 'flux:kc' });
    expectImpersonation(named.reconcilerManifests('us-east'), { namespace: 'flux', name: 'kc' }, { namespace: 'flux-system', name: 'r' }, ['get']);
    expect(errorOf(() => new FluxDelivery(gitops, 'bad', { fleet: s.fleet, repoUrl: REPO, name: 'bad', controllerServiceAccount: 'flux:kc' })).message)
      .toMatch(/controllerServiceAccount.*without serviceAccountName/s);
    // remote cluster: the account's namespace is created too
    expect(m[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'flux-system' } });
    expect(errorOf(() => helm.reconcilerManifests('nope')).message).toContain('cluster');
  });

  test('Argo CD: destinationServiceAccounts in the AppProject, the same least-privilege identity per cluster', () => {
    const s = gitopsSample();
    const gitops = new Chart(s.app, 'gitops');
    const argo = new ArgoCdDelivery(gitops, 'argo', { fleet: s.fleet, repoUrl: REPO, serviceAccountName: 'fleet-sync' });
    const project = synthAndValidate(gitops).find((o) => o.kind === 'AppProject');
    expect(project.spec.destinationServiceAccounts).toEqual([{ server: '*', namespace: 'default', defaultServiceAccount: 'argocd:fleet-sync' }]);
    for (const c of s.fleet.clusters) {
      const m = argo.reconcilerManifests(c.name);
      expectValid(m);
      expect(m.slice(0, 2).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/argocd', 'ServiceAccount/fleet-sync']);
      expectCovers(m, c.chart.toJson());
      expectNoWildcards(m);
      expectImpersonation(m, { namespace: 'argocd', name: 'argocd-application-controller' }, { namespace: 'argocd', name: 'fleet-sync' });
    }
    // by server: one entry per cluster
    const s2 = gitopsSample();
    const g2 = new Chart(s2.app, 'gitops');
    const servers = { 'asia-east': 'https://a.example', 'europe-west': 'https://e.example', 'us-east': 'https://u.example' };
    new ArgoCdDelivery(g2, 'argo', { fleet: s2.fleet, repoUrl: REPO, serviceAccountName: 'fleet-sync', clusterServers: servers });
    const p2 = synthAndValidate(g2).find((o) => o.kind === 'AppProject');
    expect(p2.spec.destinationServiceAccounts.map((d: any) => d.server)).toEqual(Object.values(servers));
    // a client-side apply creates objects without a name in the request: refused
    expect(errorOf(() => new ArgoCdDelivery(g2, 'csa', { fleet: s2.fleet, repoUrl: REPO, serviceAccountName: 'x', serverSideApply: false })).message)
      .toContain('serverSideApply');
  });

  test('Argo CD: the controller may impersonate exactly the destination ServiceAccount (Role in its namespace, by name)', () => {
    const s = gitopsSample();
    const gitops = new Chart(s.app, 'gitops');
    const argo = new ArgoCdDelivery(gitops, 'argo', {
      fleet: s.fleet, repoUrl: REPO, name: 'shop', namespace: 'gitops', serviceAccountName: 'shop-sync', controllerServiceAccount: 'kube-system:argocd-manager',
    });
    const project = synthAndValidate(gitops).find((o) => o.kind === 'AppProject');
    const [ns, name] = project.spec.destinationServiceAccounts[0].defaultServiceAccount.split(':');
    const m = argo.reconcilerManifests('us-east');
    expectValid(m);
    expectImpersonation(m, { namespace: 'kube-system', name: 'argocd-manager' }, { namespace: ns, name });
    const grant = m.filter((o) => o.metadata.name === 'shop-impersonate');
    expect(grant.map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual(['Role/gitops', 'RoleBinding/gitops']);
    expect(grant[0].rules).toEqual([{ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['shop-sync'], verbs: ['impersonate'] }]);
    // bad input names the field and the value
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'bad1', { fleet: s.fleet, repoUrl: REPO, name: 'b1', serviceAccountName: 'x', controllerServiceAccount: 'argocd-application-controller' })).message)
      .toMatch(/controllerServiceAccount.*argocd-application-controller.*<namespace>:<name>/s);
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'bad2', { fleet: s.fleet, repoUrl: REPO, name: 'b2', serviceAccountName: 'x', controllerServiceAccount: 'Argo:x' })).message)
      .toMatch(/controllerServiceAccount.*Argo/s);
    // the error shows the whole value and says which half is wrong
    for (const [i, [v, half]] of ([[':b', 'namespace ""'], ['argo:', 'name ""'], [' argo:x', 'namespace " argo"'], ['argo:a\n', 'name "a\\n"'], [`argo:${'x'.repeat(300)}`, `name "${'x'.repeat(63)}"... (300 characters)`]] as Array<[string, string]>).entries()) {
      const e = errorOf(() => new ArgoCdDelivery(gitops, `h${i}`, { fleet: s.fleet, repoUrl: REPO, name: `h${i}`, serviceAccountName: 'x', controllerServiceAccount: v }));
      expect(e.message).toContain(`invalid controllerServiceAccount ${JSON.stringify(v).slice(0, 100)}`);
      expect(e.message).toContain(`: its ${half} is not a DNS-1123 label`);
    }
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'bad3', { fleet: s.fleet, repoUrl: REPO, name: 'b3', controllerServiceAccount: 'a:b' })).message)
      .toMatch(/controllerServiceAccount.*without serviceAccountName/s);

    // the impersonating account is never the impersonated one (it would hold the deploying role itself)
    const self = (id: string, props: any) => errorOf(() => new ArgoCdDelivery(gitops, id, { fleet: s.fleet, repoUrl: REPO, name: id, namespace: 'gitops', serviceAccountName: 'shop-sync', ...props })).message;
    expect(self('s1', { controllerServiceAccount: 'gitops:shop-sync' }))
      .toMatch(/gitops\/s1: invalid controllerServiceAccount "gitops:shop-sync".*other than the impersonated gitops:shop-sync.*limits nothing/s);
    expect(self('s2', { serverServiceAccount: 'gitops:shop-sync' })).toMatch(/invalid serverServiceAccount "gitops:shop-sync"/);
    expect(errorOf(() => new ArgoCdDelivery(gitops, 's3', { fleet: s.fleet, repoUrl: REPO, name: 's3', namespace: 'gitops', serviceAccountName: 'argocd-application-controller' })).message)
      .toMatch(/invalid serviceAccountName "argocd-application-controller".*the controllerServiceAccount default/s);
    expect(errorOf(() => new FluxDelivery(gitops, 's4', { fleet: s.fleet, repoUrl: REPO, name: 's4', serviceAccountName: 'kc', controllerServiceAccount: 'flux-system:kc' })).message)
      .toMatch(/invalid controllerServiceAccount "flux-system:kc".*impersonated flux-system:kc/s);
    // the same name in another namespace is another account
    expect(() => new ArgoCdDelivery(gitops, 's5', { fleet: s.fleet, repoUrl: REPO, name: 's5', namespace: 'gitops', serviceAccountName: 'shop-sync', controllerServiceAccount: 'kube-system:shop-sync' })).not.toThrow();
  });

  test('Argo CD 3.5+: argocd-server, which impersonates the destination account for its own operations, gets the same grant', () => {
    const s = gitopsSample();
    const gitops = new Chart(s.app, 'gitops');
    const subjectsOf = (d: ArgoCdDelivery) => d.reconcilerManifests('us-east')
      .filter((o) => o.kind === 'RoleBinding' && o.metadata.name.endsWith('-impersonate')).map((b) => b.subjects);
    // Argo CD's own cluster: each component authenticates as its own account
    const local = new ArgoCdDelivery(gitops, 'local', { fleet: s.fleet, repoUrl: REPO, name: 'local', namespace: 'gitops', serviceAccountName: 'sync' });
    expect(subjectsOf(local)).toEqual([[
      { kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: 'gitops' },
      { kind: 'ServiceAccount', name: 'argocd-server', namespace: 'gitops' },
    ]]);
    expectImpersonation(local.reconcilerManifests('us-east'), { namespace: 'gitops', name: 'argocd-server' }, { namespace: 'gitops', name: 'sync' });
    // a cluster secret's account: both components use it, one subject
    const remote = new ArgoCdDelivery(gitops, 'remote', {
      fleet: s.fleet, repoUrl: REPO, name: 'remote', serviceAccountName: 'sync', controllerServiceAccount: 'kube-system:argocd-manager',
    });
    expect(subjectsOf(remote)).toEqual([[{ kind: 'ServiceAccount', name: 'argocd-manager', namespace: 'kube-system' }]]);
    const named = new ArgoCdDelivery(gitops, 'named', { fleet: s.fleet, repoUrl: REPO, name: 'named', serviceAccountName: 'sync', serverServiceAccount: 'ops:api' });
    expect(subjectsOf(named)[0].map((x: any) => `${x.namespace}:${x.name}`)).toEqual(['argocd:argocd-application-controller', 'ops:api']);
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'bad4', { fleet: s.fleet, repoUrl: REPO, name: 'b4', serviceAccountName: 'x', serverServiceAccount: 'argocd-server' })).message)
      .toMatch(/invalid serverServiceAccount "argocd-server".*<namespace>:<name>/s);
    expect(errorOf(() => new ArgoCdDelivery(gitops, 'bad5', { fleet: s.fleet, repoUrl: REPO, name: 'b5', serverServiceAccount: 'a:b' })).message)
      .toMatch(/serverServiceAccount.*without serviceAccountName/s);
  });

  test('the resource names of kinds are the plurals their CRDs declare', () => {
    const files: string[] = [];
    const walk = (d: string) => fs.readdirSync(d).forEach((f) => {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) {
        if (f !== 'examples') walk(p);
      } else if (/\.ya?ml$/.test(f)) {
        files.push(p);
      }
    });
    walk(CRDS_DIR);
    let n = 0;
    for (const f of files) {
      for (const doc of yaml.parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
        const o = doc.toJSON();
        if (o?.kind !== 'CustomResourceDefinition') continue;
        expect(`${o.spec.names.kind} -> ${resourceOf(o.spec.names.kind, new Map(), o.spec.group)}`).toBe(`${o.spec.names.kind} -> ${o.spec.names.plural}`);
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  test('a kind named like an Object.prototype member is pluralized like any other (was Object\'s function text as the resource)', () => {
    expect(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'Endpoints'].map((k) => resourceOf(k, new Map(), 'example.com')))
      .toEqual(['constructors', 'tostrings', '__proto__s', 'hasownproperties', 'endpoints']);
  });
});
