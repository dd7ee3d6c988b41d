import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Flows, GuardrailException, OtelCollector, Peer, Port, ReplicationPolicy, ValidationError, ZeroTrustNamespace } from '../../src';
import { checkProps, nearestKey, t } from '../../src/core/props-check';
import { seedFleet } from '../fleet/fixtures';
import { errorOf } from '../util';

describe('props-check: runtime types of props (issue 23)', () => {
  test('the string "false" for a boolean is an error, not truthy (allowIntraNamespace opened every port)', () => {
    const chart = Testing.chart();
    const e = errorOf(() => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', allowIntraNamespace: 'false' as any }));
    expect(e.path).toBe(`${chart.node.path}/ns`);
    expect(e.field).toBe('allowIntraNamespace');
    expect(e.message).toContain('"false"');
    expect(e.expected).toMatch(/true or false/);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('the issue\'s other booleans: jaegerInsecure, loadKernelModule, encryption', () => {
    expect(errorOf(() => new OtelCollector(Testing.chart(), 'o', { jaegerInsecure: 'false' as any })).field).toBe('jaegerInsecure');
    expect(errorOf(() => GuardrailException.vpnGateway('vpn', { loadKernelModule: 'no' as any })).field).toBe('options.loadKernelModule');
    const fleet = seedFleet();
    const e = errorOf(() => new ReplicationPolicy(fleet, 'r', {
      name: 'r',
      source: { cluster: 'asia-east', namespace: 'db', service: 'db' },
      destinations: [{ cluster: 'us-east', namespace: 'db', service: 'db' }],
      schedule: '*/5 * * * *',
      encryption: 'false' as any,
    }));
    expect(e.field).toBe('encryption');
  });

  test('null props, null members and nested fields are named with a dotted path and index', () => {
    expect(errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', null as any)).field).toBe('props');
    const e = errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', kubeApiServerPorts: [Port.tcp(443), null as any] }));
    expect(e.field).toBe('kubeApiServerPorts[1]');
    expect(errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', quota: { pods: 5 as any } })).field).toBe('quota.pods');
    expect(errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', labels: { app: null as any } })).field).toBe('labels["app"]');
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'a' }, containers: [{ image: 'w:1' }] });
    const f = errorOf(() => Flows.of(chart).allow(Peer.workload(web), Peer.pods({ app: 'x' }, { namespace: 'b' }), { ports: [Port.tcp(80)], http: { paths: [5 as any] } }));
    expect(f.field).toBe('http.paths[0]');
  });

  test('a number where a Duration is expected names the field and the class', () => {
    const spec = { interval: t.instanceOf('Duration', () => Duration) };
    const e = errorOf(() => checkProps('x', 'P', { interval: 30 }, spec));
    expect(e.field).toBe('interval');
    expect(e.expected).toBe('a Duration instance');
  });

  test('an unknown key names the nearest valid key', () => {
    const e = errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', allowIntraNamepsace: true } as any));
    expect(e.field).toBe('allowIntraNamepsace');
    expect(e.expected).toContain('did you mean "allowIntraNamespace"');
    expect(nearestKey('prots', ['ports', 'allPorts'])).toBe('ports');
  });

  test('undefined members are allowed (optional), required ones are named', () => {
    expect(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', quota: undefined, labels: undefined })).not.toThrow();
    expect(errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', {} as any)).field).toBe('name');
  });

  test('a huge bad value is cut in the message (safe to log)', () => {
    const big = 'x'.repeat(100_000);
    const e = errorOf(() => new ZeroTrustNamespace(Testing.chart(), 'ns', { name: 'shop', internalOnly: big as any }));
    expect(e.message.length).toBeLessThan(1000);
    expect(e.message).toContain('(100002 characters)');
    expect(ValidationError.render(big)).toBe(e.value);
  });
});
