/**
 * Runtime type specs of the props of analysis's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { PropsSpec, t } from '../core/props-check';

/** {@link AnalyzerOptions} (analysis/types.ts). */
export const ANALYZER_OPTIONS: PropsSpec = {
  ingressControllerNamespace: t.str(),
  ingressControllerLabels: t.mapOf(t.str()),
  externalUniverse: t.arrayOf(t.str()),
  istioRootNamespace: t.str(),
  trustDomain: t.str(),
  meshAllPods: t.bool(),
  hostNetworkAsNode: t.bool(),
  nodeCidrs: t.arrayOf(t.str()),
  podCidrs: t.arrayOf(t.str()),
};

/** {@link Connection} (analysis/types.ts). */
export const CONNECTION: PropsSpec = {
  src: t.required(t.str()),
  dst: t.required(t.str()),
  conns: t.required(t.str()),
  allowAll: t.required(t.bool()),
  l7: t.required(t.arrayOf(t.str())),
  mtls: t.required(t.bool()),
  decidedBy: t.required(t.arrayOf(t.str())),
};

/** {@link Decision} (analysis/types.ts). */
export const DECISION: PropsSpec = {
  direction: t.required(t.str()),
  tier: t.required(t.str()),
  policy: t.required(t.str()),
  action: t.required(t.str()),
  conns: t.required(t.str()),
};

/** {@link RenderOptions} (analysis/types.ts). */
export const RENDER_OPTIONS: PropsSpec = {
  namespaces: t.arrayOf(t.str()),
  mergeExternal: t.bool(),
  compact: t.bool(),
};

/** {@link Explanation} (analysis/types.ts). */
export const EXPLANATION: PropsSpec = {
  src: t.required(t.str()),
  dst: t.required(t.str()),
  allowed: t.required(t.bool()),
  conns: t.required(t.str()),
  compact: t.required(t.str()),
  reasons: t.required(t.arrayOf(t.str())),
  decisions: t.required(t.arrayOf(t.struct('Decision', () => DECISION))),
};

/** {@link DiffEntry} (analysis/types.ts). */
export const DIFF_ENTRY: PropsSpec = {
  diffType: t.required(t.str()),
  src: t.required(t.str()),
  dst: t.required(t.str()),
  ref1: t.required(t.str()),
  ref2: t.required(t.str()),
};

/** {@link ProbeFinding} (analysis/probe-types.ts). */
export const PROBE_FINDING: PropsSpec = {
  workload: t.required(t.str()),
  container: t.required(t.str()),
  probe: t.required(t.str()),
  handler: t.required(t.str()),
  port: t.num(),
  status: t.required(t.str()),
  problem: t.required(t.bool()),
  reason: t.required(t.str()),
  fix: t.str(),
};
