/**
 * What the reachability analysis needs besides the sample's own manifests: the pods that other
 * installers create in each cluster (CoreDNS, istiod, the east-west gateway, the collector pods
 * the OpenTelemetry operator creates, Jaeger, Elasticsearch), as stand-in Deployments with the
 * labels, service accounts and ports those installers use. They are never written to the
 * manifests; the analyzer judges our NetworkPolicies and AuthorizationPolicies against them.
 * The Gateway's pods (istiod deploys them for the Gateway API Gateway of class `istio`) are
 * modelled by the analyzer itself from the Gateway.
 */
import { AnalyzerOptions, DataPlane, OtelCollector, ReachabilityAnalyzer, ReachabilityAssertions, RenderOptions } from '../src';
import { APP_NAMESPACES, ELASTICSEARCH_LABELS, JAEGER_LABELS } from './ecommerce';

interface StandIn {
  readonly namespace: string;
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly serviceAccount: string;
  readonly ports: Array<{ name: string; containerPort: number; protocol?: string }>;
  /** True if the pod carries a mesh identity (an Envoy with an Istio certificate). */
  readonly meshIdentity?: boolean;
}

const STAND_INS: StandIn[] = [
  {
    namespace: 'kube-system',
    name: 'coredns',
    labels: { 'k8s-app': 'kube-dns' },
    serviceAccount: 'coredns',
    ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }],
  },
  {
    namespace: 'istio-system',
    name: 'istiod',
    labels: { app: 'istiod', istio: 'pilot' },
    serviceAccount: 'istiod',
    ports: [{ name: 'grpc-xds', containerPort: 15012 }, { name: 'https-webhook', containerPort: 15017 }],
  },
  {
    namespace: 'istio-system',
    name: 'istio-eastwestgateway',
    labels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' },
    serviceAccount: 'istio-eastwestgateway',
    ports: [{ name: 'tls', containerPort: 15443 }],
    meshIdentity: true,
  },
  {
    // the pods the OpenTelemetry operator creates for the OpenTelemetryCollector (its selector labels)
    namespace: 'observability',
    name: 'cluster-collector-collector',
    labels: {
      'app.kubernetes.io/component': 'opentelemetry-collector',
      'app.kubernetes.io/instance': 'observability.cluster-collector',
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/part-of': 'opentelemetry',
    },
    serviceAccount: 'cluster-collector-collector',
    ports: [{ name: 'otlp-grpc', containerPort: OtelCollector.OTLP_GRPC_PORT }, { name: 'otlp-http', containerPort: OtelCollector.OTLP_HTTP_PORT }],
  },
  {
    namespace: 'observability',
    name: 'jaeger-collector',
    labels: JAEGER_LABELS,
    serviceAccount: 'jaeger',
    ports: [{ name: 'grpc-otlp', containerPort: 4317 }],
  },
  {
    namespace: 'logging',
    name: 'elasticsearch',
    labels: ELASTICSEARCH_LABELS,
    serviceAccount: 'elasticsearch',
    ports: [{ name: 'https', containerPort: 9200 }],
  },
];

/**
 * The stand-in pods of one cluster (plain objects, for the analyzer only). Ambient: no classic
 * east-west gateway (istiod deploys the ambient one for the chart's `istio-east-west` Gateway,
 * which the analyzer models itself, under the same name).
 *
 * @param dataPlane the data plane of the sample's meshed namespaces
 */
export function platformStandIns(dataPlane: DataPlane = DataPlane.SIDECAR): any[] {
  return STAND_INS.filter((s) => dataPlane === DataPlane.SIDECAR || s.name !== 'istio-eastwestgateway').map((s) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, namespace: s.namespace },
    spec: {
      selector: { matchLabels: s.labels },
      template: {
        metadata: {
          labels: s.labels,
          ...(s.meshIdentity ? { annotations: { 'sidecar.istio.io/inject': 'true' } } : {}),
        },
        spec: {
          serviceAccountName: s.serviceAccount,
          containers: [{ name: s.name, image: 'stand-in', ports: s.ports }],
        },
      },
    },
  }));
}

/**
 * The kind nodes' addresses (the docker network `kind` puts every node on, 172.18.0.0/16: the
 * nodes and API servers of the plan are its 172.18.0.x addresses; the east-west gateways'
 * LoadBalancer addresses, 172.18.255.20x, come from a pool at the other end and are not nodes).
 */
const KIND_NODE_NETWORK = '172.18.0.0/24';

/**
 * How the analyzer sees the sample's clusters. The WireGuard gateway runs with hostNetwork, so
 * it is node traffic from the kind node network (`nodeCidrs`), not a pod NetworkPolicies select.
 */
export const ANALYZER_OPTIONS: AnalyzerOptions = {
  nodeCidrs: [KIND_NODE_NETWORK],
};

/** The namespaces whose flows the sample declares (ours). */
const OUR_NAMESPACES = [...APP_NAMESPACES];
const OURS = new Set(OUR_NAMESPACES);

/**
 * The render options for a readable picture of the declared flows: only the connections that
 * start or end in our namespaces (the platform's own connections left out).
 */
export const FOCUS: RenderOptions = { namespaces: OUR_NAMESPACES };

function touchesOurs(endpoint: string): boolean {
  if (endpoint.endsWith('[External]')) return false;
  return OURS.has(endpoint.split('/')[0]);
}

/**
 * The connections among the platform's own pods and the outside (neither end in our
 * namespaces), as `src => dst` lines: what those installers allow, not declared by the sample.
 *
 * @param analyzer the cluster's analyzer
 */
export function platformOnlyConnections(analyzer: ReachabilityAnalyzer): string[] {
  return analyzer.connections()
    .filter((c) => !touchesOurs(c.src) && !touchesOurs(c.dst))
    .map((c) => `${c.src} => ${c.dst}`);
}

/**
 * Throws unless the cluster's reachability is exactly `declared` plus the platform-only
 * connections (see {@link platformOnlyConnections}).
 *
 * @param analyzer the cluster's analyzer
 * @param declared the declared flows (`src => dst : conns`)
 */
export function assertDeclaredFlows(analyzer: ReachabilityAnalyzer, declared: string[]): void {
  new ReachabilityAssertions(analyzer).assertExactly([...declared, ...platformOnlyConnections(analyzer)]);
}
