/**
 * Runs the benchmark: one child process per fleet size and per analyzer size (so that sizes do
 * not share heaps, JIT state or peak RSS), then builds the report.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnalyzerResult } from './analyzer-bench';
import { FleetResult } from './fleet-bench';
import { MemoryResult } from './memory-bench';
import { fileCreateMs, fsTypeOf, writeScratch } from './scratch';
import type { Job } from './worker';

/** What to run. */
export interface BenchOptions {
  /** Services per cluster, one fleet per entry. */
  readonly sizes: number[];
  /** Clusters per fleet. */
  readonly clusters: number;
  /** Repetitions per size (medians are reported). */
  readonly reps: number;
  /**
   * Repetitions for sizes of 1000 services and more.
   *
   * @default reps
   */
  readonly largeReps?: number;
  /**
   * Repetitions for sizes under 100 services (each takes milliseconds: one GC pause is a large
   * share of a repetition).
   *
   * @default reps
   */
  readonly smallReps?: number;
  /**
   * Child processes per variant of the peak-memory comparison (the median is reported).
   *
   * @default 1
   */
  readonly memoryReps?: number;
  /**
   * Services per cluster of the peak-memory comparison (ours and raw cdk8s, each in a child
   * process of its own).
   *
   * @default none
   */
  readonly memorySizes?: number[];
  /** Pods per analyzer run. */
  readonly analyzerSizes: number[];
  /**
   * Pods per analyzer run on the realistic fleet model (analyzer-fleet-model.ts).
   *
   * @default none
   */
  readonly analyzerFleetSizes?: number[];
  /** Repetitions per analyzer size. */
  readonly analyzerReps: number;
  /** helm binary for the `helm template` baseline; undefined skips it. */
  readonly helm?: string;
  /** Scratch folder (analyzer inputs, memory inputs, profiles). */
  readonly workDir: string;
  /**
   * Folder of the timed plain and Helm writes (see scratch.ts).
   *
   * @default - a tmpfs (/dev/shm) if writable, else workDir
   */
  readonly writeDir?: string;
  /** Extra node flags for the children (e.g. `--cpu-prof`). */
  readonly nodeFlags?: string[];
  /** Progress lines go here. */
  readonly log?: (line: string) => void;
}

/** Where the timed writes went, and what creating a 32 KiB file costs there and in workDir (ms). */
export interface WriteCosts {
  readonly dir: string;
  readonly fsType: string;
  readonly createMs: number;
  readonly workDirFsType: string;
  readonly workDirCreateMs: number;
}

/** Everything measured. */
export interface BenchResults {
  readonly machine: string;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly fleet: FleetResult[];
  readonly analyzer: AnalyzerResult[];
  /** Peak memory, ours and raw per size (absent in older results). */
  readonly memory?: Array<{ ours: MemoryResult; raw: MemoryResult }>;
  /** The analyzer on the realistic fleet model (absent in results of older runs). */
  readonly analyzerFleet?: AnalyzerResult[];
  readonly wallMs: number;
  /** Where the timed writes went and what creating a file costs there and in workDir (absent in older results). */
  readonly writes?: WriteCosts;
}

/** The run with the median peak RSS. */
function medianByPeak(runs: MemoryResult[]): MemoryResult {
  return [...runs].sort((a, b) => a.peakRssMiB - b.peakRssMiB)[Math.floor(runs.length / 2)];
}

