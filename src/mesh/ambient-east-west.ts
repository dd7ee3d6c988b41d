/**
 * The ambient east-west gateway of a MeshCluster (internal; Istio 1.29/1.30, where ambient
 * multi-network multicluster is beta).
 *
 * An ambient cluster receives cross-network traffic through a Kubernetes Gateway API Gateway of
 * class `istio-east-west` (istiod deploys it with the waypoint template: Deployment, ServiceAccount
 * and LoadBalancer Service named like the Gateway). The remote caller's ztunnel (or waypoint) opens
 * double HBONE to the gateway's port 15008: the outer tunnel ends at the gateway (ISTIO_MUTUAL), the
 * inner one is end to end, so the destination's ztunnel sees the remote caller's identity. The
 * gateway then opens HBONE to the destination pod's port 15008. Only Services labelled
 * `istio.io/global: "true"` are reachable across networks. Istio's ambient east-west gateway
 * carries in-mesh mTLS only: it cannot expose istiod (`istio.io/expose-istiod`), which
 * multi-primary does not need.
 */
import { k8s } from 'cdk8s-plus-27';
import * as jsyaml from 'js-yaml';
import { NETWORK_LABEL } from './internal';
import { HBONE_PORT } from '../core/ambient';
import { Peer } from '../flows/peer';

/** The name of the Gateway (and of the Deployment, ServiceAccount and Service istiod creates for it). */
export const AMBIENT_EW_NAME = 'istio-eastwestgateway';
/** The GatewayClass of ambient east-west gateways. */
export const AMBIENT_EW_CLASS = 'istio-east-west';
/** The Service label that makes a Service reachable from the other clusters in ambient. */
export const GLOBAL_SERVICE_LABEL = 'istio.io/global';
/** The ConfigMap that customizes the Service istiod generates (Gateway `infrastructure.parametersRef`). */
export const AMBIENT_EW_OPTIONS = `${AMBIENT_EW_NAME}-options`;
/** The label istiod puts on the pods of a Gateway API gateway it deploys. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** The ambient east-west gateway's pods, as a flow peer. */
export function ambientEastWestPeer(root: string): Peer {
  return Peer.pods({ [GATEWAY_NAME_LABEL]: AMBIENT_EW_NAME }, { namespace: root, name: 'eastwestgateway', serviceAccountName: AMBIENT_EW_NAME });
}

/**
 * The Gateway Istio documents for ambient multi-network (one HBONE listener on 15008, TLS
 * terminated with the mesh's mTLS: double HBONE), labelled with the cluster's network, with its
 * generated Service customized by {@link ambientEastWestOptions}.
 */
export function ambientEastWestGatewayProps(root: string, network: string): any {
  return {
    metadata: { name: AMBIENT_EW_NAME, namespace: root, labels: { [NETWORK_LABEL]: network } },
    spec: {
      gatewayClassName: AMBIENT_EW_CLASS,
      infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: AMBIENT_EW_OPTIONS } },
      listeners: [{
        name: 'mesh',
        port: HBONE_PORT,
        protocol: 'HBONE',
        tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } },
      }],
    },
  };
}

/**
 * The ConfigMap istiod merges (strategic merge patch) into the east-west gateway's generated
 * LoadBalancer Service: only the remote networks' ranges may connect (`loadBalancerSourceRanges`),
 * and the client address is kept (`externalTrafficPolicy: Local`), so the NetworkPolicy of
 * {@link ambientEastWestPolicySpec} sees the remote addresses, not a node's.
 */
export function ambientEastWestOptions(root: string, sourceRanges: string[]): any {
  const service = { spec: { externalTrafficPolicy: 'Local', loadBalancerSourceRanges: [...sourceRanges] } };
  return {
    metadata: { name: AMBIENT_EW_OPTIONS, namespace: root },
    data: { service: jsyaml.dump(service, { noRefs: true, lineWidth: -1, sortKeys: true }) },
  };
}

/** The NetworkPolicy of the gateway's pods: HBONE (TCP 15008) from the remote networks' ranges only. */
export function ambientEastWestPolicySpec(sourceRanges: string[]): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { [GATEWAY_NAME_LABEL]: AMBIENT_EW_NAME } },
    policyTypes: ['Ingress'],
    ingress: [{
      from: sourceRanges.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(HBONE_PORT) }],
    }],
  };
}
