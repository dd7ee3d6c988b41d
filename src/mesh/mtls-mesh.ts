import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { AmbientPlan } from './ambient';
import { AmbientExclusions } from './ambient-exclusion';
import { renderFlowAuthorization, sourceOf } from './flow-authorization';
import { trustDomains } from './internal';
import { MeshAuthorization } from './mesh-authorization';
import { MeshCluster } from './mesh-cluster';
import { meshFlowChecksApply, meshFlowErrors } from './mesh-flow-checks';
import { MtlsMode } from './mtls-mode';
import { MtlsPolicy, PortMtls } from './mtls-policy';
import { MTLS_MESH_PROPS, PROTECT_NAMESPACE_OPTIONS, WORKLOAD_MTLS_OPTIONS } from './props-specs';
import { UnknownIdentity } from './unknown-identity';
import { DATAPLANE_MODE_LABEL } from '../core/ambient';
import { DataPlane } from '../core/data-plane';
import { EnforcementMode } from '../core/enforcement';
import { setMeshPresent } from '../core/mesh-install';
import { Port } from '../core/port';
import { checkArg, checkOptions, t } from '../core/props-check';
import { toKubeName } from '../core/strings';
import { isChartBeingWritten } from '../core/synthesis-scope';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';
import { ValidationError } from '../core/validation-error';
import { checkConstruct } from '../flows/chart-checks';
import { keepsChartScan } from '../flows/chart-scan';
import { Enforcement } from '../flows/enforcement';
import { Flow, FlowOptions } from '../flows/flow';
import { Flows } from '../flows/flows';
import { IPeer, Peer } from '../flows/peer';

/** The namespace label of Istio's default sidecar injection. */
const INJECTION_LABEL = 'istio-injection';
/** The namespace label of revision-based sidecar injection. */
const REVISION_LABEL = 'istio.io/rev';

/**
 * Properties of an {@link MtlsMesh}.
 */
export interface MtlsMeshProps {
  /**
   * The mesh trust domain (`meshConfig.trustDomain`).
   *
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;

  /**
   * Trust domain aliases (`meshConfig.trustDomainAliases`): every identity principal is also
   * rendered with each alias, so the policies hold during a trust-domain migration.
   *
   * @default - none
   */
  readonly trustDomainAliases?: string[];

  /**
   * The Istio root namespace: a PeerAuthentication there without selector applies mesh-wide.
   *
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;

  /**
   * The mesh-wide mTLS mode (PeerAuthentication `default` in the root namespace).
   *
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;

  /**
   * What to do with a flow into a protected namespace whose source pods have no known service
   * account (so no workload principal).
   *
   * @default UnknownIdentity.ERROR
   */
  readonly unknownIdentity?: UnknownIdentity;

  /**
   * Labels of the istiod pods, for the flow every namespace with sidecars needs to istiod
   * (xDS and certificates, TCP 15012).
   *
   * @default { app: 'istiod' }
   */
  readonly istiodLabels?: { [key: string]: string };

  /**
   * Namespaces whose pods have sidecars, besides those the mesh finds in the chart (a Namespace
   * labelled `istio-injection: enabled`, or `istio.io/rev` without `istio-injection`, e.g. a
   * `ZeroTrustNamespace` with `istioInjection`): each gets the flow to istiod (TCP 15012).
   * List the namespaces labelled for injection outside this chart.
   *
   * @default - only the namespaces found in the chart and the protected ones
   */
  readonly meshedNamespaces?: string[];

  /**
   * Declare the flow to istiod (TCP 15012) for every namespace with sidecars (labelled for
   * injection in the chart, in `meshedNamespaces`, or protected), so that default-deny
   * NetworkPolicies do not cut the sidecars off their configuration and certificates.
   *
   * @default true
   */
  readonly allowIstiod?: boolean;

  /**
   * The staged-rollout mode of the mesh's AuthorizationPolicies (AUDIT: `istio.io/dry-run`) and
   * of its STRICT PeerAuthentications (AUDIT: PERMISSIVE).
   * A namespace's own mode (`Enforcement.setNamespace`, or set on its `ZeroTrustNamespace`)
   * still wins, as does a mode set on one `MeshAuthorization`.
   *
   * @default - resolved from the scopes (`Enforcement.set` on the chart, the fleet, ...), else ENFORCE
   */
  readonly enforcement?: EnforcementMode;
}

