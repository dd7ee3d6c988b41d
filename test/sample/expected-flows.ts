/**
 * The flows the sample's architecture needs, per cluster, and nothing more: every connection
 * the reachability analysis finds that starts or ends in one of our namespaces (the Gateway's
 * namespace included) must be listed here, in netpol-analyzer text format
 * (`src => dst : conns`). Opening any other flow fails `test/sample/sample.test.ts`.
 *
 * Connections among the platform's own pods (kube-system, istio-system, the hostNetwork
 * WireGuard gateway), which the sample does not manage, are not listed: they are whatever those
 * installers allow, and none of them reaches our namespaces unless listed here.
 */

/** CoreDNS (stand-in), every pod of a zero-trust namespace may resolve names (S22 fix). */
const DNS = 'kube-system/coredns[Deployment] : TCP 53,UDP 53';
/** The OpenTelemetry collector pods the operator creates (stand-in). */
const COLLECTOR = 'observability/cluster-collector-collector[Deployment]';

/** The pods istiod deploys for the shop's Gateway (Gateway API, class istio), modelled by the analyzer. */
const GATEWAY = 'gateway/shop-istio[Deployment]';

/** The flows of every cluster. */
const COMMON: string[] = [
  // S10: only the Gateway's pods reach the frontend (TLS ends at the gateway, which calls the
  // frontend over mTLS with its own identity: STRICT everywhere, no PERMISSIVE port)
  `${GATEWAY} => frontend/frontend[Deployment] : TCP 8080`,
  // the gateway's proxies fetch their configuration and certificates from istiod
  `${GATEWAY} => istio-system/istiod[Deployment] : TCP 15012`,
  // S20 + S12: the WireGuard gateway has a node's address, which the Gateway's clients (any
  // address: load balancers and node ports present any source) include
  `wireguard/wireguard-gateway[Deployment] => ${GATEWAY} : TCP 80,443`,
  // S22: frontend -> auth-service (Service port 443, container port 8443)
  'frontend/frontend[Deployment] => auth/auth-service[Deployment] : TCP 8443',
  // the shop: frontend places orders
  'frontend/frontend[Deployment] => order/order-service[Deployment] : TCP 8080',
  // S17: order-service -> payment-service (L7: POST /api/payments only, checked separately)
  'order/order-service[Deployment] => payment/payment-service[Deployment] : TCP 8080',
  // S14: other regions' order-service arrives through the east-west gateway (AUTO_PASSTHROUGH):
  // the NetworkPolicies admit the gateway's pods (a network-only flow) and, since the mTLS
  // session is end to end, the analyzer evaluates payment's AuthorizationPolicy for the remote
  // callers (not the gateway's own identity): allowed on 8080, with the L7 note
  // `passthrough: cluster.local/ns/order/sa/order-service methods POST paths /api/payments` (S17's rule)
  'istio-system/istio-eastwestgateway[Deployment] => payment/payment-service[Deployment] : TCP 8080',
  // S7 + S22: role=backend auth-service -> role=db user-db on 5432
  'auth/auth-service[Deployment] => database/user-db[Deployment] : TCP 5432',

  // S9: sidecars reach istiod (xDS, certificates)
  'frontend/frontend[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'auth/auth-service[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'order/order-service[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'payment/payment-service[Deployment] => istio-system/istiod[Deployment] : TCP 15012',

  // S19: the shop sends OTLP (gRPC 4317, HTTP 4318) to the collector, which exports to Jaeger
  `frontend/frontend[Deployment] => ${COLLECTOR} : TCP 4317-4318`,
  `auth/auth-service[Deployment] => ${COLLECTOR} : TCP 4317-4318`,
  `order/order-service[Deployment] => ${COLLECTOR} : TCP 4317-4318`,
  `payment/payment-service[Deployment] => ${COLLECTOR} : TCP 4317-4318`,
  `${COLLECTOR} => observability/jaeger-collector[Deployment] : TCP 4317`,

  // S20: Fluentd ships to Elasticsearch (the API server flow is per cluster, below)
  'logging/fluentd[DaemonSet] => logging/elasticsearch[Deployment] : TCP 9200',
  // S20 + S12 (analysis models hostNetwork pods as node traffic, nodeCidrs 172.18.0.0/16): the
  // WireGuard gateway has the node's address, so Fluentd's API server egress (443, 6443 to the
  // control-plane node) reaches it too if it is scheduled on that node
  'logging/fluentd[DaemonSet] => wireguard/wireguard-gateway[Deployment] : TCP 443,6443',

  // S22 fix: DNS from every pod of our namespaces
  `${GATEWAY} => ${DNS}`,
  `frontend/frontend[Deployment] => ${DNS}`,
  `auth/auth-service[Deployment] => ${DNS}`,
  `order/order-service[Deployment] => ${DNS}`,
  `payment/payment-service[Deployment] => ${DNS}`,
  `database/user-db[Deployment] => ${DNS}`,
  `logging/fluentd[DaemonSet] => ${DNS}`,
  `logging/elasticsearch[Deployment] => ${DNS}`,
  `${COLLECTOR} => ${DNS}`,
  `observability/jaeger-collector[Deployment] => ${DNS}`,
];

/** The declared flows of each cluster. */
export const EXPECTED_FLOWS: { [cluster: string]: string[] } = {
  'asia-east': [
    ...COMMON,
    // S10: the listeners (80 redirects to 443) take any client outside the cluster; the other
    // regions' pod networks are in-cluster peers here (the replication's), hence the split
    `0.0.0.0-10.1.255.255[External] => ${GATEWAY} : TCP 80,443`,
    `10.2.0.0-10.2.255.255[External] => ${GATEWAY} : TCP 80,443`,
    `10.3.0.0-10.3.255.255[External] => ${GATEWAY} : TCP 80,443`,
    `10.4.0.0-255.255.255.255[External] => ${GATEWAY} : TCP 80,443`,
    // S23 over S16: the replicas in europe-west and us-east pull from the primary user-db
    '10.2.0.0-10.2.255.255[External] => database/user-db[Deployment] : TCP 5432',
    '10.3.0.0-10.3.255.255[External] => database/user-db[Deployment] : TCP 5432',
    // S20: Fluentd's kubernetes_metadata filter reads the API server (kind control plane)
    'logging/fluentd[DaemonSet] => 172.18.0.2-172.18.0.2[External] : TCP 443,6443',
    // S14: cross-cluster payments leave through the other regions' east-west gateways
    'order/order-service[Deployment] => 172.18.255.202-172.18.255.202[External] : TCP 15443',
    'order/order-service[Deployment] => 172.18.255.203-172.18.255.203[External] : TCP 15443',
  ],
  'europe-west': [
    ...COMMON,
    // S10: the listeners (80 redirects to 443) take any client
    `0.0.0.0-255.255.255.255[External] => ${GATEWAY} : TCP 80,443`,
    // S23 over S16: the replica pulls from the primary in asia-east (10.1.0.0/16)
    'database/user-db[Deployment] => 10.1.0.0-10.1.255.255[External] : TCP 5432',
    // S20: the API server
    'logging/fluentd[DaemonSet] => 172.18.0.3-172.18.0.3[External] : TCP 443,6443',
    // S14: cross-cluster payments leave through the other regions' east-west gateways
    'order/order-service[Deployment] => 172.18.255.201-172.18.255.201[External] : TCP 15443',
    'order/order-service[Deployment] => 172.18.255.203-172.18.255.203[External] : TCP 15443',
  ],
  'us-east': [
    ...COMMON,
    // S10: the listeners (80 redirects to 443) take any client
    `0.0.0.0-255.255.255.255[External] => ${GATEWAY} : TCP 80,443`,
    // S23 over S16: the replica pulls from the primary in asia-east (10.1.0.0/16)
    'database/user-db[Deployment] => 10.1.0.0-10.1.255.255[External] : TCP 5432',
    // S20: the API server
    'logging/fluentd[DaemonSet] => 172.18.0.4-172.18.0.4[External] : TCP 443,6443',
    // S14: cross-cluster payments leave through the other regions' east-west gateways
    'order/order-service[Deployment] => 172.18.255.201-172.18.255.201[External] : TCP 15443',
    'order/order-service[Deployment] => 172.18.255.202-172.18.255.202[External] : TCP 15443',
  ],
};
