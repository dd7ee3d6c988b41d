import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { injectionViolation, INJECTION_LABEL, isInjected, istioGatewayDeployment, podOf, podViewOf } from './deployment-model';
import { checkWaypointQuota } from './gateway-quota';
import { hardenWorkload } from './hardening';
import { HardeningOptions } from './hardening-options';
import { checkPodObjects } from './pod-output-check';
import { podPaths, podSecurityViolations } from './pod-security';
import { HARDENING_OPTIONS, ZERO_TRUST_NAMESPACE_PROPS } from './props-specs';
import { planZeroTrustNamespace, ZeroTrustNamespacePlan } from './zero-trust-namespace-plan';
import { renderLimitRange, renderNamespaceLabels, renderQuota } from './zero-trust-namespace-render';
import { KUBELET_PROBE_SNAT_CIDR } from '../core/ambient';
import { Cidr } from '../core/cidr';
import { DataPlane } from '../core/data-plane';
import { EnforcementMode } from '../core/enforcement';
import { ambientInstallOf, istioCniOf, istioGatewaySeccompOf, istioGatewaysOf, meshPresent } from '../core/mesh-install';
import { Port } from '../core/port';
import { checkArg, checkArgs, checkOptions, t } from '../core/props-check';
import { fail } from '../core/validate';
import { DnsPeerOptions, Flow, FlowLayers, FlowOptions, Flows, IPeer, IpBlock, Peer, PeerKind } from '../flows';
import { checkConstruct } from '../flows/chart-checks';
import { keepsChartScan } from '../flows/chart-scan';
import { Enforcement } from '../flows/enforcement';
import { pointer, relaxInAudit, relaxLimitRangeDefaults } from '../flows/enforcement-relax';

/** The TCP ports the kubelet probes of a pod connect to (httpGet, tcpSocket, grpc), numbered or named. */
function probePorts(pod: any): Port[] {
  const out: Port[] = [];
  for (const c of [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])]) {
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
      if (typeof port === 'number') out.push(Port.tcp(port));
      else if (typeof port === 'string' && /^[0-9]+$/.test(port)) out.push(Port.tcp(Number(port)));
      else if (typeof port === 'string') out.push(Port.named(port));
    }
  }
  return out;
}

/** The workloads and Services of a chart, by namespace, in tree order (internal). */
interface ChartIndex {
  readonly pods: Map<string, kplus.AbstractPod[]>;
  readonly services: Map<string, kplus.Service[]>;
  /** Pod-bearing ApiObjects (kplus-backed or plain), for the Pod Security check. */
  readonly podObjects: Map<string, ApiObject[]>;
}

/** What the namespaces of a chart share, kept on its Flows registry (state in the tree, as `Enforcement` does). */
interface ChartNamespaces {
  /** The ZeroTrustNamespaces of the chart, in creation order (every one hardens before any checks Pod Security). */
  readonly namespaces: ZeroTrustNamespace[];
  /** Built by the first namespace that renders (one tree walk per chart, not per namespace). */
  index?: ChartIndex;
}

const CHART_NAMESPACES = Symbol.for('cdk8s-zero-trust.ZeroTrustNamespace.chart');

function chartNamespaces(flows: Flows): ChartNamespaces {
  let state = (flows as any)[CHART_NAMESPACES] as ChartNamespaces | undefined;
  if (state === undefined) {
    state = { namespaces: [] };
    Object.defineProperty(flows, CHART_NAMESPACES, { value: state, enumerable: false });
  }
  return state;
}

