/**
 * `x-kubernetes-validations` (CEL) cannot be evaluated here (no CEL interpreter). The few rules
 * that matter for the Istio kinds the library emits (AuthorizationPolicy, PeerAuthentication,
 * DestinationRule, ServiceEntry, Sidecar, Gateway) are re-implemented by hand, keyed by the exact
 * rule text (whitespace-normalized), so a changed upstream rule falls back to "not checked"
 * instead of being checked wrongly. Every other rule met while validating is recorded and can be
 * listed with `uncheckedCelRules()`.
 */

import { workerCached } from './worker-cache';

type Check = (self: any) => string | undefined;

const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go time.ParseDuration (as CEL's duration() uses), in nanoseconds; undefined if invalid. */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0' || s === '+0' || s === '-0') return 0;
  if (!GO_DURATION.test(s)) return undefined;
  const sign = s.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const m of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += parseFloat(m[1]) * UNIT_NS[m[2]];
  return sign * total;
}

/** Go strconv.ParseInt(s, 10, 64) as CEL's int(string) does; undefined on a conversion error. */
function celInt(s: string): number | undefined {
  return /^[-+]?\d+$/.test(s) ? Number(s) : undefined;
}

const has = (o: any, k: string) => o !== null && typeof o === 'object' && o[k] !== undefined;

/** Hand-written equivalents of upstream CEL rules, keyed by normalized rule text. */
const CHECKS: Record<string, Check> = {
  // security.istio.io AuthorizationPolicy rules[].from[].source
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && !has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true':
    (self) => ((has(self, 'serviceAccounts') || has(self, 'notServiceAccounts'))
      ? (!has(self, 'principals') && !has(self, 'notPrincipals') && !has(self, 'namespaces') && !has(self, 'notNamespaces')) : true)
      ? undefined : 'failed',
  // security.istio.io PeerAuthentication spec.portLevelMtls (map keyed by port number)
  'self.all(key, 0 < int(key) && int(key) <= 65535)': (self) => {
    for (const key of Object.keys(self ?? {})) {
      const n = celInt(key);
      if (n === undefined) return `type conversion error from 'string' to 'int' (key "${key}")`;
      if (!(0 < n && n <= 65535)) return 'failed';
    }
    return undefined;
  },
  // networking.istio.io ports, security.istio.io selectors
  '0 < self && self <= 65535': (self) => (typeof self === 'number' && 0 < self && self <= 65535 ? undefined : 'failed'),
  // security.istio.io PeerAuthentication spec
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true':
    (self) => (!has(self, 'portLevelMtls') || (has(self, 'selector') && has(self.selector, 'matchLabels') && Object.keys(self.selector.matchLabels).length > 0)
      ? undefined : 'failed'),
  // networking.istio.io durations (timeouts, intervals, warmup)
  "duration(self) >= duration('1ms')": (self) => {
    const ns = typeof self === 'string' ? parseGoDuration(self) : undefined;
    if (ns === undefined) return `invalid duration ${JSON.stringify(self)}`;
    return ns >= 1e6 ? undefined : 'failed';
  },
  // workload selectors
  '!self.contains("*")': (self) => (typeof self === 'string' && !self.includes('*') ? undefined : 'failed'),
};

// with the validators that record into them (compiled once per jest worker, see worker-cache.ts)
const unchecked = workerCached('cel-rules/unchecked', () => new Map<string, string>());
const checkedSeen = workerCached('cel-rules/checked', () => new Set<string>());

function normalize(rule: string): string {
  return rule.replace(/\s+/g, ' ').trim();
}

/** Evaluate the rules of one `x-kubernetes-validations` list against a value: the failing messages. */
export function evaluateCelRules(rules: any[], self: any): string[] {
  const failures: string[] = [];
  for (const r of rules ?? []) {
    const key = normalize(String(r.rule ?? ''));
    const check = CHECKS[key];
    if (!check) {
      unchecked.set(key, String(r.message ?? r.messageExpression ?? ''));
      continue;
    }
    checkedSeen.add(key);
    const res = check(self);
    if (res !== undefined) failures.push(res === 'failed' ? String(r.message ?? `failed rule: ${key}`) : `${r.message ?? key}: ${res}`);
  }
  return failures;
}

/** CEL rules met during validation in this jest worker that were NOT evaluated (rule text → message). */
export function uncheckedCelRules(): Array<{ rule: string; message: string }> {
  return [...unchecked.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rule, message]) => ({ rule, message }));
}

/** CEL rules met during validation in this jest worker that were evaluated by a hand-written check. */
export function checkedCelRules(): string[] {
  return [...checkedSeen].sort();
}

/** The rule texts that have a hand-written check. */
export const HANDWRITTEN_CEL_RULES: readonly string[] = Object.keys(CHECKS);
