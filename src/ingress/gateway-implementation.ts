import { GATEWAY_NAME_LABEL, GatewayDataPlane } from './gateway-render';
import { CUSTOM_GATEWAY_IMPLEMENTATION_OPTIONS, ENVOY_GATEWAY_IMPLEMENTATION_OPTIONS, ISTIO_GATEWAY_IMPLEMENTATION_OPTIONS, NGINX_GATEWAY_FABRIC_IMPLEMENTATION_OPTIONS } from './props-specs';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Label, validateDns1123Subdomain, validateLabels } from '../core/validate';

/**
 * Options of {@link GatewayImplementation.istio}.
 */
export interface IstioGatewayImplementationOptions {
  /**
   * The GatewayClass (`spec.gatewayClassName`); Istio names the gateway's Deployment, Service and
   * ServiceAccount `<gateway>-<class>`.
   *
   * @default 'istio'
   */
  readonly className?: string;

  /**
   * Namespace of the istiod pods (the gateway's proxies fetch their configuration and
   * certificates there, TCP 15012).
   *
   * @default 'istio-system'
   */
  readonly istiodNamespace?: string;

  /**
   * Labels of the istiod pods.
   *
   * @default { app: 'istiod' }
   */
  readonly istiodLabels?: { [key: string]: string };

  /**
   * istiod is installed with `values.gateways.seccompProfile: { type: RuntimeDefault }`. Istio's
   * gateway pods have no seccomp profile otherwise, so Pod Security `restricted` (the
   * ZeroTrustNamespace default) and the seccomp guardrail reject them: without this, a gateway
   * namespace of the chart that enforces `restricted` is refused at synthesis. For istiod
   * installed elsewhere: when the chart has a MeshCluster, its `gatewaySeccompProfile` (default
   * true) decides, and claiming the profile against it is an error.
   *
   * @default false
   */
  readonly seccompProfileConfigured?: boolean;
}

/**
 * Options of {@link GatewayImplementation.envoyGateway}.
 */
export interface EnvoyGatewayImplementationOptions {
  /**
   * The GatewayClass (`spec.gatewayClassName`).
   *
   * @default 'eg'
   */
  readonly className?: string;

  /**
   * Namespace the Envoy proxies run in: Envoy Gateway's controller namespace in its default
   * (controller namespace) mode.
   *
   * @default 'envoy-gateway-system'
   */
  readonly namespace?: string;

  /**
   * Envoy Gateway's Gateway Namespace Mode: the proxies run in the Gateway's own namespace
   * (then `namespace` must not be set).
   *
   * @default false
   */
  readonly gatewayNamespaceMode?: boolean;
}

/**
 * Options of {@link GatewayImplementation.nginxGatewayFabric}.
 */
export interface NginxGatewayFabricImplementationOptions {
  /**
   * The GatewayClass (`spec.gatewayClassName`).
   *
   * @default 'nginx'
   */
  readonly className?: string;
}

/**
 * Options of {@link GatewayImplementation.custom}.
 */
export interface CustomGatewayImplementationOptions {
  /** The GatewayClass (`spec.gatewayClassName`). */
  readonly className: string;

  /** Labels of the data-plane pods that carry this Gateway's traffic (non-empty). */
  readonly podLabels: { [key: string]: string };

  /**
   * Namespace of the data-plane pods.
   *
   * @default - the Gateway's namespace
   */
  readonly namespace?: string;

  /**
   * Service account of the data-plane pods, if they are in the Istio mesh (their principal is
   * then admitted by the backends' AuthorizationPolicies).
   *
   * @default - not in the mesh (no mesh identity)
   */
  readonly serviceAccountName?: string;

  /**
   * Added to a listener port below 1024 to get the port the data-plane pods listen on (for
   * implementations that run unprivileged and remap, as Envoy Gateway does with 10000).
   *
   * @default 0
   */
  readonly privilegedPortOffset?: number;
}

interface ImplementationInit {
  readonly kind: string;
  readonly className: string;
  readonly namespace?: string;
  readonly podLabels?: { [key: string]: string };
  readonly serviceAccountName?: string;
  readonly privilegedPortOffset: number;
  readonly seccompProfileConfigured?: boolean;
  readonly istiod?: { namespace: string; labels: { [key: string]: string } };
}

function sortedLabels(m: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(m).sort()) {
    out[k] = m[k];
  }
  return out;
}

