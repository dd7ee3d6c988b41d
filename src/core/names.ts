/** DNS-1123 label (RFC 1123), as in k8s.io/apimachinery/pkg/util/validation. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain, as in k8s.io/apimachinery/pkg/util/validation. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Qualified-name "name" part and label value charset, as in apimachinery. */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** IANA_SVC_NAME charset (RFC 6335), as in apimachinery IsValidPortName. */
const PORT_NAME = /^[-a-z0-9]+$/;

/**
 * Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation), as plain predicates.
 */
export class Names {
  /** Maximum length of a DNS-1123 label (namespace, service, most object names). */
  public static readonly DNS1123_LABEL_MAX_LENGTH = 63;
  /** Maximum length of a DNS-1123 subdomain. */
  public static readonly DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
  /** Maximum length of a label value and of the name part of a label key. */
  public static readonly LABEL_VALUE_MAX_LENGTH = 63;
  /** Maximum length of an IANA service (port) name. */
  public static readonly PORT_NAME_MAX_LENGTH = 15;

  /**
   * True if `v` is a DNS-1123 label: at most 63 characters, lowercase alphanumerics or '-',
   * starting and ending with an alphanumeric.
   *
   * @param v candidate value
   */
  public static isDns1123Label(v: string): boolean {
    return typeof v === 'string' && v.length <= 63 && DNS1123_LABEL.test(v);
  }

  /**
   * True if `v` is a DNS-1123 subdomain: at most 253 characters, one or more DNS-1123 labels
   * (without the 63 limit per label, as in Kubernetes) joined with '.'.
   *
   * @param v candidate value
   */
  public static isDns1123Subdomain(v: string): boolean {
    return typeof v === 'string' && v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
  }

  /**
   * True if `k` is a valid label (or annotation) key: an optional DNS-1123 subdomain prefix
   * (at most 253 characters) and '/', then a name of at most 63 characters matching
   * `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
   *
   * @param k candidate key
   */
  public static isLabelKey(k: string): boolean {
    if (typeof k !== 'string') {
      return false;
    }
    const parts = k.split('/');
    let name: string;
    if (parts.length === 1) {
      name = parts[0];
    } else if (parts.length === 2) {
      const prefix = parts[0];
      if (prefix.length === 0 || !Names.isDns1123Subdomain(prefix)) {
        return false;
      }
      name = parts[1];
    } else {
      return false;
    }
    return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
  }

  /**
   * True if `v` is a valid label value: empty, or at most 63 characters matching
   * `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
   *
   * @param v candidate value
   */
  public static isLabelValue(v: string): boolean {
    return typeof v === 'string' && (v === '' || (v.length <= 63 && QUALIFIED_NAME.test(v)));
  }

  /**
   * True if `v` is a valid port name (IANA_SVC_NAME, RFC 6335): at most 15 characters, lowercase
   * alphanumerics or '-', at least one letter, no leading, trailing or double '-'.
   *
   * @param v candidate value
   */
  public static isPortName(v: string): boolean {
    return typeof v === 'string'
      && v.length >= 1 && v.length <= 15
      && PORT_NAME.test(v)
      && /[a-z]/.test(v)
      && !v.startsWith('-') && !v.endsWith('-')
      && !v.includes('--');
  }

  /**
   * True if `v` is a DNS host name as used in Ingress/Gateway hosts: a DNS-1123 subdomain
   * whose labels are each at most 63 characters; with `allowWildcard`, the whole first label
   * may be `*` (as in `*.example.com`).
   *
   * @param v candidate value
   * @param allowWildcard whether a leading `*.` label is allowed
   */
  public static isHostname(v: string, allowWildcard?: boolean): boolean {
    if (typeof v !== 'string') {
      return false;
    }
    let rest = v;
    if (allowWildcard && v.startsWith('*.')) {
      rest = v.slice(2);
    }
    return v.length <= 253
      && Names.isDns1123Subdomain(rest)
      && rest.split('.').every((l) => l.length <= 63);
  }

  private constructor() {}
}
