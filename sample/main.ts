/**
 * The main job (`npm run sample`): synthesizes the multi-region sample into `dist/sample/`
 * (`npm run sample -- --ambient`: the same shop on Istio ambient, into `dist/sample-ambient/`):
 *
 *   dist/sample/<cluster>/manifests.k8s.yaml   plain manifests (kubectl apply / Argo CD), with sync waves
 *   dist/sample/<cluster>/policies/, apps/     the same objects in two halves (Flux: policies first)
 *   dist/sample/<cluster>/chart/               the same objects as a Helm chart
 *   dist/sample/<cluster>/kind-config.yaml     `kind create cluster --config` (S13 CIDR plan)
 *   dist/sample/<cluster>/istio/operator.yaml  `istioctl install -f` (S14)
 *   dist/sample/<cluster>/istio/remote-secrets.sh  the istioctl commands that join the clusters
 *   dist/sample/reachability/<cluster>.{txt,md,mmd,dot,svg}  what may talk to what
 *   dist/sample/delivery/argocd.yaml           Argo CD ApplicationSet + AppProject over the cluster folders
 *   dist/sample/delivery/flux/<cluster>/       Flux GitRepository + the cluster's two Kustomizations + reconciler.yaml
 *   dist/sample/delivery/argocd-reconciler/    per cluster the identity Argo CD's syncs impersonate (apply to that cluster)
 *   dist/sample/rollout/<cluster>/manifests.k8s.yaml  the same fleet in AUDIT (deploy first on a running system)
 *   dist/sample/rollout/audit-report.{md,json} what AUDIT holds back and what enforcing would block
 *   dist/sample/rollout/observe-<cluster>.{md,json}, proposal-<cluster>.ts  what AUDIT observed
 *                                              (sample/observed/) against ENFORCE: the flows to add, proved
 *
 * then prints a short summary. Everything is rendered and checked before anything is written.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { buildDelivery, fluxObjectsOf } from './delivery';
import { buildEcommerce, SampleCluster } from './ecommerce';
import { observeClusters } from './observe';
import { ANALYZER_OPTIONS, assertDeclaredFlows, FOCUS, platformOnlyConnections, platformStandIns } from './platform';
import { DataPlane, EnforcementMode, EnforcementReport, HelmChart, PolicySplit, ReachabilityAnalyzer } from '../src';
import { EXPECTED_FLOWS } from '../test/sample/expected-flows';
import { ambientExpectedFlows, mergeExternal } from '../test/sample/expected-flows-ambient';
import { formatIssues, validateObjects } from '../test/util';

interface ClusterReport {
  readonly name: string;
  readonly objects: number;
  readonly kinds: { [kind: string]: number };
  readonly connections: number;
  readonly platformConnections: number;
  readonly analyzer: ReachabilityAnalyzer;
}

/** `dot` (Graphviz) on the PATH, or undefined. */
function findDot(): string | undefined {
  const r = spawnSync('dot', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? 'dot' : undefined;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: file.endsWith('.sh') ? 0o755 : 0o644 });
}

/** What `runSample` did. */
export interface SampleRun {
  /** The summary lines printed by `npm run sample`. */
  readonly summary: string[];
  /** Clusters whose allowed flows differ from the declared ones (with the difference). */
  readonly flowFailures: string[];
  /** Objects per cluster. */
  readonly objects: { [cluster: string]: number };
  /** The staged-rollout report of the fleet built in AUDIT. */
  readonly rollout: EnforcementReport;
}

/**
 * Synthesizes the sample into `outDir` (replacing it) and returns the summary.
 *
 * @param outDir the output folder, e.g. `dist/sample`
 * @param dataPlane the meshed namespaces' data plane (`--ambient`: DataPlane.AMBIENT)
 */
