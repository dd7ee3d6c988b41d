/**
 * The WireGuard gateway's forwarding filter (internal; pure, no cdk8s): which packets the gateway
 * node may forward into and out of the tunnel, derived from the flows the site's chart declares,
 * rendered as the iptables commands of the gateway's start script.
 *
 * A flow crosses the tunnel when one end is an IP block inside another site's CIDRs and the other
 * end is in this cluster (pods or namespaces). Each such flow becomes one rule of the chain
 * `ZT-WG-FORWARD` that lets the packets through (RETURN: the node's own FORWARD rules still
 * decide), matching the interface direction, source and destination blocks, protocol and ports;
 * replies pass by conntrack; everything else that enters or leaves the tunnel is dropped. Packets
 * from the tunnel to the gateway node itself (INPUT) are dropped unless they answer a connection.
 */
import { Cidr } from '../core/cidr';
import { Port, Protocol } from '../core/port';
import { Flow } from '../flows/flow';
import { Peer, PeerKind } from '../flows/peer';

/** The chain the gateway owns in the filter table. */
export const FORWARD_CHAIN = 'ZT-WG-FORWARD';
/** The chain the gateway owns for packets from the tunnel to the node itself. */
export const INPUT_CHAIN = 'ZT-WG-INPUT';

/** One allowed direction through the tunnel. */
export interface ForwardRule {
  /** `in`: from the tunnel to this site; `out`: from this site into the tunnel. */
  readonly direction: 'in' | 'out';
  /** Source block (canonical). */
  readonly source: string;
  /** Destination block (canonical). */
  readonly destination: string;
  /** Protocol, lower case; undefined: any protocol (a flow on all ports). */
  readonly protocol?: string;
  /** `n` or `n:m`; undefined: every port of the protocol. */
  readonly ports?: string;
  /** The flow's description or key, for the comment. */
  readonly why: string;
}

/** A site as the filter needs it: its name and CIDRs. */
export interface ForwardSite {
  readonly name: string;
  readonly cidrs: string[];
}

/**
 * The rules for `local`'s gateway from `flows`, sorted and deduplicated. Blocks are clipped to the
 * remote site's CIDRs (a flow to `10.0.0.0/8` crosses only as far as the remote CIDRs reach);
 * exceptions of a block are not subtracted (the NetworkPolicies keep enforcing them).
 */
