/* eslint-disable no-bitwise */
/**
 * Wrong runtime types in positional arguments (issue 23, class 1, second half): plain JavaScript
 * and jsii callers can pass `Port.tcp("80")`, `Peer.cidr(5)` or `flows.allow(null, ...)`. Every
 * public method of every exported class that takes an argument receives wrong-type values in each
 * argument, the others valid, and must end in the library's ValidationError naming the argument
 * (or, for a predicate such as `Names.isDns1123Label`, answer false), never a TypeError.
 *
 * The methods come from the TypeScript program of `src/index.ts`; the table below gives valid
 * arguments (and a receiver for instance methods). The completeness test fails when a public method
 * that takes arguments has neither a row nor a documented skip, so a new method cannot slip past.
 */
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as ts from 'typescript';
import { expectAnyValidationError } from './arbitraries';
import * as lib from '../../src';

/** How to call one method with valid arguments. */
interface Row {
  /** Valid arguments, fresh per call. */
  readonly args: () => unknown[];
  /** The receiver of an instance method, fresh per call. */
  readonly self?: () => any;
}

const { Cidr, Flows, Peer, Port, Protocol } = lib;
const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const sites = () => [
  { name: 'a', endpoint: '192.0.2.1:51820', publicKey: key(1), privateKeySecretName: 'wg-a', cidrs: ['10.1.0.0/16'] },
  { name: 'b', endpoint: '192.0.2.2:51820', publicKey: key(2), privateKeySecretName: 'wg-b', cidrs: ['10.2.0.0/16'] },
];
const fleet = () => new lib.Fleet(new App(), 'fleet', { clusters: [{ name: 'a', region: 'ra' }, { name: 'b', region: 'rb' }] });
const chart = () => Testing.chart();
const deployment = (c: Chart = chart()) => new kplus.Deployment(c, 'web', { metadata: { name: 'web', namespace: 'shop' }, containers: [{ image: 'w:1', portNumber: 8080 }] });
const withSa = (c: Chart = chart()) => new kplus.Deployment(c, 'web', {
  metadata: { namespace: 'shop' },
  serviceAccount: new kplus.ServiceAccount(c, 'sa', { metadata: { name: 'web', namespace: 'shop' } }),
  containers: [{ image: 'w:1', portNumber: 8080 }],
});
const pods = (ns: string) => Peer.pods({ app: ns }, { namespace: ns });
const cidr = () => Cidr.of('10.0.0.0/8');
const analyzer = () => lib.ReachabilityAnalyzer.fromObjects([]);
const analyzer2 = () => {
  const c = chart();
  new lib.ZeroTrustNamespace(c, 'ns', { name: 'shop' });
  deployment(c);
  return lib.ReachabilityAnalyzer.fromObjects(Testing.synth(c));
};
/** No policy: shop/web may reach anything. */
const openAnalyzer = () => {
  const c = chart();
  deployment(c);
  return lib.ReachabilityAnalyzer.fromObjects(Testing.synth(c));
};
const nsOf = () => new lib.ZeroTrustNamespace(chart(), 'ns', { name: 'shop' });
const meshCluster = () => new lib.MeshCluster(chart(), 'mc', {
  mesh: new lib.IstioMultiCluster({ meshId: 'm' }),
  clusterName: 'a',
  network: 'n',
  caSecret: kplus.Secret.fromSecretName(chart(), 'ca', 'cacerts'),
  gatewaySourceRanges: ['198.51.100.0/24'],
});
const globalService = () => new lib.GlobalService(fleet(), 'gs', { name: 'web', namespace: 'shop', port: 80, selector: { app: 'web' } });
const opts = { ports: [Port.tcp(80)] };