export function runSample(outDir: string, dataPlane: DataPlane = DataPlane.SIDECAR): SampleRun {
  const started = Date.now();
  const app = new App();
  const sample = buildEcommerce(app, { dataPlane });
  const fleet = sample.fleet;
  const delivery = buildDelivery(app, fleet);

  // 1. render and validate everything first (no partial output on error)
  const manifests = new Map<string, string>();
  for (const c of sample.clusters) {
    manifests.set(c.cluster.name, fleet.manifests(c.cluster.name));
  }
  // every object against the Kubernetes 1.27 and 1.33 schemas and the CRD schemas
  let objectCount = 0;
  const splits = new Map<string, PolicySplit>();
  for (const c of sample.clusters) {
    const objs = c.chart.toJson();
    objectCount += objs.length;
    const issues = validateObjects(objs);
    if (issues.length > 0) {
      throw new Error(`${c.cluster.name}: schema validation failed:\n${formatIssues(issues)}`);
    }
    // Flux: the policies half (Namespaces, CRDs, policies, guardrails) before the apps half
    splits.set(c.cluster.name, PolicySplit.fromManifests(objs));
  }
  // the delivery objects (Argo CD, Flux) against the CRD schemas too
  const argoObjects = delivery.argoChart.toJson();
  const fluxObjects = new Map(sample.clusters.map((c) => [c.cluster.name, fluxObjectsOf(delivery, c.cluster.name)]));
  const reconcilers = new Map(sample.clusters.map((c) => [c.cluster.name, {
    flux: delivery.flux.reconcilerManifests(c.cluster.name), argo: delivery.argo.reconcilerManifests(c.cluster.name),
  }]));
  let deliveryCount = 0;
  const reconcilerObjects = [...reconcilers.values()].flatMap((r) => [...r.flux, ...r.argo]);
  for (const [name, objs] of [['argocd', argoObjects], ['flux', delivery.fluxChart.toJson()], ['reconciler', reconcilerObjects]] as Array<[string, any[]]>) {
    deliveryCount += objs.length;
    const issues = validateObjects(objs);
    if (issues.length > 0) {
      throw new Error(`delivery ${name}: schema validation failed:\n${formatIssues(issues)}`);
    }
  }
  const charts = new Map<string, HelmChart>();
  for (const c of sample.clusters) {
    charts.set(c.cluster.name, HelmChart.fromChart(c.chart, {
      name: `shop-${c.cluster.name}`,
      description: `The multi-region shop, cluster ${c.cluster.name} (cdk8s-zero-trust sample)`,
    }));
  }

  // the staged rollout: the same fleet built again, all of it in AUDIT
  const audit = buildEcommerce(new App(), { enforcement: EnforcementMode.AUDIT, dataPlane });
  const auditManifests = new Map<string, string>();
  let auditCount = 0;
  for (const c of audit.clusters) {
    auditManifests.set(c.cluster.name, audit.fleet.manifests(c.cluster.name));
    const objs = c.chart.toJson();
    auditCount += objs.length;
    const issues = validateObjects(objs);
    if (issues.length > 0) {
      throw new Error(`${c.cluster.name} (AUDIT): schema validation failed:\n${formatIssues(issues)}`);
    }
  }
  // the platform stand-ins on both sides: connections to and from CoreDNS, istiod, the collectors, ... are reported too
  const report = EnforcementReport.of(audit.fleet, { extraObjects: platformStandIns(dataPlane), analyzerOptions: ANALYZER_OPTIONS });
  const reportJson = report.toJson();
  const reportMarkdown = report.toMarkdown();
  const blocked = (JSON.parse(reportJson).clusters as any[]).reduce((n, c) => n + c.wouldBlock.length, 0);
  const observed = observeClusters(sample.clusters, dataPlane);

  // 2. write each cluster's folder
  fs.rmSync(outDir, { recursive: true, force: true });
  const reports: ClusterReport[] = [];
  for (const c of sample.clusters) {
    const dir = path.join(outDir, c.cluster.name);
    write(path.join(dir, 'manifests.k8s.yaml'), manifests.get(c.cluster.name)!);
    write(path.join(dir, 'kind-config.yaml'), fleet.kindConfig(c.cluster.name));
    charts.get(c.cluster.name)!.write(path.join(dir, 'chart'));
    splits.get(c.cluster.name)!.write(dir);
    for (const [file, text] of Object.entries(c.extraFiles)) {
      write(path.join(dir, file), text);
    }
    reports.push(analyze(c, dataPlane));
  }
  const ddir = path.join(outDir, 'delivery');
  write(path.join(ddir, 'argocd.yaml'), Yaml.stringify(...argoObjects));
  for (const [name, objs] of fluxObjects) {
    write(path.join(ddir, 'flux', name, 'shop.yaml'), Yaml.stringify(...objs));
  }
  // the least-privilege identity each cluster's sync impersonates, applied before the first sync
  for (const [name, objs] of reconcilers) {
    write(path.join(ddir, 'flux', name, 'reconciler.yaml'), Yaml.stringify(...objs.flux));
    write(path.join(ddir, 'argocd-reconciler', `${name}.yaml`), Yaml.stringify(...objs.argo));
  }
  const rollout = path.join(outDir, 'rollout');
  for (const [name, text] of auditManifests) {
    write(path.join(rollout, name, 'manifests.k8s.yaml'), text);
  }
  write(path.join(rollout, 'audit-report.md'), reportMarkdown + '\n');
  write(path.join(rollout, 'audit-report.json'), reportJson + '\n');
  for (const [name, o] of observed) {
    write(path.join(rollout, `observe-${name}.md`), o.toText() + '\n');
    write(path.join(rollout, `observe-${name}.json`), o.toJson() + '\n');
    write(path.join(rollout, `proposal-${name}.ts`), o.proposalCode() + '\n');
  }
  // the allowed flows are exactly the declared ones (test/sample/expected-flows.ts)
  const flowFailures: string[] = [];
  for (const r of reports) {
    try {
      if (dataPlane === DataPlane.SIDECAR) assertDeclaredFlows(r.analyzer, EXPECTED_FLOWS[r.name] ?? []);
      else assertAmbientFlows(r.analyzer, r.name);
    } catch (e) {
      flowFailures.push(`${r.name}: ${(e as Error).message}`);
    }
  }

  // 3. the reachability report
  const dot = findDot();
  const rdir = path.join(outDir, 'reachability');
  const index: string[] = ['# Reachability of the sample', '',
    'Computed by `ReachabilityAnalyzer` from each cluster\'s manifests plus stand-ins for the pods',
    'other installers create (CoreDNS, istiod, the east-west gateway, the collector pods, Jaeger,',
    'Elasticsearch; see `sample/platform.ts`).', ''];
  for (const r of reports) {
    write(path.join(rdir, `${r.name}.txt`), r.analyzer.toText() + '\n');
    // issue 28: with cluster-wide tier policies, which tier and policy denied what
    const denied = r.analyzer.deniedByTiers();
    const tiers = denied.length ? `\n## Denied by a cluster-wide policy tier\n\n${denied.map((l) => `- \`${l}\``).join('\n')}\n` : '';
    write(path.join(rdir, `${r.name}.md`), `# ${r.name}\n\n${r.analyzer.toMarkdown()}\n${tiers}`);
    write(path.join(rdir, `${r.name}.mmd`), r.analyzer.toMermaid() + '\n');
    const full = r.analyzer.toDot();
    write(path.join(rdir, `${r.name}.dot`), full + '\n');
    write(path.join(rdir, `${r.name}.flows.dot`), r.analyzer.toDot(FOCUS) + '\n');
    if (dot) {
      for (const base of [r.name, `${r.name}.flows`]) {
        execFileSync(dot, ['-Tsvg', '-o', path.join(rdir, `${base}.svg`), path.join(rdir, `${base}.dot`)]);
        execFileSync(dot, ['-Tpng', '-o', path.join(rdir, `${base}.png`), path.join(rdir, `${base}.dot`)]);
      }
    }
    index.push(`## ${r.name}`, '',
      dot ? `![${r.name}: the flows of our namespaces](./${r.name}.flows.svg)` : `(diagrams: \`${r.name}.flows.dot\`, \`${r.name}.mmd\`)`, '',
      `Every connection, platform pods included: [${r.name}.svg](./${r.name}.svg) (Graphviz), [${r.name}.mmd](./${r.name}.mmd) (Mermaid), `
      + `matrix [${r.name}.md](./${r.name}.md), list [${r.name}.txt](./${r.name}.txt).`, '');
  }
  write(path.join(rdir, 'README.md'), index.join('\n'));

  // 4. summary
  const summary: string[] = [];
  const rel = path.relative(process.cwd(), outDir) || '.';
  summary.push(`cdk8s-zero-trust sample: ${sample.clusters.length} clusters -> ${rel}/`);
  for (const r of reports) {
    const top = Object.entries(r.kinds).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 4).map(([k, n]) => `${n} ${k}`).join(', ');
    summary.push(`  ${r.name.padEnd(12)} ${String(r.objects).padStart(4)} objects (${top}, ...); `
      + `${r.connections} flows allowed (+${r.platformConnections} among platform pods)`);
  }
  const declared = reports.length - flowFailures.length;
  summary.push(`  checks: ${objectCount}/${objectCount} objects schema-valid (Kubernetes 1.27 + 1.33, CRDs) + ${deliveryCount} delivery + ${auditCount} AUDIT objects; `
    + `${charts.size} Helm charts; allowed flows == declared flows in ${declared}/${reports.length} clusters`
    + `${dataPlane === DataPlane.SIDECAR ? '' : ' (the sidecar list with ambient\'s own differences: test/sample/expected-flows-ambient.ts)'}`);
  const half = (c: string) => splits.get(c)!;
  summary.push(`  delivery: Argo CD ${rel}/delivery/argocd.yaml (sync waves -2/-1/0); `
    + `Flux ${rel}/delivery/flux/<cluster>/ (policies/ ${sample.clusters.map((c) => half(c.cluster.name).policies.length).join('/')} objects before apps/ ${sample.clusters.map((c) => half(c.cluster.name).apps.length).join('/')} objects)`);
  summary.push(`  rollout: AUDIT holds back ${report.heldBack.length} policies (+${report.auditOnly.length} audit-only); `
    + `enforcing blocks ${blocked} connections -> ${rel}/rollout/audit-report.md`);
  for (const [name, o] of observed) {
    summary.push(`  observe ${name}: enforcing would block ${o.wouldBlock.length} observed connections; ${o.proposal.length} proposed lines, `
      + `proof ${o.proof.allowedAfter}/${o.proof.blockedBefore} allowed, ${o.proof.unobservedOpened.length} opened beyond -> ${rel}/rollout/observe-${name}.md`);
  }
  summary.push(`  diagrams: ${dot ? `${rel}/reachability/<cluster>.flows.svg and <cluster>.svg (Graphviz)` : 'Graphviz `dot` not found: wrote .dot and .mmd only (apt-get install graphviz)'}`);
  summary.push(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const objects: { [cluster: string]: number } = {};
  for (const r of reports) {
    objects[r.name] = r.objects;
  }
  return { summary, flowFailures, objects, rollout: report };
}

