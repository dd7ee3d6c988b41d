import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { workloadServices } from './gateway-render';
import { IngressBackend } from './ingress-backend';
import { CertificateSource, IngressCertificate } from './ingress-certificate';
import { IngressController } from './ingress-controller';
import { NGINX_STRICT_PATH, ResolvedBackend, serviceSelector, tlsCovers } from './internal';
import { renderIstio } from './istio-render';
import { SECURE_INGRESS_PROPS } from './props-specs';
import { Port } from '../core/port';
import { toKubeName } from '../core/strings';
import {
  fail, validateDns1123Subdomain, validateHostname, validateLabelKey, validateLabels,
} from '../core/validate';
import { Flows, IPeer, Peer } from '../flows';
import { checkConstruct } from '../flows/chart-checks';
import { Certificate } from '../imports/cert-manager.io';

/** How a path is matched (`spec.rules[].http.paths[].pathType`). */
export enum IngressPathType {
  /** Prefix match on `/`-separated elements. */
  PREFIX = 'Prefix',
  /** Exact, case-sensitive match. */
  EXACT = 'Exact',
  /** Up to the controller (ingress-nginx: regex when `use-regex` is set). */
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** The protocol the controller speaks to the backend. */
export enum BackendProtocol {
  /** Plain HTTP (TLS ends at the controller). */
  HTTP = 'HTTP',
  /** HTTPS to the backend (re-encrypted). */
  HTTPS = 'HTTPS',
}

/** One route of a {@link SecureIngress}: host + path to a backend. */
export interface SecureIngressRule {
  /** Host name (`*.example.com` allowed: the wildcard stands for exactly one label). */
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
   * @default IngressPathType.PREFIX
   */
  readonly pathType?: IngressPathType;

  /** Where the traffic goes. */
  readonly backend: IngressBackend;
}

/** One TLS entry: hosts and where their certificate comes from. */
export interface SecureIngressTls {
  /** Hosts the certificate covers (`*.example.com` covers one label). */
  readonly hosts: string[];

  /** The certificate. */
  readonly certificate: IngressCertificate;
}

/** Properties of a {@link SecureIngress}. */
export interface SecureIngressProps {
  /**
   * Name of the Ingress.
   *
   * @default - generated from the construct path
   */
  readonly name?: string;

  /** Routes (at least one; every one has a host covered by TLS). */
  readonly rules: SecureIngressRule[];

  /**
   * One certificate for every host of the rules (exclusive with `tls`).
   *
   * @default - use `tls`
   */
  readonly certificate?: IngressCertificate;

  /**
   * TLS entries (exclusive with `certificate`); every rule host must be covered by one.
   *
   * @default - one entry for every host, from `certificate`
   */
  readonly tls?: SecureIngressTls[];

  /**
   * The ingress controller (class, pods, annotations).
   *
   * @default IngressController.nginx()
   */
  readonly controller?: IngressController;

  /**
   * The protocol the controller speaks to the backends.
   *
   * @default BackendProtocol.HTTP
   */
  readonly backendProtocol?: BackendProtocol;

  /**
   * Require the backend namespace to be managed (default-deny) by a ZeroTrustNamespace of the
   * same chart; without it nothing denies other traffic to the backend. Set to false only if
   * another chart manages that namespace's policies.
   *
   * @default true
   */
  readonly requireZeroTrustNamespace?: boolean;

