import { ConnSet } from './conn-set';

/** One end of a pair judged alone: a workload id or an external atom index (internal). */
export interface PairEnd {
  readonly workload?: string;
  readonly atom?: number;
}

/** What each layer allows for one pair (internal). */
export interface PairVerdict {
  /** What the NetworkPolicies allow. */
  readonly l4: ConnSet;
  /** What Istio admits (mTLS mode, AuthorizationPolicies) of `l4`, or of every connection when asked. */
  readonly mesh: ConnSet;
}
