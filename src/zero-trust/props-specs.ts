/**
 * Runtime type specs of the props of zero-trust's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { DefaultDenyMechanism, GuardrailAction } from './guardrail-action';
import { GuardrailException } from './guardrail-exception';
import { NetworkPolicyApiVersion } from './policy-tier';
import { PodSecurityLevel } from './zero-trust-namespace';
import { DataPlane } from '../core/data-plane';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { ENFORCEMENT_EXPECTED, PropsSpec, t } from '../core/props-check';
import { DNS_PEER_OPTIONS } from '../flows/props-specs';

const API_VERSION_EXPECTED = 'NetworkPolicyApiVersion.V1ALPHA2 (v1alpha2) or NetworkPolicyApiVersion.V1ALPHA1 (v1alpha1)';
const DEFAULT_DENY_EXPECTED = 'DefaultDenyMechanism.KYVERNO_GENERATE, .BASELINE_TIER or .BOTH';

/** {@link HardeningOptions} (zero-trust/hardening-options.ts). */
export const HARDENING_OPTIONS: PropsSpec = {
  allowNetBindService: t.bool(),
  allowNetAdmin: t.bool(),
  allowNetRaw: t.bool(),
  automountServiceAccountToken: t.bool(),
  writableRootFilesystem: t.bool(),
};

/** {@link NamespaceQuota} (zero-trust/zero-trust-namespace.ts). */
export const NAMESPACE_QUOTA: PropsSpec = {
  requestsCpu: t.str(),
  requestsMemory: t.str(),
  limitsCpu: t.str(),
  limitsMemory: t.str(),
  pods: t.str(),
  servicesLoadBalancers: t.str(),
  servicesNodePorts: t.str(),
};

/** {@link NamespaceLimits} (zero-trust/zero-trust-namespace.ts). */
export const NAMESPACE_LIMITS: PropsSpec = {
  defaultRequestCpu: t.str(),
  defaultRequestMemory: t.str(),
  defaultLimitCpu: t.str(),
  defaultLimitMemory: t.str(),
};

/** {@link ZeroTrustNamespaceProps} (zero-trust/zero-trust-namespace.ts). */
export const ZERO_TRUST_NAMESPACE_PROPS: PropsSpec = {
  name: t.required(t.str()),
  podSecurity: t.enumOf('PodSecurityLevel', () => PodSecurityLevel),
  dns: t.struct('DnsPeerOptions', () => DNS_PEER_OPTIONS),
  allowIntraNamespace: t.bool(),
  internalOnly: t.bool(),
  kubeApiServerCidrs: t.arrayOf(t.str()),
  kubeApiServerPorts: t.arrayOf(t.instanceOf('Port', () => Port)),
  istioInjection: t.bool(),
  dataPlane: t.enumOf('DataPlane', () => DataPlane, 'DataPlane.SIDECAR (sidecar) or DataPlane.AMBIENT (ambient)'),
  quota: t.struct('NamespaceQuota', () => NAMESPACE_QUOTA),
  limits: t.struct('NamespaceLimits', () => NAMESPACE_LIMITS),
  hardenWorkloads: t.bool(),
  allowLoadBalancers: t.bool(),
  labels: t.labels(),
  annotations: t.annotations(),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
};

/** {@link GuardrailExceptionOptions} (zero-trust/guardrail-exception.ts). */
export const GUARDRAIL_EXCEPTION_OPTIONS: PropsSpec = {
  namespace: t.required(t.str()),
  allowHostNetwork: t.bool(),
  allowNetAdmin: t.bool(),
  allowSysModule: t.bool(),
  allowRoot: t.bool(),
  allowWritableRootFilesystem: t.bool(),
  generateNetworkPolicies: t.bool(),
  allowHostPath: t.bool(),
  allowedHostPaths: t.arrayOf(t.str()),
  podLabels: t.mapOf(t.str()),
};

/** {@link VpnGatewayExceptionOptions} (zero-trust/guardrail-exception.ts). */
export const VPN_GATEWAY_EXCEPTION_OPTIONS: PropsSpec = {
  loadKernelModule: t.bool(),
  podLabels: t.mapOf(t.str()),
};

