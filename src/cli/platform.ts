import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { UsageError } from './args';
import { AnalysisError } from '../analysis/analysis-error';
import { parsePolicy, PeerSpec, PolicySpec } from '../analysis/model';
import { parseTierPolicy, TIER_KINDS, TierPeer } from '../analysis/tiers';

/** A pod another installer creates, modelled by the CLI (internal). */
export interface StandIn {
  readonly namespace: string;
  readonly name: string;
  readonly labels: { [k: string]: string };
  readonly serviceAccount: string;
  /** `UDP/53`, `15012` (TCP). */
  readonly ports: string[];
  /** The pod has an Envoy with a mesh certificate (a gateway). */
  readonly meshIdentity: boolean;
  /** Given by the user (always modelled) rather than a default (modelled where referenced). */
  readonly explicit: boolean;
}

/** The cluster around the manifests: the ingress controller, DNS, the mesh control plane, gateways, stand-ins (internal). */
export interface Platform {
  readonly ingressController: { readonly namespace: string; readonly labels: { [k: string]: string } };
  readonly standIns: StandIn[];
  readonly nodeCidrs?: string[];
  /** The pod address space (cluster-wide tier `networks` that overlap it match pods). */
  readonly podCidrs?: string[];
}

/** What the library's constructs assume (IngressController, Peer.dns(), MtlsMesh, the east-west gateway). */
export function defaultPlatform(): Platform {
  return {
    ingressController: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
    standIns: [
      { namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, serviceAccount: 'coredns', ports: ['UDP/53', 'TCP/53'], meshIdentity: false, explicit: false },
      { namespace: 'istio-system', name: 'istiod', labels: { app: 'istiod', istio: 'pilot' }, serviceAccount: 'istiod', ports: ['15012', '15017'], meshIdentity: false, explicit: false },
      {
        namespace: 'istio-system',
        name: 'istio-eastwestgateway',
        labels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' },
        serviceAccount: 'istio-eastwestgateway',
        ports: ['15443'],
        meshIdentity: true,
        explicit: false,
      },
    ],
  };
}

/** The platform file's keys, for the help and its errors. */
export const PLATFORM_KEYS = ['ingressController', 'dns', 'meshControlPlane', 'gateways', 'standIns', 'nodeCidrs', 'podCidrs'];
const STAND_IN_KEYS = ['namespace', 'name', 'labels', 'serviceAccount', 'ports', 'meshIdentity'];
const DEFAULT_NAMES: { [key: string]: string } = { dns: 'coredns', meshControlPlane: 'istiod' };

function fail(where: string, value: unknown, valid: string): never {
  throw new AnalysisError(`${where}: invalid value ${JSON.stringify(value)} (${valid})`);
}

function labelsOf(v: unknown, where: string): { [k: string]: string } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(where, v, 'valid: a mapping of label keys to string values');
  for (const [k, x] of Object.entries(v as object)) if (typeof x !== 'string') fail(`${where}.${k}`, x, 'valid: a string label value');
  return { ...(v as { [k: string]: string }) };
}

function portsOf(v: unknown, where: string): string[] {
  if (!Array.isArray(v)) fail(where, v, 'valid: a list of ports: 8080, TCP/8080, UDP/53');
  return v.map((p, i) => {
    const s = String(p);
    const m = /^(?:(TCP|UDP|SCTP)\/)?(\d+)$/i.exec(s);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) fail(`${where}[${i}]`, p, 'valid: 1-65535, optionally with a protocol: TCP/8080, UDP/53');
    return s;
  });
}

function standInOf(v: any, where: string, defaultName?: string): StandIn {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(where, v, `valid: a mapping with ${STAND_IN_KEYS.join(', ')}`);
  for (const k of Object.keys(v)) if (!STAND_IN_KEYS.includes(k)) fail(`${where}.${k}`, v[k], `unknown key; valid: ${STAND_IN_KEYS.join(', ')}`);
  const name = v.name ?? defaultName;
  if (typeof v.namespace !== 'string' || !v.namespace) fail(`${where}.namespace`, v.namespace, 'valid: a namespace name');
  if (typeof name !== 'string' || !name) fail(`${where}.name`, v.name, 'valid: a workload name');
  if (v.meshIdentity !== undefined && typeof v.meshIdentity !== 'boolean') fail(`${where}.meshIdentity`, v.meshIdentity, 'valid: true or false');
  return {
    namespace: v.namespace,
    name,
    labels: labelsOf(v.labels, `${where}.labels`),
    serviceAccount: typeof v.serviceAccount === 'string' ? v.serviceAccount : name,
    ports: v.ports === undefined ? [] : portsOf(v.ports, `${where}.ports`),
    meshIdentity: v.meshIdentity === true,
    explicit: true,
  };
}

