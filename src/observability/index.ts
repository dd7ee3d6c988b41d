export * from './collector-pipeline';
export * from './otel-collector-mode';
export * from './otel-collector';
export * from './fluentd-log-shipper';
export * from './observability-stack';
