import * as kplus from 'cdk8s-plus-27';
import { checkTrustDomain } from './internal';
import { checkArgs, t } from '../core/props-check';
import { fail, validateDns1123Label, validateDns1123Subdomain } from '../core/validate';

/**
 * A workload identity in the mesh: a service account in a namespace. Its SPIFFE principal, as
 * AuthorizationPolicy matches it, is `<trust-domain>/ns/<namespace>/sa/<serviceAccount>`.
 *
 * Build it from what you have (`MeshIdentity.fromServiceAccount(sa)`,
 * `MeshIdentity.fromWorkload(deployment)`) rather than typing principals by hand.
 */
export class MeshIdentity {
  /**
   * The identity of a service account, by name.
   *
   * @param namespace namespace of the service account
   * @param serviceAccountName name of the service account
   */
  public static of(namespace: string, serviceAccountName: string): MeshIdentity {
    validateDns1123Label('MeshIdentity.of', 'namespace', namespace);
    validateDns1123Subdomain('MeshIdentity.of', 'serviceAccountName', serviceAccountName);
    return new MeshIdentity(namespace, serviceAccountName);
  }

  /**
   * The identity of a cdk8s-plus service account. Its namespace is `metadata.namespace`
   * (or the namespace given when it was imported).
   *
   * @param serviceAccount the service account
   * @param namespace namespace to use when the service account has none
   * @default namespace - the service account's namespace (required if it has none)
   */
  public static fromServiceAccount(serviceAccount: kplus.IServiceAccount, namespace?: string): MeshIdentity {
    checkArgs('MeshIdentity.fromServiceAccount', ['namespace', namespace, t.str()]);
    const path = 'MeshIdentity.fromServiceAccount';
    if (serviceAccount === undefined || serviceAccount === null || typeof serviceAccount.name !== 'string') {
      fail(path, 'serviceAccount', String(serviceAccount), 'a cdk8s-plus ServiceAccount');
    }
    const ns = namespaceOfServiceAccount(serviceAccount) ?? namespace;
    if (ns === undefined) {
      fail(path, 'namespace', undefined,
        `the namespace of service account ${JSON.stringify(serviceAccount.name)}: set its metadata.namespace or pass the namespace`);
    }
    return MeshIdentity.of(ns, serviceAccount.name);
  }

  /**
   * The identity a cdk8s-plus workload (or pod) runs as: its service account in its namespace.
   *
   * Fails if the workload runs as the namespace's `default` service account: every pod of the
   * namespace that sets no service account shares that identity, so an allow for it is an allow
   * for the whole namespace. Give the workload a dedicated `serviceAccount`.
   *
   * @param workload the workload or pod
   * @param namespace namespace to use when the workload has none
   * @default namespace - the workload's `metadata.namespace` (required if it has none)
   */
  public static fromWorkload(workload: kplus.AbstractPod, namespace?: string): MeshIdentity {
    checkArgs('MeshIdentity.fromWorkload', ['namespace', namespace, t.str()]);
    const path = 'MeshIdentity.fromWorkload';
    if (!(workload instanceof kplus.AbstractPod)) {
      fail(path, 'workload', String(workload), 'a cdk8s-plus workload or pod (kplus.AbstractPod)');
    }
    const sa = workload.serviceAccount;
    if (sa === undefined || sa.name === 'default') {
      fail(workload.node.path, 'serviceAccount', sa?.name ?? 'default',
        'a dedicated service account (kplus serviceAccount prop): the default service account is shared by every pod of the namespace, so it is no workload identity');
    }
    const ns = workload.metadata.namespace ?? namespaceOfServiceAccount(sa) ?? namespace;
    if (ns === undefined) {
      fail(workload.node.path, 'metadata.namespace', undefined, 'the namespace of the workload: set metadata.namespace or pass the namespace');
    }
    return MeshIdentity.of(ns, sa.name);
  }

  /** Namespace of the service account. */
  public readonly namespace: string;

  /** Name of the service account. */
  public readonly serviceAccountName: string;

  private constructor(namespace: string, serviceAccountName: string) {
    this.namespace = namespace;
    this.serviceAccountName = serviceAccountName;
  }

  /**
   * The SPIFFE principal of this identity in a trust domain, as AuthorizationPolicy matches it
   * (without the `spiffe://` scheme): `<trust-domain>/ns/<namespace>/sa/<serviceAccount>`.
   *
   * @param trustDomain the mesh trust domain
   * @default trustDomain 'cluster.local'
   */
  public principal(trustDomain: string = 'cluster.local'): string {
    checkTrustDomain('MeshIdentity.principal', 'trustDomain', trustDomain);
    return `${trustDomain}/ns/${this.namespace}/sa/${this.serviceAccountName}`;
  }

  /**
   * The SPIFFE ID of this identity: `spiffe://<trust-domain>/ns/<namespace>/sa/<serviceAccount>`.
   *
   * @param trustDomain the mesh trust domain
   * @default trustDomain 'cluster.local'
   */
  public spiffeId(trustDomain: string = 'cluster.local'): string {
    return `spiffe://${this.principal(trustDomain)}`;
  }

  /** `<namespace>/<serviceAccount>`. */
  public toString(): string {
    return `${this.namespace}/${this.serviceAccountName}`;
  }
}

function namespaceOfServiceAccount(sa: kplus.IServiceAccount): string | undefined {
  if (sa instanceof kplus.ServiceAccount && sa.metadata.namespace !== undefined) {
    return sa.metadata.namespace;
  }
  const subject = typeof (sa as kplus.ISubject).toSubjectConfiguration === 'function'
    ? (sa as kplus.ISubject).toSubjectConfiguration() : undefined;
  return subject?.namespace;
}
