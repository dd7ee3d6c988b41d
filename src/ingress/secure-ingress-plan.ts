/**
 * Validation of SecureIngressProps into a plan (pure data) the SecureIngress renders (not exported
 * from the package index). Every check runs before the construct creates anything.
 */
import { IngressBackend } from './ingress-backend';
import { CertificateSource, IngressCertificate } from './ingress-certificate';
import { IngressController } from './ingress-controller';
import { NGINX_STRICT_PATH, ResolvedBackend, tlsCovers } from './internal';
import { BackendProtocol, IngressPathType, SecureIngressProps, SecureIngressRule, SecureIngressTls } from './secure-ingress';
import { toKubeName } from '../core/strings';
import {
  fail, validateDns1123Subdomain, validateHostname, validateLabelKey, validateLabels,
} from '../core/validate';

/** One rule, checked, defaults applied, its backend resolved. */
export interface SecureIngressRoute {
  readonly host: string;
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: ResolvedBackend;
}

/** One TLS entry, checked: hosts without repeats and the Secret the certificate is in. */
export interface SecureIngressTlsEntry {
  readonly hosts: string[];
  readonly certificate: IngressCertificate;
  readonly secretName: string;
}

/** A SecureIngress's props, checked, defaults applied. */
export interface SecureIngressPlan {
  readonly controller: IngressController;
  /** True for an Istio gateway (Gateway and VirtualServices instead of an Ingress). */
  readonly istio: boolean;
  readonly requireManaged: boolean;
  readonly name: string;
  /** The namespace of the Ingress and of every backend. */
  readonly namespace: string;
  readonly routes: SecureIngressRoute[];
  readonly tls: SecureIngressTlsEntry[];
  /** The user's annotations and the security ones, keys sorted. */
  readonly annotations: { [key: string]: string };
  readonly labels?: { [key: string]: string };
}

/**
 * Checks `props` and applies the defaults.
 *
 * @param path the construct path (for errors)
 * @param defaultName the Ingress name if `props.name` is not set
 * @param props the props
 */
export function planSecureIngress(path: string, defaultName: string, props: SecureIngressProps): SecureIngressPlan {
  if (props === undefined || props === null) {
    fail(path, 'props', props, 'SecureIngressProps with rules and a certificate');
  }
  const controller = props.controller ?? IngressController.nginx();
  if (!(controller instanceof IngressController)) {
    fail(path, 'controller', controller, 'an IngressController (IngressController.nginx(), IngressController.custom(...))');
  }
  if (props.name !== undefined) {
    validateDns1123Subdomain(path, 'name', props.name);
  }
  validateLabels(path, 'labels', props.labels);
  checkAnnotations(path, props.annotations);
  const protocol = checkProtocol(path, controller, props.backendProtocol);
  const routes = planRoutes(path, controller, props.rules);
  const namespace = routes[0].backend.namespace;
  routes.forEach((r, i) => {
    if (r.backend.namespace !== namespace) {
      fail(path, `rules[${i}].backend`, `${r.backend.namespace}/${r.backend.serviceName}`,
        `a backend in namespace ${namespace} (an Ingress routes only to Services of its own namespace)`);
    }
  });
  const name = props.name ?? defaultName;
  const tls = planTls(path, name, props);
  const shim = checkCertificates(path, controller, tls);
  return {
    controller,
    istio: controller.kind === 'istio',
    requireManaged: props.requireZeroTrustNamespace ?? true,
    name,
    namespace,
    routes,
    tls,
    annotations: planAnnotations(path, controller, protocol, shim, props.annotations),
    labels: props.labels,
  };
}

/** The user's annotations: keys, single-line string values, no snippets. */
function checkAnnotations(path: string, annotations: { [key: string]: string } | undefined): void {
  for (const k of Object.keys(annotations ?? {}).sort()) {
    validateLabelKey(path, 'annotations key', k);
    if (typeof annotations![k] !== 'string') {
      fail(path, `annotations[${JSON.stringify(k)}]`, annotations![k], 'a string');
    }
    // snippets splice raw configuration into the controller's server blocks (CVE-2021-25742)
    if (/(^|\/|-)snippet$/.test(k)) {
      fail(path, 'annotations key', k, 'no *-snippet annotation: it injects raw controller configuration (use the construct\'s options, or the controller\'s global config)');
    }
    if (/[\r\n\0]/.test(annotations![k])) {
      fail(path, `annotations[${JSON.stringify(k)}]`, annotations![k], 'a single-line value (no CR, LF or NUL: a line break can inject controller configuration)');
    }
  }
}

