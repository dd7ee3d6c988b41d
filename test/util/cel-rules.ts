/**
 * `x-kubernetes-validations` (CEL) cannot be evaluated here (no CEL interpreter). The few rules
 * that matter for the Istio kinds the library emits (AuthorizationPolicy, PeerAuthentication,
 * DestinationRule, ServiceEntry, Sidecar, Gateway) are re-implemented by hand, keyed by the exact
 * rule text (whitespace-normalized), so a changed upstream rule falls back to "not checked"
 * instead of being checked wrongly. Every other rule met while validating is recorded and can be
 * listed with `uncheckedCelRules()`.
 */

import { workerCached } from './worker-cache';
import { parseCidr } from '../../src/core/ip';

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

const ok = (b: boolean): string | undefined => (b ? undefined : 'failed');
const str = (v: any): string => (typeof v === 'string' ? v : '');
const HTTP_FILTERS: Array<[string, string]> = [
  ['cors', 'CORS'], ['extensionRef', 'ExtensionRef'], ['requestHeaderModifier', 'RequestHeaderModifier'], ['requestMirror', 'RequestMirror'],
  ['requestRedirect', 'RequestRedirect'], ['responseHeaderModifier', 'ResponseHeaderModifier'], ['urlRewrite', 'URLRewrite'],
];

/**
 * The Gateway API (v1.6.1) rules that the meaning of a Gateway or HTTPRoute depends on: listener
 * uniqueness and TLS, redirect-only rules, path values, filter shapes, Service backend ports.
 */
const LISTENER_UNIQUE = 'self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol && '
  + '(has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname))))';

function GATEWAY_API_CHECKS(): Record<string, Check> {
  const exactOrPrefix = (self: any) => ['Exact', 'PathPrefix'].includes(self?.type);
  const path = (test: (v: string) => boolean): Check => (self) => ok(!exactOrPrefix(self) || test(str(self.value)));
  const sameHost = (a: any, b: any) => (has(a, 'hostname') && has(b, 'hostname') ? a.hostname === b.hostname : !has(a, 'hostname') && !has(b, 'hostname'));
  const out: Record<string, Check> = {
    '(has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) || self.filters.all(f, !has(f.requestRedirect))): true':
      (self) => ok(!(has(self, 'backendRefs') && self.backendRefs.length > 0) || !has(self, 'filters') || self.filters.every((f: any) => !has(f, 'requestRedirect'))),
    "self.all(l, (l.protocol == 'HTTPS' && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode == 'Terminate') : true)":
      (self) => ok((self ?? []).every((l: any) => !(l.protocol === 'HTTPS' && has(l, 'tls')) || ['', 'Terminate'].includes(str(l.tls.mode)))),
    "self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true)":
      (self) => ok((self ?? []).every((l: any) => !['HTTP', 'TCP', 'UDP'].includes(l.protocol) || !has(l, 'tls'))),
    'self.all(l1, self.exists_one(l2, l1.name == l2.name))':
      (self) => ok((self ?? []).every((l1: any) => self.filter((l2: any) => l1.name === l2.name).length === 1)),
    [LISTENER_UNIQUE]:
      (self) => ok((self ?? []).every((l1: any) => self
        .filter((l2: any) => l1.port === l2.port && l1.protocol === l2.protocol && sameHost(l1, l2)).length === 1)),
    "self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true":
      (self) => ok(self?.mode !== 'Terminate' || (self.certificateRefs ?? []).length > 0 || Object.keys(self.options ?? {}).length > 0),
    "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true":
      // the schema defaults (group '', kind Service) apply before CEL runs in the API server
      (self) => ok(!(str(self?.group) === '' && (self?.kind ?? 'Service') === 'Service') || has(self, 'port')),
    "self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'":
      (self) => ok(['Exact', 'PathPrefix', 'RegularExpression'].includes(self?.type)),
    "(self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true": path((v) => v.startsWith('/')),
    "(self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/..') : true": path((v) => !v.endsWith('/..')),
    "(self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/.') : true": path((v) => !v.endsWith('/.')),
    "(self.type in ['Exact','PathPrefix']) ? self.value.matches(r\"\"\"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$\"\"\") : true":
      path((v) => /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(v)),
  };
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) {
    out[`(self.type in ['Exact','PathPrefix']) ? !self.value.contains('${bad}') : true`] = path((v) => !v.includes(bad));
  }
  for (const [field, type] of HTTP_FILTERS) {
    out[`!(!has(self.${field}) && self.type == '${type}')`] = (self) => ok(!(!has(self, field) && self?.type === type));
    out[`!(has(self.${field}) && self.type != '${type}')`] = (self) => ok(!(has(self, field) && self?.type !== type));
    out[`self.filter(f, f.type == '${type}').size() <= 1`] = (self) => ok((self ?? []).filter((f: any) => f.type === type).length <= 1);
  }
  return out;
}

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
  ...GATEWAY_API_CHECKS(),
  // policy.networking.k8s.io (ClusterNetworkPolicy v1alpha2, ANP/BANP v1alpha1): Kubernetes' isCIDR
  // is net/netip.ParsePrefix (host bits may be set); port ranges; the singleton BANP
  'isCIDR(self)': (self) => (typeof self === 'string' && parseCidr(self) !== undefined ? undefined : 'failed'),
  'self.start < self.end': (self) => (typeof self?.start === 'number' && typeof self?.end === 'number' && self.start < self.end ? undefined : 'failed'),
  "self.metadata.name == 'default'": (self) => (self?.metadata?.name === 'default' ? undefined : 'failed'),
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
