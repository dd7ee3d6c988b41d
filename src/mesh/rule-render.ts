/**
 * Rendering of MeshRuleProps (internal).
 */
import { checkMethods, checkPaths, RenderedOperation, RenderedRule } from './internal';
import { MeshRuleProps } from './mesh-rule';
import { MeshSource, MeshSourceKind } from './mesh-source';
import { fail, isPort, PORT_EXPECTED } from '../core/validate';

/** Validates one rule and renders it (sorted, de-duplicated). */
export function renderMeshRule(path: string, field: string, rule: MeshRuleProps, trustDomains: string[], allowAll: boolean): RenderedRule {
  if (rule === undefined || rule === null || typeof rule !== 'object') {
    fail(path, field, rule, 'a rule ({ sources, methods, paths, notPaths, ports })');
  }
  const { sources, sourcesField } = ruleSources(path, field, rule);
  let from: Array<{ source: any }> | undefined;
  if (sources !== undefined) {
    if (!Array.isArray(sources) || sources.length === 0) {
      fail(path, sourcesField, sources,
        'a non-empty list of sources (an empty list of principals would match nobody), or no field for any source');
    }
    sources.forEach((s, i) => {
      if (!(s instanceof MeshSource)) {
        fail(path, `${sourcesField}[${i}]`, String(s), 'a MeshSource (MeshSource.workload, .identities, .namespace, .ipBlocks, ...)');
      }
    });
    from = sources.map((s) => ({ source: s._render(trustDomains) }));
  }
  const methods = checkMethods(path, `${field}.methods`, rule.methods);
  const paths = checkPaths(path, `${field}.paths`, rule.paths);
  const notPaths = checkPaths(path, `${field}.notPaths`, rule.notPaths);
  let ports: string[] | undefined;
  if (rule.ports !== undefined) {
    if (!Array.isArray(rule.ports) || rule.ports.length === 0) {
      fail(path, `${field}.ports`, rule.ports, 'a non-empty list of ports, or no field for any port');
    }
    rule.ports.forEach((p, i) => {
      if (!isPort(p)) {
        fail(path, `${field}.ports[${i}]`, p, PORT_EXPECTED);
      }
    });
    ports = Array.from(new Set(rule.ports)).sort((a, b) => a - b).map(String);
  }
  const op: RenderedOperation = { ports, methods, paths, notPaths };
  const hasTo = ports !== undefined || methods !== undefined || paths !== undefined || notPaths !== undefined;
  if (!allowAll && from === undefined && !hasTo) {
    fail(path, field, rule, 'a rule with from or methods/paths/ports: an empty ALLOW rule allows every request, which defeats deny by default');
  }
  if (!allowAll) {
    checkNotAllowAll(path, field, rule, paths);
  }
  return {
    from,
    to: hasTo ? [{ operation: dropUndefined(op) }] : undefined,
  };
}

/**
 * Refuses an ALLOW rule that is allow-all in disguise: its sources match everyone (none, or IP
 * blocks covering every address) and its `to` restricts nothing (`paths: ['*']` matches every
 * path; `notPaths` alone admits every other path).
 */
function checkNotAllowAll(path: string, field: string, rule: MeshRuleProps, paths: string[] | undefined): void {
  const { sources } = ruleSources(path, field, rule);
  // sources are any-of: one source covering every address admits everyone
  const anySource = sources === undefined || sources.some((s) => s.kind === MeshSourceKind.IP_BLOCKS
    && s.values.some((c) => c.endsWith('/0')));
  const restricts = rule.ports !== undefined || rule.methods !== undefined || (paths !== undefined && !paths.includes('*'));
  if (anySource && !restricts) {
    const what = sources !== undefined ? `from ipBlocks ${sources.flatMap((s) => s.values).filter((c) => c.endsWith('/0')).join(',')}`
      : paths?.includes('*') ? 'paths [*]' : 'notPaths only';
    fail(path, field, what,
      'an ALLOW rule that restricts who (from) or what (ports, methods, specific paths): this one admits every request, which undoes deny by default (set allowEveryRequest: true if that is meant)');
  }
}

/** The rule's sources: `sources`, or the deprecated `from` (not both), with the field to name in errors. */
function ruleSources(path: string, field: string, rule: MeshRuleProps): { sources?: MeshSource[]; sourcesField: string } {
  const legacy = rule.from;
  if (legacy !== undefined && rule.sources !== undefined) {
    fail(path, `${field}.from`, '[...]', 'either sources or the deprecated from, not both');
  }
  return legacy !== undefined
    ? { sources: legacy, sourcesField: `${field}.from` }
    : { sources: rule.sources, sourcesField: `${field}.sources` };
}

function dropUndefined<T extends object>(o: T): T {
  const out: any = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}
