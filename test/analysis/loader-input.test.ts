import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnalysisError, ReachabilityAnalyzer } from '../../src/analysis';

/** What `ReachabilityAnalyzer.fromPaths` refuses rather than analysing less than it was given. */
let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-loader-input-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function dir(name: string, files: { [f: string]: string }): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, f), text);
  return d;
}

const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n'
  + 'spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}\n';

describe('fromPaths input', () => {
  test('a directory without any manifest file is an error (an empty answer would look like "nothing is allowed")', () => {
    const d = dir('empty', { 'README.md': '# not a manifest\n' });
    expect(() => ReachabilityAnalyzer.fromPaths([d]))
      .toThrow(`no manifest file in "${d}" (recognized file extensions are .json, .yaml, .yml)`);
    // one manifest anywhere in the given paths is enough
    const ok = dir('some', { 'web.yaml': deployment });
    expect(ReachabilityAnalyzer.fromPaths([d, ok]).peers()).toContain('shop/web[Deployment]');
  });

  test('an object with apiVersion or metadata but no kind is an error naming the file and object (a kind-less policy was dropped silently)', () => {
    const policy = '{"apiVersion": "networking.k8s.io/v1", "metadata": {"name": "deny-all", "namespace": "shop"}, "spec": {"podSelector": {}}}';
    const d = dir('kindless', { 'web.yaml': deployment, 'policy.json': policy });
    let err: unknown;
    try { ReachabilityAnalyzer.fromPaths([d]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AnalysisError);
    expect((err as Error).message).toBe(`${path.join(d, 'policy.json')}: Object 'Kind' is missing in the object "deny-all" `
      + '(apiVersion "networking.k8s.io/v1"): kubectl apply would refuse it; add its kind');
    // items of a typed list take the list's kind; other YAML (no apiVersion, no metadata) is not a manifest and is skipped
    const list = '{"apiVersion": "v1", "kind": "PodList", "items": [{"metadata": {"name": "p", "namespace": "shop"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}]}';
    const fine = dir('lists', { 'pods.json': list, 'values.yaml': 'replicas: 2\nimage: {tag: v1}\n' });
    expect(ReachabilityAnalyzer.fromPaths([fine]).peers()).toContain('shop/p[Pod]');
  });
});
