import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { finalToJson } from '../core/final-json';
import { AuthorizationPolicy, AuthorizationPolicyProps, AuthorizationPolicySpec } from '../imports/security.istio.io';

/** Istio's L1 keeps the metadata as cdk8s renders it. */
const keepMetadata = (m: any): any => m;

/**
 * An AuthorizationPolicy our renderers built from plain data (internal): an `AuthorizationPolicy`
 * whose `toJson()` copies its spec with sorted keys instead of resolving and converting it (the
 * same JSON, see `core/final-json.ts`); with a JSON patch or an app resolver of its own, cdk8s's
 * path runs as for any `AuthorizationPolicy`.
 */
export class RenderedAuthorizationPolicy extends AuthorizationPolicy {
  private readonly spec: AuthorizationPolicySpec | undefined;
  private patched = false;

  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    super(scope, id, props);
    this.spec = props.spec;
  }

  /** Adds JSON patches (cdk8s's path renders the object from then on). */
  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  /** The Kubernetes JSON, as `AuthorizationPolicy` renders it. */
  public toJson(): any {
    return finalToJson(this, this.patched, keepMetadata, { spec: this.spec }) ?? super.toJson();
  }
}
