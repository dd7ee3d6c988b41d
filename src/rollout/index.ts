export * from './enforcement';
export * from './enforcement-report';
