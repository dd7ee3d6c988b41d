import { trustDomains } from './internal';
import type { MeshCluster } from './mesh-cluster';
import { ISTIO_MULTI_CLUSTER_PROPS } from './props-specs';
import { checkProps } from '../core/props-check';
import { fail, validateDns1123Label } from '../core/validate';

/**
 * Where sidecars may send traffic to hosts outside the mesh's service registry.
 */
export enum OutboundTrafficPolicy {
  /** Only hosts in the service registry (Services, ServiceEntries): the secure default. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
  /** Any host (unknown destinations pass through). */
  ALLOW_ANY = 'ALLOW_ANY',
}

/**
 * Properties of an {@link IstioMultiCluster}.
 */
export interface IstioMultiClusterProps {
  /**
   * The mesh ID (`values.global.meshID`), the same in every cluster.
   */
  readonly meshId: string;

  /**
   * The trust domain shared by every cluster (`meshConfig.trustDomain`).
   *
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;

  /**
   * Trust domain aliases (`meshConfig.trustDomainAliases`).
   *
   * @default - none
   */
  readonly trustDomainAliases?: string[];

  /**
   * The Istio root namespace in every cluster.
   *
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;

  /**
   * The mesh-wide outbound traffic policy (`meshConfig.outboundTrafficPolicy.mode`).
   *
   * @default OutboundTrafficPolicy.REGISTRY_ONLY
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}

/**
 * One Istio mesh over several clusters and networks (multi-primary, multi-network): holds the
 * mesh-wide settings and the clusters (`new MeshCluster(clusterChart, 'mesh', { mesh, ... })`),
 * and refuses two clusters with the same name.
 *
 * Not a construct: the clusters live in different charts (one chart per cluster).
 */
export class IstioMultiCluster {
  /** The mesh ID. */
  public readonly meshId: string;

  /** The trust domain. */
  public readonly trustDomain: string;

  /** Trust domain aliases, sorted. */
  public readonly trustDomainAliases: string[];

  /** The Istio root namespace. */
  public readonly rootNamespace: string;

  /** The mesh-wide outbound traffic policy. */
  public readonly outboundTrafficPolicy: OutboundTrafficPolicy;

  private readonly _clusters = new Map<string, MeshCluster>();

  /**
   * @param props mesh ID, trust domain
   */
  constructor(props: IstioMultiClusterProps) {
    const path = 'IstioMultiCluster';
    checkProps(path, 'IstioMultiClusterProps', props, ISTIO_MULTI_CLUSTER_PROPS);
    if (props === undefined || props === null) {
      fail(path, 'props', props, 'IstioMultiClusterProps with a meshId');
    }
    validateDns1123Label(path, 'meshId', props.meshId);
    this.meshId = props.meshId;
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    this.trustDomainAliases = trustDomains(path, this.trustDomain, props.trustDomainAliases).slice(1);
    this.rootNamespace = props.rootNamespace ?? 'istio-system';
    validateDns1123Label(path, 'rootNamespace', this.rootNamespace);
    this.outboundTrafficPolicy = props.outboundTrafficPolicy ?? OutboundTrafficPolicy.REGISTRY_ONLY;
    if (!Object.values(OutboundTrafficPolicy).includes(this.outboundTrafficPolicy)) {
      fail(path, 'outboundTrafficPolicy', this.outboundTrafficPolicy, 'REGISTRY_ONLY or ALLOW_ANY');
    }
  }

  /** The clusters of the mesh, sorted by name. */
  public get clusters(): MeshCluster[] {
    return Array.from(this._clusters.keys()).sort().map((k) => this._clusters.get(k)!);
  }

  /**
   * Registers a cluster (called by `MeshCluster`).
   *
   * @internal
   */
  public _register(path: string, cluster: MeshCluster): void {
    const existing = this._clusters.get(cluster.clusterName);
    if (existing !== undefined) {
      fail(path, 'clusterName', cluster.clusterName,
        `a cluster name unique in mesh ${this.meshId} (already used by ${existing.node.path})`);
    }
    this._clusters.set(cluster.clusterName, cluster);
  }
}
