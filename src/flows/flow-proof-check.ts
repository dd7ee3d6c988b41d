/**
 * The flow proof at synthesis (internal; see FlowProof): the chart's declared flows as plain
 * queries for the analyzer, its gaps as errors naming the flow, the layer and the fix.
 */
import { Chart } from 'cdk8s';
import type { Flow } from './flow';
import { FlowLayers } from './flow';
import { FlowProof } from './flow-proof';
import type { Flows } from './flows';
import { Peer, PeerKind } from './peer';
import { ProofEnd, ProofPort, ProofQuery, proveFlows } from '../analysis/flow-proof';
import { ValidationError } from '../core/validation-error';

function endOf(peer: Peer, other: Peer): ProofEnd | undefined {
  if (peer.peerKind === PeerKind.IP_BLOCKS) {
    return { ipBlocks: (peer.ipBlocks ?? []).map((b) => ({ cidr: b.cidr, except: b.except })) };
  }
  const relative = peer.namespace === undefined && peer.namespaceLabels === undefined;
  const namespace = relative && other.peerKind !== PeerKind.IP_BLOCKS ? other.namespace : peer.namespace;
  if (namespace === undefined && peer.namespaceLabels === undefined) return undefined;
  return {
    namespace,
    namespaceLabels: namespace === undefined ? peer.namespaceLabels : undefined,
    podLabels: peer.peerKind === PeerKind.PODS ? peer.podLabels : undefined,
    serviceAccount: peer.serviceAccountName,
  };
}

function queryOf(f: Flow): ProofQuery | undefined {
  const from = endOf(f.source, f.destination);
  const to = endOf(f.destination, f.source);
  if (from === undefined || to === undefined) return undefined;
  const ports: ProofPort[] | undefined = f.allPorts ? undefined : f.ports.map((p) => (p.isNamed
    ? { protocol: p.protocol, name: p.name }
    : { protocol: p.protocol, port: p.isAll ? undefined : p.portNumber, endPort: p.endPort }));
  const layers = f.layers === FlowLayers.NETWORK_ONLY ? 'network' : f.layers === FlowLayers.MESH_ONLY ? 'mesh' : 'all';
  return { from, to, ports, layers };
}

function peerText(p: Peer, other: Peer): string {
  if (p.peerKind === PeerKind.IP_BLOCKS) return (p.ipBlocks ?? []).map((b) => b.cidr).join(',');
  const ns = p.namespace ?? (p.namespaceLabels === undefined ? other.namespace : undefined);
  return ns === undefined ? p.peerName : `${ns}/${p.peerName}`;
}

function flowText(f: Flow): string {
  const ports = f.allPorts ? 'all ports' : f.ports.map((p) => p.toString()).join(', ');
  return `${peerText(f.source, f.destination)} -> ${peerText(f.destination, f.source)} on ${ports}`;
}

const FIX: { [layer: string]: string } = {
  NetworkPolicy: 'a NetworkPolicy that admits it at both ends (a ZeroTrustNamespace renders them for the namespaces it manages; check the labels, namespace and ports of both peers)',
  Istio: 'an mTLS mode and AuthorizationPolicy that admit it (a caller outside the mesh needs a PERMISSIVE port; a meshed caller needs its service account in an ALLOW rule)',
};

/**
 * The proof's errors for a chart's flows (empty when every declared flow is allowed, or when the
 * chart opted out).
 *
 * @param flows the chart's registry (rendered)
 * @param objects the chart's objects, as synthesized
 */
export function flowProofErrors(flows: Flows, objects: any[]): string[] {
  const chart = Chart.of(flows);
  if (FlowProof.optOutReason(chart) !== undefined) return [];
  const declared = flows.all.map((f) => ({ f, q: queryOf(f) })).filter((x) => x.q !== undefined);
  if (declared.length === 0) return [];
  return proveFlows(objects, declared.map((x) => x.q!)).map((g) => {
    const f = declared[g.query].f;
    const pairs = g.pairs > 1 ? ` (${g.blockedPairs} of ${g.pairs} pairs blocked)` : '';
    const why = g.reasons.length ? `: ${g.reasons.join('; ')}` : '';
    return new ValidationError({
      path: chart.node.path,
      field: 'declared flow',
      value: flowText(f),
      expected: `a flow the chart's objects allow: the ${g.layer} layer blocks ${g.missing} from ${g.src} to ${g.dst}${pairs}${why}. `
        + `Fix: ${FIX[g.layer]}; or FlowProof.optOut(chart, reason) if something outside the chart opens it`,
    }).message;
  });
}
