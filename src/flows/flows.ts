import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ChartScan } from './chart-scan';
import { Flow, FlowOptions } from './flow';
import { flowProofErrors } from './flow-proof-check';
import { afterRender, joinDeclaredDependencies } from './late-dependencies';
import { renderNetworkPolicies } from './network-policy-renderer';
import { IPeer, Peer } from './peer';
import { addOutputCheck } from '../core/output-checks';
import { checkArgs, t } from '../core/props-check';
import { isWriterChecking } from '../core/synthesis-scope';
import { fail, validateDns1123Label } from '../core/validate';

const FLOWS_ID = 'zero-trust-flows';

/**
 * Something that turns the flows of a chart into Kubernetes objects at synthesis time (the
 * NetworkPolicy renderer is built in; the mesh adds an AuthorizationPolicy renderer).
 */
export interface IFlowRenderer {
  /**
   * Called once, at synthesis, after every flow is declared. Create the objects under `flows`
   * (or any scope in the same chart).
   *
   * @param flows the chart's registry (read `flows.all`, `flows.managedNamespaces`)
   */
  renderFlows(flows: Flows): void;
}

/**
 * Something that declares flows late, at synthesis, once the chart is complete (e.g. the mesh
 * adds the flow to istiod of every namespace labelled for sidecar injection).
 */
export interface IFlowContributor {
  /**
   * Called once, at synthesis, before any renderer: may declare flows (`flows.allow`) and read
   * the chart.
   *
   * @param flows the chart's registry
   */
  contributeFlows(flows: Flows): void;
}

/**
 * The flow registry of a chart (one chart = one cluster): collects every declared flow and the
 * namespaces whose policies this chart manages, and renders NetworkPolicies at synthesis:
 * a `default-deny` per managed namespace, and for each flow the egress rule in the source's
 * namespace and the ingress rule in the destination's namespace, when that namespace is managed.
 *
 * Get it with `Flows.of(scope)`.
 */
export class Flows extends Construct {
  /**
   * The registry of the chart that contains `scope` (created on first use).
   *
   * @param scope any construct inside a cdk8s Chart
   */
  public static of(scope: IConstruct): Flows {
    checkArgs('Flows.of', ['scope', scope, t.required(t.construct())]);
    const chart = Chart.of(scope);
    const existing = chart.node.tryFindChild(FLOWS_ID);
    if (existing instanceof Flows) {
      return existing;
    }
    return new Flows(chart, FLOWS_ID);
  }

  /**
   * The registry of `chart`, if it has one (none is created).
   *
   * @param chart the chart
   * @internal
   */
  public static _find(chart: Chart): Flows | undefined {
    const existing = chart.node.tryFindChild(FLOWS_ID);
    return existing instanceof Flows ? existing : undefined;
  }

  private readonly _flows: Flow[] = [];
  private readonly _flowKeys = new Set<string>();
  private readonly _namespaces = new Set<string>();
  private readonly _renderers: IFlowRenderer[] = [];
  private readonly _contributors: IFlowContributor[] = [];
  private readonly _lateContributors: IFlowContributor[] = [];
  private _rendered = false;
  private _contributing = false;
  private _sorted?: Flow[];
  private _proof?: string[];
  /** The render phase's walk of the chart, while it runs (see chart-scan.ts). */
  private _scan?: ChartScan;

  private readonly _afterRender: Array<() => void> = [];
  private readonly _meshProxies: Array<{ namespace: string; labels: { [key: string]: string } }> = [];

  private constructor(chart: Chart, id: string) {
    super(chart, id);
    // The late-render phase. cdk8s has no prepare step, and the objects a chart's flows become
    // (how many, which names, held back or not) are known only once every flow is declared; cdk8s
    // runs the validations on every synthesis path (App.synth, App.synthYaml, Chart.toJson and so
    // Testing.synth) before it collects a chart's objects, so the registry renders from its own,
    // once, then proves the declared flows on the chart's objects (FlowProof). No cdk8s function
    // is replaced (see ARCHITECTURE.md).
    this.node.addValidation({
      validate: () => {
        this.render();
        // a writer (Fleet, HelmChart) proves the flows on the objects it writes (addOutputCheck)
        return isWriterChecking(chart.node.root) ? [] : this._proofErrors();
      },
    });
    addOutputCheck(chart, (objs) => {
      this.render();
      return flowProofErrors(this, objs);
    });
  }

