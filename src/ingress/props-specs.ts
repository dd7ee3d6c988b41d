/**
 * Runtime type specs of the props of ingress's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { GatewayCertificate } from './gateway-certificate';
import { GatewayImplementation } from './gateway-implementation';
import { IngressBackend } from './ingress-backend';
import { IngressCertificate } from './ingress-certificate';
import { IngressController } from './ingress-controller';
import { GatewayPathMatch } from './secure-gateway';
import { BackendProtocol, IngressPathType } from './secure-ingress';
import { PropsSpec, t } from '../core/props-check';

/** {@link NginxIngressControllerOptions} (ingress/ingress-controller.ts). */
export const NGINX_INGRESS_CONTROLLER_OPTIONS: PropsSpec = {
  className: t.str(),
  namespace: t.str(),
  podLabels: t.mapOf(t.str()),
};

/** {@link IstioIngressGatewayOptions} (ingress/ingress-controller.ts). */
export const ISTIO_INGRESS_GATEWAY_OPTIONS: PropsSpec = {
  namespace: t.str(),
  podLabels: t.mapOf(t.str()),
  hsts: t.str(),
};

/** {@link CustomIngressControllerOptions} (ingress/ingress-controller.ts). */
export const CUSTOM_INGRESS_CONTROLLER_OPTIONS: PropsSpec = {
  className: t.required(t.str()),
  namespace: t.required(t.str()),
  podLabels: t.required(t.mapOf(t.str())),
  redirectAnnotations: t.mapOf(t.str()),
  backendHttpsAnnotations: t.mapOf(t.str()),
  hstsAnnotations: t.mapOf(t.str()),
};

/** {@link CertManagerCertificateOptions} (ingress/ingress-certificate.ts). */
export const CERT_MANAGER_CERTIFICATE_OPTIONS: PropsSpec = {
  secretName: t.str(),
};

/** {@link ServiceBackendOptions} (ingress/ingress-backend.ts). */
export const SERVICE_BACKEND_OPTIONS: PropsSpec = {
  port: t.num(),
};

/** {@link WorkloadBackendOptions} (ingress/ingress-backend.ts). */
export const WORKLOAD_BACKEND_OPTIONS: PropsSpec = {
  port: t.num(),
  servicePort: t.num(),
  serviceName: t.str(),
};

/** {@link SecureIngressRule} (ingress/secure-ingress.ts). */
export const SECURE_INGRESS_RULE: PropsSpec = {
  host: t.required(t.str()),
  path: t.str(),
  pathType: t.enumOf('IngressPathType', () => IngressPathType),
  backend: t.required(t.instanceOf('IngressBackend', () => IngressBackend)),
};

/** {@link SecureIngressTls} (ingress/secure-ingress.ts). */
export const SECURE_INGRESS_TLS: PropsSpec = {
  hosts: t.required(t.arrayOf(t.str())),
  certificate: t.required(t.instanceOf('IngressCertificate', () => IngressCertificate)),
};

/** {@link SecureIngressProps} (ingress/secure-ingress.ts). */
export const SECURE_INGRESS_PROPS: PropsSpec = {
  name: t.str(),
  rules: t.required(t.arrayOf(t.struct('SecureIngressRule', () => SECURE_INGRESS_RULE))),
  certificate: t.instanceOf('IngressCertificate', () => IngressCertificate),
  tls: t.arrayOf(t.struct('SecureIngressTls', () => SECURE_INGRESS_TLS)),
  controller: t.instanceOf('IngressController', () => IngressController),
  backendProtocol: t.enumOf('BackendProtocol', () => BackendProtocol),
  requireZeroTrustNamespace: t.bool(),
  labels: t.labels(),
  annotations: t.annotations(),
};

/** {@link GatewaySecretOptions} (ingress/gateway-certificate.ts). */
export const GATEWAY_SECRET_OPTIONS: PropsSpec = {
  namespace: t.str(),
};

/** {@link IstioGatewayImplementationOptions} (ingress/gateway-implementation.ts). */
export const ISTIO_GATEWAY_IMPLEMENTATION_OPTIONS: PropsSpec = {
  className: t.str(),
  istiodNamespace: t.str(),
  istiodLabels: t.mapOf(t.str()),
  seccompProfileConfigured: t.bool(),
};

/** {@link EnvoyGatewayImplementationOptions} (ingress/gateway-implementation.ts). */
export const ENVOY_GATEWAY_IMPLEMENTATION_OPTIONS: PropsSpec = {
  className: t.str(),
  namespace: t.str(),
  gatewayNamespaceMode: t.bool(),
};

/** {@link NginxGatewayFabricImplementationOptions} (ingress/gateway-implementation.ts). */
export const NGINX_GATEWAY_FABRIC_IMPLEMENTATION_OPTIONS: PropsSpec = {
  className: t.str(),
};

/** {@link CustomGatewayImplementationOptions} (ingress/gateway-implementation.ts). */
export const CUSTOM_GATEWAY_IMPLEMENTATION_OPTIONS: PropsSpec = {
  className: t.required(t.str()),
  podLabels: t.required(t.mapOf(t.str())),
  namespace: t.str(),
  serviceAccountName: t.str(),
  privilegedPortOffset: t.num(),
};

/** {@link SecureGatewayRoute} (ingress/secure-gateway.ts). */
export const SECURE_GATEWAY_ROUTE: PropsSpec = {
  host: t.required(t.str()),
  path: t.str(),
  pathMatch: t.enumOf('GatewayPathMatch', () => GatewayPathMatch),
  backend: t.required(t.instanceOf('IngressBackend', () => IngressBackend)),
};

/** {@link SecureGatewayTls} (ingress/secure-gateway.ts). */
export const SECURE_GATEWAY_TLS: PropsSpec = {
  hosts: t.required(t.arrayOf(t.str())),
  certificate: t.required(t.instanceOf('GatewayCertificate', () => GatewayCertificate)),
};

/** {@link SecureGatewayProps} (ingress/secure-gateway.ts). */
export const SECURE_GATEWAY_PROPS: PropsSpec = {
  name: t.str(),
  namespace: t.required(t.str()),
  routes: t.required(t.arrayOf(t.struct('SecureGatewayRoute', () => SECURE_GATEWAY_ROUTE))),
  certificate: t.instanceOf('GatewayCertificate', () => GatewayCertificate),
  tls: t.arrayOf(t.struct('SecureGatewayTls', () => SECURE_GATEWAY_TLS)),
  implementation: t.instanceOf('GatewayImplementation', () => GatewayImplementation),
  allowedRouteNamespaces: t.arrayOf(t.str()),
  clients: t.object('IPeer', 'a peer (Peer.workload, Peer.pods, Peer.cidr, ..., or a ZeroTrustNamespace)'),
  hsts: t.str(),
  requireZeroTrustNamespace: t.bool(),
  labels: t.labels(),
  annotations: t.annotations(),
};
