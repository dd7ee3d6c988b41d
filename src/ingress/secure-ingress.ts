import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { workloadServices } from './gateway-render';
import { IngressBackend } from './ingress-backend';
import { CertificateSource, IngressCertificate } from './ingress-certificate';
import { IngressController } from './ingress-controller';
import { ResolvedBackend, serviceSelector } from './internal';
import { renderIstio } from './istio-render';
import { SECURE_INGRESS_PROPS } from './props-specs';
import { planSecureIngress } from './secure-ingress-plan';
import { istioInput, renderCertificate, renderIngress } from './secure-ingress-render';
import { Port } from '../core/port';
import { toKubeName } from '../core/strings';
import { fail } from '../core/validate';
import { Flows, IPeer, Peer } from '../flows';
import { checkConstruct } from '../flows/chart-checks';
import { keepsChartScan } from '../flows/chart-scan';
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
    const plan = planSecureIngress(path, toKubeName([this.node.id, this.node.addr.slice(0, 8)]), props);
    this.controller = plan.controller;
    this.requireManaged = plan.requireManaged;
    this.namespace = plan.namespace;
    this.backends = plan.routes.map((r) => r.backend);
    this.name = plan.name;

    // Services for workload backends (one per workload, with every port it is routed on)
    this.services.push(...workloadServices(this, path, this.backends, 'rules[].backend'));

    // the Ingress, or the Istio Gateway and VirtualServices
    if (plan.istio) {
      const out = renderIstio(this, istioInput(plan));
      this.gateway = out.gateway;
      this.virtualServices.push(...out.virtualServices);
    } else {
      this.ingress = new k8s.KubeIngress(this, 'Resource', renderIngress(plan));
    }

    // cert-manager Certificates
    plan.tls.forEach((t, i) => {
      if (t.certificate.source === CertificateSource.CERT_MANAGER) {
        this.certificates.push(new Certificate(this, `Certificate${i}`, renderCertificate(plan, t)));
      }
    });

    // zero trust: the controller's pods, and only them, reach each backend on its pod port (declared
    // at synthesis, contributeFlows: a Service backend's selector is read then)
    const flows = Flows.of(this);
    // declares flows only (its peers are the library's): the render phase's chart scan stays current
    flows.addContributor(keepsChartScan({ contributeFlows: (f: Flows) => this.contributeBackendFlows(f) }));
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
