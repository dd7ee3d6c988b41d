export * from './hardening-options';
export * from './zero-trust-namespace';
export * from './guardrail-exception';
export * from './admission-guardrails';
