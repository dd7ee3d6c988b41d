import { checkArgs, t } from '../core/props-check';

/**
 * Kinds of k8gb load-balancing strategy.
 */
export enum GslbStrategyType {
  /** Every healthy cluster answers (k8gb `roundRobin`). */
  ROUND_ROBIN = 'roundRobin',
  /** Only the primary answers while healthy, the others when it is not (k8gb `failover`). */
  FAILOVER = 'failover',
  /** The cluster closest to the client answers (k8gb `geoip`, needs a GeoIP database in k8gb's CoreDNS). */
  GEOIP = 'geoip',
}

/**
 * How global DNS picks clusters for a global name: a k8gb `Gslb` strategy.
 */
export class GslbStrategy {
  /**
   * Every healthy cluster's address is returned.
   */
  public static roundRobin(): GslbStrategy {
    return new GslbStrategy(GslbStrategyType.ROUND_ROBIN);
  }

  /**
   * Only the cluster with this geo tag is returned while it is healthy; the others when it is not.
   *
   * @param primaryGeoTag the geo tag of the primary cluster (a cluster of the fleet)
   */
  public static failover(primaryGeoTag: string): GslbStrategy {
    checkArgs('GslbStrategy.failover', ['primaryGeoTag', primaryGeoTag, t.required(t.str())]);
    return new GslbStrategy(GslbStrategyType.FAILOVER, primaryGeoTag);
  }

  /**
   * The cluster nearest to the client (by k8gb's GeoIP database) is returned.
   */
  public static geoip(): GslbStrategy {
    return new GslbStrategy(GslbStrategyType.GEOIP);
  }

  /**
   * The strategy type.
   */
  public readonly type: GslbStrategyType;

  /**
   * The primary's geo tag (failover only).
   */
  public readonly primaryGeoTag?: string;

  private constructor(type: GslbStrategyType, primaryGeoTag?: string) {
    this.type = type;
    this.primaryGeoTag = primaryGeoTag;
  }
}
