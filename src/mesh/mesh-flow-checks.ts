/**
 * The flow checks of MtlsMesh (internal; see MeshChecks).
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isChartBeingWritten } from '../core/synthesis-scope';
import { ValidationError } from '../core/validation-error';
import { Flow } from '../flows/flow';
import { Flows } from '../flows/flows';
import { PeerKind } from '../flows/peer';

/** A chart that opted out of the flow checks keeps the reason here (see MeshChecks.optOut): state on the chart, not in a module map. */
const OPT_OUT = Symbol.for('cdk8s-zero-trust.MeshChecks.opt-out');

/** Records that `chart` opted out of the flow checks, and why (a later call replaces the reason). */
export function setMeshChecksOptOut(chart: Chart, reason: string): void {
  Object.defineProperty(chart, OPT_OUT, { value: reason, enumerable: false, configurable: true });
}

/** The reason `chart` opted out of the flow checks, or undefined. */
export function meshChecksOptOut(chart: Chart): string | undefined {
  return (chart as any)[OPT_OUT];
}
const INJECTION_LABEL = 'istio-injection';
const REVISION_LABEL = 'istio.io/rev';

/** What the checks need to know of the chart's MtlsMesh. */
export interface MeshFacts {
  readonly path: string;
  readonly trustDomain: string;
  readonly rootNamespace: string;
  readonly protectedNamespaces: string[];
  /** Namespaces declared to have sidecars (`meshedNamespaces`). */
  readonly declaredMeshed: string[];
  /** Namespaces in the ambient data plane (ztunnel enforces their policies and mTLS). */
  readonly ambientNamespaces: string[];
}

/** The chart's Namespace objects' labels, by name, and its rendered PeerAuthentications (JSON), from a walk of the chart. */
function meshObjects(constructs: readonly IConstruct[]): { labels: Map<string, { [key: string]: string }>; pas: any[] } {
  const labels = new Map<string, { [key: string]: string }>();
  const pas: any[] = [];
  for (const o of constructs) {
    if (!(o instanceof ApiObject)) continue;
    if (o.kind === 'Namespace' && o.apiVersion === 'v1') labels.set(o.metadata.name ?? '', o.toJson().metadata?.labels ?? {});
    else if (o.kind === 'PeerAuthentication') pas.push(o.toJson());
  }
  return { labels, pas };
}

/** True if plaintext reaches `port` of a sidecar in `ns`: the effective mode there is not STRICT. */
function acceptsPlaintext(pas: any[], root: string, ns: string, port: number | undefined): boolean {
  const modeOf = (p: any) => p?.spec?.mtls?.mode;
  const meshWide = pas.find((p) => p.metadata?.namespace === root && !p.spec?.selector);
  const nsWide = pas.find((p) => p.metadata?.namespace === ns && !p.spec?.selector);
  const effective = [modeOf(nsWide), modeOf(meshWide)].find((m) => m !== undefined && m !== 'UNSET') ?? 'PERMISSIVE';
  if (effective !== 'STRICT') return true;
  // a workload policy of the namespace that accepts plaintext on the port (selectors not compared: lenient)
  return pas.some((p) => p.metadata?.namespace === ns && p.spec?.selector
    && (['PERMISSIVE', 'DISABLE'].includes(modeOf(p))
      || (port !== undefined && ['PERMISSIVE', 'DISABLE'].includes(p.spec?.portLevelMtls?.[String(port)]?.mode))));
}

function describe(f: Flow): string {
  const ports = f.allPorts ? 'all ports' : f.ports.map((p) => p.toString()).join(', ');
  return `${f.source.peerName} -> ${f.destination.peerName} (${ports})${f.description ? ` "${f.description}"` : ''}`;
}

/**
 * Whether the flow checks run for `chart` now: it did not opt out, it is being written (Fleet and
 * HelmChart write one chart at a time) and it has flows.
 *
 * @param chart the MtlsMesh's chart
 */
export function meshFlowChecksApply(chart: Chart): boolean {
  return meshChecksOptOut(chart) === undefined && isChartBeingWritten(chart.node.root, chart)
    && Flows._find(chart) !== undefined;
}

