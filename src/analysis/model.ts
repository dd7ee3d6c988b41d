import { waypointPod } from './ambient';
import { AnalysisError } from './analysis-error';
import { ConnSet } from './conn-set';
import { istioGatewayPod, isGatewayApiGateway, isHttpRoute } from './gateway-api';
import { IpInterval, parseCidr, subtractIntervals } from './ip-range';
import { Selector } from './selector';
import { showValue } from './shown-value';
import { parseTierPolicy, TIER_KINDS, TierPolicy } from './tiers';

/** A container port (internal). */
export interface ContainerPort { readonly name?: string; readonly port: number; readonly protocol: string }

/** A pod, real or made from a workload template (internal). */
export interface PodInfo {
  readonly ns: string;
  readonly name: string;
  readonly labels: { [k: string]: string };
  readonly ports: ContainerPort[];
  readonly serviceAccount: string;
  readonly ownerKind: string;
  readonly ownerName: string;
  readonly annotations: { [k: string]: string };
  /** `spec.hostNetwork: true`: the pod uses the node's network namespace and addresses. */
  readonly hostNetwork: boolean;
  /** The containers that may have probes (`containers`, and `initContainers` with `restartPolicy: Always`), as written; none for modelled gateway pods. */
  readonly containers?: any[];
}

/** One `ports` entry of a rule (internal). */
export interface PortSpec { readonly protocol: string; readonly port?: number | string; readonly endPort?: number }

/** A NetworkPolicyPeer (internal). */
export interface PeerSpec {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: IpInterval[];
  readonly ipText?: string;
}

/** An ingress or egress rule (internal). `peers` undefined = every peer. */
export interface RuleSpec { readonly index: number; readonly peers?: PeerSpec[]; readonly ports: PortSpec[]; readonly fixed?: ConnSet }

/** A NetworkPolicy (internal). `ingress` undefined = does not apply to ingress. */
export interface PolicySpec {
  readonly ns: string;
  readonly name: string;
  readonly podSelector: Selector;
  readonly ingress?: RuleSpec[];
  readonly egress?: RuleSpec[];
}

const WORKLOAD_KINDS: { [k: string]: (spec: any) => any } = {
  Deployment: (s) => s?.template,
  ReplicaSet: (s) => s?.template,
  ReplicationController: (s) => s?.template,
  StatefulSet: (s) => s?.template,
  DaemonSet: (s) => s?.template,
  Job: (s) => s?.template,
  CronJob: (s) => s?.jobTemplate?.spec?.template,
};

/** The kinds of {@link TIER_KINDS} (an object of another kind is not one, whatever its apiVersion). */
const TIER_KIND_NAMES = new Set(TIER_KINDS.map((k) => k.slice(k.lastIndexOf('/') + 1)));

function strMap(m: any): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  for (const k of Object.keys(m ?? {})) out[k] = m[k] === null || m[k] === undefined ? '' : String(m[k]);
  return out;
}

/** The container ports of a pod spec; `where` names the spec (`Pod ns/name: spec`) for errors. */
function containerPorts(spec: any, where: string): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const key of ['containers', 'initContainers']) {
    (Array.isArray(spec?.[key]) ? spec[key] : []).forEach((c: any, i: number) => {
      (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, j: number) => {
        if (p?.containerPort === undefined || p?.containerPort === null) return;
        // the API server refuses anything else (int32, 1-65535): a typo must not become a port or vanish
        if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
          throw new AnalysisError(`${where}.${key}[${i}].ports[${j}].containerPort: invalid value ${showValue(p.containerPort)} (valid: an integer 1-65535)`);
        }
        ports.push({ name: p.name, port: p.containerPort, protocol: String(p.protocol ?? 'TCP').toUpperCase() });
      });
    });
  }
  return ports;
}

