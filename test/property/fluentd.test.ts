import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { badDnsLabel, dnsLabel, expectValidationError, portNumber, runs, timeoutFor } from './arbitraries';
import { FluentdLogShipper, Peer } from '../../src';
import { synthAndValidate } from '../util';

/** Builds a shipper in a fresh chart; returns the chart, the shipper and the synthesized objects. */
function build(props: any) {
  const chart = Testing.chart();
  const credentials = kplus.Secret.fromSecretName(chart, 'creds', 'es-credentials');
  const shipper = new FluentdLogShipper(chart, 'logs', { credentials, ...props });
  return { shipper, objs: synthAndValidate(chart) };
}

/** A lowercase Elasticsearch index prefix the construct accepts. */
const indexPrefix = fc.tuple(
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
  fc.stringOf(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), { maxLength: 20 }),
).map(([a, b]) => a + b);

/**
 * An in-cluster Elasticsearch host: `<svc>`, `<svc>.<ns>` or `<svc>.<ns>.svc.cluster.local` (a Service
 * name is a DNS-1035 label: it starts with a letter, so `1.2` is never drawn as a host name).
 */
const esHost = fc.tuple(dnsLabel(15).filter((s) => /^[a-z]/.test(s)), dnsLabel(15), fc.constantFrom(0, 1, 2))
  .map(([svc, ns, form]) => (form === 0 ? svc : form === 1 ? `${svc}.${ns}` : `${svc}.${ns}.svc.cluster.local`));

describe('FluentdLogShipper valid input (property)', () => {
  const valid = fc.record({
    namespace: dnsLabel(20),
    name: dnsLabel(20),
    host: esHost,
    port: portNumber(),
    indexPrefix,
    bufferLimitMib: fc.integer({ min: 64, max: 1_048_576 }),
    runAsUser: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2147483647 })),
    tls: fc.boolean(),
  });

  test('synthesizes schema-valid objects, deterministically; fluent.conf names the endpoint and the index prefix', () => {
    fc.assert(fc.property(valid, (v) => {
      const props = {
        namespace: v.namespace,
        name: v.name,
        elasticsearchEndpoint: `${v.host}:${v.port}`,
        indexPrefix: v.indexPrefix,
        bufferLimitMib: v.bufferLimitMib,
        runAsUser: v.runAsUser,
        elasticsearchTls: v.tls,
      };
      const a = build(props);
      const b = build(props);
      expect(b.objs).toEqual(a.objs);
      const conf = a.shipper.fluentConf;
      const cm = a.objs.find((o) => o.kind === 'ConfigMap');
      expect(cm.metadata).toMatchObject({ name: `${v.name}-config`, namespace: v.namespace });
      expect(cm.data['fluent.conf']).toBe(conf);
      const lines = conf.split('\n').map((l) => l.trim());
      expect(lines).toContain(`host ${v.host}`);
      expect(lines).toContain(`port ${v.port}`);
      expect(lines).toContain(`scheme ${v.tls ? 'https' : 'http'}`);
      expect(lines).toContain(`logstash_prefix ${v.indexPrefix}-\${$.kubernetes.namespace_name}`);
      expect(lines).toContain(`total_limit_size ${v.bufferLimitMib}MB`);
      expect(conf).not.toContain('{{');
      const ds = a.objs.find((o) => o.kind === 'DaemonSet');
      expect(ds.metadata).toMatchObject({ name: v.name, namespace: v.namespace });
      const pod = ds.spec.template.spec;
      expect(pod.securityContext.runAsUser).toBe(v.runAsUser);
      expect(pod.securityContext.runAsNonRoot).toBe(v.runAsUser === 0 ? undefined : true);
      expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      // nothing of the credentials is inline
      expect(JSON.stringify(a.objs)).not.toMatch(/"(ES_USER|ES_PASSWORD)","value"/);
    }), runs(25));
  }, timeoutFor(25, 600));
});

