/**
 * Runtime type specs of the props of gitops's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { Duration } from 'cdk8s';
import { FluxSourceKind, GitOpsPackaging } from './gitops-packaging';
import { PropsSpec, t } from '../core/props-check';
import { Fleet } from '../fleet/fleet';

/** {@link GitOpsSourceOptions} (gitops/gitops-source-options.ts). */
export const GIT_OPS_SOURCE_OPTIONS: PropsSpec = {
  fleet: t.required(t.instanceOf('Fleet', () => Fleet)),
  repoUrl: t.required(t.str()),
  revision: t.str(),
  pathTemplate: t.str(),
  clusters: t.arrayOf(t.str()),
  name: t.str(),
  prune: t.bool(),
};

/** {@link ArgoCdDeliveryProps} (gitops/argo-cd-delivery.ts). */
export const ARGO_CD_DELIVERY_PROPS: PropsSpec = {
  clusterServers: t.mapOf(t.str()),
  packaging: t.enumOf('GitOpsPackaging', () => GitOpsPackaging),
  include: t.str(),
  namespace: t.str(),
  defaultNamespace: t.str(),
  selfHeal: t.bool(),
  serverSideApply: t.bool(),
  fleet: t.required(t.instanceOf('Fleet', () => Fleet)),
  repoUrl: t.required(t.str()),
  revision: t.str(),
  pathTemplate: t.str(),
  clusters: t.arrayOf(t.str()),
  name: t.str(),
  prune: t.bool(),
  signatureKeys: t.arrayOf(t.str()),
  serviceAccountName: t.str(),
  controllerServiceAccount: t.str(),
  serverServiceAccount: t.str(),
};

/** {@link FluxDeliveryProps} (gitops/flux-delivery.ts). */
export const FLUX_DELIVERY_PROPS: PropsSpec = {
  sourceKind: t.enumOf('FluxSourceKind', () => FluxSourceKind),
  packaging: t.enumOf('GitOpsPackaging', () => GitOpsPackaging),
  kubeConfigSecrets: t.mapOf(t.str()),
  namespace: t.str(),
  interval: t.instanceOf('Duration', () => Duration),
  timeout: t.instanceOf('Duration', () => Duration),
  fleet: t.required(t.instanceOf('Fleet', () => Fleet)),
  repoUrl: t.required(t.str()),
  revision: t.str(),
  pathTemplate: t.str(),
  clusters: t.arrayOf(t.str()),
  name: t.str(),
  prune: t.bool(),
  verifySecretName: t.str(),
  serviceAccountName: t.str(),
  controllerServiceAccount: t.str(),
};