/** The chart's workloads and Services by namespace (one index per Flows registry, from its render phase's walk). */
function chartIndex(flows: Flows): ChartIndex {
  const state = chartNamespaces(flows);
  let index = state.index;
  if (index === undefined) {
    index = { pods: new Map(), services: new Map(), podObjects: new Map() };
    const push = <T>(m: Map<string, T[]>, ns: string | undefined, v: T): void => {
      if (ns === undefined) return;
      const list = m.get(ns);
      if (list) list.push(v);
      else m.set(ns, [v]);
    };
    for (const c of flows._chartConstructs()) {
      if (c instanceof kplus.AbstractPod) push(index.pods, c.metadata.namespace, c);
      else if (c instanceof kplus.Service) push(index.services, c.metadata.namespace, c);
      else if (c instanceof ApiObject && podPaths(c.kind) !== undefined) push(index.podObjects, c.metadata.namespace, c);
    }
    state.index = index;
  }
  return index;
}

/**
 * Pod Security Admission level.
 */
export enum PodSecurityLevel {
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations. */
  BASELINE = 'baseline',
  /** Current pod hardening best practices. */
  RESTRICTED = 'restricted',
}

/**
 * ResourceQuota defaults of a namespace (`spec.hard`).
 */
export interface NamespaceQuota {
  /** @default '4' */
  readonly requestsCpu?: string;
  /** @default '8Gi' */
  readonly requestsMemory?: string;
  /** @default '8' */
  readonly limitsCpu?: string;
  /** @default '16Gi' */
  readonly limitsMemory?: string;
  /** @default '50' */
  readonly pods?: string;
  /**
   * LoadBalancer Services allowed (0 unless `allowLoadBalancers`).
   *
   * @default '0'
   */
  readonly servicesLoadBalancers?: string;
  /**
   * NodePort Services allowed.
   *
   * @default '0'
   */
  readonly servicesNodePorts?: string;
}

/**
 * LimitRange defaults per container.
 */
export interface NamespaceLimits {
  /** @default '100m' */
  readonly defaultRequestCpu?: string;
  /** @default '128Mi' */
  readonly defaultRequestMemory?: string;
  /** @default '500m' */
  readonly defaultLimitCpu?: string;
  /** @default '512Mi' */
  readonly defaultLimitMemory?: string;
}

/**
 * Properties of a {@link ZeroTrustNamespace}.
 */
export interface ZeroTrustNamespaceProps {
  /** Namespace name (DNS-1123 label). */
  readonly name: string;

  /**
   * Pod Security Admission level (enforce, audit and warn).
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;

  /**
   * The cluster DNS pods every pod may reach on UDP and TCP 53.
   *
   * @default - kube-system pods labelled k8s-app=kube-dns (CoreDNS and kube-dns)
   */
  readonly dns?: DnsPeerOptions;

  /**
   * Allow every pod of the namespace to reach every other pod of it (all ports).
   *
   * @default false
   */
  readonly allowIntraNamespace?: boolean;

  /**
   * No egress outside the cluster: flows from this namespace to external IP blocks
   * (internet, CIDRs not marked inCluster) are rejected. An in-cluster IP block (a CIDR marked
   * `inCluster`, `Peer.kubeApiServer`) must lie inside the private ranges (RFC 1918, RFC 6598
   * shared space, IPv6 ULA `fc00::/7`): the flag is the caller's word, so a public or `/0` block
   * is refused whatever it says (an API server on a public address cannot be reached from an
   * internal-only namespace).
   *
   * @default false
   */
  readonly internalOnly?: boolean;

  /**
   * Allow every pod to reach the Kubernetes API server at these endpoint addresses
   * (`kubectl get endpoints kubernetes`).
   *
   * @default - the API server is not reachable
   */
  readonly kubeApiServerCidrs?: string[];

  /**
   * Ports of the API server endpoints.
   *
   * @default [Port.tcp(443), Port.tcp(6443)]
   */
  readonly kubeApiServerPorts?: Port[];

  /**
   * Label the namespace for Istio sidecar injection (`istio-injection=enabled`).
   *
   * @default false
   */
  readonly istioInjection?: boolean;

