import * as kplus from 'cdk8s-plus-27';
import { RenderedSource } from './internal';
import { MeshIdentity } from './mesh-identity';
import { Cidr } from '../core/cidr';
import { checkArgs, t } from '../core/props-check';
import { fail, validateDns1123Label } from '../core/validate';

/** What a {@link MeshSource} matches. */
export enum MeshSourceKind {
  /** Workload identities (principals derived from service accounts). */
  IDENTITIES = 'identities',
  /** Principals given as strings (other trust domains, wildcards). */
  PRINCIPALS = 'principals',
  /** Every mTLS-authenticated workload of the namespaces. */
  NAMESPACES = 'namespaces',
  /** Source IP blocks (the direct peer's address). */
  IP_BLOCKS = 'ipBlocks',
}

/**
 * Who a mesh authorization rule is about: workload identities, namespaces or IP blocks.
 * An immutable value made with the static factories.
 */
export class MeshSource {
  /**
   * Workload identities (`MeshIdentity.of('order', 'order-service')`).
   *
   * @param identities one or more identities
   */
  public static identities(identities: MeshIdentity[]): MeshSource {
    const path = 'MeshSource.identities';
    if (!Array.isArray(identities) || identities.length === 0) {
      fail(path, 'identities', identities, 'a non-empty list of workload identities (an empty list would match nobody)');
    }
    identities.forEach((id, i) => {
      if (!(id instanceof MeshIdentity)) {
        fail(path, `identities[${i}]`, String(id), 'a MeshIdentity (MeshIdentity.of, fromServiceAccount, fromWorkload)');
      }
    });
    const uniq = Array.from(new Map(identities.map((id) => [id.toString(), id])).values())
      .sort((a, b) => (a.toString() < b.toString() ? -1 : a.toString() > b.toString() ? 1 : 0));
    return new MeshSource(MeshSourceKind.IDENTITIES, uniq, []);
  }

  /**
   * One workload identity.
   *
   * @param identity the identity
   */
  public static identity(identity: MeshIdentity): MeshSource {
    checkArgs('MeshSource.identity', ['identity', identity, t.required(t.instanceOf('MeshIdentity', () => MeshIdentity))]);
    return MeshSource.identities([identity]);
  }

  /**
   * The identity of a cdk8s-plus service account.
   *
   * @param serviceAccount the service account (with a namespace)
   */
  public static serviceAccount(serviceAccount: kplus.IServiceAccount): MeshSource {
    return MeshSource.identities([MeshIdentity.fromServiceAccount(serviceAccount)]);
  }

  /**
   * The identity a cdk8s-plus workload runs as (it must have a dedicated service account and a
   * namespace).
   *
   * @param workload the workload or pod
   */
  public static workload(workload: kplus.AbstractPod): MeshSource {
    return MeshSource.identities([MeshIdentity.fromWorkload(workload)]);
  }

  /**
   * Principals as strings, for identities this app does not define (another trust domain,
   * a prefix `cluster.local/ns/team-a/*`). Prefer {@link MeshSource.identities}.
   *
   * @param principals `<trust-domain>/ns/<ns>/sa/<sa>`, or with one `*` at the start or end
   */
  public static principals(principals: string[]): MeshSource {
    const path = 'MeshSource.principals';
    if (!Array.isArray(principals) || principals.length === 0) {
      fail(path, 'principals', principals, 'a non-empty list of principals (an empty list would match nobody)');
    }
    principals.forEach((p, i) => {
      if (!isPrincipal(p)) {
        fail(path, `principals[${i}]`, p,
          'a principal <trust-domain>/ns/<namespace>/sa/<service-account> (no spiffe:// scheme), or \'*\', or with one \'*\' at its start or end');
      }
    });
    return new MeshSource(MeshSourceKind.PRINCIPALS, [], Array.from(new Set(principals)).sort());
  }

  /**
   * Any mTLS-authenticated workload (principal `*`).
   */
  public static anyAuthenticated(): MeshSource {
    return MeshSource.principals(['*']);
  }

