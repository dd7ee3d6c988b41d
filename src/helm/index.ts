export * from './helm-chart';
export * from './template-layout';
