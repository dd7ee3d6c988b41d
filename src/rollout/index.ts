export * from './enforcement-report';
