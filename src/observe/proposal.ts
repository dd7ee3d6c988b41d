import { Group } from './aggregate';
import { MappedPeer } from './mapping';
import { ProposedFlow } from './types';
import { PodInfo } from '../analysis/model';

/** What the proposal needs to know of the cluster (internal). */
export interface ProposalContext {
  readonly workloadNames: { [key: string]: string };
  readonly ingressControllerNamespace: string;
  readonly ingressControllerLabels: { [k: string]: string };
  readonly trustDomain: string;
  /** True if an enforced AuthorizationPolicy applies to the pod (then the flow must be a mesh flow). */
  readonly underAuthorization: (pod: PodInfo) => boolean;
  /** True if the workload is in the manifests (the program), not a stand-in for another installer's pods. */
  readonly inProgram: (pod: PodInfo) => boolean;
  /** True if the pod gets an Istio sidecar (a mesh identity). */
  readonly inMesh: (pod: PodInfo) => boolean;
}

/** One proposed flow with the objects that stand for what its line renders (internal). */
export interface Proposal {
  readonly flow: ProposedFlow;
  /** Why no line can allow it (then `objects` is empty and the code is a comment). */
  readonly notProposed?: string;
  readonly groups: Group[];
  readonly objects: any[];
}

function camel(name: string): string {
  const c = name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''));
  return /^[0-9]/.test(c) ? `w${c}` : c;
}

