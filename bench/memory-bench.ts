/**
 * Peak memory of one synthesis, ours against raw cdk8s, each in a child process of its own (peak
 * RSS is a process's high-water mark: two pipelines in one process cannot be told apart).
 *
 * - `ours`: the fleet built with our constructs, every cluster's objects (`Fleet.objects`), YAML
 *   (`ManifestYaml`): what `bench/fleet-bench.ts` times.
 * - `raw`: the same final objects (read from the file `writeMemoryInput` wrote in a third
 *   process, so that their parsed JSON is the raw app's source, as object literals would be)
 *   as `new ApiObject(chart, id, obj)` in a fresh App, then validation, `chart.toJson()` and
 *   cdk8s's `Yaml.stringify`: what `App.synth()` does, without the disk.
 *
 * Both run in the same worker (ts-node, the same modules loaded): "base" is the RSS after start-up.
 */
import * as fs from 'fs';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { buildFleet } from './fleet-model';
import { gc, peakRssMiB, rssMiB } from './measure';
import { ManifestYaml } from '../src';

/** One variant's memory. */
export interface MemoryResult {
  readonly variant: 'ours' | 'raw';
  readonly clusters: number;
  readonly services: number;
  readonly objects: number;
  /** RSS after start-up (and, for raw, after reading its input), MiB. */
  readonly baseRssMiB: number;
  /** The process's peak RSS, MiB. */
  readonly peakRssMiB: number;
  /** Heap used at the end, before the output is dropped, MiB. */
  readonly heapUsedMiB: number;
  /** Characters of YAML written. */
  readonly yamlChars: number;
}

/** Writes the final objects of the fleet (per cluster) as JSON, for the raw variant. */
export function writeMemoryInput(clusters: number, services: number, file: string): number {
  const { fleet } = buildFleet(clusters, services);
  const objects = fleet.clusters.map((k) => fleet.objects(k.name));
  fs.writeFileSync(file, JSON.stringify(objects));
  return objects.reduce((n, x) => n + x.length, 0);
}

function heapMiB(): number {
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

/** Runs one variant once and reports its peak RSS. */
export function runMemoryBench(variant: 'ours' | 'raw', clusters: number, services: number, file: string): MemoryResult {
  if (variant === 'ours') {
    gc();
    const base = rssMiB();
    const { fleet } = buildFleet(clusters, services);
    const objects = fleet.clusters.map((k) => fleet.objects(k.name));
    const yaml = objects.map((o) => ManifestYaml.stringify(o));
    const heap = heapMiB();
    const count = objects.reduce((n, x) => n + x.length, 0);
    return {
      variant,
      clusters,
      services,
      objects: count,
      baseRssMiB: base,
      peakRssMiB: peakRssMiB(),
      heapUsedMiB: heap,
      yamlChars: yaml.reduce((n, y) => n + y.length, 0),
    };
  }
  // the base is the start-up RSS, as for ours: the parsed input is the raw app's source (what
  // object literals would be) and counts above it (measured after the parse, it hid ~120 MiB)
  gc();
  const base = rssMiB();
  const input = JSON.parse(fs.readFileSync(file, 'utf8')) as any[][];
  const app = new App({ outdir: '/tmp/cdk8s-zt-bench-unused' });
  const charts = input.map((objs, i) => {
    const chart = new Chart(app, `cluster-${i}`, { disableResourceNameHashes: true });
    objs.forEach((o, k) => new ApiObject(chart, `o${k}`, o));
    return chart;
  });
  for (const c of charts) {
    for (const n of c.node.findAll()) {
      if (n.node.validate().length > 0) throw new Error(`validation failed at ${n.node.path}`);
    }
  }
  const yaml = charts.map((c) => Yaml.stringify(...c.toJson()));
  const heap = heapMiB();
  const count = input.reduce((n, x) => n + x.length, 0);
  return {
    variant,
    clusters,
    services,
    objects: count,
    baseRssMiB: base,
    peakRssMiB: peakRssMiB(),
    heapUsedMiB: heap,
    yamlChars: yaml.reduce((n, y) => n + y.length, 0),
  };
}