function checkProtocol(path: string, controller: IngressController, backendProtocol: BackendProtocol | undefined): BackendProtocol {
  const protocol = backendProtocol ?? BackendProtocol.HTTP;
  if (!Object.values(BackendProtocol).includes(protocol)) {
    fail(path, 'backendProtocol', protocol, 'BackendProtocol.HTTP or BackendProtocol.HTTPS');
  }
  if (protocol === BackendProtocol.HTTPS && controller.backendHttpsAnnotations === undefined) {
    fail(path, 'backendProtocol', protocol, controller.kind === 'istio'
      ? 'HTTP with an Istio gateway (mesh mTLS encrypts gateway-to-backend traffic)'
      : 'HTTP, or a controller with backendHttpsAnnotations');
  }
  return protocol;
}

/** The rules: a host each, paths the controller accepts, no repeats, backends resolved. */
function planRoutes(path: string, controller: IngressController, rules: SecureIngressRule[]): SecureIngressRoute[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    fail(path, 'rules', rules, 'at least one rule with a host (an Ingress without hosts cannot be covered by TLS)');
  }
  const seen = new Set<string>();
  return rules.map((r, i) => {
    if (r === undefined || r === null) {
      fail(path, `rules[${i}]`, r, 'a rule with host, path and backend');
    }
    if (r.host === undefined || r.host === '') {
      fail(path, `rules[${i}].host`, r.host, 'a host name (rules without a host match any host and cannot be covered by TLS)');
    }
    validateHostname(path, `rules[${i}].host`, r.host, true);
    const p = r.path ?? '/';
    const pt = r.pathType ?? IngressPathType.PREFIX;
    checkPath(path, `rules[${i}]`, controller, p, pt);
    const key = `${r.host} ${pt} ${p}`;
    if (seen.has(key)) {
      fail(path, `rules[${i}]`, key, 'a host, path type and path not used by an earlier rule');
    }
    seen.add(key);
    if (!(r.backend instanceof IngressBackend)) {
      fail(path, `rules[${i}].backend`, r.backend, 'an IngressBackend (IngressBackend.fromService(svc), IngressBackend.fromWorkload(deployment))');
    }
    return { host: r.host, path: p, pathType: pt, backend: r.backend._resolve(path, `rules[${i}].backend`) };
  });
}

function checkPath(path: string, field: string, controller: IngressController, p: string, pt: IngressPathType): void {
  if (!Object.values(IngressPathType).includes(pt)) {
    fail(path, `${field}.pathType`, pt, 'Prefix, Exact or ImplementationSpecific');
  }
  if (typeof p !== 'string' || !p.startsWith('/')) {
    fail(path, `${field}.path`, p, 'a path starting with \'/\'');
  }
  if (controller.kind === 'nginx' && pt !== IngressPathType.IMPLEMENTATION_SPECIFIC && !NGINX_STRICT_PATH.test(p)) {
    fail(path, `${field}.path`, p, 'a path of \'/\', letters, digits, \'_\' and \'-\' (ingress-nginx rejects other characters in Prefix and Exact paths; use ImplementationSpecific for regex paths)');
  }
  if (/[\s{};]/.test(p)) {
    fail(path, `${field}.path`, p, 'a path without whitespace, braces or \';\'');
  }
}

