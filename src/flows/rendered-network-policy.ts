import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { finalToJson } from '../core/final-json';

/**
 * A NetworkPolicy the flow renderer built from plain data (internal): a `KubeNetworkPolicy`
 * whose `toJson()` copies its spec with sorted keys instead of resolving and converting it (the
 * same JSON, see `core/final-json.ts`); with a JSON patch or an app resolver of its own, cdk8s's
 * path runs as for any `KubeNetworkPolicy`.
 */
export class RenderedNetworkPolicy extends k8s.KubeNetworkPolicy {
  private readonly spec: k8s.NetworkPolicySpec | undefined;
  private patched = false;

  constructor(scope: Construct, id: string, props: k8s.KubeNetworkPolicyProps) {
    super(scope, id, props);
    this.spec = props.spec;
  }

  /** Adds JSON patches (cdk8s's path renders the object from then on). */
  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  /** The Kubernetes JSON, as `KubeNetworkPolicy` renders it. */
  public toJson(): any {
    return finalToJson(this, this.patched, k8s.toJson_ObjectMeta, { spec: this.spec }) ?? super.toJson();
  }
}