/** Valid calls, keyed `Class.method` (static) or `Class#method` (instance). */
const ROWS: Record<string, Row> = {
  'ApplyOrder.problems': { args: () => [[]] },
  'ApplyOrder.sort': { args: () => [[]] },
  'CertIssuer.clusterIssuer': { args: () => ['le'] },
  'CertIssuer.issuer': { args: () => ['le'] },
  'Cidr.allocate': { args: () => [cidr(), 16, []] },
  'Cidr.compare': { args: () => [cidr(), cidr()] },
  'Cidr.containing': { args: () => ['10.1.2.3', 16] },
  'Cidr.exclude': { args: () => [cidr(), [Cidr.of('10.1.0.0/16')]] },
  'Cidr.of': { args: () => ['10.0.0.0/8'] },
  'Cidr#contains': { self: cidr, args: () => [cidr()] },
  'Cidr#containsAddress': { self: cidr, args: () => ['10.1.2.3'] },
  'Cidr#isEqual': { self: cidr, args: () => [cidr()] },
  'Cidr#overlaps': { self: cidr, args: () => [cidr()] },
  'DeliveryOrder.groupOf': { args: () => ['apps/v1'] },
  'DeliveryOrder.isClusterScoped': { args: () => ['v1', 'Namespace'] },
  'DeliveryOrder.syncWaveOf': { args: () => [lib.DeliveryTier.WORKLOAD] },
  'DeliveryOrder.tierOf': { args: () => ['v1', 'Namespace'] },
  'ChartApplyMethod.of': { args: () => [chart()] },
  'ChartApplyMethod.set': { args: () => [chart(), lib.ApplyMethod.SERVER_SIDE] },
  'Enforcement.auditNamespaces': { args: () => [chart()] },
  'Enforcement.explicit': { args: () => [chart()] },
  'Enforcement.heldBack': { args: () => [chart()] },
  'Enforcement.namespaceMode': { args: () => [chart(), 'shop'] },
  'Enforcement.resolve': { args: () => [chart()] },
  'Enforcement.set': { args: () => [chart(), lib.EnforcementMode.AUDIT] },
  'Enforcement.setNamespace': { args: () => [chart(), 'shop', lib.EnforcementMode.AUDIT] },
  'ArgoCdDelivery#reconcilerManifests': { self: () => { const f = fleet(); return new lib.ArgoCdDelivery(new Chart(f.node.root as App, 'g'), 'd', { fleet: f, repoUrl: 'https://g.example/r.git', serviceAccountName: 'r' }); }, args: () => ['a'] },
  'FluxDelivery#reconcilerManifests': { self: () => { const f = fleet(); return new lib.FluxDelivery(new Chart(f.node.root as App, 'g'), 'd', { fleet: f, repoUrl: 'https://g.example/r.git', serviceAccountName: 'r' }); }, args: () => ['a'] },
  'EnforcementReport.compare': { args: () => ['a', [], []] },
  'EnforcementReport.of': { args: () => [chart()] },
  'Fleet.of': { args: () => [fleet()] },
  'Fleet#cluster': { self: fleet, args: () => ['a'] },
  'Fleet#kindConfig': { self: fleet, args: () => ['a'] },
  'Fleet#manifests': { self: fleet, args: () => ['a'] },
  'Fleet#objects': { self: fleet, args: () => ['a'] },
  'FlowProof.optOut': { args: () => [chart(), 'tested elsewhere'] },
  'FlowProof.optOutReason': { args: () => [chart()] },
  'GlobalService#secureGatewayIn': { self: globalService, args: () => ['a'] },
  'ManifestYaml.stringify': { args: () => [[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]] },
  'ReachabilityAnalyzer#decisions': { self: analyzer2, args: () => ['shop/web', 'shop/web'] },
  'Fleet#tryCluster': { self: fleet, args: () => ['a'] },
  'Flow.compare': { args: () => [Flows.of(chart()).allow(pods('x'), pods('y'), opts), Flows.of(chart()).allow(pods('x'), pods('z'), opts)] },
  'GatewayImplementation.custom': { args: () => [{ className: 'c', namespace: 'gw', podLabels: { app: 'gw' } }] },
  'GatewayImplementation.envoyGateway': { args: () => [{}] },
  'GatewayImplementation.istio': { args: () => [{}] },
  'GatewayImplementation.nginxGatewayFabric': { args: () => [{}] },
  'GuardrailException.of': { args: () => [{ namespace: 'vpn' }] },
  'IngressController.custom': { args: () => [{ className: 'c', namespace: 'ingress', podLabels: { app: 'c' } }] },
  'IngressController.istio': { args: () => [{}] },
  'IngressController.nginx': { args: () => [{}] },
  'Peer.dns': { args: () => [{}] },
  'FleetCrds.definition': { args: () => [lib.FleetCrdKind.FAILOVER_POLICY] },
  'FleetCrds.ensure': { args: () => [chart(), lib.FleetCrdKind.FAILOVER_POLICY] },
  'FleetCrds.fileName': { args: () => [lib.FleetCrdKind.FAILOVER_POLICY] },
  'FleetCrds.yaml': { args: () => [lib.FleetCrdKind.FAILOVER_POLICY] },
  'FailoverPolicy#readinessProbe': { self: () => new lib.FailoverPolicy(fleet(), 'fo', { name: 'fo', primaryCluster: 'a', secondaryClusters: ['b'] }), args: () => [8080] },
  'Flows.of': { args: () => [chart()] },
  'Flows#allow': { self: () => Flows.of(chart()), args: () => [pods('x'), pods('y'), opts] },
  'Flows#isManaged': { self: () => Flows.of(chart()), args: () => ['shop'] },
  'Flows#manageNamespace': { self: () => Flows.of(chart()), args: () => ['shop'] },
  'GatewayCertificate.certManager': { args: () => [lib.CertIssuer.issuer('le')] },
  'GatewayCertificate.certManagerShim': { args: () => [lib.CertIssuer.issuer('le')] },
  'GatewayCertificate.fromSecret': { args: () => ['tls'] },
  'GlobalService#kplusServiceIn': { self: globalService, args: () => ['a'] },
  'GlobalService#secureIngressIn': { self: globalService, args: () => ['a'] },
  'GlobalService#serviceIn': { self: globalService, args: () => ['a'] },
  'GslbStrategy.failover': { args: () => ['eu'] },
  'GuardrailException.ingressController': { args: () => ['ingress', { app: 'nginx' }] },
  'GuardrailException.logShipper': { args: () => ['logging', { app: 'fluentd' }] },
  'GuardrailException.vpnGateway': { args: () => ['vpn'] },
  'HelmChart.fromApp': { args: () => [new App()] },
  'HelmChart.fromChart': { args: () => [chart()] },
  'IngressBackend.fromService': { args: () => [new kplus.Service(chart(), 's', { ports: [{ port: 80 }] })] },
  'IngressBackend.fromWorkload': { args: () => [deployment()] },
  'IngressCertificate.certManager': { args: () => [lib.CertIssuer.issuer('le')] },
  'IngressCertificate.certManagerShim': { args: () => [lib.CertIssuer.issuer('le')] },
  'IngressCertificate.fromSecret': { args: () => ['tls'] },
  'MeshAuthorization#addPolicy': {
    self: () => new lib.MeshAuthorization(chart(), 'a', { namespace: 'shop' }),
    args: () => ['p', lib.MeshAction.ALLOW, { rules: [{ methods: ['GET'] }] }],
  },
  'MeshAuthorization#allow': { self: () => new lib.MeshAuthorization(chart(), 'a', { namespace: 'shop' }), args: () => ['p', { rules: [{ methods: ['GET'] }] }] },
  'MeshAuthorization#audit': { self: () => new lib.MeshAuthorization(chart(), 'a', { namespace: 'shop' }), args: () => ['p', { rules: [{ methods: ['GET'] }] }] },
  'MeshAuthorization#deny': { self: () => new lib.MeshAuthorization(chart(), 'a', { namespace: 'shop' }), args: () => ['p', { rules: [{ methods: ['GET'] }] }] },
  'MeshCluster#allowFromEastWestGateway': { self: meshCluster, args: () => [pods('shop'), opts] },
  'MeshChecks.optOut': { args: () => [chart(), 'tested elsewhere'] },
  'MeshChecks.optOutReason': { args: () => [chart()] },
  'MeshIdentity.fromServiceAccount': { args: () => [new kplus.ServiceAccount(chart(), 'sa', { metadata: { namespace: 'shop' } })] },
  'MeshIdentity.fromWorkload': { args: () => [withSa()] },
  'MeshIdentity.of': { args: () => ['shop', 'web'] },
  'MeshIdentity#principal': { self: () => lib.MeshIdentity.of('shop', 'web'), args: () => ['cluster.local'] },
  'MeshIdentity#spiffeId': { self: () => lib.MeshIdentity.of('shop', 'web'), args: () => ['cluster.local'] },
  'MeshSource.identities': { args: () => [[lib.MeshIdentity.of('shop', 'web')]] },
  'MeshSource.identity': { args: () => [lib.MeshIdentity.of('shop', 'web')] },
  'MeshSource.ipBlocks': { args: () => [['10.0.0.0/8']] },
  'MeshSource.namespace': { args: () => ['shop'] },
  'MeshSource.namespaces': { args: () => [['shop']] },
  'MeshSource.principals': { args: () => [['cluster.local/ns/shop/sa/web']] },
  'MeshSource.serviceAccount': { args: () => [new kplus.ServiceAccount(chart(), 'sa', { metadata: { namespace: 'shop' } })] },
  'MeshSource.workload': { args: () => [withSa()] },
  'MtlsMesh#allow': { self: () => new lib.MtlsMesh(chart(), 'm'), args: () => [pods('x'), pods('y'), opts] },
  'MtlsMesh#excludeWorkload': { self: () => new lib.MtlsMesh(chart(), 'm'), args: () => [deployment()] },
  'MtlsMesh#namespaceMtls': { self: () => new lib.MtlsMesh(chart(), 'm'), args: () => ['shop', lib.MtlsMode.STRICT] },
  'MtlsMesh#protectNamespace': { self: () => new lib.MtlsMesh(chart(), 'm'), args: () => ['shop'] },
  'MtlsMesh#workloadMtls': { self: () => new lib.MtlsMesh(chart(), 'm'), args: () => [deployment()] },
  'ObserveReport.fromTexts': { args: () => [{}, []] },
  'OtelCollector#addExporter': { self: () => new lib.OtelCollector(chart(), 'o'), args: () => ['debug', {}] },
  'OtelCollector#addProcessor': { self: () => new lib.OtelCollector(chart(), 'o'), args: () => ['batch/x', {}] },
  'OtelCollector#addReceiver': { self: () => new lib.OtelCollector(chart(), 'o'), args: () => ['otlp/x', {}] },
  'OtelCollector#allowTelemetryFrom': { self: () => new lib.OtelCollector(chart(), 'o'), args: () => [pods('shop')] },
  'Peer.cidr': { args: () => ['192.0.2.0/24'] },
  'Peer.fromNetworkPolicyPeer': { args: () => [deployment()] },
  'Peer.kubeApiServer': { args: () => [['192.0.2.10/32']] },
  'Peer.namespaceByName': { args: () => ['shop'] },
  'Peer.namespacesByLabels': { args: () => [{ team: 'a' }] },
  'Peer.pods': { args: () => [{ app: 'x' }] },
  'Peer.workload': { args: () => [deployment()] },
  'PolicySplit.fromManifests': { args: () => [[]] },
  'PolicySplit.of': { args: () => [chart()] },
  'PolicySplit#appsChart': { self: () => lib.PolicySplit.fromManifests([]), args: () => ['apps'] },
  'PolicySplit#policiesChart': { self: () => lib.PolicySplit.fromManifests([]), args: () => ['policies'] },
  'Port.all': { args: () => [Protocol.TCP] },
  'Port.compare': { args: () => [Port.tcp(80), Port.tcp(81)] },
  'Port.named': { args: () => ['http'] },
  'Port.of': { args: () => [Protocol.TCP, 80] },
  'Port.parse': { args: () => ['tcp/80'] },
  'Port.range': { args: () => [Protocol.TCP, 80, 90] },
  'Port.sctp': { args: () => [80] },
  'Port.tcp': { args: () => [80] },
  'Port.tcpRange': { args: () => [80, 90] },
  'Port.udp': { args: () => [53] },
  'Port.udpRange': { args: () => [53, 60] },
  'Port#contains': { self: () => Port.tcp(80), args: () => [Port.tcp(80)] },
  'Port#isEqual': { self: () => Port.tcp(80), args: () => [Port.tcp(80)] },
  'Port#matches': { self: () => Port.tcp(80), args: () => [Protocol.TCP, 80] },
  'ReachabilityAnalyzer.diff': { args: () => [analyzer(), analyzer()] },
  'ReachabilityAnalyzer.fromObjects': { args: () => [[]] },
  'ReachabilityAnalyzer#explain': { self: analyzer2, args: () => ['shop/web', 'shop/web'] },
  'ReachabilityAnalyzer#isAllowed': { self: analyzer2, args: () => ['shop/web', 'shop/web'] },
  'ReachabilityAnalyzer#toDot': { self: analyzer, args: () => [{}] },
  'ReachabilityAnalyzer#toJsonSummary': { self: analyzer, args: () => [{}] },
  'ReachabilityAnalyzer#toMarkdown': { self: analyzer, args: () => [{}] },
  'ReachabilityAnalyzer#toMermaid': { self: analyzer, args: () => [{}] },
  'ReachabilityAssertions#assertAllowed': { self: () => new lib.ReachabilityAssertions(openAnalyzer()), args: () => ['shop/web', '203.0.113.7'] },
  'ReachabilityAssertions#assertDenied': { self: () => new lib.ReachabilityAssertions(analyzer2()), args: () => ['203.0.113.7', 'shop/web'] },
  'ReachabilityAssertions#assertExactly': { self: () => new lib.ReachabilityAssertions(analyzer()), args: () => [[]] },
  'SecureGateway#routesFor': {
    self: () => new lib.SecureGateway(chart(), 'gw', {
      name: 'shop',
      namespace: 'edge',
      routes: [{ host: 'shop.example.com', backend: lib.IngressBackend.fromService(new kplus.Service(chart(), 's', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] })) }],
      certificate: lib.GatewayCertificate.fromSecret('shop-tls'),
    }),
    args: () => ['shop.example.com'],
  },
  'Tunable.flag': { args: () => ['a.b', true] },
  'Tunable.integer': { args: () => ['a.b', 1] },
  'Tunable.number': { args: () => ['a.b', 1.5] },
  'Tunable.string': { args: () => ['a.b', 'x'] },
  'WireguardMesh#allowedIps': { self: () => new lib.WireguardMesh({ sites: sites() }), args: () => ['a'] },
  'WireguardMesh#listenPort': { self: () => new lib.WireguardMesh({ sites: sites() }), args: () => ['a'] },
  'WireguardMesh#privateKeySecretKey': { self: () => new lib.WireguardMesh({ sites: sites() }), args: () => ['a'] },
  'WireguardMesh#privateKeySecretName': { self: () => new lib.WireguardMesh({ sites: sites() }), args: () => ['a'] },
  'WireguardMesh#renderConfig': { self: () => new lib.WireguardMesh({ sites: sites() }), args: () => ['a'] },
  'WireguardMesh#tunnelAddress': { self: () => new lib.WireguardMesh({ sites: sites() }), args: () => ['a'] },
  'ZeroTrustNamespace#allowFrom': { self: nsOf, args: () => [pods('x'), opts] },
  'ZeroTrustNamespace#allowInternet': { self: nsOf, args: () => [Peer.pods({ app: 'web' }), opts] },
  'ZeroTrustNamespace#allowTo': { self: nsOf, args: () => [pods('x'), opts] },
  'ZeroTrustNamespace#harden': { self: nsOf, args: () => [deployment()] },
  'ZeroTrustNamespace#pods': { self: nsOf, args: () => [{ app: 'web' }] },
};