export function forwardRules(flows: Flow[], local: ForwardSite, remotes: ForwardSite[]): ForwardRule[] {
  const localCidrs = local.cidrs.map((c) => Cidr.of(c));
  const remoteCidrs = remotes.flatMap((r) => r.cidrs.map((c) => Cidr.of(c)));
  const out = new Map<string, ForwardRule>();
  const add = (r: ForwardRule) => out.set(`${r.direction} ${r.source} ${r.destination} ${r.protocol ?? ''} ${r.ports ?? ''}`, r);
  for (const f of flows) {
    const why = f.description ?? f.key;
    const matches = portMatches(f);
    if (isLocal(f.source) && f.destination.peerKind === PeerKind.IP_BLOCKS) {
      for (const dst of clip(f.destination, remoteCidrs)) {
        for (const src of localCidrs) {
          matches.forEach((m) => add({ direction: 'out', source: src.toString(), destination: dst, ...m, why }));
        }
      }
    }
    if (f.source.peerKind === PeerKind.IP_BLOCKS && isLocal(f.destination)) {
      for (const src of clip(f.source, remoteCidrs)) {
        for (const dst of localCidrs) {
          matches.forEach((m) => add({ direction: 'in', source: src, destination: dst.toString(), ...m, why }));
        }
      }
    }
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function isLocal(p: Peer): boolean {
  return p.peerKind !== PeerKind.IP_BLOCKS;
}

/** The parts of the peer's blocks that are inside a remote site's CIDRs. */
function clip(p: Peer, remote: Cidr[]): string[] {
  const out: string[] = [];
  for (const b of p.ipBlocks ?? []) {
    const block = Cidr.of(b.cidr);
    for (const r of remote) {
      if (r.contains(block)) {
        out.push(block.toString());
      } else if (block.contains(r)) {
        out.push(r.toString());
      }
    }
  }
  return out;
}

/** protocol/ports per port of the flow; a named port matches the protocol's every port. */
function portMatches(f: Flow): { protocol?: string; ports?: string }[] {
  if (f.allPorts || f.ports.length === 0) {
    return [{}];
  }
  return f.ports.map((p: Port) => {
    const protocol = (p.protocol ?? Protocol.TCP).toLowerCase();
    if (p.isAll || p.isNamed || p.portNumber === undefined) {
      return { protocol };
    }
    return { protocol, ports: p.endPort !== undefined ? `${p.portNumber}:${p.endPort}` : String(p.portNumber) };
  });
}

/** The iptables arguments of one rule (after `-A <chain>`). */
function ruleArgs(ifname: string, r: ForwardRule): string {
  const dir = r.direction === 'in' ? `-i ${ifname}` : `-o ${ifname}`;
  const proto = r.protocol !== undefined ? ` -p ${r.protocol}` : '';
  const ports = r.ports !== undefined ? ` --dport ${r.ports}` : '';
  const comment = r.why.replace(/[^-A-Za-z0-9 .,:/>_]/g, '').slice(0, 200);
  return `${dir} -s ${r.source} -d ${r.destination}${proto}${ports} -m comment --comment '${comment}' -j RETURN`;
}

/**
 * Shell lines that (re)install the filter: the chains are created or flushed, the jumps from
 * FORWARD and INPUT inserted first once. `iptables` is the command (`iptables` or `ip6tables`);
 * an IPv6 mesh gets the same rules with `ip6tables`.
 *
 * The chains live in the `mangle` table: every table's FORWARD hook sees the packet and an
 * ACCEPT in one table does not skip another, so the filter holds whatever the CNI or kube-proxy
 * put (or later re-insert) ahead of it in the `filter` table's FORWARD chain.
 */
export function renderForwardFilter(ifname: string, rules: ForwardRule[], iptables: string = 'iptables'): string[] {
  const ipt = `${iptables} -w -t mangle`;
  const lines = [
    `# forwarding filter: only the declared cross-site flows pass ${ifname} (${rules.length} rule${rules.length === 1 ? '' : 's'})`,
    `${ipt} -N ${FORWARD_CHAIN} 2>/dev/null || ${ipt} -F ${FORWARD_CHAIN}`,
    `${ipt} -A ${FORWARD_CHAIN} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`,
    ...rules.map((r) => `${ipt} -A ${FORWARD_CHAIN} ${ruleArgs(ifname, r)}`),
    `${ipt} -A ${FORWARD_CHAIN} -j DROP`,
    `${ipt} -C FORWARD -i ${ifname} -j ${FORWARD_CHAIN} 2>/dev/null || ${ipt} -I FORWARD 1 -i ${ifname} -j ${FORWARD_CHAIN}`,
    `${ipt} -C FORWARD -o ${ifname} -j ${FORWARD_CHAIN} 2>/dev/null || ${ipt} -I FORWARD 1 -o ${ifname} -j ${FORWARD_CHAIN}`,
    `${ipt} -N ${INPUT_CHAIN} 2>/dev/null || ${ipt} -F ${INPUT_CHAIN}`,
    `${ipt} -A ${INPUT_CHAIN} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`,
    `${ipt} -A ${INPUT_CHAIN} -j DROP`,
    `${ipt} -C INPUT -i ${ifname} -j ${INPUT_CHAIN} 2>/dev/null || ${ipt} -I INPUT 1 -i ${ifname} -j ${INPUT_CHAIN}`,
  ];
  return lines;
}
