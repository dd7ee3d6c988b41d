import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  BATCH, checkPipeline, MEMORY_LIMITER, pipelineId, RenderedPipeline, sortedComponents, validateComponentId,
} from './collector-config';
import { CollectorPipeline, TelemetrySignal } from './collector-pipeline';
import { DEFAULT_JAEGER_ENDPOINT, defaultPeerFor, OTLP_GRPC_PORT, OTLP_HTTP_PORT, splitImageTag } from './internal';
import { CollectorMode } from './otel-collector-mode';
import { collectorSelector, collectorSpec, OtelCollectorPlan, planOtelCollector, RECEIVER_TLS_DIR } from './otel-collector-plan';
import { OTEL_COLLECTOR_PROPS } from './props-specs';
import { Port } from '../core/port';
import { checkArgs, t } from '../core/props-check';
import { toKubeName } from '../core/strings';
import { Tunable } from '../core/tunable';
import { fail } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Flows } from '../flows/flows';
import { IPeer, Peer } from '../flows/peer';
import { OpenTelemetryCollector, OpenTelemetryCollectorSpecConfig } from '../imports/opentelemetry.io';

/**
 * Properties of an {@link OtelCollector}.
 */
export interface OtelCollectorProps {
  /**
   * Name of the OpenTelemetryCollector resource. The operator names the workload, the service and
   * the service account `<name>-collector`.
   *
   * @default 'cluster-collector'
   */
  readonly name?: string;

  /**
   * Namespace of the collector.
   *
   * @default 'observability'
   */
  readonly namespace?: string;

  /**
   * Deployment or DaemonSet.
   *
   * @default CollectorMode.DEPLOYMENT
   */
  readonly mode?: CollectorMode;

  /**
   * Replicas (deployment mode only).
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * Collector image.
   *
   * @default - the operator's default collector image (pinned by the operator version)
   */
  readonly image?: string;

  /**
   * Hard memory limit of the `memory_limiter` processor, in MiB (`limit_mib`). Must be below the
   * container memory limit.
   *
   * @default 1500
   */
  readonly memoryLimitMib?: number;

  /**
   * Spike allowance of the `memory_limiter` (`spike_limit_mib`); the soft limit is
   * `memoryLimitMib - memorySpikeLimitMib`. Must be below `memoryLimitMib`.
   *
   * @default - 20% of memoryLimitMib (the collector's own default)
   */
  readonly memorySpikeLimitMib?: number;

  /**
   * How often the `memory_limiter` checks memory use (`check_interval`, required by the
   * collector), a Go duration.
   *
   * @default '1s'
   */
  readonly memoryCheckInterval?: string;

  /**
   * The OTLP gRPC endpoint of Jaeger (`host:port`) the traces pipeline exports to.
   *
   * @default 'jaeger-collector.observability:4317'
   */
  readonly jaegerEndpoint?: string;

  /**
   * Send to Jaeger without TLS (`tls.insecure: true`). Only for a mesh that already encrypts
   * (e.g. Istio mTLS) or for tests.
   *
   * @default false (TLS, verified against `jaegerCaFile` or the system roots)
   */
  readonly jaegerInsecure?: boolean;

  /**
   * CA bundle (path inside the collector container) to verify Jaeger's certificate.
   *
   * @default - the system roots
   */
  readonly jaegerCaFile?: string;

  /**
   * The Jaeger pods, for the collector -> Jaeger flow. Narrow it to Jaeger's collector pods
   * (e.g. `Peer.pods({ 'app.kubernetes.io/component': 'collector' }, { namespace: 'observability' })`).
   *
   * @default - every pod of the namespace named in jaegerEndpoint (`<service>.<namespace>`), or of
   *   the collector's namespace when the host has one label
   */
  readonly jaeger?: IPeer;

  /**
   * Where telemetry comes from: each peer may send OTLP to the collector on 4317 and 4318.
   * Pass `ZeroTrustNamespace`s, `Peer.namespaceByName(...)` or workloads; more with `allowTelemetryFrom`.
   *
   * @default - none (add with allowTelemetryFrom)
   */
  readonly tracedNamespaces?: IPeer[];

