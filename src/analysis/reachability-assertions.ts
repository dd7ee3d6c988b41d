import { AnalysisError } from './analysis-error';
import { cutLine, splitAssertionLine } from './assertion-line';
import { ReachabilityAnalyzer } from './reachability-analyzer';
import { checkArgs, t } from '../core/props-check';

/**
 * Assertions on what a `ReachabilityAnalyzer` computed, for tests (jest, a CI gate script): each
 * method returns nothing when the analysis agrees and otherwise throws an `AnalysisError` that
 * says what differs, so a test fails with the flow at fault in its message.
 *
 * Peers are named as in the analyzer's output: `ns/name[Kind]`, `ns/name`, an IP address,
 * `a.b.c.d-w.x.y.z[External]` or `{ingress-controller}`. Ports are `8080`, `TCP/8080`, `udp/53`.
 *
 * @example
 * const an = ReachabilityAnalyzer.fromObjects(chart.toJson());
 * const expectThat = new ReachabilityAssertions(an);
 * expectThat.assertAllowed('shop/web', 'shop/api', '8080');
 * expectThat.assertDenied('shop/api', 'shop/web');
 * expectThat.assertExactly(['shop/web[Deployment] => shop/api[Deployment] : TCP 8080']);
 */
export class ReachabilityAssertions {
  private readonly analyzer: ReachabilityAnalyzer;

  /**
   * @param analyzer the analysis to assert on
   */
  public constructor(analyzer: ReachabilityAnalyzer) {
    checkArgs('ReachabilityAssertions', ['analyzer', analyzer, t.required(t.instanceOf('ReachabilityAnalyzer', () => ReachabilityAnalyzer))]);
    this.analyzer = analyzer;
  }

  /**
   * Throws unless `src` may connect to `dst` (on `port`; on some port when omitted). The error
   * names what is allowed between them instead.
   *
   * @param src the source peer
   * @param dst the destination peer
   * @param port e.g. `8080`, `TCP/8080`, `udp/53` (any port when omitted)
   */
  public assertAllowed(src: string, dst: string, port?: string): void {
    checkArgs('ReachabilityAssertions.assertAllowed', ['src', src, t.required(t.str())], ['dst', dst, t.required(t.str())], ['port', port, t.str()]);
    if (this.analyzer.isAllowed(src, dst, port)) return;
    const conns = this.analyzer._allowedConns(src, dst);
    throw new AnalysisError(`expected ${src} => ${dst}${port ? ` on ${port}` : ''} to be allowed, but ${conns ? `only ${conns} is` : 'nothing is'} allowed`);
  }

  /**
   * Throws if `src` can connect to `dst` (on `port`; on any port when omitted). The error names
   * what is allowed.
   *
   * @param src the source peer
   * @param dst the destination peer
   * @param port e.g. `8080`, `TCP/8080`, `udp/53` (any port when omitted)
   */
  public assertDenied(src: string, dst: string, port?: string): void {
    checkArgs('ReachabilityAssertions.assertDenied', ['src', src, t.required(t.str())], ['dst', dst, t.required(t.str())], ['port', port, t.str()]);
    if (!this.analyzer.isAllowed(src, dst, port)) return;
    throw new AnalysisError(`expected ${src} => ${dst}${port ? ` on ${port}` : ''} to be denied, but ${this.analyzer._allowedConns(src, dst)} is allowed`);
  }

  /**
   * Throws unless the allowed set is exactly `expected`: lines `src => dst : conns` or `src => dst`
   * (any connections). The error lists what is unexpectedly open (+), what is missing (-) and
   * what is open on other ports (~).
   *
   * @param expected one line per allowed pair (blank lines are ignored)
   */
  public assertExactly(expected: string[]): void {
    checkArgs('ReachabilityAssertions.assertExactly', ['expected', expected, t.required(t.arrayOf(t.str()))]);
    const an = this.analyzer;
    const actual = an._pairs().map((c) => ({ pair: `${c.src} => ${c.dst}`, line: `${c.src} => ${c.dst} : ${c.conns}` }));
    const exp = expected.map((l) => l.trim()).filter((l) => l).map((l) => {
      const m = splitAssertionLine(l);
      if (!m) throw new AnalysisError(`assertExactly: cannot read "${cutLine(l)}" (expected "src => dst : conns" or "src => dst")`);
      const s = an._peerName(m.src, true);
      const d = an._peerName(m.dst, false);
      return { pair: `${s} => ${d}`, line: m.conns ? `${s} => ${d} : ${m.conns}` : undefined };
    });
    const byPair = new Map<string, { pair: string; line?: string }>();
    for (const e of exp) if (!byPair.has(e.pair)) byPair.set(e.pair, e);
    const actualPairs = new Set(actual.map((a) => a.pair));
    const extra: string[] = [];
    const wrong: string[] = [];
    for (const a of actual) {
      const e = byPair.get(a.pair);
      if (!e) extra.push(`+ ${a.line}`);
      else if (e.line && e.line !== a.line) wrong.push(`~ ${a.line} (expected ${e.line})`);
    }
    const missing = exp.filter((e) => !actualPairs.has(e.pair)).map((e) => `- ${e.line ?? e.pair}`);
    if (extra.length || wrong.length || missing.length) {
      throw new AnalysisError(`allowed connections differ from the declared set (+ unexpectedly allowed, - missing, ~ different ports):\n${[...extra, ...wrong, ...missing].join('\n')}`);
    }
  }
}
