/**
 * Public members of OtelCollector that nothing else in the library exercises (issue 24: tested,
 * not removed, because they are sensible API for users).
 */
import { Testing } from 'cdk8s';
import { OtelCollector, TelemetrySignal } from '../../src';
import { synthAndValidate } from '../util';

const collectorOf = (objs: any[]): any => objs.find((o) => o.kind === 'OpenTelemetryCollector');

describe('OtelCollector public API', () => {
  test('DEFAULT_JAEGER_ENDPOINT is the endpoint of the default otlp/jaeger exporter', () => {
    const chart = Testing.chart();
    new OtelCollector(chart, 'otel');
    const config = collectorOf(synthAndValidate(chart)).spec.config;
    expect(OtelCollector.DEFAULT_JAEGER_ENDPOINT).toBe('jaeger-collector.observability:4317');
    expect(config.exporters['otlp/jaeger'].endpoint).toBe(OtelCollector.DEFAULT_JAEGER_ENDPOINT);
  });

  test('addReceiver adds (or replaces) a receiver a pipeline can use', () => {
    const chart = Testing.chart();
    const otel = new OtelCollector(chart, 'otel');
    otel.addReceiver('prometheus', { config: { scrape_configs: [{ job_name: 'old' }] } });
    otel.addReceiver('prometheus', { config: { scrape_configs: [{ job_name: 'self', static_configs: [{ targets: ['0.0.0.0:8888'] }] }] } });
    otel.addPipeline({ signal: TelemetrySignal.METRICS, receivers: ['prometheus'], exporters: ['otlp/jaeger'] });
    const config = collectorOf(synthAndValidate(chart)).spec.config;
    expect(Object.keys(config.receivers)).toEqual(['otlp', 'prometheus']);
    expect(config.receivers.prometheus).toEqual({ config: { scrape_configs: [{ job_name: 'self', static_configs: [{ targets: ['0.0.0.0:8888'] }] }] } });
    expect(config.service.pipelines.metrics.receivers).toEqual(['prometheus']);
  });

  test('addReceiver refuses a bad id or configuration, naming them', () => {
    const otel = new OtelCollector(Testing.chart(), 'otel');
    expect(() => otel.addReceiver('bad id', {})).toThrow(/test\/otel: invalid receivers "bad id"/);
    expect(() => otel.addReceiver('prometheus', null)).toThrow(/test\/otel: invalid config null: expected a value/);
    expect(() => otel.addReceiver('prometheus', [])).toThrow(/test\/otel: invalid receivers\["prometheus"\] .*: expected a configuration object/);
    expect(() => otel.addPipeline({ signal: TelemetrySignal.METRICS, receivers: ['hostmetrics'], exporters: ['otlp/jaeger'] }))
      .toThrow(/invalid pipeline\.receivers\[0\] "hostmetrics": expected the id of a configured receiver \(otlp\)/);
  });
});
