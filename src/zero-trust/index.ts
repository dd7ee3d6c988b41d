export * from './hardening-options';
export * from './zero-trust-namespace';
