import { Construct } from 'constructs';
import { FluentdLogShipper, FluentdLogShipperProps } from './fluentd-log-shipper';
import { OtelCollector, OtelCollectorProps } from './otel-collector';
import { OBSERVABILITY_STACK_PROPS } from './props-specs';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of an {@link ObservabilityStack}.
 */
export interface ObservabilityStackProps {
  /**
   * The trace collector.
   *
   * @default - an OtelCollector with its defaults
   */
  readonly tracing?: OtelCollectorProps;

  /**
   * The log shipper; logs are shipped only when given (it needs the Elasticsearch credentials).
   *
   * @default - no log shipper
   */
  readonly logging?: FluentdLogShipperProps;
}

/**
 * The per-cluster observability: an OpenTelemetry Collector exporting traces to
 * Jaeger and, optionally, Fluentd shipping container logs to Elasticsearch, with their flows.
 */
export class ObservabilityStack extends Construct {
  /** The trace collector. */
  public readonly collector: OtelCollector;

  /**
   * The log shipper.
   *
   * @default - none
   */
  public readonly logShipper?: FluentdLogShipper;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps = {}) {
    super(scope, id);
    checkConstruct(this, 'ObservabilityStackProps', props, OBSERVABILITY_STACK_PROPS, true);
    this.collector = new OtelCollector(this, 'Tracing', props.tracing);
    if (props.logging !== undefined) {
      this.logShipper = new FluentdLogShipper(this, 'Logging', props.logging);
    }
  }
}
