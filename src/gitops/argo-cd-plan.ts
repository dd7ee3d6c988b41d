/**
 * Validation of ArgoCdDeliveryProps into a plan, and the pure renderers of the ApplicationSet's
 * and the AppProject's specs (not exported from the package index).
 */
import { Construct } from 'constructs';
import type { ArgoCdDeliveryProps } from './argo-cd-delivery';
import { GitOpsPackaging } from './gitops-packaging';
import {
  ClusterInventory, GroupKind, clusterPaths, planControllerAccount, sortNamed, selectClusters,
  validateName, validateOutsideClusters, validateRepoUrl, validateRevision,
} from './internal';
import type { ServiceAccountRef } from './reconciler-rbac';
import { fail, validateNoTemplate } from '../core/validate';
import { FleetCluster } from '../fleet';

/** The API server URL of each cluster, by cluster name. */
export type ServerMap = { [cluster: string]: string };

/** An ArgoCdDelivery's props, checked, defaults applied. */
export interface ArgoCdDeliveryPlan {
  readonly clusters: FleetCluster[];
  /** The repository path of each cluster, in the order of `clusters`. */
  readonly paths: string[];
  readonly servers?: ServerMap;
  readonly repoUrl: string;
  readonly revision: string;
  readonly name: string;
  readonly namespace: string;
  readonly defaultNamespace: string;
  readonly packaging: GitOpsPackaging;
  readonly include: string;
  readonly signatureKeys: string[];
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly serverSideApply: boolean;
  readonly serviceAccountName?: string;
  /** With `serviceAccountName`: the identity that impersonates it (Argo CD's on the cluster). */
  readonly controller?: ServiceAccountRef;
  /** With `serviceAccountName`: argocd-server's identity on the cluster, which impersonates it too (3.5+). */
  readonly server?: ServiceAccountRef;
}

/**
 * Checks `props` (in the order of its fields) and applies the defaults. Takes the construct, not
 * only its path: the delivery must not be inside one of the fleet's cluster charts.
 */
export function planArgoCdDelivery(construct: Construct, props: ArgoCdDeliveryProps): ArgoCdDeliveryPlan {
  const p = construct.node.path;
  if (!props || typeof props !== 'object') fail(p, 'props', props, 'ArgoCdDeliveryProps');
  const clusters = selectClusters(p, props.fleet, props.clusters);
  validateOutsideClusters(construct, props.fleet);
  validateRepoUrl(p, props.repoUrl, ['https', 'http', 'ssh', 'oci'], true);
  const revision = props.revision ?? 'main';
  validateRevision(p, revision);
  const name = props.name ?? 'fleet';
  validateName(p, 'name', name);
  const namespace = props.namespace ?? 'argocd';
  validateName(p, 'namespace', namespace);
  const defaultNamespace = props.defaultNamespace ?? 'default';
  validateName(p, 'defaultNamespace', defaultNamespace);
  const packaging = props.packaging ?? GitOpsPackaging.MANIFESTS;
  if (!Object.values(GitOpsPackaging).includes(packaging)) fail(p, 'packaging', packaging, 'a GitOpsPackaging');
  const include = props.include ?? '*.k8s.yaml';
  if (typeof include !== 'string' || include === '' || /\s/.test(include)) fail(p, 'include', include, 'a non-empty glob without whitespace, e.g. *.k8s.yaml');
  if (props.include !== undefined && packaging === GitOpsPackaging.HELM) fail(p, 'include', include, 'no include with GitOpsPackaging.HELM (a chart folder is rendered as a whole)');
  const servers = validateServers(p, props.clusterServers, clusters);
  // these three are copied into the ApplicationSet's template, which Argo CD renders (goTemplate)
  for (const [field, value] of [['repoUrl', props.repoUrl], ['revision', revision], ['include', include]] as const) {
    validateNoTemplate(p, field, value, 'the ApplicationSet controller (goTemplate: true)');
  }
  const signatureKeys = validateSignatureKeys(p, props.signatureKeys ?? []);
  const paths = clusterPaths(p, props.pathTemplate ?? 'clusters/{cluster}', clusters);
  const serverSideApply = props.serverSideApply ?? true;
  if (props.serviceAccountName !== undefined) {
    validateName(p, 'serviceAccountName', props.serviceAccountName);
    if (!serverSideApply) fail(p, 'serverSideApply', serverSideApply, 'true with serviceAccountName (the impersonated role allows objects by name, which only a server-side apply names when it creates them)');
  }
  const controller = planControllerAccount(p, props.controllerServiceAccount, props.serviceAccountName, { namespace, name: 'argocd-application-controller' }, namespace);
  const server = planControllerAccount(p, props.serverServiceAccount, props.serviceAccountName,
    props.controllerServiceAccount !== undefined && controller !== undefined ? controller : { namespace, name: 'argocd-server' }, namespace, 'serverServiceAccount');
  return {
    clusters,
    paths,
    servers,
    repoUrl: props.repoUrl,
    revision,
    name,
    namespace,
    defaultNamespace,
    packaging,
    include,
    signatureKeys,
    prune: props.prune ?? true,
    selfHeal: props.selfHeal ?? true,
    serverSideApply,
    serviceAccountName: props.serviceAccountName,
    controller,
    server,
  };
}

