/** Kubernetes name and label rules (k8s.io/apimachinery/pkg/util/validation). */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Error text, or undefined if `v` is a DNS-1123 label (namespaces, ...). */
export function checkDns1123Label(v: string): string | undefined {
  if (v.length > 63) return `must be no more than 63 characters (got ${v.length})`;
  if (!DNS1123_LABEL.test(v)) return 'must be a lowercase RFC 1123 label: lowercase alphanumerics or \'-\', starting and ending with an alphanumeric';
  return undefined;
}

/** Error text, or undefined if `v` is a DNS-1123 subdomain (most object names). */
export function checkDns1123Subdomain(v: string): string | undefined {
  if (v.length > 253) return `must be no more than 253 characters (got ${v.length})`;
  if (!DNS1123_SUBDOMAIN.test(v)) return 'must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, \'-\' or \'.\', starting and ending with an alphanumeric';
  return undefined;
}

/** Error text, or undefined if `v` is a DNS-1035 label (Service names). */
export function checkDns1035Label(v: string): string | undefined {
  if (v.length > 63) return `must be no more than 63 characters (got ${v.length})`;
  if (!DNS1035_LABEL.test(v)) return 'must be a DNS-1035 label: lowercase alphanumerics or \'-\', starting with a letter and ending with an alphanumeric';
  return undefined;
}

/** Error text, or undefined if `v` is a valid path-segment name (RBAC objects). */
export function checkPathSegmentName(v: string): string | undefined {
  if (v === '.' || v === '..') return `may not be '${v}'`;
  if (/[/%]/.test(v)) return 'may not contain \'/\' or \'%\'';
  return undefined;
}

/** Error text, or undefined if `k` is a qualified name ([prefix/]name), as label and annotation keys are. */
export function checkQualifiedName(k: string): string | undefined {
  const parts = k.split('/');
  if (parts.length > 2) return 'a qualified name must have at most one \'/\'';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0].length === 0) return 'prefix part must be non-empty';
    const e = checkDns1123Subdomain(parts[0]);
    if (e) return `prefix part ${e}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return `name part must be no more than 63 characters (got ${name.length})`;
  if (!QUALIFIED_NAME.test(name)) return 'name part must consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric';
  return undefined;
}

/** Error text, or undefined if `v` is a valid label value. */
export function checkLabelValue(v: unknown): string | undefined {
  if (typeof v !== 'string') return `must be a string (got ${typeof v})`;
  if (v.length > 63) return `must be no more than 63 characters (got ${v.length})`;
  if (!LABEL_VALUE.test(v)) return 'must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric';
  return undefined;
}

/** Kinds whose names are validated as DNS-1123 labels / DNS-1035 labels / path segments (the rest: subdomains). */
const LABEL_NAMED = new Set(['/v1/Namespace']);
const DNS1035_NAMED = new Set(['/v1/Service']);
const PATH_SEGMENT_NAMED = new Set(['rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding']);

/** Error text, or undefined if `name` is a valid metadata.name for that kind. */
export function checkObjectName(apiVersion: string, kind: string, name: string): string | undefined {
  const key = `${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}/${kind}`;
  if (LABEL_NAMED.has(key)) return checkDns1123Label(name);
  if (DNS1035_NAMED.has(key)) return checkDns1035Label(name);
  if (PATH_SEGMENT_NAMED.has(key)) return checkPathSegmentName(name);
  return checkDns1123Subdomain(name);
}

/** Cluster-scoped built-in kinds (metadata.namespace is forbidden on them). */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'APIService', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'PodSecurityPolicy',
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'ComponentStatus', 'ClusterTrustBundle',
  'IPAddress', 'ServiceCIDR', 'DeviceClass', 'StorageVersion', 'StorageVersionMigration', 'VolumeAttributesClass',
]);
