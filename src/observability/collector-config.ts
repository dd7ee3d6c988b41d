/**
 * OpenTelemetry Collector configuration: the structured `spec.config` of an
 * `opentelemetry.io/v1beta1` OpenTelemetryCollector, and its validation. Pure values, no cdk8s.
 */
import { CollectorPipeline, TelemetrySignal } from './collector-pipeline';
import { fail } from '../core/validate';

/** Component kinds of a collector config. */
export type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';

/** The collector's component id syntax: `type[/name]` (component.ID). */
const COMPONENT_ID = /^[a-zA-Z][0-9a-zA-Z_]{0,62}(\/[^\s/]{1,1024})?$/;
const COMPONENT_ID_EXPECTED = 'a component id type[/name]: a type of letters, digits or \'_\' starting with a letter, optionally \'/\' and a name without spaces or \'/\' (e.g. otlp, otlp/jaeger)';
const PIPELINE_NAME = /^[^\s/]{1,1024}$/;

/** The memory limiter processor id; the first processor of every pipeline. */
export const MEMORY_LIMITER = 'memory_limiter';
/** The batch processor id. */
export const BATCH = 'batch';

/** Throws unless `id` is a valid collector component id. */
export function validateComponentId(path: string, field: string, id: string): void {
  if (typeof id !== 'string' || !COMPONENT_ID.test(id)) {
    fail(path, field, id, COMPONENT_ID_EXPECTED);
  }
}

/** The id of a pipeline: `signal` or `signal/name`. */
export function pipelineId(path: string, field: string, p: CollectorPipeline): string {
  if (!Object.values(TelemetrySignal).includes(p.signal)) {
    fail(path, `${field}.signal`, p.signal, 'one of traces, metrics, logs');
  }
  if (p.name !== undefined && (typeof p.name !== 'string' || !PIPELINE_NAME.test(p.name))) {
    fail(path, `${field}.name`, p.name, 'a pipeline name without spaces or \'/\' (e.g. extra)');
  }
  return p.name === undefined ? p.signal : `${p.signal}/${p.name}`;
}

/** A pipeline as rendered into `service.pipelines`. */
export interface RenderedPipeline {
  readonly receivers: string[];
  readonly processors: string[];
  readonly exporters: string[];
}

/**
 * Checks a pipeline against the known components: every receiver, processor and exporter exists,
 * lists are non-empty and free of duplicates, and `memory_limiter` is the first processor.
 * `field` is the prefix used in error messages (e.g. `pipelines[1]`).
 */
export function checkPipeline(
  path: string,
  field: string,
  p: CollectorPipeline,
  components: { [kind: string]: Set<string> },
): RenderedPipeline {
  const processors = p.processors ?? [MEMORY_LIMITER, BATCH];
  const lists: Array<[ComponentKind, string[] | undefined]> = [
    ['receivers', p.receivers],
    ['processors', processors],
    ['exporters', p.exporters],
  ];
  for (const [kind, list] of lists) {
    if (!Array.isArray(list) || list.length === 0) {
      fail(path, `${field}.${kind}`, list, `a non-empty list of ${kind} ids`);
    }
    const seen = new Set<string>();
    list.forEach((id, i) => {
      validateComponentId(path, `${field}.${kind}[${i}]`, id);
      if (seen.has(id)) {
        fail(path, `${field}.${kind}[${i}]`, id, `a ${kind.slice(0, -1)} listed once per pipeline`);
      }
      seen.add(id);
      // connectors act as exporters of one pipeline and receivers of another
      const known = components[kind];
      const asConnector = (kind === 'receivers' || kind === 'exporters') && components.connectors.has(id);
      if (!known.has(id) && !asConnector) {
        const names = Array.from(known).sort();
        fail(path, `${field}.${kind}[${i}]`, id,
          `the id of a configured ${kind.slice(0, -1)} (${names.length === 0 ? 'none configured' : names.join(', ')})`);
      }
    });
  }
  if (processors[0] !== MEMORY_LIMITER) {
    fail(path, `${field}.processors[0]`, processors[0],
      `${MEMORY_LIMITER} (it must come first so it can refuse data before other processors buffer it)`);
  }
  return { receivers: [...p.receivers], processors: [...processors], exporters: [...p.exporters] };
}

/** Go duration as accepted by the collector (`1s`, `500ms`, `1m30s`); positive. */
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** Throws unless `d` is a positive Go duration string. */
export function validateDuration(path: string, field: string, d: string): void {
  if (typeof d !== 'string' || !DURATION.test(d) || !/[1-9]/.test(d.replace(/(ns|us|µs|ms|s|m|h)/g, ' '))) {
    fail(path, field, d, 'a positive Go duration, e.g. 1s, 500ms or 1m30s');
  }
}

/** Throws unless `n` is a positive integer (MiB). */
export function validatePositiveInteger(path: string, field: string, n: number, what: string): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
    fail(path, field, n, `a positive integer (${what})`);
  }
}

/**
 * Sorted copy of a component map (keys sorted; values deep-copied via JSON so later changes by
 * the caller do not leak in).
 */
export function sortedComponents(m: Map<string, any>): { [id: string]: any } {
  const out: { [id: string]: any } = {};
  for (const k of Array.from(m.keys()).sort()) {
    out[k] = JSON.parse(JSON.stringify(m.get(k) ?? {}));
  }
  return out;
}
