/**
 * The benchmark's workload: a fleet of clusters, each with `services` hardened services spread
 * over zero-trust namespaces (10 services per namespace), built with the public API only.
 *
 * Per service: a ServiceAccount, a Deployment (hardened by its ZeroTrustNamespace), a ClusterIP
 * Service, and flows from its callers with an L7 (method + path) restriction, which give the
 * NetworkPolicies of both ends and an Istio ALLOW rule (every namespace is mesh-protected).
 * The first service of each namespace is its front door: reachable from the ingress controller
 * through a SecureIngress (host per service, cert-manager TLS) and from the previous namespace's
 * front door.
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CertIssuer, Fleet, Flows, IngressBackend, IngressCertificate, MtlsMesh, Peer, Port, SecureIngress, UnknownIdentity, ZeroTrustNamespace,
} from '../src';

/** Services per namespace. */
export const SERVICES_PER_NAMESPACE = 10;

/** Regions of the benchmark clusters (the fleet has `clusters` of them). */
const REGIONS = ['asia-east', 'europe-west', 'us-central', 'us-east', 'europe-north'];

/**
 * Fills one cluster's chart with `services` services.
 *
 * @param chart the cluster's chart
 * @param services number of services
 * @param domain DNS suffix of the ingress hosts
 */
export function populateCluster(chart: Chart, services: number, domain: string): void {
  // the ingress controller's pods have no dedicated identity in SecureIngress's flows: the mesh
  // admits them by namespace (ingress-nginx). A namespace is an mTLS identity, so the controller
  // runs with a sidecar (its namespace labelled for injection): a plaintext caller matches no
  // ALLOW rule of a protected namespace (the flow proof refuses that at synthesis).
  new kplus.Namespace(chart, 'ingress-nginx', { metadata: { name: 'ingress-nginx', labels: { 'istio-injection': 'enabled' } } });
  const mesh = new MtlsMesh(chart, 'mesh', { unknownIdentity: UnknownIdentity.NAMESPACE });
  const flows = Flows.of(chart);
  const issuer = CertIssuer.clusterIssuer('letsencrypt');
  const namespaces = Math.ceil(services / SERVICES_PER_NAMESPACE);
  for (let j = 0; j < namespaces; j++) {
    const name = `team-${j}`;
    new ZeroTrustNamespace(chart, name, { name, istioInjection: true });
    mesh.protectNamespace(name);
  }
  let previous: kplus.Deployment | undefined;
  let previousFront: kplus.Deployment | undefined;
  for (let i = 0; i < services; i++) {
    const ns = `team-${Math.floor(i / SERVICES_PER_NAMESPACE)}`;
    const name = `svc-${i}`;
    const sa = new kplus.ServiceAccount(chart, `${name}-sa`, {
      metadata: { name, namespace: ns }, automountToken: false,
    });
    const dep = new kplus.Deployment(chart, name, {
      metadata: { name, namespace: ns },
      serviceAccount: sa,
      replicas: 2,
      containers: [{
        name: 'app',
        image: `registry.example.com/${name}:1.0.0`,
        portNumber: 8080,
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
      }],
    });
    const svc = new kplus.Service(chart, `${name}-svc`, {
      metadata: { name, namespace: ns },
      selector: dep,
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
    const front = i % SERVICES_PER_NAMESPACE === 0;
    if (front) {
      if (previousFront) {
        flows.allow(Peer.workload(previousFront), Peer.workload(dep), {
          ports: [Port.tcp(8080)], http: { methods: ['GET'], paths: [`/api/${name}/*`] },
        });
      }
      new SecureIngress(chart, `${name}-ingress`, {
        name,
        rules: [{ host: `${name}.${domain}`, backend: IngressBackend.fromService(svc) }],
        certificate: IngressCertificate.certManager(issuer),
      });
      previousFront = dep;
    } else if (previous) {
      flows.allow(Peer.workload(previous), Peer.workload(dep), {
        ports: [Port.tcp(8080)], http: { methods: ['GET', 'POST'], paths: [`/api/${name}/*`] },
      });
    }
    previous = dep;
  }
}

/** A benchmark fleet. */
export interface BenchFleet {
  readonly app: App;
  readonly fleet: Fleet;
  readonly charts: Chart[];
}

/**
 * Builds the fleet: `clusters` clusters of `services` services each.
 *
 * @param clusters number of clusters (at most 5)
 * @param services services per cluster
 */
export function buildFleet(clusters: number, services: number): BenchFleet {
  const app = new App({ outdir: '/tmp/cdk8s-zt-bench-unused' });
  const fleet = new Fleet(app, 'fleet', {
    clusters: REGIONS.slice(0, clusters).map((region, i) => ({ name: `cluster-${i}`, region })),
  });
  for (const c of fleet.clusters) {
    populateCluster(c.chart, services, `${c.name}.example.com`);
  }
  return { app, fleet, charts: fleet.clusters.map((c) => c.chart) };
}
