/**
 * Runtime type specs of the props of rollout's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { ANALYZER_OPTIONS } from '../analysis/props-specs';
import { PropsSpec, t } from '../core/props-check';

/** {@link AuditOnlyPolicy} (rollout/enforcement-report.ts). */
export const AUDIT_ONLY_POLICY: PropsSpec = {
  cluster: t.required(t.str()),
  namespace: t.required(t.str()),
  kind: t.required(t.str()),
  name: t.required(t.str()),
  mechanism: t.required(t.str()),
};

/** {@link BlockedConnection} (rollout/enforcement-report.ts). */
export const BLOCKED_CONNECTION: PropsSpec = {
  cluster: t.required(t.str()),
  src: t.required(t.str()),
  dst: t.required(t.str()),
  today: t.required(t.str()),
  enforced: t.required(t.str()),
};

/** {@link EnforcementReportOptions} (rollout/enforcement-report.ts). */
export const ENFORCEMENT_REPORT_OPTIONS: PropsSpec = {
  // each object is checked as a Kubernetes object by validateExtraObjects
  extraObjects: t.any(),
  analyzerOptions: t.struct('AnalyzerOptions', () => ANALYZER_OPTIONS),
};