  /**
   * Extra labels of the Ingress.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Extra annotations of the Ingress (they may not override the redirect, HSTS, backend
   * protocol or cert-manager annotations).
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

interface Tls { hosts: string[]; certificate: IngressCertificate; secretName: string }

const CONTROLLER_PEER_NAME = 'controller';

/**
 * A TLS-only `networking.k8s.io/v1` Ingress: `ingressClassName`, host/path rules to cdk8s-plus
 * Services or workloads, a TLS entry covering every host (existing Secret or cert-manager), the
 * controller's forced-redirect annotations, optional HTTPS to the backend, and a flow so that
 * the backend pods accept traffic only from the controller's pods, on the pod port only.
 *
 * Kept for clusters that still run an Ingress controller (ingress-nginx, retired upstream in
 * March 2026 with no more releases or security fixes, or a maintained fork); it keeps working
 * and is tested, but new entry points belong on the Gateway API.
 *
 * @deprecated use {@link SecureGateway} (Kubernetes Gateway API; with Istio the backends keep
 * STRICT mTLS and admit only the gateway's identity, no PERMISSIVE port). ingress-nginx was
 * retired upstream in March 2026.
 */
export class SecureIngress extends Construct {
  /**
   * The Ingress.
   *
   * @default - none with an Istio gateway
   */
  public readonly ingress?: k8s.KubeIngress;

  /**
   * The Istio Gateway (in the gateway's namespace).
   *
   * @default - none unless the controller is IngressController.istio()
   */
  public readonly gateway?: ApiObject;

  /** The Istio VirtualServices, one per host (empty unless the controller is Istio). */
  public readonly virtualServices: ApiObject[] = [];

  /** The Ingress name. */
  public readonly name: string;

  /** The namespace of the Ingress and its backends. */
  public readonly namespace: string;

  /** The controller. */
  public readonly controller: IngressController;

  /** The cert-manager Certificates emitted (empty for Secrets and ingress-shim). */
  public readonly certificates: ApiObject[] = [];

  /** The ClusterIP Services created for workload backends. */
  public readonly services: kplus.Service[] = [];

  private readonly requireManaged: boolean;
  private readonly backends: ResolvedBackend[];

  constructor(scope: Construct, id: string, props: SecureIngressProps) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'SecureIngressProps', props, SECURE_INGRESS_PROPS);
    if (props === undefined || props === null) {
      fail(path, 'props', props, 'SecureIngressProps with rules and a certificate');
    }
    const controller = props.controller ?? IngressController.nginx();
    if (!(controller instanceof IngressController)) {
      fail(path, 'controller', controller, 'an IngressController (IngressController.nginx(), IngressController.custom(...))');
    }
    this.controller = controller;
    this.requireManaged = props.requireZeroTrustNamespace ?? true;
    if (props.name !== undefined) {
      validateDns1123Subdomain(path, 'name', props.name);
    }
    validateLabels(path, 'labels', props.labels);
    for (const k of Object.keys(props.annotations ?? {}).sort()) {
      validateLabelKey(path, 'annotations key', k);
      if (typeof props.annotations![k] !== 'string') {
        fail(path, `annotations[${JSON.stringify(k)}]`, props.annotations![k], 'a string');
      }
      // snippets splice raw configuration into the controller's server blocks (CVE-2021-25742)
      if (/(^|\/|-)snippet$/.test(k)) {
        fail(path, 'annotations key', k, 'no *-snippet annotation: it injects raw controller configuration (use the construct\'s options, or the controller\'s global config)');
      }
      if (/[\r\n\0]/.test(props.annotations![k])) {
        fail(path, `annotations[${JSON.stringify(k)}]`, props.annotations![k], 'a single-line value (no CR, LF or NUL: a line break can inject controller configuration)');
      }
    }
    const protocol = props.backendProtocol ?? BackendProtocol.HTTP;
    if (!Object.values(BackendProtocol).includes(protocol)) {
      fail(path, 'backendProtocol', protocol, 'BackendProtocol.HTTP or BackendProtocol.HTTPS');
    }
    const istio = controller.kind === 'istio';
    if (protocol === BackendProtocol.HTTPS && controller.backendHttpsAnnotations === undefined) {
      fail(path, 'backendProtocol', protocol, istio
        ? 'HTTP with an Istio gateway (mesh mTLS encrypts gateway-to-backend traffic)'
        : 'HTTP, or a controller with backendHttpsAnnotations');
    }

