/**
 * Deterministic output: the same program gives byte-identical manifests and Helm charts. One
 * fresh build here is compared with the sample the other tests read (test/util/sample-cache):
 * built in this run by another test file or worker, or by an earlier run on the same sources, so
 * construction order, Set/Map iteration and lazies must give the same bytes in any process.
 */
import { App, IResolver } from 'cdk8s';
import { buildSampleOutput, BuiltSample, builtSample } from '../util/sample-cache';

function expectSameOutput(fresh: BuiltSample, other: BuiltSample): void {
  expect(fresh.clusters.map((c) => c.name)).toEqual(['asia-east', 'europe-west', 'us-east']);
  for (const [i, c] of fresh.clusters.entries()) {
    const o = other.clusters[i];
    expect(Object.keys(c.helm).length).toBeGreaterThan(10);
    expect(o.yaml).toBe(c.yaml);
    expect(o.manifests).toBe(c.manifests);
    expect(o.kindConfig).toBe(c.kindConfig);
    expect(Object.keys(o.helm)).toEqual(Object.keys(c.helm));
    for (const [file, text] of Object.entries(c.helm)) {
      expect([file, o.helm[file]]).toEqual([file, text]);
    }
  }
  expect(JSON.stringify(other.argo)).toBe(JSON.stringify(fresh.argo));
  expect(JSON.stringify(other.flux)).toBe(JSON.stringify(fresh.flux));
}

test('two builds of the sample give byte-identical manifests and Helm charts', () => {
  expectSameOutput(buildSampleOutput(), builtSample());
});

test('the shortcuts past cdk8s\'s resolve give the bytes cdk8s\'s own path gives, for the whole sample', () => {
  // an app resolver of the user's (one that changes nothing) turns off every shortcut that reads
  // rendered objects from their fields (finalToJson, the Service selector): cdk8s resolves all
  let offered = 0;
  const passThrough: IResolver = { resolve: () => { offered++; } };
  expectSameOutput(buildSampleOutput(new App({ resolvers: [passThrough] })), builtSample());
  expect(offered).toBeGreaterThan(100_000);
});
