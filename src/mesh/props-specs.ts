/**
 * Runtime type specs of the props of mesh's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import * as kplus from 'cdk8s-plus-27';
import { IstioMultiCluster, OutboundTrafficPolicy } from './istio-multi-cluster';
import { MeshSource } from './mesh-source';
import { MtlsMode } from './mtls-mode';
import { UnknownIdentity } from './unknown-identity';
import { DataPlane } from '../core/data-plane';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { ENFORCEMENT_EXPECTED, PropsSpec, t } from '../core/props-check';

/** {@link MeshRuleProps} (mesh/mesh-rule.ts). */
export const MESH_RULE_PROPS: PropsSpec = {
  sources: t.arrayOf(t.instanceOf('MeshSource', () => MeshSource)),
  from: t.arrayOf(t.instanceOf('MeshSource', () => MeshSource)),
  methods: t.arrayOf(t.str()),
  paths: t.arrayOf(t.str()),
  notPaths: t.arrayOf(t.str()),
  ports: t.arrayOf(t.num()),
};

/** {@link MeshAuthorizationProps} (mesh/mesh-authorization.ts). */
export const MESH_AUTHORIZATION_PROPS: PropsSpec = {
  namespace: t.required(t.str()),
  trustDomain: t.str(),
  trustDomainAliases: t.arrayOf(t.str()),
  allowNothing: t.bool(),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
};

/** {@link MeshPolicyOptions} (mesh/mesh-authorization.ts). */
export const MESH_POLICY_OPTIONS: PropsSpec = {
  workload: t.instanceOf('AbstractPod', () => kplus.AbstractPod),
  podLabels: t.mapOf(t.str()),
  rules: t.required(t.arrayOf(t.struct('MeshRuleProps', () => MESH_RULE_PROPS))),
  allowEveryRequest: t.bool(),
};

/** {@link PortMtls} (mesh/mtls-policy.ts). */
export const PORT_MTLS: PropsSpec = {
  port: t.required(t.num()),
  mode: t.required(t.enumOf('MtlsMode', () => MtlsMode, 'an mTLS mode, one of STRICT, PERMISSIVE, DISABLE, UNSET')),
};

/** {@link MtlsPolicyProps} (mesh/mtls-policy.ts). */
export const MTLS_POLICY_PROPS: PropsSpec = {
  namespace: t.str(),
  name: t.str(),
  mode: t.enumOf('MtlsMode', () => MtlsMode, 'an mTLS mode, one of STRICT, PERMISSIVE, DISABLE, UNSET'),
  workload: t.instanceOf('AbstractPod', () => kplus.AbstractPod),
  podLabels: t.mapOf(t.str()),
  portModes: t.arrayOf(t.struct('PortMtls', () => PORT_MTLS)),
};

/** {@link MtlsMeshProps} (mesh/mtls-mesh.ts). */
export const MTLS_MESH_PROPS: PropsSpec = {
  trustDomain: t.str(),
  trustDomainAliases: t.arrayOf(t.str()),
  rootNamespace: t.str(),
  mode: t.enumOf('MtlsMode', () => MtlsMode, 'an mTLS mode, one of STRICT, PERMISSIVE, DISABLE, UNSET'),
  unknownIdentity: t.enumOf('UnknownIdentity', () => UnknownIdentity),
  istiodLabels: t.mapOf(t.str()),
  meshedNamespaces: t.arrayOf(t.str()),
  allowIstiod: t.bool(),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
};

/** {@link ProtectNamespaceOptions} (mesh/mtls-mesh.ts). */
export const PROTECT_NAMESPACE_OPTIONS: PropsSpec = {
  mode: t.enumOf('MtlsMode', () => MtlsMode, 'an mTLS mode, one of STRICT, PERMISSIVE, DISABLE, UNSET'),
  allowIstiod: t.bool(),
  dataPlane: t.enumOf('DataPlane', () => DataPlane, 'DataPlane.SIDECAR (sidecar) or DataPlane.AMBIENT (ambient)'),
  waypoint: t.bool(),
};

/** {@link WorkloadMtlsOptions} (mesh/mtls-mesh.ts). */
export const WORKLOAD_MTLS_OPTIONS: PropsSpec = {
  mode: t.enumOf('MtlsMode', () => MtlsMode, 'an mTLS mode, one of STRICT, PERMISSIVE, DISABLE, UNSET'),
  portModes: t.arrayOf(t.struct('PortMtls', () => PORT_MTLS)),
};

/** {@link MeshClusterProps} (mesh/mesh-cluster.ts). */
export const MESH_CLUSTER_PROPS: PropsSpec = {
  mesh: t.required(t.instanceOf('IstioMultiCluster', () => IstioMultiCluster)),
  clusterName: t.required(t.str()),
  network: t.required(t.str()),
  caSecret: t.required(t.object('ISecret', 'a Secret (kplus.Secret or kplus.Secret.fromSecretName)')),
  kubeContext: t.str(),
  createNamespace: t.bool(),
  revision: t.str(),
  istioCni: t.bool(),
  gatewaySeccompProfile: t.bool(),
  gatewaySourceRanges: t.arrayOf(t.str()),
  dataPlane: t.enumOf('DataPlane', () => DataPlane, 'DataPlane.SIDECAR (sidecar) or DataPlane.AMBIENT (ambient)'),
};

/** {@link EastWestGatewayFlowOptions} (mesh/mesh-cluster.ts). */
export const EAST_WEST_GATEWAY_FLOW_OPTIONS: PropsSpec = {
  ports: t.required(t.arrayOf(t.instanceOf('Port', () => Port))),
  description: t.str(),
  hosts: t.arrayOf(t.str()),
};

/** {@link IstioMultiClusterProps} (mesh/istio-multi-cluster.ts). */
export const ISTIO_MULTI_CLUSTER_PROPS: PropsSpec = {
  meshId: t.required(t.str()),
  trustDomain: t.str(),
  trustDomainAliases: t.arrayOf(t.str()),
  rootNamespace: t.str(),
  outboundTrafficPolicy: t.enumOf('OutboundTrafficPolicy', () => OutboundTrafficPolicy),
};

/** {@link MeshSidecarProps} (mesh/mesh-sidecar.ts). */
export const MESH_SIDECAR_PROPS: PropsSpec = {
  namespace: t.required(t.str()),
  hosts: t.arrayOf(t.str()),
  fromFlows: t.bool(),
  outboundTrafficPolicy: t.enumOf('OutboundTrafficPolicy', () => OutboundTrafficPolicy),
  rootNamespace: t.str(),
};
