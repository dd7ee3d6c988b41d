import { Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { badDnsLabel, dnsLabel, expectValidationError, runs } from './arbitraries';
import { OtelCollector, TelemetrySignal } from '../../src';

const make = (props: any) => () => new OtelCollector(Testing.chart(), 'otel', props);

describe('OtelCollector bad input (property)', () => {
  test('pipelines naming a missing receiver/exporter: a ValidationError naming pipelines[i].<kind>[j] and the id', () => {
    const id = fc.tuple(dnsLabel(10), fc.option(dnsLabel(6), { nil: undefined })).map(([t, n]) => (n ? `${t}/${n}` : t))
      .filter((s) => s !== 'otlp' && s !== 'otlp/jaeger');
    fc.assert(fc.property(id, fc.constantFrom('receivers', 'exporters'), fc.constantFrom(...Object.values(TelemetrySignal)), (missing, kind, signal) => {
      const pipeline: any = { signal, name: 'extra', receivers: ['otlp'], exporters: ['otlp/jaeger'] };
      pipeline[kind] = [...pipeline[kind], missing];
      expectValidationError(make({ pipelines: [pipeline] }), { field: `pipelines[0].${kind}[1]`, value: missing });
    }), runs(100));
  });

  test('bad memory limits and bad endpoints', () => {
    const bad = fc.oneof(
      fc.oneof(fc.constantFrom(0, -1, 1.5, NaN, Infinity), fc.integer({ min: -1000, max: 0 })).map((v) => ({ props: { memoryLimitMib: v }, field: 'memoryLimitMib', value: v })),
      fc.integer({ min: 2048, max: 100000 }).map((v) => ({ props: { memoryLimitMib: v }, field: 'memoryLimitMib', value: v })),
      fc.integer({ min: 1, max: 2000 }).chain((l) => fc.integer({ min: l, max: l + 1000 }).map((s) => ({ props: { memoryLimitMib: l, memorySpikeLimitMib: s }, field: 'memorySpikeLimitMib', value: s }))),
      fc.constantFrom('jaeger', 'jaeger:', 'jaeger:0', 'jaeger:65536', 'http://jaeger:4317', 'jaeger:43a', ':4317', 'Jaeger:4317', 'jaeger :4317', '[::1:4317', '300.1.1.1:4317')
        .map((v) => ({ props: { jaegerEndpoint: v }, field: 'jaegerEndpoint', value: v })),
      badDnsLabel().map((v) => ({ props: { namespace: v }, field: 'namespace', value: v })),
    );
    fc.assert(fc.property(bad, (b) => {
      expectValidationError(make(b.props), { field: b.field, value: b.value });
    }), runs(200));
  });

  test('container memory sizes that are not whole MiB are refused with a ValidationError, not a conversion error', () => {
    fc.assert(fc.property(fc.integer({ min: 2049 * 1024, max: 4096 * 1024 }).filter((k) => k % 1024 !== 0), (kib) => {
      expectValidationError(make({ resources: { memory: { limit: Size.kibibytes(kib) } } }), { field: 'resources.memory', value: `${kib}Ki` });
    }), runs(50));
  });
});