function runJob<T>(job: Job, o: BenchOptions): T {
  const worker = path.join(__dirname, 'worker.ts');
  const args = [
    '--expose-gc', '--max-old-space-size=6144', ...(o.nodeFlags ?? []),
    '-r', require.resolve('ts-node/register/transpile-only'), worker, JSON.stringify(job),
  ];
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'test', 'tsconfig.json') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = (r.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || line === undefined) {
    throw new Error(`bench job ${JSON.stringify(job)} failed (status ${r.status}, signal ${r.signal}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

/**
 * Plain/Helm write pairs per repetition: five (two at 1000+ services, where a pair takes
 * seconds), since a ratio of two short timings is the noisiest figure of a run.
 */
export function writePairsFor(services: number): number {
  return services >= 1000 ? 2 : 5;
}

/** A one-line description of this machine. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus.length > 0 ? cpus[0].model.trim() : 'unknown CPU';
  return `${cpus.length} x ${model}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

/** Runs every size and returns the medians. */
export function runBenchmark(o: BenchOptions): BenchResults {
  const log = o.log ?? (() => undefined);
  const t0 = Date.now();
  const loadBefore = os.loadavg();
  fs.mkdirSync(o.workDir, { recursive: true });
  const scratch = writeScratch(o.workDir, o.writeDir);
  const writes: WriteCosts = {
    dir: scratch.dir,
    fsType: scratch.fsType,
    createMs: fileCreateMs(scratch.dir),
    workDirFsType: fsTypeOf(o.workDir),
    workDirCreateMs: fileCreateMs(o.workDir),
  };
  log(`timed writes in ${writes.dir} (${writes.fsType}): ${writes.createMs.toFixed(3)} ms per file created; ${o.workDir} (${writes.workDirFsType}): ${writes.workDirCreateMs.toFixed(3)} ms`);
  const fleet: FleetResult[] = [];
  for (const services of o.sizes) {
    const reps = services >= 1000 ? o.largeReps ?? o.reps : services < 100 ? o.smallReps ?? o.reps : o.reps;
    log(`fleet: ${o.clusters} clusters x ${services} services, ${reps} rep(s)...`);
    const writePairs = writePairsFor(services);
    const job = { kind: 'fleet' as const, clusters: o.clusters, services, reps, helm: o.helm, workDir: path.join(scratch.dir, `helm-${services}`), writePairs };
    const r = runJob<FleetResult>(job, o);
    log(`  ours ${r.ours.total.toFixed(0)} ms, raw ${r.raw.total.toFixed(0)} ms, ratio ${r.oursOverRaw.toFixed(2)}, peak ${r.peakRssMiB.toFixed(0)} MiB`);
    fleet.push(r);
  }
  const memory: Array<{ ours: MemoryResult; raw: MemoryResult }> = [];
  for (const services of o.memorySizes ?? []) {
    const file = path.join(o.workDir, `memory-${services}.json`);
    log(`memory: ${o.clusters} clusters x ${services} services, ours and raw in processes of their own...`);
    runJob({ kind: 'memory-input', clusters: o.clusters, services, file }, o);
    // a process's peak RSS depends on when its GC runs (the same run swings by ~15%): the median of
    // several processes each, ours and raw in turn
    const runs: { ours: MemoryResult[]; raw: MemoryResult[] } = { ours: [], raw: [] };
    for (let i = 0; i < (o.memoryReps ?? 1); i++) {
      for (const variant of ['ours', 'raw'] as const) {
        runs[variant].push(runJob<MemoryResult>({ kind: 'memory', variant, clusters: o.clusters, services, file }, o));
      }
    }
    const ours = medianByPeak(runs.ours);
    const raw = medianByPeak(runs.raw);
    log(`  peak RSS ours ${ours.peakRssMiB.toFixed(0)} MiB (base ${ours.baseRssMiB.toFixed(0)}), raw ${raw.peakRssMiB.toFixed(0)} MiB (base ${raw.baseRssMiB.toFixed(0)})`);
    memory.push({ ours, raw });
  }
  const analyzer: AnalyzerResult[] = [];
  for (const pods of o.analyzerSizes) {
    const file = path.join(o.workDir, `analyzer-${pods}.json`);
    log(`analyzer: ${pods} pods, ${o.analyzerReps} rep(s)...`);
    runJob({ kind: 'analyzer-input', pods, file }, o);
    const r = runJob<AnalyzerResult>({ kind: 'analyzer', pods, file, reps: o.analyzerReps }, o);
    log(`  ${r.analyze.toFixed(0)} ms + ${r.report.toFixed(0)} ms, ${r.connections} connections, peak ${r.peakRssMiB.toFixed(0)} MiB`);
    analyzer.push(r);
  }
  const analyzerFleet: AnalyzerResult[] = [];
  for (const pods of o.analyzerFleetSizes ?? []) {
    const file = path.join(o.workDir, `analyzer-fleet-${pods}.json`);
    log(`analyzer (fleet model): ${pods} pods, ${o.analyzerReps} rep(s)...`);
    runJob({ kind: 'analyzer-input', pods, file, model: 'fleet' }, o);
    const r = runJob<AnalyzerResult>({ kind: 'analyzer', pods, file, reps: o.analyzerReps, model: 'fleet' }, o);
    log(`  ${r.analyze.toFixed(0)} ms + ${r.report.toFixed(0)} ms (CPU ${r.cpuMs?.toFixed(0)} ms), ${r.connections} connections, peak ${r.peakRssMiB.toFixed(0)} MiB`);
    analyzerFleet.push(r);
  }
  fs.rmSync(scratch.dir, { recursive: true, force: true });
  return { machine: describeMachine(), loadBefore, loadAfter: os.loadavg(), fleet, analyzer, analyzerFleet, memory, writes, wallMs: Date.now() - t0 };
}