/** A TypeScript string literal (record text is untrusted: quotes, backslashes and line breaks escaped). */
function tsString(s: string): string {
  return `'${s.replace(/[\\'\u0000-\u001f\u2028\u2029]/g, (c) => (c === '\\' || c === '\'' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

function tsList(xs: string[]): string { return `[${xs.map(tsString).join(', ')}]`; }

function tsLabels(labels: { [k: string]: string }): string {
  return `{ ${Object.keys(labels).sort().map((k) => `${tsString(k)}: ${tsString(labels[k])}`).join(', ')} }`;
}

function hostCidr(ip: string): string { return ip.includes(':') ? `${ip}/128` : `${ip}/32`; }

function peerCode(p: MappedPeer, ctx: ProposalContext): string {
  if (p.kind === 'external') return `Peer.cidr('${hostCidr(p.id)}')`;
  if (p.kind === 'controller') return `Peer.pods(${tsLabels(ctx.ingressControllerLabels)}, { namespace: ${tsString(ctx.ingressControllerNamespace)} })`;
  const pod = p.pod!;
  if (!ctx.inProgram(pod)) return `Peer.pods(${tsLabels(pod.labels)}, { namespace: ${tsString(pod.ns)} })`;
  const key = `${pod.ns}/${pod.ownerName}`;
  return `Peer.workload(${ctx.workloadNames[key] ?? camel(pod.ownerName)})`;
}

function portCode(protocol: string, port: number): string {
  return `Port.${protocol.toLowerCase()}(${port})`;
}

/** The NetworkPolicy peer that selects `p` from another namespace. */
function npPeer(p: MappedPeer, ctx: ProposalContext): any {
  if (p.kind === 'external') return { ipBlock: { cidr: hostCidr(p.id) } };
  const ns = p.kind === 'controller' ? ctx.ingressControllerNamespace : p.pod!.ns;
  const labels = p.kind === 'controller' ? ctx.ingressControllerLabels : p.pod!.labels;
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: { ...labels } } };
}

/** The objects `flows.allow` / `mesh.allow` render for the line: NetworkPolicies both ways, an ALLOW rule in the mesh. */
function objectsOf(name: string, src: MappedPeer, dst: MappedPeer, ports: Array<[string, number]>,
  http: { methods: string[]; paths: string[] } | undefined,
  mesh: boolean, ctx: ProposalContext): any[] {
  const npPorts = ports.map(([protocol, port]) => ({ protocol, port }));
  const dstPod = dst.pod!;
  const out: any[] = [{
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${name}-ingress`, namespace: dstPod.ns },
    spec: { podSelector: { matchLabels: { ...dstPod.labels } }, policyTypes: ['Ingress'], ingress: [{ from: [npPeer(src, ctx)], ports: npPorts }] },
  }];
  if (src.kind === 'workload') {
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${name}-egress`, namespace: src.pod!.ns },
      spec: { podSelector: { matchLabels: { ...src.pod!.labels } }, policyTypes: ['Egress'], egress: [{ to: [npPeer(dst, ctx)], ports: npPorts }] },
    });
  }
  if (mesh) {
    const from = src.kind === 'workload' ? [{ source: { principals: [`${ctx.trustDomain}/ns/${src.pod!.ns}/sa/${src.pod!.serviceAccount}`] } }]
      : src.kind === 'external' ? [{ source: { ipBlocks: [hostCidr(src.id)] } }] : undefined;
    const operation: any = { ports: ports.map(([, p]) => String(p)) };
    if (http) { operation.methods = http.methods; operation.paths = http.paths; }
    out.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace: dstPod.ns },
      spec: { selector: { matchLabels: { ...dstPod.labels } }, action: 'ALLOW', rules: [{ ...(from ? { from } : {}), to: [{ operation }] }] },
    });
  }
  return out;
}

/** L7 splits: paths grouped by the methods seen on them, so the lines allow exactly the pairs seen. */
function l7Splits(groups: Group[]): Array<{ methods: string[]; paths: string[] } | undefined> {
  // a port the policies allow is blocked only for the requests the dry-run denied: propose those
  const requests = (g: Group): Set<string> => (g.l4Blocked ? g.http : g.shadowHttp);
  if (groups.some((g) => (g.l4Blocked && g.plain > 0) || requests(g).size === 0)) return [undefined];
  const byPath = new Map<string, Set<string>>();
  for (const g of groups) {
    for (const h of requests(g)) {
      const [m, p] = [h.slice(0, h.indexOf(' ')), h.slice(h.indexOf(' ') + 1)];
      byPath.set(p, (byPath.get(p) ?? new Set()).add(m));
    }
  }
  const byMethods = new Map<string, string[]>();
  for (const [p, ms] of byPath) {
    const k = [...ms].sort().join(',');
    byMethods.set(k, [...(byMethods.get(k) ?? []), p]);
  }
  return [...byMethods.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, paths]) => ({ methods: k.split(','), paths: paths.sort() }));
}

/** The proposed lines for the blocked groups: one per pair (and per L7 method set), with their objects. */
export function propose(blocked: Group[], ctx: ProposalContext): Proposal[] {
  const byPair = new Map<string, Group[]>();
  for (const g of blocked) {
    const k = `${g.src.id}\0${g.dst.id}`;
    byPair.set(k, [...(byPair.get(k) ?? []), g]);
  }
  const out: Proposal[] = [];
  for (const groups of byPair.values()) {
    const { src, dst } = groups[0];
    const ports: Array<[string, number]> = groups.map((g) => [g.protocol, g.port]);
    const mesh = ctx.underAuthorization(dst.pod!);
    const seenBy = [...new Set(groups.flatMap((g) => [...g.seenBy]))].sort().join(', ');
    if (mesh && !(src.kind === 'workload' && ctx.inMesh(src.pod!))) {
      // an address outside the cluster presents no mesh identity either: a STRICT destination refuses it
      const why = src.kind === 'external'
        ? `${src.id} is outside the cluster and ${dst.id} admits mesh identities only (AuthorizationPolicy, mTLS): `
          + 'no flow can allow it; expose the workload through a SecureGateway (its pods call it with their identity), or stop the traffic'
        : `${src.id} has no Istio sidecar and ${dst.id} admits mesh identities only (AuthorizationPolicy): `
          + 'no flow can allow it; give the source a sidecar (ZeroTrustNamespace istioInjection) and observe again, or stop the traffic';
      out.push({
        flow: { src: src.id, dst: dst.id, ports: ports.map(([p, n]) => `${p} ${n}`), methods: [], paths: [], code: `// not proposed: ${why}` },
        notProposed: why,
        groups,
        objects: [],
      });
      continue;
    }
    for (const http of mesh ? l7Splits(groups) : [undefined]) {
      const name = `observed-${out.length + 1}`;
      const l7 = http ? `, http: { methods: ${tsList(http.methods)}, paths: ${tsList(http.paths)} }` : '';
      const code = `${mesh ? 'mesh' : 'flows'}.allow(${peerCode(src, ctx)}, ${peerCode(dst, ctx)}, `
        + `{ ports: [${ports.map(([p, n]) => portCode(p, n)).join(', ')}]${l7}, description: 'observed in AUDIT (${seenBy})' });`;
      out.push({
        flow: { src: src.id, dst: dst.id, ports: ports.map(([p, n]) => `${p} ${n}`), methods: http?.methods ?? [], paths: http?.paths ?? [], code },
        groups,
        objects: objectsOf(name, src, dst, ports, http, mesh, ctx),
      });
    }
  }
  return out;
}
