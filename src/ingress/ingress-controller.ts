import { CUSTOM_INGRESS_CONTROLLER_OPTIONS, ISTIO_INGRESS_GATEWAY_OPTIONS, NGINX_INGRESS_CONTROLLER_OPTIONS } from './props-specs';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Label, validateDns1123Subdomain, validateLabelKey, validateLabels } from '../core/validate';

/**
 * Options of {@link IngressController.nginx}.
 */
export interface NginxIngressControllerOptions {
  /**
   * The IngressClass name (`spec.ingressClassName`).
   *
   * @default 'nginx'
   */
  readonly className?: string;

  /**
   * Namespace the controller pods run in.
   *
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;

  /**
   * Labels of the controller pods (the only pods the backends accept traffic from).
   *
   * @default { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * Options of {@link IngressController.istio}.
 */
export interface IstioIngressGatewayOptions {
  /**
   * Namespace of the Istio ingress gateway pods. The Gateway is created there, and the TLS
   * Secrets must live there too (Istio reads `credentialName` from the gateway's namespace).
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Labels of the gateway pods (the Gateway's `selector`).
   *
   * @default { istio: 'ingressgateway' }
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * The `Strict-Transport-Security` header value set on every response (VirtualService
   * `headers.response.set`); empty string for none.
   *
   * @default 'max-age=31536000; includeSubDomains'
   */
  readonly hsts?: string;
}

/**
 * Options of {@link IngressController.custom}.
 */
export interface CustomIngressControllerOptions {
  /** The IngressClass name (`spec.ingressClassName`). */
  readonly className: string;

  /** Namespace the controller pods run in. */
  readonly namespace: string;

  /** Labels of the controller pods (non-empty). */
  readonly podLabels: { [key: string]: string };

  /**
   * Annotations that make the controller redirect plain HTTP to HTTPS for this Ingress.
   * Leave empty only if the controller redirects globally (document it where you deploy it).
   *
   * @default - none
   */
  readonly redirectAnnotations?: { [key: string]: string };

  /**
   * Annotations that make the controller speak HTTPS to the backend (required to use
   * `BackendProtocol.HTTPS` with this controller).
   *
   * @default - the controller cannot be told to use HTTPS to the backend
   */
  readonly backendHttpsAnnotations?: { [key: string]: string };

  /**
   * Annotations that make the controller send `Strict-Transport-Security` for this Ingress, if
   * it supports HSTS per Ingress.
   *
   * @default - none (HSTS is configured globally, if at all)
   */
  readonly hstsAnnotations?: { [key: string]: string };
}

interface ControllerInit {
  readonly kind: string;
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  readonly redirectAnnotations: { [key: string]: string };
  readonly backendHttpsAnnotations?: { [key: string]: string };
  readonly hstsAnnotations: { [key: string]: string };
  readonly hstsHeader?: string;
}

const NGINX = 'nginx.ingress.kubernetes.io';

function sorted(m: { [key: string]: string } | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(m ?? {}).sort()) {
    out[k] = m![k];
  }
  return out;
}

function checkAnnotations(path: string, field: string, m: { [key: string]: string } | undefined): void {
  if (m === undefined) {
    return;
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    fail(path, field, m, 'a map of annotation keys to string values');
  }
  for (const k of Object.keys(m).sort()) {
    validateLabelKey(path, `${field} key`, k);
    if (typeof m[k] !== 'string') {
      fail(path, `${field}[${JSON.stringify(k)}]`, m[k], 'a string');
    }
  }
}

/**
 * The ingress controller that serves a {@link SecureIngress}: its IngressClass, where its pods
 * run (the only pods the backends accept traffic from) and the annotations it understands.
 */
export class IngressController {
  /**
   * ingress-nginx (kubernetes/ingress-nginx). Forced redirect with the `ssl-redirect` and
   * `force-ssl-redirect` annotations; HTTPS to the backend with `backend-protocol: HTTPS`.
   *
   * HSTS: ingress-nginx sets `Strict-Transport-Security` from its ConfigMap (`hsts`,
   * `hsts-max-age`, `hsts-include-subdomains`, `hsts-preload`; on by default) for every
   * Ingress; it has no per-Ingress HSTS annotation (a `configuration-snippet` could add the
   * header, but snippet annotations are disabled by default for security reasons), so none is
   * emitted.
   *
   * @param options class name, namespace and pod labels of the controller
   */
  public static nginx(options: NginxIngressControllerOptions = {}): IngressController {
    const path = 'IngressController.nginx';
    checkOptions(path, 'options', 'NginxIngressControllerOptions', options, NGINX_INGRESS_CONTROLLER_OPTIONS, true, false);
    const className = options.className ?? 'nginx';
    const namespace = options.namespace ?? 'ingress-nginx';
    const podLabels = options.podLabels ?? {
      'app.kubernetes.io/name': 'ingress-nginx',
      'app.kubernetes.io/component': 'controller',
    };
    validateDns1123Subdomain(path, 'className', className);
    validateDns1123Label(path, 'namespace', namespace);
    validateLabels(path, 'podLabels', podLabels);
    if (Object.keys(podLabels).length === 0) {
      fail(path, 'podLabels', podLabels, 'at least one label (an empty selector would admit every pod of the namespace)');
    }
    return new IngressController({
      kind: 'nginx',
      className,
      namespace,
      podLabels: sorted(podLabels),
      redirectAnnotations: {
        [`${NGINX}/force-ssl-redirect`]: 'true',
        [`${NGINX}/ssl-redirect`]: 'true',
      },
      backendHttpsAnnotations: { [`${NGINX}/backend-protocol`]: 'HTTPS' },
      hstsAnnotations: {},
    });
  }

