export * from './ingress-controller';
export * from './ingress-certificate';
export * from './ingress-backend';
export * from './secure-ingress';
export * from './gateway-implementation';
export * from './gateway-certificate';
export * from './secure-gateway';