  /**
   * The Istio data plane of the namespace's pods. `DataPlane.AMBIENT` labels the namespace
   * `istio.io/dataplane-mode: ambient` (Istio 1.30 ambient, GA): no sidecar is injected, so Pod
   * Security stays as set (restricted by default); the NetworkPolicies admit the HBONE tunnel
   * (TCP 15008) from meshed callers (declared by `MtlsMesh`) and the kubelet probes, which ambient
   * SNATs to 169.254.7.127, on each workload's probe ports. Refused together with
   * `istioInjection`, and when the chart's `MeshCluster` installs Istio without ztunnel.
   *
   * @default DataPlane.SIDECAR (sidecars if `istioInjection`)
   */
  readonly dataPlane?: DataPlane;

  /**
   * ResourceQuota of the namespace.
   *
   * @default - the NamespaceQuota defaults
   */
  readonly quota?: NamespaceQuota;

  /**
   * LimitRange of the namespace.
   *
   * @default - the NamespaceLimits defaults
   */
  readonly limits?: NamespaceLimits;

  /**
   * Harden every cdk8s-plus workload of this chart placed in the namespace.
   *
   * @default true
   */
  readonly hardenWorkloads?: boolean;

  /**
   * Allow Services of type LoadBalancer or NodePort in the namespace.
   *
   * @default false
   */
  readonly allowLoadBalancers?: boolean;

  /**
   * Extra labels of the Namespace.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Extra annotations of the Namespace.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Staged rollout of this namespace (same as `Enforcement.set(namespace, mode)`): in AUDIT its
   * NetworkPolicies are held back into the `EnforcementReport`, its mesh policies are dry-run and
   * the guardrails only audit its pods.
   *
   * @default - resolved from the scopes (`Enforcement.setNamespace`, the cluster chart, the fleet), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;
}

/**
 * A namespace that denies everything by default: the Namespace (Pod Security Admission labels),
 * a default-deny NetworkPolicy for ingress and egress, DNS always reachable, explicit typed
 * allows (through the chart's {@link Flows}), ResourceQuota and LimitRange, hardened workloads.
 *
 * It is itself a peer: `Flows.of(this).allow(frontendNs, ns, ...)`.
 */
export class ZeroTrustNamespace extends Construct implements IPeer {
  /**
   * Label (value `"true"`) on every ZeroTrustNamespace's Namespace: its NetworkPolicies are owned
   * by the namespace construct, so `AdmissionGuardrails` never generates any there (one owner per object).
   */
  public static readonly MANAGED_LABEL = 'zero-trust.cdk8s.io/managed';

  /** The namespace name. */
  public readonly name: string;

  /** The cdk8s-plus Namespace. */
  public readonly namespaceObject: kplus.Namespace;

  /** Pod Security Admission level. */
  public readonly podSecurity: PodSecurityLevel;

  /** True if egress outside the cluster is refused. */
  public readonly internalOnly: boolean;

  /** The Istio data plane of the namespace's pods. */
  public readonly dataPlane: DataPlane;

  private readonly hardening = new Map<kplus.AbstractPod, HardeningOptions>();
  private hardened = false;
  private readonly props: ZeroTrustNamespaceProps;

  constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps) {
    super(scope, id);
    checkConstruct(this, 'ZeroTrustNamespaceProps', props, ZERO_TRUST_NAMESPACE_PROPS);
    const plan = planZeroTrustNamespace(this.node.path, props);
    const flows = Flows.of(this);
    if (flows.rendered) {
      fail(this.node.path, 'scope', this.node.path, 'a chart whose flows are not rendered yet (add namespaces before synthesis)');
    }
    this.name = plan.name;
    this.podSecurity = plan.podSecurity;
    this.internalOnly = plan.internalOnly;
    this.dataPlane = plan.dataPlane;
    this.props = props;

    const labels = renderNamespaceLabels(plan, props.labels, props.istioInjection === true, ZeroTrustNamespace.MANAGED_LABEL);
    this.namespaceObject = new kplus.Namespace(this, 'Namespace', {
      metadata: { name: this.name, labels, annotations: props.annotations },
    });
    const quota = new k8s.KubeResourceQuota(this, 'Quota', renderQuota(plan));
    const limits = new k8s.KubeLimitRange(this, 'Limits', renderLimitRange(plan));
    this.relaxInAudit(quota, limits, plan.podSecurity);

    if (props.enforcement !== undefined) {
      Enforcement.set(this, props.enforcement);
    }
    this.register(flows);
    this.declareFlows(flows, plan);
  }

