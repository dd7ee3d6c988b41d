import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayCertificate } from './gateway-certificate';
import { GatewayImplementation } from './gateway-implementation';
import { checkDataPlaneNamespace, GATEWAY_GROUP, GatewayDataPlane, listenerName, sortedMap, validateGatewayPath, workloadServices } from './gateway-render';
import { IngressBackend } from './ingress-backend';
import { CertificateSource } from './ingress-certificate';
import { ResolvedBackend, serviceSelector, tlsCovers } from './internal';
import { SECURE_GATEWAY_PROPS } from './props-specs';
import { addIstioGateway } from '../core/mesh-install';
import { Port } from '../core/port';
import { checkArgs, t as types } from '../core/props-check';
import { shortHash, toKubeName } from '../core/strings';
import {
  fail, validateDns1123Label, validateDns1123Subdomain, validateHostname, validateLabelKey, validateLabels,
} from '../core/validate';
import { Flows, IPeer, Peer } from '../flows';
import { checkConstruct } from '../flows/chart-checks';
import { Certificate } from '../imports/cert-manager.io';
import {
  Gateway, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode,
  HttpRoute, HttpRouteSpecRules, HttpRouteSpecRulesFiltersRequestRedirectScheme, HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType, HttpRouteSpecRulesMatchesPathType, ReferenceGrant,
} from '../imports/gateway.networking.k8s.io';

/** How an HTTPRoute matches a path (`matches[].path.type`). */
export enum GatewayPathMatch {
  /** Prefix match on `/`-separated elements (`/api` matches `/api` and `/api/x`, not `/apix`). */
  PREFIX = 'PathPrefix',
  /** Exact, case-sensitive match. */
  EXACT = 'Exact',
}

/** One route of a {@link SecureGateway}: host + path to a backend. */
export interface SecureGatewayRoute {
  /** Host name (`*.example.com` allowed). */
  readonly host: string;

  /**
   * Path, starting with `/`.
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * How the path is matched.
   *
   * @default GatewayPathMatch.PREFIX
   */
  readonly pathMatch?: GatewayPathMatch;

  /** Where the traffic goes (its namespace holds the HTTPRoute). */
  readonly backend: IngressBackend;
}

/** One TLS entry: hosts and where their certificate comes from. */
export interface SecureGatewayTls {
  /** Hosts the certificate covers (`*.example.com` covers one label). */
  readonly hosts: string[];

  /** The certificate. */
  readonly certificate: GatewayCertificate;
}

/** Properties of a {@link SecureGateway}. */
export interface SecureGatewayProps {
  /**
   * Name of the Gateway.
   *
   * @default - generated from the construct path
   */
  readonly name?: string;

  /** Namespace of the Gateway (and, with Istio and NGINX Gateway Fabric, of its data-plane pods). */
  readonly namespace: string;

  /** Routes (at least one; every host gets its own HTTPS listener and must be covered by TLS). */
  readonly routes: SecureGatewayRoute[];

  /**
   * One certificate for every host (exclusive with `tls`).
   *
   * @default - use `tls`
   */
  readonly certificate?: GatewayCertificate;

  /**
   * TLS entries (exclusive with `certificate`); every route host must be covered by one.
   *
   * @default - one entry for every host, from `certificate`
   */
  readonly tls?: SecureGatewayTls[];

  /**
   * The Gateway API implementation (GatewayClass and data-plane pods).
   *
   * @default GatewayImplementation.istio()
   */
  readonly implementation?: GatewayImplementation;

  /**
   * Namespaces (by name) whose HTTPRoutes may attach to the HTTPS listeners (`allowedRoutes`).
   * Must include the namespaces of the routes' backends. The HTTP listener admits routes of the
   * Gateway's namespace only (its redirect).
   *
   * @default - the namespaces of the routes' backends
   */
  readonly allowedRouteNamespaces?: string[];

  /**
   * Who may connect to the listeners (a flow to the data-plane pods on the listener ports).
   *
   * @default Peer.anyIpv4() (load balancers and node ports may present any source address)
   */
  readonly clients?: IPeer;

  /**
   * The `Strict-Transport-Security` header set on every HTTPS response (HTTPRoute
   * `ResponseHeaderModifier`); empty string for none.
   *
   * @default 'max-age=31536000; includeSubDomains'
   */
  readonly hsts?: string;

