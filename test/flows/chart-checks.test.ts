import { ApiObject, App, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  FailoverPolicy, IngressBackend, IngressCertificate, SecureIngress, WireguardGateway, WireguardMesh, ZeroTrustNamespace,
} from '../../src';
import { MAX_ANNOTATION_BYTES, MAX_OBJECT_BYTES } from '../../src/flows/chart-checks';
import { seedFleet } from '../fleet/fixtures';

/** The synthesis error (cdk8s reports the chart checks as validation errors, one line each). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/^Validation failed with the following errors:/);
    return e as Error;
  }
  throw new Error('expected a synthesis error');
}

/** The error a constructor throws (props checks run where the props are written, not at synthesis). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error at construction');
}

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const sites = [
  { name: 'a', endpoint: '192.0.2.1:51820', publicKey: key(1), privateKeySecretName: 'wg-a', cidrs: ['10.1.0.0/16'] },
  { name: 'b', endpoint: '192.0.2.2:51820', publicKey: key(2), privateKeySecretName: 'wg-b', cidrs: ['10.2.0.0/16'] },
];

describe('chart checks at synthesis (issue 23: duplicates, sizes, annotations)', () => {
  test('two ZeroTrustNamespaces with one name are refused, naming both construct paths', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'one', { name: 'shop' });
    new ZeroTrustNamespace(chart, 'two', { name: 'shop' });
    const e = errorOf(() => Testing.synth(chart));
    expect(e.message).toContain(': invalid metadata.name "shop"');
    expect(e.message).toContain('"shop"');
    expect(e.message).toMatch(/Namespace shop is emitted twice \(test\/one\/\S+ and test\/two\/\S+\)/);
  });

  test('two SecureIngresses with one name are refused', () => {
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 'svc', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] });
    svc.selectLabel('app', 'web');
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    for (const id of ['a', 'b']) {
      new SecureIngress(chart, id, {
        name: 'web', rules: [{ host: `${id}.example.com`, backend: IngressBackend.fromService(svc) }], certificate: IngressCertificate.fromSecret('tls'),
      });
    }
    const e = errorOf(() => Testing.synth(chart));
    expect(e.message).toMatch(/Ingress shop\/web is emitted twice \(test\/a\/\S+ and test\/b\/\S+\)/);
  });

  test('two WireGuard gateways in one chart are refused', () => {
    const chart = Testing.chart();
    const mesh = new WireguardMesh({ sites });
    new WireguardGateway(chart, 'g1', { mesh, site: 'a' });
    new WireguardGateway(chart, 'g2', { mesh, site: 'a' });
    const e = errorOf(() => Testing.synth(chart));
    expect(e.message).toMatch(/is emitted twice \(test\/g1\/\S+ and test\/g2\/\S+\)/);
  });

  test('two FailoverPolicies with one name in a fleet are refused at App.synth', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const fleet = seedFleet(app);
    for (const id of ['fo1', 'fo2']) {
      new FailoverPolicy(fleet, id, { name: 'global', namespace: 'frontend', primaryCluster: 'asia-east', secondaryClusters: ['us-east'] });
    }
    const e = errorOf(() => app.synth());
    expect(e.message).toMatch(/FailoverPolicy frontend\/global is emitted twice \(fleet\/asia-east\/failover-policy-fo1 and fleet\/asia-east\/failover-policy-fo2\)/);
  });

  test('one name in two namespaces, or two kinds with one name, is fine', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'one', { name: 'shop' });
    new ZeroTrustNamespace(chart, 'two', { name: 'web' });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('an object over etcd\'s request limit is refused, naming the object and its size', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    new ApiObject(chart, 'big', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'shop' }, data: { x: 'y'.repeat(MAX_OBJECT_BYTES) } });
    const e = errorOf(() => Testing.synth(chart));
    expect(e.message).toContain('test/big: invalid ConfigMap shop/big');
    expect(e.message).toContain('invalid ConfigMap shop/big');
    expect(e.message).toContain(`expected an object of at most ${MAX_OBJECT_BYTES} bytes`);
  });

  test('annotation keys the API server refuses (CR/LF, syntax) and oversized annotations are refused at synthesis', () => {
    for (const bad of ['a\nb', 'a b', '-x', 'a/b/c', 'example.com/']) {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations: { [bad]: 'v' } } });
      const e = errorOf(() => Testing.synth(chart));
      expect(e.message).toContain('invalid ConfigMap shop/c metadata.annotations key');
      expect(e.message).toContain(`metadata.annotations key ${JSON.stringify(bad)}: expected`);
    }
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations: { 'example.com/big': 'x'.repeat(MAX_ANNOTATION_BYTES) } } });
    expect(errorOf(() => Testing.synth(chart)).message).toContain(`${MAX_ANNOTATION_BYTES} bytes`);
  });

  test('annotations and labels passed as props are refused where they are written, naming the construct and the key', () => {
    for (const bad of ['a\nb', 'a b', '-x', 'a/b/c', 'example.com/']) {
      const e = thrown(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', annotations: { [bad]: 'v' } }));
      expect(e.message).toContain(`test/ns: invalid annotations key ${JSON.stringify(bad)}: expected a label key`);
    }
    const big = thrown(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', annotations: { 'example.com/big': 'x'.repeat(MAX_ANNOTATION_BYTES) } }));
    expect(big.message).toContain(`test/ns: invalid annotations "${MAX_ANNOTATION_BYTES + 15} bytes": expected annotations of at most ${MAX_ANNOTATION_BYTES} bytes`);
    const label = thrown(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', labels: { team: 'a b' } }));
    expect(label.message).toContain('test/ns: invalid labels["team"] "a b": expected a label value');
  });
});
