import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as jsyaml from 'js-yaml';
import {
  AMBIENT_EW_NAME, ambientEastWestGatewayProps, ambientEastWestOptions, ambientEastWestPeer, ambientEastWestPolicySpec, GLOBAL_SERVICE_LABEL,
} from './ambient-east-west';
import { NETWORK_LABEL } from './internal';
import { IstioMultiCluster, OutboundTrafficPolicy } from './istio-multi-cluster';
import { EAST_WEST_GATEWAY_FLOW_OPTIONS, MESH_CLUSTER_PROPS } from './props-specs';
import { DATAPLANE_MODE_LABEL, HBONE_PORT } from '../core/ambient';
import { Cidr } from '../core/cidr';
import { DataPlane } from '../core/data-plane';
import { EnforcementMode } from '../core/enforcement';
import { addIstioGateway, setAmbientInstall, setIstioCni, setIstioGatewaySeccomp } from '../core/mesh-install';
import { Port } from '../core/port';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Label, validateHostname } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Enforcement } from '../flows/enforcement';
import { auditValue } from '../flows/enforcement-relax';
import { Flow, FlowLayers } from '../flows/flow';
import { Flows } from '../flows/flows';
import { IPeer, Peer, PeerKind } from '../flows/peer';
import { Gateway as KubeGateway } from '../imports/gateway.networking.k8s.io';
import { IstioOperator } from '../imports/install.istio.io';
import { Gateway, GatewaySpecServersTlsMode } from '../imports/networking.istio.io';

/** Labels of the east-west gateway pods (as Istio's gen-eastwest-gateway.sh sets them). */
const EW_LABELS = { istio: 'eastwestgateway', app: 'istio-eastwestgateway' };

/** GitOps annotations that keep Flux and Argo CD from pruning or deleting a shared object. */
const NEVER_PRUNE = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** Kinds whose pods a Service may select. */
const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/**
 * Properties of a {@link MeshCluster}.
 */
export interface MeshClusterProps {
  /**
   * The mesh this cluster joins.
   */
  readonly mesh: IstioMultiCluster;

  /**
   * The cluster name (`values.global.multiCluster.clusterName`), unique in the mesh; also the
   * name of its remote secret in the other clusters.
   */
  readonly clusterName: string;

  /**
   * The network of the cluster (`values.global.network`, label `topology.istio.io/network`).
   * Clusters whose pods cannot reach each other directly are on different networks.
   */
  readonly network: string;

  /**
   * The plug-in CA Secret that istiod reads: `cacerts` in the root namespace, with
   * `ca-cert.pem`, `ca-key.pem`, `root-cert.pem` and `cert-chain.pem` of an intermediate CA
   * signed by the root shared by every cluster of the mesh. It holds a private key, so it is
   * never synthesized: create it out of band (e.g. `kubectl create secret generic cacerts -n
   * istio-system --from-file=...`) before `istioctl install`, and reference it here
   * (`kplus.Secret.fromSecretName(scope, 'ca', 'cacerts')`). Without a shared root, the clusters
   * cannot verify each other's workload certificates.
   */
  readonly caSecret: kplus.ISecret;

  /**
   * The kubeconfig context of the cluster (used in the remote-secret commands).
   *
   * @default - the cluster name
   */
  readonly kubeContext?: string;

  /**
   * Synthesize the root namespace with the network label (the declarative form of
   * `kubectl label namespace istio-system topology.istio.io/network=<network>`). Set to false
   * if another construct owns the namespace (then label it yourself).
   *
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * The Istio revision to install (`spec.revision`).
   *
   * @default - the default revision
   */
  readonly revision?: string;

  /**
   * Install the Istio CNI node agent (`components.cni`, `values.pilot.cni`): pod traffic is
   * redirected by the node agent when the pod's network is set up, so injection adds the
   * unprivileged `istio-validation` init container instead of `istio-init` (NET_ADMIN, NET_RAW,
   * root), which Pod Security baseline and restricted refuse. The node agent itself is a
   * privileged DaemonSet in the root namespace, which is therefore labelled Pod Security
   * `privileged`.
   *
   * Without it, a chart that labels a namespace for injection with Pod Security baseline or
   * restricted fails synthesis (its pods would never be admitted).
   *
   * @default true
   */
  readonly istioCni?: boolean;