    // rules
    const rules = props.rules;
    if (!Array.isArray(rules) || rules.length === 0) {
      fail(path, 'rules', rules, 'at least one rule with a host (an Ingress without hosts cannot be covered by TLS)');
    }
    const seen = new Set<string>();
    const resolved: ResolvedBackend[] = [];
    rules.forEach((r, i) => {
      if (r === undefined || r === null) {
        fail(path, `rules[${i}]`, r, 'a rule with host, path and backend');
      }
      if (r.host === undefined || r.host === '') {
        fail(path, `rules[${i}].host`, r.host, 'a host name (rules without a host match any host and cannot be covered by TLS)');
      }
      validateHostname(path, `rules[${i}].host`, r.host, true);
      const p = r.path ?? '/';
      const pt = r.pathType ?? IngressPathType.PREFIX;
      if (!Object.values(IngressPathType).includes(pt)) {
        fail(path, `rules[${i}].pathType`, pt, 'Prefix, Exact or ImplementationSpecific');
      }
      if (typeof p !== 'string' || !p.startsWith('/')) {
        fail(path, `rules[${i}].path`, p, 'a path starting with \'/\'');
      }
      if (controller.kind === 'nginx' && pt !== IngressPathType.IMPLEMENTATION_SPECIFIC && !NGINX_STRICT_PATH.test(p)) {
        fail(path, `rules[${i}].path`, p, 'a path of \'/\', letters, digits, \'_\' and \'-\' (ingress-nginx rejects other characters in Prefix and Exact paths; use ImplementationSpecific for regex paths)');
      }
      if (/[\s{};]/.test(p)) {
        fail(path, `rules[${i}].path`, p, 'a path without whitespace, braces or \';\'');
      }
      const key = `${r.host} ${pt} ${p}`;
      if (seen.has(key)) {
        fail(path, `rules[${i}]`, key, 'a host, path type and path not used by an earlier rule');
      }
      seen.add(key);
      if (!(r.backend instanceof IngressBackend)) {
        fail(path, `rules[${i}].backend`, r.backend, 'an IngressBackend (IngressBackend.fromService(svc), IngressBackend.fromWorkload(deployment))');
      }
      resolved.push(r.backend._resolve(path, `rules[${i}].backend`));
    });
    const namespace = resolved[0].namespace;
    resolved.forEach((b, i) => {
      if (b.namespace !== namespace) {
        fail(path, `rules[${i}].backend`, `${b.namespace}/${b.serviceName}`,
          `a backend in namespace ${namespace} (an Ingress routes only to Services of its own namespace)`);
      }
    });
    this.namespace = namespace;
    this.backends = resolved;