function podFromSpec(ns: string, name: string, labels: any, spec: any, ownerKind: string, ownerName: string, annotations: any,
  where: string): PodInfo {
  const ports = containerPorts(spec, where);
  return {
    ns,
    name,
    labels: strMap(labels),
    ports,
    serviceAccount: spec?.serviceAccountName ?? spec?.serviceAccount ?? 'default',
    ownerKind,
    ownerName,
    annotations: strMap(annotations),
    hostNetwork: spec?.hostNetwork === true,
    containers: probingContainers(spec),
  };
}

/**
 * The workload a pod belongs to: its managing controller (the owner reference with
 * `controller: true`). A Node "owns" the mirror pod of a static pod without managing a set of
 * pods, and other owner references only tie garbage collection: such a pod is its own workload.
 */
function workloadOwner(refs: any): any {
  const owner = Array.isArray(refs) ? refs.find((r: any) => r?.controller === true) : undefined;
  return owner && owner.kind !== 'Node' ? owner : undefined;
}

function asList(x: any): any[] {
  return Array.isArray(x) ? x : [];
}

function probingContainers(spec: any): any[] {
  return [...asList(spec?.containers), ...asList(spec?.initContainers).filter((c) => c?.restartPolicy === 'Always')];
}

function parsePort(p: any, where: string): PortSpec {
  const protocol = String(p?.protocol ?? 'TCP').toUpperCase();
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) {
    throw new AnalysisError(`${where}: invalid protocol "${p.protocol}" (valid: TCP, UDP, SCTP)`);
  }
  const port = p?.port;
  const endPort = p?.endPort;
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    if (endPort !== undefined && endPort !== null) {
      throw new AnalysisError(`${where}: port "${port}" with endPort ${endPort}: endPort field cannot be defined if the port field is defined as a named (string) port`);
    }
    return { protocol, port };
  }
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) throw new AnalysisError(`${where}: endPort ${endPort} requires port to be set`);
    return { protocol };
  }
  const n = Number(port);
  const e = endPort === undefined || endPort === null ? undefined : Number(endPort);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new AnalysisError(`${where}: port ${port} is not valid (valid: 1-65535 or a named port)`);
  }
  if (e !== undefined && (!Number.isInteger(e) || e < n || e > 65535)) {
    throw new AnalysisError(`${where}: invalid endPort ${endPort}: port range ${n}-${endPort} is legal; start and end values of the port range should be in {1-65535} and end may not be less than start`);
  }
  return { protocol, port: n, endPort: e };
}

function parsePeer(p: any, where: string): PeerSpec {
  const hasIp = p?.ipBlock !== undefined && p?.ipBlock !== null;
  const hasPod = p?.podSelector !== undefined && p?.podSelector !== null;
  const hasNs = p?.namespaceSelector !== undefined && p?.namespaceSelector !== null;
  if (hasIp && (hasPod || hasNs)) {
    throw new AnalysisError(`${where}: rule NetworkPolicyPeer error: cannot have both IPBlock and PodSelector/NamespaceSelector set`);
  }
  if (!hasIp && !hasPod && !hasNs) {
    throw new AnalysisError(`${where}: rule NetworkPolicyPeer error: cannot have empty rule peer`);
  }
  if (hasIp) {
    const cidr = p.ipBlock.cidr;
    const base = parseCidr(cidr, `${where}.ipBlock.cidr`);
    const except = (p.ipBlock.except ?? []).map((e: string, i: number) => {
      const r = parseCidr(e, `${where}.ipBlock.except[${i}]`);
      if (r.v6 !== base.v6 || r.lo < base.lo || r.hi > base.hi) {
        throw new AnalysisError(`${where}.ipBlock.except[${i}]: CIDR error: except ${e} is not contained in cidr ${cidr}`);
      }
      return r;
    });
    const ex = (p.ipBlock.except ?? []).length ? ` except ${(p.ipBlock.except ?? []).join(',')}` : '';
    return { ipBlock: subtractIntervals([base], except), ipText: `${cidr}${ex}` };
  }
  return {
    podSelector: hasPod ? Selector.parse(p.podSelector, `${where}.podSelector`) : undefined,
    namespaceSelector: hasNs ? Selector.parse(p.namespaceSelector, `${where}.namespaceSelector`) : undefined,
  };
}

