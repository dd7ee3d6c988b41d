import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { OutboundTrafficPolicy } from './istio-multi-cluster';
import { MESH_SIDECAR_PROPS } from './props-specs';
import { Names } from '../core/names';
import { fail, validateDns1123Label } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { relaxInAudit } from '../flows/enforcement-relax';
import { Flow } from '../flows/flow';
import { Flows } from '../flows/flows';
import { PeerKind } from '../flows/peer';
import { Sidecar, SidecarSpecOutboundTrafficPolicyMode } from '../imports/networking.istio.io';

/**
 * Properties of a {@link MeshSidecar}.
 */
export interface MeshSidecarProps {
  /**
   * The namespace whose sidecars this configures.
   */
  readonly namespace: string;

  /**
   * Hosts the sidecars may reach, as `<namespace>/<dns name>`: `./*` (own namespace),
   * `istio-system/*`, `shop/payment.shop.svc.cluster.local`; namespace `*` means any namespace.
   * The own namespace and the root namespace are always included.
   *
   * @default - the own and root namespaces, plus those from flows (see `fromFlows`)
   */
  readonly hosts?: string[];

  /**
   * Add `<namespace>/*` for every namespace a flow from this namespace goes to; a flow to the
   * cluster DNS (`Peer.dns()`) on port 53 only adds the `kube-dns` Service alone
   * (`kube-system/kube-dns.kube-system.svc.cluster.local`: UDP DNS bypasses Envoy, DNS over TCP
   * needs only that Service in the proxy's registry).
   *
   * @default true
   */
  readonly fromFlows?: boolean;

  /**
   * The outbound traffic policy of these sidecars.
   *
   * @default OutboundTrafficPolicy.REGISTRY_ONLY
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;

  /**
   * The Istio root namespace (always reachable: istiod).
   *
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
}

/**
 * A namespace-wide Istio `Sidecar` (named `default`): limits the sidecars' egress to declared
 * hosts (and, with `fromFlows`, the namespaces the chart's flows go to), with outbound traffic
 * policy REGISTRY_ONLY, so a compromised workload cannot reach hosts the mesh does not know.
 */
export class MeshSidecar extends Construct {
  /** The namespace. */
  public readonly namespace: string;

  private readonly hosts: string[];
  private readonly fromFlows: boolean;
  private readonly policy: OutboundTrafficPolicy;
  private readonly rootNamespace: string;

  /**
   * @param scope parent
   * @param id construct id
   * @param props namespace, hosts, outbound traffic policy
   */
  constructor(scope: Construct, id: string, props: MeshSidecarProps) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'MeshSidecarProps', props, MESH_SIDECAR_PROPS);
    if (props === undefined || props === null) {
      fail(path, 'props', props, 'MeshSidecarProps with a namespace');
    }
    validateDns1123Label(path, 'namespace', props.namespace);
    this.rootNamespace = props.rootNamespace ?? 'istio-system';
    validateDns1123Label(path, 'rootNamespace', this.rootNamespace);
    if (props.hosts !== undefined && !Array.isArray(props.hosts)) {
      fail(path, 'hosts', props.hosts, 'a list of <namespace>/<dns name> hosts');
    }
    (props.hosts ?? []).forEach((h, i) => {
      if (!isSidecarHost(h)) {
        fail(path, `hosts[${i}]`, h,
          'a host <namespace>/<dns name>: namespace \'.\', \'*\', \'~\' or a namespace name; dns name \'*\', \'*.<domain>\' or a DNS name (e.g. ./*, istio-system/*, */api.example.com)');
      }
    });
    this.policy = props.outboundTrafficPolicy ?? OutboundTrafficPolicy.REGISTRY_ONLY;
    if (!Object.values(OutboundTrafficPolicy).includes(this.policy)) {
      fail(path, 'outboundTrafficPolicy', this.policy, 'REGISTRY_ONLY or ALLOW_ANY');
    }
    this.namespace = props.namespace;
    this.hosts = [...(props.hosts ?? [])];
    this.fromFlows = props.fromFlows ?? true;
    // created now, as cdk8s-plus does; its hosts are read from the flows at synthesis
    const flows = Flows.of(this);
    const sidecar = new Sidecar(this, 'Resource', {
      metadata: { name: 'default', namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.renderSpec(flows) }),
    });
    if (this.policy === OutboundTrafficPolicy.REGISTRY_ONLY) relaxInAudit(this, sidecar, 'outboundTrafficPolicy REGISTRY_ONLY -> ALLOW_ANY', [{ path: '/spec/outboundTrafficPolicy/mode', value: 'ALLOW_ANY' }]);
  }

  /** The Sidecar's spec, once every flow is known. */
  private renderSpec(flows: Flows): any {
    const hosts = new Set<string>(['./*', `${this.rootNamespace}/*`, ...this.hosts]);
    if (this.fromFlows) {
      for (const f of flows.all) {
        const src = f.source;
        const fromNs = src.namespace ?? (src.peerKind === PeerKind.PODS && src.namespaceLabels === undefined ? f.destination.namespace : undefined);
        if (fromNs !== this.namespace || f.destination.peerKind === PeerKind.IP_BLOCKS) {
          continue;
        }
        const toNs = f.destination.namespace ?? (f.destination.namespaceLabels === undefined ? this.namespace : undefined);
        if (toNs !== undefined && toNs !== this.namespace) {
          hosts.add(dnsOnly(f) ? `${toNs}/kube-dns.${toNs}.svc.cluster.local` : `${toNs}/*`);
        }
      }
    }
    return {
      egress: [{ hosts: Array.from(hosts).sort() }],
      outboundTrafficPolicy: {
        mode: this.policy === OutboundTrafficPolicy.ALLOW_ANY
          ? SidecarSpecOutboundTrafficPolicyMode.ALLOW_UNDERSCORE_ANY
          : SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY,
      },
    };
  }
}

/**
 * A flow to the cluster DNS on port 53 only. Its Sidecar host is the DNS Service alone, not the
 * DNS namespace: UDP DNS bypasses the sidecar (Istio redirects only TCP, or, with DNS capture, the
 * agent's DNS proxy answers and forwards outside Envoy); only DNS over TCP without DNS capture
 * goes through Envoy to the `kube-dns` Service, which REGISTRY_ONLY would otherwise blackhole.
 */
function dnsOnly(f: Flow): boolean {
  return f.destination.peerKind === PeerKind.PODS && f.destination.peerName === 'dns' && !f.allPorts
    && f.ports.length > 0 && f.ports.every((p) => p.portNumber === 53 && p.endPort === undefined);
}

function isSidecarHost(h: unknown): boolean {
  if (typeof h !== 'string') {
    return false;
  }
  const parts = h.split('/');
  if (parts.length !== 2) {
    return false;
  }
  const [ns, dns] = parts;
  const nsOk = ns === '.' || ns === '*' || ns === '~' || Names.isDns1123Label(ns);
  const dnsOk = dns === '*' || Names.isHostname(dns, true);
  return nsOk && dnsOk;
}
