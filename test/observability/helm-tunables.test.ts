import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { parse } from 'yaml';
import { ObservabilityStack, ObservabilityStackProps, OtelCollector, Peer, Tunable, ValidationError, WireguardGateway } from '../../src';
import { HelmChart } from '../../src/helm';
import { byKey, helm, helmTemplate, objectKey, splitRendered, tmp } from '../helm/helm-run';
import { validateManifests } from '../util';
import { threeSiteMesh } from '../wireguard/fixtures';

interface Built {
  readonly chart: Chart;
  readonly plain: any[];
  readonly dir: string;
  readonly helmChart: HelmChart;
}

/** One chart with an ObservabilityStack (and, with `gateway`, a WireguardGateway), as Helm chart. */
function build(props: (chart: Chart) => ObservabilityStackProps, gateway = true): Built {
  const app = new App();
  const chart = new Chart(app, 'cluster');
  new ObservabilityStack(chart, 'obs', props(chart));
  if (gateway) {
    new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east' });
  }
  const plain = chart.toJson();
  const helmChart = HelmChart.fromChart(chart);
  const dir = helmChart.write(path.join(tmp('obs-helm'), 'cluster'));
  return { chart, plain, dir, helmChart };
}

const defaultsOnly = () => ({});

function rendered(dir: string, ...args: string[]): any[] {
  return splitRendered(helmTemplate(dir, ...args)).map(d => d.object);
}

