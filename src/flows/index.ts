export * from './peer';
export * from './flow';
export * from './flows';
export * from './enforcement';
export * from './flow-proof';
