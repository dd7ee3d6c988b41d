/**
 * Pass-through strings the API server or the component would refuse or misread (issue 23, class 3),
 * and a warning that became an error (class 4).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { FluentdLogShipper, HelmChart, IngressBackend, OtelCollector, IngressCertificate, ReplicationPolicy, SecureIngress, Tunable, WireguardMesh, ZeroTrustNamespace } from '../../src';
import { isSemverConstraint } from '../../src/helm/chart-inputs';
import { seedFleet } from '../fleet/fixtures';
import { errorOf } from '../util';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const site = (name: string, endpoint: string, cidr: string) => ({ name, endpoint, publicKey: key(name.length), privateKeySecretName: `wg-${name}`, cidrs: [cidr] });

describe('pass-through strings', () => {
  test('an IP address as an Ingress host is refused (the API server refuses it)', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const svc = new kplus.Service(chart, 'svc', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] });
    svc.selectLabel('app', 'web');
    const e = errorOf(() => new SecureIngress(chart, 'i', {
      rules: [{ host: '203.0.113.7', backend: IngressBackend.fromService(svc) }], certificate: IngressCertificate.fromSecret('tls'),
    }));
    expect(e.field).toBe('rules[0].host');
    expect(e.message).toContain('"203.0.113.7"');
    expect(e.expected).toMatch(/not an IP address/);
  });

  test('a WireGuard endpoint 0.0.0.0, loopback, multicast or localhost is refused; public and private unicast pass', () => {
    for (const bad of ['0.0.0.0:51820', '127.0.0.1:51820', '[::1]:51820', '[::]:51820', '239.1.1.1:51820', 'localhost:51820', '[::ffff:127.0.0.1]:51820']) {
      const e = errorOf(() => new WireguardMesh({ sites: [site('a', bad, '10.1.0.0/16'), site('bb', '192.0.2.2:51820', '10.2.0.0/16')] }));
      expect(e.field).toBe('sites[0] (a).endpoint');
      expect(e.message).toContain(JSON.stringify(bad));
      expect(e.expected).toMatch(/remote peers can reach/);
    }
    expect(() => new WireguardMesh({ sites: [site('a', '10.9.0.1:51820', '10.1.0.0/16'), site('bb', 'vpn.example.com:51820', '10.2.0.0/16')] })).not.toThrow();
  });

  test('a cron schedule that never fires (February 31, April 31) is refused; one that fires sometimes passes', () => {
    const mk = (schedule: string) => () => new ReplicationPolicy(seedFleet(), 'r', {
      name: 'r',
      source: { cluster: 'asia-east', namespace: 'db', service: 'db' },
      destinations: [{ cluster: 'us-east', namespace: 'db', service: 'db' }],
      schedule,
    });
    for (const bad of ['0 0 31 2 *', '0 0 30,31 FEB *', '0 0 31 4,6 *']) {
      const e = errorOf(mk(bad));
      expect(e.field).toBe('schedule');
      expect(e.message).toMatch(/never fires/);
    }
    for (const ok of ['0 0 29 2 *', '0 0 31 1-2 *', '0 0 31 2 MON', '*/15 * * * *']) expect(mk(ok)).not.toThrow();
  });

  test('an image reference with a registry port and no tag is refused (the port is no tag: it pulls latest)', () => {
    for (const bad of ['registry.example.com:5000/otel/collector', 'localhost:5000/c', 'otel/c:latest', 'otel/c:', 'otel/c@sha256:abc']) {
      const e = errorOf(() => new OtelCollector(Testing.chart(), 'o', { image: bad }));
      expect(e.field).toBe('image');
      expect(e.message).toContain(JSON.stringify(bad));
      const f = errorOf(() => new FluentdLogShipper(Testing.chart(), 'f', { credentials: kplus.Secret.fromSecretName(Testing.chart(), 's', 'es'), image: bad }));
      expect(f.field).toBe('image');
    }
    for (const ok of ['registry.example.com:5000/otel/collector:0.140.0', `otel/c@sha256:${'a'.repeat(64)}`]) {
      expect(() => new OtelCollector(Testing.chart(), 'o', { image: ok })).not.toThrow();
    }
  });

  test('a Chart kubeVersion that is not a semver constraint is refused', () => {
    for (const ok of ['>=1.27.0-0', '^1.27', '~1.27.3', '>= 1.27, < 1.34', '>=1.27 <1.34 || 1.20.x', '1.27 - 1.30', 'v1.28']) {
      expect([ok, isSemverConstraint(ok)]).toEqual([ok, true]);
    }
    for (const bad of ['1.27+', 'latest', '>=', '>= 1.27,', 'k8s 1.27', '']) {
      expect([bad, isSemverConstraint(bad)]).toEqual([bad, false]);
    }
    const e = errorOf(() => HelmChart.fromChart(Testing.chart(), { kubeVersion: 'latest' }));
    expect(e.field).toBe('kubeVersion');
  });

  test('crdFiles that are not CustomResourceDefinitions are refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-crd-'));
    const f = path.join(dir, 'not-a-crd.yaml');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    const e = errorOf(() => HelmChart.fromChart(Testing.chart(), { crdFiles: [f] }));
    expect(e.field).toBe('crdFiles');
    expect(e.expected).toMatch(/document 1 is ConfigMap x/);
  });

  test('a Tunable bound to a field the object does not render is an error, not a warning', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const replicas = Tunable.integer('web.replicas', 2);
    const dep = new k8s.KubeDeployment(chart, 'web', {
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    replicas.bindTo(dep, '/spec/replicas');
    const e = errorOf(() => HelmChart.fromChart(chart));
    expect(e.path).toBe('c/web');
    expect(e.field).toBe('tunable binding /spec/replicas');
    expect(e.message).toContain('web.replicas');
  });
});