/** Reads a platform file over the defaults: each key given replaces that part; `null` removes it. */
export function readPlatformFile(file: string, base: Platform): Platform {
  let doc: any;
  try {
    doc = yaml.load(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AnalysisError(`--platform ${file}: cannot read: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail(`--platform ${file}`, doc, `valid: a mapping with keys ${PLATFORM_KEYS.join(', ')}`);
  for (const k of Object.keys(doc)) if (!PLATFORM_KEYS.includes(k)) fail(`${file}: ${k}`, doc[k], `unknown key; valid: ${PLATFORM_KEYS.join(', ')}`);
  let standIns = base.standIns;
  const replace = (name: string | undefined, ns: string | undefined, given: StandIn[]): void => {
    standIns = [...standIns.filter((s) => !(name ? s.name === name && (!ns || s.namespace === ns) : s.meshIdentity)), ...given];
  };
  let ic = base.ingressController;
  if ('ingressController' in doc) {
    const v = doc.ingressController;
    if (!v || typeof v.namespace !== 'string') fail(`${file}: ingressController`, v, 'valid: a mapping with namespace and labels');
    ic = { namespace: v.namespace, labels: v.labels === undefined ? {} : labelsOf(v.labels, `${file}: ingressController.labels`) };
  }
  for (const key of ['dns', 'meshControlPlane']) {
    if (key in doc) replace(DEFAULT_NAMES[key], undefined, doc[key] === null ? [] : [standInOf(doc[key], `${file}: ${key}`, DEFAULT_NAMES[key])]);
  }
  if ('gateways' in doc) replace(undefined, undefined, listOf(doc.gateways, `${file}: gateways`).map((g, i) => ({ ...standInOf(g, `${file}: gateways[${i}]`), meshIdentity: g.meshIdentity ?? true })));
  if ('standIns' in doc) standIns = [...standIns, ...listOf(doc.standIns, `${file}: standIns`).map((s, i) => standInOf(s, `${file}: standIns[${i}]`))];
  const nodeCidrs = 'nodeCidrs' in doc ? listOf(doc.nodeCidrs, `${file}: nodeCidrs`).map(String) : base.nodeCidrs;
  const podCidrs = 'podCidrs' in doc ? listOf(doc.podCidrs, `${file}: podCidrs`).map(String) : base.podCidrs;
  return { ingressController: ic, standIns, nodeCidrs, podCidrs };
}

function listOf(v: unknown, where: string): any[] {
  if (v === null) return [];
  if (!Array.isArray(v)) fail(where, v, 'valid: a list');
  return v;
}

/** `NS:k=v,k=v` (a flag value) as a namespace and labels. */
export function parseNsLabels(flag: string, v: string): { namespace: string; labels: { [k: string]: string } } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(.*))?$/.exec(v);
  const labels: { [k: string]: string } = {};
  for (const kv of (m?.[3] ?? '').split(',').filter((x) => x)) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag}: invalid label "${kv}" in "${v}" (valid: NAMESPACE:key=value,key=value, e.g. ingress-nginx:app.kubernetes.io/name=ingress-nginx)`);
    labels[kv.slice(0, i)] = kv.slice(i + 1);
  }
  if (!m) throw new UsageError(`${flag}: invalid value "${v}" (valid: NAMESPACE or NAMESPACE:key=value,key=value, e.g. kube-system:k8s-app=kube-dns)`);
  return { namespace: m[1], labels };
}

/** The flags' changes over a platform: `--dns NS:LABELS` replaces the DNS stand-in, and so on. */
export function withFlag(p: Platform, flag: string, value: string): Platform {
  const { namespace, labels } = parseNsLabels(flag, value);
  if (flag === '--ingress-controller') return { ...p, ingressController: { namespace, labels } };
  const name = flag === '--dns' ? 'coredns' : 'istiod';
  const old = p.standIns.find((s) => s.name === name);
  const s: StandIn = { ...(old ?? { serviceAccount: name, ports: [], meshIdentity: false }), namespace, name, labels, explicit: true };
  return { ...p, standIns: [...p.standIns.filter((x) => x.name !== name), s] };
}

function standInObject(s: StandIn): any {
  const ports = s.ports.map((p, i) => {
    const m = /^(?:(TCP|UDP|SCTP)\/)?(\d+)$/i.exec(p)!;
    return { name: `p${i}`, containerPort: Number(m[2]), protocol: (m[1] ?? 'TCP').toUpperCase() };
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, namespace: s.namespace },
    spec: {
      selector: { matchLabels: s.labels },
      template: {
        metadata: { labels: s.labels, ...(s.meshIdentity ? { annotations: { 'sidecar.istio.io/inject': 'true' } } : {}) },
        spec: { serviceAccountName: s.serviceAccount, containers: [{ name: s.name, image: 'stand-in', ports }] },
      },
    },
  };
}

/** Namespace labels as the analyzer sees them (Namespace objects plus `kubernetes.io/metadata.name`). */
export function namespaceLabels(objects: any[]): (ns: string) => { [k: string]: string } {
  const m = new Map<string, { [k: string]: string }>();
  for (const o of objects) if (o.kind === 'Namespace' && o.metadata?.name) m.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
  return (ns) => ({ ...(m.get(ns) ?? {}), 'kubernetes.io/metadata.name': ns });
}

type Labels = { [k: string]: string };

/** True if `peer` of policy `pol` names (not merely `{}`-matches) a pod in `ns` with `labels`. */
export function peerSelects(pol: PolicySpec, peer: PeerSpec, ns: string, labels: Labels, nsLabels: (n: string) => Labels): boolean {
  if (peer.ipBlock) return false;
  const nsOk = peer.namespaceSelector ? peer.namespaceSelector.matches(nsLabels(ns)) : pol.ns === ns;
  const podOk = peer.podSelector ? peer.podSelector.matches(labels) : true;
  const specific = !(peer.namespaceSelector?.isEmpty ?? true) || !(peer.podSelector?.isEmpty ?? true);
  return nsOk && podOk && specific;
}

/** The NetworkPolicies of `objects`, parsed (policies that do not parse are left to the analyzer's error). */
export function policiesOf(objects: any[]): PolicySpec[] {
  const out: PolicySpec[] = [];
  for (const o of objects) {
    if (o.kind !== 'NetworkPolicy' || !String(o.apiVersion ?? '').startsWith('networking.k8s.io')) continue;
    try { out.push(parsePolicy(o)); } catch { /* reported by the analyzer */ }
  }
  return out;
}

/** The peers of the cluster-wide tier policies in `objects` (policies that do not parse are left to the analyzer's error). */
function tierPeersOf(objects: any[]): TierPeer[] {
  const out: TierPeer[] = [];
  for (const o of objects) {
    if (!TIER_KINDS.includes(`${o.apiVersion}/${o.kind}`)) continue;
    try {
      const pol = parseTierPolicy(o);
      for (const r of [...pol.ingress, ...pol.egress]) out.push(...r.peers);
    } catch { /* reported by the analyzer */ }
  }
  return out;
}

/** True if a tier rule peer names (not merely `{}`-matches) a pod in `ns` with `labels`. */
function tierPeerSelects(peer: TierPeer, ns: string, labels: Labels, nsLabels: (n: string) => Labels): boolean {
  if (peer.namespaces) return !peer.namespaces.isEmpty && peer.namespaces.matches(nsLabels(ns));
  if (!peer.pods || !peer.podNamespaces) return false;
  const specific = !peer.pods.isEmpty || !peer.podNamespaces.isEmpty;
  return specific && peer.podNamespaces.matches(nsLabels(ns)) && peer.pods.matches(labels);
}

/**
 * The stand-in objects to add to `objects`: every explicit stand-in, and each default one that a
 * NetworkPolicy peer or an Istio Gateway selects; never one a workload of the manifests already is.
 */
export function standInObjects(p: Platform, objects: any[]): any[] {
  const nsLabels = namespaceLabels(objects);
  const pols = policiesOf(objects);
  const peers = pols.flatMap((pol) => [...(pol.ingress ?? []), ...(pol.egress ?? [])].flatMap((r) => (r.peers ?? []).map((peer) => ({ pol, peer }))));
  const gatewaySelectors = objects.filter((o) => o.kind === 'Gateway' && String(o.apiVersion ?? '').startsWith('networking.istio.io/')).map((o) => o.spec?.selector ?? {});
  const present = (s: StandIn): boolean => objects.some((o) => o.metadata?.namespace === s.namespace
    && o.metadata?.name === s.name && o.spec?.template);
  const tierPeers = tierPeersOf(objects);
  const referenced = (s: StandIn): boolean => peers.some((x) => peerSelects(x.pol, x.peer, s.namespace, s.labels, nsLabels))
    || tierPeers.some((peer) => tierPeerSelects(peer, s.namespace, s.labels, nsLabels))
    || (s.meshIdentity && gatewaySelectors.some((sel) => Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => s.labels[k] === v)));
  return p.standIns.filter((s) => !present(s) && (s.explicit || referenced(s))).map(standInObject);
}
