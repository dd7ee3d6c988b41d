export * from './types';
export * from './observe-report';
