import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { ApplyOrder } from '../core';
import { YamlWriter } from '../core/yaml-writer';
import { Fleet } from '../fleet';
import { DeliveryOrder, DeliveryTier } from './delivery-order';
import { manifestsOf } from './internal';
import { checkArgs, t } from '../core/props-check';

/** The file each half is written to inside its folder. */
const FILE = 'manifests.k8s.yaml';

/**
 * A cluster's output split in two by {@link DeliveryOrder}: `policies` (Namespaces, CRDs and
 * every policy and guardrail) and `apps` (everything else). Flux delivers them as two
 * Kustomizations (or HelmReleases), the apps one `dependsOn` the policies one, so no workload is
 * applied before the default-deny policies are ready.
 */
export class PolicySplit {
  /**
   * Splits a chart's manifests (runs the chart's validations first); each half is in
   * {@link ApplyOrder}.
   *
   * @param chart the cluster's chart (e.g. `fleet.cluster('asia-east').chart`)
   */
  public static of(chart: Chart): PolicySplit {
    checkArgs('PolicySplit.of', ['chart', chart, t.required(t.instanceOf('Chart', () => Chart))]);
    return PolicySplit.fromManifests(manifestsOf(chart));
  }

  /**
   * Splits a list of manifest objects (JSON, as `chart.toJson()` returns them); each half is
   * in {@link ApplyOrder}.
   *
   * @param manifests the objects
   */
  public static fromManifests(manifests: any[]): PolicySplit {
    checkArgs('PolicySplit.fromManifests', ['manifests', manifests, t.required(t.arrayOf(t.any()))]);
    const policies: any[] = [];
    const apps: any[] = [];
    for (const o of manifests) {
      (DeliveryOrder.tierOf(String(o?.apiVersion), String(o?.kind)) === DeliveryTier.WORKLOAD ? apps : policies).push(o);
    }
    return new PolicySplit(ApplyOrder.sort(policies), ApplyOrder.sort(apps));
  }

  /**
   * Writes each cluster's split to `<outdir>/<cluster>/policies/manifests.k8s.yaml` and
   * `<outdir>/<cluster>/apps/manifests.k8s.yaml` (the layout {@link FluxDelivery} reads with
   * its default `pathTemplate` under `outdir`). Everything is rendered before anything is written.
   *
   * @param fleet the fleet
   * @param outdir the output folder
   * @returns the files written, in cluster order (policies before apps)
   */
  public static writeFleet(fleet: Fleet, outdir: string): string[] {
    const rendered = fleet.clusters.map((c) => ({ dir: path.join(outdir, c.name), split: PolicySplit.of(c.chart) }));
    return rendered.flatMap((r) => r.split.write(r.dir));
  }

  private static chartOf(id: string, objs: any[]): Chart {
    const chart = new Chart(new App(), id, { disableResourceNameHashes: true });
    objs.forEach((o, i) => new ApiObject(chart, `o${i}`, JSON.parse(JSON.stringify(o))));
    return chart;
  }

  /**
   * Namespaces, CRDs, policies and guardrails, in apply order.
   */
  public readonly policies: any[];

  /**
   * Everything else (workloads, Services, ConfigMaps, operators' custom resources), in apply order.
   */
  public readonly apps: any[];

  private constructor(policies: any[], apps: any[]) {
    this.policies = policies;
    this.apps = apps;
  }

  /**
   * The policies half as multi-document YAML.
   */
  public policiesYaml(): string {
    return new YamlWriter((d) => Yaml.stringify(d)).stringify(...this.policies);
  }

  /**
   * The apps half as multi-document YAML.
   */
  public appsYaml(): string {
    return new YamlWriter((d) => Yaml.stringify(d)).stringify(...this.apps);
  }

  /**
   * Writes `<dir>/policies/manifests.k8s.yaml` and `<dir>/apps/manifests.k8s.yaml`.
   *
   * @param dir the cluster's folder
   * @returns the two files written
   */
  public write(dir: string): string[] {
    const files = [
      { file: path.join(dir, 'policies', FILE), text: this.policiesYaml() },
      { file: path.join(dir, 'apps', FILE), text: this.appsYaml() },
    ];
    for (const f of files) {
      fs.mkdirSync(path.dirname(f.file), { recursive: true });
      fs.writeFileSync(f.file, f.text);
    }
    return files.map((f) => f.file);
  }

  /**
   * A new chart (in its own App) holding the policies half as plain objects, e.g. to write it as
   * a Helm chart with `HelmChart.fromChart`. Values are the synthesized ones (no Helm tunables).
   *
   * @param id the chart id (the Helm chart's default name)
   */
  public policiesChart(id: string): Chart {
    checkArgs('PolicySplit.policiesChart', ['id', id, t.required(t.str())]);
    return PolicySplit.chartOf(id, this.policies);
  }

  /**
   * A new chart (in its own App) holding the apps half as plain objects.
   *
   * @param id the chart id (the Helm chart's default name)
   */
  public appsChart(id: string): Chart {
    checkArgs('PolicySplit.appsChart', ['id', id, t.required(t.str())]);
    return PolicySplit.chartOf(id, this.apps);
  }

}