  /** AUDIT: the quota constrains nothing, no default limit, Pod Security enforces nothing (audit and warn keep the level) */
  private relaxInAudit(quota: ApiObject, limits: ApiObject, level: PodSecurityLevel) {
    relaxInAudit(this, quota, 'constrains nothing (spec.hard: {})', [{ path: '/spec/hard', value: {} }], this.name);
    relaxLimitRangeDefaults(this, limits, [0], this.name);
    if (level === 'privileged') return;
    relaxInAudit(this, ApiObject.of(this.namespaceObject), `Pod Security enforce ${level} -> privileged (audit, warn: ${level})`,
      [{ path: pointer('metadata', 'labels', 'pod-security.kubernetes.io/enforce'), value: 'privileged' }], this.name);
  }

  /** Joins the chart's registry: a managed namespace, rendered late (and its kubelet probes, in ambient). */
  private register(flows: Flows): void {
    flows.manageNamespace(this.name);
    // ServiceAccounts and patches: none of what the chart scan is read for
    flows.addRenderer(keepsChartScan({ renderFlows: (f: Flows) => this.renderLate(f) }));
    if (this.dataPlane === DataPlane.AMBIENT) {
      flows.addContributor({ contributeFlows: (f) => this.allowKubeletProbes(f) });
    }
    chartNamespaces(flows).namespaces.push(this);
  }

  /** The namespace's own flows: DNS, within the namespace if asked, the API server if given. */
  private declareFlows(flows: Flows, plan: ZeroTrustNamespacePlan): void {
    // DNS is always reachable: a namespace that cannot resolve names is broken, not secure
    flows.allow(this, plan.dnsPeer, { ports: [Port.udp(53), Port.tcp(53)] });
    if (this.props.allowIntraNamespace) {
      flows.allow(this, this, { ports: [], allPorts: true });
    }
    if (plan.apiServerPeer !== undefined) {
      flows.allow(this, plan.apiServerPeer, { ports: plan.apiServerPorts });
    }
  }

  /** The peer of every pod of this namespace (`Peer.namespaceByName(name)`). */
  public toPeer(): Peer {
    return Peer.namespaceByName(this.name);
  }

  /** Always NAMESPACE. */
  public get peerKind(): PeerKind {
    return PeerKind.NAMESPACE;
  }

  /** The namespace name. */
  public get peerName(): string {
    return this.name;
  }

  /** The namespace name. */
  public get namespace(): string | undefined {
    return this.name;
  }

  /** Undefined: selected by name. */
  public get namespaceLabels(): { [key: string]: string } | undefined {
    return undefined;
  }

  /** Undefined: every pod of the namespace. */
  public get podLabels(): { [key: string]: string } | undefined {
    return undefined;
  }

  /** Undefined: not an IP block. */
  public get ipBlocks(): IpBlock[] | undefined {
    return undefined;
  }

  /** Undefined: many service accounts. */
  public get serviceAccountName(): string | undefined {
    return undefined;
  }

  /** Always true. */
  public get inCluster(): boolean {
    return true;
  }

  /**
   * Pods of this namespace selected by labels, as a peer.
   *
   * @param labels pod labels
   * @param name short name used in policy names
   * @default name - derived from the label values
   */
  public pods(labels: { [key: string]: string }, name?: string): Peer {
    checkArgs(this.node.path, ['name', name, t.str()]);
    return Peer.pods(labels, { namespace: this.name, name });
  }

