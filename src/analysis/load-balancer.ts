/**
 * LoadBalancer Services with source ranges as the analyzer sees them (internal): a pod that such
 * Services select, and no Service that exposes it without a source restriction (a LoadBalancer
 * without ranges, a NodePort Service), is reached from outside the cluster only through those
 * load balancers: from an address inside their `loadBalancerSourceRanges` (or, when the field is
 * empty, the legacy annotation `service.beta.kubernetes.io/load-balancer-source-ranges`), on the
 * Services' target ports. The node ports a LoadBalancer Service also allocates are assumed closed
 * to the outside (the nodes' firewall), as a source-ranged load balancer implies.
 */
import { AnalysisError } from './analysis-error';
import { ConnSet } from './conn-set';
import { IpInterval, parseCidr } from './ip-range';
import { ContainerPort } from './model';

const ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** One source-ranged load balancer in front of a pod: who may use it, and the pod's ports it reaches. */
export interface LbGate { readonly service: string; readonly ranges: IpInterval[]; readonly ports: ConnSet }

function selects(svc: any, ns: string, labels: { [k: string]: string }): boolean {
  const sel = svc?.spec?.selector;
  if ((svc.metadata?.namespace ?? 'default') !== ns || !sel || typeof sel !== 'object' || !Object.keys(sel).length) return false;
  return Object.keys(sel).every((k) => labels[k] === String(sel[k]));
}

/** The source ranges of a LoadBalancer Service (the field, else the annotation); empty = unrestricted. */
export function sourceRanges(svc: any): IpInterval[] {
  const where = `Service ${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name}`;
  const field: any[] = Array.isArray(svc.spec?.loadBalancerSourceRanges) ? svc.spec.loadBalancerSourceRanges : [];
  if (field.length) return field.map((c, i) => parseCidr(String(c).trim(), `${where}.spec.loadBalancerSourceRanges[${i}]`));
  const ann = svc.metadata?.annotations?.[ANNOTATION];
  if (typeof ann !== 'string' || !ann.trim()) return [];
  return ann.split(',').map((c, i) => parseCidr(c.trim(), `${where}.metadata.annotations["${ANNOTATION}"][${i}]`));
}

/** The pod ports a Service's ports reach (named target ports resolved against the pod's containers). */
function targetPorts(svc: any, ports: ContainerPort[]): ConnSet {
  let c = ConnSet.NONE;
  for (const p of svc.spec?.ports ?? []) {
    const proto = String(p.protocol ?? 'TCP').toUpperCase();
    const tp = p.targetPort ?? p.port;
    if (typeof tp === 'string' && !/^\d+$/.test(tp)) {
      for (const cp of ports) if (cp.name === tp && cp.protocol === proto) c = c.union(ConnSet.of(proto, cp.port));
    } else {
      const n = Number(tp);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new AnalysisError(`Service ${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name}: invalid targetPort "${tp}" (valid: 1-65535 or a port name)`);
      c = c.union(ConnSet.of(proto, n));
    }
  }
  return c;
}

/** The source-ranged Services of a cluster, by the pods they gate. */
export class LoadBalancerGates {
  private readonly ranged: Array<{ svc: any; ranges: IpInterval[] }> = [];
  private readonly open: any[] = [];

  constructor(services: any[]) {
    for (const svc of services) {
      const type = svc?.spec?.type;
      if (type === 'NodePort') { this.open.push(svc); continue; }
      if (type !== 'LoadBalancer') continue;
      const ranges = sourceRanges(svc);
      if (ranges.length) this.ranged.push({ svc, ranges }); else this.open.push(svc);
    }
  }

  /** Every source range (to split the external address space at their edges). */
  public get allRanges(): IpInterval[][] { return this.ranged.map((r) => r.ranges); }

  /** The gates of a pod, or undefined when it is not reached only through source-ranged load balancers. */
  public gatesOf(ns: string, labels: { [k: string]: string }, ports: ContainerPort[]): LbGate[] | undefined {
    if (!this.ranged.length) return undefined;
    const gates = this.ranged.filter((r) => selects(r.svc, ns, labels));
    if (!gates.length || this.open.some((svc) => selects(svc, ns, labels))) return undefined;
    return gates.map((g) => ({ service: `${ns}/${g.svc.metadata?.name}`, ranges: g.ranges, ports: targetPorts(g.svc, ports) }));
  }
}

/** What the gates let through from an external atom (the union over the load balancers whose ranges hold it). */
export function gateConns(gates: LbGate[], atom: IpInterval): ConnSet {
  let c = ConnSet.NONE;
  for (const g of gates) {
    if (g.ranges.some((r) => r.v6 === atom.v6 && r.lo <= atom.lo && atom.hi <= r.hi)) c = c.union(g.ports);
  }
  return c;
}