  /**
   * Give the gateways istiod deploys for Kubernetes Gateway API Gateways (class `istio`) the
   * seccomp profile `RuntimeDefault` (`values.gateways.seccompProfile`). Istio's gateway template
   * sets none otherwise, so Pod Security `restricted` (the ZeroTrustNamespace default) and the
   * seccomp guardrail refuse those pods: a SecureGateway's namespace in this chart then needs
   * Pod Security baseline.
   *
   * @default true
   */
  readonly gatewaySeccompProfile?: boolean;

  /**
   * The address ranges the other networks reach this cluster's east-west gateway from (the
   * remote clusters' node or NAT egress ranges): the gateway's LoadBalancer Service gets them as
   * `loadBalancerSourceRanges`, so nobody else can open a connection to port 15443 (ambient: 15008,
   * also admitted by a NetworkPolicy on the gateway's pods from these ranges only). Required
   * before the gateway exposes anything ({@link MeshCluster.allowFromEastWestGateway}); never
   * `0.0.0.0/0` or `::/0`.
   *
   * @default - none: no cross-network flow may be declared
   */
  readonly gatewaySourceRanges?: string[];

  /**
   * The data plane the install runs. `DataPlane.AMBIENT`: `profile: ambient` (Istio 1.30; ambient
   * is GA since 1.24): istiod, the CNI node agent and ztunnel (both privileged DaemonSets in the
   * root namespace, so it is labelled Pod Security `privileged`), templated gateways and waypoints
   * with the `RuntimeDefault` seccomp profile (so a waypoint is admitted in a `restricted`
   * namespace). Sidecar injection still works in namespaces labelled for it (mixed data planes).
   *
   * Multi-network: `values.global.network` and the pilot's `AMBIENT_ENABLE_MULTI_NETWORK`; ambient
   * multi-primary multi-network is **beta** in Istio 1.29/1.30 (single-network multicluster and
   * primary-remote are not supported in ambient). Ambient crosses networks through a Gateway API
   * Gateway of class `istio-east-west` (double HBONE on 15008), which
   * {@link MeshCluster.allowFromEastWestGateway} creates; the classic `istio-eastwestgateway`
   * (15443, AUTO_PASSTHROUGH) is not installed. Ambient east-west gateways cannot expose istiod.
   *
   * @default DataPlane.SIDECAR
   */
  readonly dataPlane?: DataPlane;
}

/**
 * Options of {@link MeshCluster.allowFromEastWestGateway}.
 */
export interface EastWestGatewayFlowOptions {
  /**
   * The destination's container (target) ports the gateway forwards to.
   */
  readonly ports: Port[];

  /**
   * The service hosts (`<service>.<namespace>.svc.cluster.local`) the east-west gateway routes to
   * the destination: the only names the cross-network Gateway exposes for this flow.
   *
   * @default - the Services of this chart, in the destination's namespace, whose selector selects
   * the destination's pods (a synthesis error if there is none); always so on an ambient cluster,
   * where `hosts` is refused (the ambient gateway reaches the Services labelled `istio.io/global`)
   */
  readonly hosts?: string[];

