export * from './delivery-order';
export * from './sync-waves';
export * from './policy-split';
export * from './gitops-packaging';
export * from './gitops-source-options';
export * from './argo-cd-delivery';
export * from './flux-delivery';