  /**
   * Container resources of the collector.
   *
   * @default - requests 200m CPU / 512 MiB, limits 1 CPU / 2048 MiB
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Extra pipelines (metrics, logs, or more traces pipelines). Components they name must be the
   * built-in ones (`otlp` receiver, `memory_limiter`, `batch`, `otlp/jaeger` exporter) or added
   * with `addReceiver`/`addProcessor`/`addExporter` before the pipeline (use `addPipeline`).
   *
   * @default - only the traces pipeline
   */
  readonly pipelines?: CollectorPipeline[];

  /**
   * Prefix of the collector's Helm values (tunables), e.g. `<prefix>.replicas`. Give each
   * collector of a chart its own prefix if their defaults differ.
   *
   * @default 'observability.collector'
   */
  readonly valuesPrefix?: string;

  /**
   * Serve the OTLP receivers (gRPC 4317, HTTP 4318) over TLS with the certificate of this
   * `kubernetes.io/tls` Secret (keys `tls.crt` and `tls.key`, in the collector's namespace), e.g.
   * one a cert-manager Certificate issues for `<name>-collector.<namespace>.svc`. The Secret is
   * mounted read-only at `/etc/otelcol/tls`; the collector reloads a renewed certificate. The
   * applications then send OTLP over TLS (`https://` for HTTP) and must trust the issuer.
   *
   * @default - plaintext OTLP receivers (traces cross the network in cleartext unless the
   * collector and its clients are in the mesh with STRICT mTLS)
   */
  readonly receiverTls?: kplus.ISecret;
}


/**
 * An OpenTelemetry Collector run by the OpenTelemetry Operator (`opentelemetry.io/v1beta1`
 * OpenTelemetryCollector, structured config): OTLP receivers on gRPC 4317 and HTTP 4318,
 * `memory_limiter` then `batch`, an OTLP exporter to Jaeger over TLS, and optional extra
 * pipelines. Every pipeline is checked: each receiver, processor and exporter it names exists,
 * and `memory_limiter` comes first.
 *
 * Declares its flows: each telemetry source -> collector on 4317/4318, collector -> Jaeger on
 * the endpoint's port, collector -> cluster DNS.
 *
 * The collector runs as its own ServiceAccount (`<name>-collector`, emitted here with
 * `automountServiceAccountToken: false` and named in `spec.serviceAccount`, so the operator does
 * not create one that mounts a token): the default pipelines call no Kubernetes API. A pipeline
 * that does (e.g. the `k8sattributes` processor) needs its own ServiceAccount and RBAC.
 *
 * Encryption in transit: the export to Jaeger is TLS by default (`jaegerInsecure`); the OTLP
 * receivers are plaintext unless `receiverTls` is given (or the collector and its clients are
 * in the mesh with STRICT mTLS).
 *
 * Helm values (tunables, keys under `valuesPrefix`, default `observability.collector`):
 * `image.repository` and `image.tag` (only when `image` is given with a tag: without it the field
 * is absent and the operator picks its image; a digest stays pinned), `replicas` (integer >= 1,
 * deployment mode), `memoryLimitMib` (integer, the memory_limiter `limit_mib`; the values schema
 * keeps it below the container memory limit and above `memorySpikeLimitMib`), `jaeger.host`
 * (only when `jaeger` is given: by default the flow to Jaeger is derived from the host's
 * namespace, so a host changed at install time would not be covered by any flow). The Jaeger port
 * is never tunable (the flow allows exactly that port).
 */
export class OtelCollector extends Construct {
  /** OTLP over gRPC. */
  public static readonly OTLP_GRPC_PORT = OTLP_GRPC_PORT;
  /** OTLP over HTTP. */
  public static readonly OTLP_HTTP_PORT = OTLP_HTTP_PORT;
  /** The default Jaeger endpoint: `jaeger-collector.observability:4317` (the collector's OTLP gRPC port). */
  public static readonly DEFAULT_JAEGER_ENDPOINT = DEFAULT_JAEGER_ENDPOINT;
  /** The built-in OTLP receiver id. */
  public static readonly OTLP_RECEIVER = 'otlp';
  /** The built-in exporter to Jaeger. */
  public static readonly JAEGER_EXPORTER = 'otlp/jaeger';

