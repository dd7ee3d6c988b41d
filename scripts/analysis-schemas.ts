/**
 * Generates `src/analysis/input-schemas.ts`: the structural schemas (types and field names, no
 * descriptions) of the kinds the analyzer reads, from the Kubernetes API schema in `schemas/` and
 * the Istio CRDs in `crds/istio/` and the Network Policy API CRDs in `crds/network-policy-api/`. The analyzer's strict input check uses them; the package does
 * not ship those folders. Run: `npx ts-node --transpile-only scripts/analysis-schemas.ts`;
 * test/analysis/strict-input.test.ts fails when the file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

const ROOT = path.join(__dirname, '..');
export const OUT_FILE = path.join(ROOT, 'src', 'analysis', 'input-schemas.ts');
const K8S_VERSION = 'v1.33.0';
const K8S_KINDS: { [gvk: string]: string } = {
  'networking.k8s.io/v1/NetworkPolicy': 'io.k8s.api.networking.v1.NetworkPolicy',
  'networking.k8s.io/v1/Ingress': 'io.k8s.api.networking.v1.Ingress',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/Namespace': 'io.k8s.api.core.v1.Namespace',
};
const ISTIO_KINDS = ['AuthorizationPolicy', 'PeerAuthentication', 'Gateway'];
const ISTIO_GROUPS: { [kind: string]: string } = { AuthorizationPolicy: 'security.istio.io', PeerAuthentication: 'security.istio.io', Gateway: 'networking.istio.io' };
/** Cluster-wide policy tiers (standard channel): AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1, ClusterNetworkPolicy v1alpha2. */
const NETPOL_API_FILES = [
  'policy.networking.k8s.io_adminnetworkpolicies.v1alpha1.yaml',
  'policy.networking.k8s.io_baselineadminnetworkpolicies.v1alpha1.yaml',
  'policy.networking.k8s.io_clusternetworkpolicies.yaml',
];

/** A compact structural schema node: t = type, p = properties, i = items, m = map values. */
type Node = { t: string; p?: { [k: string]: Node }; i?: Node; m?: Node; e?: string[] };

function fromK8s(defs: any, name: string, stack: string[] = []): Node {
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return { t: 'int-or-string' };
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return { t: 'int-or-string' };
  if (name === 'io.k8s.apimachinery.pkg.apis.meta.v1.Time' || name === 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime') return { t: 'string' };
  if (name === 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1') return { t: 'any' };
  if (stack.includes(name)) return { t: 'any' };
  return k8sNode(defs, defs[name], [...stack, name]);
}

function k8sNode(defs: any, s: any, stack: string[]): Node {
  if (s.$ref) return fromK8s(defs, s.$ref.replace('#/definitions/', ''), stack);
  if (s.type === 'array') return { t: 'array', i: k8sNode(defs, s.items, stack) };
  if (s.type === 'object' || s.properties) {
    if (s.properties) {
      const p: { [k: string]: Node } = {};
      for (const k of Object.keys(s.properties).sort()) p[k] = k8sNode(defs, s.properties[k], stack);
      return { t: 'object', p };
    }
    return s.additionalProperties ? { t: 'object', m: k8sNode(defs, s.additionalProperties, stack) } : { t: 'any' };
  }
  return { t: s.type ?? 'any', ...(s.enum ? { e: s.enum } : {}) };
}

/** The served versions of a CRD, with the object's metadata, apiVersion and kind. */
function crdVersions(crd: any, meta: Node, out: { [gvk: string]: Node }): void {
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    const n = crdNode(v.schema.openAPIV3Schema);
    n.p!.metadata = meta;
    n.p!.apiVersion = { t: 'string' };
    n.p!.kind = { t: 'string' };
    out[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = n;
  }
}

function crdNode(s: any): Node {
  if (s['x-kubernetes-int-or-string']) return { t: 'int-or-string' };
  if (s['x-kubernetes-preserve-unknown-fields']) return { t: 'any' };
  if (s.type === 'array') return { t: 'array', i: s.items ? crdNode(s.items) : { t: 'any' } };
  if (s.type === 'object' || s.properties) {
    if (s.properties) {
      const p: { [k: string]: Node } = {};
      for (const k of Object.keys(s.properties).sort()) p[k] = crdNode(s.properties[k]);
      return { t: 'object', p };
    }
    return s.additionalProperties ? { t: 'object', m: crdNode(s.additionalProperties) } : { t: 'any' };
  }
  return { t: s.type ?? 'any', ...(s.enum ? { e: s.enum.map(String) } : {}) };
}

/** The schemas by `apiVersion/kind`, as the generated file holds them. */
export function generateSchemas(): { [gvk: string]: Node } {
  const defs = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', K8S_VERSION, '_definitions.json'), 'utf8')).definitions;
  const meta = fromK8s(defs, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  const out: { [gvk: string]: Node } = {};
  for (const [gvk, def] of Object.entries(K8S_KINDS)) out[gvk] = fromK8s(defs, def);
  const crds = (yaml.loadAll(fs.readFileSync(path.join(ROOT, 'crds', 'istio', 'crd-all.gen.yaml'), 'utf8')) as any[]).filter((d) => d);
  for (const kind of ISTIO_KINDS) {
    crdVersions(crds.find((d) => d.spec?.names?.kind === kind && d.spec?.group === ISTIO_GROUPS[kind]), meta, out);
  }
  for (const f of NETPOL_API_FILES) {
    crdVersions(yaml.load(fs.readFileSync(path.join(ROOT, 'crds', 'network-policy-api', f), 'utf8')), meta, out);
  }
  return out;
}

/** The text of the generated file. */
export function generatedFile(): string {
  return [
    '// Generated by scripts/analysis-schemas.ts from schemas/' + K8S_VERSION + ', crds/istio/crd-all.gen.yaml and crds/network-policy-api/: do not edit.',
    '/* eslint-disable */',
    '',
    '/** Structural schemas of the kinds the analyzer reads, by `apiVersion/kind` (internal). */',
    `export const INPUT_SCHEMAS: { [gvk: string]: any } = ${JSON.stringify(generateSchemas())};`,
    '',
  ].join('\n');
}

if (require.main === module) {
  fs.writeFileSync(OUT_FILE, generatedFile());
  console.log(`wrote ${path.relative(process.cwd(), OUT_FILE)} (${fs.statSync(OUT_FILE).size} bytes)`);
}
