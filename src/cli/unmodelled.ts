import { namespaceLabels, peerSelects, policiesOf } from './platform';
import { istioGatewayPod } from '../analysis/gateway-api';
import { PeerSpec, PolicySpec, PortSpec } from '../analysis/model';

/** A NetworkPolicy rule peer that selects pods of which none is modelled (internal). */
export interface UnmodelledPeer {
  /** `frontend/allow-otlp egress rule 1 peer 0` */
  readonly rule: string;
  /** `pods app=jaeger in namespaces kubernetes.io/metadata.name=observability` */
  readonly peer: string;
  /** `TCP 4317`, `all ports` */
  readonly ports: string;
}

function portsText(ports: PortSpec[]): string {
  if (!ports.length) return 'all ports';
  return ports.map((p) => `${p.protocol}${p.port === undefined ? '' : ` ${p.port}${p.endPort ? `-${p.endPort}` : ''}`}`).join(', ');
}

function peerText(pol: PolicySpec, peer: PeerSpec): string {
  const pods = peer.podSelector && !peer.podSelector.isEmpty ? `pods ${peer.podSelector}` : 'every pod';
  const nss = peer.namespaceSelector ? `namespaces ${peer.namespaceSelector}` : `namespace ${pol.ns}`;
  return `${pods} in ${nss}`;
}

/**
 * The rule peers of the NetworkPolicies in `objects` that name pods (a non-empty selector) of which
 * no workload, stand-in, Istio Gateway API gateway or the ingress controller is modelled: what the policy allows there cannot
 * be checked (a missing platform stand-in, or a typo in a selector).
 */
export function unmodelledPeers(objects: any[], ingressController: { namespace: string; labels: { [k: string]: string } }): UnmodelledPeer[] {
  const nsLabels = namespaceLabels(objects);
  const pods: Array<{ ns: string; labels: { [k: string]: string } }> = [ingressController].map((c) => ({ ns: c.namespace, labels: c.labels }));
  for (const o of objects) {
    // the pods istiod deploys for a Gateway API Gateway are modelled by the analyzer too
    const gatewayPod = istioGatewayPod(o);
    if (gatewayPod) pods.push({ ns: gatewayPod.ns, labels: gatewayPod.labels });
    const tpl = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    if (!tpl || !['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind)) continue;
    pods.push({ ns: o.metadata?.namespace ?? 'default', labels: { ...(tpl.metadata?.labels ?? {}) } });
  }
  const out: UnmodelledPeer[] = [];
  for (const pol of policiesOf(objects)) {
    for (const [dir, rules] of [['ingress', pol.ingress], ['egress', pol.egress]] as const) {
      for (const r of rules ?? []) {
        (r.peers ?? []).forEach((peer, j) => {
          const specific = !peer.ipBlock && (!(peer.namespaceSelector?.isEmpty ?? true) || !(peer.podSelector?.isEmpty ?? true));
          if (!specific || pods.some((p) => peerSelects(pol, peer, p.ns, p.labels, nsLabels))) return;
          out.push({ rule: `${pol.ns}/${pol.name} ${dir} rule ${r.index} peer ${j}`, peer: peerText(pol, peer), ports: portsText(r.ports) });
        });
      }
    }
  }
  return out.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
