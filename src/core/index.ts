export * from './validation-error';
export * from './names';
export * from './port';
export * from './cidr';
export * from './tunable';
export * from './enforcement';
export * from './apply-order';
export * from './data-plane';
