/**
 * Worst-case sizes (issue 23, class 5): the linear rewrites of port merging, Helm brace escaping
 * and the assertion-line parser give what the quadratic originals gave (compared on random inputs),
 * and adversarial sizes end in a result or a ValidationError (speed lives in bench/adversarial-bench.ts).
 */
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { runs } from './arbitraries';
import { Flows, Peer, Port, Protocol, ZeroTrustNamespace } from '../../src';
import { splitAssertionLine } from '../../src/analysis/assertion-line';
import { mergePorts } from '../../src/flows/internal';
import { escapeTemplateText } from '../../src/helm/escape';

/** The quadratic merge this replaced (the reference). */
function naiveMerge(ports: Port[]): Port[] {
  const out: Port[] = [];
  for (const p of [...ports].sort(Port.compare)) {
    if (out.some((q) => q.contains(p))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (p.contains(out[i])) out.splice(i, 1);
    out.push(p);
  }
  return out.sort(Port.compare);
}

const protocol = fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP);
const port: fc.Arbitrary<Port> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(protocol, fc.integer({ min: 1, max: 40 })).map(([p, n]) => Port.of(p, n)) },
  {
    weight: 3,
    arbitrary: fc.tuple(protocol, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 10 })).map(([p, a, d]) => Port.range(p, a, a + d)),
  },
  { weight: 1, arbitrary: protocol.map((p) => Port.all(p)) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('http', 'grpc', 'metrics'), protocol).map(([n, p]) => Port.named(n, p)) },
);

describe('worst-case sizes', () => {
  test('mergePorts equals the quadratic reference', () => {
    fc.assert(fc.property(fc.array(port, { maxLength: 30 }), (ps) => {
      expect(mergePorts(ps).map(String)).toEqual(naiveMerge(ps).map(String));
    }), runs(500));
  });

  test('Helm escaping equals the backtracking regex on brace-heavy text', () => {
    const old = (t: string) => t.replace(/[{}]*(?:\{\{|\}\})[{}]*/g, (run) => '{{`' + run + '`}}');
    const text = fc.stringOf(fc.constantFrom('{', '}', 'a', ' ', '`', '"'), { maxLength: 40 });
    fc.assert(fc.property(text, (t) => {
      expect(escapeTemplateText(t)).toBe(old(t));
    }), runs(1000));
  });

  test('assertion lines split as the backtracking regex did', () => {
    const re = /^(.+?)\s*=>\s*(.+?)(?:\s+:\s+(.+))?$/;
    const line = fc.stringOf(fc.constantFrom('a', 'b', ' ', ':', '=>', '=', '>', '/'), { maxLength: 20 }).map((s) => s.trim()).filter((s) => s !== '');
    fc.assert(fc.property(line, (l) => {
      const m = re.exec(l);
      const got = splitAssertionLine(l);
      if (m === null) {
        expect(got).toBeUndefined();
      } else if (got !== undefined && m[1].trim() !== '' && m[2].trim() !== '') {
        // the regex also read whitespace-only parts (`" => x"`), which no peer name is
        expect([got.src, got.dst, got.conns]).toEqual([m[1], m[2], m[3]]);
      }
    }), runs(2000));
  });

  test('a flow listing all 65535 TCP ports one by one: the NetworkPolicy is over etcd\'s limit and refused at synthesis', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'a', { name: 'a' });
    new ZeroTrustNamespace(chart, 'b', { name: 'b' });
    const ports = Array.from({ length: 65535 }, (_, i) => Port.tcp(i + 1));
    const flow = Flows.of(chart).allow(Peer.pods({ app: 'x' }, { namespace: 'a' }), Peer.pods({ app: 'y' }, { namespace: 'b' }), { ports });
    expect(flow.ports).toHaveLength(65535);
    // the chart checks report as a cdk8s validation error
    expect(() => Testing.synth(chart)).toThrow(/invalid NetworkPolicy [ab]\/allow-\S+ "\d+ bytes": expected an object of at most 1572864 bytes/);
  });

  test('a huge malformed brace run and assertion line finish', () => {
    expect(escapeTemplateText('{}'.repeat(100_000))).toBe('{}'.repeat(100_000));
    expect(splitAssertionLine('a'.repeat(100_000))).toBeUndefined();
    expect(splitAssertionLine(`a => ${' : '.repeat(50_000)}b`)).toBeDefined();
  });
});
