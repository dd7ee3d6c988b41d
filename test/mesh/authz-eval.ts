/**
 * A small evaluator of Istio AuthorizationPolicy semantics for tests (sidecar mode, mTLS):
 * DENY policies first, then ALLOW (no ALLOW policy for the workload = allowed).
 */

/** A request as the destination sidecar sees it. */
export interface Req {
  readonly principal?: string;
  readonly sourceNamespace?: string;
  readonly sourceIp?: string;
  readonly namespace: string;
  readonly labels: { [k: string]: string };
  readonly port: number;
  readonly method?: string;
  readonly path?: string;
}

function strMatch(pattern: string, v: string | undefined): boolean {
  if (v === undefined) return false;
  if (pattern === '*') return v !== '';
  if (pattern.startsWith('*')) return v.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return v.startsWith(pattern.slice(0, -1));
  return pattern === v;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

function inCidr(cidr: string, ip: string | undefined): boolean {
  if (ip === undefined) return false;
  const [base, len] = cidr.split('/');
  const bits = Number(len ?? 32);
  const size = 2 ** (32 - bits);
  const start = Math.floor(ipToInt(base) / size) * size;
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

function sourceMatches(s: any, r: Req): boolean {
  if (s.principals && !s.principals.some((p: string) => strMatch(p, r.principal))) return false;
  if (s.namespaces && !s.namespaces.some((p: string) => strMatch(p, r.sourceNamespace))) return false;
  if (s.ipBlocks && !s.ipBlocks.some((c: string) => inCidr(c, r.sourceIp))) return false;
  if (s.notIpBlocks && s.notIpBlocks.some((c: string) => inCidr(c, r.sourceIp))) return false;
  return true;
}

function opMatches(o: any, r: Req): boolean {
  if (o.ports && !o.ports.includes(String(r.port))) return false;
  if (o.methods && !o.methods.includes(r.method)) return false;
  if (o.paths && !o.paths.some((p: string) => strMatch(p, r.path))) return false;
  if (o.notPaths && o.notPaths.some((p: string) => strMatch(p, r.path))) return false;
  return true;
}

function ruleMatches(rule: any, r: Req): boolean {
  if (rule.from && !rule.from.some((f: any) => sourceMatches(f.source ?? {}, r))) return false;
  if (rule.to && !rule.to.some((t: any) => opMatches(t.operation ?? {}, r))) return false;
  return true;
}

function applies(p: any, r: Req, rootNamespace: string): boolean {
  const ns = p.metadata.namespace;
  if (ns !== r.namespace && ns !== rootNamespace) return false;
  const sel = p.spec?.selector?.matchLabels;
  if (!sel) return true;
  return Object.entries(sel).every(([k, v]) => r.labels[k] === v);
}

/** True if the request is allowed by the AuthorizationPolicies among `objs`. */
export function isAllowed(objs: any[], r: Req, rootNamespace = 'istio-system'): boolean {
  const pols = objs.filter((o) => o.kind === 'AuthorizationPolicy' && applies(o, r, rootNamespace));
  const action = (p: any) => p.spec?.action ?? 'ALLOW';
  if (pols.filter((p) => action(p) === 'DENY').some((p) => (p.spec.rules ?? []).some((x: any) => ruleMatches(x, r)))) return false;
  const allows = pols.filter((p) => action(p) === 'ALLOW');
  if (allows.length === 0) return true;
  return allows.some((p) => (p.spec.rules ?? []).some((x: any) => ruleMatches(x, r)));
}
