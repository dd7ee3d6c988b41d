/**
 * Where the benchmark writes the plain and Helm outputs it times, and what creating a file costs
 * there and on the repository's disk (the Helm output is ~100 files per 1000-service cluster, the
 * plain output 2: on a disk where creating a file is slow, helm/plain measures the disk).
 */
import * as fs from 'fs';
import * as path from 'path';

/** The scratch folder of the timed writes and its file system. */
export interface WriteScratch {
  /** The folder (a fresh subfolder is used per run). */
  readonly dir: string;
  /** Its file system type (`/proc/mounts`), e.g. `tmpfs`, `ext4`; 'unknown' elsewhere. */
  readonly fsType: string;
}

/** RAM-backed on Linux: the writes then cost what the library does, not what the disk does. */
const TMPFS = '/dev/shm';

/**
 * The scratch folder for the timed writes: `preferred` if given, else a tmpfs (`/dev/shm`) if
 * writable, else `fallback`.
 */
export function writeScratch(fallback: string, preferred?: string): WriteScratch {
  const base = preferred ?? (writable(TMPFS) && fsTypeOf(TMPFS) === 'tmpfs' ? TMPFS : fallback);
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'cdk8s-zt-bench-'));
  return { dir, fsType: fsTypeOf(dir) };
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The type of the file system holding `p` (longest mount point prefix in /proc/mounts). */
export function fsTypeOf(p: string): string {
  let mounts: string;
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return 'unknown';
  }
  const real = fs.realpathSync(p);
  let best = { at: '', type: 'unknown' };
  for (const line of mounts.split('\n')) {
    const [, at, type] = line.split(' ');
    if (at === undefined || type === undefined) continue;
    const inside = at === '/' || real === at || real.startsWith(`${at}/`);
    if (inside && at.length >= best.at.length) best = { at, type };
  }
  return best.type;
}

/**
 * Milliseconds to create one 32 KiB file in `dir` (a fresh folder of `files` files, median of
 * `rounds` rounds; each round's folder deleted after it).
 */
export function fileCreateMs(dir: string, files = 100, rounds = 5): number {
  const text = 'x'.repeat(32 * 1024 - 1) + '\n';
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const sub = fs.mkdtempSync(path.join(dir, 'create-'));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < files; i++) fs.writeFileSync(path.join(sub, `namespace-team-${i}.yaml`), text);
    per.push(Number(process.hrtime.bigint() - t0) / 1e6 / files);
    fs.rmSync(sub, { recursive: true, force: true });
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)];
}
