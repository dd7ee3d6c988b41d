/**
 * Kubernetes Gateway API gateways as the analyzer sees them (internal): the pods an
 * implementation deploys for a Gateway are not in the manifests, so they are modelled from the
 * Gateway. Only Istio's automated deployment (class `istio`) is known here: istiod deploys
 * `<gateway>-istio` in the Gateway's namespace, with the labels and service account of Istio
 * 1.30's kube-gateway template, and the proxy listens on the listener ports.
 */
import { ContainerPort, PodInfo } from './model';

/** The class whose automated deployment is modelled. */
const ISTIO_CLASS = 'istio';

/** True for a `gateway.networking.k8s.io` Gateway. */
export function isGatewayApiGateway(o: any): boolean {
  return o?.kind === 'Gateway' && String(o.apiVersion ?? '').startsWith('gateway.networking.k8s.io/');
}

/**
 * The pod Istio deploys for a Gateway of class `istio` (owner `Deployment <gateway>-istio`), or
 * undefined for another class.
 */
export function istioGatewayPod(o: any): PodInfo | undefined {
  const name = o?.metadata?.name;
  if (!isGatewayApiGateway(o) || o.spec?.gatewayClassName !== ISTIO_CLASS || typeof name !== 'string') return undefined;
  const deployment = `${name}-${ISTIO_CLASS}`;
  const ports: ContainerPort[] = [];
  for (const l of o.spec?.listeners ?? []) {
    const port = Number(l?.port);
    if (Number.isInteger(port) && !ports.some((p) => p.port === port)) ports.push({ port, protocol: 'TCP' });
  }
  ports.sort((a, b) => a.port - b.port);
  return {
    ns: o.metadata.namespace ?? 'default',
    name: deployment,
    labels: {
      'gateway.istio.io/managed': 'istio.io-gateway-controller',
      'gateway.networking.k8s.io/gateway-class-name': ISTIO_CLASS,
      'gateway.networking.k8s.io/gateway-name': name,
      'service.istio.io/canonical-name': deployment,
      'service.istio.io/canonical-revision': 'latest',
      'sidecar.istio.io/inject': 'false',
    },
    ports,
    serviceAccount: deployment,
    ownerKind: 'Deployment',
    ownerName: deployment,
    annotations: {},
    hostNetwork: false,
  };
}
