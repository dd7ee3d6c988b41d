/**
 * Child-process entry of the benchmark: runs one job given as a JSON argument and prints its
 * result as the last line of stdout, prefixed with `RESULT `.
 */
import { AnalyzerModel, runAnalyzerBench, writeAnalyzerInput } from './analyzer-bench';
import { runFleetBench } from './fleet-bench';
import { runMemoryBench, writeMemoryInput } from './memory-bench';

/** A job for a child process. */
export type Job =
  | { kind: 'fleet'; clusters: number; services: number; reps: number; helm?: string; workDir: string; writePairs?: number }
  | { kind: 'analyzer-input'; pods: number; file: string; model?: AnalyzerModel }
  | { kind: 'analyzer'; pods: number; file: string; reps: number; model?: AnalyzerModel }
  | { kind: 'memory-input'; clusters: number; services: number; file: string }
  | { kind: 'memory'; variant: 'ours' | 'raw'; clusters: number; services: number; file: string };

function run(job: Job): unknown {
  switch (job.kind) {
    case 'fleet':
      return runFleetBench(job);
    case 'analyzer-input':
      return { objects: writeAnalyzerInput(job.pods, job.file, job.model) };
    case 'analyzer':
      return runAnalyzerBench(job.pods, job.file, job.reps, job.model);
    case 'memory-input':
      return { objects: writeMemoryInput(job.clusters, job.services, job.file) };
    case 'memory':
      return runMemoryBench(job.variant, job.clusters, job.services, job.file);
    default:
      throw new Error(`unknown job ${JSON.stringify(job)}`);
  }
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2]) as Job;
  const result = run(job);
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
}