  /**
   * Why this flow exists.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * One primary cluster of a multi-primary, multi-network Istio mesh.
 *
 * Synthesized into the cluster's chart (applied with kubectl/GitOps):
 * - the root namespace (`istio-system`) labelled `topology.istio.io/network: <network>`;
 * - once a cross-network flow is declared ({@link MeshCluster.allowFromEastWestGateway}), the
 *   Gateway `cross-network-gateway` on the east-west gateway, port 15443, TLS `AUTO_PASSTHROUGH`
 *   (mTLS stays end to end), whose `hosts` are only the Services those flows reach. Never
 *   `*.local`: AUTO_PASSTHROUGH routes by SNI to any Service matching `hosts` without terminating
 *   TLS, so a wildcard would expose every TLS service of the cluster (the kube-apiserver,
 *   webhooks, istiod) to whoever reaches the gateway (ISTIO-SECURITY-2021-006). Without a
 *   cross-network flow there is no Gateway, so port 15443 routes nothing. In AUDIT (the
 *   destination's NetworkPolicies held back) the Gateway is held back too and listed in the
 *   EnforcementReport: the exposure never outlives its guard.
 * - ambient (`dataPlane: DataPlane.AMBIENT`, Istio 1.29/1.30, beta), once a cross-network flow is
 *   declared: the Gateway API Gateway `istio-eastwestgateway` of class `istio-east-west` (listener
 *   `mesh`, 15008, HBONE, TLS terminated with ISTIO_MUTUAL: double HBONE, the inner tunnel end to
 *   end), labelled with the network (held back in AUDIT like the sidecar Gateway); the ConfigMap
 *   its `infrastructure.parametersRef` names, which gives istiod's generated LoadBalancer Service
 *   `loadBalancerSourceRanges` and `externalTrafficPolicy: Local`; the NetworkPolicy
 *   `istio-eastwestgateway-hbone` admitting TCP 15008 to the gateway's pods from
 *   `gatewaySourceRanges` only; and the label `istio.io/global: "true"` on the chart's Services
 *   that select a flow's destination (only those are reachable from the other networks).
 *
 * Not in the chart: the IstioOperator ({@link MeshCluster.istioOperator}), the input of
 * `istioctl install -f` (Istio 1.24 removed the in-cluster operator, so the IstioOperator is no
 * longer a resource to apply). It sets meshID, clusterName, network, the trust domain and
 * installs the east-west gateway (ports 15021 status and 15443 cross-network only: istiod is
 * not exposed, which multi-primary does not need). Write it to its own file per cluster, e.g.
 * `dist/<cluster>/istio/operator.yaml`, apart from the applied manifests.
 *
 * Cannot be synthesized (do these by hand or in your pipeline):
 * - the shared root CA and each cluster's `cacerts` Secret (see `caSecret`);
 * - the remote secrets that let each istiod watch the other clusters' API servers
 *   (`istioctl create-remote-secret`, see {@link MeshCluster.remoteSecretCommands}): they
 *   hold API server credentials;
 * - reachability of each east-west gateway's load balancer from the other networks.
 *
 * Flows from other clusters arrive through the east-west gateway: the destination's
 * NetworkPolicy must admit {@link MeshCluster.eastWestGatewayPeer} on the target port
 * ({@link MeshCluster.allowFromEastWestGateway}, a network-only flow); the AuthorizationPolicy
 * still sees the original client's principal, so the client's own flow authorizes it.
 */
export class MeshCluster extends Construct {
  /** The mesh. */
  public readonly mesh: IstioMultiCluster;

  /** The cluster name. */
  public readonly clusterName: string;

  /** The network name. */
  public readonly network: string;

  /** The kubeconfig context. */
  public readonly kubeContext: string;

  /** The CA Secret name (always `cacerts`). */
  public readonly caSecretName: string;

  /** True if the IstioOperator installs the Istio CNI node agent (see `MeshClusterProps.istioCni`). */
  public readonly istioCni: boolean;

  /** The data plane the install runs (see `MeshClusterProps.dataPlane`). */
  public readonly dataPlane: DataPlane;
  /** True if istiod gives its Gateway API gateways the `RuntimeDefault` seccomp profile (see `MeshClusterProps.gatewaySeccompProfile`). */
  public readonly gatewaySeccompProfile: boolean;

  private readonly revision?: string;
  private readonly gatewaySourceRanges: string[];
  private readonly crossNetworkFlows: Array<{ flow: Flow; hosts?: string[] }> = [];

