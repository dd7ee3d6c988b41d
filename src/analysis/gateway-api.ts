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

/** True for a `gateway.networking.k8s.io` HTTPRoute. */
export function isHttpRoute(o: any): boolean {
  return o?.kind === 'HTTPRoute' && String(o.apiVersion ?? '').startsWith('gateway.networking.k8s.io/');
}

function selects(svc: any, pod: PodInfo): boolean {
  const sel = svc?.spec?.selector;
  return !!sel && Object.keys(sel).length > 0 && Object.keys(sel).every((k) => pod.labels[k] === String(sel[k]));
}

function matchText(m: any): string {
  const p = m?.path ?? { type: 'PathPrefix', value: '/' };
  return [m?.method, `${p.type ?? 'PathPrefix'} ${p.value ?? '/'}`].filter((x) => x).join(' ');
}

/**
 * The HTTPRoute matches a gateway's pod forwards to a destination pod, as L7 notes: for every
 * HTTPRoute attached to the gateway (`parentRefs`) whose rule has a backend Service selecting the
 * destination, `HTTPRoute <ns>/<name>: <hostnames> <match>` (long) and `<host><path>` (short).
 */
export function routeNotes(services: any[], routes: any[], src: PodInfo, dst: PodInfo): { l7: string[]; l7Short: string[] } {
  const gateway = src.labels['gateway.networking.k8s.io/gateway-name'];
  const l7: string[] = [];
  const l7Short: string[] = [];
  if (gateway === undefined) return { l7, l7Short };
  for (const r of routes) {
    const ns = r.metadata?.namespace ?? 'default';
    const attached = (r.spec?.parentRefs ?? []).some((p: any) => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gateway && (p.namespace ?? ns) === src.ns);
    if (!attached) continue;
    const hosts: string[] = r.spec?.hostnames ?? ['*'];
    for (const rule of r.spec?.rules ?? []) {
      const hit = (rule.backendRefs ?? []).some((b: any) => (b.kind ?? 'Service') === 'Service' && (b.namespace ?? ns) === dst.ns
        && services.some((s) => (s.metadata?.namespace ?? 'default') === dst.ns && s.metadata?.name === b.name && selects(s, dst)));
      if (!hit) continue;
      for (const m of rule.matches ?? [{}]) {
        l7.push(`HTTPRoute ${ns}/${r.metadata?.name}: ${hosts.join(',')} ${matchText(m)}`);
        l7Short.push(...hosts.map((h) => `${h}${m?.path?.value ?? '/'}`));
      }
    }
  }
  return { l7, l7Short };
}