/** The TLS entries (from `tls`, or one entry for every host from `certificate`): every rule host covered. */
function planTls(path: string, name: string, props: SecureIngressProps): SecureIngressTlsEntry[] {
  if (props.certificate !== undefined && props.tls !== undefined) {
    fail(path, 'certificate', 'certificate and tls', 'either certificate (one entry for every host) or tls, not both');
  }
  const hostsInOrder = Array.from(new Set(props.rules.map((r) => r.host)));
  const tlsIn: SecureIngressTls[] = props.tls ?? (props.certificate !== undefined
    ? [{ hosts: hostsInOrder, certificate: props.certificate }] : []);
  if (!Array.isArray(tlsIn)) {
    fail(path, 'tls', tlsIn, 'a list of TLS entries');
  }
  const tls = tlsIn.map((t, i) => {
    if (t === undefined || t === null || !Array.isArray(t.hosts) || t.hosts.length === 0) {
      fail(path, `tls[${i}].hosts`, t?.hosts, 'a non-empty list of host names');
    }
    t.hosts.forEach((h, j) => validateHostname(path, `tls[${i}].hosts[${j}]`, h, true));
    if (!(t.certificate instanceof IngressCertificate)) {
      fail(path, `tls[${i}].certificate`, t.certificate,
        'an IngressCertificate (IngressCertificate.fromSecret(name), .certManager(issuer), .certManagerShim(issuer))');
    }
    const secretName = t.certificate.secretName ?? toKubeName([name, 'tls', i === 0 ? '' : String(i)]);
    return { hosts: Array.from(new Set(t.hosts)), certificate: t.certificate, secretName };
  });
  props.rules.forEach((r, i) => {
    if (!tls.some((t) => t.hosts.some((h) => tlsCovers(h, r.host)))) {
      fail(path, `rules[${i}].host`, r.host,
        `a host covered by a TLS entry (set certificate or a tls entry with ${r.host}, or a wildcard *.<parent> one label above it): every host is served over TLS only`);
    }
  });
  return tls;
}

/**
 * The certificate sources: one ingress-shim issuer per Ingress (none with Istio), one
 * cert-manager certificate per Secret. Returns the ingress-shim certificate, if any.
 */
function checkCertificates(path: string, controller: IngressController, tls: SecureIngressTlsEntry[]): IngressCertificate | undefined {
  const managedSecrets = new Map<string, number>();
  let shim: IngressCertificate | undefined;
  tls.forEach((t, i) => {
    const c = t.certificate;
    if (c.source === CertificateSource.CERT_MANAGER_SHIM) {
      if (controller.kind === 'istio') {
        fail(path, `tls[${i}].certificate`, 'certManagerShim', 'IngressCertificate.certManager(...) or fromSecret(...) with an Istio gateway (the ingress-shim watches Ingresses)');
      }
      if (shim && (shim.issuer!.kind !== c.issuer!.kind || shim.issuer!.name !== c.issuer!.name)) {
        fail(path, `tls[${i}].certificate`, `${c.issuer!.kind}/${c.issuer!.name}`,
          `the ingress-shim issuer of the other entries (${shim.issuer!.kind}/${shim.issuer!.name}): one Ingress carries one issuer annotation`);
      }
      shim = c;
    }
    if (c.source !== CertificateSource.SECRET) {
      if (managedSecrets.has(t.secretName)) {
        fail(path, `tls[${i}].certificate.secretName`, t.secretName,
          `a Secret name not used by tls[${managedSecrets.get(t.secretName)}] (cert-manager writes one certificate per Secret)`);
      }
      managedSecrets.set(t.secretName, i);
    }
  });
  return shim;
}

/** The Ingress's annotations: the user's, then the security ones (which they may not override), keys sorted. */
function planAnnotations(path: string, controller: IngressController, protocol: BackendProtocol,
  shim: IngressCertificate | undefined, user: { [key: string]: string } | undefined): { [key: string]: string } {
  const security: { [key: string]: string } = {
    ...controller.redirectAnnotations,
    ...controller.hstsAnnotations,
    ...(protocol === BackendProtocol.HTTPS ? controller.backendHttpsAnnotations : {}),
  };
  if (shim) {
    security[shim.issuer!.shimAnnotation] = shim.issuer!.name;
  }
  const reserved = [
    ...Object.keys(security),
    'kubernetes.io/ingress.class',
    'cert-manager.io/issuer',
    'cert-manager.io/cluster-issuer',
  ];
  for (const k of Object.keys(user ?? {}).sort()) {
    if (reserved.includes(k)) {
      fail(path, `annotations[${JSON.stringify(k)}]`, user![k],
        'no value: this annotation is set by SecureIngress (class, redirect, HSTS, backend protocol, cert-manager issuer)');
    }
  }
  const all = { ...(user ?? {}), ...security };
  const annotations: { [key: string]: string } = {};
  for (const k of Object.keys(all).sort()) {
    annotations[k] = all[k];
  }
  return annotations;
}
