import * as fs from 'fs';
import * as path from 'path';
import { AnalysisError } from './analysis-error';
import { LoadedObject, parseDocuments } from './documents';
import { renderChart } from './helm-render';

const MANIFEST = /\.(ya?ml|json)$/i;
/** The file `Fleet.synthClusters` writes per cluster: a folder holding it is one cluster. */
const CLUSTER_FILE = 'manifests.k8s.yaml';
/** `PolicySplit` halves: the same objects as the cluster's `manifests.k8s.yaml`. */
const SPLIT_HALVES = ['policies', 'apps'];

/** The objects analysed together: one cluster folder, one Helm chart, or loose manifests (internal). */
export interface ManifestSection {
  /** The folder's path relative to the argument it was found under (`.` for loose manifests). */
  readonly name: string;
  readonly objects: LoadedObject[];
}

/** How to load a layout (internal). */
export interface LoadOptions {
  /** The `helm` binary for chart folders; undefined = charts are skipped with a notice. */
  readonly helm?: string;
  /** Receives one-line notices (a skipped chart or duplicate rendering). */
  readonly notice: (line: string) => void;
  /**
   * Each manifest file outside cluster folders is a section of its own, named by its file name
   * without `.k8s.yaml` (`cdk8s synth` writes one file per chart: one per cluster in a fleet app).
   */
  readonly sectionPerFile?: boolean;
}

function kindOfStat(st: fs.Stats): string {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** stat() with errors that name the path (a symlink loop, a dangling link, a missing file). */
function statOf(p: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new AnalysisError(`path "${p}": symbolic link loop (a link that points back to itself or a parent)`);
    if (code === 'ENOENT' && isLink(p)) throw new AnalysisError(`path "${p}": dangling symbolic link (its target does not exist)`);
    if (code === 'ENOENT') throw new AnalysisError(`path "${p}" does not exist (give manifest files or directories)`);
    throw new AnalysisError(`path "${p}": cannot read (${code ?? (e as Error).message})`);
  }
}

function isLink(p: string): boolean {
  try { return fs.lstatSync(p).isSymbolicLink(); } catch { return false; }
}

