import * as kplus from 'cdk8s-plus-27';
import { CIDR_PEER_OPTIONS, DNS_PEER_OPTIONS, PODS_PEER_OPTIONS } from './props-specs';
import { Cidr } from '../core/cidr';
import { checkOptions } from '../core/props-check';
import { toKubeName } from '../core/strings';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';

/**
 * What a peer selects.
 */
export enum PeerKind {
  /** Pods selected by labels, in one namespace (by name or labels) or in the other end's namespace. */
  PODS = 'pods',
  /** Every pod of a namespace (by name) or of the namespaces matching labels. */
  NAMESPACE = 'namespace',
  /** IP blocks (CIDRs with optional exceptions): traffic leaving or entering the cluster network. */
  IP_BLOCKS = 'ipBlocks',
}

/**
 * An IP block: a CIDR minus exceptions (each strictly inside the CIDR), as a {@link Peer} reports it.
 */
export interface IpBlock {
  /** The CIDR, canonical, e.g. `10.0.0.0/8`. */
  readonly cidr: string;

  /**
   * CIDRs inside `cidr` that are excluded.
   *
   * @default - none
   */
  readonly exceptCidrs?: string[];

  /**
   * CIDRs inside `cidr` that are excluded (the same list as `exceptCidrs`).
   *
   * @default - none
   * @deprecated use `exceptCidrs` (`except` is a reserved word in Python); removed in the next release
   */
  readonly except?: string[];
}

/**
 * Something that can be an end of a flow: pods, a namespace, or IP blocks.
 *
 * Implemented by {@link Peer} (its static factories validate what they build) and by
 * `ZeroTrustNamespace` (a namespace peer). The flow model and every renderer read a peer only
 * through `toPeer()`, so a hand-built object is refused where a flow is declared, never rendered
 * into a selector.
 */
export interface IPeer {
  /**
   * The validated peer this object stands for (made by one of the `Peer` factories).
   */
  toPeer(): Peer;
}

/**
 * Options for {@link Peer.pods}.
 */
export interface PodsPeerOptions {
  /**
   * Namespace of the pods, by name (matched with `kubernetes.io/metadata.name`).
   *
   * @default - the namespace of the other end of the flow
   */
  readonly namespace?: string;

  /**
   * Namespaces of the pods, by labels (exclusive with `namespace`). `{}` means any namespace.
   *
   * @default - select by `namespace`
   */
  readonly namespaceLabels?: { [key: string]: string };

  /**
   * Service account the pods run as (for mesh identities).
   *
   * @default - unknown
   */
  readonly serviceAccountName?: string;

  /**
   * Short name used in generated object names.
   *
   * @default - derived from the label values
   */
  readonly name?: string;
}

/**
 * Options for {@link Peer.dns}.
 */
export interface DnsPeerOptions {
  /**
   * Namespace of the cluster DNS pods.
   *
   * @default 'kube-system'
   */
  readonly namespace?: string;

  /**
   * Labels of the cluster DNS pods. CoreDNS as installed by kubeadm, kind, EKS, GKE and AKS keeps
   * the historical `k8s-app: kube-dns` label.
   *
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * Options for {@link Peer.cidr}.
 */
export interface CidrPeerOptions {
  /**
   * Blocks inside the CIDR to exclude (each strictly inside it).
   *
   * @default - none
   */
  readonly exceptCidrs?: string[];

  /**
   * Blocks inside the CIDR to exclude (exclusive with `exceptCidrs`).
   *
   * @default - none
   * @deprecated use `exceptCidrs` (`except` is a reserved word in Python); removed in the next release
   */
  readonly except?: string[];

  /**
   * Whether these addresses are inside the cluster (e.g. node or pod CIDRs), which an
   * internal-only namespace may reach.
   *
   * @default false
   */
  readonly inCluster?: boolean;

  /**
   * Short name used in generated object names.
   *
   * @default - derived from the CIDR
   */
  readonly name?: string;
}

/** Ranges that are not the public internet (RFC 1918, 6598, 5735/6890 special purpose, cloud metadata). */
const NON_INTERNET_IPV4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
  '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4',
];

