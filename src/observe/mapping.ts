import { Endpoint, Observation } from './records';
import { parseCidr, parseIpAddress } from '../analysis/ip-range';
import { ParsedResources, PodInfo } from '../analysis/model';

/** Labels a controller adds to the pods it creates: not in the pod template (Kubernetes docs). */
const CONTROLLER_LABELS = /^(pod-template-hash|controller-revision-hash|pod-template-generation|statefulset\.kubernetes\.io\/pod-name|apps\.kubernetes\.io\/pod-index|controller-uid|job-name|batch\.kubernetes\.io\/.*|security\.istio\.io\/tlsMode|service\.istio\.io\/canonical-(name|revision))$/;

/** What an observed endpoint is, in the analyzer's naming (internal). */
export interface MappedPeer {
  /** `workload`, `controller`, `external`, `ambiguous` or `unmapped`. */
  readonly kind: string;
  /** Analyzer name: `ns/name[Kind]`, `{ingress-controller}`, an IP address; for the others a description. */
  readonly id: string;
  /** The pod of the manifests (workloads only). */
  readonly pod?: PodInfo;
  /** Why it is ambiguous or unmapped. */
  readonly reason?: string;
}

/** How to map (internal). */
export interface MapperOptions {
  readonly ingressControllerNamespace: string;
  readonly ingressControllerLabels: { [k: string]: string };
  /** Addresses inside the cluster: an address-only endpoint there is unidentified, not external. */
  readonly clusterCidrs: string[];
}

function subset(small: { [k: string]: string }, big: { [k: string]: string }): boolean {
  return Object.keys(small).every((k) => big[k] === small[k]);
}

function ownLabels(labels: { [k: string]: string }): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  for (const k of Object.keys(labels)) if (!CONTROLLER_LABELS.test(k)) out[k] = labels[k];
  return out;
}

/** No label the two share differs, and they share at least one (a record may omit labels: Cilium filters some). */
function compatible(template: { [k: string]: string }, seen: { [k: string]: string }): boolean {
  const common = Object.keys(template).filter((k) => k in seen);
  return common.length > 0 && common.every((k) => template[k] === seen[k]);
}

function overlap(template: { [k: string]: string }, seen: { [k: string]: string }): number {
  return Object.keys(template).filter((k) => seen[k] === template[k]).length;
}

function sameLabels(a: { [k: string]: string }, b: { [k: string]: string }): boolean {
  return Object.keys(a).length === Object.keys(b).length && subset(a, b);
}

function idOf(p: PodInfo): string { return `${p.ns}/${p.ownerName}[${p.ownerKind}]`; }

/** Maps observed endpoints to the workloads of the manifests, by what each record carries (internal). */
export class Mapper {
  private readonly pods: PodInfo[];
  private readonly inCluster: Array<{ v6: boolean; lo: bigint; hi: bigint }>;

  constructor(private readonly res: ParsedResources, private readonly opts: MapperOptions) {
    this.pods = res.pods;
    this.inCluster = opts.clusterCidrs.map((c) => parseCidr(c, 'clusterCidrs'));
  }