function readText(f: string): string {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch (e) {
    throw new AnalysisError(`path "${f}": cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The regular manifest files under `p` (recursive, sorted); devices and link loops are errors. */
function listFiles(p: string, seen = new Set<string>()): string[] {
  const st = statOf(p);
  if (st.isFile()) return [p];
  if (!st.isDirectory()) throw new AnalysisError(`path "${p}" is ${kindOfStat(st)} (give manifest files or directories)`);
  const real = fs.realpathSync(p);
  if (seen.has(real)) throw new AnalysisError(`path "${p}": symbolic link loop (it leads back to "${real}", already read)`);
  seen.add(real);
  const out: string[] = [];
  for (const e of fs.readdirSync(p).sort()) {
    const full = path.join(p, e);
    const s = statOf(full);
    if (s.isDirectory()) out.push(...listFiles(full, seen));
    else if (MANIFEST.test(e)) out.push(...listFiles(full, seen));
  }
  seen.delete(real);
  return out;
}

/**
 * Throws for an object that has an apiVersion or metadata but no kind: the API server refuses it,
 * and the analysis would silently leave it out (a policy dropped this way would widen the result).
 */
function checkKind(o: LoadedObject): void {
  const kindless = (x: any): boolean => x && typeof x === 'object' && !Array.isArray(x) && !x.kind && (x.apiVersion !== undefined || x.metadata !== undefined);
  const items: any[] = Array.isArray(o.obj) ? o.obj : Array.isArray(o.obj.items) && !o.obj.kind ? [] : [o.obj];
  const bad = items.find(kindless);
  if (bad) {
    throw new AnalysisError(`${o.origin}: Object 'Kind' is missing in the object ${JSON.stringify(bad.metadata?.name ?? '(no name)')} `
      + `(apiVersion ${JSON.stringify(bad.apiVersion ?? null)}): kubectl apply would refuse it; add its kind`);
  }
}

/** Reads every Kubernetes object from YAML/JSON files and directories (recursive, sorted); no manifest file at all is an error. */
export function loadObjects(paths: string[]): any[] {
  const objs: any[] = [];
  let files = 0;
  for (const p of paths) {
    for (const f of listFiles(p)) {
      files++;
      for (const o of parseDocuments(readText(f), f)) {
        checkKind(o);
        objs.push(o.obj);
      }
    }
  }
  if (paths.length && !files) {
    throw new AnalysisError(`no manifest file in ${paths.map((p) => `"${p}"`).join(', ')} (recognized file extensions are .json, .yaml, .yml)`);
  }
  return objs;
}

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

/** `cluster` (Fleet output or its policies/apps halves), `chart` (Chart.yaml) or `plain`. */
function folderKind(dir: string): 'cluster' | 'chart' | 'plain' {
  if (isFile(path.join(dir, CLUSTER_FILE))) return 'cluster';
  if (SPLIT_HALVES.every((h) => isFile(path.join(dir, h, CLUSTER_FILE)))) return 'cluster';
  if (isFile(path.join(dir, 'Chart.yaml'))) return 'chart';
  return 'plain';
}

class Walker {
  public readonly sections = new Map<string, LoadedObject[]>();
  private readonly seen = new Set<string>();
  /** Per cluster section: the folders skipped as other renderings of its manifests. */
  private readonly skipped = new Map<string, string[]>();

  constructor(private readonly opts: LoadOptions) {}

  public add(name: string, objs: LoadedObject[]): void {
    this.sections.set(name, [...(this.sections.get(name) ?? []), ...objs]);
  }

  /** Reads `dir` into `section`; cluster folders and charts below it become sections of their own. */
  public visit(dir: string, rel: string, section: string, inCluster: boolean): void {
    const fresh = inCluster && !this.skipped.has(section);
    if (fresh) this.skipped.set(section, []);
    const real = fs.realpathSync(dir);
    if (this.seen.has(real)) throw new AnalysisError(`path "${dir}": symbolic link loop (it leads back to "${real}", already read)`);
    this.seen.add(real);
    const holdsCluster = isFile(path.join(dir, CLUSTER_FILE));
    for (const e of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, e);
      const r = rel === '.' ? e : `${rel}/${e}`;
      const st = statOf(full);
      if (st.isDirectory()) this.child(full, r, e, section, inCluster, holdsCluster);
      else if (MANIFEST.test(e)) this.file(full, inCluster ? section : this.fileSection(full, section));
    }
    this.seen.delete(real);
    const sk = this.skipped.get(section) ?? [];
    if (fresh && sk.length) {
      this.opts.notice(`notice: cluster ${section}: read ${dir}; skipped ${sk.join(', ')} (PolicySplit halves and Helm charts of the same objects)\n`);
    }
  }

  private child(full: string, rel: string, base: string, section: string, inCluster: boolean, holdsCluster: boolean): void {
    const kind = folderKind(full);
    if ((inCluster && holdsCluster && SPLIT_HALVES.includes(base) && isFile(path.join(full, CLUSTER_FILE))) || (kind === 'chart' && inCluster)) {
      this.skipped.set(section, [...(this.skipped.get(section) ?? []), `${base}/`]);
    } else if (kind === 'chart') {
      this.chart(full, rel);
    } else if (kind === 'cluster' && !(inCluster && SPLIT_HALVES.includes(base))) {
      this.visit(full, rel, rel, true);
    } else {
      this.visit(full, rel, section, inCluster);
    }
  }

  /** The section of a loose file: its own with `sectionPerFile`, else the folder's. */
  public fileSection(file: string, section: string): string {
    return this.opts.sectionPerFile ? path.basename(file).replace(/(\.k8s)?\.(ya?ml|json)$/i, '') : section;
  }

  private file(full: string, section: string): void {
    const st = statOf(full);
    if (!st.isFile()) throw new AnalysisError(`path "${full}" is ${kindOfStat(st)} (give manifest files or directories)`);
    this.add(section, parseDocuments(readText(full), full));
  }

  public chart(dir: string, section: string): void {
    if (!this.opts.helm) {
      this.opts.notice(`notice: skipped Helm chart ${dir}: helm not found (install helm or pass --helm PATH to render it with helm template)\n`);
      return;
    }
    this.add(section, renderChart(this.opts.helm, dir));
  }
}

/**
 * Reads the layouts the library writes: each folder holding `manifests.k8s.yaml` (or the
 * `policies/` and `apps/` halves) is one cluster section, each Helm chart folder outside a cluster
 * folder is rendered with `helm template` as a section of its own, other manifests (searched
 * recursively) are the section `.`. Sections come sorted by name.
 */
export function loadSections(paths: string[], opts: LoadOptions): ManifestSection[] {
  const w = new Walker(opts);
  for (const p of paths) {
    const st = statOf(p);
    if (st.isFile()) {
      w.add(w.fileSection(p, '.'), parseDocuments(readText(p), p));
    } else if (st.isDirectory()) {
      const kind = folderKind(p);
      const name = path.basename(path.resolve(p));
      if (kind === 'chart') w.chart(p, name);
      else if (kind === 'cluster') w.visit(p, name, name, true);
      else w.visit(p, '.', '.', false);
    } else {
      throw new AnalysisError(`path "${p}" is ${kindOfStat(st)} (give manifest files or directories)`);
    }
  }
  return [...w.sections.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, objects]) => ({ name, objects }));
}
