import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOpsPackaging } from './gitops-packaging';
import { GitOpsSourceOptions } from './gitops-source-options';
import {
  GroupKind, clusterPaths, inventoryOf, sortNamed, selectClusters, validateName, validateOutsideClusters, validateRepoUrl, validateRevision,
} from './internal';
import { ARGO_CD_DELIVERY_PROPS } from './props-specs';
import { fail, validateNoTemplate } from '../core/validate';
import { FleetCluster } from '../fleet';
import { checkConstruct, checkIdentityOnly } from '../flows/chart-checks';

/**
 * Properties of an {@link ArgoCdDelivery}.
 */
export interface ArgoCdDeliveryProps extends GitOpsSourceOptions {
  /**
   * The API server URL of each cluster (`https://...`), by cluster name. Give one for every
   * delivered cluster or none.
   *
   * @default - clusters are addressed by name: each must be registered in Argo CD under its fleet name
   */
  readonly clusterServers?: { [cluster: string]: string };

  /**
   * Whether each cluster's folder holds plain manifests or a Helm chart.
   *
   * @default GitOpsPackaging.MANIFESTS
   */
  readonly packaging?: GitOpsPackaging;

  /**
   * With plain manifests, the files of the folder to apply (Argo CD `directory.include` glob);
   * the default leaves out `kind-config.yaml` and sub-folders.
   *
   * @default '*.k8s.yaml'
   */
  readonly include?: string;

  /**
   * The namespace Argo CD runs in (where the ApplicationSet and AppProject go).
   *
   * @default 'argocd'
   */
  readonly namespace?: string;

  /**
   * The namespace namespaced objects without one go to (the Applications' destination namespace).
   *
   * @default 'default'
   */
  readonly defaultNamespace?: string;

  /**
   * Revert changes made in the cluster outside Git (self-heal).
   *
   * @default true
   */
  readonly selfHeal?: boolean;

  /**
   * Use server-side apply (`ServerSideApply=true`).
   *
   * @default true
   */
  readonly serverSideApply?: boolean;

  /**
   * GPG key IDs (hex, as in Argo CD's keyring) one of which must have signed the commit Argo CD
   * syncs: the AppProject gets a `sourceIntegrity` git policy for the repository (`gpg.mode:
   * head`, Argo CD 3.5+; import the keys into Argo CD's GnuPG keyring).
   *
   * @default - no verification: whoever can push to the repository controls the clusters
   */
  readonly signatureKeys?: string[];
}

