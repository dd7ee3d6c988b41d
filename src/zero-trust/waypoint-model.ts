/**
 * The Deployment istiod creates for a Gateway API Gateway of class `istio-waypoint` or
 * `istio-east-west` (internal): Istio 1.30's `waypoint.yaml` template with the chart defaults.
 * Unlike the kube-gateway template it sets no pod securityContext (no sysctl); the `istio-proxy`
 * container runs as 1337, read-only, without capabilities, with `values.gateways.seccompProfile`
 * when istiod is installed with it (the ambient install this library writes always is), and the
 * `global.waypoint.resources` defaults (requests 100m / 128Mi, limits 2 CPUs / 1Gi).
 */
import { IstioGatewayDeployment } from '../core/mesh-install';

/** The controller label of each class the waypoint template deploys. */
const CONTROLLER: { [cls: string]: string } = {
  'istio-waypoint': 'istio.io-mesh-controller',
  'istio-east-west': 'istio.io-eastwest-controller',
};

/** True if istiod deploys this class with the waypoint template. */
export function isWaypointClass(className: string): boolean {
  // own keys only: a class named `constructor` or `toString` is no waypoint class
  return typeof className === 'string' && Object.prototype.hasOwnProperty.call(CONTROLLER, className);
}

/** The waypoint's `istio-proxy` resources (`global.waypoint.resources` defaults). */
export const WAYPOINT_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } };

/**
 * The Deployment (name and service account: the Gateway's name) istiod creates for a waypoint or
 * ambient east-west Gateway.
 *
 * @param gw the Gateway
 * @param seccomp true if istiod sets `values.gateways.seccompProfile: { type: RuntimeDefault }`
 */
export function waypointDeployment(gw: IstioGatewayDeployment, seccomp: boolean): any {
  const labels = {
    'gateway.istio.io/managed': CONTROLLER[gw.className],
    'gateway.networking.k8s.io/gateway-class-name': gw.className,
    'gateway.networking.k8s.io/gateway-name': gw.name,
    'istio.io/dataplane-mode': 'none',
    'service.istio.io/canonical-name': gw.name,
    'service.istio.io/canonical-revision': 'latest',
    'sidecar.istio.io/inject': 'false',
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: gw.name, namespace: gw.namespace, labels: { 'gateway.networking.k8s.io/gateway-name': gw.name } },
    spec: {
      selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': gw.name } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: gw.name,
          containers: [{
            name: 'istio-proxy',
            image: 'proxyv2',
            args: ['proxy', 'waypoint'],
            resources: WAYPOINT_RESOURCES,
            securityContext: {
              privileged: false,
              runAsGroup: 1337,
              runAsUser: 1337,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
              ...(seccomp ? { seccompProfile: { type: 'RuntimeDefault' } } : {}),
            },
            ports: [
              { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
              { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
              { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
            ],
          }],
          volumes: [
            { name: 'workload-socket', emptyDir: {} },
            { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
            { name: 'go-proxy-envoy', emptyDir: { medium: 'Memory' } },
            { name: 'istio-data', emptyDir: {} },
            { name: 'go-proxy-data', emptyDir: {} },
            { name: 'istio-podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } }] } },
            { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
            { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
          ],
        },
      },
    },
  };
}