  /**
   * Require every backend namespace to be managed (default-deny) by a ZeroTrustNamespace of the
   * same chart.
   *
   * @default true
   */
  readonly requireZeroTrustNamespace?: boolean;

  /**
   * Extra labels of the Gateway and HTTPRoutes.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Extra annotations of the Gateway (not the cert-manager issuer ones).
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

interface Route { host: string; path: string; match: GatewayPathMatch; backend: ResolvedBackend }
interface Cert { secretName: string; secretNamespace: string; certificate: GatewayCertificate; hosts: string[] }

const HSTS = /^max-age=\d+(; ?includeSubDomains)?(; ?preload)?$/;
const MAX_RULES = 16;
const MAX_HOSTNAMES = 16;
/** Gateway annotations Istio reads to name the deployment and service account it creates. */
const ISTIO_NAMING_ANNOTATIONS = ['gateway.istio.io/name-override', 'gateway.istio.io/service-account'];

/**
 * A TLS-only entry point on the Kubernetes Gateway API (v1): a Gateway with one HTTPS listener
 * per host (certificate from a Secret or cert-manager) and an HTTP listener whose only route
 * redirects to HTTPS (301), HTTPRoutes in the backends' namespaces, ReferenceGrants for
 * certificates in other namespaces, and flows so that the backends accept traffic only from the
 * Gateway's data-plane pods (with Istio, only from its mesh identity), on the pod port only.
 */
export class SecureGateway extends Construct {
  /** The Gateway. */
  public readonly gateway: ApiObject;

  /** The HTTPRoutes to the backends (one per host and backend namespace). */
  public readonly routes: ApiObject[] = [];

  /** The HTTPRoutes that redirect plain HTTP to HTTPS (one per 16 hosts). */
  public readonly redirectRoutes: ApiObject[] = [];

  /** The ReferenceGrants (one per namespace holding a certificate Secret of the Gateway). */
  public readonly referenceGrants: ApiObject[] = [];

  /** The cert-manager Certificates emitted (empty for Secrets and cert-manager's Gateway support). */
  public readonly certificates: ApiObject[] = [];

  /** The ClusterIP Services created for workload backends. */
  public readonly services: kplus.Service[] = [];

  /** The Gateway name. */
  public readonly name: string;

  /** The Gateway namespace. */
  public readonly namespace: string;

  /** The implementation. */
  public readonly implementation: GatewayImplementation;

  private readonly dataPlane: GatewayDataPlane;
  private readonly resolved: Route[];
  private readonly clients: IPeer;
  private readonly requireManaged: boolean;

  constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    super(scope, id);
    const path = this.node.path;
    if (props === undefined || props === null) {
      fail(path, 'props', props, 'SecureGatewayProps with namespace, routes and a certificate');
    }
    checkConstruct(this, 'SecureGatewayProps', props, SECURE_GATEWAY_PROPS);
    const implementation = props.implementation ?? GatewayImplementation.istio();
    if (!(implementation instanceof GatewayImplementation)) {
      fail(path, 'implementation', implementation, 'a GatewayImplementation (GatewayImplementation.istio(), .envoyGateway(), .nginxGatewayFabric(), .custom(...))');
    }
    this.implementation = implementation;
    validateDns1123Label(path, 'namespace', props.namespace);
    this.namespace = props.namespace;
    if (props.name !== undefined) {
      validateDns1123Subdomain(path, 'name', props.name);
    }
    this.name = props.name ?? toKubeName([this.node.id, this.node.addr.slice(0, 8)], 50);
    validateLabels(path, 'labels', props.labels);
    this.dataPlane = implementation._dataPlane(path, this.name, this.namespace);
    if (this.dataPlane.istiod) {
      // istiod deploys the pods: the zero-trust checks judge them as it will create them
      addIstioGateway(Chart.of(this), {
        path, name: this.name, namespace: this.namespace, className: implementation.className, seccompClaimed: !this.dataPlane.unconfinedSeccomp,
      });
    }
    this.clients = props.clients ?? Peer.anyIpv4();
    this.requireManaged = props.requireZeroTrustNamespace ?? true;
    const hsts = props.hsts ?? 'max-age=31536000; includeSubDomains';
    if (typeof hsts !== 'string' || (hsts !== '' && !HSTS.test(hsts))) {
      fail(path, 'hsts', hsts, 'an HSTS value like max-age=31536000; includeSubDomains (optionally ; preload), or \'\' for none');
    }

