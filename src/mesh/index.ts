export * from './mtls-mode';
export * from './mesh-identity';
export * from './mesh-source';
export * from './mesh-rule';
export * from './mesh-authorization';
export * from './mtls-policy';
export * from './unknown-identity';
export * from './mtls-mesh';
