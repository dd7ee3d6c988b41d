/**
 * The multi-region e-commerce sample (seed S21): three clusters, one chart each, built only
 * with the library's public API. Used by `sample/main.ts` (the main job), by
 * `sample/cdk8s-app.ts` (`cdk8s synth`) and by the snapshot tests in `test/sample/`.
 *
 * Per cluster (`asia-east`, `europe-west`, `us-east`):
 * - zero-trust namespaces gateway, frontend, auth, order, payment, database, observability,
 *   logging (default-deny, DNS allowed, Pod Security `restricted`, hardened workloads);
 * - the shop: frontend (behind a TLS-only Gateway API gateway, Istio, and a global name),
 *   auth-service, order-service, payment-service and the user database (primary in asia-east,
 *   replicas elsewhere);
 * - one Istio mesh (STRICT mTLS, deny by default, S17's L7 rule) over three networks;
 * - a WireGuard gateway joining the three pod networks (S16), used by the database replication;
 * - an OpenTelemetry collector and Fluentd (S19, S20); Kyverno guardrails (S18);
 * - global DNS with failover to asia-east (S15, S24) and the replication policy (S23).
 *
 * Every cluster chart carries Argo CD sync waves (namespaces and CRDs -2, policies -1, workloads
 * 0), so the same manifests are delivered in a safe order by Argo CD (waves) and by Flux
 * (`PolicySplit` halves, see `sample/delivery.ts`). `enforcement` builds the staged-rollout
 * variant (AUDIT: nothing blocks, every held-back policy is reported).
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AdmissionGuardrails,
  CertIssuer,
  CloudMetadataDeny,
  ClusterBaseline,
  DataPlane,
  Enforcement,
  EnforcementMode,
  FailoverPolicy,
  Fleet,
  FleetCluster,
  Flows,
  GatewayCertificate,
  GlobalService,
  GslbStrategy,
  GuardrailException,
  IstioMultiCluster,
  MeshCluster,
  MeshSidecar,
  MtlsMesh,
  ObservabilityStack,
  Peer,
  PodSecurityLevel,
  Port,
  ReplicationPolicy,
  SyncWaves,
  Tunable,
  WireguardGateway,
  WireguardMesh,
  ZeroTrustNamespace,
} from '../src';

/** The regions of the sample, in fleet order (asia-east is the primary: S24). */
export const CLUSTERS = ['asia-east', 'europe-west', 'us-east'];

/** The cluster that holds the primary user database and serves the global name first. */
export const PRIMARY = 'asia-east';

/** The global host name of the shop. */
export const SHOP_HOST = 'shop.example.com';

/**
 * The namespace of the shop's Gateway (Kubernetes Gateway API, class `istio`): istiod deploys the
 * gateway's pods there, in the mesh as `<trust-domain>/ns/gateway/sa/shop-istio`.
 */
export const GATEWAY_NAMESPACE = 'gateway';

/** The name of the shop's Gateway in each cluster. */
export const GATEWAY_NAME = 'shop';

