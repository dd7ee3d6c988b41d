/**
 * Runtime type specs of the props of observability's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { TelemetrySignal } from './collector-pipeline';
import { CollectorMode } from './otel-collector-mode';
import { PropsSpec, t } from '../core/props-check';

/** {@link CollectorPipeline} (observability/collector-pipeline.ts). */
export const COLLECTOR_PIPELINE: PropsSpec = {
  signal: t.required(t.enumOf('TelemetrySignal', () => TelemetrySignal)),
  name: t.str(),
  receivers: t.required(t.arrayOf(t.str())),
  processors: t.arrayOf(t.str()),
  exporters: t.required(t.arrayOf(t.str())),
};

/** {@link OtelCollectorProps} (observability/otel-collector.ts). */
export const OTEL_COLLECTOR_PROPS: PropsSpec = {
  name: t.str(),
  namespace: t.str(),
  mode: t.enumOf('CollectorMode', () => CollectorMode),
  replicas: t.num(),
  image: t.str(),
  memoryLimitMib: t.num(),
  memorySpikeLimitMib: t.num(),
  memoryCheckInterval: t.str(),
  jaegerEndpoint: t.str(),
  jaegerInsecure: t.bool(),
  jaegerCaFile: t.str(),
  jaeger: t.object('IPeer', 'a peer (Peer.workload, Peer.pods, Peer.cidr, ..., or a ZeroTrustNamespace)'),
  tracedNamespaces: t.arrayOf(t.object('IPeer', 'a peer (Peer.workload, Peer.pods, Peer.cidr, ..., or a ZeroTrustNamespace)')),
  resources: t.object('ContainerResources', 'kplus.ContainerResources (cpu and memory requests and limits)'),
  pipelines: t.arrayOf(t.struct('CollectorPipeline', () => COLLECTOR_PIPELINE)),
  valuesPrefix: t.str(),
  receiverTls: t.object('ISecret', 'a Secret (kplus.Secret or kplus.Secret.fromSecretName)'),
};

/** {@link FluentdLogShipperProps} (observability/fluentd-log-shipper.ts). */
export const FLUENTD_LOG_SHIPPER_PROPS: PropsSpec = {
  credentials: t.required(t.object('ISecret', 'a Secret (kplus.Secret or kplus.Secret.fromSecretName)')),
  usernameKey: t.str(),
  passwordKey: t.str(),
  name: t.str(),
  namespace: t.str(),
  image: t.str(),
  elasticsearchEndpoint: t.str(),
  elasticsearchTls: t.bool(),
  elasticsearchCa: t.object('ISecret', 'a Secret (kplus.Secret or kplus.Secret.fromSecretName)'),
  elasticsearch: t.object('IPeer', 'a peer (Peer.workload, Peer.pods, Peer.cidr, ..., or a ZeroTrustNamespace)'),
  apiServer: t.object('IPeer', 'a peer (Peer.workload, Peer.pods, Peer.cidr, ..., or a ZeroTrustNamespace)'),
  indexPrefix: t.str(),
  stateHostPath: t.str(),
  stateHostPathProvisioned: t.bool(),
  bufferLimitMib: t.num(),
  runAsUser: t.num(),
  resources: t.object('ContainerResources', 'kplus.ContainerResources (cpu and memory requests and limits)'),
  priorityClassName: t.str(),
  valuesPrefix: t.str(),
};

/** {@link ObservabilityStackProps} (observability/observability-stack.ts). */
export const OBSERVABILITY_STACK_PROPS: PropsSpec = {
  tracing: t.struct('OtelCollectorProps', () => OTEL_COLLECTOR_PROPS),
  logging: t.struct('FluentdLogShipperProps', () => FLUENTD_LOG_SHIPPER_PROPS),
};