function fixedConns(ports: PortSpec[]): ConnSet | undefined {
  if (!ports.length) return ConnSet.ALL;
  if (ports.some((p) => typeof p.port === 'string')) return undefined;
  let c = ConnSet.NONE;
  for (const p of ports) c = c.union(ConnSet.of(p.protocol, p.port as number | undefined, p.endPort));
  return c;
}

function parseRules(rules: any[], dir: 'ingress' | 'egress', where: string): RuleSpec[] {
  const peerKey = dir === 'ingress' ? 'from' : 'to';
  return (rules ?? []).map((r: any, i: number) => {
    const w = `${where}.spec.${dir}[${i}]`;
    const rawPeers: any[] | undefined = r?.[peerKey];
    const peers = rawPeers && rawPeers.length ? rawPeers.map((p, j) => parsePeer(p, `${w}.${peerKey}[${j}]`)) : undefined;
    const ports = (r?.ports ?? []).map((p: any, j: number) => parsePort(p, `${w}.ports[${j}]`));
    if (dir === 'egress' && peers?.some((p) => p.ipBlock) && ports.some((p: PortSpec) => typeof p.port === 'string')) {
      throw new AnalysisError(`${w}: named port error: cannot convert named port for an IP destination`);
    }
    return { index: i, peers, ports, fixed: fixedConns(ports) };
  });
}

/** Parses a NetworkPolicy (policyTypes defaulting as Kubernetes does). */
export function parsePolicy(o: any): PolicySpec {
  const ns = o.metadata?.namespace ?? 'default';
  const name = o.metadata?.name ?? '';
  const where = `NetworkPolicy ${ns}/${name}`;
  const spec = o.spec ?? {};
  const podSelector = Selector.parse(spec.podSelector ?? {}, `${where}.spec.podSelector`);
  let types: string[] = spec.policyTypes ?? [];
  if (!spec.policyTypes) {
    types = ['Ingress'];
    if ((spec.egress ?? []).length) types.push('Egress');
  }
  for (const t of types) {
    if (t !== 'Ingress' && t !== 'Egress') throw new AnalysisError(`${where}.spec.policyTypes: invalid value "${t}" (valid: Ingress, Egress)`);
  }
  return {
    ns,
    name,
    podSelector,
    ingress: types.includes('Ingress') ? parseRules(spec.ingress, 'ingress', where) : undefined,
    egress: types.includes('Egress') ? parseRules(spec.egress, 'egress', where) : undefined,
  };
}

/** Everything the analyzer reads from the manifests (internal). */
export class ParsedResources {
  public readonly pods: PodInfo[] = [];
  public readonly namespaces = new Map<string, { [k: string]: string }>();
  public readonly policies: PolicySpec[] = [];
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects. */
  public readonly tierPolicies: TierPolicy[] = [];
  public readonly services: any[] = [];
  public readonly ingresses: any[] = [];
  public readonly routes: any[] = [];
  public readonly peerAuthentications: any[] = [];
  public readonly authorizationPolicies: any[] = [];
  /** Istio `networking.istio.io` Gateways (not Kubernetes Gateway API objects). */
  public readonly gateways: any[] = [];
  /** Gateway API HTTPRoutes (`gateway.networking.k8s.io`). */
  public readonly httpRoutes: any[] = [];
  private readonly policyNames = new Set<string>();

  constructor(objects: any[]) {
    for (const o of objects) this.add(o);
    for (const p of this.pods) if (!this.namespaces.has(p.ns)) this.ensureNamespace(p.ns);
  }

  private ensureNamespace(ns: string, labels?: any): void {
    const l = { ...(this.namespaces.get(ns) ?? {}), ...strMap(labels) };
    if (l['kubernetes.io/metadata.name'] === undefined) l['kubernetes.io/metadata.name'] = ns;
    this.namespaces.set(ns, l);
  }