  /**
   * @param scope parent (in the cluster's chart)
   * @param id construct id
   * @param props mesh, cluster name, network, CA secret
   */
  constructor(scope: Construct, id: string, props: MeshClusterProps) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'MeshClusterProps', props, MESH_CLUSTER_PROPS);
    if (props === undefined || props === null || !(props.mesh instanceof IstioMultiCluster)) {
      fail(path, 'mesh', props?.mesh === undefined ? undefined : String(props.mesh), 'an IstioMultiCluster');
    }
    validateDns1123Label(path, 'clusterName', props.clusterName);
    validateDns1123Label(path, 'network', props.network);
    const ctx = props.kubeContext ?? props.clusterName;
    if (typeof ctx !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.@:/]*$/.test(ctx)) {
      fail(path, 'kubeContext', ctx, 'a kubeconfig context name (letters, digits, \'-\', \'_\', \'.\', \'@\', \':\', \'/\')');
    }
    if (props.caSecret === undefined || props.caSecret === null || typeof props.caSecret.name !== 'string') {
      fail(path, 'caSecret', props.caSecret === undefined ? undefined : String(props.caSecret),
        'a reference to the plug-in CA Secret `cacerts` (kplus.Secret.fromSecretName(scope, id, \'cacerts\')) created out of band from the mesh\'s shared root CA');
    }
    if (props.caSecret.name !== 'cacerts') {
      fail(path, 'caSecret.name', props.caSecret.name, 'cacerts: istiod reads its plug-in CA only from the Secret cacerts in the root namespace');
    }
    if (props.revision !== undefined) {
      validateDns1123Label(path, 'revision', props.revision);
    }
    if (props.istioCni !== undefined && typeof props.istioCni !== 'boolean') {
      fail(path, 'istioCni', props.istioCni, 'true or false');
    }
    const dataPlane = props.dataPlane ?? DataPlane.SIDECAR;
    if (!Object.values(DataPlane).includes(dataPlane)) {
      fail(path, 'dataPlane', dataPlane, 'DataPlane.SIDECAR (sidecar) or DataPlane.AMBIENT (ambient)');
    }
    if (dataPlane === DataPlane.AMBIENT && props.istioCni === false) {
      fail(path, 'istioCni', false, 'true (or unset) with dataPlane: DataPlane.AMBIENT: the CNI node agent is what redirects ambient pods\' traffic to ztunnel');
    }
    const chart = Chart.of(this);
    const other = props.mesh.clusters.find((c) => Chart.of(c) === chart);
    if (other !== undefined) {
      fail(path, 'scope', chart.node.path, `a chart without another MeshCluster (one chart = one cluster; ${other.node.path} is already there)`);
    }
    this.mesh = props.mesh;
    this.clusterName = props.clusterName;
    this.network = props.network;
    this.kubeContext = ctx;
    this.caSecretName = props.caSecret.name;
    this.revision = props.revision;
    this.istioCni = props.istioCni ?? true;
    this.dataPlane = dataPlane;
    this.gatewaySeccompProfile = props.gatewaySeccompProfile ?? true;
    this.gatewaySourceRanges = sourceRanges(path, props.gatewaySourceRanges);
    props.mesh._register(path, this);
    setIstioCni(chart, this.istioCni);
    setAmbientInstall(chart, dataPlane === DataPlane.AMBIENT);
    // the ambient install always gives templated gateways and waypoints RuntimeDefault (istioOperator)
    setIstioGatewaySeccomp(chart, this.gatewaySeccompProfile || dataPlane === DataPlane.AMBIENT);

    const root = props.mesh.rootNamespace;
    if (props.createNamespace ?? true) {
      // the CNI node agent (a DaemonSet in the root namespace) needs privileged pods
      const psa: { [key: string]: string } = this.istioCni ? { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'latest' } : {};
      // shared with istioctl (istiod, the gateways, the CA Secret): a GitOps tool that owns this
      // object must never delete it, whether the object leaves the output or the delivery is removed
      new k8s.KubeNamespace(this, 'root-namespace', {
        metadata: { name: root, labels: { [NETWORK_LABEL]: props.network, ...psa }, annotations: { ...NEVER_PRUNE } },
      });
    }
  }

  /**
   * The pods of this cluster's east-west gateway, as a flow peer: cross-cluster traffic reaches
   * a destination pod from them (for NetworkPolicies). Ambient: the pods istiod deploys for the
   * Gateway `istio-eastwestgateway` of class `istio-east-west` (label
   * `gateway.networking.k8s.io/gateway-name`).
   */
  public get eastWestGatewayPeer(): Peer {
    if (this.dataPlane === DataPlane.AMBIENT) {
      return ambientEastWestPeer(this.mesh.rootNamespace);
    }
    return Peer.pods({ istio: EW_LABELS.istio }, {
      namespace: this.mesh.rootNamespace, name: 'eastwestgateway', serviceAccountName: 'istio-eastwestgateway',
    });
  }

  /**
   * Lets this cluster's east-west gateway reach `to` on `ports` (cross-network traffic from the
   * other clusters): a {@link FlowLayers.NETWORK_ONLY} flow, so NetworkPolicies admit the
   * gateway's pods but no AuthorizationPolicy rule is added for the gateway's own identity. In
   * AUTO_PASSTHROUGH the mTLS session is end to end: the destination's AuthorizationPolicy sees
   * the original caller's principal, which the caller's own flow (declared in its cluster and in
   * this one, same trust domain) allows.
   *
   * Ambient (`dataPlane: DataPlane.AMBIENT`): the flow also admits HBONE (TCP 15008) from the
   * gateway, which forwards the remote callers' double HBONE end to end (the AuthorizationPolicy
   * sees them, or their cluster's waypoint); the chart's Services that select `to` are labelled
   * `istio.io/global: "true"` (only those are reachable across networks, so `hosts` is refused),
   * and the `istio-east-west` Gateway, its Service options and its NetworkPolicy are created.
   * `to` must be in an ambient namespace of this chart.
   *
   * @param to the destination pods (in this cluster)
   * @param options target ports and description
   * @returns the flow
   */
  public allowFromEastWestGateway(to: IPeer, options: EastWestGatewayFlowOptions): Flow {
    const path = this.node.path;
    checkOptions(path, 'options', 'EastWestGatewayFlowOptions', options, EAST_WEST_GATEWAY_FLOW_OPTIONS, false, false);
    if (options === undefined || options === null) {
      fail(path, 'options', options, 'options with the destination ports (e.g. { ports: [Port.tcp(8080)] })');
    }
    const dest = Peer._resolve(path, 'to', to);
    if (dest.peerKind === PeerKind.IP_BLOCKS) {
      fail(path, 'to', dest.peerName, 'pods or a namespace of this cluster: the east-west gateway forwards to mesh workloads, not to IP blocks');
    }
    if (this.gatewaySourceRanges.length === 0) {
      fail(path, 'gatewaySourceRanges', undefined,
        'the remote networks\' address ranges (MeshClusterProps.gatewaySourceRanges) before the east-west gateway exposes a service: its LoadBalancer would otherwise accept anyone');
    }
    const hosts = options.hosts === undefined ? undefined : [...options.hosts];
    (hosts ?? []).forEach((h, i) => validateHostname(path, `options.hosts[${i}]`, h));
    if (hosts !== undefined && hosts.length === 0) {
      fail(path, 'options.hosts', '[]', 'at least one service host, or leave it unset to use the Services that select the destination');
    }
    if (hosts !== undefined && this.dataPlane === DataPlane.AMBIENT) {
      fail(path, 'options.hosts', hosts.join(', '), `unset on an ambient cluster: the ambient east-west gateway reaches the Services labelled ${GLOBAL_SERVICE_LABEL}: "true", `
        + 'which are the Services of this chart that select the destination');
    }
    const flow = Flows.of(this).allow(this.eastWestGatewayPeer, dest, {
      ports: options.ports,
      layers: FlowLayers.NETWORK_ONLY,
      description: options.description,
    });
    if (this.dataPlane === DataPlane.AMBIENT) {
      // double HBONE: the gateway opens HBONE to the destination pod's 15008 (ztunnel)
      Flows.of(this).allow(this.eastWestGatewayPeer, dest, {
        ports: [Port.tcp(HBONE_PORT)], layers: FlowLayers.NETWORK_ONLY, description: 'HBONE (ambient mTLS tunnel) from the east-west gateway',
      });
    }
    if (this.crossNetworkFlows.length === 0) {
      Flows.of(this).addRenderer({ renderFlows: () => this.renderGateway() });
    }
    this.crossNetworkFlows.push({ flow, hosts });
    return flow;
  }

  /**
   * The service hosts the cross-network Gateway exposes, sorted (known at synthesis). Ambient:
   * the Services labelled `istio.io/global: "true"` for the cross-network flows.
   */
  public get exposedHosts(): string[] {
    const out = new Set<string>();
    for (const f of this.crossNetworkFlows) {
      (f.hosts ?? this.hostsSelecting(f.flow.destination)).forEach((h) => out.add(h));
    }
    return Array.from(out).sort();
  }

  /** The FQDNs of the chart's Services that select some of `to`'s pods. */
  private hostsSelecting(to: Peer): string[] {
    const ns = to.namespace ?? this.mesh.rootNamespace;
    const hosts = this.servicesSelecting(to).map((svc) => `${svc.metadata.name}.${ns}.svc.cluster.local`);
    if (hosts.length === 0) {
      fail(this.node.path, 'allowFromEastWestGateway.to', `${ns}/${to.peerName}`,
        'a destination selected by a Service of this chart, or options.hosts naming the service hosts the east-west gateway may route to');
    }
    return hosts;
  }

  /** The chart's Services that select some of `to`'s pods. */
  private servicesSelecting(to: Peer): ApiObject[] {
    const ns = to.namespace ?? this.mesh.rootNamespace;
    const want = to.podLabels ?? {};
    const objs = Chart.of(this).node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.metadata.namespace === ns);
    const subset = (sel: { [k: string]: string }, labels: { [k: string]: string }): boolean =>
      Object.keys(sel).every((k) => labels[k] === sel[k]);
    // the label sets of the chart's pods `to` selects (a Service selects pods, not peers)
    const pods = objs.filter((o) => POD_KINDS.includes(o.kind))
      .map((o) => { const j = o.toJson(); return (o.kind === 'Pod' ? j.metadata?.labels : j.spec?.template?.metadata?.labels) ?? {}; })
      .filter((labels) => subset(want, labels));
    return objs.filter((o) => o.kind === 'Service')
      .filter((svc) => {
        const sel: { [k: string]: string } = svc.toJson().spec?.selector ?? {};
        if (Object.keys(sel).length === 0) return false;
        return pods.some((labels) => subset(sel, labels)) || subset(sel, want);
      });
  }

  /** Emits the cross-network Gateway, or holds it back while a destination is in AUDIT. */
  private renderGateway(): void {
    if (this.dataPlane === DataPlane.AMBIENT) {
      this.renderAmbientGateway();
      return;
    }
    const root = this.mesh.rootNamespace;
    const props = {
      metadata: { name: 'cross-network-gateway', namespace: root },
      spec: {
        selector: { istio: EW_LABELS.istio },
        servers: [{
          port: { number: 15443, name: 'tls', protocol: 'TLS' },
          tls: { mode: GatewaySpecServersTlsMode.AUTO_UNDERSCORE_PASSTHROUGH },
          hosts: this.exposedHosts,
        }],
      },
    };
    const audit = this.auditNamespaces();
    if (audit.length > 0) {
      Enforcement.holdBack(this, {
        namespace: root,
        kind: 'Gateway',
        name: 'cross-network-gateway',
        reason: `exposes ${props.spec.servers[0].hosts.join(', ')} to the other networks while the NetworkPolicies of ${audit.join(', ')} are held back (AUDIT)`,
        manifest: Gateway.manifest(props),
      });
      return;
    }
    new Gateway(this, 'cross-network-gateway', props);
  }

  /** The namespaces of the cross-network flows' destinations (and the root namespace) in AUDIT. */
  private auditNamespaces(): string[] {
    const root = this.mesh.rootNamespace;
    const audit = [root, ...this.crossNetworkFlows.map((f) => f.flow.destination.namespace ?? root)]
      .filter((ns) => Enforcement.resolve(this, { namespace: ns }) === EnforcementMode.AUDIT);
    return Array.from(new Set(audit)).sort();
  }

  /**
   * Ambient: labels the destinations' Services `istio.io/global: "true"`, then emits the
   * `istio-east-west` Gateway (held back in AUDIT), its Service options and its NetworkPolicy.
   */
  private renderAmbientGateway(): void {
    const root = this.mesh.rootNamespace;
    const ambient = new Set(Chart.of(this).node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace' && c.metadata.getLabel(DATAPLANE_MODE_LABEL) === 'ambient')
      .map((o) => o.metadata.name));
    for (const f of this.crossNetworkFlows) {
      const to = f.flow.destination;
      const ns = to.namespace ?? root;
      if (!ambient.has(ns)) {
        fail(this.node.path, 'allowFromEastWestGateway.to', `${ns}/${to.peerName}`,
          `a destination in an ambient namespace of this chart: the ambient east-west gateway (class istio-east-west) forwards HBONE to ztunnel, and Istio documents ambient multi-network for ambient workloads only; namespace ${ns} is not labelled ${DATAPLANE_MODE_LABEL}: ambient`);
      }
      const services = this.servicesSelecting(to);
      if (services.length === 0) {
        fail(this.node.path, 'allowFromEastWestGateway.to', `${ns}/${to.peerName}`,
          `a destination selected by a Service of this chart: the other clusters reach it through a Service labelled ${GLOBAL_SERVICE_LABEL}: "true"`);
      }
      services.forEach((svc) => svc.metadata.addLabel(GLOBAL_SERVICE_LABEL, 'true'));
    }
    const gateway = ambientEastWestGatewayProps(root, this.network);
    const audit = this.auditNamespaces();
    if (audit.length > 0) {
      Enforcement.holdBack(this, {
        namespace: root,
        kind: 'Gateway',
        name: AMBIENT_EW_NAME,
        reason: `exposes ${this.exposedHosts.join(', ')} to the other networks while the NetworkPolicies of ${audit.join(', ')} are held back (AUDIT)`,
        manifest: KubeGateway.manifest(gateway),
      });
    } else {
      new KubeGateway(this, 'ambient-east-west-gateway', gateway);
      addIstioGateway(Chart.of(this), { path: this.node.path, name: AMBIENT_EW_NAME, namespace: root, className: 'istio-east-west', seccompClaimed: true });
    }
    new k8s.KubeConfigMap(this, 'ambient-east-west-options', ambientEastWestOptions(root, this.gatewaySourceRanges));
    new k8s.KubeNetworkPolicy(this, 'ambient-east-west-policy', {
      metadata: { name: `${AMBIENT_EW_NAME}-hbone`, namespace: root },
      spec: ambientEastWestPolicySpec(this.gatewaySourceRanges),
    });
  }

  /**
   * The IstioOperator for `istioctl install -f` (not part of the chart; validated against the
   * IstioOperator CRD in the tests).
   */
  public istioOperator(): any {
    const mesh = this.mesh;
    const meshConfig: any = { trustDomain: mesh.trustDomain };
    if (mesh.trustDomainAliases.length > 0) {
      meshConfig.trustDomainAliases = [...mesh.trustDomainAliases];
    }
    meshConfig.outboundTrafficPolicy = { mode: auditValue(this, mesh.outboundTrafficPolicy, OutboundTrafficPolicy.ALLOW_ANY, { kind: 'IstioOperator', name: this.node.id, what: `meshConfig.outboundTrafficPolicy ${mesh.outboundTrafficPolicy} -> ALLOW_ANY` }) };
    const ambient = this.dataPlane === DataPlane.AMBIENT;
    const spec: any = {};
    if (ambient) {
      spec.profile = 'ambient';
    }
    if (this.revision !== undefined) {
      spec.revision = this.revision;
    }
    spec.meshConfig = meshConfig;
    spec.values = {
      global: {
        meshID: mesh.meshId,
        multiCluster: { clusterName: this.clusterName },
        network: this.network,
      },
      // injection templates read pilot.cni.enabled: istio-validation instead of istio-init
      ...(this.istioCni ? { pilot: { cni: { enabled: true } }, cni: { excludeNamespaces: ['kube-system'] } } : {}),
      // the kube-gateway template sets no seccomp profile otherwise: Pod Security restricted refuses
      // the gateway pods, and ambient's waypoints run in the application namespaces
      ...(this.gatewaySeccompProfile || ambient ? { gateways: { seccompProfile: { type: 'RuntimeDefault' } } } : {}),
    };
    spec.components = ambient ? this.ambientComponents() : {
      ...(this.istioCni ? { cni: { enabled: true, namespace: mesh.rootNamespace } } : {}),
      ingressGateways: [this.eastWestGateway()],
    };
    // the binding's IstioOperatorProps has no spec (the CRD's schema preserves unknown fields),
    // so only its GVK is used; the object is returned, not added to the chart
    return {
      ...IstioOperator.GVK,
      metadata: { name: this.clusterName, namespace: mesh.rootNamespace },
      spec,
    };
  }

  /** The components of an ambient install: CNI and ztunnel in the root namespace, istiod with multi-network ambient. */
  private ambientComponents(): any {
    const root = this.mesh.rootNamespace;
    return {
      pilot: { k8s: { env: [{ name: 'AMBIENT_ENABLE_MULTI_NETWORK', value: 'true' }] } },
      cni: { enabled: true, namespace: root },
      ztunnel: { enabled: true, namespace: root },
    };
  }

  /** The classic east-west gateway of a sidecar install (15443, AUTO_PASSTHROUGH). */
  private eastWestGateway(): any {
    return {
      name: 'istio-eastwestgateway',
      enabled: true,
      label: { ...EW_LABELS, [NETWORK_LABEL]: this.network },
      k8s: {
        env: [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: this.network }],
        service: {
          ...(this.gatewaySourceRanges.length > 0 ? { loadBalancerSourceRanges: [...this.gatewaySourceRanges] } : {}),
          ports: [
            { name: 'status-port', port: 15021, targetPort: 15021 },
            { name: 'tls', port: 15443, targetPort: 15443 },
          ],
        },
      },
    };
  }

  /**
   * The IstioOperator as YAML (for `dist/<cluster>/istio/operator.yaml`).
   */
  public istioOperatorYaml(): string {
    return jsyaml.dump(this.istioOperator(), { noRefs: true, lineWidth: -1, sortKeys: false });
  }

  /**
   * The commands that install, in this cluster, the remote secrets of every other cluster of the
   * mesh (each istiod must read every other API server). They run outside the synthesis (they
   * read live credentials); sorted by cluster name.
   */
  public remoteSecretCommands(): string[] {
    return this.mesh.clusters
      .filter((c) => c !== this)
      .map((c) => `istioctl create-remote-secret --context=${c.kubeContext} --name=${c.clusterName} | kubectl apply -f - --context=${this.kubeContext}`);
  }
}

/** Validated, sorted `gatewaySourceRanges` (never a range covering every address). */
function sourceRanges(path: string, ranges: string[] | undefined): string[] {
  if (ranges === undefined) return [];
  if (!Array.isArray(ranges)) {
    fail(path, 'gatewaySourceRanges', String(ranges), 'a list of CIDR blocks, e.g. [\'172.18.0.0/16\']');
  }
  ranges.forEach((r, i) => {
    let c: Cidr | undefined;
    try {
      c = Cidr.of(r);
    } catch {
      fail(path, `gatewaySourceRanges[${i}]`, r, 'a CIDR block, e.g. 172.18.0.0/16');
    }
    if (c.prefixLength === 0) {
      fail(path, `gatewaySourceRanges[${i}]`, r, 'the remote networks\' ranges, not every address (the gateway would be open to the internet)');
    }
  });
  return Array.from(new Set(ranges)).sort();
}
