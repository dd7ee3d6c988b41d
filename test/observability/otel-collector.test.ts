import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CollectorMode, Flows, OtelCollector, TelemetrySignal } from '../../src';
import { namespacePeer } from '../../src/observability/internal';
import { synthAndValidate } from '../util';

function collectorOf(objs: any[]): any {
  const found = objs.filter((o) => o.kind === 'OpenTelemetryCollector');
  expect(found).toHaveLength(1);
  return found[0];
}

describe('OtelCollector', () => {
  test('defaults: v1beta1 CR with structured config, OTLP in, memory_limiter then batch, TLS to Jaeger', () => {
    const chart = Testing.chart();
    new OtelCollector(chart, 'otel');
    const objs = synthAndValidate(chart);
    const cr = collectorOf(objs);
    expect(cr.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect(cr.metadata).toEqual({ name: 'cluster-collector', namespace: 'observability' });
    expect(cr.spec.mode).toBe('deployment');
    const c = cr.spec.config;
    expect(typeof c).toBe('object');
    expect(c.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(c.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(c.processors.memory_limiter).toEqual({ check_interval: '1s', limit_mib: 1500 });
    expect(c.processors.batch).toEqual({});
    expect(c.exporters['otlp/jaeger']).toEqual({ endpoint: 'jaeger-collector.observability:4317', tls: { insecure: false } });
    expect(c.service.pipelines).toEqual({
      traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/jaeger'] },
    });
    // hardening of the pods the operator creates
    expect(cr.spec.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(cr.spec.podSecurityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(cr.spec.networkPolicy).toEqual({ enabled: false });
    expect(cr.spec.resources.limits.memory).toBe('2048Mi');
    // finding 18: our ServiceAccount, without a token (the operator would create one that mounts it)
    expect(cr.spec.serviceAccount).toBe('cluster-collector-collector');
    expect(objs.filter((o) => o.kind === 'ServiceAccount')).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'cluster-collector-collector', namespace: 'observability' },
      automountServiceAccountToken: false,
    }]);
    // finding 7: plaintext receivers unless receiverTls is given
    expect(c.receivers.otlp.protocols.grpc.tls).toBeUndefined();
    expect(cr.spec.volumes).toBeUndefined();
    expect(objs).toMatchSnapshot();
  });

  test('receiverTls: both OTLP receivers serve the Secret\'s certificate, mounted read-only, readable by the collector\'s group', () => {
    const chart = Testing.chart();
    const otel = new OtelCollector(chart, 'otel', { receiverTls: kplus.Secret.fromSecretName(chart, 'tls', 'otlp-tls') });
    const cr = collectorOf(synthAndValidate(chart));
    const tls = { cert_file: '/etc/otelcol/tls/tls.crt', key_file: '/etc/otelcol/tls/tls.key' };
    expect(cr.spec.config.receivers.otlp.protocols).toEqual({
      grpc: { endpoint: '0.0.0.0:4317', tls },
      http: { endpoint: '0.0.0.0:4318', tls },
    });
    expect(cr.spec.volumes).toEqual([{ name: 'receiver-tls', secret: { secretName: 'otlp-tls', defaultMode: 0o440 } }]);
    expect(cr.spec.volumeMounts).toEqual([{ name: 'receiver-tls', mountPath: '/etc/otelcol/tls', readOnly: true }]);
    expect(cr.spec.podSecurityContext.fsGroup).toBe(10001);
    expect(otel.otlpHttpEndpoint).toBe('https://cluster-collector-collector.observability:4318');
    expect(() => new OtelCollector(Testing.chart(), 'o', { receiverTls: { name: 'Bad_Name' } as any })).toThrow(/invalid receiverTls.name "Bad_Name"/);
  });

  test('props: daemonset mode, limits, insecure only when asked, CA file, resources', () => {
    const chart = Testing.chart();
    const otel = new OtelCollector(chart, 'otel', {
      name: 'edge',
      namespace: 'telemetry',
      mode: CollectorMode.DAEMONSET,
      memoryLimitMib: 800,
      memorySpikeLimitMib: 200,
      memoryCheckInterval: '500ms',
      jaegerEndpoint: 'jaeger.tracing.svc.cluster.local:14317',
      jaegerCaFile: '/etc/ca/ca.crt',
      resources: {
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
        cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.units(2) },
      },
    });
    const cr = collectorOf(synthAndValidate(chart));
    expect(cr.spec.mode).toBe('daemonset');
    expect(cr.spec.replicas).toBeUndefined();
    expect(cr.spec.config.processors.memory_limiter).toEqual({ check_interval: '500ms', limit_mib: 800, spike_limit_mib: 200 });
    expect(cr.spec.config.exporters['otlp/jaeger'].tls).toEqual({ insecure: false, ca_file: '/etc/ca/ca.crt' });
    expect(cr.spec.resources).toEqual({ requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '2', memory: '1024Mi' } });
    expect(otel.otlpGrpcEndpoint).toBe('edge-collector.telemetry:4317');
    expect(otel.jaegerPeer.namespace).toBe('tracing');

    const chart2 = Testing.chart();
    new OtelCollector(chart2, 'otel', { jaegerInsecure: true });
    expect(collectorOf(synthAndValidate(chart2)).spec.config.exporters['otlp/jaeger'].tls).toEqual({ insecure: true });
  });

  test('extra pipelines: metrics and logs with their own components', () => {
    const chart = Testing.chart();
    const otel = new OtelCollector(chart, 'otel');
    otel.addExporter('otlphttp/logs', { endpoint: 'https://loki.logging:3100/otlp' });
    otel.addProcessor('attributes/env', { actions: [{ key: 'env', value: 'prod', action: 'upsert' }] });
    otel.addPipeline({ signal: TelemetrySignal.LOGS, receivers: ['otlp'], processors: ['memory_limiter', 'attributes/env', 'batch'], exporters: ['otlphttp/logs'] });
    otel.addPipeline({ signal: TelemetrySignal.METRICS, receivers: ['otlp'], exporters: ['otlphttp/logs'] });
    otel.addPipeline({ signal: TelemetrySignal.TRACES, name: 'copy', receivers: ['otlp'], exporters: ['otlphttp/logs'] });
    const cr = collectorOf(synthAndValidate(chart));
    expect(Object.keys(cr.spec.config.service.pipelines)).toEqual(['logs', 'metrics', 'traces', 'traces/copy']);
    expect(cr.spec.config.service.pipelines.metrics.processors).toEqual(['memory_limiter', 'batch']);
    expect(cr.spec.config.service.pipelines.logs.processors).toEqual(['memory_limiter', 'attributes/env', 'batch']);
    // every pipeline's names exist in the config
    for (const p of Object.values<any>(cr.spec.config.service.pipelines)) {
      p.receivers.forEach((r: string) => expect(cr.spec.config.receivers[r]).toBeDefined());
      p.processors.forEach((r: string) => expect(cr.spec.config.processors[r]).toBeDefined());
      p.exporters.forEach((r: string) => expect(cr.spec.config.exporters[r]).toBeDefined());
      expect(p.processors[0]).toBe('memory_limiter');
    }
  });

  describe('flows', () => {
    function setup() {
      const chart = Testing.chart();
      const flows = Flows.of(chart);
      for (const ns of ['observability', 'shop', 'payments', 'other']) flows.manageNamespace(ns);
      const otel = new OtelCollector(chart, 'otel', { tracedNamespaces: [namespacePeer('shop')] });
      otel.allowTelemetryFrom(namespacePeer('payments'));
      const policies = synthAndValidate(chart).filter((o) => o.kind === 'NetworkPolicy');
      return { otel, flows, policies };
    }

    test('declared: sources -> collector on 4317/4318, collector -> Jaeger on 4317, collector -> DNS', () => {
      const { flows } = setup();
      const described = flows.all.map((f) => `${f.from.peerName} -> ${f.to.peerName} ${f.ports.map((p) => p.toString()).join(',')}`);
      expect(described.sort()).toEqual([
        'cluster-collector -> dns TCP/53,UDP/53',
        'cluster-collector -> observability TCP/4317',
        'payments -> cluster-collector TCP/4317,TCP/4318',
        'shop -> cluster-collector TCP/4317,TCP/4318',
      ]);
    });

    test('rendered: only allowed namespaces reach the collector pods, only the collector reaches Jaeger', () => {
      const { policies } = setup();
      const ingressTo = (ns: string) => policies.filter((p) => p.metadata.namespace === ns && (p.spec.policyTypes ?? []).includes('Ingress') && (p.spec.ingress ?? []).length > 0);
      const obsIngress = ingressTo('observability');
      const collectorSelector = {
        'app.kubernetes.io/component': 'opentelemetry-collector',
        'app.kubernetes.io/instance': 'observability.cluster-collector',
        'app.kubernetes.io/managed-by': 'opentelemetry-operator',
        'app.kubernetes.io/part-of': 'opentelemetry',
      };
      // ingress rules that select the collector pods: from shop and payments only, on 4317/4318
      const toCollector = obsIngress.filter((p) => JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(collectorSelector));
      const fromNs = toCollector.flatMap((p) => p.spec.ingress.flatMap((r: any) => r.from.map((f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'])));
      expect(fromNs.sort()).toEqual(['payments', 'shop']);
      for (const p of toCollector) {
        for (const r of p.spec.ingress) expect(r.ports.map((x: any) => x.port).sort()).toEqual([4317, 4318]);
      }
      // 'other' is managed but not a telemetry source: no rule mentions it
      expect(policies.filter((p) => p.metadata.namespace === 'other').map((p) => p.metadata.name)).toEqual(['default-deny']);
      expect(JSON.stringify(policies)).not.toContain('"kubernetes.io/metadata.name":"other"');
      // Jaeger (every pod of observability by default) accepts only the collector pods
      const toJaeger = obsIngress.filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0);
      expect(toJaeger).toHaveLength(1);
      expect(toJaeger[0].spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: collectorSelector } }], ports: [{ port: 4317, protocol: 'TCP' }] }]);
      // default deny remains everywhere
      for (const ns of ['observability', 'shop', 'payments', 'other']) {
        expect(policies.some((p) => p.metadata.namespace === ns && p.metadata.name === 'default-deny')).toBe(true);
      }
    });
  });

  describe('bad input', () => {
    const make = (props: any) => () => new OtelCollector(Testing.chart(), 'otel', props);

    test('a pipeline naming a missing exporter', () => {
      expect(make({ pipelines: [{ signal: TelemetrySignal.METRICS, receivers: ['otlp'], exporters: ['prometheus'] }] }))
        .toThrow(/test\/otel: invalid pipelines\[0\]\.exporters\[0\] "prometheus": expected the id of a configured exporter \(otlp\/jaeger\)/);
      const otel = new OtelCollector(Testing.chart(), 'otel');
      expect(() => otel.addPipeline({ signal: TelemetrySignal.LOGS, receivers: ['filelog'], exporters: ['otlp/jaeger'] }))
        .toThrow(/invalid pipeline\.receivers\[0\] "filelog": expected the id of a configured receiver \(otlp\)/);
    });

    test('memory_limiter must come first', () => {
      const otel = new OtelCollector(Testing.chart(), 'otel');
      expect(() => otel.addPipeline({ signal: TelemetrySignal.METRICS, receivers: ['otlp'], processors: ['batch', 'memory_limiter'], exporters: ['otlp/jaeger'] }))
        .toThrow(/invalid pipeline\.processors\[0\] "batch": expected memory_limiter/);
    });

    test('a memory limit of 0, a spike over the limit, a limit over the container limit', () => {
      expect(make({ memoryLimitMib: 0 })).toThrow(/invalid memoryLimitMib 0: expected a positive integer/);
      expect(make({ memoryLimitMib: 500, memorySpikeLimitMib: 500 })).toThrow(/invalid memorySpikeLimitMib 500: expected less than memoryLimitMib \(500\)/);
      expect(make({ memoryLimitMib: 4000 })).toThrow(/invalid memoryLimitMib 4000: expected less than the container memory limit \(2048 MiB\)/);
      expect(make({ memoryCheckInterval: '0s' })).toThrow(/invalid memoryCheckInterval "0s"/);
    });

    test('an endpoint that is not host:port', () => {
      expect(make({ jaegerEndpoint: 'jaeger-collector.observability' })).toThrow(/invalid jaegerEndpoint "jaeger-collector.observability": expected host:port/);
      expect(make({ jaegerEndpoint: 'http://jaeger:4317' })).toThrow(/invalid jaegerEndpoint "http:\/\/jaeger:4317"/);
      expect(make({ jaegerEndpoint: '10.0.0.5:4317' })).toThrow(/invalid jaeger undefined: expected a peer for 10.0.0.5:4317/);
    });

    test('other props', () => {
      expect(make({ name: 'Bad_Name' })).toThrow(/invalid name "Bad_Name"/);
      expect(make({ mode: CollectorMode.DAEMONSET, replicas: 3 })).toThrow(/invalid replicas 3: expected no replicas in daemonset mode/);
      expect(make({ jaegerInsecure: true, jaegerCaFile: '/ca.crt' })).toThrow(/invalid jaegerCaFile "\/ca.crt"/);
      expect(make({ image: 'otel/collector' })).toThrow(/invalid image "otel\/collector"/);
      // a latest tag is refused like a missing one (as FluentdLogShipper and WireguardGateway do)
      expect(make({ image: 'otel/opentelemetry-collector-contrib:latest' })).toThrow(/invalid image "otel\/opentelemetry-collector-contrib:latest": expected an image reference pinned by a tag other than latest/);
      const otel = new OtelCollector(Testing.chart(), 'otel');
      expect(() => otel.addExporter('bad id', {})).toThrow(/invalid exporters "bad id"/);
      // OTLP endpoints as the collector parses them (it would fail at start-up)
      expect(() => otel.addExporter('otlphttp/logs', { endpoint: 'loki.logging:3100/otlp' }))
        .toThrow(/invalid exporters.otlphttp\/logs.endpoint "loki.logging:3100\/otlp": expected an http:\/\/ or https:\/\/ URL/);
      expect(() => otel.addExporter('otlphttp', { traces_endpoint: 'tempo:4318/v1/traces' })).toThrow(/invalid exporters.otlphttp.traces_endpoint/);
      expect(() => otel.addExporter('otlp/gw', { endpoint: 'gateway.observability' })).toThrow(/invalid exporters.otlp\/gw.endpoint "gateway.observability": expected host:port/);
      expect(() => otel.addExporter('otlp/gw', { endpoint: 'gateway.observability:4317' })).not.toThrow();
      expect(() => otel.addExporter('otlphttp/ok', { endpoint: 'https://loki.logging:3100/otlp' })).not.toThrow();
      expect(() => otel.addProcessor('memory_limiter', {})).toThrow(/invalid processors "memory_limiter"/);
      expect(() => otel.addPipeline({ signal: TelemetrySignal.TRACES, receivers: ['otlp'], exporters: ['otlp/jaeger'] }))
        .toThrow(/invalid pipeline.signal "traces": expected a pipeline id not used yet/);
    });
  });
});
