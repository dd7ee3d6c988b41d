/**
 * The multi-region sample, built once and read by every test that needs only its output (issue
 * 24: it was rebuilt in five test files). `builtSample()` returns the output of
 * `buildEcommerce(new App())` with `buildDelivery` on the same app, as JSON: per cluster its
 * objects, YAML, apply-ordered manifests, kind config and Helm chart files, and the Argo CD and
 * Flux objects. `sampleRun()` does the same for the main job (`runSample`: the dist/sample folder
 * and its summary), which test/sample/sample-output.test.ts and the CLI tests read.
 *
 * The output is kept in a file under `node_modules/.cache/cdk8s-zero-trust/`, named by a hash of
 * everything it is made from (src/, sample/, crds/cdk8s-zero-trust/, this file, the lock file, the
 * Node version), so a test run builds the sample at most once (the first test that asks builds it;
 * the others, in any worker, wait for the file) and a run on an unchanged tree builds it not at
 * all. A test
 * that needs the constructs, another variant (AUDIT, ambient, no tiers) or a second build of its
 * own (test/sample/determinism.test.ts compares one fresh build with this output, byte for byte)
 * still calls `buildEcommerce` itself. Every call returns fresh objects: a test may change what it
 * gets without touching another's.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, Yaml } from 'cdk8s';
import { REPO_ROOT } from './paths';
import { workerCached } from './worker-cache';
import { buildDelivery, fluxObjectsOf } from '../../sample/delivery';
import { buildEcommerce } from '../../sample/ecommerce';
import { runSample } from '../../sample/main';
import { HelmChart } from '../../src';

/** One cluster of the built sample. */
export interface BuiltCluster {
  readonly name: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  /** `chart.toJson()`: every object, in synthesis order. */
  readonly objects: any[];
  /** `Yaml.stringify(...objects)`: the bytes cdk8s writes. */
  readonly yaml: string;
  /** `fleet.manifests(name)`: the apply-ordered YAML. */
  readonly manifests: string;
  /** `fleet.kindConfig(name)`. */
  readonly kindConfig: string;
  /** The cluster's Helm chart (`HelmChart.fromChart(chart, { name }).write(dir)`): path in the chart -> content. */
  readonly helm: { [file: string]: string };
  /** The Flux source and the cluster's two Kustomizations (`fluxObjectsOf`). */
  readonly flux: any[];
  /** The sample's extra files of the cluster's folder (`istio/operator.yaml`, ...). */
  readonly extraFiles: { [file: string]: string };
}

/** The built sample (sidecar data plane, default enforcement) and its GitOps delivery. */
export interface BuiltSample {
  readonly clusters: BuiltCluster[];
  /** `fleet.podCidrs`. */
  readonly podCidrs: string[];
  /** The Argo CD chart's objects (`Testing.synth`: its validations ran). */
  readonly argo: any[];
  /** The Flux chart's objects (`Testing.synth`). */
  readonly flux: any[];
}

const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'cdk8s-zero-trust');
const INPUTS = ['src', 'sample', path.join('crds', 'cdk8s-zero-trust'), 'package-lock.json', path.join('test', 'util', 'sample-cache.ts')];
const LOCK_WAIT_MS = 10 * 60 * 1000;