    // TLS
    if (props.certificate !== undefined && props.tls !== undefined) {
      fail(path, 'certificate', 'certificate and tls', 'either certificate (one entry for every host) or tls, not both');
    }
    const hostsInOrder = Array.from(new Set(rules.map((r) => r.host)));
    const tlsIn: SecureIngressTls[] = props.tls ?? (props.certificate !== undefined
      ? [{ hosts: hostsInOrder, certificate: props.certificate }] : []);
    if (!Array.isArray(tlsIn)) {
      fail(path, 'tls', tlsIn, 'a list of TLS entries');
    }
    const name = props.name ?? toKubeName([this.node.id, this.node.addr.slice(0, 8)]);
    this.name = name;
    const tls: Tls[] = tlsIn.map((t, i) => {
      if (t === undefined || t === null || !Array.isArray(t.hosts) || t.hosts.length === 0) {
        fail(path, `tls[${i}].hosts`, t?.hosts, 'a non-empty list of host names');
      }
      t.hosts.forEach((h, j) => validateHostname(path, `tls[${i}].hosts[${j}]`, h, true));
      if (!(t.certificate instanceof IngressCertificate)) {
        fail(path, `tls[${i}].certificate`, t.certificate,
          'an IngressCertificate (IngressCertificate.fromSecret(name), .certManager(issuer), .certManagerShim(issuer))');
      }
      const secretName = t.certificate.secretName ?? toKubeName([name, 'tls', i === 0 ? '' : String(i)]);
      return { hosts: Array.from(new Set(t.hosts)), certificate: t.certificate, secretName };
    });
    rules.forEach((r, i) => {
      if (!tls.some((t) => t.hosts.some((h) => tlsCovers(h, r.host)))) {
        fail(path, `rules[${i}].host`, r.host,
          `a host covered by a TLS entry (set certificate or a tls entry with ${r.host}, or a wildcard *.<parent> one label above it): every host is served over TLS only`);
      }
    });
    const managedSecrets = new Map<string, number>();
    let shim: IngressCertificate | undefined;
    tls.forEach((t, i) => {
      const c = t.certificate;
      if (c.source === CertificateSource.CERT_MANAGER_SHIM) {
        if (istio) {
          fail(path, `tls[${i}].certificate`, 'certManagerShim', 'IngressCertificate.certManager(...) or fromSecret(...) with an Istio gateway (the ingress-shim watches Ingresses)');
        }
        if (shim && (shim.issuer!.kind !== c.issuer!.kind || shim.issuer!.name !== c.issuer!.name)) {
          fail(path, `tls[${i}].certificate`, `${c.issuer!.kind}/${c.issuer!.name}`,
            `the ingress-shim issuer of the other entries (${shim.issuer!.kind}/${shim.issuer!.name}): one Ingress carries one issuer annotation`);
        }
        shim = c;
      }
      if (c.source !== CertificateSource.SECRET) {
        if (managedSecrets.has(t.secretName)) {
          fail(path, `tls[${i}].certificate.secretName`, t.secretName,
            `a Secret name not used by tls[${managedSecrets.get(t.secretName)}] (cert-manager writes one certificate per Secret)`);
        }
        managedSecrets.set(t.secretName, i);
      }
    });

    // annotations: user's, then the security ones (which they may not override)
    const security: { [key: string]: string } = {
      ...controller.redirectAnnotations,
      ...controller.hstsAnnotations,
      ...(protocol === BackendProtocol.HTTPS ? controller.backendHttpsAnnotations : {}),
    };
    if (shim) {
      security[shim.issuer!.shimAnnotation] = shim.issuer!.name;
    }
    const reserved = [
      ...Object.keys(security),
      'kubernetes.io/ingress.class',
      'cert-manager.io/issuer',
      'cert-manager.io/cluster-issuer',
    ];
    for (const k of Object.keys(props.annotations ?? {}).sort()) {
      if (reserved.includes(k)) {
        fail(path, `annotations[${JSON.stringify(k)}]`, props.annotations![k],
          'no value: this annotation is set by SecureIngress (class, redirect, HSTS, backend protocol, cert-manager issuer)');
      }
    }
    const all = { ...(props.annotations ?? {}), ...security };
    const annotations: { [key: string]: string } = {};
    for (const k of Object.keys(all).sort()) {
      annotations[k] = all[k];
    }

    // Services for workload backends (one per workload, with every port it is routed on)
    this.services.push(...workloadServices(this, path, resolved, 'rules[].backend'));

