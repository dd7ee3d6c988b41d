import { checkFlowNotAllowAll } from './allow-all-check';
import { mergePorts, peerKey, peerNamespace, strings } from './internal';
import { IPeer, Peer, PeerKind } from './peer';
import { FLOW_OPTIONS } from './props-specs';
import { Port } from '../core/port';
import { checkArgs, checkOptions, t } from '../core/props-check';
import { stableStringify } from '../core/strings';
import { fail, validateHttpMethod, validateHttpPath } from '../core/validate';

/**
 * An L7 (HTTP) restriction on a flow. NetworkPolicies ignore it (they are L4); the mesh renders
 * it into AuthorizationPolicy `to.operation`.
 */
export interface HttpMatch {
  /**
   * HTTP methods (uppercase), e.g. `['POST']`.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Paths: exact (`/api/payments`), prefix (`/api/*`), suffix (`*.json`) or `*`; no spaces, `?` or `#`
   * (Istio matches the path without query and fragment).
   *
   * @default - any path
   */
  readonly paths?: string[];
}

/**
 * Which policy layers a flow opens.
 */
export enum FlowLayers {
  /** Both layers: NetworkPolicies (L4) and, into a mesh-protected namespace, an ALLOW AuthorizationPolicy rule. */
  ALL = 'all',
  /**
   * NetworkPolicies only: no AuthorizationPolicy rule. For hops the mesh authorizes by another
   * identity, e.g. an east-west gateway in AUTO_PASSTHROUGH: the packets come from the gateway's
   * pods, but the AuthorizationPolicy sees the original caller's principal (allowed by that
   * caller's own flow). A network-only flow has no L7 restriction (`http`).
   */
  NETWORK_ONLY = 'networkOnly',
  /**
   * The mesh only: an ALLOW AuthorizationPolicy rule, no NetworkPolicy (the packets are already
   * admitted by another flow, e.g. a NETWORK_ONLY flow from a gateway).
   */
  MESH_ONLY = 'meshOnly',
}

/**
 * Options of a flow.
 */
export interface FlowOptions {
  /**
   * The ports the destination accepts for this flow (`Port.tcp(5432)`, `Port.tcpRange(8000, 8100)`,
   * `Port.named('http')`, `Port.udp(53)`, `Port.allTcp()`). Required and non-empty unless
   * `allPorts` is true: secure by default means the ports are explicit.
   */
  readonly ports: Port[];

  /**
   * Allow every port and protocol (then `ports` must be empty). Use sparingly.
   *
   * @default false
   */
  readonly allPorts?: boolean;

  /**
   * Accept `allPorts` with a peer that is every address (an ipBlock `/0` without except, or both
   * `/1` halves) or every namespace: such a flow opens everything in that direction (allow-all in
   * disguise, which the AdmissionGuardrails refuse from tenants), so it must be asked for.
   *
   * @default false
   */
  readonly allowEveryPeer?: boolean;

  /**
   * L7 restriction carried for the mesh (NetworkPolicies ignore it).
   *
   * @default - no L7 restriction
   */
  readonly http?: HttpMatch;

  /**
   * Which policy layers the flow opens.
   *
   * @default FlowLayers.ALL
   */
  readonly layers?: FlowLayers;

  /**
   * Why this flow exists (documentation; not rendered into names).
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * One declared flow: `source` may open connections to `destination` on `ports` (and, in the mesh,
 * with the `http` restriction). Made by `Flows.of(scope).allow(...)`.
 */
export class Flow {
  /**
   * Deterministic order of flows: by source, destination, then ports.
   *
   * @param a first flow
   * @param b second flow
   */
  public static compare(a: Flow, b: Flow): number {
    checkArgs('Flow.compare', ['a', a, t.required(t.instanceOf('Flow', () => Flow))], ['b', b, t.required(t.instanceOf('Flow', () => Flow))]);
    const ka = a.key;
    const kb = b.key;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }

  /**
   * A checked flow (declare flows with `Flows.of(scope).allow`).
   *
   * @param path construct path used in error messages
   * @param source the client end
   * @param destination the server end
   * @param options ports and L7 restriction
   * @internal
   */
  public static _create(path: string, source: IPeer, destination: IPeer, options: FlowOptions): Flow {
    return new Flow(path, source, destination, options);
  }

  /** The client end (validated where it was built). */
  public readonly source: Peer;

  /** The server end (validated where it was built). */
  public readonly destination: Peer;

  /** The destination ports, sorted, without duplicates (empty when `allPorts`). */
  public readonly ports: Port[];

  /** True if every port and protocol is allowed. */
  public readonly allPorts: boolean;

  /**
   * L7 restriction for the mesh.
   *
   * @default - none
   */
  public readonly http?: HttpMatch;

  /** Which policy layers the flow opens. */
  public readonly layers: FlowLayers;

  /**
   * Why this flow exists.
   *
   * @default - none
   */
  public readonly description?: string;

