/**
 * Workloads of ambient namespaces opted out of the mesh with `istio.io/dataplane-mode: none`
 * (internal; used by MtlsMesh). Such a pod has no ztunnel: it talks plaintext, so
 * - flows to or from it carry the application port only, never HBONE (15008);
 * - no AuthorizationPolicy is enforced for it (there is no ztunnel in its path), so its flows get
 *   no ALLOW rule and the namespace's allow-nothing policy does not cover it either: only its
 *   NetworkPolicies protect it;
 * - it has no mesh identity: a flow from it to a meshed pod (ambient or sidecar) is refused at
 *   synthesis (STRICT mTLS refuses its plaintext, and no identity-based ALLOW can match it);
 * - an HTTP rule to it is refused (neither ztunnel nor a waypoint enforces it).
 */
import * as kplus from 'cdk8s-plus-27';
import { DATAPLANE_MODE_LABEL } from '../core/ambient';
import { fail } from '../core/validate';
import { Flow } from '../flows/flow';
import { Flows } from '../flows/flows';
import { Peer, PeerKind } from '../flows/peer';

const subset = (sel: { [k: string]: string }, labels: { [k: string]: string }): boolean =>
  Object.keys(sel).every((k) => labels[k] === sel[k]);

/** The workloads opted out of ambient. */
export class AmbientExclusions {
  private readonly peers: Peer[] = [];

  /** Labels the workload's pods `istio.io/dataplane-mode: none` and records it. */
  public add(workload: kplus.AbstractPod): Peer {
    workload.podMetadata.addLabel(DATAPLANE_MODE_LABEL, 'none');
    const peer = Peer.workload(workload);
    this.peers.push(peer);
    return peer;
  }

  /** True if the workloads were opted out. */
  public get empty(): boolean {
    return this.peers.length === 0;
  }

  /** True if `peer` (in namespace `ns`) selects only opted-out pods. */
  public has(peer: Peer, ns: string | undefined): boolean {
    if (peer.peerKind !== PeerKind.PODS || ns === undefined) return false;
    const labels = peer.podLabels ?? {};
    if (labels[DATAPLANE_MODE_LABEL] === 'none') return true;
    return this.peers.some((e) => e.namespace === ns && subset(e.podLabels ?? {}, labels));
  }

  /**
   * Refuses what Istio cannot do with opted-out pods: an opt-out outside an ambient namespace,
   * a flow from one to a meshed pod, an HTTP rule to one.
   *
   * @param meshed whether a namespace's pods are in the mesh (ambient or sidecar)
   */
  public check(path: string, flows: Flows, ambient: Set<string>, meshed: (ns: string) => boolean): void {
    for (const p of this.peers) {
      if (!ambient.has(p.namespace ?? '')) {
        fail(path, 'excludeWorkload', `${p.namespace}/${p.peerName}`,
          `a workload of an ambient namespace: ${DATAPLANE_MODE_LABEL}: none opts a pod out of ambient, and namespace ${p.namespace} is not ambient`);
      }
    }
    for (const f of flows.all) {
      const src = f.source.peerKind === PeerKind.IP_BLOCKS ? undefined : f._fromNamespace;
      const dst = f._toNamespace;
      const field = `flows[${f.source.peerName} -> ${f.destination.peerName}]`;
      if (this.has(f.source, src) && dst !== undefined && meshed(dst) && !this.has(f.destination, dst)) {
        fail(path, field, `${src}/${f.source.peerName}`,
          `a source in the mesh: ${f.source.peerName} is opted out of ambient (${DATAPLANE_MODE_LABEL}: none), so it talks plaintext with no mesh identity, `
          + `which the STRICT mTLS of ${dst} refuses and no identity-based ALLOW can match. Fix: keep it in ambient (no excludeWorkload)`);
      }
      if (this.has(f.destination, dst) && ((f.http?.methods?.length ?? 0) + (f.http?.paths?.length ?? 0)) > 0) {
        fail(path, `${field}.http`, JSON.stringify(f.http),
          `no HTTP rule: ${f.destination.peerName} is opted out of ambient (${DATAPLANE_MODE_LABEL}: none), so neither ztunnel nor a waypoint enforces one. Fix: drop http, or keep it in ambient`);
      }
    }
  }

  /** True if the flow's destination is opted out (no ztunnel enforces an AuthorizationPolicy for it). */
  public toExcluded(f: Flow): boolean {
    return this.has(f.destination, f._toNamespace);
  }

  /** True if either end of the flow is opted out (no HBONE on the pair). */
  public touches(f: Flow): boolean {
    const src = f.source.peerKind === PeerKind.IP_BLOCKS ? undefined : f._fromNamespace;
    return this.has(f.source, src) || this.toExcluded(f);
  }
}