function find(objs: any[], kind: string): any {
  const found = objs.filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Paths (a.b.0.c) where two JSON values differ. */
function diffPaths(a: any, b: any, at = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap(k => diffPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return a === b ? [] : [at];
}

describe('ObservabilityStack collector tunables', () => {
  test('the default stack declares replicas and memoryLimitMib only (no image field to bind, Jaeger host fixed)', () => {
    const { helmChart } = build(defaultsOnly, false);
    expect(helmChart.valueKeys).toEqual(['observability.collector.memoryLimitMib', 'observability.collector.replicas']);
    expect(helmChart.values()).toEqual({ observability: { collector: { memoryLimitMib: 1500, replicas: 2 } } });
    expect(helmChart.schema().properties.observability.properties.collector.properties.memoryLimitMib)
      .toMatchObject({ type: 'integer', minimum: 1, maximum: 2047, default: 1500 });
    expect(helmChart.warnings).toEqual([]);
  });

  test('daemonset mode has no replicas value; an explicit jaeger peer makes the host tunable', () => {
    const { helmChart } = build(() => ({
      tracing: {
        mode: 'daemonset' as any,
        image: 'otel/opentelemetry-collector-contrib:0.140.0',
        memorySpikeLimitMib: 300,
        jaeger: Peer.pods({ app: 'jaeger' }, { namespace: 'tracing' }),
        jaegerEndpoint: 'jaeger.tracing:4317',
      },
    }), false);
    expect(helmChart.values()).toEqual({
      observability: {
        collector: {
          image: { repository: 'otel/opentelemetry-collector-contrib', tag: '0.140.0' },
          jaeger: { host: 'jaeger.tracing' },
          memoryLimitMib: 1500,
        },
      },
    });
    expect(helmChart.schema().properties.observability.properties.collector.properties.memoryLimitMib.minimum).toBe(301);
    expect(helmChart.warnings).toEqual([]);
  });

  test('a digest image stays pinned (no image value)', () => {
    const { helmChart } = build(() => ({ tracing: { image: `otel/collector@sha256:${'a'.repeat(64)}` } }), false);
    expect(helmChart.valueKeys.filter(k => k.includes('image'))).toEqual([]);
  });

  test('valuesPrefix namespaces the keys; a bad prefix names the field', () => {
    const { helmChart } = build(() => ({ tracing: { valuesPrefix: 'tracing.gateway' } }), false);
    expect(helmChart.valueKeys).toEqual(['tracing.gateway.memoryLimitMib', 'tracing.gateway.replicas']);
    const chart = new Chart(new App(), 'c');
    expect(() => new OtelCollector(chart, 'otel', { valuesPrefix: 'bad-prefix' })).toThrow(ValidationError);
    expect(() => new OtelCollector(chart, 'otel2', { valuesPrefix: 'bad-prefix' })).toThrow('invalid valuesPrefix "bad-prefix"');
  });

  test('helm template: explicit jaeger host renders and can be changed; port stays', () => {
    const { dir, plain } = build(() => ({
      tracing: { jaeger: Peer.pods({ app: 'jaeger' }, { namespace: 'tracing' }), jaegerEndpoint: 'jaeger.tracing:4317' },
    }), false);
    expect(byKey(rendered(dir))).toEqual(byKey(plain));
    const otel = find(rendered(dir, '--set', 'observability.collector.jaeger.host=jaeger-collector.tracing.svc'), 'OpenTelemetryCollector');
    expect(otel.spec.config.exporters['otlp/jaeger'].endpoint).toBe('jaeger-collector.tracing.svc:4317');
  });
});

describe('FluentdLogShipper tunables', () => {
  const es = (chart: Chart, over: any = {}) => ({
    logging: { credentials: kplus.Secret.fromSecretName(chart, 'es-creds', 'es-credentials'), ...over },
  });

  test('the Elasticsearch host is tunable only with an explicit elasticsearch peer; the port never', () => {
    expect(build((c) => es(c), false).helmChart.valueKeys.filter(k => k.includes('elasticsearch'))).toEqual([]);
    const { helmChart, dir, plain } = build((c) => es(c, {
      elasticsearchEndpoint: 'es-http.search:9200',
      elasticsearch: Peer.pods({ 'elasticsearch.k8s.elastic.co/cluster-name': 'es' }, { namespace: 'search' }),
    }), false);
    expect(helmChart.values().logging.fluentd.elasticsearch).toEqual({ host: 'es-http.search' });
    expect(byKey(rendered(dir))).toEqual(byKey(plain));
    const objs = rendered(dir, '--set', 'logging.fluentd.elasticsearch.host=es-http.search.svc.cluster.local');
    const before = find(plain, 'ConfigMap').data['fluent.conf'];
    const after = find(objs, 'ConfigMap').data['fluent.conf'];
    expect(after).toBe(before.replace('  host es-http.search\n', '  host es-http.search.svc.cluster.local\n'));
    expect(after).not.toBe(before);
    expect(after).toContain('  port 9200\n');
  });

  test('values spliced into config text are checked by values.schema.json: a newline in the Elasticsearch host, a latest tag', () => {
    const { dir } = build((c) => es(c, {
      elasticsearchEndpoint: 'es-http.search:9200',
      elasticsearch: Peer.pods({ 'elasticsearch.k8s.elastic.co/cluster-name': 'es' }, { namespace: 'search' }),
    }), false);
    const evil = path.join(tmp('obs-evil'), 'evil-values.yaml');
    fs.mkdirSync(path.dirname(evil), { recursive: true });
    fs.writeFileSync(evil, 'logging:\n  fluentd:\n    elasticsearch:\n      host: "es\\n</match>\\n<source>\\n  @type exec\\n  command cat /var/run/secrets/kubernetes.io/serviceaccount/token\\n</source>"\n');
    const r = helm('template', 'rel', dir, '-f', evil);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/logging.fluentd.elasticsearch.host/);
    expect(r.stdout).not.toContain('@type exec');
    expect(helm('template', 'rel', dir, '--set', 'logging.fluentd.elasticsearch.host=es host').status).not.toBe(0);
    // a DNS name still renders
    expect(helm('template', 'rel', dir, '--set', 'logging.fluentd.elasticsearch.host=es-http.search.svc.cluster.local').status).toBe(0);
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'values.schema.json'), 'utf8'));
    const fluentd = schema.properties.logging.properties.fluentd.properties;
    expect(fluentd.image.properties.tag.not).toEqual({ enum: ['latest'] });
    expect(helm('template', 'rel', dir, '--set', 'logging.fluentd.image.tag=latest').status).not.toBe(0);
  });

  test('Tunable pattern and forbiddenValues: bad options name the field', () => {
    expect(() => Tunable.string('a.b', 'x y', { pattern: '^[a-z]+$' })).toThrow(/Tunable.string\(a.b\): invalid defaultValue "x y": expected a value matching/);
    expect(() => Tunable.string('a.b', 'x', { pattern: '[a-z]+' })).toThrow(/invalid pattern "\[a-z\]\+": expected an anchored regular expression/);
    expect(() => Tunable.integer('a.b', 1, { pattern: '^1$' })).toThrow(/invalid pattern/);
    expect(() => Tunable.string('a.b', 'latest', { forbiddenValues: ['latest'] })).toThrow(/invalid defaultValue "latest": expected none of latest/);
  });

  test('resources in millicores and MiB are tunable; whole CPUs are not', () => {
    const { helmChart, dir } = build((c) => es(c, { resources: { cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.units(1) } } }), false);
    expect(helmChart.values().logging.fluentd.resources).toEqual({ cpuRequestMillicores: 50, memoryLimitMib: 512, memoryRequestMib: 256 });
    const ds = find(rendered(dir, '--set', 'logging.fluentd.resources.memoryLimitMib=1024', '--set', 'logging.fluentd.resources.cpuRequestMillicores=75'), 'DaemonSet');
    expect(ds.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '75m', memory: '256Mi' }, limits: { cpu: '1', memory: '1024Mi' } });
  });

  test('priorityClassName is set on the pod and validated; absent by default', () => {
    const { plain } = build((c) => es(c, { priorityClassName: 'system-node-critical' }), false);
    expect(find(plain, 'DaemonSet').spec.template.spec.priorityClassName).toBe('system-node-critical');
    expect(find(build((c) => es(c), false).plain, 'DaemonSet').spec.template.spec.priorityClassName).toBeUndefined();
    expect(() => build((c) => es(c, { priorityClassName: 'Not_Valid' }), false)).toThrow('invalid priorityClassName "Not_Valid"');
  });
});

