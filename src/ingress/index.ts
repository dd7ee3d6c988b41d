export * from './ingress-controller';
export * from './ingress-certificate';
export * from './ingress-backend';
export * from './secure-ingress';