    this.resolved = this.resolveRoutes(props.routes);
    const hosts = Array.from(new Set(this.resolved.map((r) => r.host)));
    if (hosts.length > 63) {
      fail(path, 'routes', `${hosts.length} hosts`, 'at most 63 hosts (a Gateway has at most 64 listeners: one HTTPS listener per host and the HTTP one)');
    }
    const certs = this.resolveTls(props, hosts);
    const allowed = this.allowedNamespaces(props.allowedRouteNamespaces);
    this.services.push(...workloadServices(this, path, this.resolved.map((r) => r.backend)));
    this.gateway = this.renderGateway(props, hosts, certs, allowed);
    this.renderRoutes(hsts, props.labels);
    this.renderRedirects(hosts, props.labels);
    this.renderCertificates(certs);

    const flows = Flows.of(this);
    flows.addContributor({ contributeFlows: (f) => this.contributeGatewayFlows(f) });
    flows.addRenderer({ renderFlows: (f) => this.renderGatewayFlows(f) });
  }

  /**
   * The HTTPRoutes that carry a host (one per backend namespace), e.g. for a k8gb `Gslb` whose
   * `resourceRef` names an HTTPRoute (k8gb reads the Gateway's addresses through its parentRefs).
   *
   * @param host a host of the routes
   */
  public routesFor(host: string): ApiObject[] {
    checkArgs(this.node.path, ['host', host, types.required(types.str())]);
    return this.routes.filter((r) => r.toJson().spec.hostnames.includes(host));
  }

  /**
   * Declares, at synthesis, the flows of the Gateway: from the clients to the data-plane pods on
   * the listener ports, from the data-plane pods to each backend's pods on its pod port (with
   * Istio, as the gateway's mesh identity), and from an Istio gateway's pods to istiod.
   *
   * @param flows the chart's registry
   */
  private contributeGatewayFlows(flows: Flows): void {
    const dp = this.dataPlane;
    const gatewayPeer = Peer.pods(dp.podLabels, {
      namespace: dp.namespace, serviceAccountName: dp.serviceAccountName, name: toKubeName(['gateway', this.name], 40),
    });
    const via = `gateway ${this.namespace}/${this.name} (${this.implementation.className})`;
    flows.allow(this.clients, gatewayPeer, {
      ports: [80, 443].map((p) => Port.tcp(dp.podPort(p))), description: `clients of ${via}`,
    });
    if (dp.istiod) {
      // istiod deploys the gateway with its own proxy and identity: an mTLS caller of meshed backends
      flows._addMeshProxy(dp.namespace, dp.podLabels);
      flows.allow(gatewayPeer, Peer.pods(dp.istiod.labels, { namespace: dp.istiod.namespace, name: 'istiod' }), {
        ports: [Port.tcp(15012)], description: `xDS and certificates of ${via}`,
      });
    }
    const backends = new Map<string, { peer: IPeer; ports: number[] }>();
    this.resolved.forEach((r, i) => {
      const b = r.backend;
      let key: string;
      let peer: IPeer;
      if (b.workload) {
        key = `w:${b.workload.node.path}`;
        peer = Peer.workload(b.workload);
      } else {
        const labels = serviceSelector(this.node.path, `routes[${i}].backend`, b.service!);
        key = `s:${b.namespace}:${JSON.stringify(Object.entries(labels).sort())}`;
        peer = Peer.pods(labels, { namespace: b.namespace, name: toKubeName([b.name], 40) });
      }
      const e = backends.get(key) ?? { peer, ports: [] };
      e.ports.push(b.targetPort);
      backends.set(key, e);
    });
    for (const key of Array.from(backends.keys()).sort()) {
      const e = backends.get(key)!;
      flows.allow(gatewayPeer, e.peer, {
        ports: Array.from(new Set(e.ports)).sort((a, b) => a - b).map((p) => Port.tcp(p)), description: `routes of ${via}`,
      });
    }
  }