function validateSignatureKeys(p: string, keys: string[]): string[] {
  if (!Array.isArray(keys)) fail(p, 'signatureKeys', keys, 'a list of GPG key IDs');
  keys.forEach((k, i) => {
    if (typeof k !== 'string' || !/^[0-9A-Fa-f]{16}([0-9A-Fa-f]{24})?$/.test(k)) {
      fail(p, `signatureKeys[${i}]`, k, 'a GPG key ID: 16 hex digits (long ID) or a 40-digit fingerprint');
    }
  });
  return keys;
}

function validateServers(p: string, servers: ServerMap | undefined, clusters: FleetCluster[]): ServerMap | undefined {
  if (servers === undefined) return undefined;
  if (servers === null || typeof servers !== 'object' || Array.isArray(servers)) fail(p, 'clusterServers', servers, 'a map of cluster name to API server URL');
  const names = new Set(clusters.map((c) => c.name));
  for (const k of Object.keys(servers).sort()) {
    if (!names.has(k)) fail(p, 'clusterServers key', k, `the name of a delivered cluster: ${[...names].map((n) => JSON.stringify(n)).join(', ')}`);
    const v = servers[k];
    if (typeof v !== 'string' || !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(v)) {
      fail(p, `clusterServers[${JSON.stringify(k)}]`, v, 'an https:// API server URL, e.g. https://kubernetes.default.svc');
    }
  }
  for (const c of clusters) {
    if (servers[c.name] === undefined) {
      fail(p, 'clusterServers', servers,
        `a server for every delivered cluster (or none, to address clusters by name), but "${c.name}" has none`);
    }
  }
  return servers;
}

/** The ApplicationSet's spec: one Application per cluster from a list generator. */
export function renderApplicationSetSpec(plan: ArgoCdDeliveryPlan): any {
  const servers = plan.servers;
  const elements = plan.clusters.map((c, i) => ({
    cluster: c.name,
    path: plan.paths[i],
    ...(servers ? { server: servers[c.name] } : {}),
  }));
  const source: any = { repoURL: plan.repoUrl, targetRevision: plan.revision, path: '{{.path}}' };
  if (plan.packaging === GitOpsPackaging.MANIFESTS) {
    source.directory = { include: plan.include, recurse: false };
  } else {
    source.helm = { releaseName: '{{.cluster}}', skipCrds: false };
  }
  const syncOptions = [
    ...(plan.serverSideApply ? ['ServerSideApply=true'] : []),
    'PruneLast=true',
    'FailOnSharedResource=true',
  ];
  return {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [{ list: { elements } }],
    syncPolicy: { preserveResourcesOnDeletion: true },
    template: {
      metadata: {
        name: `${plan.name}-{{.cluster}}`,
        labels: { 'app.kubernetes.io/part-of': plan.name, 'app.kubernetes.io/managed-by': 'cdk8s-zero-trust' },
      },
      spec: {
        project: plan.name,
        source,
        destination: {
          ...(servers ? { server: '{{.server}}' } : { name: '{{.cluster}}' }),
          namespace: plan.defaultNamespace,
        },
        syncPolicy: {
          automated: { prune: plan.prune, selfHeal: plan.selfHeal },
          syncOptions,
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
      },
    },
  };
}

/** The AppProject's spec from each cluster's inventory (in the order of `plan.clusters`). */
export function renderProjectSpec(plan: ArgoCdDeliveryPlan, invs: ClusterInventory[]): any {
  const servers = plan.servers;
  const keys = plan.signatureKeys;
  return {
    description: `Delivery of the fleet's clusters ${plan.clusters.map((c) => c.name).join(', ')} (generated by cdk8s-zero-trust)`,
    sourceRepos: [plan.repoUrl],
    destinations: invs.flatMap((ci, i) => ci.namespaces.map((ns) => (servers
      ? { server: servers[plan.clusters[i].name], namespace: ns }
      : { name: plan.clusters[i].name, namespace: ns }))),
    // by name: a commit to the repository may change these objects, never add a
    // ClusterRoleBinding to cluster-admin or replace another CRD
    clusterResourceWhitelist: sortNamed(invs.flatMap((i) => i.clusterObjects)),
    namespaceResourceWhitelist: unionKinds(invs.flatMap((i) => i.namespacedKinds)),
    ...(plan.serviceAccountName !== undefined ? { destinationServiceAccounts: destinationServiceAccounts(plan) } : {}),
    orphanedResources: { warn: true },
    ...(keys.length > 0 ? {
      sourceIntegrity: { git: { policies: [{ repos: [{ url: plan.repoUrl }], gpg: { mode: 'head', keys } }] } },
    } : {}),
  };
}

/**
 * Argo CD matches an Application's destination (the cluster's server URL and the Application's
 * namespace) against these, first match wins; clusters addressed by name have no URL here, and
 * the account has the same name in each cluster, so one entry matches them all.
 */
function destinationServiceAccounts(plan: ArgoCdDeliveryPlan): any[] {
  const defaultServiceAccount = `${plan.namespace}:${plan.serviceAccountName}`;
  const servers = plan.servers;
  return servers
    ? plan.clusters.map((c) => ({ server: servers[c.name], namespace: plan.defaultNamespace, defaultServiceAccount }))
    : [{ server: '*', namespace: plan.defaultNamespace, defaultServiceAccount }];
}

function unionKinds(kinds: GroupKind[]): GroupKind[] {
  const m = new Map<string, GroupKind>();
  for (const k of kinds) m.set(`${k.group}/${k.kind}`, { group: k.group, kind: k.kind });
  return [...m.values()].sort((a, b) => (a.group === b.group ? (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) : a.group < b.group ? -1 : 1));
}
