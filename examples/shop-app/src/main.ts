import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  GatewayCertificate, GatewayImplementation, HelmChart, IngressBackend, MtlsMesh, ObservabilityStack, Peer, Port,
  SecureGateway, WireguardGateway, WireguardMesh, ZeroTrustNamespace,
} from 'cdk8s-zero-trust';

const app = new App();
const chart = new Chart(app, 'shop');

// default-deny namespaces (DNS allowed, Pod Security restricted, workloads hardened), in the mesh
const web = new ZeroTrustNamespace(chart, 'ns-web', { name: 'web', istioInjection: true });
const api = new ZeroTrustNamespace(chart, 'ns-api', { name: 'api', istioInjection: true });
new ZeroTrustNamespace(chart, 'ns-observability', { name: 'observability' });
// the Gateway's namespace: istiod deploys the gateway's pods and their LoadBalancer Service there
new ZeroTrustNamespace(chart, 'ns-gateway', { name: 'gateway', allowLoadBalancers: true });

// each workload runs as its own ServiceAccount: its mesh identity, which mesh.allow needs
function service(namespace: string, name: string): kplus.Deployment {
  const serviceAccount = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name, namespace }, automountToken: false });
  return new kplus.Deployment(chart, name, {
    metadata: { name, namespace },
    serviceAccount,
    containers: [{ image: `registry.example.com/shop/${name}:1.0.0`, ports: [{ number: 8080 }] }],
  });
}
const frontend = service('web', 'frontend');
const catalog = service('api', 'catalog');

const mesh = new MtlsMesh(chart, 'mesh');   // STRICT mTLS mesh-wide
mesh.protectNamespace('web');               // allow-nothing, then only the declared flows
mesh.protectNamespace('api');
mesh.allow(Peer.workload(frontend), Peer.workload(catalog), { ports: [Port.tcp(8080)], http: { methods: ['GET'] } });

// Gateway API (Istio): HTTPS only; the gateway's pods are in the mesh, so the frontend keeps
// STRICT mTLS and admits only the gateway's identity (istiod installed with
// values.gateways.seccompProfile RuntimeDefault, so its pods pass Pod Security restricted)
new SecureGateway(chart, 'gateway', {
  name: 'shop',
  namespace: 'gateway',
  routes: [{ host: 'shop.example.com', backend: IngressBackend.fromService(frontend.exposeViaService({ name: 'frontend', ports: [{ port: 80, targetPort: 8080 }] })) }],
  certificate: GatewayCertificate.fromSecret('shop-tls'),
  implementation: GatewayImplementation.istio({ seccompProfileConfigured: true }),
});

const wireguard = new WireguardMesh({ sites: [   // this cluster (eu) and the us cluster's pod network
  { name: 'eu', endpoint: 'wg.eu.example.com:51820', publicKey: '0qIEFd/G/1d9aGS/dSjRx/sNvKmzs6ARkDulsZ8ht3s=', privateKeySecretName: 'wg-eu', cidrs: ['10.1.0.0/16'] },
  { name: 'us', endpoint: 'wg.us.example.com:51820', publicKey: 'gVrB2J0DTZFsD5RvDouZtJRlvD0emGgrGdRz2eTN7lc=', privateKeySecretName: 'wg-us', cidrs: ['10.2.0.0/16'] },
] });
new WireguardGateway(chart, 'wireguard', { mesh: wireguard, site: 'eu' });

new ObservabilityStack(chart, 'observability', { tracing: { tracedNamespaces: [web, api] } });

app.synth();                                         // dist/shop.k8s.yaml
HelmChart.fromChart(chart).write('dist/helm/shop');  // the same objects as a Helm chart