/**
 * Options of {@link MtlsMesh.protectNamespace}.
 */
export interface ProtectNamespaceOptions {
  /**
   * The namespace-wide mTLS mode (PeerAuthentication `default` in the namespace).
   *
   * @default - inherit the mesh-wide mode (no namespace PeerAuthentication)
   */
  readonly mode?: MtlsMode;

  /**
   * Declare the flow from the namespace to istiod (TCP 15012) that sidecars need for
   * configuration and certificates when the namespace's NetworkPolicies deny egress by default.
   * False also keeps the mesh from declaring it for this namespace when it is labelled for
   * injection.
   *
   * @default - the mesh's `allowIstiod` (true)
   */
  readonly allowIstiod?: boolean;

  /**
   * The data plane of the namespace's pods, for a namespace this chart does not label (a
   * `ZeroTrustNamespace` with `dataPlane` or a Namespace labelled `istio.io/dataplane-mode: ambient`
   * is found in the chart). In an ambient namespace the policies of flows without HTTP rules are
   * enforced by ztunnel (L4), flows with HTTP rules go through a waypoint, and no flow to istiod
   * is declared (ztunnel fetches the certificates).
   *
   * @default - as the chart labels the namespace, else DataPlane.SIDECAR
   */
  readonly dataPlane?: DataPlane;

  /**
   * In an ambient namespace, create the waypoint (Gateway `waypoint`, class `istio-waypoint`) that
   * enforces the HTTP rules of the flows into it, and label the Services of those flows
   * `istio.io/use-waypoint: waypoint`. False: an HTTP rule into the namespace is a synthesis
   * error (ztunnel cannot enforce it).
   *
   * @default true
   */
  readonly waypoint?: boolean;
}

/**
 * Options of {@link MtlsMesh.workloadMtls}.
 */
export interface WorkloadMtlsOptions {
  /**
   * The mode of the workload's ports without a port-level mode.
   *
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;

  /**
   * Port-level modes (container ports).
   *
   * @default - none
   */
  readonly portModes?: PortMtls[];
}

/**
 * An Istio mesh with mTLS and deny-by-default authorization, driven by the flows of the chart.
 *
 * - Mesh-wide PeerAuthentication `default` in the root namespace, STRICT by default.
 * - `protectNamespace(ns)`: an allow-nothing AuthorizationPolicy in the namespace, and for every
 *   flow into it (declared once with `Flows.of(chart).allow(...)` or `mesh.allow(...)`) an ALLOW
 *   rule: the source's principal `<trust-domain>/ns/<ns>/sa/<sa>` (namespaces for a namespace
 *   peer, ipBlocks for CIDR peers), and the flow's TCP ports, HTTP methods and paths. The same
 *   flow also gives the NetworkPolicies of ZeroTrustNamespaces: one declaration, both layers.
 * - A pod source without a dedicated service account is an error (see `unknownIdentity`).
 *
 * Namespaces must have sidecar injection enabled (label `istio-injection: enabled`) for the
 * policies to be enforced; AuthorizationPolicy ports are container (target) ports. Every
 * namespace with sidecars (labelled for injection in the chart, listed in `meshedNamespaces`, or
 * protected) gets the flow to istiod (TCP 15012), declared at synthesis.
 *
 * Ambient namespaces (Istio 1.30; `ZeroTrustNamespace` `dataPlane: DataPlane.AMBIENT`, or
 * `protectNamespace(ns, { dataPlane })`): the flows' policies without HTTP rules are enforced by
 * ztunnel; every flow with an ambient end between meshed pods also admits HBONE (TCP 15008) in the
 * NetworkPolicies; flows with HTTP rules from ambient callers go through a waypoint (Gateway
 * `waypoint`, class `istio-waypoint`) with `targetRefs` AuthorizationPolicies on the destination's
 * Services, which are labelled `istio.io/use-waypoint`. An HTTP rule no waypoint would enforce
 * fails synthesis. Ambient namespaces get no flow to istiod.
 */
