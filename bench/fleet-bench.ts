/**
 * One size of the fleet benchmark (run in a child process of its own, see worker.ts): our
 * constructs, the raw-ApiObject baseline, the YAML floors and `helm template`, interleaved per
 * repetition so that load changes hit every variant alike.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as jsYaml from 'js-yaml';
import { buildFleet } from './fleet-model';
import { gc, median, peakRssMiB, rssMiB, timed } from './measure';
import { HelmChart, ManifestYaml } from '../src';

/** Durations of one pipeline, in ms. */
export interface Phases {
  readonly construct: number;
  readonly objects: number;
  readonly yaml: number;
  readonly total: number;
}

/** Medians of one size. */
export interface FleetResult {
  readonly clusters: number;
  readonly services: number;
  readonly reps: number;
  readonly objects: number;
  readonly yamlBytes: number;
  readonly ours: Phases;
  readonly raw: Phases;
  /** Median of the per-repetition ratios ours.total / raw.total. */
  readonly oursOverRaw: number;
  /** The same before YAML: (construct + objects) / raw (construct + objects). */
  readonly oursOverRawObjects: number;
  readonly floorYaml: number;
  readonly floorJsYaml: number;
  readonly floorJson: number;
  /** Median of ours.total / floorYaml per repetition. */
  readonly oursOverFloor: number;
  /** HelmChart.fromChart + write, every cluster (ms); NaN if skipped. */
  readonly helmWrite: number;
  /**
   * The plain output of the same built app: `Fleet.synthClusters` (validation, every chart's
   * objects, YAML, files), ms; NaN if Helm is skipped.
   */
  readonly plainWrite: number;
  /** Median of helmWrite / plainWrite per repetition. */
  readonly helmOverPlain: number;
  /** `helm template`, every cluster (ms); NaN if helm is unavailable. */
  readonly helmTemplate: number;
  /** Median of helmTemplate / ours.total. */
  readonly helmOverOurs: number;
  readonly helmBytes: number;
  /** Files the HelmChart write creates for the whole fleet (the plain write: 2 per cluster); NaN if skipped (absent in older results). */
  readonly helmFiles?: number;
  /** RSS after start-up (modules loaded), MiB. */
  readonly baseRssMiB: number;
  /** Peak RSS after the first run of our pipeline (the process's high-water mark), MiB. */
  readonly peakRssMiB: number;
  /** Every sample, for the record. */
  readonly samples: { ours: Phases[]; raw: Phases[] };
}

/** Validates every construct of the charts (as App.synth does), throws on errors. */
function validate(charts: Construct[]): void {
  const errors: string[] = [];
  for (const c of charts) {
    for (const n of c.node.findAll()) {
      errors.push(...n.node.validate().map((e) => `${n.node.path}: ${e}`));
    }
  }
  if (errors.length > 0) {
    throw new Error(`validation failed:\n${errors.slice(0, 10).join('\n')}`);
  }
}

/** Writes one cluster's objects as multi-document YAML. */
type Writer = (objs: any[]) => string;

/** cdk8s's writer, what `App.synth()` writes with. */
const CDK8S_YAML: Writer = (objs) => Yaml.stringify(...objs);

/** Ours, what `Fleet.manifests()` / `synthClusters()` and `HelmChart` write with (the same bytes). */
const OUR_YAML: Writer = (objs) => ManifestYaml.stringify(objs);

/** validate + toJson + YAML, the way App.synth turns charts into files (without the disk). */
function synth(charts: Chart[]): { objects: any[][]; yaml: string[]; objectsMs: number; yamlMs: number } {
  const o = timed(() => {
    validate(charts);
    return charts.map((c) => c.toJson());
  });
  const y = timed(() => o.value.map(CDK8S_YAML));
  return { objects: o.value, yaml: y.value, objectsMs: o.ms, yamlMs: y.ms };
}

function runOurs(clusters: number, services: number) {
  const c = timed(() => buildFleet(clusters, services));
  // what Fleet.manifests() / synthClusters() do: every cluster's objects (app validated, each
  // chart checked once), then our writer
  const fleet = c.value.fleet;
  const o = timed(() => fleet.clusters.map((k) => fleet.objects(k.name)));
  const y = timed(() => o.value.map(OUR_YAML));
  const s = { objects: o.value, yaml: y.value, objectsMs: o.ms, yamlMs: y.ms };
  const phases: Phases = { construct: c.ms, objects: s.objectsMs, yaml: s.yamlMs, total: c.ms + s.objectsMs + s.yamlMs };
  return { phases, charts: c.value.charts, fleet: c.value.fleet, objects: s.objects, yaml: s.yaml };
}

/** The same manifests as raw ApiObjects in a fresh App (input cloned before timing). */
function runRaw(objects: any[][]): { phases: Phases; yaml: string[] } {
  const input = objects.map((objs) => objs.map((o) => structuredClone(o)));
  const c = timed(() => {
    const app = new App({ outdir: '/tmp/cdk8s-zt-bench-unused' });
    return input.map((objs, i) => {
      const chart = new Chart(app, `cluster-${i}`, { disableResourceNameHashes: true });
      objs.forEach((o, k) => new ApiObject(chart, `o${k}`, o));
      return chart;
    });
  });
  const s = synth(c.value);
  return { phases: { construct: c.ms, objects: s.objectsMs, yaml: s.yamlMs, total: c.ms + s.objectsMs + s.yamlMs }, yaml: s.yaml };
}

