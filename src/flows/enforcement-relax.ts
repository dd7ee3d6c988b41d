/**
 * AUDIT relaxations of objects that ENFORCE emits enforcing (not exported from the package index):
 * the AUDIT build must neither break nor enforce what ENFORCE enforces (review finding 6), so a
 * mesh-wide STRICT PeerAuthentication becomes PERMISSIVE, a namespace's Pod Security `enforce`
 * level `privileged` (with `audit`/`warn` at the enforced level), a Sidecar's outbound policy
 * ALLOW_ANY, a ResourceQuota constrains nothing and a LimitRange sets no default limit. Each relaxation is recorded with
 * `Enforcement.holdBack` (the enforced object as its manifest), so the EnforcementReport lists it
 * and puts the enforced form back when it computes what enforcing would block.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Enforcement } from './enforcement';
import { Flows } from './flows';
import { EnforcementMode } from '../core/enforcement';

/** The reason prefix of a relaxation in the report (a held-back entry whose object is still emitted, relaxed). */
export const RELAXED_PREFIX = 'relaxed in AUDIT';

/** One field an AUDIT build changes: a JSON pointer into the object and its AUDIT value. */
export interface AuditRelaxation {
  /** JSON pointer (RFC 6901), e.g. `/spec/mtls/mode`. */
  readonly path: string;
  /** The AUDIT value (ignored with `remove`). */
  readonly value?: any;
  /** Remove the field in AUDIT instead of setting it. */
  readonly remove?: boolean;
}

/** JSON pointer segment escaping (`/` in label keys). */
export function pointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * At synthesis, if `scope` resolves to AUDIT (for `namespace`, when given), patches `obj` with the
 * relaxations and records it as relaxed (the enforced object is the record's manifest). ENFORCE
 * output is untouched.
 *
 * @param scope the construct whose mode decides (the one that emits `obj`)
 * @param obj the object
 * @param what what is relaxed, for the report (e.g. `mTLS STRICT -> PERMISSIVE`)
 * @param relaxations the fields and their AUDIT values
 * @param namespace the namespace whose mode applies (default: `obj`'s namespace)
 */
export function relaxInAudit(scope: IConstruct, obj: ApiObject, what: string, relaxations: AuditRelaxation[], namespace?: string): void {
  Flows.of(scope)._onRendered(() => {
    const ns = namespace ?? obj.metadata.namespace;
    if (Enforcement.resolve(scope, ns === undefined ? {} : { namespace: ns }) !== EnforcementMode.AUDIT) return;
    const enforced = obj.toJson();
    for (const r of relaxations) obj.addJsonPatch(r.remove === true ? JsonPatch.remove(r.path) : JsonPatch.add(r.path, r.value));
    Enforcement.holdBack(scope, {
      namespace: ns ?? '*',
      kind: obj.kind,
      name: obj.name,
      reason: `${RELAXED_PREFIX}: ${what}`,
      manifest: enforced,
    });
  });
}

/**
 * An Istio PeerAuthentication whose mode is STRICT is PERMISSIVE in AUDIT (Istio's own migration
 * starts there: plaintext clients still connect).
 *
 * @param scope the construct whose mode decides
 * @param strict whether the policy's mode is STRICT (otherwise nothing changes)
 * @param peerAuthentication the object
 */
export function relaxStrictMtls(scope: IConstruct, strict: boolean, peerAuthentication: ApiObject): void {
  if (!strict) return;
  relaxInAudit(scope, peerAuthentication, 'mTLS STRICT -> PERMISSIVE (plaintext clients still accepted)', [{ path: '/spec/mtls/mode', value: 'PERMISSIVE' }]);
}

/**
 * A value read at synthesis time outside a chart's objects (e.g. the IstioOperator input): the
 * relaxed value if `scope` resolves to AUDIT, recorded as relaxed; else the enforced value.
 *
 * @param scope the construct whose mode decides
 * @param enforced the ENFORCE value
 * @param relaxed the AUDIT value
 * @param record what the report lists (kind, name, what is relaxed)
 */
export function auditValue<T>(scope: IConstruct, enforced: T, relaxed: T, record: { kind: string; name: string; what: string }): T {
  if (enforced === relaxed || Enforcement.resolve(scope) !== EnforcementMode.AUDIT) return enforced;
  Enforcement.holdBack(scope, { namespace: '*', kind: record.kind, name: record.name, reason: `${RELAXED_PREFIX}: ${record.what}`, manifest: { enforced } });
  return relaxed;
}

/**
 * A LimitRange's default container limits (`spec.limits[i].default`) are left out in AUDIT; the
 * default requests stay. The LimitRanger admission plugin fills a missing limit with the default
 * without checking it against the container's own request, so a container that requests more
 * than the default limit and sets no limit is rejected (`must be less than or equal to cpu
 * limit`), and a memory limit a workload never had OOM-kills it: both break. A default request
 * rejects nothing (a container with a limit and no request gets the limit as its request
 * first). A LimitRange with `min`, `max` or `maxLimitRequestRatio` rejects pods too: none is
 * emitted, and these would be relaxed here as well.
 *
 * @param scope the construct whose mode decides
 * @param limitRange the object
 * @param indexes the positions in `spec.limits` of the entries with a `default`
 * @param namespace the namespace whose mode applies
 */
export function relaxLimitRangeDefaults(scope: IConstruct, limitRange: ApiObject, indexes: number[], namespace: string): void {
  if (indexes.length === 0) return;
  relaxInAudit(scope, limitRange, 'no default limits (spec.limits[].default removed; default requests kept): a request above a default limit is rejected, a new memory limit OOM-kills',
    indexes.map((i) => ({ path: `/spec/limits/${i}/default`, remove: true })), namespace);
}

/**
 * An object that exposes what the namespace's held-back NetworkPolicies would guard is not
 * emitted in AUDIT: removed from the tree at render and recorded as held back (its manifest is
 * the object ENFORCE emits). ENFORCE output is untouched.
 *
 * @param scope the construct whose mode decides
 * @param obj the object (removed from its parent in AUDIT)
 * @param reason why, for the report
 * @param namespace the namespace whose mode applies (default: `obj`'s namespace)
 */
export function holdBackInAudit(scope: IConstruct, obj: ApiObject, reason: string, namespace?: string): void {
  Flows.of(scope)._onRendered(() => {
    const ns = namespace ?? obj.metadata.namespace;
    if (Enforcement.resolve(scope, ns === undefined ? {} : { namespace: ns }) !== EnforcementMode.AUDIT) return;
    const manifest = obj.toJson();
    obj.node.scope?.node.tryRemoveChild(obj.node.id);
    Enforcement.holdBack(scope, { namespace: ns ?? '*', kind: obj.kind, name: obj.name, reason, manifest });
  });
}