  /**
   * Every mTLS-authenticated workload of the namespaces.
   *
   * @param names namespace names
   */
  public static namespaces(names: string[]): MeshSource {
    const path = 'MeshSource.namespaces';
    if (!Array.isArray(names) || names.length === 0) {
      fail(path, 'names', names, 'a non-empty list of namespace names');
    }
    names.forEach((n, i) => validateDns1123Label(path, `names[${i}]`, n));
    return new MeshSource(MeshSourceKind.NAMESPACES, [], Array.from(new Set(names)).sort());
  }

  /**
   * Every mTLS-authenticated workload of one namespace.
   *
   * @param name namespace name
   */
  public static namespace(name: string): MeshSource {
    checkArgs('MeshSource.namespace', ['name', name, t.required(t.str())]);
    return MeshSource.namespaces([name]);
  }

  /**
   * Source addresses (the direct peer's IP, as Istio `source.ipBlocks` sees it: behind a
   * gateway or proxy this is the gateway's address). Use only for peers without a mesh identity.
   *
   * @param cidrs CIDR blocks or addresses
   * @param exceptCidrs CIDR blocks to exclude
   * @default exceptCidrs - none
   */
  public static ipBlocks(cidrs: string[], exceptCidrs?: string[]): MeshSource {
    checkArgs('MeshSource.ipBlocks', ['cidrs', cidrs, t.required(t.arrayOf(t.str()))], ['exceptCidrs', exceptCidrs, t.arrayOf(t.str())]);
    const path = 'MeshSource.ipBlocks';
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      fail(path, 'cidrs', cidrs, 'a non-empty list of CIDR blocks');
    }
    const norm = (list: string[], field: string) => list.map((c, i) => {
      try {
        return Cidr.of(c).toString();
      } catch (e) {
        return fail(path, `${field}[${i}]`, c, 'a CIDR block, e.g. 10.0.0.0/16');
      }
    });
    const values = Array.from(new Set(norm(cidrs, 'cidrs'))).sort();
    const ex = Array.from(new Set(norm(exceptCidrs ?? [], 'exceptCidrs'))).sort();
    return new MeshSource(MeshSourceKind.IP_BLOCKS, [], values, ex);
  }

  /** What this source matches. */
  public readonly kind: MeshSourceKind;

  /** The identities (IDENTITIES only; empty otherwise). */
  public readonly identityList: MeshIdentity[];

  /** Principals, namespaces or CIDRs (by kind; empty for IDENTITIES). */
  public readonly values: string[];

  /** Excluded CIDRs (IP_BLOCKS only; empty otherwise). */
  public readonly exceptBlocks: string[];

  private constructor(kind: MeshSourceKind, identities: MeshIdentity[], values: string[], except: string[] = []) {
    this.kind = kind;
    this.identityList = identities;
    this.values = values;
    this.exceptBlocks = except;
  }

  /**
   * The Istio `source` object of this source.
   *
   * @param trustDomains the trust domain and its aliases: one principal per identity and domain
   * @internal
   */
  public _render(trustDomains: string[]): RenderedSource {
    switch (this.kind) {
      case MeshSourceKind.IDENTITIES:
        return { principals: this.identityList.flatMap((id) => trustDomains.map((td) => id.principal(td))) };
      case MeshSourceKind.PRINCIPALS:
        return { principals: [...this.values] };
      case MeshSourceKind.NAMESPACES:
        return { namespaces: [...this.values] };
      default:
        return this.exceptBlocks.length > 0
          ? { ipBlocks: [...this.values], notIpBlocks: [...this.exceptBlocks] }
          : { ipBlocks: [...this.values] };
    }
  }
}

const SEGMENT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function isPrincipal(p: unknown): boolean {
  if (typeof p !== 'string' || p.length === 0 || /\s/.test(p) || p.startsWith('spiffe://')) {
    return false;
  }
  if (p === '*') {
    return true;
  }
  const stars = p.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !p.startsWith('*') && !p.endsWith('*'))) {
    return false;
  }
  if (stars === 1) {
    return p.length > 1;
  }
  const parts = p.split('/');
  return parts.length === 5 && SEGMENT.test(parts[0]) && parts[1] === 'ns' && SEGMENT.test(parts[2])
    && parts[3] === 'sa' && SEGMENT.test(parts[4]);
}