function medianPhases(xs: Phases[]): Phases {
  return {
    construct: median(xs.map((x) => x.construct)),
    objects: median(xs.map((x) => x.objects)),
    yaml: median(xs.map((x) => x.yaml)),
    total: median(xs.map((x) => x.total)),
  };
}

/** Options of one size. */
export interface FleetBenchOptions {
  readonly clusters: number;
  readonly services: number;
  readonly reps: number;
  /** helm binary, or undefined to skip the Helm baseline (HelmChart write and `helm template`). */
  readonly helm?: string;
  /** scratch folder for the Helm charts. */
  readonly workDir: string;
  /**
   * Plain and Helm writes per repetition, in turn (each pair is one helm/plain ratio): writing
   * costs a fraction of a repetition, and a ratio of two short timings is the noisiest figure.
   *
   * @default 1
   */
  readonly writePairs?: number;
}

/** Runs one size, `reps` times, and returns medians. */
export function runFleetBench(o: FleetBenchOptions): FleetResult {
  gc();
  const baseRss = rssMiB();
  const ours: Phases[] = [];
  const raw: Phases[] = [];
  const ratios: number[] = [];
  const objectRatios: number[] = [];
  const floorRatios: number[] = [];
  const floors = { yaml: [] as number[], jsYaml: [] as number[], json: [] as number[] };
  const helmWrite: number[] = [];
  const plainWrite: number[] = [];
  const helmOverPlain: number[] = [];
  const helmTemplate: number[] = [];
  const helmRatios: number[] = [];
  let peak = NaN;
  let objects = 0;
  let yamlBytes = 0;
  let helmBytes = NaN;
  let helmFiles = NaN;
  for (let r = 0; r < o.reps; r++) {
    gc();
    const a = runOurs(o.clusters, o.services);
    if (r === 0) {
      peak = peakRssMiB();
      objects = a.objects.reduce((n, x) => n + x.length, 0);
      yamlBytes = a.yaml.reduce((n, y) => n + Buffer.byteLength(y), 0);
    }
    ours.push(a.phases);
    gc();
    const b = runRaw(a.objects);
    if (b.yaml.join('\n') !== a.yaml.join('\n')) {
      throw new Error('raw baseline does not reproduce our manifests');
    }
    raw.push(b.phases);
    ratios.push(a.phases.total / b.phases.total);
    objectRatios.push((a.phases.construct + a.phases.objects) / (b.phases.construct + b.phases.objects));
    gc();
    const fy = timed(() => a.objects.map((objs) => Yaml.stringify(...objs))).ms;
    floors.yaml.push(fy);
    floorRatios.push(a.phases.total / fy);
    floors.jsYaml.push(timed(() => a.objects.map((objs) => objs.map((x) => jsYaml.dump(x, { noRefs: true, lineWidth: -1 })).join('---\n'))).ms);
    floors.json.push(timed(() => a.objects.map((objs) => JSON.stringify(objs))).ms);
    if (o.helm) {
      gc();
      const helm = o.helm;
      const writePlain = () => {
        const pw = timed(() => a.fleet.synthClusters(path.join(o.workDir, 'plain')));
        fs.rmSync(path.join(o.workDir, 'plain'), { recursive: true, force: true });
        gc();
        return pw;
      };
      const writeHelm = () => {
        const written = timed(() => a.charts.map((c, i) => HelmChart.fromChart(c, { name: `cluster-${i}` }).write(path.join(o.workDir, `cluster-${i}`))));
        gc();
        return written;
      };
      // in turn first and second (the first of two pays for what the previous phase left behind)
      let hw = { ms: NaN, value: [] as string[] };
      for (let k = 0; k < (o.writePairs ?? 1); k++) {
        if (k > 0) for (const dir of hw.value) fs.rmSync(dir, { recursive: true, force: true });
        let pw: { ms: number };
        if ((r + k) % 2 === 0) {
          pw = writePlain();
          hw = writeHelm();
        } else {
          hw = writeHelm();
          pw = writePlain();
        }
        plainWrite.push(pw.ms);
        helmWrite.push(hw.ms);
        helmOverPlain.push(hw.ms / pw.ms);
      }
      const ht = timed(() => hw.value.map((dir) => execFileSync(helm, ['template', path.basename(dir), dir], {
        maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
      })));
      helmTemplate.push(ht.ms);
      helmRatios.push(ht.ms / a.phases.total);
      helmBytes = ht.value.reduce((n, out) => n + out.length, 0);
      helmFiles = hw.value.reduce((n, dir) => n + filesUnder(dir), 0);
      for (const dir of hw.value) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    clusters: o.clusters,
    services: o.services,
    reps: o.reps,
    objects,
    yamlBytes,
    ours: medianPhases(ours),
    raw: medianPhases(raw),
    oursOverRaw: median(ratios),
    oursOverRawObjects: median(objectRatios),
    floorYaml: median(floors.yaml),
    floorJsYaml: median(floors.jsYaml),
    floorJson: median(floors.json),
    oursOverFloor: median(floorRatios),
    helmWrite: median(helmWrite),
    plainWrite: median(plainWrite),
    helmOverPlain: median(helmOverPlain),
    helmTemplate: median(helmTemplate),
    helmOverOurs: median(helmRatios),
    helmBytes,
    helmFiles,
    baseRssMiB: baseRss,
    peakRssMiB: peak,
    samples: { ours, raw },
  };
}

/** Regular files under `dir`, recursively. */
function filesUnder(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? 1 : 0), 0);
}
