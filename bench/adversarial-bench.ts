/**
 * Adversarial sizes (issue 23): inputs that were quadratic. Each case runs at n and 4n; a linear
 * implementation takes about 4x as long, a quadratic one about 16x. `checkAdversarial` flags a
 * ratio above 8 (room for noise and the n log n sort of the port merge).
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/adversarial-bench.ts
 */
import { Testing } from 'cdk8s';
import { gc, median, timed } from './measure';
import { Flows, Peer, Port, ReachabilityAnalyzer, ReachabilityAssertions, ZeroTrustNamespace } from '../src';
// eslint-disable-next-line import/no-restricted-paths -- measures the internal escaper's growth alone (through HelmChart a chart synthesis would dominate)
import { escapeTemplateText } from '../src/helm/escape';

/** One adversarial case measured at n and 4n. */
export interface AdversarialResult {
  readonly name: string;
  readonly n: number;
  readonly msAtN: number;
  readonly msAt4N: number;
  /** msAt4N / msAtN: about 4 when linear, 16 when quadratic. */
  readonly ratio: number;
}

const CASES: Array<{ name: string; n: number; run: (n: number) => void }> = [
  {
    name: 'flow listing n TCP ports one by one (port merge)',
    n: 15_000,
    run: (n) => {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'a', { name: 'a' });
      Flows.of(chart).allow(Peer.pods({ app: 'x' }, { namespace: 'a' }), Peer.pods({ app: 'y' }, { namespace: 'a' }),
        { ports: Array.from({ length: n }, (_, i) => Port.tcp(i + 1)) });
    },
  },
  { name: 'Helm escaping of a brace run without {{ or }}', n: 500_000, run: (n) => { escapeTemplateText('{}'.repeat(n)); } },
  {
    name: 'assertExactly on a malformed line of n spaces',
    n: 1_000_000,
    run: (n) => {
      try {
        // a run of spaces and no `=>`: the former regex backtracked over the run at every position
        new ReachabilityAssertions(ReachabilityAnalyzer.fromObjects([])).assertExactly([`a${' '.repeat(n)}b`]);
      } catch {
        // the malformed line is refused: what is measured is how long that takes
      }
    },
  },
];

/** Runs every case at n and 4n (median of `reps`). */
export function runAdversarial(reps = 5): AdversarialResult[] {
  return CASES.map((c) => {
    const at = (n: number) => median(Array.from({ length: reps }, () => {
      gc();
      return timed(() => c.run(n)).ms;
    }));
    at(4 * c.n); // warm-up (JIT, heap growth)
    const msAtN = at(c.n);
    const msAt4N = at(4 * c.n);
    return { name: c.name, n: c.n, msAtN, msAt4N, ratio: msAt4N / Math.max(msAtN, 0.01) };
  });
}

/** The cases whose 4n/n ratio says quadratic. */
export function checkAdversarial(results: AdversarialResult[]): string[] {
  return results.filter((r) => r.ratio > 8).map((r) => `${r.name}: ${r.ratio.toFixed(1)}x from n=${r.n} to 4n (linear is ~4x)`);
}

if (require.main === module) {
  const results = runAdversarial();
  for (const r of results) {
    process.stdout.write(`${r.name}: n=${r.n} ${r.msAtN.toFixed(1)} ms, 4n ${r.msAt4N.toFixed(1)} ms, ratio ${r.ratio.toFixed(2)}\n`);
  }
  const bad = checkAdversarial(results);
  if (bad.length > 0) {
    process.stderr.write(`${bad.join('\n')}\n`);
    process.exitCode = 1;
  }
}
