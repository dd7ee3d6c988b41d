/**
 * The objects of a SecureIngress, rendered from its plan as plain props (pure functions; not
 * exported from the package index). The Istio gateway's are in `istio-render.ts`.
 */
import { k8s } from 'cdk8s-plus-27';
import type { IstioRenderInput } from './istio-render';
import type { SecureIngressPlan, SecureIngressTlsEntry } from './secure-ingress-plan';
import type { CertificateProps } from '../imports/cert-manager.io';

/** The Ingress: its class, a TLS entry per certificate, one rule per host with the host's paths in rule order. */
export function renderIngress(plan: SecureIngressPlan): k8s.KubeIngressProps {
  const hostOrder = Array.from(new Set(plan.routes.map((r) => r.host)));
  return {
    metadata: { name: plan.name, namespace: plan.namespace, labels: plan.labels, annotations: plan.annotations },
    spec: {
      ingressClassName: plan.controller.className,
      tls: plan.tls.map((t) => ({ hosts: [...t.hosts], secretName: t.secretName })),
      rules: hostOrder.map((host) => ({
        host,
        http: {
          paths: plan.routes.filter((r) => r.host === host).map((r) => ({
            path: r.path,
            pathType: r.pathType,
            backend: { service: { name: r.backend.serviceName, port: { number: r.backend.servicePort } } },
          })),
        },
      })),
    },
  };
}

/** What `renderIstio` needs for an Istio gateway. */
export function istioInput(plan: SecureIngressPlan): IstioRenderInput {
  return {
    name: plan.name,
    namespace: plan.namespace,
    gatewayNamespace: plan.controller.namespace,
    selector: plan.controller.podLabels,
    hsts: plan.controller.hstsHeader,
    labels: plan.labels,
    routes: plan.routes.map((r) => ({ host: r.host, path: r.path, pathType: r.pathType, backend: r.backend })),
    tls: plan.tls.map((t) => ({ hosts: [...t.hosts], secretName: t.secretName })),
  };
}

/**
 * The cert-manager Certificate of a TLS entry whose certificate is `IngressCertificate.certManager`
 * (in the gateway's namespace with Istio, which reads credentialName from there).
 */
export function renderCertificate(plan: SecureIngressPlan, t: SecureIngressTlsEntry): CertificateProps {
  const issuer = t.certificate.issuer!;
  return {
    metadata: { name: t.secretName, namespace: plan.istio ? plan.controller.namespace : plan.namespace },
    spec: {
      secretName: t.secretName,
      dnsNames: [...t.hosts].sort(),
      issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
    },
  };
}