/** Builds the sample now, in this process (what the cache holds). */
export function buildSampleOutput(app: App = new App()): BuiltSample {
  const sample = buildEcommerce(app);
  const delivery = buildDelivery(app, sample.fleet);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-sample-'));
  try {
    const clusters = sample.clusters.map((c): BuiltCluster => {
      const name = c.cluster.name;
      const objects = c.chart.toJson();
      const out = HelmChart.fromChart(c.chart, { name }).write(path.join(dir, name));
      const helm: { [file: string]: string } = {};
      for (const f of listFiles(out)) helm[path.relative(out, f).split(path.sep).join('/')] = fs.readFileSync(f, 'utf8');
      return {
        name,
        podCidr: c.cluster.podCidr,
        serviceCidr: c.cluster.serviceCidr,
        objects,
        yaml: Yaml.stringify(...objects),
        manifests: sample.fleet.manifests(name),
        kindConfig: sample.fleet.kindConfig(name),
        helm,
        flux: fluxObjectsOf(delivery, name),
        extraFiles: { ...c.extraFiles },
      };
    });
    return { clusters, podCidrs: [...sample.fleet.podCidrs], argo: Testing.synth(delivery.argoChart), flux: Testing.synth(delivery.fluxChart) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The sample's output, built once (see the file comment). Fresh objects on every call.
 */
export function builtSample(): BuiltSample {
  const text = workerCached('sample-cache:text', () => readOrBuild('sample', () => JSON.stringify(buildSampleOutput())));
  return JSON.parse(text);
}

/** The built sample's cluster `name`. */
export function builtCluster(name: string): BuiltCluster {
  const c = builtSample().clusters.find((x) => x.name === name);
  if (!c) throw new Error(`the sample has no cluster "${name}"`);
  return c;
}

/** What `runSample` returned, as data. */
export interface SampleRunResult {
  /** The summary lines `npm run sample` prints. */
  readonly summary: string[];
  /** Clusters whose allowed flows differ from the declared ones. */
  readonly flowFailures: string[];
  /** Objects per cluster. */
  readonly objects: { [cluster: string]: number };
  /** The AUDIT report's counts. */
  readonly rollout: { readonly heldBack: number; readonly auditOnly: number };
}

/**
 * The main job's output (`runSample`, what `npm run sample` writes to dist/sample), written once
 * into the cache like `builtSample()`: the folder (read only: a test that writes copies it or
 * writes elsewhere) and what `runSample` returned.
 */
export function sampleRun(): { readonly dir: string; readonly run: SampleRunResult } {
  const hash = inputHash();
  const text = workerCached('sample-cache:run', () => readOrBuild('run', () => {
    const final = path.join(CACHE_DIR, `run-${hash}`);
    const tmp = `${final}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    // the layout the job writes in the repository (dist/sample): the delivery's paths resolve from the root
    const r = runSample(path.join(tmp, 'dist', 'sample'));
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(tmp, final);
    const result: SampleRunResult = {
      summary: r.summary,
      flowFailures: r.flowFailures,
      objects: r.objects,
      rollout: { heldBack: r.rollout.heldBack.length, auditOnly: r.rollout.auditOnly.length },
    };
    return JSON.stringify(result);
  }));
  return { dir: path.join(CACHE_DIR, `run-${hash}`, 'dist', 'sample'), run: JSON.parse(text) };
}

/** The cache file `<name>-<hash>.json`: read, or built under a lock (other workers wait for it). */
function readOrBuild(name: string, build: () => string): string {
  const hash = inputHash();
  const file = path.join(CACHE_DIR, `${name}-${hash}.json`);
  const lock = `${file}.lock`;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fd !== undefined) {
      try {
        const text = build();
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
        prune(name, hash);
        return text;
      } finally {
        fs.closeSync(fd);
        fs.rmSync(lock, { force: true });
      }
    }
    // another worker builds it; a lock older than the wait is left over from a killed run
    if (Date.now() > deadline || ageMs(lock) > LOCK_WAIT_MS) {
      fs.rmSync(lock, { force: true });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

/** sha256 over the relative path and content of every input file, in a fixed order (once per worker). */
function inputHash(): string {
  return workerCached('sample-cache:hash', hashInputs);
}

function hashInputs(): string {
  const h = crypto.createHash('sha256');
  // the Node version too: each Node line of .ci/run builds the sample itself
  h.update(`${process.version}\0`);
  for (const input of INPUTS) {
    const abs = path.join(REPO_ROOT, input);
    if (!fs.existsSync(abs)) continue;
    const files = fs.statSync(abs).isDirectory() ? listFiles(abs) : [abs];
    for (const f of files) {
      h.update(path.relative(REPO_ROOT, f).split(path.sep).join('/'));
      h.update('\0');
      h.update(fs.readFileSync(f));
      h.update('\0');
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** Keeps the newest few entries of `name` (worktrees of other branches share node_modules). */
function prune(name: string, keepHash: string): void {
  const entries = fs.readdirSync(CACHE_DIR).filter((f) => new RegExp(`^${name}-[0-9a-f]+\\.json$`).test(f))
    .filter((f) => f !== `${name}-${keepHash}.json`)
    .map((f) => path.join(CACHE_DIR, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const f of entries.slice(7)) {
    fs.rmSync(f, { force: true });
    fs.rmSync(f.replace(/\.json$/, ''), { recursive: true, force: true });
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  }).sort();
}