/** Methods not driven here, with the reason (each is covered elsewhere or takes any value by design). */
const SKIPPED: Record<string, string> = {
  'ValidationError.render': 'renders any value for a message',
  'Errors.isValidationError': 'a predicate over any value',
  'Names.isDns1123Label': 'a predicate: false for non-strings (tested below)',
  'Names.isDns1123Subdomain': 'a predicate: false for non-strings (tested below)',
  'Names.isHostname': 'a predicate: false for non-strings (tested below)',
  'Names.isLabelKey': 'a predicate: false for non-strings (tested below)',
  'Names.isLabelValue': 'a predicate: false for non-strings (tested below)',
  'Names.isPortName': 'a predicate: false for non-strings (tested below)',
  'Tunable.isTunable': 'a predicate over any value',
  'SyncWaves.waveOf': 'reads any object (a manifest): tested in test/gitops',
  'Tunable.bindFormat': 'binds into any target object: tested in test/helm',
  'Tunable#bindTo': 'binds into any target object: tested in test/helm',
  'ObserveReport.fromFiles': 'reads files: test/observe covers missing and malformed files (fromTexts is driven here)',
  'ReachabilityAnalyzer.fromPaths': 'reads files: the CLI input tests cover wrong paths',
  'HelmChart.writeApp': 'writes files: test/helm covers bad output directories',
  'HelmChart#write': 'writes files: test/helm covers bad output directories',
  'Fleet#synthClusters': 'writes files: test/fleet covers it',
  'PolicySplit.writeFleet': 'writes files: test/rollout covers it',
  'PolicySplit#write': 'writes files: test/rollout covers it',
  'SyncWaves.apply': 'takes a Chart: the wrong-instance case is the same check as Flows.of',
  'EnforcementReport#auditObjects': 'needs a synthesized fleet: test/rollout',
  'EnforcementReport#enforcedObjects': 'needs a synthesized fleet: test/rollout',
  'EnforcementReport#toJson': 'options are AnalyzerOptions, checked in ReachabilityAnalyzer.fromObjects',
  'EnforcementReport#toMarkdown': 'options are AnalyzerOptions, checked in ReachabilityAnalyzer.fromObjects',
  'EnforcementReport#wouldBlock': 'options are AnalyzerOptions, checked in ReachabilityAnalyzer.fromObjects',
  'Enforcement.holdBack': 'plumbing for renderers (HeldBackPolicy built by the library)',
  'Flows#addContributor': 'plumbing for your own renderers: an interface implemented by you',
  'Flows#addRenderer': 'plumbing for your own renderers: an interface implemented by you',
  'OtelCollector#addPipeline': 'its struct is checked by the props specs (COLLECTOR_PIPELINE)',
};

