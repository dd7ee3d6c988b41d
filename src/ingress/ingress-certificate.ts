import { CERT_MANAGER_CERTIFICATE_OPTIONS } from './props-specs';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Subdomain } from '../core/validate';

/**
 * A cert-manager issuer reference: a namespaced `Issuer` (in the Ingress's namespace) or a
 * `ClusterIssuer`.
 */
export class CertIssuer {
  /**
   * A cert-manager `Issuer` in the namespace of the Ingress.
   *
   * @param name the Issuer's name
   */
  public static issuer(name: string): CertIssuer {
    validateDns1123Subdomain('CertIssuer.issuer', 'name', name);
    return new CertIssuer('Issuer', name);
  }

  /**
   * A cert-manager `ClusterIssuer`.
   *
   * @param name the ClusterIssuer's name
   */
  public static clusterIssuer(name: string): CertIssuer {
    validateDns1123Subdomain('CertIssuer.clusterIssuer', 'name', name);
    return new CertIssuer('ClusterIssuer', name);
  }

  /** `Issuer` or `ClusterIssuer`. */
  public readonly kind: string;

  /** The issuer's name. */
  public readonly name: string;

  private constructor(kind: string, name: string) {
    this.kind = kind;
    this.name = name;
  }

  /** The ingress-shim annotation key (`cert-manager.io/issuer` or `cert-manager.io/cluster-issuer`). */
  public get shimAnnotation(): string {
    return this.kind === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer';
  }
}

/**
 * Options of a cert-manager certificate.
 */
export interface CertManagerCertificateOptions {
  /**
   * Name of the TLS Secret cert-manager writes (and of the `Certificate`).
   *
   * @default - `<ingress name>-tls` (`<ingress name>-tls-<n>` from the second TLS entry on)
   */
  readonly secretName?: string;
}

/** How the certificate of a TLS entry is obtained. */
export enum CertificateSource {
  /** An existing `kubernetes.io/tls` Secret. */
  SECRET = 'secret',
  /** A cert-manager `Certificate` emitted next to the Ingress. */
  CERT_MANAGER = 'cert-manager',
  /** cert-manager's ingress-shim, triggered by an annotation on the Ingress. */
  CERT_MANAGER_SHIM = 'cert-manager-shim',
}

/**
 * Where the TLS certificate of a {@link SecureIngressTls} entry comes from.
 */
export class IngressCertificate {
  /**
   * An existing TLS Secret (type `kubernetes.io/tls`) in the Ingress's namespace.
   *
   * @param secretName the Secret's name
   */
  public static fromSecret(secretName: string): IngressCertificate {
    validateDns1123Subdomain('IngressCertificate.fromSecret', 'secretName', secretName);
    return new IngressCertificate(CertificateSource.SECRET, secretName, undefined);
  }

  /**
   * A cert-manager `Certificate` for the entry's hosts, signed by `issuer`, written to a Secret.
   *
   * @param issuer the Issuer or ClusterIssuer
   * @param options secret name
   */
  public static certManager(issuer: CertIssuer, options: CertManagerCertificateOptions = {}): IngressCertificate {
    checkOptions('IngressCertificate.certManager', 'options', 'CertManagerCertificateOptions', options, CERT_MANAGER_CERTIFICATE_OPTIONS, true, true);
    return IngressCertificate.managed('IngressCertificate.certManager', CertificateSource.CERT_MANAGER, issuer, options);
  }

  /**
   * cert-manager's ingress-shim: the Ingress gets the `cert-manager.io/issuer` or
   * `cert-manager.io/cluster-issuer` annotation and cert-manager creates the Certificate. One
   * Ingress carries one such annotation, so every shim entry of an Ingress uses the same issuer.
   *
   * @param issuer the Issuer or ClusterIssuer
   * @param options secret name
   */
  public static certManagerShim(issuer: CertIssuer, options: CertManagerCertificateOptions = {}): IngressCertificate {
    checkOptions('IngressCertificate.certManagerShim', 'options', 'CertManagerCertificateOptions', options, CERT_MANAGER_CERTIFICATE_OPTIONS, true, true);
    return IngressCertificate.managed('IngressCertificate.certManagerShim', CertificateSource.CERT_MANAGER_SHIM, issuer, options);
  }

  private static managed(path: string, source: CertificateSource, issuer: CertIssuer,
    options: CertManagerCertificateOptions): IngressCertificate {
    if (!(issuer instanceof CertIssuer)) {
      fail(path, 'issuer', issuer, 'a CertIssuer (CertIssuer.issuer(name) or CertIssuer.clusterIssuer(name))');
    }
    if (options.secretName !== undefined) {
      validateDns1123Subdomain(path, 'options.secretName', options.secretName);
    }
    return new IngressCertificate(source, options.secretName, issuer);
  }

  /** Where the certificate comes from. */
  public readonly source: CertificateSource;

  /**
   * The TLS Secret's name.
   *
   * @default - derived from the Ingress name
   */
  public readonly secretName?: string;

  /**
   * The cert-manager issuer.
   *
   * @default - none (an existing Secret)
   */
  public readonly issuer?: CertIssuer;

  private constructor(source: CertificateSource, secretName: string | undefined, issuer: CertIssuer | undefined) {
    this.source = source;
    this.secretName = secretName;
    this.issuer = issuer;
  }
}