const ANNOTATION_WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * Argo CD delivery of a fleet: an `ApplicationSet` whose list generator has one element per
 * cluster (its folder or Helm chart, its destination by name or server) and an `AppProject`
 * limited to the repository, the clusters and namespaces the output uses, the cluster-scoped
 * objects it contains by group, kind and name (a commit to the repository can change those, never
 * add a ClusterRoleBinding, a ClusterRole or a CRD of its own), and the namespaced kinds it
 * contains (computed from the clusters' charts at synth).
 *
 * Its destinations include the mesh's root namespace (`istio-system`) when the output has objects
 * there (the mesh-wide PeerAuthentication, the east-west Gateway) and the Application's default
 * namespace (`default`, Argo CD requires the Application's own destination to be allowed); a
 * workload kind the output uses (a Deployment) is then allowed there too. Deliver the mesh's
 * objects from a separate project if the repository must not reach the namespace of the mesh CA.
 *
 * Sync defaults: automated with prune and self-heal, server-side apply, prune last, fail on
 * shared resources, retry with backoff, resources kept when the ApplicationSet is deleted (a
 * removed default-deny would open the cluster). Ordering inside a cluster comes from sync waves:
 * call {@link SyncWaves.apply} on each cluster chart.
 *
 * Put it in a chart of its own (applied to the Argo CD cluster), not in a cluster chart.
 */
export class ArgoCdDelivery extends Construct {
  /**
   * The ApplicationSet.
   */
  public readonly applicationSet: ApiObject;

  /**
   * The AppProject.
   */
  public readonly project: ApiObject;

  /**
   * The repository path of each delivered cluster, in fleet order.
   */
  public readonly paths: string[];

  constructor(scope: Construct, id: string, props: ArgoCdDeliveryProps) {
    super(scope, id);
    const p = this.node.path;
    checkConstruct(this, 'ArgoCdDeliveryProps', props, ARGO_CD_DELIVERY_PROPS);
    if (!props || typeof props !== 'object') fail(p, 'props', props, 'ArgoCdDeliveryProps');
    const clusters = selectClusters(p, props.fleet, props.clusters);
    validateOutsideClusters(this, props.fleet);
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
    const keys = props.signatureKeys ?? [];
    if (!Array.isArray(keys)) fail(p, 'signatureKeys', keys, 'a list of GPG key IDs');
    keys.forEach((k, i) => {
      if (typeof k !== 'string' || !/^[0-9A-Fa-f]{16}([0-9A-Fa-f]{24})?$/.test(k)) {
        fail(p, `signatureKeys[${i}]`, k, 'a GPG key ID: 16 hex digits (long ID) or a 40-digit fingerprint');
      }
    });
    this.paths = clusterPaths(p, props.pathTemplate ?? 'clusters/{cluster}', clusters);

    const elements = clusters.map((c, i) => ({
      cluster: c.name,
      path: this.paths[i],
      ...(servers ? { server: servers[c.name] } : {}),
    }));
    const source: any = { repoURL: props.repoUrl, targetRevision: revision, path: '{{.path}}' };
    if (packaging === GitOpsPackaging.MANIFESTS) {
      source.directory = { include, recurse: false };
    } else {
      source.helm = { releaseName: '{{.cluster}}', skipCrds: false };
    }
    const syncOptions = [
      ...(props.serverSideApply ?? true ? ['ServerSideApply=true'] : []),
      'PruneLast=true',
      'FailOnSharedResource=true',
    ];

    this.applicationSet = new ApiObject(this, 'application-set', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ list: { elements } }],
        syncPolicy: { preserveResourcesOnDeletion: true },
        template: {
          metadata: {
            name: `${name}-{{.cluster}}`,
            labels: { 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'cdk8s-zero-trust' },
          },
          spec: {
            project: name,
            source,
            destination: {
              ...(servers ? { server: '{{.server}}' } : { name: '{{.cluster}}' }),
              namespace: defaultNamespace,
            },
            syncPolicy: {
              automated: { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true },
              syncOptions,
              retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
            },
          },
        },
      },
    });
    // The project must exist before the ApplicationSet's Applications reference it.
    this.applicationSet.metadata.addAnnotation(ANNOTATION_WAVE, '0');

    const inventory = () => {
      const invs = clusters.map((c) => inventoryOf(c.chart.toJson(), defaultNamespace));
      return { invs, union: (f: (i: typeof invs[0]) => GroupKind[]) => unionKinds(invs.flatMap(f)) };
    };
    this.project = new ApiObject(this, 'project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name, namespace, annotations: { [ANNOTATION_WAVE]: '-1' } },
      // one Lazy for the lists: the inventory synthesizes every cluster chart, once per rendering
      spec: Lazy.any({
        produce: () => {
          const inv = inventory();
          return {
            description: `Delivery of the fleet's clusters ${clusters.map((c) => c.name).join(', ')} (generated by cdk8s-zero-trust)`,
            sourceRepos: [props.repoUrl],
            destinations: inv.invs.flatMap((ci, i) => ci.namespaces.map((ns) => (servers
              ? { server: servers[clusters[i].name], namespace: ns }
              : { name: clusters[i].name, namespace: ns }))),
            // by name: a commit to the repository may change these objects, never add a
            // ClusterRoleBinding to cluster-admin or replace another CRD
            clusterResourceWhitelist: sortNamed(inv.invs.flatMap((i) => i.clusterObjects)),
            namespaceResourceWhitelist: inv.union((i) => i.namespacedKinds),
            orphanedResources: { warn: true },
            ...(keys.length > 0 ? {
              sourceIntegrity: { git: { policies: [{ repos: [{ url: props.repoUrl }], gpg: { mode: 'head', keys } }] } },
            } : {}),
          };
        },
      }),
    });
    checkIdentityOnly(this.project);
  }
}

function unionKinds(kinds: GroupKind[]): GroupKind[] {
  const m = new Map<string, GroupKind>();
  for (const k of kinds) m.set(`${k.group}/${k.kind}`, { group: k.group, kind: k.kind });
  return [...m.values()].sort((a, b) => (a.group === b.group ? (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) : a.group < b.group ? -1 : 1));
}

type ServerMap = { [cluster: string]: string };

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
