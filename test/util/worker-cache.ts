/**
 * State shared by all test files of one jest worker, for what is costly to build and never
 * changes during a run (compiled schema validators: ~2 s of CPU per test file otherwise). The map
 * comes from the test environment (test/util/worker-environment.js); outside jest (`npm run
 * sample`) it is a module-level map. Values are built by the first test file that asks for them,
 * so they must not hold anything of that file's (constructs, test state).
 */
const KEY = '__cdk8sZeroTrustWorkerCache';
const processLocal = new Map<string, unknown>();

/** The value cached under `key` in this worker, built with `make` on first use. */
export function workerCached<T>(key: string, make: () => T): T {
  const store: Map<string, unknown> = (globalThis as any)[KEY] ?? processLocal;
  if (!store.has(key)) store.set(key, make());
  return store.get(key) as T;
}
