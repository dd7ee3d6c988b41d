export * from './helm-chart';
export * from './release-storage';
export * from './template-layout';
