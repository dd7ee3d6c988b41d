import * as fs from 'fs';
import * as path from 'path';
import { ReachabilityAnalyzer, ReachabilityAssertions } from '../../src/analysis';

const ROOT = path.join(__dirname, '..', 'fixtures', 'netpol-cases');
const OUT = path.join(ROOT, 'test_outputs/connlist');

const cases = fs.existsSync(OUT)
  ? fs.readdirSync(OUT).filter((f) => f.endsWith('_connlist_output.txt')).map((f) => f.replace('_connlist_output.txt', ''))
    .filter((c) => fs.existsSync(path.join(ROOT, 'tests', c))).sort()
  : [];

/**
 * AdminNetworkPolicy/BaselineAdminNetworkPolicy cases whose expected list is netpol-analyzer's
 * limitation rather than the API's meaning, with the reason (checked on their own below).
 */
const DIVERGENT: { [c: string]: string } = {
  // netpol-analyzer ignores IPv6 `networks` ("ipv6 unsupported - a warning will be raised"); a
  // dual-stack cluster applies them, so the analyzer reports the IPv6 destinations too.
  anp_and_banp_using_networks_with_ipv6_test: 'IPv6 networks',
};
const isTierCase = (c: string): boolean => /anp/.test(c);

describe('netpol-analyzer connlist cases', () => {
  test('all 12 NetworkPolicy cases and 27 AdminNetworkPolicy/BaselineAdminNetworkPolicy cases are present', () => {
    expect(cases.filter((c) => !isTierCase(c)).length).toBe(12);
    expect(cases.filter(isTierCase).length).toBe(27);
  });

  test.each(cases.filter((c) => !DIVERGENT[c]))('%s matches the expected connlist lines exactly', (c) => {
    const expected = fs.readFileSync(path.join(OUT, `${c}_connlist_output.txt`), 'utf8').split('\n').filter((l) => l.length);
    const an = ReachabilityAnalyzer.fromPaths([path.join(ROOT, 'tests', c)]);
    const actual = an.toText().split('\n').filter((l) => l.length);
    expect(actual).toEqual(expected);
    // the framework-neutral assertion accepts the same list
    expect(() => new ReachabilityAssertions(an).assertExactly(expected)).not.toThrow();
  });

  test('IPv6 networks of an AdminNetworkPolicy apply (netpol-analyzer ignores them): IPv4 lines as expected, IPv6 by the rules', () => {
    const c = 'anp_and_banp_using_networks_with_ipv6_test';
    const expected = fs.readFileSync(path.join(OUT, `${c}_connlist_output.txt`), 'utf8').split('\n').filter((l) => l.length);
    const an = ReachabilityAnalyzer.fromPaths([path.join(ROOT, 'tests', c)]);
    const v6 = (l: string): boolean => /[0-9a-f]*:[0-9a-f:]*-[0-9a-f:]+\[External\]/.test(l);
    const lines = an.toText().split('\n').filter((l) => l.length);
    expect(lines.filter((l) => !v6(l))).toEqual(expected);
    // deny-egress-to-external-dns-servers: ff06::/3 (= e000::/3, which holds fd00::/8) UDP 53 denied first;
    // allow-all-egress-to-intranet: the rest of fd00::/8
    expect(an.isAllowed('ns1/pod1', 'fd00::1', 'UDP/53')).toBe(false);
    expect(an.isAllowed('ns1/pod1', 'fd00::1', 'TCP/22')).toBe(true);
    expect(an.isAllowed('ns1/pod1', 'e000::1', 'UDP/53')).toBe(false);
    expect(an.isAllowed('ns1/pod1', 'e000::1', 'TCP/53')).toBe(true);
    // the BANP denies 0.0.0.0/0 only: other IPv6 destinations fall to the default (allowed)
    expect(an.isAllowed('ns1/pod1', '2001:db8::1', 'TCP/443')).toBe(true);
    expect(an.isAllowed('ns1/pod1', '8.8.4.4', 'TCP/443')).toBe(false);
  });

  test('JSON output matches netpol-analysis-example-minimal', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(OUT, 'netpol-analysis-example-minimal_connlist_output.json'), 'utf8'));
    const an = ReachabilityAnalyzer.fromPaths([path.join(ROOT, 'tests/netpol-analysis-example-minimal')]);
    expect(JSON.parse(an.toJson())).toEqual(expected);
  });
});

describe('netpol-analyzer bad-path cases', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'expected_errors.json'), 'utf8'));
  const bad: Array<[string, string]> = spec.cases.map((c: any) => [c.dir, c.errorContains]);
  test.each(bad)('%s fails with the expected error', (dir: string, text: string) => {
    expect(() => ReachabilityAnalyzer.fromPaths([path.join(ROOT, dir)])).toThrow(text);
  });
});