  /**
   * Checks, at synthesis, that the data plane can be deployed in its namespace as the chart
   * defines it (a LoadBalancer Service allowed; with Istio, Pod Security `restricted` only if
   * istiod sets a seccomp profile) and that every backend namespace is managed by a
   * ZeroTrustNamespace of the chart (unless `requireZeroTrustNamespace` is false).
   *
   * @param flows the chart's registry
   */
  private renderGatewayFlows(flows: Flows): void {
    checkDataPlaneNamespace(this, this.node.path, this.dataPlane);
    if (!this.requireManaged) {
      return;
    }
    for (const ns of Array.from(new Set(this.resolved.map((r) => r.backend.namespace))).sort()) {
      if (!flows.isManaged(ns)) {
        fail(this.node.path, 'routes[].backend.namespace', ns,
          'a namespace managed by a ZeroTrustNamespace in this chart (default-deny: otherwise any pod may reach the backend), or requireZeroTrustNamespace: false if another chart manages it');
      }
    }
  }

  private resolveRoutes(routes: SecureGatewayRoute[]): Route[] {
    const path = this.node.path;
    if (!Array.isArray(routes) || routes.length === 0) {
      fail(path, 'routes', routes, 'at least one route with a host (a listener without a host cannot be covered by its certificate)');
    }
    const seen = new Set<string>();
    return routes.map((r, i) => {
      if (r === undefined || r === null) {
        fail(path, `routes[${i}]`, r, 'a route with host, path and backend');
      }
      if (typeof r.host !== 'string' || r.host === '') {
        fail(path, `routes[${i}].host`, r.host, 'a host name (a route without a host matches any host and cannot be covered by TLS)');
      }
      validateHostname(path, `routes[${i}].host`, r.host, true);
      const p = r.path ?? '/';
      const match = r.pathMatch ?? GatewayPathMatch.PREFIX;
      if (!Object.values(GatewayPathMatch).includes(match)) {
        fail(path, `routes[${i}].pathMatch`, match, 'GatewayPathMatch.PREFIX (PathPrefix) or GatewayPathMatch.EXACT (Exact)');
      }
      validateGatewayPath(path, `routes[${i}].path`, p);
      const key = `${r.host} ${match} ${p}`;
      if (seen.has(key)) {
        fail(path, `routes[${i}]`, key, 'a host, path match and path not used by an earlier route');
      }
      seen.add(key);
      if (!(r.backend instanceof IngressBackend)) {
        fail(path, `routes[${i}].backend`, r.backend, 'an IngressBackend (IngressBackend.fromService(svc), IngressBackend.fromWorkload(deployment))');
      }
      return { host: r.host, path: p, match, backend: r.backend._resolve(path, `routes[${i}].backend`) };
    });
  }

  private resolveTls(props: SecureGatewayProps, hosts: string[]): Map<string, Cert> {
    const path = this.node.path;
    if (props.certificate !== undefined && props.tls !== undefined) {
      fail(path, 'certificate', 'certificate and tls', 'either certificate (one entry for every host) or tls, not both');
    }
    const tlsIn: SecureGatewayTls[] = props.tls ?? (props.certificate !== undefined ? [{ hosts, certificate: props.certificate }] : []);
    if (!Array.isArray(tlsIn)) {
      fail(path, 'tls', tlsIn, 'a list of TLS entries');
    }
    const managed = new Map<string, number>();
    let shim: GatewayCertificate | undefined;
    const entries: Cert[] = tlsIn.map((t, i) => {
      if (t === undefined || t === null || !Array.isArray(t.hosts) || t.hosts.length === 0) {
        fail(path, `tls[${i}].hosts`, t?.hosts, 'a non-empty list of host names');
      }
      t.hosts.forEach((h, j) => validateHostname(path, `tls[${i}].hosts[${j}]`, h, true));
      const c = t.certificate;
      if (!(c instanceof GatewayCertificate)) {
        fail(path, `tls[${i}].certificate`, c, 'a GatewayCertificate (GatewayCertificate.fromSecret(name), .certManager(issuer), .certManagerShim(issuer))');
      }
      const secretName = c.secretName ?? toKubeName([this.name, 'tls', i === 0 ? '' : String(i)]);
      if (c.source === CertificateSource.CERT_MANAGER_SHIM) {
        if (shim && (shim.issuer!.kind !== c.issuer!.kind || shim.issuer!.name !== c.issuer!.name)) {
          fail(path, `tls[${i}].certificate`, `${c.issuer!.kind}/${c.issuer!.name}`,
            `the cert-manager issuer of the other entries (${shim.issuer!.kind}/${shim.issuer!.name}): one Gateway carries one issuer annotation`);
        }
        shim = c;
      }
      if (c.source !== CertificateSource.SECRET) {
        if (managed.has(secretName)) {
          fail(path, `tls[${i}].certificate.secretName`, secretName, `a Secret name not used by tls[${managed.get(secretName)}] (cert-manager writes one certificate per Secret)`);
        }
        managed.set(secretName, i);
      }
      return { secretName, secretNamespace: c.secretNamespace ?? this.namespace, certificate: c, hosts: Array.from(new Set(t.hosts)) };
    });
    const byHost = new Map<string, Cert>();
    for (const h of hosts) {
      const cert = entries.find((e) => e.hosts.includes(h)) ?? entries.find((e) => e.hosts.some((c) => tlsCovers(c, h)));
      if (!cert) {
        const i = this.resolved.findIndex((r) => r.host === h);
        fail(path, `routes[${i}].host`, h,
          `a host covered by a TLS entry (set certificate or a tls entry with ${h}, or a wildcard *.<parent> one label above it): every host is served over TLS only`);
      }
      byHost.set(h, cert);
    }
    return byHost;
  }