    // the Ingress, or the Istio Gateway and VirtualServices
    const hostOrder = Array.from(new Set(rules.map((r) => r.host)));
    if (istio) {
      const out = renderIstio(this, {
        name,
        namespace,
        gatewayNamespace: controller.namespace,
        selector: controller.podLabels,
        hsts: controller.hstsHeader,
        labels: props.labels,
        routes: rules.map((r, i) => ({ host: r.host, path: r.path ?? '/', pathType: r.pathType ?? IngressPathType.PREFIX, backend: resolved[i] })),
        tls: tls.map((t) => ({ hosts: [...t.hosts], secretName: t.secretName })),
      });
      this.gateway = out.gateway;
      this.virtualServices.push(...out.virtualServices);
    } else {
      this.ingress = new k8s.KubeIngress(this, 'Resource', {
        metadata: { name, namespace, labels: props.labels, annotations },
        spec: {
          ingressClassName: controller.className,
          tls: tls.map((t) => ({ hosts: [...t.hosts], secretName: t.secretName })),
          rules: hostOrder.map((host) => ({
            host,
            http: {
              paths: rules.map((r, i) => ({ r, b: resolved[i] })).filter((x) => x.r.host === host).map((x) => ({
                path: x.r.path ?? '/',
                pathType: x.r.pathType ?? IngressPathType.PREFIX,
                backend: { service: { name: x.b.serviceName, port: { number: x.b.servicePort } } },
              })),
            },
          })),
        },
      });
    }

    // cert-manager Certificates
    tls.forEach((t, i) => {
      if (t.certificate.source !== CertificateSource.CERT_MANAGER) {
        return;
      }
      const issuer = t.certificate.issuer!;
      // Istio reads credentialName from the gateway's namespace
      this.certificates.push(new Certificate(this, `Certificate${i}`, {
        metadata: { name: t.secretName, namespace: istio ? controller.namespace : namespace },
        spec: {
          secretName: t.secretName,
          dnsNames: [...t.hosts].sort(),
          issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
        },
      }));
    });

    // zero trust: the controller's pods, and only them, reach each backend on its pod port (declared
    // at synthesis, contributeFlows: a Service backend's selector is read then)
    const flows = Flows.of(this);
    flows.addContributor({ contributeFlows: (f) => this.contributeBackendFlows(f) });
    flows.addRenderer({ renderFlows: (f) => this.checkManagedNamespace(f) });
  }

  /**
   * Declares, at synthesis, the flows from the controller's pods to each backend's pods on its
   * pod port. A Service backend's pods are its selector as it is now, so `svc.select(...)` calls
   * made after the ingress are honoured.
   *
   * @param flows the chart's registry
   */
  private contributeBackendFlows(flows: Flows): void {
    const path = this.node.path;
    const controller = this.controller;
    const controllerPeer = Peer.pods(controller.podLabels, { namespace: controller.namespace, name: CONTROLLER_PEER_NAME });
    const backends = new Map<string, { peer: IPeer; ports: number[] }>();
    this.backends.forEach((b, i) => {
      let key: string;
      let peer: IPeer;
      if (b.workload) {
        key = `w:${b.workload.node.path}`;
        peer = Peer.workload(b.workload);
      } else {
        const labels = serviceSelector(path, `rules[${i}].backend`, b.service!);
        key = `s:${JSON.stringify(Object.entries(labels).sort())}`;
        peer = Peer.pods(labels, { namespace: b.namespace, name: toKubeName([b.name], 40) });
      }
      const e = backends.get(key) ?? { peer, ports: [] };
      e.ports.push(b.targetPort);
      backends.set(key, e);
    });
    for (const key of Array.from(backends.keys()).sort()) {
      const e = backends.get(key)!;
      flows.allow(controllerPeer, e.peer, {
        ports: Array.from(new Set(e.ports)).sort((a, b) => a - b).map((p) => Port.tcp(p)),
        description: `ingress ${this.namespace}/${this.name} via ${controller.className}`,
      });
    }
  }

  /**
   * Checks, at synthesis, that the backend namespace is managed by a ZeroTrustNamespace of the
   * chart (unless `requireZeroTrustNamespace` is false).
   *
   * @param flows the chart's registry
   */
  private checkManagedNamespace(flows: Flows): void {
    if (this.requireManaged && !flows.isManaged(this.namespace)) {
      fail(this.node.path, 'namespace', this.namespace,
        'a namespace managed by a ZeroTrustNamespace in this chart (default-deny: otherwise any pod may reach the backend), or requireZeroTrustNamespace: false if another chart manages it');
    }
  }
}
