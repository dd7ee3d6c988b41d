import { CertificateSource, CertIssuer, CertManagerCertificateOptions } from './ingress-certificate';
import { CERT_MANAGER_CERTIFICATE_OPTIONS, GATEWAY_SECRET_OPTIONS } from './props-specs';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Label, validateDns1123Subdomain } from '../core/validate';

/**
 * Options of {@link GatewayCertificate.fromSecret}.
 */
export interface GatewaySecretOptions {
  /**
   * Namespace of the Secret. When it is not the Gateway's, a ReferenceGrant in that namespace
   * lets the Gateway read it (and only this Secret).
   *
   * @default - the Gateway's namespace
   */
  readonly namespace?: string;
}

/**
 * Where the certificate of a Gateway HTTPS listener comes from (`tls.certificateRefs`).
 */
export class GatewayCertificate {
  /**
   * An existing `kubernetes.io/tls` Secret.
   *
   * @param secretName the Secret's name
   * @param options its namespace
   */
  public static fromSecret(secretName: string, options: GatewaySecretOptions = {}): GatewayCertificate {
    const path = 'GatewayCertificate.fromSecret';
    checkOptions(path, 'options', 'GatewaySecretOptions', options, GATEWAY_SECRET_OPTIONS, true, false);
    validateDns1123Subdomain(path, 'secretName', secretName);
    if (options.namespace !== undefined) {
      validateDns1123Label(path, 'options.namespace', options.namespace);
    }
    return new GatewayCertificate(CertificateSource.SECRET, secretName, options.namespace, undefined);
  }

  /**
   * A cert-manager `Certificate` for the entry's hosts, emitted in the Gateway's namespace and
   * signed by `issuer` (an `Issuer` must be in the Gateway's namespace).
   *
   * @param issuer the Issuer or ClusterIssuer
   * @param options secret name
   */
  public static certManager(issuer: CertIssuer, options: CertManagerCertificateOptions = {}): GatewayCertificate {
    checkOptions('GatewayCertificate.certManager', 'options', 'CertManagerCertificateOptions', options, CERT_MANAGER_CERTIFICATE_OPTIONS, true, true);
    return GatewayCertificate.managed('GatewayCertificate.certManager', CertificateSource.CERT_MANAGER, issuer, options);
  }

  /**
   * cert-manager's Gateway support: the Gateway gets the `cert-manager.io/issuer` or
   * `cert-manager.io/cluster-issuer` annotation, and cert-manager creates one Certificate per
   * Secret named by the HTTPS listeners, for their hostnames. Needs cert-manager's Gateway API
   * support switched on (`config.enableGatewayAPI: true` in its Helm values). One Gateway carries
   * one issuer annotation, so every such entry of a Gateway uses the same issuer.
   *
   * @param issuer the Issuer or ClusterIssuer
   * @param options secret name
   */
  public static certManagerShim(issuer: CertIssuer, options: CertManagerCertificateOptions = {}): GatewayCertificate {
    checkOptions('GatewayCertificate.certManagerShim', 'options', 'CertManagerCertificateOptions', options, CERT_MANAGER_CERTIFICATE_OPTIONS, true, true);
    return GatewayCertificate.managed('GatewayCertificate.certManagerShim', CertificateSource.CERT_MANAGER_SHIM, issuer, options);
  }

  private static managed(path: string, source: CertificateSource, issuer: CertIssuer,
    options: CertManagerCertificateOptions): GatewayCertificate {
    if (!(issuer instanceof CertIssuer)) {
      fail(path, 'issuer', issuer, 'a CertIssuer (CertIssuer.issuer(name) or CertIssuer.clusterIssuer(name))');
    }
    if (options.secretName !== undefined) {
      validateDns1123Subdomain(path, 'options.secretName', options.secretName);
    }
    return new GatewayCertificate(source, options.secretName, undefined, issuer);
  }

  /** Where the certificate comes from. */
  public readonly source: CertificateSource;

  /**
   * The TLS Secret's name.
   *
   * @default - derived from the Gateway name
   */
  public readonly secretName?: string;

  /**
   * The Secret's namespace.
   *
   * @default - the Gateway's namespace
   */
  public readonly secretNamespace?: string;

  /**
   * The cert-manager issuer.
   *
   * @default - none (an existing Secret)
   */
  public readonly issuer?: CertIssuer;

  private constructor(source: CertificateSource, secretName: string | undefined, secretNamespace: string | undefined,
    issuer: CertIssuer | undefined) {
    this.source = source;
    this.secretName = secretName;
    this.secretNamespace = secretNamespace;
    this.issuer = issuer;
  }
}