function sortedLabels(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(labels).sort()) {
    out[k] = labels[k];
  }
  return out;
}

function nameFromLabels(labels: { [key: string]: string }, fallback: string): string {
  const values = Object.keys(labels).sort().map((k) => labels[k]).filter((v) => v !== '');
  return values.length === 0 ? fallback : toKubeName(values, 40);
}

function checkName(path: string, name: string | undefined): void {
  if (name !== undefined) {
    validateDns1123Label(path, 'name', name);
  }
}

/** An IP block as a peer holds it (the public {@link IpBlock} adds the deprecated `except` copy). */
interface Block {
  readonly cidr: string;
  readonly except?: string[];
}

function ipBlockOf(path: string, field: string, cidr: string, except: string[] | undefined, exceptField = 'except'): Block {
  let block: Cidr;
  try {
    block = Cidr.of(cidr);
  } catch (e) {
    return fail(path, field, cidr, (e as { expected?: string }).expected ?? 'a CIDR block, e.g. 10.0.0.0/16');
  }
  if (except !== undefined && !Array.isArray(except)) {
    fail(path, exceptField, except, 'a list of CIDR blocks');
  }
  const ex: string[] = [];
  (except ?? []).forEach((e, i) => {
    let c: Cidr;
    try {
      c = Cidr.of(e);
    } catch (err) {
      return fail(path, `${exceptField}[${i}]`, e, (err as { expected?: string }).expected ?? 'a CIDR block');
    }
    if (!block.contains(c) || block.toString() === c.toString()) {
      fail(path, `${exceptField}[${i}]`, e, `a CIDR block strictly inside ${block.toString()}`);
    }
    ex.push(c.toString());
  });
  const uniq = Array.from(new Set(ex)).sort((a, b) => Cidr.compare(Cidr.of(a), Cidr.of(b)));
  return uniq.length > 0 ? { cidr: block.toString(), except: uniq } : { cidr: block.toString() };
}

interface PeerInit {
  readonly peerKind: PeerKind;
  readonly peerName: string;
  readonly namespace?: string;
  readonly namespaceLabels?: { [key: string]: string };
  readonly podLabels?: { [key: string]: string };
  readonly ipBlocks?: Block[];
  readonly serviceAccountName?: string;
  readonly inCluster: boolean;
  readonly workload?: kplus.AbstractPod;
}

/**
 * A flow end, made with the static factories (`Peer.workload(db)`, `Peer.namespaceByName('monitoring')`,
 * `Peer.internet()`, ...). An immutable value, except that a workload peer reads the workload's
 * labels, namespace and service account when asked (so later `select()` calls are honoured).
 */
export class Peer implements IPeer {
  /**
   * The pods of a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job) or Pod: its
   * selector labels, its namespace (`metadata.namespace`, else the other end's namespace) and its
   * service account (when set).
   *
   * @param workload the workload or pod
   */
  public static workload(workload: kplus.AbstractPod): Peer {
    if (!(workload instanceof kplus.AbstractPod)) {
      fail('Peer.workload', 'workload', String(workload), 'a cdk8s-plus workload or pod (kplus.AbstractPod)');
    }
    return new Peer({
      peerKind: PeerKind.PODS,
      peerName: toKubeName([workload.node.id], 40),
      inCluster: true,
      workload,
    });
  }

