/**
 * The worker cache that makes validation cheap after the first test file of a jest worker: it is
 * wired (the repository's test environment provides the shared map) and builds each value once.
 */
import { validateObjects } from '../util';
import { K8sSchema } from '../util/k8s-schema';
import { workerCached } from '../util/worker-cache';

test('the jest environment provides the worker-shared map (jest config testEnvironment)', () => {
  const shared = (globalThis as any).__cdk8sZeroTrustWorkerCache;
  expect(Object.prototype.toString.call(shared)).toBe('[object Map]');
  // the validators live in it: what this file compiles, the next file of this worker finds
  validateObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }]);
  expect(shared.get('k8s-schema/1.27')).toBe(K8sSchema.of('1.27'));
});

test('a value is built once and returned as is afterwards', () => {
  const make = jest.fn(() => ({ built: true }));
  const first = workerCached('worker-cache.test/value', make);
  expect(workerCached('worker-cache.test/value', make)).toBe(first);
  expect(make).toHaveBeenCalledTimes(1);
  // a compiled validator is reused, not recompiled
  const def = K8sSchema.of('1.33').definitionOf('v1', 'Namespace')!;
  expect(K8sSchema.of('1.33').validator(def)).toBe(K8sSchema.of('1.33').validator(def));
});