export class MtlsMesh extends Construct {
  /** The trust domain. */
  public readonly trustDomain: string;

  /** The trust domain, then its aliases (sorted). */
  public readonly trustDomains: string[];

  /** The Istio root namespace. */
  public readonly rootNamespace: string;

  /** The mesh-wide PeerAuthentication. */
  public readonly meshPolicy: MtlsPolicy;

  private readonly unknownIdentity: UnknownIdentity;
  private readonly istiodLabels: { [key: string]: string };
  private readonly protectedNs = new Map<string, MeshAuthorization>();
  /** scanChart's result per walk of the chart (see scanChart). */
  private readonly scans = new WeakMap<readonly IConstruct[], ChartMeshScan>();
  private readonly mtlsNs = new Set<string>();
  private readonly meshedNs: string[];
  private readonly allowIstiod: boolean;
  /** Namespaces whose istiod flow was declined (`protectNamespace(ns, { allowIstiod: false })`). */
  private readonly noIstiodNs = new Set<string>();
  /** Namespaces declared ambient or sidecar with `protectNamespace(ns, { dataPlane })`. */
  private readonly declaredPlane = new Map<string, DataPlane>();
  /** Protected namespaces whose istiod flow was asked for (`allowIstiod`, the mesh's or the namespace's). */
  private readonly istiodNs = new Set<string>();
  private readonly noWaypointNs = new Set<string>();
  private readonly excluded = new AmbientExclusions();
  private ambientPlan?: AmbientPlan;

