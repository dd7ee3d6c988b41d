import { Chart } from 'cdk8s';
import { Cidr } from '../core';

/** @internal */
export interface FleetClusterRecord {
  readonly name: string;
  readonly region: string;
  readonly network: string;
  readonly geoTag: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly chart: Chart;
  readonly index: number;
}

/**
 * One cluster of a {@link Fleet}, as planned: names, network, CIDRs and its own chart.
 * Created by the Fleet; read it through `fleet.clusters` or `fleet.cluster(name)`.
 */
export class FleetCluster {
  /**
   * Creates the record (the Fleet does this).
   *
   * @internal
   */
  public static _create(props: FleetClusterRecord): FleetCluster {
    return new FleetCluster(props);
  }

  /**
   * The cluster's name (a DNS-1123 label): the kind cluster name and the id of its chart.
   */
  public readonly name: string;

  /**
   * The region the cluster runs in, e.g. `asia-east`.
   */
  public readonly region: string;

  /**
   * The network the cluster's pods are on (Istio `topology.istio.io/network`).
   */
  public readonly network: string;

  /**
   * The geo tag global DNS engines know the cluster by (k8gb `CLUSTER_GEO_TAG`).
   */
  public readonly geoTag: string;

  /**
   * The pod CIDR (kind `podSubnet`), canonical, e.g. `10.1.0.0/16`.
   */
  public readonly podCidr: string;

  /**
   * The service CIDR (kind `serviceSubnet`), canonical, e.g. `10.101.0.0/16`.
   */
  public readonly serviceCidr: string;

  /**
   * The chart that holds every object of this cluster (synthesized to its own output).
   */
  public readonly chart: Chart;

  /**
   * Position of the cluster in the fleet (order of declaration).
   */
  public readonly index: number;

  private constructor(props: FleetClusterRecord) {
    this.name = props.name;
    this.region = props.region;
    this.network = props.network;
    this.geoTag = props.geoTag;
    this.podCidr = props.podCidr;
    this.serviceCidr = props.serviceCidr;
    this.chart = props.chart;
    this.index = props.index;
  }

  /**
   * The pod CIDR as a {@link Cidr} value.
   */
  public get podCidrBlock(): Cidr {
    return Cidr.of(this.podCidr);
  }

  /**
   * The service CIDR as a {@link Cidr} value.
   */
  public get serviceCidrBlock(): Cidr {
    return Cidr.of(this.serviceCidr);
  }
}
