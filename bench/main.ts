/**
 * `npm run bench` — see bench/README.md.
 *
 *   --quick               sizes 10, analyzer 100, 1 repetition, no results.md (CI smoke)
 *   --sizes 10,100        services per cluster (default 10,100,1000)
 *   --clusters 3          clusters per fleet
 *   --reps 11             repetitions per fleet size (default 11; 33 for sizes < 100, 5 for sizes >= 1000)
 *   --memory 1000         services/cluster of the peak-memory comparison, ours vs raw in processes of their own, 3 each, medians (default 1000; none with --quick)
 *   --analyzer 100,1000   analyzer pod counts (default 100,1000,5000)
 *   --analyzer-fleet 1000,10000  pod counts of the realistic fleet model (default 1000,10000; none with --quick)
 *   --analyzer-reps 5     repetitions per analyzer size
 *   --no-helm             skip the `helm template` baseline
 *   --write-dir DIR       where the timed plain and Helm writes go (default: a tmpfs, /dev/shm, if writable, else bench/out)
 *   --profile             run the children with --cpu-prof (profiles in bench/out/prof)
 *   --out FILE            markdown output (default bench/results.md; '-' for none)
 *   --from-json FILE      only re-render the report of a saved bench/out/results.json
 *   --no-memory           skip the peak-memory comparison
 *   --no-adversarial      skip the adversarial sizes (bench/adversarial-bench.ts: 4n/n ratios)
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkAdversarial, runAdversarial } from './adversarial-bench';
import { checkGoals, toMarkdown } from './report';
import { BenchResults, runBenchmark } from './runner';
import { helmPath } from '../test/util/helm';

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function numbers(s: string | undefined, dflt: number[]): number[] {
  if (s === undefined) return dflt;
  const xs = s.split(',').map((x) => Number(x.trim()));
  if (xs.some((x) => !Number.isInteger(x) || x <= 0)) {
    throw new Error(`expected a comma-separated list of positive integers, got ${JSON.stringify(s)}`);
  }
  return xs;
}

/** Parses the command line and runs the benchmark; returns the exit code. */
export function main(argv: string[]): number {
  const quick = argv.includes('--quick');
  const sizes = numbers(arg(argv, '--sizes'), quick ? [10] : [10, 100, 1000]);
  const analyzerSizes = numbers(arg(argv, '--analyzer'), quick ? [100] : [100, 1000, 5000]);
  const memorySizes = argv.includes('--no-memory') ? [] : numbers(arg(argv, '--memory'), quick ? [] : [1000]);
  const analyzerFleetSizes = numbers(arg(argv, '--analyzer-fleet'), quick ? [] : [1000, 10000]);
  // a run's ratios swing by up to ~10% with GC timing: medians of more repetitions (11; 5 at 1000+ services) keep that out of the goals
  const reps = numbers(arg(argv, '--reps'), [quick ? 1 : 11])[0];
  const largeReps = arg(argv, '--reps') === undefined ? Math.min(reps, 5) : reps;
  const smallReps = arg(argv, '--reps') === undefined ? 3 * reps : reps;
  const analyzerReps = numbers(arg(argv, '--analyzer-reps'), [quick ? 1 : 5])[0];
  const clusters = numbers(arg(argv, '--clusters'), [3])[0];
  const outDir = path.join(__dirname, 'out');
  const out = arg(argv, '--out') ?? (quick ? '-' : path.join(__dirname, 'results.md'));
  let helm: string | undefined;
  if (!argv.includes('--no-helm')) {
    try {
      helm = helmPath();
    } catch (e) {
      process.stderr.write(`helm unavailable, skipping the helm template baseline: ${(e as Error).message}\n`);
    }
  }
  const fromJson = arg(argv, '--from-json');
  const results: BenchResults = fromJson !== undefined ? JSON.parse(fs.readFileSync(fromJson, 'utf8')) : runBenchmark({
    sizes,
    clusters,
    reps,
    largeReps,
    smallReps,
    memorySizes,
    memoryReps: quick ? 1 : 3,
    analyzerSizes,
    analyzerFleetSizes,
    analyzerReps,
    helm,
    workDir: outDir,
    writeDir: arg(argv, '--write-dir'),
    nodeFlags: argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir', path.join(outDir, 'prof')] : [],
    log: (l) => process.stderr.write(`${l}\n`),
  });
  const md = toMarkdown(results, `${reps}${results.fleet.some((f) => f.services < 100) ? ` (${smallReps} under 100 services)` : ''}${results.fleet.some((f) => f.services >= 1000) ? ` (${largeReps} at 1000+ services)` : ''}`, analyzerReps);
  process.stdout.write(`${md}\n`);
  if (out !== '-') {
    fs.writeFileSync(out, md);
    process.stderr.write(`written ${out}\n`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ ...results, reps, largeReps, analyzerReps }, null, 1));
  const missed = checkGoals(results).filter((g) => g.met === false);
  process.stderr.write(missed.length === 0 ? 'bench: every measured goal met\n' : `bench: ${missed.length} goal(s) missed\n`);
  if (fromJson === undefined && !argv.includes('--no-adversarial')) {
    const adversarial = runAdversarial(quick ? 1 : 5);
    for (const r of adversarial) process.stderr.write(`adversarial: ${r.name}: n=${r.n} ${r.msAtN.toFixed(1)} ms, 4n ${r.msAt4N.toFixed(1)} ms (${r.ratio.toFixed(2)}x)\n`);
    const quadratic = checkAdversarial(adversarial);
    if (quadratic.length > 0) process.stderr.write(`bench: superlinear growth:\n${quadratic.join('\n')}\n`);
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