/** {@link AdmissionGuardrailsProps} (zero-trust/admission-guardrails.ts). */
export const ADMISSION_GUARDRAILS_PROPS: PropsSpec = {
  excludedNamespaces: t.arrayOf(t.str()),
  kyvernoNamespace: t.str(),
  netAdminNamespaces: t.arrayOf(t.str()),
  exceptions: t.arrayOf(t.instanceOf('GuardrailException', () => GuardrailException)),
  networkPolicyAction: t.enumOf('GuardrailAction', () => GuardrailAction, 'Enforce or Audit (GuardrailAction.ENFORCE or GuardrailAction.AUDIT)'),
  podHardeningAction: t.enumOf('GuardrailAction', () => GuardrailAction, 'Enforce or Audit (GuardrailAction.ENFORCE or GuardrailAction.AUDIT)'),
  dnsNamespace: t.str(),
  dnsPodLabels: t.mapOf(t.str()),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
  defaultDeny: t.enumOf('DefaultDenyMechanism', () => DefaultDenyMechanism, DEFAULT_DENY_EXPECTED),
  policyApiVersion: t.enumOf('NetworkPolicyApiVersion', () => NetworkPolicyApiVersion, API_VERSION_EXPECTED),
};

/** {@link ClusterBaselineProps} (zero-trust/cluster-baseline.ts). */
export const CLUSTER_BASELINE_PROPS: PropsSpec = {
  apiVersion: t.enumOf('NetworkPolicyApiVersion', () => NetworkPolicyApiVersion, API_VERSION_EXPECTED),
  namespaceLabels: t.mapOf(t.str()),
  excludedNamespaces: t.arrayOf(t.str()),
  dnsNamespace: t.str(),
  dnsPodLabels: t.mapOf(t.str()),
  allowFromNamespaces: t.arrayOf(t.str()),
  allowToNamespaces: t.arrayOf(t.str()),
  priority: t.num(),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
};

/** {@link CloudMetadataDenyProps} (zero-trust/cloud-metadata-deny.ts). */
export const CLOUD_METADATA_DENY_PROPS: PropsSpec = {
  priority: t.required(t.num()),
  apiVersion: t.enumOf('NetworkPolicyApiVersion', () => NetworkPolicyApiVersion, API_VERSION_EXPECTED),
  exceptNamespaces: t.arrayOf(t.str()),
  extraNetworks: t.arrayOf(t.str()),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
};

/** {@link TenantIsolationProps} (zero-trust/tenant-isolation.ts). */
export const TENANT_ISOLATION_PROPS: PropsSpec = {
  tenantLabel: t.required(t.str()),
  tenants: t.required(t.arrayOf(t.str())),
  priority: t.required(t.num()),
  apiVersion: t.enumOf('NetworkPolicyApiVersion', () => NetworkPolicyApiVersion, API_VERSION_EXPECTED),
  enforcement: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
};

/** {@link NamespaceDelegationProps} (zero-trust/namespace-delegation.ts). */
export const NAMESPACE_DELEGATION_PROPS: PropsSpec = {
  priority: t.required(t.num()),
  namespaceLabels: t.required(t.mapOf(t.str())),
  fromNamespaceLabels: t.mapOf(t.str()),
  toNamespaceLabels: t.mapOf(t.str()),
  ports: t.arrayOf(t.instanceOf('Port', () => Port)),
  apiVersion: t.enumOf('NetworkPolicyApiVersion', () => NetworkPolicyApiVersion, API_VERSION_EXPECTED),
};

/** {@link AdmissionWebhookAccessProps} (zero-trust/admission-webhook-access.ts). */
export const ADMISSION_WEBHOOK_ACCESS_PROPS: PropsSpec = {
  namespace: t.required(t.str()),
  podLabels: t.required(t.mapOf(t.str())),
  port: t.required(t.instanceOf('Port', () => Port)),
  controlPlaneCidrs: t.required(t.arrayOf(t.str())),
};
