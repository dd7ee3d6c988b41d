/**
 * The reachability analyzer on generated clusters: `pods` single-replica Deployments (one pod
 * each) in zero-trust namespaces, with the fleet model's policies (default-deny, DNS, istiod,
 * per-service allows, ingress, Istio mTLS and L7 ALLOW rules).
 *
 * Input generation and analysis run in different child processes so that the analysis's peak
 * RSS is not the generator's.
 */
import * as fs from 'fs';
import { App, Chart } from 'cdk8s';
import { fleetModelObjects } from './analyzer-fleet-model';
import { populateCluster } from './fleet-model';
import { gc, median, peakRssMiB, rssMiB, timed } from './measure';
import { ReachabilityAnalyzer } from '../src';

/**
 * The analyzer's input models: `services` is the synthesis bench's cluster (one namespace per 10
 * services, built with the constructs); `fleet` the realistic fleet model of
 * `analyzer-fleet-model.ts` (namespaces of 50 pods, default-deny and several allows each).
 */
export type AnalyzerModel = 'services' | 'fleet';

/** Writes the manifests of a `pods`-workload cluster of `model` to `file` (JSON array). */
export function writeAnalyzerInput(pods: number, file: string, model: AnalyzerModel = 'services'): number {
  if (model === 'fleet') {
    const fleet = fleetModelObjects(pods);
    fs.writeFileSync(file, JSON.stringify(fleet));
    return fleet.length;
  }
  const app = new App({ outdir: '/tmp/cdk8s-zt-bench-unused' });
  const chart = new Chart(app, 'cluster', { disableResourceNameHashes: true });
  populateCluster(chart, pods, 'bench.example.com');
  const objects = chart.toJson().map((o: any) => {
    if (o.kind === 'Deployment') o.spec.replicas = 1;
    return o;
  });
  fs.writeFileSync(file, JSON.stringify(objects));
  return objects.length;
}

/** Medians of one analyzer size. */
export interface AnalyzerResult {
  readonly pods: number;
  /** The input model (undefined: `services`). */
  readonly model?: AnalyzerModel;
  /** CPU time (user + system) of analyze + report, ms (median). */
  readonly cpuMs?: number;
  readonly objects: number;
  readonly policies: number;
  readonly reps: number;
  /** fromObjects (parse + compute every connection), ms. */
  readonly analyze: number;
  /** connections() + toText(), ms. */
  readonly report: number;
  readonly connections: number;
  readonly baseRssMiB: number;
  readonly peakRssMiB: number;
  readonly samples: number[];
}

/** Analyses the manifests in `file`, `reps` times. */
export function runAnalyzerBench(pods: number, file: string, reps: number, model?: AnalyzerModel): AnalyzerResult {
  const objects: any[] = JSON.parse(fs.readFileSync(file, 'utf8'));
  gc();
  const baseRss = rssMiB();
  const analyze: number[] = [];
  const report: number[] = [];
  const cpu: number[] = [];
  let peak = NaN;
  let connections = 0;
  for (let r = 0; r < reps; r++) {
    gc();
    const input = structuredClone(objects);
    const c0 = process.cpuUsage();
    const a = timed(() => ReachabilityAnalyzer.fromObjects(input));
    const t = timed(() => {
      const conns = a.value.connections();
      a.value.toText();
      return conns.length;
    });
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (r === 0) {
      peak = peakRssMiB();
      connections = t.value;
    }
    analyze.push(a.ms);
    report.push(t.ms);
  }
  return {
    pods,
    model,
    cpuMs: median(cpu),
    objects: objects.length,
    policies: objects.filter((o) => o.kind === 'NetworkPolicy' || o.kind === 'AuthorizationPolicy').length,
    reps,
    analyze: median(analyze),
    report: median(report),
    connections,
    baseRssMiB: baseRss,
    peakRssMiB: peak,
    samples: analyze,
  };
}
