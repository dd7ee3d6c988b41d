export * from './hardening-options';
export * from './zero-trust-namespace';
export * from './admission-guardrails';