  /**
   * Pods selected by labels.
   *
   * @param labels pod labels; `{}` selects every pod of the namespace
   * @param options namespace (by name or labels), service account, name
   */
  public static pods(labels: { [key: string]: string }, options: PodsPeerOptions = {}): Peer {
    const path = 'Peer.pods';
    checkOptions(path, 'options', 'PodsPeerOptions', options, PODS_PEER_OPTIONS, true, true);
    if (labels === undefined || labels === null) {
      fail(path, 'labels', labels, 'a map of pod labels ({} for every pod)');
    }
    validateLabels(path, 'labels', labels);
    if (options.namespace !== undefined && options.namespaceLabels !== undefined) {
      fail(path, 'options.namespaceLabels', options.namespaceLabels,
        `either namespace (${JSON.stringify(options.namespace)}) or namespaceLabels, not both`);
    }
    if (options.namespace !== undefined) {
      validateDns1123Label(path, 'options.namespace', options.namespace);
    }
    validateLabels(path, 'options.namespaceLabels', options.namespaceLabels);
    if (options.serviceAccountName !== undefined) {
      validateDns1123Label(path, 'options.serviceAccountName', options.serviceAccountName);
    }
    checkName(path, options.name);
    return new Peer({
      peerKind: PeerKind.PODS,
      peerName: options.name ?? nameFromLabels(labels, 'all-pods'),
      namespace: options.namespace,
      namespaceLabels: options.namespaceLabels === undefined ? undefined : sortedLabels(options.namespaceLabels),
      podLabels: sortedLabels(labels),
      serviceAccountName: options.serviceAccountName,
      inCluster: true,
    });
  }

  /**
   * Every pod of a namespace, by name (matched with the `kubernetes.io/metadata.name` label that
   * Kubernetes sets on every namespace, never a hand-set `name` label).
   *
   * @param name namespace name
   */
  public static namespaceByName(name: string): Peer {
    validateDns1123Label('Peer.namespaceByName', 'name', name);
    return new Peer({ peerKind: PeerKind.NAMESPACE, peerName: name, namespace: name, inCluster: true });
  }

  /**
   * Every pod of the namespaces matching labels.
   *
   * @param labels namespace labels; `{}` selects every namespace
   * @param name short name used in generated object names
   * @default name - derived from the label values
   */
  public static namespacesByLabels(labels: { [key: string]: string }, name?: string): Peer {
    const path = 'Peer.namespacesByLabels';
    if (labels === undefined || labels === null) {
      fail(path, 'labels', labels, 'a map of namespace labels ({} for every namespace)');
    }
    validateLabels(path, 'labels', labels);
    checkName(path, name);
    return new Peer({
      peerKind: PeerKind.NAMESPACE,
      peerName: name ?? `ns-${nameFromLabels(labels, 'all')}`,
      namespaceLabels: sortedLabels(labels),
      inCluster: true,
    });
  }

  /**
   * Every pod of every namespace.
   */
  public static allNamespaces(): Peer {
    return Peer.namespacesByLabels({}, 'all-namespaces');
  }

  /**
   * A CIDR block, optionally minus exceptions (each must lie strictly inside it).
   *
   * @param cidr e.g. `203.0.113.0/24`
   * @param options exceptions, whether in cluster, name
   */
  public static cidr(cidr: string, options: CidrPeerOptions = {}): Peer {
    const path = 'Peer.cidr';
    checkOptions(path, 'options', 'CidrPeerOptions', options, CIDR_PEER_OPTIONS, true, true);
    const legacy = options.except;
    if (legacy !== undefined && options.exceptCidrs !== undefined) {
      fail(path, 'options.except', legacy, 'either exceptCidrs or the deprecated except, not both');
    }
    const block = legacy !== undefined
      ? ipBlockOf(path, 'cidr', cidr, legacy)
      : ipBlockOf(path, 'cidr', cidr, options.exceptCidrs, 'exceptCidrs');
    checkName(path, options.name);
    return new Peer({
      peerKind: PeerKind.IP_BLOCKS,
      peerName: options.name ?? toKubeName(['cidr', block.cidr.replace(/[./:]/g, '-')], 40),
      ipBlocks: [block],
      inCluster: options.inCluster ?? false,
    });
  }

  /**
   * Every IPv4 address (`0.0.0.0/0`), private ranges included.
   */
  public static anyIpv4(): Peer {
    return Peer.cidr('0.0.0.0/0', { name: 'any-ipv4' });
  }