/**
 * The Gateway API implementation that serves a {@link SecureGateway}: its GatewayClass and where
 * the data-plane pods it creates for a Gateway run, with which labels (the only pods the backends
 * accept traffic from) and, in the mesh, which identity.
 *
 * Cilium is not offered: its Gateway traffic reaches the backends from the reserved `ingress`
 * identity of the per-node Envoy, which a Kubernetes NetworkPolicy cannot select (it needs a
 * CiliumNetworkPolicy with `fromEntities: [ingress]`).
 */
export class GatewayImplementation {
  /**
   * Istio (the default). For each Gateway, istiod deploys a Deployment, Service and
   * ServiceAccount named `<gateway>-<class>` in the Gateway's namespace; the pods carry
   * `gateway.networking.k8s.io/gateway-name: <gateway>` and are in the mesh with the identity
   * `<trust-domain>/ns/<namespace>/sa/<gateway>-<class>`, so the backends keep STRICT mTLS and
   * admit only that principal. The pods bind the listener ports themselves.
   *
   * @param options class and istiod
   */
  public static istio(options: IstioGatewayImplementationOptions = {}): GatewayImplementation {
    const path = 'GatewayImplementation.istio';
    checkOptions(path, 'options', 'IstioGatewayImplementationOptions', options, ISTIO_GATEWAY_IMPLEMENTATION_OPTIONS, true, false);
    const className = options.className ?? 'istio';
    validateDns1123Subdomain(path, 'className', className);
    const istiodNamespace = options.istiodNamespace ?? 'istio-system';
    validateDns1123Label(path, 'istiodNamespace', istiodNamespace);
    const istiodLabels = options.istiodLabels ?? { app: 'istiod' };
    validateLabels(path, 'istiodLabels', istiodLabels);
    if (Object.keys(istiodLabels).length === 0) {
      fail(path, 'istiodLabels', istiodLabels, 'at least one label of the istiod pods');
    }
    return new GatewayImplementation({
      kind: 'istio',
      className,
      privilegedPortOffset: 0,
      seccompProfileConfigured: options.seccompProfileConfigured ?? false,
      istiod: { namespace: istiodNamespace, labels: sortedLabels(istiodLabels) },
    });
  }

  /**
   * Envoy Gateway. Its proxies run in the controller namespace (`envoy-gateway-system`) unless
   * Gateway Namespace Mode is on, labelled `app.kubernetes.io/name: envoy`,
   * `app.kubernetes.io/component: proxy`, `app.kubernetes.io/managed-by: envoy-gateway`,
   * `gateway.envoyproxy.io/owning-gateway-name` and `-namespace`; they run unprivileged and
   * listen on listener port + 10000 for ports below 1024 (443 -> 10443). Not in the mesh.
   *
   * @param options class and namespace
   */
  public static envoyGateway(options: EnvoyGatewayImplementationOptions = {}): GatewayImplementation {
    const path = 'GatewayImplementation.envoyGateway';
    checkOptions(path, 'options', 'EnvoyGatewayImplementationOptions', options, ENVOY_GATEWAY_IMPLEMENTATION_OPTIONS, true, false);
    const className = options.className ?? 'eg';
    validateDns1123Subdomain(path, 'className', className);
    if (options.gatewayNamespaceMode && options.namespace !== undefined) {
      fail(path, 'namespace', options.namespace, 'no namespace with gatewayNamespaceMode (the proxies run in the Gateway\'s namespace)');
    }
    const namespace = options.gatewayNamespaceMode ? undefined : options.namespace ?? 'envoy-gateway-system';
    if (namespace !== undefined) {
      validateDns1123Label(path, 'namespace', namespace);
    }
    return new GatewayImplementation({ kind: 'envoy-gateway', className, namespace, privilegedPortOffset: 10000 });
  }

  /**
   * NGINX Gateway Fabric (2.x): one nginx Deployment and Service per Gateway, in the Gateway's
   * namespace, whose pods carry `gateway.networking.k8s.io/gateway-name: <gateway>` and listen
   * on the listener ports. Not in the mesh.
   *
   * @param options class
   */
  public static nginxGatewayFabric(options: NginxGatewayFabricImplementationOptions = {}): GatewayImplementation {
    checkOptions('GatewayImplementation.nginxGatewayFabric', 'options', 'NginxGatewayFabricImplementationOptions', options, NGINX_GATEWAY_FABRIC_IMPLEMENTATION_OPTIONS, true, false);
    const className = options.className ?? 'nginx';
    validateDns1123Subdomain('GatewayImplementation.nginxGatewayFabric', 'className', className);
    return new GatewayImplementation({ kind: 'nginx-gateway-fabric', className, privilegedPortOffset: 0 });
  }