  /**
   * Declares that `source` may open connections to `destination` on the given ports. Identical
   * flows are kept once.
   *
   * @param source the client end
   * @param destination the server end
   * @param options ports (required) and optional L7 restriction
   * @returns the flow
   */
  public allow(source: IPeer, destination: IPeer, options: FlowOptions): Flow {
    this.checkOpen('allow');
    const flow = Flow._create(this.node.path, source, destination, options);
    const key = flow.key;
    if (!this._flowKeys.has(key)) {
      this._flowKeys.add(key);
      this._flows.push(flow);
      this._sorted = undefined;
    }
    return flow;
  }

  /**
   * Declares that this chart manages the NetworkPolicies of a namespace: it gets a
   * `default-deny` policy (ingress and egress) and the rules of every flow that starts or ends
   * in it. Called by `ZeroTrustNamespace`; idempotent.
   *
   * @param name namespace name
   */
  public manageNamespace(name: string): void {
    checkArgs(this.node.path, ['name', name, t.required(t.str())]);
    this.checkOpen('manageNamespace');
    validateDns1123Label(this.node.path, 'namespace', name);
    this._namespaces.add(name);
  }

  /**
   * Adds a renderer, called once at synthesis after the NetworkPolicies are rendered.
   *
   * @param renderer the renderer
   */
  public addRenderer(renderer: IFlowRenderer): void {
    this.checkOpen('addRenderer');
    this._renderers.push(renderer);
  }

  /**
   * Adds a contributor, called once at synthesis before the flows are rendered (it may still
   * declare flows).
   *
   * @param contributor the contributor
   */
  public addContributor(contributor: IFlowContributor): void {
    this.checkOpen('addContributor');
    if (this._contributing) {
      fail(this.node.path, 'addContributor', 'addContributor', 'a call before synthesis: the contributors are running');
    }
    this._contributors.push(contributor);
  }

  /**
   * Registers a contributor that runs after every other contributor (it sees every declared flow
   * and may add flows derived from them).
   *
   * @param contributor the contributor
   * @internal
   */
  public _addLateContributor(contributor: IFlowContributor): void {
    this.checkOpen('addContributor');
    if (this._contributing) {
      fail(this.node.path, 'addContributor', 'addContributor', 'a call before synthesis: the contributors are running');
    }
    this._lateContributors.push(contributor);
  }

