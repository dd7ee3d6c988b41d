import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { Enforcement, EnforcementMode, EnforcementReport, Flows, Peer, Port, ZeroTrustNamespace } from '../../src';
import { runs, timeoutFor } from '../property/arbitraries';
import { synthAndValidate } from '../util';

const NAMESPACES = ['a', 'b', 'c'];
const key = (o: any): string => `${o.metadata.namespace}/${o.metadata.name}`;

/** Random namespaces (mode each), workloads and flows between them. */
const scenario = fc.record({
  modes: fc.tuple(...NAMESPACES.map(() => fc.constantFrom(EnforcementMode.ENFORCE, EnforcementMode.AUDIT, undefined))),
  clusterAudit: fc.boolean(),
  flows: fc.array(fc.record({ from: fc.nat(2), to: fc.nat(2), port: fc.integer({ min: 1, max: 65535 }) }), { maxLength: 4 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function synth(s: Scenario, withModes: boolean): { objs: any[]; report: EnforcementReport } {
  const chart = Testing.chart();
  const workloads = NAMESPACES.map((ns, i) => {
    const z = new ZeroTrustNamespace(chart, ns, { name: ns });
    if (withModes && s.modes[i] !== undefined) Enforcement.set(z, s.modes[i]!);
    return new kplus.Deployment(chart, `w-${ns}`, { metadata: { namespace: ns }, containers: [{ image: 'x', portNumber: 8080 }] });
  });
  if (withModes && s.clusterAudit) Enforcement.set(chart, EnforcementMode.AUDIT);
  for (const f of s.flows) {
    if (f.from !== f.to) Flows.of(chart).allow(Peer.workload(workloads[f.from]), Peer.workload(workloads[f.to]), { ports: [Port.tcp(f.port)] });
  }
  return { objs: synthAndValidate(chart), report: EnforcementReport.of(chart) };
}

describe('staged rollout properties', () => {
  test('nothing lost, no default-deny in AUDIT namespaces, enforcement only closes connections', () => {
    fc.assert(fc.property(scenario, (s) => {
      const enforce = synth(s, false).objs.filter((o) => o.kind === 'NetworkPolicy');
      const { objs, report } = synth(s, true);
      const cluster = s.clusterAudit ? EnforcementMode.AUDIT : EnforcementMode.ENFORCE;
      const audited = NAMESPACES.filter((_, i) => (s.modes[i] ?? cluster) === EnforcementMode.AUDIT);
      const emitted = objs.filter((o) => o.kind === 'NetworkPolicy');
      // AUDIT namespaces emit no NetworkPolicy at all (so no default-deny)
      expect(emitted.filter((o) => audited.includes(o.metadata.namespace))).toEqual([]);
      // every ENFORCE policy is either emitted or held back, identical; nothing else is held back
      // (relaxed objects, review finding 6, are emitted relaxed: their enforced form is their record's manifest)
      const held = report.heldBack.filter((p) => p.kind === 'NetworkPolicy').map((p) => p.manifest);
      expect(report.heldBack.filter((p) => p.kind !== 'NetworkPolicy').every((p) => p.reason.startsWith('relaxed in AUDIT'))).toBe(true);
      expect([...emitted, ...held].sort((x, y) => key(x).localeCompare(key(y))))
        .toEqual([...enforce].sort((x, y) => key(x).localeCompare(key(y))));
      expect(report.heldBack.every((p) => audited.includes(p.namespace))).toBe(true);
      // the report's diff never opens a connection
      expect(report.wouldBlock().every((b) => b.today !== 'No Connections')).toBe(true);
    }), runs(12));
  }, timeoutFor(12, 1500));
});
