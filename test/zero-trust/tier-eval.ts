/**
 * A small evaluator of the Network Policy API tiers for tests (the full analyzer lives in
 * src/analysis): Admin tier by priority (first matching rule: Accept, Deny or Pass), then the
 * NetworkPolicies of the pod, then the Baseline tier, then allow; ingress and egress each decide.
 * v1alpha1 ANP/BANP are read as v1alpha2 ClusterNetworkPolicies (`toV1alpha2`).
 */
import { Endpoint, NetpolEvaluator, PodEndpoint } from './netpol-eval';
import { cidrRange, parseIp } from '../../src/core/ip';

const isPod = (e: Endpoint): e is PodEndpoint => (e as PodEndpoint).namespace !== undefined;

function selectorMatches(sel: any, labels: { [k: string]: string }): boolean {
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = cidrRange(cidr);
  return a !== undefined && a.version === c.version && a.value >= c.first && a.value <= c.last;
}

/** An ANP/BANP (v1alpha1) as the equivalent ClusterNetworkPolicy (v1alpha2). */
export function toV1alpha2(o: any): any {
  if (o.kind === 'ClusterNetworkPolicy') return o;
  const tier = o.kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline';
  const protocols = (ports: any[] | undefined) => ports?.map((p) => {
    if (p.namedPort) return { destinationNamedPort: p.namedPort };
    if (p.portRange) {
      return { [p.portRange.protocol.toLowerCase()]: { destinationPort: { range: { start: p.portRange.start, end: p.portRange.end } } } };
    }
    return { [p.portNumber.protocol.toLowerCase()]: { destinationPort: { number: p.portNumber.port } } };
  });
  const rules = (rs: any[] | undefined, dir: string) => rs?.map((r) => {
    const out: any = { name: r.name, action: r.action === 'Allow' ? 'Accept' : r.action, [dir]: r[dir] };
    if (r.ports) out.protocols = protocols(r.ports);
    return out;
  });
  const spec: any = { tier, priority: o.spec.priority ?? 1000, subject: o.spec.subject };
  if (o.spec.ingress) spec.ingress = rules(o.spec.ingress, 'from');
  if (o.spec.egress) spec.egress = rules(o.spec.egress, 'to');
  return { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: o.metadata, spec };
}

export interface TierVerdict {
  readonly allowed: boolean;
  /** `Admin/<name>`, `NetworkPolicy`, `Baseline/<name>` or `default` for each direction that decided a denial or an accept. */
  readonly decidedBy: string[];
}

export class TierEvaluator {
  private readonly policies: any[];
  private readonly netpols: NetpolEvaluator;
  private readonly objs: any[];
  private readonly nsLabels = new Map<string, { [k: string]: string }>();

  constructor(objs: any[], namespaces: { [ns: string]: { [k: string]: string } } = {}) {
    this.objs = objs;
    this.policies = objs.filter((o) => ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].includes(o.kind)).map(toV1alpha2);
    this.netpols = new NetpolEvaluator(objs);
    for (const o of objs.filter((x) => x.kind === 'Namespace')) this.nsLabels.set(o.metadata.name, o.metadata.labels ?? {});
    for (const [n, l] of Object.entries(namespaces)) this.nsLabels.set(n, l);
  }

  private ns(name: string): { [k: string]: string } {
    return { ...(this.nsLabels.get(name) ?? {}), 'kubernetes.io/metadata.name': name };
  }

  private peerMatches(peer: any, e: Endpoint): boolean {
    if (peer.networks) return !isPod(e) && peer.networks.some((c: string) => inCidr(e.ip, c));
    if (!isPod(e)) return false;
    if (peer.namespaces) return selectorMatches(peer.namespaces, this.ns(e.namespace));
    return selectorMatches(peer.pods.namespaceSelector, this.ns(e.namespace)) && selectorMatches(peer.pods.podSelector, e.labels);
  }

  private portMatches(protocols: any[] | undefined, protocol: string, port: number, dst: Endpoint): boolean {
    if (!protocols) return true;
    return protocols.some((p) => {
      if (p.destinationNamedPort) return isPod(dst) && dst.namedPorts?.[p.destinationNamedPort] === port;
      const d = p[protocol.toLowerCase()]?.destinationPort;
      if (!d) return false;
      return d.number !== undefined ? d.number === port : port >= d.range.start && port <= d.range.end;
    });
  }

  /** The first matching rule of `tier` for `local` in direction `dir`: `[action, policy name]`. */
  private tierDecision(tier: string, dir: 'ingress' | 'egress', local: PodEndpoint, remote: Endpoint, protocol: string, port: number, dst: Endpoint): [string, string] | undefined {
    const pols = this.policies.filter((p) => p.spec.tier === tier && this.subjectMatches(p.spec.subject, local))
      .sort((a, b) => a.spec.priority - b.spec.priority);
    for (const p of pols) {
      for (const r of p.spec[dir] ?? []) {
        if ((dir === 'ingress' ? r.from : r.to).some((x: any) => this.peerMatches(x, remote)) && this.portMatches(r.protocols, protocol, port, dst)) {
          return [r.action, p.metadata.name];
        }
      }
    }
    return undefined;
  }

  private subjectMatches(s: any, pod: PodEndpoint): boolean {
    if (s.namespaces) return selectorMatches(s.namespaces, this.ns(pod.namespace));
    return selectorMatches(s.pods.namespaceSelector, this.ns(pod.namespace)) && selectorMatches(s.pods.podSelector, pod.labels);
  }

  private direction(dir: 'ingress' | 'egress', local: PodEndpoint, remote: Endpoint, protocol: string, port: number, dst: Endpoint): [boolean, string] {
    const admin = this.tierDecision('Admin', dir, local, remote, protocol, port, dst);
    if (admin && admin[0] !== 'Pass') return [admin[0] === 'Accept', `Admin/${admin[1]}`];
    const type = dir === 'ingress' ? 'Ingress' : 'Egress';
    const selected = this.objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === local.namespace
      && (o.spec.policyTypes ?? ['Ingress']).includes(type) && selectorMatches(o.spec.podSelector, local.labels));
    if (selected) return [(this.netpols as any).allowedAt(type, local, remote, protocol, port, dst), 'NetworkPolicy'];
    const base = this.tierDecision('Baseline', dir, local, remote, protocol, port, dst);
    if (base) return [base[0] === 'Accept', `Baseline/${base[1]}`];
    return [true, 'default'];
  }

  /** Whether `src` may open a connection to `dst` on protocol/port, and which tier decided. */
  public verdict(src: Endpoint, dst: Endpoint, protocol: string, port: number): TierVerdict {
    const out = isPod(src) ? this.direction('egress', src, dst, protocol, port, dst) : [true, 'default'] as [boolean, string];
    const inn = isPod(dst) ? this.direction('ingress', dst, src, protocol, port, dst) : [true, 'default'] as [boolean, string];
    return { allowed: out[0] && inn[0], decidedBy: [out, inn].filter(([ok]) => !ok).map(([, by]) => by) };
  }

  public allowed(src: Endpoint, dst: Endpoint, protocol: string, port: number): boolean {
    return this.verdict(src, dst, protocol, port).allowed;
  }
}