  /**
   * Allow `peer` to reach every pod of this namespace.
   *
   * @param peer the client
   * @param options ports
   */
  public allowFrom(peer: IPeer, options: FlowOptions): Flow {
    checkArgs(this.node.path, ['peer', peer, t.required(t.object('IPeer'))]);
    return Flows.of(this).allow(peer, this, options);
  }

  /**
   * Allow every pod of this namespace to reach `peer`.
   *
   * @param peer the server
   * @param options ports
   */
  public allowTo(peer: IPeer, options: FlowOptions): Flow {
    checkArgs(this.node.path, ['peer', peer, t.required(t.object('IPeer'))]);
    this.checkEgress('allowTo(peer)', peer);
    return Flows.of(this).allow(this, peer, options);
  }

  /**
   * Allow one workload of this namespace to reach the public internet (never the whole
   * namespace). Refused in an internal-only namespace.
   *
   * @param workload the workload (or a pod peer of this namespace)
   * @param options ports, e.g. `[Port.tcp(443)]`
   */
  public allowInternet(workload: IPeer, options: FlowOptions): Flow {
    const peer = Peer._resolve(this.node.path, 'workload', workload);
    if (peer.peerKind !== PeerKind.PODS) {
      fail(this.node.path, 'workload', peer.peerName, 'a workload or pod peer (the internet is allowed for named workloads only)');
    }
    const internet = Peer.internet();
    this.checkEgress('allowInternet(workload)', internet);
    return Flows.of(this).allow(peer, internet, options);
  }

  /**
   * Harden a workload with options (every cdk8s-plus workload of this chart placed in the
   * namespace is hardened with the defaults anyway, unless `hardenWorkloads` is false).
   *
   * @param workload the workload
   * @param options what to loosen
   * @default options - fully hardened
   */
  public harden(workload: kplus.AbstractPod, options: HardeningOptions = {}): void {
    checkOptions(this.node.path, 'options', 'HardeningOptions', options, HARDENING_OPTIONS, true, false);
    checkArg(this.node.path, 'workload', workload, t.required(t.instanceOf('AbstractPod', () => kplus.AbstractPod)));
    this.hardening.set(workload, options);
  }

  /**
   * Renders late parts (called by the chart's Flows at synthesis): workload hardening,
   * internal-only and exposure checks.
   *
   * @param flows the registry
   */
  private renderLate(flows: Flows): void {
    if (this.internalOnly) {
      flows.all.forEach((f) => {
        if (f.source.namespace === this.name && (f.source.peerKind === PeerKind.PODS || f.source.peerKind === PeerKind.NAMESPACE)) {
          this.checkEgress('flows', f.destination);
        }
      });
    }
    const index = chartIndex(flows);
    // every namespace hardens first (harden() may target a workload of another namespace)
    for (const ns of chartNamespaces(flows).namespaces) {
      ns.applyHardening(flows);
    }
    this.checkAmbient();
    this.checkPodSecurity(index);
    this.checkGatewayPods();
    if (!(this.props.allowLoadBalancers ?? false)) {
      for (const s of index.services.get(this.name) ?? []) {
        if (s.type !== kplus.ServiceType.CLUSTER_IP) {
          fail(s.node.path, 'type', s.type, `ClusterIP in zero-trust namespace ${this.name} (set allowLoadBalancers to expose a port on a LoadBalancer or node)`);
        }
      }
    }
  }

