#!/usr/bin/env node
// Regenerates src/imports/ from crds/ with `cdk8s import` (offline, byte-identical on every run).
// Each CRD file is first trimmed to the kinds and served versions the library emits (smaller
// imports, faster test start-up, smaller package); the trimmed inputs are written to a temporary
// directory and deleted afterwards: they are derived data, crds/ keeps the full upstream files
// (the schema validator in test/util uses those).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const yaml = require('js-yaml');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'src', 'imports');

// module (src/imports/<module>.ts) -> CRD file under crds/ -> kind -> served version to import
const MODULES = [
  { module: 'security.istio.io', file: 'istio/crd-all.gen.yaml', group: 'security.istio.io', kinds: { PeerAuthentication: 'v1', AuthorizationPolicy: 'v1' } },
  { module: 'networking.istio.io', file: 'istio/crd-all.gen.yaml', group: 'networking.istio.io', kinds: { DestinationRule: 'v1', Gateway: 'v1', Sidecar: 'v1', ServiceEntry: 'v1', VirtualService: 'v1' } },
  { module: 'install.istio.io', file: 'istio/crd-operator.yaml', group: 'install.istio.io', kinds: { IstioOperator: 'v1alpha1' } },
  { module: 'kyverno.io', file: 'kyverno/kyverno.io_clusterpolicies.yaml', group: 'kyverno.io', kinds: { ClusterPolicy: 'v1' } },
  { module: 'opentelemetry.io', file: 'opentelemetry-operator/opentelemetry.io_opentelemetrycollectors.yaml', group: 'opentelemetry.io', kinds: { OpenTelemetryCollector: 'v1beta1' } },
  {
    module: 'cert-manager.io', files: ['cert-manager/cert-manager.io_certificates.yaml', 'cert-manager/cert-manager.io_clusterissuers.yaml', 'cert-manager/cert-manager.io_issuers.yaml'],
    group: 'cert-manager.io', kinds: { Certificate: 'v1', ClusterIssuer: 'v1', Issuer: 'v1' },
  },
  { module: 'multicluster.x-k8s.io', file: 'mcs-api/multicluster.x-k8s.io_serviceexports.yaml', group: 'multicluster.x-k8s.io', kinds: { ServiceExport: 'v1alpha1' } },
  { module: 'k8gb.io', file: 'k8gb/k8gb.io_gslbs.yaml', group: 'k8gb.io', kinds: { Gslb: 'v1beta1' } },
  {
    module: 'gateway.networking.k8s.io', files: ['gateway-api/gateway.networking.k8s.io_gateways.yaml', 'gateway-api/gateway.networking.k8s.io_httproutes.yaml', 'gateway-api/gateway.networking.k8s.io_referencegrants.yaml'],
    group: 'gateway.networking.k8s.io', kinds: { Gateway: 'v1', HTTPRoute: 'v1', ReferenceGrant: 'v1beta1' },
  },
  {
    module: 'policy.networking.k8s.io',
    files: [
      'network-policy-api/policy.networking.k8s.io_clusternetworkpolicies.yaml',
      'network-policy-api/policy.networking.k8s.io_adminnetworkpolicies.v1alpha1.yaml',
      'network-policy-api/policy.networking.k8s.io_baselineadminnetworkpolicies.v1alpha1.yaml',
    ],
    group: 'policy.networking.k8s.io', kinds: { AdminNetworkPolicy: 'v1alpha1', BaselineAdminNetworkPolicy: 'v1alpha1', ClusterNetworkPolicy: 'v1alpha2' },
  },
];

function trimmed(m) {
  const docs = [];
  const found = new Set();
  for (const f of m.files ?? [m.file]) {
    for (const d of yaml.loadAll(fs.readFileSync(path.join(root, 'crds', f), 'utf8'))) {
      if (!d || d.kind !== 'CustomResourceDefinition' || d.spec.group !== m.group) continue;
      const version = m.kinds[d.spec.names.kind];
      if (!version) continue;
      const versions = d.spec.versions.filter((v) => v.name === version && v.served !== false);
      if (versions.length !== 1) throw new Error(`${f}: ${d.spec.names.kind} has no served version ${version}`);
      found.add(d.spec.names.kind);
      docs.push({ ...d, spec: { ...d.spec, versions: [{ ...versions[0], storage: true }] } });
    }
  }
  for (const k of Object.keys(m.kinds)) if (!found.has(k)) throw new Error(`${m.module}: kind ${k} not found`);
  docs.sort((a, b) => a.spec.names.kind.localeCompare(b.spec.names.kind));
  return docs.map((d) => yaml.dump(d, { lineWidth: -1, noRefs: true })).join('---\n');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-trimmed-'));
const started = Date.now();
try {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out);
  const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
  for (const m of MODULES) {
    const input = path.join(tmp, `${m.module}.yaml`);
    fs.writeFileSync(input, trimmed(m));
    execFileSync(cli, ['import', input, '-l', 'typescript', '-o', out, '--no-save', '--no-check-upgrade'], { cwd: tmp, stdio: 'pipe' });
    if (!fs.existsSync(path.join(out, `${m.module}.ts`))) throw new Error(`cdk8s import did not write src/imports/${m.module}.ts`);
    console.log(`src/imports/${m.module}.ts <- ${(m.files ?? [m.file]).join(', ')}: ${Object.entries(m.kinds).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const files = fs.readdirSync(out).sort();
const bytes = files.reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0);
console.log(`src/imports/: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