  /**
   * The public IPv4 internet: `0.0.0.0/0` minus private (RFC 1918), shared (RFC 6598),
   * loopback, link-local (including the cloud metadata endpoint 169.254.169.254), multicast and
   * reserved ranges.
   */
  public static internet(): Peer {
    return Peer.cidr('0.0.0.0/0', { exceptCidrs: NON_INTERNET_IPV4, name: 'internet' });
  }

  /**
   * The Kubernetes API server, by the addresses of its endpoints (`kubectl get endpoints
   * kubernetes -n default`). NetworkPolicies see the endpoint addresses, not the service IP.
   *
   * @param cidrs endpoint addresses as CIDRs, e.g. `['172.18.0.2/32']`
   */
  public static kubeApiServer(cidrs: string[]): Peer {
    const path = 'Peer.kubeApiServer';
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      fail(path, 'cidrs', cidrs, 'a non-empty list of CIDR blocks (the API server endpoint addresses)');
    }
    const blocks = cidrs.map((c, i) => ipBlockOf(path, `cidrs[${i}]`, c, undefined));
    const uniq = Array.from(new Map(blocks.map((b) => [b.cidr, b])).values())
      .sort((a, b) => Cidr.compare(Cidr.of(a.cidr), Cidr.of(b.cidr)));
    return new Peer({ peerKind: PeerKind.IP_BLOCKS, peerName: 'kube-apiserver', ipBlocks: uniq, inCluster: true });
  }

  /**
   * The cluster DNS pods (CoreDNS / kube-dns).
   *
   * @param options namespace and labels of the DNS pods
   */
  public static dns(options: DnsPeerOptions = {}): Peer {
    const path = 'Peer.dns';
    checkOptions(path, 'options', 'DnsPeerOptions', options, DNS_PEER_OPTIONS, true, true);
    const ns = options.namespace ?? 'kube-system';
    validateDns1123Label(path, 'options.namespace', ns);
    const labels = options.podLabels ?? { 'k8s-app': 'kube-dns' };
    validateLabels(path, 'options.podLabels', labels);
    return new Peer({
      peerKind: PeerKind.PODS,
      peerName: 'dns',
      namespace: ns,
      podLabels: sortedLabels(labels),
      inCluster: true,
    });
  }

  /**
   * A cdk8s-plus network policy peer, as the matching factory makes it: a workload or pod
   * (`Peer.workload`), a `kplus.Namespace` (`Peer.namespaceByName`) or a `kplus.NetworkPolicyIpBlock`
   * (`Peer.cidr`, its exceptions kept).
   *
   * @param peer the cdk8s-plus peer
   */
  public static fromNetworkPolicyPeer(peer: kplus.INetworkPolicyPeer): Peer {
    if (peer instanceof kplus.AbstractPod) {
      return Peer.workload(peer);
    }
    if (peer instanceof kplus.Namespace) {
      return Peer.namespaceByName(peer.name);
    }
    if (peer instanceof kplus.NetworkPolicyIpBlock) {
      return Peer.cidr(peer.cidr, { exceptCidrs: peer.except });
    }
    return fail('Peer.fromNetworkPolicyPeer', 'peer', describe(peer),
      'a cdk8s-plus workload or pod, a kplus.Namespace or a kplus.NetworkPolicyIpBlock');
  }

  /**
   * The validated peer of `peer`: refuses what is not an `IPeer` (a hand-built object literal, a
   * `toPeer()` that returns something no `Peer` factory made), naming `field`.
   *
   * @internal
   */
  public static _resolve(path: string, field: string, peer: IPeer): Peer {
    const expected = 'a peer (Peer.workload, Peer.pods, Peer.namespaceByName, Peer.cidr, ..., or a ZeroTrustNamespace)';
    if (peer instanceof Peer) {
      return peer;
    }
    if (typeof peer !== 'object' || peer === null || typeof (peer as { toPeer?: unknown }).toPeer !== 'function') {
      return fail(path, field, describe(peer), `${expected}; a plain object is not a peer`);
    }
    const resolved: unknown = peer.toPeer();
    if (!(resolved instanceof Peer)) {
      return fail(path, `${field}.toPeer()`, describe(resolved), `${expected} returned by toPeer()`);
    }
    return resolved;
  }

  private readonly init: PeerInit;

  private constructor(init: PeerInit) {
    this.init = init;
  }

  /** This peer (a `Peer` is its own validated form). */
  public toPeer(): Peer {
    return this;
  }

  /**
   * The workload whose pods this peer selects (`Peer.workload`): its key, labels and namespace
   * are the workload's.
   *
   * @internal
   */
  public get _workload(): kplus.AbstractPod | undefined {
    return this.init.workload;
  }

  /** What this peer selects. */
  public get peerKind(): PeerKind {
    return this.init.peerKind;
  }

  /** Short readable name used in generated object names. */
  public get peerName(): string {
    return this.init.peerName;
  }

  /**
   * Namespace name: for PODS, where the pods run; for NAMESPACE, the namespace itself; undefined
   * for a pod peer relative to the other end of its flow, for namespaces selected by labels and
   * for IP blocks.
   */
  public get namespace(): string | undefined {
    const w = this.init.workload;
    if (w) {
      return w.metadata.namespace;
    }
    return this.init.namespace;
  }

  /**
   * Labels of the namespace(s) (exclusive with `namespace`); `{}` means every namespace;
   * undefined when selected by `namespace`.
   */
  public get namespaceLabels(): { [key: string]: string } | undefined {
    return this.init.namespaceLabels === undefined ? undefined : { ...this.init.namespaceLabels };
  }

  /**
   * Pod labels (PODS only; `{}` means every pod of the namespace). For a workload, its selector labels.
   */
  public get podLabels(): { [key: string]: string } | undefined {
    const w = this.init.workload;
    if (w) {
      return sortedLabels(workloadLabels(w));
    }
    return this.init.podLabels === undefined ? undefined : { ...this.init.podLabels };
  }

  /**
   * IP blocks (IP_BLOCKS only).
   */
  public get ipBlocks(): IpBlock[] | undefined {
    return this.init.ipBlocks?.map((b) => (b.except
      ? { cidr: b.cidr, exceptCidrs: [...b.except], except: [...b.except] }
      : { cidr: b.cidr }));
  }

  /**
   * Service account the pods run as, when known (mesh identity:
   * `<trust-domain>/ns/<namespace>/sa/<serviceAccountName>`).
   */
  public get serviceAccountName(): string | undefined {
    const w = this.init.workload;
    if (w) {
      return w.serviceAccount?.name;
    }
    return this.init.serviceAccountName;
  }

  /**
   * True if the peer is inside the cluster (pods, namespaces, the API server); false for
   * external addresses. An internal-only namespace refuses egress to peers that are not.
   */
  public get inCluster(): boolean {
    return this.init.inCluster;
  }
}

/** Selector labels of a cdk8s-plus workload or pod. */
function workloadLabels(w: kplus.AbstractPod): { [key: string]: string } {
  if (w instanceof kplus.Workload) {
    if (w.matchExpressions.length > 0) {
      fail(w.node.path, 'matchExpressions', w.matchExpressions.map((e) => e.key),
        'a workload selected by labels only (flows render matchLabels)');
    }
    const labels = w.matchLabels;
    if (Object.keys(labels).length === 0) {
      fail(w.node.path, 'matchLabels', labels, 'a workload with at least one selector label (select: true or select(...))');
    }
    return labels;
  }
  const address = w.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL);
  if (address === undefined) {
    fail(w.node.path, `podMetadata.labels["${kplus.Pod.ADDRESS_LABEL}"]`, undefined, 'a pod with its cdk8s address label');
  }
  return { [kplus.Pod.ADDRESS_LABEL]: address };
}

/** A short description of a value for an error message (never a whole object graph). */
function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    return String(v);
  }
  const ctor = (v as object).constructor?.name;
  const keys = Object.keys(v as object).sort().join(', ');
  return ctor && ctor !== 'Object' ? `a ${ctor}` : `an object {${keys}}`;
}