  /** The OpenTelemetryCollector object. */
  public readonly apiObject: ApiObject;
  /** Name of the OpenTelemetryCollector resource. */
  public readonly collectorName: string;
  /** Namespace of the collector. */
  public readonly namespace: string;
  /** Name of the Service the operator creates (`<name>-collector`). */
  public readonly serviceName: string;
  /** Name of the ServiceAccount the operator creates (`<name>-collector`). */
  public readonly serviceAccountName: string;
  /** OTLP gRPC endpoint for applications, `<service>.<namespace>:4317`. */
  public readonly otlpGrpcEndpoint: string;
  /** OTLP HTTP endpoint for applications, `http://<service>.<namespace>:4318` (`https://` with `receiverTls`). */
  public readonly otlpHttpEndpoint: string;
  /** The collector pods (selector labels set by the operator), as a flow peer. */
  public readonly peer: Peer;
  /** The Jaeger peer the collector exports to. */
  public readonly jaegerPeer: Peer;

  private readonly receivers = new Map<string, any>();
  private readonly processors = new Map<string, any>();
  private readonly exporters = new Map<string, any>();
  private readonly pipelines = new Map<string, RenderedPipeline>();
  private readonly jaegerPort: number;

  constructor(scope: Construct, id: string, props: OtelCollectorProps = {}) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'OtelCollectorProps', props, OTEL_COLLECTOR_PROPS, true);
    // validation first: nothing is created before every prop is checked
    const plan = planOtelCollector(path, props);
    const name = plan.name;
    const namespace = plan.namespace;
    this.collectorName = name;
    this.namespace = namespace;
    this.serviceName = `${name}-collector`;
    this.serviceAccountName = `${name}-collector`;
    this.otlpGrpcEndpoint = `${this.serviceName}.${namespace}:${OTLP_GRPC_PORT}`;
    const httpScheme = plan.receiverTlsSecret === undefined ? 'http' : 'https';
    this.otlpHttpEndpoint = `${httpScheme}://${this.serviceName}.${namespace}:${OTLP_HTTP_PORT}`;
    this.jaegerPort = Number(plan.endpoint.slice(plan.endpoint.lastIndexOf(':') + 1));
    this.jaegerPeer = props.jaeger !== undefined
      ? Peer._resolve(path, 'jaeger', props.jaeger)
      : defaultPeerFor(path, 'jaeger', plan.endpoint, namespace);
    this.peer = Peer.pods(collectorSelector(namespace, name),
      { namespace, serviceAccountName: this.serviceAccountName, name: toKubeName([name], 40) });

    new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace },
      // the default pipelines call no Kubernetes API: no token in the pods
      automountServiceAccountToken: false,
    });
    this.addDefaultComponents(plan);
    (props.pipelines ?? []).forEach((p, i) => this.addPipelineAt(`pipelines[${i}]`, p));
    this.apiObject = new OpenTelemetryCollector(this, 'Resource', {
      metadata: { name, namespace },
      // rendered at synth (components and pipelines may be added after construction); the typed
      // class resolves tokens before mapping, so a Lazy is fine at run time (cast for the type only)
      spec: collectorSpec(plan, this.serviceAccountName,
        Lazy.any({ produce: () => this.renderConfig() }) as unknown as OpenTelemetryCollectorSpecConfig),
    });
    this.declareTunables(props, plan);

    const flows = Flows.of(this);
    flows.allow(this.peer, this.jaegerPeer, {
      ports: [Port.tcp(this.jaegerPort)],
      description: 'the collector exports traces to Jaeger (OTLP)',
    });
    flows.allow(this.peer, Peer.dns(), {
      ports: [Port.udp(53), Port.tcp(53)],
      description: 'the collector resolves the Jaeger endpoint',
    });
    (props.tracedNamespaces ?? []).forEach((p) => this.allowTelemetryFrom(p));
  }

  /**
   * Lets `source` send OTLP (gRPC 4317, HTTP 4318) to the collector.
   *
   * @param source a namespace (ZeroTrustNamespace, `Peer.namespaceByName`) or workload peer
   */
  public allowTelemetryFrom(source: IPeer): void {
    checkArgs(this.node.path, ['source', source, t.required(t.object('IPeer'))]);
    Flows.of(this).allow(source, this.peer, {
      ports: [Port.tcp(OTLP_GRPC_PORT), Port.tcp(OTLP_HTTP_PORT)],
      description: 'applications send OTLP telemetry to the collector',
    });
  }

  /**
   * Adds (or replaces) a receiver.
   *
   * @param id component id `type[/name]`, e.g. `prometheus`
   * @param config the receiver's configuration
   */
  public addReceiver(id: string, config: any): void {
    checkArgs(this.node.path, ['id', id, t.required(t.str())], ['config', config, t.any()]);
    this.addComponent('receivers', this.receivers, id, config);
  }

  /**
   * Adds (or replaces) a processor. Pipelines must still start with `memory_limiter`.
   *
   * @param id component id `type[/name]`, e.g. `attributes/env`
   * @param config the processor's configuration
   */
  public addProcessor(id: string, config: any): void {
    checkArgs(this.node.path, ['id', id, t.required(t.str())], ['config', config, t.any()]);
    if (id === MEMORY_LIMITER) {
      fail(this.node.path, 'processors', id, 'another id: memory_limiter is configured from memoryLimitMib, memorySpikeLimitMib and memoryCheckInterval');
    }
    this.addComponent('processors', this.processors, id, config);
  }

  /**
   * Adds (or replaces) an exporter.
   *
   * @param id component id `type[/name]`, e.g. `otlphttp/logs`
   * @param config the exporter's configuration
   */
  public addExporter(id: string, config: any): void {
    checkArgs(this.node.path, ['id', id, t.required(t.str())], ['config', config, t.any()]);
    checkExporterEndpoints(this.node.path, id, config);
    this.addComponent('exporters', this.exporters, id, config);
  }

  /**
   * Adds a pipeline. Every receiver, processor and exporter it names must already be configured,
   * and its first processor must be `memory_limiter`.
   *
   * @param pipeline the pipeline
   */
  public addPipeline(pipeline: CollectorPipeline): void {
    this.addPipelineAt('pipeline', pipeline);
  }

  /** Binds the tunable fields of the OpenTelemetryCollector (plain synth is unchanged). */
  /** The OTLP receiver, memory_limiter and batch processors, the Jaeger exporter and the traces pipeline. */
  private addDefaultComponents(plan: OtelCollectorPlan): void {
    const receiverTls = plan.receiverTlsSecret === undefined ? {} : { tls: { cert_file: `${RECEIVER_TLS_DIR}/tls.crt`, key_file: `${RECEIVER_TLS_DIR}/tls.key` } };
    this.receivers.set(OtelCollector.OTLP_RECEIVER, {
      protocols: {
        grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}`, ...receiverTls },
        http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}`, ...receiverTls },
      },
    });
    const memoryLimiter: any = { check_interval: plan.checkInterval, limit_mib: plan.limitMib };
    if (plan.spikeMib !== undefined) {
      memoryLimiter.spike_limit_mib = plan.spikeMib;
    }
    this.processors.set(MEMORY_LIMITER, memoryLimiter);
    this.processors.set(BATCH, {});
    const tls: any = plan.insecure ? { insecure: true } : { insecure: false };
    if (plan.jaegerCaFile !== undefined) {
      tls.ca_file = plan.jaegerCaFile;
    }
    this.exporters.set(OtelCollector.JAEGER_EXPORTER, { endpoint: plan.endpoint, tls });
    this.addPipeline({
      signal: TelemetrySignal.TRACES,
      receivers: [OtelCollector.OTLP_RECEIVER],
      processors: [MEMORY_LIMITER, BATCH],
      exporters: [OtelCollector.JAEGER_EXPORTER],
    });
  }

  private declareTunables(props: OtelCollectorProps, v: { limitMib: number; spikeMib?: number; containerLimitMib: number; endpoint: string }): void {
    const prefix = props.valuesPrefix ?? 'observability.collector';
    const obj = this.apiObject;
    const image = props.image === undefined ? undefined : splitImageTag(props.image);
    if (image !== undefined) {
      Tunable.bindFormat(obj, '/spec/image', '%s:%s', [
        Tunable.string(`${prefix}.image.repository`, image.repository, { description: 'Collector image repository' }),
        Tunable.string(`${prefix}.image.tag`, image.tag, {
          description: 'Collector image tag (pin a version; use --set-string for a numeric tag)', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', forbiddenValues: ['latest'],
        }),
      ]);
    }
    if (props.mode !== CollectorMode.DAEMONSET) {
      Tunable.integer(`${prefix}.replicas`, props.replicas ?? 2, { description: 'Collector replicas', minimum: 1 })
        .bindTo(obj, '/spec/replicas');
    }
    Tunable.integer(`${prefix}.memoryLimitMib`, v.limitMib, {
      description: `memory_limiter limit_mib: below the container memory limit (${v.containerLimitMib} MiB)`,
      minimum: v.spikeMib === undefined ? 1 : v.spikeMib + 1,
      maximum: v.containerLimitMib - 1,
    }).bindTo(obj, '/spec/config/processors/memory_limiter/limit_mib');
    if (props.jaeger !== undefined) {
      const colon = v.endpoint.lastIndexOf(':');
      const host = Tunable.string(`${prefix}.jaeger.host`, v.endpoint.slice(0, colon), {
        description: `Jaeger OTLP host (port ${this.jaegerPort} is fixed: the flow allows only it); must be a pod of the jaeger peer`,
        // spliced into the collector config: a DNS name only
        pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$',
      });
      Tunable.bindFormat(obj, `/spec/config/exporters/${OtelCollector.JAEGER_EXPORTER.replace(/~/g, '~0').replace(/\//g, '~1')}/endpoint`,
        `%s:${this.jaegerPort}`, [host]);
    }
  }

  private addPipelineAt(field: string, pipeline: CollectorPipeline): void {
    const path = this.node.path;
    if (pipeline === undefined || pipeline === null || typeof pipeline !== 'object') {
      fail(path, field, pipeline, 'a pipeline { signal, receivers, processors, exporters }');
    }
    const pid = pipelineId(path, field, pipeline);
    if (this.pipelines.has(pid)) {
      fail(path, `${field}.signal`, pid, 'a pipeline id not used yet (give the pipeline a name)');
    }
    const rendered = checkPipeline(path, field, pipeline, {
      receivers: new Set(this.receivers.keys()),
      processors: new Set(this.processors.keys()),
      exporters: new Set(this.exporters.keys()),
      connectors: new Set<string>(),
    });
    this.pipelines.set(pid, rendered);
  }

  private addComponent(kind: string, m: Map<string, any>, id: string, config: any): void {
    validateComponentId(this.node.path, kind, id);
    if (config === undefined || config === null || typeof config !== 'object' || Array.isArray(config)) {
      fail(this.node.path, `${kind}[${JSON.stringify(id)}]`, config, 'a configuration object ({} for the defaults)');
    }
    m.set(id, JSON.parse(JSON.stringify(config)));
  }

  private renderConfig(): any {
    const pipelines: any = {};
    for (const k of Array.from(this.pipelines.keys()).sort()) {
      pipelines[k] = this.pipelines.get(k);
    }
    return {
      receivers: sortedComponents(this.receivers),
      processors: sortedComponents(this.processors),
      exporters: sortedComponents(this.exporters),
      service: { pipelines },
    };
  }
}