/**
 * Arguments checked by the method they are handed to, under that method's name for them (a peer
 * handed to `Flows.allow` is its `from` or `to`; a cluster name is the fleet's `cluster`).
 */
const ALIASES: Record<string, Record<string, string>> = {
  'ZeroTrustNamespace#allowFrom': { peer: 'from' },
  'ZeroTrustNamespace#allowTo': { peer: 'to' },
  'OtelCollector#allowTelemetryFrom': { source: 'from' },
  'MeshCluster#allowFromEastWestGateway': { to: 'to' },
  'Flows#allow': { source: 'from', destination: 'to' },
  'MtlsMesh#allow': { source: 'from', destination: 'to' },
  'Fleet#cluster': { name: 'cluster' },
  'Fleet#kindConfig': { name: 'cluster' },
  'Fleet#manifests': { name: 'cluster' },
};

/** What kind of value a parameter takes, from its TypeScript type. */
type Kind = 'string' | 'number' | 'boolean' | 'array' | 'map' | 'instance' | 'enum' | 'struct' | 'any';

interface Method {
  readonly key: string;
  readonly params: { name: string; kind: Kind; optional: boolean }[];
}

function kindOf(checker: ts.TypeChecker, type: ts.Type): Kind {
  const nonNull = checker.getNonNullableType(type);
  if (nonNull.flags & ts.TypeFlags.Any || nonNull.flags & ts.TypeFlags.Unknown) return 'any';
  if (nonNull.flags & ts.TypeFlags.StringLike) return 'string';
  if (nonNull.flags & ts.TypeFlags.NumberLike) return nonNull.flags & ts.TypeFlags.EnumLike ? 'enum' : 'number';
  if (nonNull.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  if (nonNull.flags & ts.TypeFlags.EnumLike || nonNull.isUnion()) return 'enum';
  if (checker.isArrayType(nonNull) || checker.isTupleType(nonNull)) return 'array';
  const sym = nonNull.getSymbol() ?? nonNull.aliasSymbol;
  if (sym && sym.flags & ts.SymbolFlags.Class) return 'instance';
  if (sym && sym.flags & ts.SymbolFlags.Interface && /^I[A-Z]/.test(sym.name)) return 'instance';
  if (checker.getIndexInfosOfType(nonNull).length > 0) return 'map';
  return 'struct';
}

function publicMethods(): Method[] {
  const root = path.join(__dirname, '..', '..');
  const program = ts.createProgram([path.join(root, 'src', 'index.ts')], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(root, 'src', 'index.ts'))!;
  const out: Method[] = [];
  for (const exp of checker.getExportsOfModule(checker.getSymbolAtLocation(index)!)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    if (!(sym.flags & ts.SymbolFlags.Class)) continue;
    const decl = sym.declarations!.find(ts.isClassDeclaration);
    if (!decl || decl.getSourceFile().fileName.includes('/imports/')) continue;
    for (const m of decl.members) {
      if (!ts.isMethodDeclaration(m) || m.parameters.length === 0 || !m.name || !ts.isIdentifier(m.name)) continue;
      const mods = ts.getCombinedModifierFlags(m);
      if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || m.name.text.startsWith('_')) continue;
      if (ts.getJSDocTags(m).some((t) => t.tagName.text === 'internal')) continue;
      const isStatic = (mods & ts.ModifierFlags.Static) !== 0;
      out.push({
        key: `${sym.name}${isStatic ? '.' : '#'}${m.name.text}`,
        params: m.parameters.map((p) => ({
          name: (p.name as ts.Identifier).text,
          kind: kindOf(checker, checker.getTypeAtLocation(p)),
          optional: p.questionToken !== undefined || p.initializer !== undefined,
        })),
      });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Wrong values per kind (what JavaScript callers get wrong). */
function wrongValues(kind: Kind, optional: boolean): unknown[] {
  const base = optional ? [] : [null];
  switch (kind) {
    case 'string': return [...base, 5, true, {}, ['a']];
    case 'number': return [...base, '80', true, {}, NaN];
    case 'boolean': return [...base, 'false', 1, {}];
    case 'array': return [...base, 'x', 5, {}, [null]];
    case 'map': return [...base, 'x', 5, [], { k: 5 }];
    case 'instance': return [...base, {}, 'x', 5, Duration.seconds(1)];
    case 'enum': return [...base, 'NOT_A_MEMBER', {}, true];
    case 'struct': return ['x', 5, true, []];
    case 'any': return [];
  }
}

function call(m: Method, row: Row, args: unknown[]): unknown {
  const [cls, name] = m.key.split(/[.#]/);
  const target = m.key.includes('#') ? row.self!() : (lib as any)[cls];
  return target[name](...args);
}

const METHODS = publicMethods();

describe('positional arguments: every public method refuses wrong runtime types with a ValidationError naming the argument', () => {
  test('every public method that takes arguments has a row or a documented skip', () => {
    expect(METHODS.length).toBeGreaterThan(100);
    const missing = METHODS.filter((m) => !ROWS[m.key] && !SKIPPED[m.key]).map((m) => m.key);
    expect(missing).toEqual([]);
    const stale = [...Object.keys(ROWS), ...Object.keys(SKIPPED)].filter((k) => !METHODS.some((m) => m.key === k));
    expect(stale).toEqual([]);
  });

  const driven = METHODS.filter((m) => ROWS[m.key]);
  test.each(driven.map((m) => [m.key, m]))('%s: valid arguments are accepted', (_k, m) => {
    expect(() => call(m, ROWS[m.key], ROWS[m.key].args())).not.toThrow();
  });

  test.each(driven.map((m) => [m.key, m]))('%s: each argument, each wrong type', (_k, m) => {
    const row = ROWS[m.key];
    const failures: string[] = [];
    m.params.forEach((p, i) => {
      for (const bad of wrongValues(p.kind, p.optional)) {
        const args = row.args();
        while (args.length < i) args.push(undefined);
        args[i] = bad;
        try {
          const err = expectAnyValidationError(() => call(m, row, args));
          const named = err.field.split(/[.[]/)[0];
          const alias = ALIASES[m.key]?.[p.name];
          if (named !== p.name && named !== alias && !(p.kind === 'struct' && err.field !== '')) failures.push(`${p.name}=${String(bad)}: error names ${err.field}`);
        } catch (e) {
          failures.push(`${p.name}=${JSON.stringify(bad) ?? String(bad)}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    });
    expect(failures).toEqual([]);
  });
});

describe('predicates answer false for wrong runtime types, never throw', () => {
  const predicates = METHODS.filter((m) => m.key.startsWith('Names.is'));
  test.each(predicates.map((m) => [m.key, m]))('%s', (_k, m) => {
    expect(predicates.length).toBeGreaterThanOrEqual(6);
    const fn = (lib.Names as any)[m.key.split('.')[1]];
    for (const bad of [null, undefined, 5, true, {}, ['a'], () => 'a']) expect(fn(bad)).toBe(false);
  });
});