  /**
   * An Istio ingress gateway: the same intent rendered as an Istio `Gateway` (HTTP server with
   * `httpsRedirect`, one HTTPS server per TLS entry with `credentialName`) in the gateway's
   * namespace and a `VirtualService` per host in the backend namespace, with HSTS set per route.
   * No Ingress is emitted. HTTPS to the backend and the cert-manager ingress-shim are not
   * supported with it (in a mesh, the sidecars encrypt gateway-to-backend traffic with mTLS).
   *
   * @param options namespace, pod labels and HSTS of the gateway
   */
  public static istio(options: IstioIngressGatewayOptions = {}): IngressController {
    const path = 'IngressController.istio';
    checkOptions(path, 'options', 'IstioIngressGatewayOptions', options, ISTIO_INGRESS_GATEWAY_OPTIONS, true, false);
    const namespace = options.namespace ?? 'istio-system';
    const podLabels = options.podLabels ?? { istio: 'ingressgateway' };
    validateDns1123Label(path, 'namespace', namespace);
    validateLabels(path, 'podLabels', podLabels);
    if (Object.keys(podLabels).length === 0) {
      fail(path, 'podLabels', podLabels, 'at least one label (the Gateway selector and the only pods admitted by the backends)');
    }
    const hsts = options.hsts ?? 'max-age=31536000; includeSubDomains';
    if (typeof hsts !== 'string' || (hsts !== '' && !/^max-age=\d+(; ?includeSubDomains)?(; ?preload)?$/.test(hsts))) {
      fail(path, 'hsts', hsts, 'an HSTS value like max-age=31536000; includeSubDomains (optionally ; preload), or \'\' for none');
    }
    return new IngressController({
      kind: 'istio',
      className: 'istio',
      namespace,
      podLabels: sorted(podLabels),
      redirectAnnotations: {},
      hstsAnnotations: {},
      hstsHeader: hsts === '' ? undefined : hsts,
    });
  }

  /**
   * Any other controller: give its class, where its pods run and the annotations it needs.
   *
   * @param options class, pods and annotations of the controller
   */
  public static custom(options: CustomIngressControllerOptions): IngressController {
    const path = 'IngressController.custom';
    checkOptions(path, 'options', 'CustomIngressControllerOptions', options, CUSTOM_INGRESS_CONTROLLER_OPTIONS, false, false);
    if (options === undefined || options === null) {
      fail(path, 'options', options, 'CustomIngressControllerOptions with className, namespace and podLabels');
    }
    validateDns1123Subdomain(path, 'className', options.className);
    validateDns1123Label(path, 'namespace', options.namespace);
    if (options.podLabels === undefined || options.podLabels === null) {
      fail(path, 'podLabels', options.podLabels, 'the labels of the controller pods');
    }
    validateLabels(path, 'podLabels', options.podLabels);
    if (Object.keys(options.podLabels).length === 0) {
      fail(path, 'podLabels', options.podLabels, 'at least one label (an empty selector would admit every pod of the namespace)');
    }
    checkAnnotations(path, 'redirectAnnotations', options.redirectAnnotations);
    checkAnnotations(path, 'backendHttpsAnnotations', options.backendHttpsAnnotations);
    checkAnnotations(path, 'hstsAnnotations', options.hstsAnnotations);
    return new IngressController({
      kind: 'custom',
      className: options.className,
      namespace: options.namespace,
      podLabels: sorted(options.podLabels),
      redirectAnnotations: sorted(options.redirectAnnotations),
      backendHttpsAnnotations: options.backendHttpsAnnotations === undefined ? undefined : sorted(options.backendHttpsAnnotations),
      hstsAnnotations: sorted(options.hstsAnnotations),
    });
  }

  private readonly init: ControllerInit;

  private constructor(init: ControllerInit) {
    this.init = init;
  }

  /** `nginx`, `istio` or `custom`. */
  public get kind(): string {
    return this.init.kind;
  }

  /** The IngressClass name. */
  public get className(): string {
    return this.init.className;
  }

  /** Namespace of the controller pods. */
  public get namespace(): string {
    return this.init.namespace;
  }

  /** Labels of the controller pods. */
  public get podLabels(): { [key: string]: string } {
    return { ...this.init.podLabels };
  }

  /** Annotations forcing the HTTP to HTTPS redirect. */
  public get redirectAnnotations(): { [key: string]: string } {
    return { ...this.init.redirectAnnotations };
  }

  /**
   * Annotations for HTTPS to the backend.
   *
   * @default - not supported
   */
  public get backendHttpsAnnotations(): { [key: string]: string } | undefined {
    return this.init.backendHttpsAnnotations === undefined ? undefined : { ...this.init.backendHttpsAnnotations };
  }

  /**
   * The HSTS header an Istio gateway sets per route.
   *
   * @default - none
   */
  public get hstsHeader(): string | undefined {
    return this.init.hstsHeader;
  }

  /** Annotations for per-Ingress HSTS (empty when the controller configures HSTS globally). */
  public get hstsAnnotations(): { [key: string]: string } {
    return { ...this.init.hstsAnnotations };
  }
}
