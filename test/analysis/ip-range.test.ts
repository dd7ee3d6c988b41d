import { formatInterval, parseCidr, parseIpAddress, partition } from '../../src/analysis/ip-range';

describe('analysis ip-range (parsing and formatting from src/core/ip)', () => {
  test('parses addresses of both families, rejects bad ones', () => {
    expect(parseIpAddress('10.0.0.1')).toEqual({ v6: false, value: 0x0a000001n });
    expect(parseIpAddress('::ffff:1.2.3.4')).toEqual({ v6: true, value: 0xffff01020304n });
    expect(parseIpAddress('010.0.0.1')).toBeUndefined();
    expect(parseIpAddress('1::2::3')).toBeUndefined();
  });

  test('CIDRs clear host bits; errors name the field and the value', () => {
    expect(formatInterval(parseCidr('10.1.2.3/16', 'x'))).toBe('10.1.0.0-10.1.255.255');
    expect(formatInterval(parseCidr('2001:db8::/32', 'x'))).toBe('2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(() => parseCidr('10.0.0.0/33', 'spec.ingress[0].from[0].ipBlock.cidr')).toThrow('spec.ingress[0].from[0].ipBlock.cidr: CIDR error: invalid CIDR address: 10.0.0.0/33');
    expect(() => parseCidr('10.0.0.0', 'f')).toThrow('invalid CIDR address: 10.0.0.0');
  });

  test('partition cuts the universe at every block edge', () => {
    const u = parseCidr('0.0.0.0/0', 'u');
    expect(partition([u], [[parseCidr('10.0.0.0/8', 'a')]]).map(formatInterval)).toEqual(['0.0.0.0-9.255.255.255', '10.0.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
  });
});