/**
 * The errors of the chart's flows as the mesh enforces them (reads the rendered objects: the
 * caller renders the flows first, when `meshFlowChecksApply`, and walks the chart after).
 *
 * @param scope the MtlsMesh
 * @param facts the mesh's settings
 * @param constructs the chart's constructs, walked after the flows were rendered
 */
export function meshFlowErrors(scope: IConstruct, facts: MeshFacts, constructs: readonly IConstruct[]): string[] {
  const chart = Chart.of(scope);
  if (!meshFlowChecksApply(chart)) return [];
  const flows = Flows._find(chart)!;
  flows.render();
  const { labels, pas } = meshObjects(constructs);
  const isProtected = new Set(facts.protectedNamespaces);
  /** true / false when the chart says whether the namespace has sidecars; undefined when it cannot tell. */
  const hasSidecars = (ns: string): boolean | undefined => {
    if (facts.declaredMeshed.includes(ns) || facts.ambientNamespaces.includes(ns)) return true;
    const l = labels.get(ns);
    if (l === undefined) return undefined;
    return l[INJECTION_LABEL] !== undefined ? l[INJECTION_LABEL] === 'enabled' : l[REVISION_LABEL] !== undefined;
  };
  const errors: string[] = [];
  const err = (f: Flow, value: string, expected: string) =>
    errors.push(new ValidationError({ path: facts.path, field: `flows[${describe(f)}]`, value, expected }).message);
  for (const f of flows.all.filter((x) => x.meshLayer)) {
    const dst = f._toNamespace;
    if (dst === undefined) continue;
    const l7 = (f.http?.methods?.length ?? 0) + (f.http?.paths?.length ?? 0) > 0;
    if (l7 && !isProtected.has(dst)) {
      err(f, `http rule into namespace ${dst} (not protected by the mesh)`,
        `an L7 rule something enforces: HTTP methods and paths are enforced only by the destination's sidecar AuthorizationPolicy, and namespace ${dst} `
        + `has none, so the NetworkPolicy opens the whole port. Fix: mesh.protectNamespace('${dst}') (with sidecar injection), or drop http`);
    }
    const dstSidecars = hasSidecars(dst);
    if (isProtected.has(dst) && dstSidecars === false) {
      err(f, `AuthorizationPolicy in namespace ${dst} (no sidecars)`,
        'a protected namespace with sidecars: nothing enforces AuthorizationPolicies in a namespace that is not labelled for injection. '
        + `Fix: istioInjection: true on ZeroTrustNamespace ${dst} (or list it in MtlsMesh meshedNamespaces if its pods get sidecars another way)`);
    }
    if (dstSidecars !== true) continue;
    const src = f.source.peerKind === PeerKind.IP_BLOCKS ? undefined : f._fromNamespace;
    // a caller is in the mesh only if the chart knows its namespace has sidecars (or it is a gateway of the root namespace)
    const outside = f.source.peerKind === PeerKind.IP_BLOCKS
      || (src !== undefined && src !== facts.rootNamespace && hasSidecars(src) !== true && !flows._isMeshProxy(f.source, src));
    const ports = f.allPorts ? [undefined] : f.ports.map((p) => p.portNumber);
    if (outside && ports.some((p) => !acceptsPlaintext(pas, facts.rootNamespace, dst, p))) {
      err(f, `caller ${f.source.peerName} outside the mesh`,
        `a caller the destination's sidecar accepts: namespace ${dst} has sidecars under STRICT mTLS, which refuse the plaintext of a caller without a sidecar, `
        + 'so the flow synthesizes but never connects (blocking layer: Istio PeerAuthentication). Fix: put the caller in the mesh (istioInjection on its namespace, '
          + 'or MtlsMesh meshedNamespaces if its pods get sidecars another way), '
        + 'or accept plaintext on exactly that port (mesh.workloadMtls(workload, { portModes: [{ port, mode: MtlsMode.PERMISSIVE }] }))');
    }
  }
  return errors;
}
