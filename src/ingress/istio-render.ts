/**
 * Renders a SecureIngress for an Istio ingress gateway (internal): a Gateway in the gateway's
 * namespace and one VirtualService per host in the backend namespace.
 */
import { Construct } from 'constructs';
import { ResolvedBackend } from './internal';
import { toKubeName } from '../core/strings';
import {
  Gateway, GatewaySpecServersTlsMode, VirtualService, VirtualServiceSpecHttp, VirtualServiceSpecHttpMatch,
} from '../imports/networking.istio.io';

/** One route, resolved. */
export interface IstioRoute {
  readonly host: string;
  readonly path: string;
  readonly pathType: string;
  readonly backend: ResolvedBackend;
}

/** What the renderer needs. */
export interface IstioRenderInput {
  readonly name: string;
  readonly namespace: string;
  readonly gatewayNamespace: string;
  readonly selector: { [key: string]: string };
  readonly hsts?: string;
  readonly routes: IstioRoute[];
  readonly tls: { hosts: string[]; secretName: string }[];
  readonly labels?: { [key: string]: string };
}

function matches(r: IstioRoute): VirtualServiceSpecHttpMatch[] {
  if (r.pathType === 'Exact') {
    return [{ uri: { exact: r.path } }];
  }
  if (r.pathType === 'ImplementationSpecific') {
    return [{ uri: { regex: r.path } }];
  }
  // Ingress Prefix matches whole path elements: /api matches /api and /api/x, not /apix
  if (r.path === '/') {
    return [{ uri: { prefix: '/' } }];
  }
  const p = r.path.replace(/\/+$/, '');
  return [{ uri: { exact: p } }, { uri: { prefix: `${p}/` } }];
}

/** Exact first, then longer paths first (the Ingress's longest-match rule; Istio takes the first match). */
function order(a: IstioRoute, b: IstioRoute): number {
  const ra = a.pathType === 'Exact' ? 0 : 1;
  const rb = b.pathType === 'Exact' ? 0 : 1;
  if (ra !== rb) {
    return ra - rb;
  }
  if (a.path.length !== b.path.length) {
    return b.path.length - a.path.length;
  }
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Creates the Gateway and VirtualServices under `scope`. */
export function renderIstio(scope: Construct, input: IstioRenderInput): { gateway: Gateway; virtualServices: VirtualService[] } {
  const hosts = Array.from(new Set(input.routes.map((r) => r.host)));
  const gatewayName = toKubeName([input.namespace, input.name]);
  const gateway = new Gateway(scope, 'Gateway', {
    metadata: { name: gatewayName, namespace: input.gatewayNamespace, labels: input.labels },
    spec: {
      selector: { ...input.selector },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [...hosts], tls: { httpsRedirect: true } },
        ...input.tls.map((t, i) => ({
          port: { number: 443, name: `https-${i}`, protocol: 'HTTPS' },
          hosts: [...t.hosts],
          tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: t.secretName },
        })),
      ],
    },
  });
  const virtualServices = hosts.map((host, i) => {
    const http: VirtualServiceSpecHttp[] = input.routes.filter((r) => r.host === host).sort(order).map((r) => ({
      match: matches(r),
      route: [{
        destination: {
          host: `${r.backend.serviceName}.${input.namespace}.svc.cluster.local`,
          port: { number: r.backend.servicePort },
        },
      }],
      ...(input.hsts ? { headers: { response: { set: { 'Strict-Transport-Security': input.hsts } } } } : {}),
    }));
    return new VirtualService(scope, `VirtualService${i}`, {
      metadata: {
        name: toKubeName([input.name, host.replace(/^\*\./, 'wildcard.')]),
        namespace: input.namespace,
        labels: input.labels,
      },
      spec: { hosts: [host], gateways: [`${input.gatewayNamespace}/${gatewayName}`], http },
    });
  });
  return { gateway, virtualServices };
}
