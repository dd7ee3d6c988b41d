/**
 * A small NetworkPolicy evaluator for tests (the full analyzer lives in src/analysis):
 * given manifests, decides whether a connection between two endpoints is allowed.
 */

export interface PodEndpoint {
  readonly namespace: string;
  readonly labels: { [k: string]: string };
  /** container port names -> numbers */
  readonly namedPorts?: { [name: string]: number };
}

export interface IpEndpoint {
  readonly ip: string;
}

export type Endpoint = PodEndpoint | IpEndpoint;

function isPod(e: Endpoint): e is PodEndpoint {
  return (e as PodEndpoint).namespace !== undefined;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  if (net.includes(':') || ip.includes(':')) return false;
  const size = 2 ** (32 - Number(len));
  const start = Math.floor(ipToInt(net) / size) * size;
  const v = ipToInt(ip);
  return v >= start && v < start + size;
}

function selectorMatches(sel: any, labels: { [k: string]: string }): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export class NetpolEvaluator {
  private readonly policies: any[];
  private readonly nsLabels = new Map<string, { [k: string]: string }>();

  constructor(objs: any[]) {
    this.policies = objs.filter((o) => o.kind === 'NetworkPolicy');
    for (const o of objs.filter((x) => x.kind === 'Namespace')) {
      this.nsLabels.set(o.metadata.name, { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name });
    }
  }

  private labelsOfNs(ns: string): { [k: string]: string } {
    return this.nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns };
  }

  private peerMatches(peer: any, policyNs: string, e: Endpoint): boolean {
    if (peer.ipBlock) {
      if (isPod(e)) return false;
      return inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x: string) => inCidr(e.ip, x));
    }
    if (!isPod(e)) return false;
    if (peer.namespaceSelector) {
      if (!selectorMatches(peer.namespaceSelector, this.labelsOfNs(e.namespace))) return false;
    } else if (e.namespace !== policyNs) {
      return false;
    }
    return peer.podSelector ? selectorMatches(peer.podSelector, e.labels) : true;
  }

  private portMatches(ports: any[] | undefined, protocol: string, port: number, dst: Endpoint): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') {
        return isPod(dst) && dst.namedPorts?.[p.port] === port;
      }
      return port >= p.port && port <= (p.endPort ?? p.port);
    });
  }

  private allowedAt(dir: 'Ingress' | 'Egress', local: PodEndpoint, remote: Endpoint, protocol: string, port: number, dst: Endpoint): boolean {
    const pols = this.policies.filter((p) => p.metadata.namespace === local.namespace
      && (p.spec.policyTypes ?? ['Ingress']).includes(dir)
      && selectorMatches(p.spec.podSelector, local.labels));
    if (pols.length === 0) return true;
    return pols.some((p) => ((dir === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((r: any) => {
      const peers = dir === 'Ingress' ? r.from : r.to;
      const peerOk = !peers || peers.length === 0 || peers.some((x: any) => this.peerMatches(x, p.metadata.namespace, remote));
      return peerOk && this.portMatches(r.ports, protocol, port, dst);
    }));
  }

  /** True if `src` may open a connection to `dst` on protocol/port. */
  public allowed(src: Endpoint, dst: Endpoint, protocol: string, port: number): boolean {
    const egressOk = !isPod(src) || this.allowedAt('Egress', src, dst, protocol, port, dst);
    const ingressOk = !isPod(dst) || this.allowedAt('Ingress', dst, src, protocol, port, dst);
    return egressOk && ingressOk;
  }
}