  /**
   * Any other GatewayClass, by name: give the labels (and namespace) of its data-plane pods.
   *
   * @param options class, pods, identity and port mapping
   */
  public static custom(options: CustomGatewayImplementationOptions): GatewayImplementation {
    const path = 'GatewayImplementation.custom';
    if (options === undefined || options === null) {
      fail(path, 'options', options, 'CustomGatewayImplementationOptions with className and podLabels');
    }
    checkOptions(path, 'options', 'CustomGatewayImplementationOptions', options, CUSTOM_GATEWAY_IMPLEMENTATION_OPTIONS, false, false);
    validateDns1123Subdomain(path, 'className', options.className);
    if (options.podLabels === undefined || options.podLabels === null) {
      fail(path, 'podLabels', options.podLabels, 'the labels of the data-plane pods');
    }
    validateLabels(path, 'podLabels', options.podLabels);
    if (Object.keys(options.podLabels).length === 0) {
      fail(path, 'podLabels', options.podLabels, 'at least one label (an empty selector would admit every pod of the namespace)');
    }
    if (options.namespace !== undefined) {
      validateDns1123Label(path, 'namespace', options.namespace);
    }
    if (options.serviceAccountName !== undefined) {
      validateDns1123Subdomain(path, 'serviceAccountName', options.serviceAccountName);
    }
    const offset = options.privilegedPortOffset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset + 1023 > 65535) {
      fail(path, 'privilegedPortOffset', offset, 'an integer from 0 to 64512');
    }
    return new GatewayImplementation({
      kind: 'custom',
      className: options.className,
      namespace: options.namespace,
      podLabels: sortedLabels(options.podLabels),
      serviceAccountName: options.serviceAccountName,
      privilegedPortOffset: offset,
    });
  }

  private readonly init: ImplementationInit;

  private constructor(init: ImplementationInit) {
    this.init = init;
  }

  /** `istio`, `envoy-gateway`, `nginx-gateway-fabric` or `custom`. */
  public get kind(): string {
    return this.init.kind;
  }

  /** The GatewayClass name. */
  public get className(): string {
    return this.init.className;
  }

  /** True if the data-plane pods are in the Istio mesh with their own identity. */
  public get inMesh(): boolean {
    return this.init.kind === 'istio' || this.init.serviceAccountName !== undefined;
  }

  /**
   * Where the data plane of one Gateway runs.
   *
   * @param path construct path for errors
   * @param gateway the Gateway's name
   * @param namespace the Gateway's namespace
   * @internal
   */
  public _dataPlane(path: string, gateway: string, namespace: string): GatewayDataPlane {
    const i = this.init;
    const podPort = (p: number) => (p < 1024 ? p + i.privilegedPortOffset : p);
    switch (i.kind) {
      case 'istio': {
        const sa = `${gateway}-${i.className}`;
        if (sa.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(sa)) {
          fail(path, 'name', gateway, `a Gateway name that gives a Service name of at most 63 characters: Istio names the Deployment, Service and ServiceAccount ${sa}`);
        }
        return {
          namespace,
          podLabels: { [GATEWAY_NAME_LABEL]: gateway },
          serviceAccountName: sa,
          podPort,
          istiod: i.istiod,
          unconfinedSeccomp: !i.seccompProfileConfigured,
        };
      }
      case 'envoy-gateway':
        return {
          namespace: i.namespace ?? namespace,
          podLabels: {
            'app.kubernetes.io/component': 'proxy',
            'app.kubernetes.io/managed-by': 'envoy-gateway',
            'app.kubernetes.io/name': 'envoy',
            'gateway.envoyproxy.io/owning-gateway-name': gateway,
            'gateway.envoyproxy.io/owning-gateway-namespace': namespace,
          },
          podPort,
        };
      case 'nginx-gateway-fabric':
        return { namespace, podLabels: { [GATEWAY_NAME_LABEL]: gateway }, podPort };
      default:
        return { namespace: i.namespace ?? namespace, podLabels: { ...i.podLabels! }, serviceAccountName: i.serviceAccountName, podPort };
    }
  }
}