  private allowedNamespaces(input: string[] | undefined): string[] {
    const path = this.node.path;
    const needed = Array.from(new Set(this.resolved.map((r) => r.backend.namespace))).sort();
    if (input === undefined) {
      return needed;
    }
    if (!Array.isArray(input) || input.length === 0) {
      fail(path, 'allowedRouteNamespaces', input, 'a non-empty list of namespace names');
    }
    input.forEach((n, i) => validateDns1123Label(path, `allowedRouteNamespaces[${i}]`, n));
    for (const ns of needed) {
      if (!input.includes(ns)) {
        fail(path, 'allowedRouteNamespaces', input, `a list that includes ${ns}, the namespace of a route's backend (its HTTPRoute would not attach)`);
      }
    }
    return Array.from(new Set(input)).sort();
  }

  private renderGateway(props: SecureGatewayProps, hosts: string[], certs: Map<string, Cert>, allowed: string[]): ApiObject {
    const path = this.node.path;
    const annotations: { [key: string]: string } = {};
    for (const k of Object.keys(props.annotations ?? {}).sort()) {
      validateLabelKey(path, 'annotations key', k);
      if (typeof props.annotations![k] !== 'string' || k === 'cert-manager.io/issuer' || k === 'cert-manager.io/cluster-issuer') {
        fail(path, `annotations[${JSON.stringify(k)}]`, props.annotations![k], 'a string, on a key other than the cert-manager issuer annotations (set by GatewayCertificate.certManagerShim)');
      }
      if (this.implementation.kind === 'istio' && ISTIO_NAMING_ANNOTATIONS.includes(k)) {
        fail(path, `annotations[${JSON.stringify(k)}]`, props.annotations![k],
          `no value: Istio would name the gateway's pods or service account after it, not ${this.name}-${this.implementation.className}, and the backends admit that identity`);
      }
      annotations[k] = props.annotations![k];
    }
    const shim = Array.from(certs.values()).find((c) => c.certificate.source === CertificateSource.CERT_MANAGER_SHIM);
    if (shim) {
      annotations[shim.certificate.issuer!.shimAnnotation] = shim.certificate.issuer!.name;
    }
    const sameOnly = allowed.length === 1 && allowed[0] === this.namespace;
    const httpsRoutes = sameOnly
      ? { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } }
      : {
        namespaces: {
          from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
          selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: allowed }] },
        },
      };
    const listeners: GatewaySpecListeners[] = [
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } } },
      ...hosts.map((h) => {
        const c = certs.get(h)!;
        return {
          name: listenerName(h),
          hostname: h,
          port: 443,
          protocol: 'HTTPS',
          tls: {
            mode: GatewaySpecListenersTlsMode.TERMINATE,
            certificateRefs: [{
              group: '',
              kind: 'Secret',
              name: c.secretName,
              ...(c.secretNamespace === this.namespace ? {} : { namespace: c.secretNamespace }),
            }],
          },
          allowedRoutes: httpsRoutes,
        };
      }),
    ];
    return new Gateway(this, 'Gateway', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: props.labels ? sortedMap(props.labels) : undefined,
        annotations: Object.keys(annotations).length > 0 ? sortedMap(annotations) : undefined,
      },
      spec: { gatewayClassName: this.implementation.className, listeners },
    });
  }

  private parentRef(sectionName: string, routeNamespace: string) {
    return {
      group: GATEWAY_GROUP,
      kind: 'Gateway',
      name: this.name,
      ...(routeNamespace === this.namespace ? {} : { namespace: this.namespace }),
      sectionName,
    };
  }

  private renderRoutes(hsts: string, labels: { [key: string]: string } | undefined): void {
    const groups = new Map<string, Route[]>();
    for (const r of this.resolved) {
      const key = `${r.backend.namespace} ${r.host}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const names = new Set<string>();
    for (const key of Array.from(groups.keys()).sort()) {
      const rs = groups.get(key)!;
      const { host, backend: { namespace } } = rs[0];
      if (rs.length > MAX_RULES) {
        fail(this.node.path, 'routes', `${rs.length} routes for ${host} in ${namespace}`, `at most ${MAX_RULES} paths per host and backend namespace (an HTTPRoute has at most ${MAX_RULES} rules)`);
      }
      let name = toKubeName([this.name, host.replace(/^\*\./, 'wildcard.')]);
      if (names.has(`${namespace}/${name}`)) {
        name = toKubeName([name.slice(0, 50), shortHash(host, 6)]);
      }
      names.add(`${namespace}/${name}`);
      const rules: HttpRouteSpecRules[] = rs.map((r) => ({
        matches: [{ path: { type: r.match as string as HttpRouteSpecRulesMatchesPathType, value: r.path } }],
        ...(hsts === '' ? {} : {
          filters: [{
            type: HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER,
            responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: hsts }] },
          }],
        }),
        backendRefs: [{ name: r.backend.serviceName, port: r.backend.servicePort }],
      }));
      this.routes.push(new HttpRoute(this, `Route-${namespace}-${host}`, {
        metadata: { name, namespace, labels: labels ? sortedMap(labels) : undefined },
        spec: { parentRefs: [this.parentRef(listenerName(host), namespace)], hostnames: [host], rules },
      }));
    }
  }

  private renderRedirects(hosts: string[], labels: { [key: string]: string } | undefined): void {
    for (let i = 0; i < hosts.length; i += MAX_HOSTNAMES) {
      const n = i / MAX_HOSTNAMES;
      this.redirectRoutes.push(new HttpRoute(this, `Redirect${n}`, {
        metadata: {
          name: toKubeName([this.name, 'https-redirect', n === 0 ? '' : String(n)]),
          namespace: this.namespace,
          labels: labels ? sortedMap(labels) : undefined,
        },
        spec: {
          parentRefs: [this.parentRef('http', this.namespace)],
          hostnames: hosts.slice(i, i + MAX_HOSTNAMES),
          rules: [{
            filters: [{
              type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
              requestRedirect: {
                scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
              },
            }],
          }],
        },
      }));
    }
  }

  private renderCertificates(certs: Map<string, Cert>): void {
    const unique = new Map<string, Cert>();
    const hostsOf = new Map<string, string[]>();
    for (const [host, c] of certs) {
      const key = `${c.secretNamespace}/${c.secretName}`;
      unique.set(key, c);
      hostsOf.set(key, [...(hostsOf.get(key) ?? []), host]);
    }
    const grants = new Map<string, string[]>();
    for (const key of Array.from(unique.keys()).sort()) {
      const c = unique.get(key)!;
      if (c.certificate.source === CertificateSource.CERT_MANAGER) {
        const issuer = c.certificate.issuer!;
        this.certificates.push(new Certificate(this, `Certificate-${c.secretName}`, {
          metadata: { name: c.secretName, namespace: this.namespace },
          spec: {
            secretName: c.secretName,
            dnsNames: Array.from(new Set([...c.hosts, ...hostsOf.get(key)!])).sort(),
            issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
          },
        }));
      }
      if (c.secretNamespace !== this.namespace) {
        grants.set(c.secretNamespace, [...(grants.get(c.secretNamespace) ?? []), c.secretName]);
      }
    }
    for (const ns of Array.from(grants.keys()).sort()) {
      this.referenceGrants.push(new ReferenceGrant(this, `ReferenceGrant-${ns}`, {
        metadata: { name: toKubeName([this.namespace, this.name, 'certificates']), namespace: ns },
        spec: {
          from: [{ group: GATEWAY_GROUP, kind: 'Gateway', namespace: this.namespace }],
          to: Array.from(new Set(grants.get(ns)!)).sort().map((name) => ({ group: '', kind: 'Secret', name })),
        },
      }));
    }
  }
}