/** Labels of the Jaeger collector pods (installed by the Jaeger chart, not by the sample). */
export const JAEGER_LABELS = { 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/component': 'collector' };

/** Labels of the Elasticsearch pods (installed by ECK, not by the sample). */
export const ELASTICSEARCH_LABELS = { 'app.kubernetes.io/name': 'elasticsearch' };

/** The namespaces of the sample that are ours (zero-trust: default-deny, explicit flows). */
export const APP_NAMESPACES = [GATEWAY_NAMESPACE, 'frontend', 'auth', 'order', 'payment', 'database', 'observability', 'logging'];

/** Namespaces the guardrails leave alone: the platform's (always excluded by AdmissionGuardrails). */
export const GUARDRAIL_EXCLUDED = AdmissionGuardrails.PLATFORM_NAMESPACES;

/**
 * Namespaces where the guardrails loosen only what the component needs (every other rule applies):
 * the WireGuard gateway (hostNetwork, NET_ADMIN, root) and the Fluentd log shipper (read-only
 * hostPath volumes under the node's /var/log). The Gateway's pods need none: istiod deploys them
 * unprivileged, read-only, and (MeshCluster `gatewaySeccompProfile`) with a seccomp profile.
 */
export const GUARDRAIL_EXCEPTIONS = [
  GuardrailException.vpnGateway('wireguard'),
  GuardrailException.logShipper('logging'),
];

interface Region {
  readonly name: string;
  readonly geoTag: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  /** WireGuard public key (example key; the private key lives only in the Secret `wg-<region>`). */
  readonly wgPublicKey: string;
  /** Address of the API server endpoints (`kubectl get endpoints kubernetes`): kind's control plane. */
  readonly apiServer: string;
  /**
   * The LoadBalancer address of the region's east-west gateway (15443), which the other regions'
   * sidecars dial for cross-network calls: pinned in the kind setup (a MetalLB pool on the kind
   * network, one address per cluster), so that the callers' egress can name it.
   */
  readonly eastWestGateway: string;
}

/** The seed's CIDR plan (S13): pods 10.N.0.0/16, services 10.10N.0.0/16. */
const REGIONS: Region[] = [
  { name: 'asia-east', geoTag: 'asia', podCidr: '10.1.0.0/16', serviceCidr: '10.101.0.0/16', wgPublicKey: '0qIEFd/G/1d9aGS/dSjRx/sNvKmzs6ARkDulsZ8ht3s=', apiServer: '172.18.0.2/32', eastWestGateway: '172.18.255.201/32' },
  { name: 'europe-west', geoTag: 'eu', podCidr: '10.2.0.0/16', serviceCidr: '10.102.0.0/16', wgPublicKey: 'gVrB2J0DTZFsD5RvDouZtJRlvD0emGgrGdRz2eTN7lc=', apiServer: '172.18.0.3/32', eastWestGateway: '172.18.255.202/32' },
  { name: 'us-east', geoTag: 'us', podCidr: '10.3.0.0/16', serviceCidr: '10.103.0.0/16', wgPublicKey: 'D0Pc2dwKSe9LLSVl1V9IwSO6abFgAO/L34Lcyd7ySRg=', apiServer: '172.18.0.4/32', eastWestGateway: '172.18.255.203/32' },
];

/** What the sample built in one cluster (for main.ts and the tests). */
export interface SampleCluster {
  /** The fleet's record of the cluster (name, CIDRs, chart). */
  readonly cluster: FleetCluster;
  /** The cluster's chart. */
  readonly chart: Chart;
  /** The zero-trust namespaces, by name. */
  readonly namespaces: { [name: string]: ZeroTrustNamespace };
  /** The cluster's part of the Istio mesh. */
  readonly meshCluster: MeshCluster;
  /** Extra files of the cluster's output folder (path relative to it -> content). */
  readonly extraFiles: { [file: string]: string };
}

/** The whole sample. */
export interface EcommerceSample {
  /** The fleet (one chart per cluster). */
  readonly fleet: Fleet;
  /** The clusters, in fleet order. */
  readonly clusters: SampleCluster[];
}

/** Options of {@link buildEcommerce}. */
export interface EcommerceOptions {
  /**
   * The staged-rollout mode of the whole fleet (`Enforcement.set(fleet, mode)`): AUDIT emits no
   * NetworkPolicy of our namespaces (held back, see `EnforcementReport`), Kyverno rules in Audit
   * without generate rules, Istio AuthorizationPolicies in dry-run.
   *
   * @default - none set: ENFORCE
   */
  readonly enforcement?: EnforcementMode;

  /**
   * Issue 28: the cluster {@link TIERS_CLUSTER} also gets the cluster-wide policy tiers (a
   * Baseline-tier default-deny for the shop's namespaces and the Admin-tier deny of the cloud
   * metadata endpoint, ClusterNetworkPolicy v1alpha2). Off: the three clusters are alike.
   *
   * @default true
   */
  readonly policyTiers?: boolean;

  /**
   * The Istio data plane of the meshed namespaces (`npm run sample -- --ambient`): AMBIENT labels
   * them `istio.io/dataplane-mode: ambient` and installs `profile: ambient`; the cross-network
   * failover flow (S14) goes through the ambient east-west gateway (class `istio-east-west`, double
   * HBONE on 15008), and no Sidecar resources are made (they configure sidecars only).
   *
   * @default DataPlane.SIDECAR
   */
  readonly dataPlane?: DataPlane;
}

/** The cluster of the sample that uses the Network Policy API tiers (see `EcommerceOptions.policyTiers`). */
export const TIERS_CLUSTER = 'europe-west';

/**
 * Builds the sample into `app`: a Fleet whose three charts hold everything.
 *
 * @param app the cdk8s app (its outdir is not used by `sample/main.ts`, which writes per cluster)
 * @param options rollout mode
 */
export function buildEcommerce(app: App, options: EcommerceOptions = {}): EcommerceSample {
  const fleet = new Fleet(app, 'shop', {
    clusters: REGIONS.map((r) => ({
      name: r.name, region: r.name, geoTag: r.geoTag, podCidr: r.podCidr, serviceCidr: r.serviceCidr,
    })),
  });
  if (options.enforcement !== undefined) {
    Enforcement.set(fleet, options.enforcement);
  }

  // --- S16: one WireGuard mesh between the regions, peers computed from the cluster plan ---
  const wireguard = new WireguardMesh({
    sites: fleet.clusters.map((c, i) => ({
      name: c.name,
      endpoint: `wg.${c.name}.example.com:51820`,
      publicKey: REGIONS[i].wgPublicKey,
      privateKeySecretName: `wg-${c.name}`, // created out of band: never in a ConfigMap
      // the pod CIDR only: replication is pod to pod; routing the service CIDR would put every
      // ClusterIP of the other clusters (kubernetes.default, webhooks) behind the tunnel
      cidrs: [c.podCidr],
    })),
  });

  // --- S9/S14: one Istio mesh over the three networks (multi-primary, multi-network) ---
  const istio = new IstioMultiCluster({ meshId: 'shop-mesh' });

  // --- S15: the frontend behind one global name, failing over to asia-east first (S24): in each
  // cluster a ClusterIP Service and a TLS-only Gateway (Gateway API, Istio; cert-manager) serving
  // the global host and the cluster's own `<cluster>.shop.example.com`; k8gb balances the global
  // host's HTTPRoute ---
  const frontend = new GlobalService(fleet, 'frontend', {
    name: 'frontend',
    namespace: 'frontend',
    port: 80,
    targetPort: 8080,
    selector: { app: 'frontend' },
    dns: {
      hostname: SHOP_HOST,
      strategy: GslbStrategy.failover('asia'),
      ttl: Duration.seconds(30),
      gateway: {
        name: GATEWAY_NAME,
        namespace: GATEWAY_NAMESPACE,
        certificate: GatewayCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt')),
        clusterHostnames: true,
      },
    },
  });

  const clusters = fleet.clusters.map((c, i) => buildCluster(fleet, c, REGIONS[i], wireguard, istio,
    options.dataPlane === DataPlane.AMBIENT));
  if (options.policyTiers ?? true) {
    policyTiers(fleet.cluster(TIERS_CLUSTER).chart);
  }
  // delivery order (Argo CD): Namespaces and CRDs, then every policy and guardrail, then the
  // workloads; each wave only once the previous one is healthy
  for (const c of fleet.clusters) {
    SyncWaves.apply(c.chart);
  }
  // what cannot be synthesized: each istiod must read the other clusters' API servers
  for (const c of clusters) {
    c.extraFiles['istio/remote-secrets.sh'] = [
      '#!/bin/sh',
      `# Run once the three clusters exist: lets istiod in ${c.cluster.name} discover the other clusters' endpoints.`,
      'set -eu',
      ...c.meshCluster.remoteSecretCommands(),
      '',
    ].join('\n');
  }

  new FailoverPolicy(fleet, 'failover', {
    name: 'shop-failover',
    namespace: 'frontend',
    primaryCluster: PRIMARY,
    secondaryClusters: CLUSTERS.filter((n) => n !== PRIMARY),
    healthCheckPath: '/healthz',
    interval: Duration.seconds(30),
    timeout: Duration.seconds(10),
    failureThreshold: 3,
    autoFailover: true,
    slackChannel: '#ops-alerts',
    globalService: frontend,
  });

  // --- S23: user-db replicated from asia-east to the other regions, every 15 minutes ---
  new ReplicationPolicy(fleet, 'user-db', {
    name: 'user-db-replication',
    source: { cluster: PRIMARY, namespace: 'database', service: 'user-db' },
    destinations: CLUSTERS.filter((n) => n !== PRIMARY).map((n) => ({ cluster: n, namespace: 'database', service: 'user-db' })),
    schedule: '*/15 * * * *',
    encryption: true,
    maskedFields: ['credit_card', 'ssn'],
  });

  return { fleet, clusters };
}

/** One cluster: namespaces, workloads, flows, mesh, VPN, telemetry, guardrails. */
function buildCluster(fleet: Fleet, cluster: FleetCluster, region: Region, wireguard: WireguardMesh, istio: IstioMultiCluster,
  ambient: boolean): SampleCluster {
  const chart = cluster.chart;
  const flows = Flows.of(chart);
  const primary = cluster.name === PRIMARY;

  // --- S18: Kyverno guardrails (generate default-deny + allow-dns, check policies, hardening) ---
  new AdmissionGuardrails(chart, 'guardrails', { exceptions: GUARDRAIL_EXCEPTIONS });

  // --- S1/S3/S4/S8: our namespaces, default-deny with DNS ---
  const ns: { [name: string]: ZeroTrustNamespace } = {};
  const meshed = ['frontend', 'auth', 'order', 'payment'];
  for (const name of APP_NAMESPACES) {
    ns[name] = new ZeroTrustNamespace(chart, `ns-${name}`, {
      name,
      istioInjection: !ambient && meshed.includes(name),
      dataPlane: ambient && meshed.includes(name) ? DataPlane.AMBIENT : undefined,
      // Fluentd reads the node's logs through hostPath volumes, which only `privileged` admits
      podSecurity: name === 'logging' ? PodSecurityLevel.PRIVILEGED : PodSecurityLevel.RESTRICTED,
      // S3: the database has no way out of the cluster network (the other regions' pod
      // networks are in-cluster peers: they are routed through the WireGuard tunnels)
      internalOnly: name === 'database',
      // the Gateway's LoadBalancer Service (istiod creates it with the gateway's pods)
      allowLoadBalancers: name === GATEWAY_NAMESPACE,
    });
  }

  // --- the shop's workloads (hardened by their ZeroTrustNamespace) ---
  // (the frontend's Service is the GlobalService's ClusterIP Service)
  const frontend = shopService(chart, 'frontend', 'frontend', {
    port: 8080,
    service: false,
    replicas: Tunable.integer('frontend.replicas', 3, { description: 'Replicas of the frontend', minimum: 1 }),
  });
  const auth = shopService(chart, 'auth', 'auth-service', { port: 8443, labels: { role: 'backend' } });
  const order = shopService(chart, 'order', 'order-service', { port: 8080, labels: { role: 'backend' } });
  const payment = shopService(chart, 'payment', 'payment-service', { port: 8080 });
  const db = database(chart, primary);

  // --- S14: this cluster's part of the multi-network mesh (network label, east-west gateway) ---
  const meshCluster = new MeshCluster(chart, 'istio', {
    mesh: istio,
    clusterName: cluster.name,
    network: cluster.network,
    kubeContext: `kind-${cluster.name}`, // the context `kind create cluster` writes
    // istiod's plug-in CA, created out of band from the mesh's shared root CA
    caSecret: kplus.Secret.fromSecretName(chart, 'istio-cacerts', 'cacerts'),
    // only the other regions' kind nodes may open a connection to the east-west gateway
    gatewaySourceRanges: REGIONS.filter((r) => r.name !== region.name).map((r) => r.apiServer),
    dataPlane: ambient ? DataPlane.AMBIENT : undefined,
  });
  // --- S9/S17: mesh-wide STRICT mTLS, deny by default in the shop's namespaces (the frontend
  // admits only the Gateway's identity) ---
  const mesh = new MtlsMesh(chart, 'mesh', { trustDomain: istio.trustDomain });
  for (const name of ['frontend', 'auth', 'order', 'payment']) {
    mesh.protectNamespace(name);
  }
  // sidecars reach only the namespaces their flows go to (REGISTRY_ONLY)
  for (const name of ambient ? [] : meshed) {
    new MeshSidecar(chart, `sidecar-${name}`, { namespace: name });
  }
  // (every namespace labelled for injection gets the flow to istiod from the mesh: S9)

  // --- the flows of the shop (one declaration: NetworkPolicies and AuthorizationPolicies) ---
  // S10: the only flow into the frontend is the GlobalService's Gateway's (TLS-only, global and
  // regional host): its pods are in the mesh, so the frontend keeps STRICT mTLS and admits only
  // the gateway's identity, on port 8080
  // S22: the frontend calls auth-service (Service port 443 -> container port 8443)
  mesh.allow(Peer.workload(frontend.workload), Peer.workload(auth.workload), { ports: [Port.tcp(8443)], description: 'S22: frontend -> auth-service' });
  mesh.allow(Peer.workload(frontend.workload), Peer.workload(order.workload), { ports: [Port.tcp(8080)], description: 'frontend -> order-service' });
  // S17: order-service may only POST /api/payments on payment-service
  mesh.allow(Peer.workload(order.workload), Peer.workload(payment.workload), {
    ports: [Port.tcp(8080)],
    http: { methods: ['POST'], paths: ['/api/payments'] },
    description: 'S17: order-service -> payment-service, POST /api/payments only',
  });
  // S7 + S22: pods role=db accept only role=backend on 5432 (auth-service reads the users)
  flows.allow(Peer.workload(auth.workload), Peer.workload(db), { ports: [Port.tcp(5432)], description: 'S7/S22: auth-service -> user-db' });

  // S14: another region's order-service fails over to this payment-service through the
  // east-west gateway: a network-only flow (the packets come from the gateway's pods), no ALLOW
  // rule for the gateway's identity (AUTO_PASSTHROUGH, or ambient's double HBONE, keeps mTLS end
  // to end: the AuthorizationPolicy sees the remote caller, allowed by the S17 flow above)
  meshCluster.allowFromEastWestGateway(Peer.workload(payment.workload), {
    ports: [Port.tcp(8080)],
    description: 'S14: cross-cluster payments through the east-west gateway',
  });
  // S14, the calling side (security review finding 25): this region's order-service reaches
  // another region's payment-service through that region's east-west gateway, i.e. its
  // LoadBalancer address: TCP 15443 (mTLS passthrough) with sidecars, 15008 (HBONE) in ambient
  for (const other of REGIONS.filter((r) => r.name !== region.name)) {
    flows.allow(Peer.workload(order.workload), Peer.cidr(other.eastWestGateway, { name: `${other.name}-east-west-gateway` }), {
      ports: [Port.tcp(ambient ? 15008 : 15443)],
      description: `S14: order-service -> the ${other.name} east-west gateway (cross-cluster payments)`,
    });
  }

  // S23 over S16: the replicas pull from the primary through the WireGuard tunnels
  const primaryCluster = fleet.cluster(PRIMARY);
  if (primary) {
    for (const other of fleet.clusters.filter((c) => c.name !== PRIMARY)) {
      flows.allow(Peer.cidr(other.podCidr, { inCluster: true, name: `${other.name}-pods` }), Peer.workload(db), {
        ports: [Port.tcp(5432)], description: `S23: the ${other.name} replica pulls from the primary`,
      });
    }
  } else {
    flows.allow(Peer.workload(db), Peer.cidr(primaryCluster.podCidr, { inCluster: true, name: `${PRIMARY}-pods` }), {
      ports: [Port.tcp(5432)], description: 'S23: the replica pulls from the primary',
    });
  }

  // --- S19/S20: OpenTelemetry collector (every shop namespace may send OTLP to it) exporting
  // to jaeger-collector.observability:4317, and Fluentd (DaemonSet, RBAC, log mounts)
  // shipping to elasticsearch.logging:9200 ---
  new ObservabilityStack(chart, 'observability', {
    tracing: {
      tracedNamespaces: meshed.map((n) => ns[n]),
      // only the Jaeger collector pods, not every pod of the namespace
      jaeger: Peer.pods(JAEGER_LABELS, { namespace: 'observability', name: 'jaeger' }),
    },
    logging: {
      elasticsearch: Peer.pods(ELASTICSEARCH_LABELS, { namespace: 'logging', name: 'elasticsearch' }),
      credentials: kplus.Secret.fromSecretName(chart, 'es-credentials', 'elasticsearch-credentials'),
      // not root: reads the logs through the root group (the guardrails require runAsNonRoot)
      runAsUser: 1000,
      apiServer: Peer.kubeApiServer([region.apiServer]),
    },
  });

  // --- S16: this region's WireGuard gateway ---
  new WireguardGateway(chart, 'wireguard', { mesh: wireguard, site: cluster.name });

  return { cluster, chart, namespaces: ns, meshCluster, extraFiles: { 'istio/operator.yaml': meshCluster.istioOperatorYaml() } };
}

/**
 * Issue 28: the tiers of the Network Policy API in one cluster. The Baseline tier denies by default
 * in every ZeroTrustNamespace (their NetworkPolicies, evaluated first, keep deciding: the flows are
 * unchanged; the baseline holds if a namespace's policies are deleted); the Admin tier denies the
 * cloud metadata endpoint to every pod, which no namespace's NetworkPolicy can reopen.
 */
function policyTiers(chart: Chart): void {
  new ClusterBaseline(chart, 'policy-baseline', { allowToNamespaces: ['istio-system'] });
  new CloudMetadataDeny(chart, 'deny-cloud-metadata', { priority: 10 });
}

interface AppOptions {
  readonly port: number;
  /** Create a ClusterIP Service (default true). */
  readonly service?: boolean;
  readonly labels?: { [key: string]: string };
  readonly replicas?: Tunable;
}

interface AppParts {
  readonly workload: kplus.Deployment;
  readonly service?: kplus.Service;
}

/** A stateless service of the shop: a ServiceAccount (its mesh identity), a Deployment, a Service. */
function shopService(chart: Chart, namespace: string, name: string, options: AppOptions): AppParts {
  const sa = new kplus.ServiceAccount(chart, `${name}-sa`, {
    metadata: { name, namespace },
    automountToken: false,
  });
  const labels = { app: name, ...(options.labels ?? {}) };
  const workload = new kplus.Deployment(chart, name, {
    metadata: { name, namespace, labels },
    replicas: options.replicas ? options.replicas.asNumber() : 2,
    serviceAccount: sa,
    select: false,
    podMetadata: { labels },
    securityContext: { user: 10001, group: 10001, ensureNonRoot: true },
    containers: [{
      name,
      image: `registry.example.com/shop/${name}:1.4.2`,
      securityContext: { user: 10001, group: 10001, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      ports: [{ number: options.port, name: 'http' }],
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
    }],
  });
  workload.select(kplus.LabelSelector.of({ labels: { app: name } }));
  options.replicas?.bindTo(workload, '/spec/replicas');
  if (options.service === false) {
    return { workload };
  }
  // port named http-*: the mesh sees HTTP (methods and paths of S17 apply)
  const service = new kplus.Service(chart, `${name}-svc`, {
    metadata: { name, namespace },
    selector: workload,
    ports: [{ name: 'http', port: options.port === 8443 ? 443 : 80, targetPort: options.port }],
  });
  return { workload, service };
}

/** The user database (S7: role=db): the primary in asia-east, a replica elsewhere. */
function database(chart: Chart, primary: boolean): kplus.Deployment {
  const name = 'user-db';
  const sa = new kplus.ServiceAccount(chart, 'user-db-sa', {
    metadata: { name, namespace: 'database' },
    automountToken: false,
  });
  const labels = { app: name, role: 'db', replica: primary ? 'primary' : 'secondary' };
  const data = kplus.Volume.fromEmptyDir(chart, 'user-db-data', 'data');
  const run = kplus.Volume.fromEmptyDir(chart, 'user-db-run', 'run');
  const db = new kplus.Deployment(chart, name, {
    metadata: { name, namespace: 'database', labels },
    replicas: 1,
    serviceAccount: sa,
    select: false,
    podMetadata: { labels },
    // the postgres image's own user (999); its data and socket folders are emptyDirs it owns
    securityContext: { user: 999, group: 999, fsGroup: 999, ensureNonRoot: true },
    containers: [{
      name: 'postgres',
      image: 'postgres:16.4',
      securityContext: { user: 999, group: 999, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      ports: [{ number: 5432, name: 'postgres' }],
      envVariables: { PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata') },
      volumeMounts: [{ path: '/var/lib/postgresql/data', volume: data }, { path: '/var/run/postgresql', volume: run }],
      resources: {
        cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
      },
    }],
  });
  db.select(kplus.LabelSelector.of({ labels: { app: name } }));
  new kplus.Service(chart, 'user-db-svc', {
    metadata: { name, namespace: 'database' },
    selector: db,
    ports: [{ name: 'tcp-postgres', port: 5432, targetPort: 5432 }],
  });
  return db;
}