describe('a chart with an ObservabilityStack and a WireguardGateway, written by HelmChart', () => {
  let built: Built;
  beforeAll(() => {
    built = build((chart) => ({
      tracing: { image: 'otel/opentelemetry-collector-contrib:0.140.0' },
      logging: { credentials: kplus.Secret.fromSecretName(chart, 'es-creds', 'es-credentials') },
    }));
  });

  test('values.yaml lists every key with its default', () => {
    const values = parse(fs.readFileSync(path.join(built.dir, 'values.yaml'), 'utf8'));
    expect(values).toEqual(built.helmChart.values());
    expect(built.helmChart.valueKeys).toEqual(EXPECTED_KEYS);
    expect(built.helmChart.warnings).toEqual([]);
  });

  test('helm template with the default values renders exactly the plain manifests', () => {
    const objs = rendered(built.dir);
    expect(byKey(objs)).toEqual(byKey(built.plain));
    validateManifests(objs);
  });

  test('--set observability.collector.replicas=3 changes exactly that field', () => {
    const objs = rendered(built.dir, '--set', 'observability.collector.replicas=3');
    const before = new Map(built.plain.map(o => [objectKey(o), o]));
    const changes = objs.flatMap(o => diffPaths(before.get(objectKey(o)), o).map(p => `${objectKey(o)}:${p}`));
    expect(changes).toEqual(['opentelemetry.io/v1beta1/OpenTelemetryCollector/observability/cluster-collector:spec.replicas']);
    expect(find(objs, 'OpenTelemetryCollector').spec.replicas).toBe(3);
  });

  test('--set-string wireguard.image.tag changes the gateway image only', () => {
    const objs = rendered(built.dir, '--set-string', 'wireguard.image.tag=1.0.20250521', '--set', 'wireguard.image.repository=registry.example.com/wg');
    const before = new Map(built.plain.map(o => [objectKey(o), o]));
    const changes = objs.flatMap(o => diffPaths(before.get(objectKey(o)), o).map(p => `${objectKey(o)}:${p}`));
    expect(changes).toEqual(['apps/v1/Deployment/wireguard/wireguard-gateway:spec.template.spec.containers.0.image']);
    expect(find(objs, 'Deployment').spec.template.spec.containers[0].image).toBe('registry.example.com/wg:1.0.20250521');
    expect(built.helmChart.values().wireguard).toEqual({ image: { repository: 'linuxserver/wireguard', tag: '1.0.20210914' } });
  });

  test('a gateway image pinned by digest declares no image value', () => {
    const chart = new Chart(new App(), 'c');
    new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east', image: `ghcr.io/x/wg@sha256:${'b'.repeat(64)}` });
    expect(HelmChart.fromChart(chart).valueKeys).toEqual([]);
  });

  test('a wrong type or an out-of-range value is refused by the values schema', () => {
    const cases: Array<[string[], string]> = [
      [['--set', 'observability.collector.replicas=three'], 'observability.collector.replicas: Invalid type. Expected: integer, given: string'],
      [['--set', 'observability.collector.replicas=0'], 'observability.collector.replicas: Must be greater than or equal to 1'],
      [['--set', 'observability.collector.memoryLimitMib=2048'], 'observability.collector.memoryLimitMib: Must be less than or equal to 2047'],
      [['--set', 'observability.collector.image.tag=128'], 'observability.collector.image.tag: Invalid type. Expected: string, given: integer'],
    ];
    for (const [args, message] of cases) {
      const r = helm('template', 'rel', built.dir, ...args);
      expect({ args, status: r.status === 0 ? 0 : 1, hasMessage: r.stderr.includes(message) }).toEqual({ args, status: 1, hasMessage: true });
    }
  });
});

const EXPECTED_KEYS = [
  'logging.fluentd.image.repository',
  'logging.fluentd.image.tag',
  'logging.fluentd.resources.cpuLimitMillicores',
  'logging.fluentd.resources.cpuRequestMillicores',
  'logging.fluentd.resources.memoryLimitMib',
  'logging.fluentd.resources.memoryRequestMib',
  'observability.collector.image.repository',
  'observability.collector.image.tag',
  'observability.collector.memoryLimitMib',
  'observability.collector.replicas',
  'wireguard.image.repository',
  'wireguard.image.tag',
];
