export * from './analysis-error';
export * from './types';
export * from './reachability-analyzer';
export * from './reachability-assertions';
export * from './probe-types';
