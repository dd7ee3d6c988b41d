/**
 * Public types of collector pipelines.
 */

/**
 * A telemetry signal: the type of a collector pipeline.
 */
export enum TelemetrySignal {
  /** Distributed traces. */
  TRACES = 'traces',
  /** Metrics. */
  METRICS = 'metrics',
  /** Logs. */
  LOGS = 'logs',
}

/**
 * A collector pipeline (`service.pipelines.<signal>[/<name>]`): receivers, then processors in
 * order, then exporters. Every name must be a component of the collector, and the first
 * processor must be `memory_limiter` (it must see data before anything buffers it).
 */
export interface CollectorPipeline {
  /**
   * The signal of the pipeline.
   */
  readonly signal: TelemetrySignal;

  /**
   * Optional pipeline name, making the pipeline id `<signal>/<name>` (so two pipelines of the
   * same signal can coexist).
   *
   * @default - the pipeline id is the signal alone
   */
  readonly name?: string;

  /**
   * Receiver ids, e.g. `['otlp']`.
   */
  readonly receivers: string[];

  /**
   * Processor ids, in order; must start with `memory_limiter`.
   *
   * @default ['memory_limiter', 'batch']
   */
  readonly processors?: string[];

  /**
   * Exporter ids, e.g. `['otlp/jaeger']`.
   */
  readonly exporters: string[];
}