  /** Hardens the workloads (once). */
  private applyHardening(flows: Flows): void {
    if (this.hardened) return;
    this.hardened = true;
    const index = chartIndex(flows);
    const inNs = index.pods.get(this.name) ?? [];
    const toHarden = new Set<kplus.AbstractPod>(this.props.hardenWorkloads === false ? [] : inNs);
    for (const w of this.hardening.keys()) {
      toHarden.add(w);
    }
    // by path, each path computed once (not twice per comparison)
    const sorted = Array.from(toHarden, (w) => ({ w, path: w.node.path })).sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const { w } of sorted) {
      let sa: string | undefined;
      if (!w.serviceAccount) {
        const account = new kplus.ServiceAccount(this, `sa-${w.node.addr.slice(0, 8)}`, {
          metadata: { name: w.name.slice(0, 63).replace(/-+$/, ''), namespace: this.name },
          automountToken: false,
        });
        sa = account.name;
      }
      hardenWorkload(w, sa, this.hardening.get(w) ?? {}, w.metadata.namespace === this.name ? this.podSecurity : undefined);
    }
  }

  /** An ambient namespace needs ztunnel on the cluster and the mesh's HBONE flows. */
  private checkAmbient(): void {
    if (this.dataPlane === DataPlane.AMBIENT && ambientInstallOf(Chart.of(this)) === false) {
      fail(this.node.path, 'dataPlane', DataPlane.AMBIENT,
        'a data plane the chart\'s Istio install runs: its MeshCluster installs the sidecar data plane only (no ztunnel), so pods labelled '
        + 'istio.io/dataplane-mode: ambient would have no mTLS and no AuthorizationPolicy enforcement. Fix: MeshCluster dataPlane: DataPlane.AMBIENT, '
        + 'or istioInjection: true on this namespace');
    }
    if (this.dataPlane === DataPlane.AMBIENT && !meshPresent(Chart.of(this))) {
      fail(this.node.path, 'dataPlane', DataPlane.AMBIENT,
        'an ambient namespace in a chart with an MtlsMesh: between ambient pods traffic arrives as HBONE on TCP 15008, which the '
        + 'MtlsMesh adds to the NetworkPolicies of the flows (and ztunnel enforces its AuthorizationPolicies); without it these '
        + 'NetworkPolicies admit only the application ports and every meshed connection is dropped. Fix: new MtlsMesh(chart, \'mesh\')');
    }
  }

  /**
   * Pod Security Admission would reject, at `enforce` time, every pod of this namespace that does
   * not meet its level: check the chart's pod-bearing objects here (after hardening), so that the
   * error is at synthesis instead of a ReplicaSet that never gets pods.
   */
  private checkPodSecurity(index: ChartIndex): void {
    if (this.podSecurity === PodSecurityLevel.PRIVILEGED) return;
    const injected = this.props.istioInjection === true;
    // no MeshCluster in the chart: Istio is installed elsewhere, and assumed to have CNI (required for baseline/restricted)
    const cni = istioCniOf(Chart.of(this)) ?? true;
    if (injected && !cni) {
      fail(this.node.path, 'istioInjection', true,
        `no sidecar injection in a namespace with Pod Security "${this.podSecurity}" while the chart's MeshCluster installs Istio without CNI: `
        + 'every injected pod would carry istio-init (NET_ADMIN, NET_RAW, runAsUser 0), which Pod Security baseline and restricted refuse. '
        + 'Fix: MeshCluster istioCni: true (the default), or istioInjection: false');
    }
    checkPodObjects(Chart.of(this), index.podObjects.get(this.name) ?? [], (c, obj) => {
      const v = podSecurityViolations(obj, this.podSecurity)[0];
      if (v !== undefined) {
        fail(c.node.path, v.field, v.value,
          `${v.expected}: ${c.kind} ${c.name} is in ZeroTrustNamespace ${this.name}, whose Pod Security level "${this.podSecurity}" `
          + `("${v.level}" check) would reject its pods at admission. Fix the workload, or give the namespace the level the `
          + 'workload needs (podSecurity: PodSecurityLevel.BASELINE, or PRIVILEGED for host access such as hostPath log mounts, '
          + 'with the reason in an annotation)');
      }
      if (!injected) return;
      const pod = podViewOf(obj);
      if (!isInjected(pod, { [INJECTION_LABEL]: 'enabled' })) return;
      // the pod has no violation (else fail above): only what injection adds is checked
      const iv = injectionViolation(pod, this.podSecurity, cni);
      if (iv !== undefined) {
        fail(c.node.path, `(injected) ${iv.field}`, iv.value,
          `${iv.expected}: ${c.kind} ${c.name} as Istio's sidecar injection admits it in ZeroTrustNamespace ${this.name} `
          + `(Pod Security "${this.podSecurity}", "${iv.level}" check) would be rejected. Fix the workload, or opt it out of injection `
          + '(label sidecar.istio.io/inject: "false")');
      }
    });
  }

  /**
   * Ambient's CNI SNATs the kubelet's probes of ambient pods to 169.254.7.127 (ztunnel lets them
   * through without mTLS): the NetworkPolicies must admit that address on each workload's probe
   * ports, or every probe times out and the pods never become ready.
   */
  private allowKubeletProbes(flows: Flows): void {
    const kubelet = Peer.cidr(KUBELET_PROBE_SNAT_CIDR, { name: 'kubelet-probes' });
    const chart = Chart.of(this);
    const objects = chart.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.metadata.namespace === this.name && podPaths(c.kind) !== undefined)
      .sort((a, b) => (a.node.path < b.node.path ? -1 : 1));
    for (const o of objects) {
      const pod = podOf(o.toJson());
      const ports = probePorts(pod);
      const labels = pod?.metadata?.labels ?? {};
      if (ports.length === 0 || Object.keys(labels).length === 0) continue;
      flows.allow(kubelet, Peer.pods(labels, { namespace: this.name, name: o.name }), {
        ports, layers: FlowLayers.NETWORK_ONLY, description: 'kubelet probes (SNAT to 169.254.7.127 in ambient)',
      });
    }
  }

  /** The pods istiod deploys here for the chart's Gateway API Gateways must meet the level too (waypoints: and the quota). */
  private checkGatewayPods(): void {
    const chart = Chart.of(this);
    checkWaypointQuota(chart, this.name);
    for (const gw of istioGatewaysOf(chart).filter((g) => g.namespace === this.name)) {
      const dep = istioGatewayDeployment(gw, istioGatewaySeccompOf(chart) ?? gw.seccompClaimed);
      const v = podSecurityViolations(dep, this.podSecurity)[0];
      if (v !== undefined) {
        fail(gw.path, 'namespace', this.name,
          `a namespace whose Pod Security level admits the pods istiod deploys for Gateway ${gw.name} (Deployment ${dep.metadata.name}: ${v.field} ${JSON.stringify(v.value)}, `
          + `${v.expected}; ZeroTrustNamespace ${this.name} enforces "${this.podSecurity}"): MeshCluster gatewaySeccompProfile: true in the chart `
          + '(or, with istiod installed elsewhere with values.gateways.seccompProfile, GatewayImplementation.istio({ seccompProfileConfigured: true })), '
          + 'or podSecurity: PodSecurityLevel.BASELINE');
      }
    }
  }

  private checkEgress(field: string, to: IPeer): void {
    if (!this.internalOnly) return;
    const peer = Peer._resolve(this.node.path, field, to);
    if (!peer.inCluster) {
      fail(this.node.path, field, peer.peerName, `an in-cluster peer: namespace ${this.name} is internal-only (no egress outside the cluster)`);
    }
    for (const b of peer.ipBlocks ?? []) {
      const block = Cidr.of(b.cidr);
      if (!INTERNAL_RANGES.some((r) => r.contains(block))) {
        fail(this.node.path, field, `${peer.peerName} (${b.cidr})`,
          `an in-cluster peer inside the private ranges (${INTERNAL_RANGES.map(String).join(', ')}): namespace ${this.name} is internal-only, and a block marked inCluster that reaches public addresses is internet egress`);
      }
    }
  }
}

/** Where an in-cluster IP block of an internal-only namespace may lie (never public addresses). */
const INTERNAL_RANGES = [...Cidr.privateIpv4(), Cidr.of('100.64.0.0/10'), Cidr.of('fc00::/7')];