describe('FluentdLogShipper stateHostPath (property)', () => {
  const segment = fc.stringOf(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), { minLength: 1, maxLength: 12 });
  // the kubelet's and the runtimes' directories are refused (test/property/robust-bad-input.test.ts)
  const statePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/var/lib/${s.join('/')}`)
    .filter((p) => !/^\/var\/lib\/(cni|containerd|containers|docker|etcd|kubelet)(\/|$)/.test(p));

  test('the state volume is writable by the pod\'s user, or synthesis refuses it', () => {
    fc.assert(fc.property(statePath, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2147483647 })), fc.option(fc.boolean(), { nil: undefined }),
      (stateHostPath, runAsUser, stateHostPathProvisioned) => {
        const props = { stateHostPath, runAsUser, stateHostPathProvisioned };
        if (runAsUser !== 0 && stateHostPathProvisioned !== true) {
          // the kubelet would create it root:root 0755: uid runAsUser could not write
          expectValidationError(() => build(props), { field: 'stateHostPath', value: stateHostPath });
          return;
        }
        const pod = build(props).objs.find((o) => o.kind === 'DaemonSet').spec.template.spec;
        const state = pod.volumes.find((v: any) => v.name === 'state').hostPath;
        // provisioned: must exist (never created root-owned); else root owns what the kubelet creates
        expect(state).toEqual({ path: stateHostPath, type: stateHostPathProvisioned === true ? 'Directory' : 'DirectoryOrCreate' });
        expect(pod.securityContext.runAsUser).toBe(runAsUser);
      }), runs(25));
  }, timeoutFor(25, 600));
});

describe('FluentdLogShipper bad input (property)', () => {
  const make = (props: any) => () => new FluentdLogShipper(Testing.chart(), 'logs', {
    credentials: kplus.Secret.fromSecretName(Testing.chart(), 'creds', 'es-credentials'),
    ...props,
  });

  test('bad endpoints, names, buffer limits, index prefixes, user ids: a ValidationError naming field and value', () => {
    const badEndpoint = fc.oneof(
      fc.constantFrom('', 'es', 'es:', 'es:0', 'es:65536', 'es:09200', 'http://es:9200', 'es:92a', ':9200', 'Es.logging:9200',
        'es .logging:9200', '[::1:9200', '[fd00::1]9200', '300.1.1.1:9200', 'es..logging:9200', '-es:9200', 'es:9200/'),
      fc.tuple(esHost, fc.integer({ min: 65536, max: 1_073_741_824 })).map(([h, p]) => `${h}:${p}`),
      fc.tuple(esHost, fc.integer({ min: -100000, max: 0 })).map(([h, p]) => `${h}:${p}`),
      badDnsLabel().filter((l) => l !== '' && !l.includes(':') && /[^a-z0-9.-]|^-|-$|^.{64,}$|^[A-Z]/.test(l) && !/^[0-9.]+$/.test(l)).map((l) => `${l}:9200`),
    );
    const badPrefix = fc.oneof(
      fc.constantFrom('', '-k8s', '_k8s', 'K8s', 'k8s.logs', 'k8s logs', 'k8s*', 'k8s/x', 'k8s${x}', 'é', 'x'.repeat(101)),
      indexPrefix.map((p) => p.toUpperCase() + 'X'),
    );
    const bad = fc.oneof(
      badEndpoint.map((v) => ({ props: { elasticsearchEndpoint: v }, field: 'elasticsearchEndpoint', value: v })),
      badDnsLabel().map((v) => ({ props: { name: v }, field: 'name', value: v })),
      badDnsLabel().map((v) => ({ props: { namespace: v }, field: 'namespace', value: v })),
      fc.oneof(
        fc.constantFrom(0, -1, 63, 1.5, NaN, Infinity, -Infinity),
        fc.integer({ min: -(2 ** 31), max: 63 }),
        fc.double({ min: 64, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
      )
        .map((v) => ({ props: { bufferLimitMib: v }, field: 'bufferLimitMib', value: v })),
      badPrefix.map((v) => ({ props: { indexPrefix: v }, field: 'indexPrefix', value: v })),
      fc.oneof(fc.constantFrom(-1, 1.5, NaN, 2147483648), fc.integer({ min: -(2 ** 31), max: -1 })).map((v) => ({ props: { runAsUser: v }, field: 'runAsUser', value: v })),
    );
    fc.assert(fc.property(bad, (b) => {
      expectValidationError(make(b.props), { field: b.field, value: b.value });
    }), runs(300));
  });

  test('an IP endpoint without an elasticsearch peer is refused; with one it is accepted', () => {
    const ip = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
      .map(([a, b, c]) => `10.${a}.${b}.${c}`);
    fc.assert(fc.property(ip, portNumber(), (addr, port) => {
      const endpoint = `${addr}:${port}`;
      const e = expectValidationError(make({ elasticsearchEndpoint: endpoint }), { field: 'elasticsearch', value: undefined });
      expect(e.message).toContain(endpoint);
      const { shipper } = build({ elasticsearchEndpoint: endpoint, elasticsearch: Peer.pods({ app: 'es' }, { namespace: 'es' }) });
      expect(shipper.fluentConf.split('\n').map((l) => l.trim())).toEqual(expect.arrayContaining([`host ${addr}`, `port ${port}`]));
    }), runs(10));
  }, timeoutFor(10, 600));
});