  /** A Pod, or a workload's pod template; false if `o` is neither. */
  private addWorkload(kind: string, o: any, md: any, ns: string): boolean {
    if (kind === 'Pod') {
      const owner = workloadOwner(md.ownerReferences);
      this.pods.push(podFromSpec(ns, md.name, md.labels, o.spec, owner ? owner.kind || 'Pod' : 'Pod', owner ? owner.name : md.name, md.annotations,
        `Pod ${ns}/${md.name}: spec`));
      return true;
    }
    // own keys only: a kind named `constructor` or `toString` is no workload
    if (!Object.prototype.hasOwnProperty.call(WORKLOAD_KINDS, kind)) return false;
    const tpl = WORKLOAD_KINDS[kind](o.spec);
    const at = kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
    this.pods.push(podFromSpec(ns, md.name, tpl?.metadata?.labels, tpl?.spec, kind, md.name, tpl?.metadata?.annotations, `${kind} ${ns}/${md.name}: ${at}`));
    return true;
  }

  private add(o: any): void {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) { o.forEach((x) => this.add(x)); return; }
    // a kind that is no string names nothing the analyzer reads (plain JavaScript input)
    const kind: string = typeof o.kind === 'string' ? o.kind : '';
    // the kind first: most objects are no list, and reading a missing `items` is slow on varied objects
    if ((kind === 'List' || kind.endsWith('List') || !kind) && Array.isArray(o.items)) {
      const itemKind = kind.endsWith('List') && kind !== 'List' ? kind.slice(0, -4) : undefined;
      for (const it of o.items) this.add(it === null || typeof it !== 'object' || it.kind || !itemKind ? it : { ...it, kind: itemKind });
      return;
    }
    const md = o.metadata ?? {};
    const ns = md.namespace ?? 'default';
    if (kind === 'Namespace') { this.ensureNamespace(md.name, md.labels); return; }
    if (this.addWorkload(kind, o, md, ns)) return;
    if (kind === 'NetworkPolicy' && String(o.apiVersion ?? '').startsWith('networking.k8s.io')) {
      const key = `${ns}/${md.name}`;
      if (this.policyNames.has(key)) {
        throw new AnalysisError(`NetworkPolicy "${key}" is already exists. Only one object of a given kind can have a given name at a time.`);
      }
      this.policyNames.add(key);
      this.policies.push(parsePolicy(o));
      return;
    }
    if (TIER_KIND_NAMES.has(kind) && TIER_KINDS.includes(`${o.apiVersion}/${kind}`)) {
      const key = `${kind}/${md.name}`;
      if (kind === 'BaselineAdminNetworkPolicy' && this.tierPolicies.some((p) => p.kind === kind)) {
        throw new AnalysisError(`${kind} "${md.name}": only one baseline admin network policy may be provided in input resources; one already exists`);
      }
      if (this.policyNames.has(key)) {
        throw new AnalysisError(`${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} "${md.name}" is already exists. `
          + 'Only one object of a given kind can have a given name at a time.');
      }
      this.policyNames.add(key);
      this.tierPolicies.push(parseTierPolicy(o));
      return;
    }
    if (isGatewayApiGateway(o)) {
      const pod = istioGatewayPod(o) ?? waypointPod(o);
      if (pod) this.pods.push(pod);
      return;
    }
    if (isHttpRoute(o)) {
      this.httpRoutes.push(o);
      return;
    }
    if (kind === 'Service') this.services.push(o);
    else if (kind === 'Ingress') this.ingresses.push(o);
    else if (kind === 'Route') this.routes.push(o);
    else if (kind === 'PeerAuthentication') this.peerAuthentications.push(o);
    else if (kind === 'AuthorizationPolicy') this.authorizationPolicies.push(o);
    else if (kind === 'Gateway' && String(o.apiVersion ?? '').startsWith('networking.istio.io/')) this.gateways.push(o);
  }
}