  /**
   * Every declared flow, without duplicates, in deterministic order (sorted by source,
   * destination and ports). (Named `all`, not `flows`: a member named like its class is renamed
   * in C#.)
   */
  public get all(): Flow[] {
    if (this._sorted === undefined) {
      // same order as Flow.compare, computing each key once (not twice per comparison)
      const keyed = this._flows.map((flow) => ({ flow, key: flow.key }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this._sorted = keyed.map((x) => x.flow);
    }
    // a copy: callers may not reorder the registry
    return [...this._sorted];
  }

  /**
   * The namespaces whose policies this chart manages, sorted.
   */
  public get managedNamespaces(): string[] {
    return Array.from(this._namespaces).sort();
  }

  /**
   * True if this chart manages the policies of the namespace.
   *
   * @param name namespace name
   */
  public isManaged(name: string): boolean {
    checkArgs(this.node.path, ['name', name, t.required(t.str())]);
    return this._namespaces.has(name);
  }

  /**
   * True once the flows have been rendered (at synthesis); no flow can be added after that.
   */
  public get rendered(): boolean {
    return this._rendered;
  }

  /**
   * Renders the flows now (called automatically at synthesis; idempotent): runs the
   * contributors, then renders the NetworkPolicies, then calls the renderers.
   */
  public render(): void {
    if (this._rendered || this._contributing) {
      return;
    }
    const chart = Chart.of(this);
    const walked = chart.node.findAll();
    const before = new Set(walked);
    const scan = new ChartScan(() => chart.node.findAll(), walked);
    this._scan = scan;
    try {
      this.runSteps(scan);
    } finally {
      this._scan = undefined;
    }
    const { declared, late } = afterRender(this.node.root, chart, before);
    joinDeclaredDependencies(declared, late);
  }

  /** The contributors, the NetworkPolicies, the renderers and the hooks, in order. */
  private runSteps(scan: ChartScan): void {
    this._contributing = true;
    try {
      for (const c of this._contributors) {
        scan.step(c, () => c.contributeFlows(this));
      }
      // after every contributor: they derive flows from the complete set (e.g. HBONE hops of ambient)
      for (const c of this._lateContributors) {
        scan.step(c, () => c.contributeFlows(this));
      }
    } finally {
      this._contributing = false;
    }
    this._rendered = true;
    // creates NetworkPolicies only: the scan stays current
    renderNetworkPolicies(this);
    for (const r of this._renderers) {
      scan.step(r, () => r.renderFlows(this));
    }
    scan.drop();
    for (const hook of this._afterRender) {
      hook();
    }
  }

  /**
   * The chart's constructs in pre-order, for readers of its Namespaces, workloads, Services and
   * MeshClusters: in the render phase, the phase's walk while it is current (see chart-scan.ts);
   * otherwise a new walk. Objects the library's marked steps created since (policies,
   * ServiceAccounts, waypoints) may be missing: do not read those from it.
   *
   * @internal
   */
  public _chartConstructs(): IConstruct[] {
    return this._scan?.constructs() ?? Chart.of(this).node.findAll();
  }

  /**
   * The proof of the declared flows on the chart's objects (see FlowProof), after rendering.
   * The chart checks, which synthesize the objects anyway, pass them (`objects`): the result is
   * kept for the registry's own validation, which reports it, in the same synthesis.
   *
   * @internal
   */
  public _proofErrors(objects?: any[]): string[] {
    this.render();
    const chart = Chart.of(this);
    if (objects !== undefined) {
      this._proof = flowProofErrors(this, objects);
      return [...this._proof];
    }
    const primed = this._proof;
    this._proof = undefined;
    return primed ?? flowProofErrors(this, chart.node.findAll()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
      .map((o) => o.toJson()));
  }

  /**
   * Runs `hook` at the end of the late-render phase, after every renderer (e.g. to annotate every
   * object of the chart, late ones included); at once if the flows are already rendered.
   *
   * @internal
   */
  public _onRendered(hook: () => void): void {
    if (this._rendered) {
      hook();
      return;
    }
    this._afterRender.push(hook);
  }

  /**
   * Declares pods that run an Istio proxy of their own without injection (a gateway istiod
   * deploys): the mesh counts flows from them as mTLS callers.
   *
   * @internal
   */
  public _addMeshProxy(namespace: string, labels: { [key: string]: string }): void {
    this._meshProxies.push({ namespace, labels: { ...labels } });
  }

  /**
   * True if `peer` (pods with labels, in `namespace`) selects pods declared with `_addMeshProxy`.
   *
   * @internal
   */
  public _isMeshProxy(peer: Peer, namespace: string | undefined): boolean {
    const labels = peer.podLabels;
    if (labels === undefined || namespace === undefined) return false;
    return this._meshProxies.some((p) => p.namespace === namespace && Object.keys(p.labels).length > 0
      && Object.entries(p.labels).every(([k, v]) => labels[k] === v));
  }

  private checkOpen(what: string): void {
    if (this._rendered) {
      fail(this.node.path, what, what, 'a call before synthesis: the flows of this chart are already rendered');
    }
  }
}