  /** The analyzer peer an endpoint stands for. */
  public map(e: Endpoint): MappedPeer {
    if (e.world) return e.ip ? { kind: 'external', id: e.ip } : { kind: 'unmapped', id: 'world', reason: 'outside the cluster, no address recorded' };
    if (e.reserved) return { kind: 'unmapped', id: `reserved:${e.reserved}`, reason: e.reserved === 'unknown' ? 'no workload identity (no sidecar, or plaintext)' : `Cilium reserved identity ${e.reserved} (not a workload)` };
    const ns = e.ns ?? (e.principal ? /\/ns\/([^/]+)\//.exec(e.principal)?.[1] : undefined);
    const hasIdentity = ns !== undefined && (e.workload || e.pod || e.serviceAccount || (e.labels && Object.keys(e.labels).length));
    if (!hasIdentity) return this.byAddress(e);
    if (ns === this.opts.ingressControllerNamespace && Object.keys(this.opts.ingressControllerLabels).length
      && e.labels && subset(this.opts.ingressControllerLabels, e.labels)) {
      return { kind: 'controller', id: '{ingress-controller}' };
    }
    return this.byIdentity(e, ns!);
  }

  private byAddress(e: Endpoint): MappedPeer {
    if (!e.ip) return { kind: 'unmapped', id: 'unknown', reason: 'the record names neither a pod nor an address' };
    const a = parseIpAddress(e.ip);
    if (!a) return { kind: 'unmapped', id: e.ip, reason: 'not an IP address' };
    const inside = this.inCluster.some((r) => r.v6 === a.v6 && a.value >= r.lo && a.value <= r.hi);
    return inside
      ? { kind: 'unmapped', id: e.ip, reason: 'an in-cluster address with no pod identity in the record (clusterCidrs)' }
      : { kind: 'external', id: e.ip };
  }

  private byIdentity(e: Endpoint, ns: string): MappedPeer {
    let c = this.pods.filter((p) => p.ns === ns);
    const what: string[] = [`namespace ${ns}`];
    const narrow = (label: string, keep: (p: PodInfo) => boolean): void => {
      what.push(label);
      c = c.filter(keep);
    };
    if (e.workload) narrow(`workload ${e.workload}`, (p) => p.ownerName === e.workload);
    if (e.pod && !e.workload) {
      narrow(`pod ${e.pod}`, (p) => e.pod === p.ownerName || e.pod!.startsWith(`${p.ownerName}-`));
      // api-v2-6d8f7c9b5-mq7zl starts with api- too: the longest owner name is the pod's
      const longest = Math.max(0, ...c.map((p) => p.ownerName.length));
      c = c.filter((p) => p.ownerName.length === longest);
    }
    const labels = e.labels && Object.keys(e.labels).length ? e.labels : undefined;
    if (labels) narrow(`labels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}`, (p) => compatible(ownLabels(p.labels), labels));
    if (e.serviceAccount) narrow(`service account ${e.serviceAccount}`, (p) => p.serviceAccount === e.serviceAccount);
    if (c.length > 1 && labels) {
      // a pod carries exactly its template's labels plus the controller's: the exact match is its owner
      const exact = c.filter((p) => sameLabels(ownLabels(p.labels), ownLabels(labels)));
      const best = Math.max(...c.map((p) => overlap(p.labels, labels)));
      const closest = c.filter((p) => overlap(p.labels, labels) === best);
      if (exact.length === 1) c = exact;
      else if (closest.length === 1) c = closest;
    }
    if (c.length === 1) return { kind: 'workload', id: idOf(c[0]), pod: c[0] };
    if (c.length === 0) return { kind: 'unmapped', id: `${ns}/${e.pod ?? e.workload ?? '?'}`, reason: `no workload of the manifests matches ${what.join(', ')}` };
    return { kind: 'ambiguous', id: `${ns}/${e.pod ?? e.workload ?? '?'}`, reason: `several workloads match ${what.join(', ')}: ${c.map(idOf).sort().join(', ')}` };
  }

  /** The container ports of the destination a Service host stands for (Istio metrics carry no port). */
  public servicePorts(o: Observation, dst: MappedPeer): number[] {
    if (o.port !== undefined) return [o.port];
    const m = o.service ? /^([^.]+)\.([^.]+)(\.svc(\..*)?)?$/.exec(o.service) : null;
    const svc = m ? this.res.services.find((s) => s.metadata?.name === m[1] && (s.metadata?.namespace ?? 'default') === m[2]) : undefined;
    const pod = dst.pod;
    const out = new Set<number>();
    for (const sp of svc?.spec?.ports ?? []) {
      if ((sp.protocol ?? 'TCP') !== 'TCP') continue;
      const tp = sp.targetPort ?? sp.port;
      if (typeof tp === 'number' || /^\d+$/.test(String(tp))) out.add(Number(tp));
      else for (const cp of pod?.ports ?? []) if (cp.name === tp) out.add(cp.port);
    }
    if (!svc && pod) for (const cp of pod.ports) if (cp.protocol === 'TCP') out.add(cp.port);
    return [...out].sort((a, b) => a - b);
  }
}
