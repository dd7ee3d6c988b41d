import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ReachabilityAnalyzer } from '../../src/analysis';

/**
 * The upstream ClusterNetworkPolicy (v1alpha2) conformance suite as analyzer tests: each Go test's
 * manifests (with the shared base pods), its policy mutations and its probes (expected allow/deny)
 * replayed in order, as the suite runs them against a cluster.
 */
const ROOT = path.join(__dirname, '..', 'fixtures', 'network-policy-api-conformance');
const TABLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'expectations.json'), 'utf8'));

interface Probe { from: string; to: string; protocol: string; port: number; allowed: boolean }
interface Run { run: string; items: any[] }
interface ConformanceCase { source: string; name: string; manifests: string[]; runs: Run[] }

/** The ports the suite picks free on the nodes at run time for its hostNetwork pods (no probe here reaches them). */
const HOST_NETWORK_PORTS = [34000, 34001, 34002, 34003, 34004, 34005, 34006, 34007];
const load = (f: string): any[] => fs.readFileSync(path.join(ROOT, f), 'utf8')
  .replace(/\{\{ index \.HostNetworkPorts (\d) \}\}/g, (_m, i) => String(HOST_NETWORK_PORTS[Number(i)]))
  .split(/^---$/m).map((d) => parse(d)).filter((o) => o && typeof o === 'object');

function policy(objs: any[], name: string): any {
  const p = objs.find((o) => o.kind === 'ClusterNetworkPolicy' && o.metadata.name === name);
  if (!p) throw new Error(`no ClusterNetworkPolicy ${name}`);
  return p;
}

/** Applies one mutation of the Go test to the objects (in place). */
function mutate(objs: any[], m: any): any[] {
  if (m.swapRules) {
    const rules = policy(objs, m.swapRules.policy).spec[m.swapRules.direction];
    [rules[m.swapRules.a], rules[m.swapRules.b]] = [rules[m.swapRules.b], rules[m.swapRules.a]];
  } else if (m.namedPort) {
    policy(objs, m.namedPort.policy).spec[m.namedPort.direction][m.namedPort.rule].protocols = [{ destinationNamedPort: m.namedPort.name }];
  } else if (m.setAction) {
    policy(objs, m.setAction.policy).spec[m.setAction.direction][m.setAction.rule].action = m.setAction.action;
  } else if (m.priority) {
    policy(objs, m.priority.policy).spec.priority = m.priority.value;
  } else if (m.namespaceLabels) {
    objs.find((o) => o.kind === 'Namespace' && o.metadata.name === m.namespaceLabels.namespace).metadata.labels = m.namespaceLabels.labels;
  } else if (m.deleteNetworkPolicy) {
    return objs.filter((o) => !(o.kind === 'NetworkPolicy' && `${o.metadata.namespace}/${o.metadata.name}` === m.deleteNetworkPolicy));
  } else {
    throw new Error(`unknown mutation ${JSON.stringify(m)}`);
  }
  return objs;
}

/** Replays a test; returns the probes whose result differs (empty = conformant) and the count checked. */
function replay(c: ConformanceCase): { checked: number; wrong: string[]; skipped: string[] } {
  // read lazily: the nodes-peers manifests are Go templates ({{ index .HostNetworkPorts 0 }}) the suite fills in
  let objs: any[] | undefined;
  let an: ReachabilityAnalyzer | undefined;
  const wrong: string[] = [];
  const skipped: string[] = [];
  let checked = 0;
  for (const r of c.runs) {
    for (const item of r.items) {
      if (item.unsupported) { skipped.push(`${r.run}: ${item.unsupported}`); break; }
      objs = objs ?? [...load('base/manifests.yaml'), ...c.manifests.map((m) => load(m)).flat()];
      if (!item.probe) { objs = mutate(objs, item); an = undefined; continue; }
      const p: Probe = item.probe;
      an = an ?? ReachabilityAnalyzer.fromObjects(JSON.parse(JSON.stringify(objs)));
      const got = an.isAllowed(p.from, p.to, `${p.protocol}/${p.port}`);
      checked++;
      if (got !== p.allowed) wrong.push(`${r.run}: ${p.from} -> ${p.to} ${p.protocol}/${p.port}: expected ${p.allowed ? 'allowed' : 'denied'}`);
    }
  }
  return { checked, wrong, skipped };
}

const cases: ConformanceCase[] = TABLE.tests;
/** Tests that need what the analyzer does not model (every probe in them is skipped, with the reason). */
const UNSUPPORTED = ['CNPAdminTierEgressNodePeers', 'CNPBaselineTierEgressNodePeers'];

describe('network-policy-api ClusterNetworkPolicy conformance', () => {
  test('the table holds every conformance test of the upstream suite', () => {
    expect(cases.length).toBe(24);
    const probes = cases.reduce((n, c) => n + c.runs.reduce((k, r) => k + r.items.filter((i) => i.probe).length, 0), 0);
    expect(probes).toBe(292);
    // every probe outside the unsupported runs is checked
    expect(cases.reduce((n, c) => n + replay(c).checked, 0)).toBe(268);
  });

  test.each(cases.filter((c) => !UNSUPPORTED.includes(c.name)).map((c) => [c.name, c] as [string, ConformanceCase]))('%s: every probe as the suite expects', (_n, c) => {
    const r = replay(c);
    expect(r.wrong).toEqual([]);
    expect(r.checked).toBeGreaterThan(0);
  });

  test.each(UNSUPPORTED)('%s: unsupported (nodes peers), every run skipped with its reason', (name) => {
    const r = replay(cases.find((c) => c.name === name)!);
    expect(r.checked).toBe(0);
    expect(r.skipped.every((s) => s.includes('nodes peers'))).toBe(true);
  });
});
