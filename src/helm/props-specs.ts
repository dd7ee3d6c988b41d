/**
 * Runtime type specs of the props of helm's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { HelmReleaseStorage } from './release-storage';
import { HelmTemplateLayout } from './template-layout';
import { PropsSpec, t } from '../core/props-check';

/** {@link HelmChartProps} (helm/helm-chart.ts). */
export const HELM_CHART_PROPS: PropsSpec = {
  name: t.str(),
  version: t.str(),
  appVersion: t.str(),
  description: t.str(),
  keywords: t.arrayOf(t.str()),
  kubeVersion: t.str(),
  crdFiles: t.arrayOf(t.str()),
  templateLayout: t.enumOf('HelmTemplateLayout', () => HelmTemplateLayout),
  releaseStorage: t.enumOf('HelmReleaseStorage', () => HelmReleaseStorage),
};