  private constructor(path: string, source: IPeer, destination: IPeer, options: FlowOptions) {
    const from = Peer._resolve(path, 'from', source);
    const to = Peer._resolve(path, 'to', destination);
    if (from.peerKind === PeerKind.IP_BLOCKS && to.peerKind === PeerKind.IP_BLOCKS) {
      fail(path, 'to', to.peerName, 'a pod or namespace peer: a flow between two IP blocks never enters the cluster');
    }
    if (options === undefined || options === null) {
      fail(path, 'options', options, 'flow options with ports (e.g. { ports: [Port.tcp(443)] })');
    }
    checkOptions(path, 'options', 'FlowOptions', options, FLOW_OPTIONS, false, false);
    const allPorts = options.allPorts ?? false;
    const ports = options.ports;
    if (!Array.isArray(ports)) {
      fail(path, 'ports', ports, 'a list of ports, e.g. [Port.tcp(5432)]');
    }
    ports.forEach((p, i) => {
      if (!(p instanceof Port)) {
        fail(path, `ports[${i}]`, p, 'a Port (Port.tcp(5432), Port.udp(53), Port.named("http"), ...)');
      }
    });
    if (allPorts && ports.length > 0) {
      fail(path, 'ports', ports.map((p) => p.toString()), 'an empty list when allPorts is true');
    }
    if (!allPorts && ports.length === 0) {
      fail(path, 'ports', [], 'at least one port (an empty allow would allow nothing), or allPorts: true');
    }
    const layers = options.layers ?? FlowLayers.ALL;
    if (!Object.values(FlowLayers).includes(layers)) {
      fail(path, 'layers', layers, 'FlowLayers.ALL (all), NETWORK_ONLY (networkOnly) or MESH_ONLY (meshOnly)');
    }
    const http = options.http;
    if (http !== undefined && layers === FlowLayers.NETWORK_ONLY) {
      fail(path, 'http', http, 'no L7 restriction on a NETWORK_ONLY flow (NetworkPolicies are L4): use FlowLayers.ALL or MESH_ONLY');
    }
    if (http !== undefined) {
      (http.methods ?? []).forEach((m, i) => validateHttpMethod(path, `http.methods[${i}]`, m));
      (http.paths ?? []).forEach((p, i) => validateHttpPath(path, `http.paths[${i}]`, p));
    }
    checkFlowNotAllowAll(path, from, to, allPorts, options.allowEveryPeer);
    this.source = from;
    this.destination = to;
    this.allPorts = allPorts;
    this.ports = mergePorts(ports);
    this.http = http === undefined ? undefined : {
      methods: http.methods ? Array.from(new Set(http.methods)).sort() : undefined,
      paths: http.paths ? Array.from(new Set(http.paths)).sort() : undefined,
    };
    this.layers = layers;
    this.description = options.description;
  }

  /**
   * The client end.
   *
   * @deprecated use `source` (`from` is a reserved word in Python); removed in the next release
   */
  public get from(): Peer {
    return this.source;
  }

  /**
   * The server end.
   *
   * @deprecated use `destination` (the pair of `source`); removed in the next release
   */
  public get to(): Peer {
    return this.destination;
  }

  /** True if the flow opens the NetworkPolicy layer (ALL or NETWORK_ONLY). */
  public get networkLayer(): boolean {
    return this.layers !== FlowLayers.MESH_ONLY;
  }

  /** True if the flow opens the mesh layer (ALL or MESH_ONLY). */
  public get meshLayer(): boolean {
    return this.layers !== FlowLayers.NETWORK_ONLY;
  }

  /**
   * The source's namespace, or the destination's for a relative pod source; undefined for IP
   * blocks, namespaces selected by labels, and when neither end has one.
   *
   * @internal
   */
  public get _fromNamespace(): string | undefined {
    return peerNamespace(this.source, this.destination);
  }

  /**
   * The destination's namespace, or the source's for a relative pod destination (as `_fromNamespace`).
   *
   * @internal
   */
  public get _toNamespace(): string | undefined {
    return peerNamespace(this.destination, this.source);
  }

  /**
   * A stable string identifying this flow (peers, ports, L7 rule), for sorting and de-duplication.
   */
  public get key(): string {
    const key = {
      from: peerKey(this.source),
      http: this.http,
      // only when not ALL: keys (and so the order of flows) of existing flows are unchanged
      layers: this.layers === FlowLayers.ALL ? undefined : this.layers,
      ports: this.allPorts ? '*' : this.ports.map((p) => p.toString()),
      to: peerKey(this.destination),
    };
    const http = this.http;
    if (http !== undefined && !((http.methods === undefined || strings(http.methods)) && (http.paths === undefined || strings(http.paths)))) {
      return stableStringify(key);
    }
    // stableStringify's text without its generic walk: members in sorted order, `http` made with
    // `methods` then `paths` (see the constructor), every value a string or a list of strings
    return JSON.stringify(key);
  }
}