/** Throws unless the ambient build's allowed flows are exactly its expected ones (external ranges merged). */
function assertAmbientFlows(analyzer: ReachabilityAnalyzer, cluster: string): void {
  const platform = new Set(platformOnlyConnections(analyzer));
  const ours = mergeExternal(analyzer.connections().filter((c) => !platform.has(`${c.src} => ${c.dst}`)).map((c) => `${c.src} => ${c.dst} : ${c.conns}`));
  const expected = ambientExpectedFlows(cluster);
  const diff = [...ours.filter((l) => !expected.includes(l)).map((l) => `+ ${l}`), ...expected.filter((l) => !ours.includes(l)).map((l) => `- ${l}`)];
  if (diff.length > 0) throw new Error(`allowed connections differ from the declared set:\n${diff.join('\n')}`);
}

/** The reachability of one cluster: its manifests plus the platform stand-ins (of the sample's data plane). */
export function analyze(c: SampleCluster, dataPlane: DataPlane = DataPlane.SIDECAR): ClusterReport {
  const objects = c.chart.toJson();
  const kinds: { [kind: string]: number } = {};
  for (const o of objects) {
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  }
  const analyzer = ReachabilityAnalyzer.fromObjects([...objects, ...platformStandIns(dataPlane)], ANALYZER_OPTIONS);
  const platform = platformOnlyConnections(analyzer).length;
  return {
    name: c.cluster.name,
    objects: objects.length,
    kinds,
    connections: analyzer.connections().length - platform,
    platformConnections: platform,
    analyzer,
  };
}

if (require.main === module) {
  // `npm run sample -- --ambient [outDir]`: the same shop on Istio ambient, into dist/sample-ambient
  const args = process.argv.slice(2);
  const ambient = args.includes('--ambient');
  const outDir = args.find((a) => !a.startsWith('--')) ?? path.join('dist', ambient ? 'sample-ambient' : 'sample');
  const run = runSample(path.resolve(outDir), ambient ? DataPlane.AMBIENT : DataPlane.SIDECAR);
  console.log(run.summary.join('\n'));
  if (run.flowFailures.length > 0) {
    console.error(run.flowFailures.join('\n'));
    process.exitCode = 1;
  }
}