/**
 * The OTLP exporters' endpoints as the collector parses them: `otlphttp` takes URLs (a missing
 * scheme fails at collector start-up), `otlp` (gRPC) takes `host:port` or a URL (no path).
 */
function checkExporterEndpoints(path: string, id: string, config: any): void {
  if (config === null || typeof config !== 'object') return;
  const type = typeof id === 'string' ? id.split('/')[0] : '';
  if (type === 'otlphttp') {
    for (const key of ['endpoint', 'traces_endpoint', 'metrics_endpoint', 'logs_endpoint']) {
      const v = config[key];
      if (v !== undefined && (typeof v !== 'string' || !/^https?:\/\/[^\s/]+/.test(v))) {
        fail(path, `exporters.${id}.${key}`, v, 'an http:// or https:// URL (the otlphttp exporter needs the scheme), e.g. https://otlp.example.com:4318');
      }
    }
  } else if (type === 'otlp' && config.endpoint !== undefined) {
    const v = config.endpoint;
    if (typeof v !== 'string' || !/^((https?):\/\/)?[^\s/:]+(:\d{1,5})$/.test(v)) {
      fail(path, `exporters.${id}.endpoint`, v, 'host:port, or http(s)://host:port, without a path (the otlp gRPC exporter), e.g. otel-gateway.observability:4317');
    }
  }
}