  /**
   * @param scope parent (inside a cdk8s Chart: one chart = one cluster)
   * @param id construct id
   * @param props trust domain, root namespace, mode
   */
  constructor(scope: Construct, id: string, props: MtlsMeshProps = {}) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'MtlsMeshProps', props, MTLS_MESH_PROPS, true);
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    this.trustDomains = trustDomains(path, this.trustDomain, props.trustDomainAliases);
    this.rootNamespace = props.rootNamespace ?? 'istio-system';
    validateDns1123Label(path, 'rootNamespace', this.rootNamespace);
    this.unknownIdentity = props.unknownIdentity ?? UnknownIdentity.ERROR;
    if (!Object.values(UnknownIdentity).includes(this.unknownIdentity)) {
      fail(path, 'unknownIdentity', this.unknownIdentity, 'ERROR or NAMESPACE');
    }
    this.istiodLabels = props.istiodLabels ?? { app: 'istiod' };
    validateLabels(path, 'istiodLabels', this.istiodLabels);
    if (Object.keys(this.istiodLabels).length === 0) {
      fail(path, 'istiodLabels', this.istiodLabels, 'at least one label of the istiod pods');
    }
    if (props.meshedNamespaces !== undefined && !Array.isArray(props.meshedNamespaces)) {
      fail(path, 'meshedNamespaces', props.meshedNamespaces, 'a list of namespace names');
    }
    (props.meshedNamespaces ?? []).forEach((n, i) => {
      validateDns1123Label(path, `meshedNamespaces[${i}]`, n);
      if (n === this.rootNamespace) {
        fail(path, `meshedNamespaces[${i}]`, n, `a namespace other than the Istio root namespace (${this.rootNamespace})`);
      }
    });
    this.meshedNs = Array.from(new Set(props.meshedNamespaces ?? [])).sort();
    this.allowIstiod = props.allowIstiod ?? true;
    if (typeof this.allowIstiod !== 'boolean') {
      fail(path, 'allowIstiod', this.allowIstiod, 'true or false');
    }
    if (props.enforcement !== undefined) {
      if (!Object.values(EnforcementMode).includes(props.enforcement)) {
        fail(path, 'enforcement', props.enforcement, 'EnforcementMode.ENFORCE (Enforce) or EnforcementMode.AUDIT (Audit)');
      }
      Enforcement.set(this, props.enforcement);
    }
    if (props.mode === MtlsMode.UNSET) {
      fail(path, 'mode', props.mode, 'STRICT, PERMISSIVE or DISABLE: a mesh-wide UNSET inherits nothing and is PERMISSIVE (plaintext accepted mesh-wide)');
    }
    this.meshPolicy = new MtlsPolicy(this, 'mesh-mtls', {
      namespace: this.rootNamespace,
      name: 'default',
      mode: props.mode ?? MtlsMode.STRICT,
    });
    // AuthorizationPolicies and waypoints, flows: none of what the chart scan is read for
    Flows.of(this).addRenderer(keepsChartScan({ renderFlows: (flows: Flows) => this.renderAuthorization(flows) }));
    Flows.of(this).addContributor(keepsChartScan({ contributeFlows: (flows: Flows) => this.contributeIstiodFlows(flows) }));
    setMeshPresent(Chart.of(this));
    Flows.of(this)._addLateContributor(keepsChartScan({ contributeFlows: (flows: Flows) => this.contributeAmbientFlows(flows) }));
    // --- what the mesh makes of the chart (issue 18): consistency with MeshCluster, flow checks ---
    this.node.addValidation({ validate: () => this.meshErrors() });
  }

  /** The mesh's validation: consistency with the chart's MeshCluster, then the flow checks. */
  private meshErrors(): string[] {
    // checked when its chart is written, as the flow checks (a writer writes one chart at a time:
    // the other charts' checks would walk them once per chart written)
    const chart = Chart.of(this);
    if (!isChartBeingWritten(this.node.root, chart)) return [];
    // the flow checks read the rendered objects: render first, then one walk for both
    const checked = meshFlowChecksApply(chart);
    if (checked) Flows.of(this).render();
    const constructs = chart.node.findAll();
    const scan = this.scanChart(constructs);
    const ambientNamespaces = this.ambientOf(scan.namespaces);
    return [...this.clusterMismatches(scan.cluster, ambientNamespaces), ...(checked ? meshFlowErrors(this, {
      path: this.node.path,
      trustDomain: this.trustDomain,
      rootNamespace: this.rootNamespace,
      protectedNamespaces: this.protectedNamespaces,
      declaredMeshed: this.meshedNs,
      ambientNamespaces,
    }, constructs) : [])];
  }

  /** The chart's MeshCluster installs istiod with a trust domain and root namespace: this mesh's must be the same. */
  private clusterMismatches(cluster: MeshCluster | undefined, ambient: string[]): string[] {
    if (cluster === undefined) return [];
    const out: string[] = [];
    if (cluster.mesh.trustDomain !== this.trustDomain) {
      out.push(new ValidationError({
        path: this.node.path,
        field: 'trustDomain',
        value: this.trustDomain,
        expected: `the trust domain of the chart's MeshCluster ${cluster.node.path} ("${cluster.mesh.trustDomain}"): istiod signs identities `
          + `in that domain, so every ALLOW principal in "${this.trustDomain}" would never match (trustDomain: istio.trustDomain)`,
      }).message);
    }
    if (ambient.length > 0 && cluster.dataPlane !== DataPlane.AMBIENT) {
      out.push(new ValidationError({
        path: this.node.path,
        field: 'ambientNamespaces',
        value: ambient.join(', '),
        expected: `namespaces the chart's MeshCluster ${cluster.node.path} can serve: it installs the sidecar data plane only (no ztunnel), `
          + 'so ambient pods would get neither mTLS nor AuthorizationPolicy enforcement. Fix: MeshCluster dataPlane: DataPlane.AMBIENT (sidecar injection keeps working)',
      }).message);
    }
    if (cluster.mesh.rootNamespace !== this.rootNamespace) {
      out.push(new ValidationError({
        path: this.node.path,
        field: 'rootNamespace',
        value: this.rootNamespace,
        expected: `the root namespace of the chart's MeshCluster ${cluster.node.path} ("${cluster.mesh.rootNamespace}"): only a policy there is mesh-wide; `
          + `in "${this.rootNamespace}" the "mesh-wide" STRICT PeerAuthentication covers one namespace`,
      }).message);
    }
    return out;
  }

  /**
   * Protects a namespace: allow-nothing by default, plus the ALLOW rules of every flow into it.
   * Idempotent for the same namespace (returns the same object).
   *
   * @param namespace namespace name
   * @param options namespace mTLS mode, istiod flow
   * @returns the namespace's authorization (add DENY/AUDIT or hand-written ALLOW policies to it)
   */
  public protectNamespace(namespace: string, options: ProtectNamespaceOptions = {}): MeshAuthorization {
    const path = this.node.path;
    checkOptions(path, 'options', 'ProtectNamespaceOptions', options, PROTECT_NAMESPACE_OPTIONS, true, false);
    validateDns1123Label(path, 'namespace', namespace);
    if (namespace === this.rootNamespace) {
      fail(path, 'namespace', namespace, `a namespace other than the Istio root namespace (${this.rootNamespace}): policies there apply mesh-wide`);
    }
    this.declareDataPlane(namespace, options);
    const existing = this.protectedNs.get(namespace);
    if (existing !== undefined && options.mode === undefined) {
      return existing;
    }
    if (options.mode !== undefined) {
      this.namespaceMtls(namespace, options.mode);
    }
    if (existing !== undefined) {
      return existing;
    }
    const authz = new MeshAuthorization(this, `authz-${namespace}`, {
      namespace,
      trustDomain: this.trustDomain,
      trustDomainAliases: this.trustDomains.slice(1),
    });
    this.protectedNs.set(namespace, authz);
    if (options.allowIstiod ?? this.allowIstiod) {
      // declared at synthesis for the namespaces with sidecars (contributeIstiodFlows): an ambient
      // namespace's pods never talk to istiod (ztunnel does)
      this.istiodNs.add(namespace);
    } else {
      this.noIstiodNs.add(namespace);
    }
    return authz;
  }

  /** Records the data plane and waypoint options of `protectNamespace`. */
  private declareDataPlane(namespace: string, options: ProtectNamespaceOptions): void {
    const path = this.node.path;
    if (options.dataPlane !== undefined) {
      if (!Object.values(DataPlane).includes(options.dataPlane)) {
        fail(path, 'options.dataPlane', options.dataPlane, 'DataPlane.SIDECAR (sidecar) or DataPlane.AMBIENT (ambient)');
      }
      const before = this.declaredPlane.get(namespace);
      if (before !== undefined && before !== options.dataPlane) {
        fail(path, 'options.dataPlane', options.dataPlane, `${before}, as namespace ${namespace} was protected with before (one data plane per namespace)`);
      }
      this.declaredPlane.set(namespace, options.dataPlane);
    }
    if (options.waypoint === false) {
      this.noWaypointNs.add(namespace);
    }
  }

  /**
   * The namespaces in the ambient data plane the mesh knows of, sorted: labelled
   * `istio.io/dataplane-mode: ambient` by a Namespace object of the chart (e.g. a
   * `ZeroTrustNamespace` with `dataPlane: DataPlane.AMBIENT`), or protected with
   * `dataPlane: DataPlane.AMBIENT`.
   */
  public get ambientNamespaces(): string[] {
    return this.ambientOf(this.scanChart().namespaces);
  }

  /**
   * The namespaces with sidecars the mesh knows of, sorted: those labelled for injection by a
   * Namespace object of the chart (`istio-injection: enabled`, or `istio.io/rev` without
   * `istio-injection`), `meshedNamespaces`, and the protected namespaces.
   */
  public get meshedNamespaces(): string[] {
    return this.planes().meshed;
  }

  /** The ambient and sidecar namespaces (`ambientNamespaces`, `meshedNamespaces`) from one walk of the chart. */
  private planes(scan = this.scanChart()): { ambient: string[]; meshed: string[] } {
    const ambient = this.ambientOf(scan.namespaces);
    const names = new Set<string>([...this.meshedNs, ...this.protectedNs.keys()]);
    for (const o of scan.namespaces) {
      if (isInjected(o)) names.add(o.metadata.name!);
    }
    names.delete(this.rootNamespace);
    const isAmbient = new Set(ambient);
    return { ambient, meshed: Array.from(names).filter((n) => !isAmbient.has(n)).sort() };
  }

  /** `ambientNamespaces` given the chart's named Namespace objects. */
  private ambientOf(namespaces: ApiObject[]): string[] {
    const names = new Set<string>();
    for (const [ns, plane] of this.declaredPlane) {
      if (plane === DataPlane.AMBIENT) names.add(ns);
    }
    for (const o of namespaces) {
      if (o.metadata.getLabel(DATAPLANE_MODE_LABEL) === 'ambient') {
        const declared = this.declaredPlane.get(o.metadata.name!);
        if (declared === DataPlane.SIDECAR) {
          fail(this.node.path, 'protectNamespace.options.dataPlane', declared,
            `the data plane the chart gives namespace ${o.metadata.name}: its Namespace ${o.node.path} is labelled istio.io/dataplane-mode: ambient`);
        }
        names.add(o.metadata.name!);
      }
    }
    return Array.from(names).sort();
  }

  /**
   * One walk of the chart (the render phase's, while current): its named Namespace objects (tree
   * order) and its first MeshCluster.
   */
  private scanChart(constructs: readonly IConstruct[] = Flows.of(this)._chartConstructs()): ChartMeshScan {
    // the render phase's kept walk is the same array for several readers: scanned once
    let scan = this.scans.get(constructs);
    if (scan === undefined) {
      scan = scanConstructs(constructs);
      this.scans.set(constructs, scan);
    }
    return scan;
  }

  /**
   * Declares the flow to istiod of every namespace with sidecars (called by `Flows` at
   * synthesis, before the flows are rendered).
   *
   * @param flows the chart's flows
   */
  private contributeIstiodFlows(flows: Flows): void {
    const sidecar = this.meshedNamespaces;
    const wanted = this.allowIstiod ? sidecar : sidecar.filter((ns) => this.istiodNs.has(ns));
    for (const ns of wanted) {
      if (!this.noIstiodNs.has(ns)) {
        this.allowIstiodFrom(ns, flows);
      }
    }
  }


  /**
   * Sets the namespace-wide mTLS mode (PeerAuthentication `default` in the namespace).
   *
   * @param namespace namespace name
   * @param mode the mode
   */
  public namespaceMtls(namespace: string, mode: MtlsMode): MtlsPolicy {
    validateDns1123Label(this.node.path, 'namespace', namespace);
    if (this.mtlsNs.has(namespace) || namespace === this.rootNamespace) {
      fail(this.node.path, 'namespace', namespace, 'a namespace whose mTLS mode is not set yet (one namespace-wide PeerAuthentication per namespace)');
    }
    const p = new MtlsPolicy(this, `mtls-${namespace}`, { namespace, name: 'default', mode });
    this.mtlsNs.add(namespace);
    return p;
  }

  /**
   * Sets the mTLS mode of one workload, optionally per port.
   *
   * @param workload the workload (with metadata.namespace)
   * @param options mode and port modes
   */
  public workloadMtls(workload: kplus.AbstractPod, options: WorkloadMtlsOptions = {}): MtlsPolicy {
    checkOptions(this.node.path, 'options', 'WorkloadMtlsOptions', options, WORKLOAD_MTLS_OPTIONS, true, false);
    checkArg(this.node.path, 'workload', workload, t.required(t.instanceOf('AbstractPod', () => kplus.AbstractPod)));
    return new MtlsPolicy(this, `mtls-${toKubeName([workload.node.path])}`, {
      workload,
      mode: options.mode,
      portModes: options.portModes,
    });
  }

  /**
   * Opts one workload of an ambient namespace out of the mesh: its pods are labelled
   * `istio.io/dataplane-mode: none`, so no ztunnel carries their traffic. They talk plaintext:
   * flows to or from them are admitted on the application port only (no HBONE 15008); no
   * AuthorizationPolicy is enforced for them (their flows get no ALLOW rule, and the namespace's
   * allow-nothing policy does not cover them: only NetworkPolicies do). Refused at synthesis: a
   * flow from an opted-out workload to a meshed pod (it has no mesh identity, and STRICT mTLS
   * refuses plaintext), an HTTP rule to one, and an opt-out outside an ambient namespace.
   *
   * @param workload a cdk8s-plus workload or pod in an ambient namespace of this chart
   * @returns the workload as a flow peer
   */
  public excludeWorkload(workload: kplus.AbstractPod): Peer {
    checkArg(this.node.path, 'workload', workload, t.required(t.instanceOf('AbstractPod', () => kplus.AbstractPod)));
    return this.excluded.add(workload);
  }

  /**
   * Declares a flow (delegates to `Flows.of(this).allow`): NetworkPolicies in the
   * ZeroTrustNamespaces of both ends, and an ALLOW rule if the destination namespace is protected.
   *
   * @param source the client
   * @param destination the server
   * @param options ports and HTTP methods/paths
   */
  public allow(source: IPeer, destination: IPeer, options: FlowOptions): Flow {
    return Flows.of(this).allow(source, destination, options);
  }

  private allowIstiodFrom(namespace: string, flows: Flows = Flows.of(this)): void {
    flows.allow(Peer.pods({}, { namespace, name: namespace }),
      Peer.pods(this.istiodLabels, { namespace: this.rootNamespace, name: 'istiod' }),
      { ports: [Port.tcp(15012)], description: 'sidecar configuration and certificates from istiod' });
  }

  /** The protected namespaces, sorted. */
  public get protectedNamespaces(): string[] {
    return Array.from(this.protectedNs.keys()).sort();
  }

  /**
   * Renders the ALLOW policies of the flows (called by `Flows` at synthesis).
   *
   * @param flows the chart's flows
   */
  private renderAuthorization(flows: Flows): void {
    const plan = this.ambientPlan;
    const planes = this.planes();
    const meshed = new Set([...planes.ambient, ...planes.meshed]);
    this.excluded.check(this.node.path, flows, new Set(planes.ambient), (ns) => meshed.has(ns));
    if (plan !== undefined) {
      plan.renderWaypoints(flows, (ns) => this.protectedNs.has(ns),
        (f) => sourceOf(this.node.path, f, this.trustDomains, this.unknownIdentity));
    }
    // through a waypoint: authorized there; to an opted-out pod: no ztunnel enforces anything
    renderFlowAuthorization(this.node.path, flows, this.protectedNs, this.trustDomains, this.unknownIdentity,
      plan === undefined ? undefined : (f) => plan.viaWaypoint(f) || this.excluded.toExcluded(f));
  }

  /**
   * Declares the HBONE hops (TCP 15008) of the flows with an ambient end, and the waypoints' flows
   * (called by `Flows` at synthesis, after every other contributor).
   */
  private contributeAmbientFlows(flows: Flows): void {
    const { ambient, meshed } = this.planes();
    if (ambient.length === 0) return;
    const plan = new AmbientPlan(this, {
      path: this.node.path,
      ambient: new Set(ambient),
      sidecar: new Set(meshed),
      noWaypoint: this.noWaypointNs,
      istiod: Peer.pods(this.istiodLabels, { namespace: this.rootNamespace, name: 'istiod' }),
      isProtected: (ns) => this.protectedNs.has(ns),
      excluded: this.excluded,
    });
    plan.contribute(flows);
    this.ambientPlan = plan;
  }
}

/** True if a Namespace object is labelled for sidecar injection (Istio's namespace rules). */
function isInjected(ns: ApiObject): boolean {
  const injection = ns.metadata.getLabel(INJECTION_LABEL);
  if (injection !== undefined) {
    return injection === 'enabled';
  }
  return ns.metadata.getLabel(REVISION_LABEL) !== undefined;
}

/** The named Namespace objects (tree order) and the first MeshCluster of a chart's walk. */
interface ChartMeshScan {
  readonly namespaces: ApiObject[];
  readonly cluster?: MeshCluster;
}

function scanConstructs(constructs: readonly IConstruct[]): ChartMeshScan {
  const namespaces: ApiObject[] = [];
  let cluster: MeshCluster | undefined;
  for (const o of constructs) {
    if (o instanceof ApiObject && o.kind === 'Namespace' && o.metadata.name !== undefined) namespaces.push(o);
    else if (cluster === undefined && o instanceof MeshCluster) cluster = o;
  }
  return { namespaces, cluster };
}
