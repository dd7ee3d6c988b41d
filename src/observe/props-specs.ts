/**
 * Runtime type specs of the props of observe's public API (checked by `checkOptions`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { ANALYZER_OPTIONS } from '../analysis/props-specs';
import { PropsSpec, t, TypeCheck } from '../core/props-check';

const STRINGS = (): TypeCheck => t.required(t.arrayOf(t.str()));

/** {@link ObserveReportOptions} (observe/types.ts). */
export const OBSERVE_REPORT_OPTIONS: PropsSpec = {
  analyzerOptions: t.struct('AnalyzerOptions', () => ANALYZER_OPTIONS),
  // each object is read as a Kubernetes object by the analyzer
  extraObjects: t.arrayOf(t.any()),
  workloadNames: t.mapOf(t.str()),
  clusterCidrs: t.arrayOf(t.str()),
};

/** {@link RecordsFileSummary} (observe/types.ts). */
export const RECORDS_FILE_SUMMARY: PropsSpec = {
  file: t.required(t.str()),
  format: t.required(t.str()),
  records: t.required(t.num()),
  connections: t.required(t.num()),
  skipped: t.required(t.mapOf(t.num())),
};

/** {@link ObservedFlow} (observe/types.ts). */
export const OBSERVED_FLOW: PropsSpec = {
  src: t.required(t.str()),
  dst: t.required(t.str()),
  port: t.required(t.str()),
  count: t.required(t.num()),
  seenBy: STRINGS(),
  http: STRINGS(),
  shadowDeniedBy: STRINGS(),
  firstSeen: t.required(t.str()),
};

/** {@link UnmappedTraffic} (observe/types.ts). */
export const UNMAPPED_TRAFFIC: PropsSpec = {
  src: t.required(t.str()),
  dst: t.required(t.str()),
  port: t.required(t.str()),
  count: t.required(t.num()),
  reason: t.required(t.str()),
  firstSeen: t.required(t.str()),
};

/** {@link UnobservedFlow} (observe/types.ts). */
export const UNOBSERVED_FLOW: PropsSpec = {
  src: t.required(t.str()),
  dst: t.required(t.str()),
  allowed: t.required(t.str()),
  observed: t.required(t.str()),
};

/** {@link GuardrailFinding} (observe/types.ts). */
export const GUARDRAIL_FINDING: PropsSpec = {
  policy: t.required(t.str()),
  rule: t.required(t.str()),
  result: t.required(t.str()),
  resource: t.required(t.str()),
  message: t.required(t.str()),
  where: t.required(t.str()),
};

/** {@link ProposedFlow} (observe/types.ts). */
export const PROPOSED_FLOW: PropsSpec = {
  src: t.required(t.str()),
  dst: t.required(t.str()),
  ports: STRINGS(),
  methods: STRINGS(),
  paths: STRINGS(),
  code: t.required(t.str()),
};

/** {@link ObserveProof} (observe/types.ts). */
export const OBSERVE_PROOF: PropsSpec = {
  blockedBefore: t.required(t.num()),
  allowedAfter: t.required(t.num()),
  notProposed: STRINGS(),
  stillBlocked: STRINGS(),
  unobservedOpened: STRINGS(),
  holds: t.required(t.bool()),
};
