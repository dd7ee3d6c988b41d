/**
 * Runtime type specs of the props of fleet's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { GlobalService } from './global-service';
import { GslbStrategy } from './gslb-strategy';
import { Cidr } from '../core/cidr';
import { PropsSpec, t } from '../core/props-check';
import { GatewayCertificate } from '../ingress/gateway-certificate';
import { GatewayImplementation } from '../ingress/gateway-implementation';
import { IngressCertificate } from '../ingress/ingress-certificate';
import { IngressController } from '../ingress/ingress-controller';

/** {@link FleetClusterProps} (fleet/fleet.ts). */
export const FLEET_CLUSTER_PROPS: PropsSpec = {
  name: t.required(t.str()),
  region: t.required(t.str()),
  network: t.str(),
  podCidr: t.str(),
  serviceCidr: t.str(),
  geoTag: t.str(),
};

/** {@link FleetProps} (fleet/fleet.ts). */
export const FLEET_PROPS: PropsSpec = {
  clusters: t.required(t.arrayOf(t.struct('FleetClusterProps', () => FLEET_CLUSTER_PROPS))),
  podSupernet: t.instanceOf('Cidr', () => Cidr),
  podPrefixLength: t.num(),
  serviceSupernet: t.instanceOf('Cidr', () => Cidr),
  servicePrefixLength: t.num(),
};

/** {@link GlobalDnsOptions} (fleet/global-service.ts). */
export const GLOBAL_DNS_OPTIONS: PropsSpec = {
  hostname: t.required(t.str()),
  strategy: t.instanceOf('GslbStrategy', () => GslbStrategy),
  ttl: t.instanceOf('Duration', () => Duration),
  k8gb: t.bool(),
  externalDns: t.bool(),
  ingressClassName: t.str(),
  ingressController: t.instanceOf('IngressController', () => IngressController),
  certificate: t.instanceOf('IngressCertificate', () => IngressCertificate),
  requireZeroTrustNamespace: t.bool(),
  tlsSecretName: t.str(),
  gateway: t.struct('GlobalGatewayOptions', () => GLOBAL_GATEWAY_OPTIONS),
};

/** {@link GlobalGatewayOptions} (fleet/global-service.ts). */
export const GLOBAL_GATEWAY_OPTIONS: PropsSpec = {
  namespace: t.required(t.str()),
  certificate: t.required(t.instanceOf('GatewayCertificate', () => GatewayCertificate)),
  implementation: t.instanceOf('GatewayImplementation', () => GatewayImplementation),
  name: t.str(),
  clusterHostnames: t.bool(),
};

/** {@link GlobalServiceProps} (fleet/global-service.ts). */
export const GLOBAL_SERVICE_PROPS: PropsSpec = {
  name: t.required(t.str()),
  namespace: t.required(t.str()),
  port: t.required(t.num()),
  targetPort: t.num(),
  portName: t.str(),
  selector: t.required(t.mapOf(t.str())),
  clusters: t.arrayOf(t.str()),
  exportService: t.bool(),
  dns: t.struct('GlobalDnsOptions', () => GLOBAL_DNS_OPTIONS),
  serviceType: t.enumOf('ServiceType', () => kplus.ServiceType),
};

/** {@link FailoverPolicyProps} (fleet/failover-policy.ts). */
export const FAILOVER_POLICY_PROPS: PropsSpec = {
  name: t.required(t.str()),
  namespace: t.str(),
  primaryCluster: t.required(t.str()),
  secondaryClusters: t.required(t.arrayOf(t.str())),
  healthCheckPath: t.str(),
  interval: t.instanceOf('Duration', () => Duration),
  timeout: t.instanceOf('Duration', () => Duration),
  failureThreshold: t.num(),
  autoFailover: t.bool(),
  slackChannel: t.str(),
  globalService: t.instanceOf('GlobalService', () => GlobalService),
};

/** {@link ReplicationEndpoint} (fleet/replication-policy.ts). */
export const REPLICATION_ENDPOINT: PropsSpec = {
  cluster: t.required(t.str()),
  namespace: t.required(t.str()),
  service: t.required(t.str()),
};

/** {@link ReplicationPolicyProps} (fleet/replication-policy.ts). */
export const REPLICATION_POLICY_PROPS: PropsSpec = {
  name: t.required(t.str()),
  namespace: t.str(),
  source: t.required(t.struct('ReplicationEndpoint', () => REPLICATION_ENDPOINT)),
  destinations: t.required(t.arrayOf(t.struct('ReplicationEndpoint', () => REPLICATION_ENDPOINT))),
  schedule: t.required(t.str()),
  encryption: t.bool(),
  allowUnencryptedCrossRegion: t.bool(),
  maskedFields: t.arrayOf(t.str()),
};
