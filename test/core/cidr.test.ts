/* eslint-disable no-bitwise */ // IP address arithmetic is bit arithmetic
import { Cidr, IpVersion, ValidationError } from '../../src/core';
import { cidrRange, formatIpv6, parseCidr, parseIp, parseIpv4, parseIpv6 } from '../../src/core/ip';
import { errorOf } from '../util';

describe('ip helpers', () => {
  test('parseIpv4', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0n);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffffn);
    expect(parseIpv4('10.1.2.3')).toBe(0x0a010203n);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.0', '01.2.3.4', '1.2.3.-4', '1.2.3.a', ' 1.2.3.4', '1..3.4', '1.2.3.4 ']) {
      expect(parseIpv4(bad)).toBeUndefined();
    }
  });

  test('parseIpv6', () => {
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('::1')).toBe(1n);
    expect(parseIpv6('1::')).toBe(1n << 112n);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(parseIpv6('0001:0002:0003:0004:0005:0006:0007:0008'));
    expect(parseIpv6('::ffff:1.2.3.4')).toBe((0xffffn << 32n) | 0x01020304n);
    expect(parseIpv6('1:2:3:4:5:6:1.2.3.4')).toBeDefined();
    expect(parseIpv6('FD00::ABCD')).toBe(parseIpv6('fd00::abcd'));
    for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', '12345::',
      'g::', '::1.2.3', '1.2.3.4::', 'fe80::1%eth0', '::ffff:256.1.1.1', '1:2:3:4:5:6:7:1.2.3.4', ':1::', '1:']) {
      expect(parseIpv6(bad)).toBeUndefined();
    }
  });

  test('formatIpv6 follows RFC 5952', () => {
    const f = (s: string) => formatIpv6(parseIpv6(s)!);
    expect(f('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first longest run on ties
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // single zero not compressed
    expect(f('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // longest run wins
    expect(f('0:0:0:0:0:0:0:0')).toBe('::');
    expect(f('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(f('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(f('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(f('::ffff:a00:1')).toBe('::ffff:10.0.0.1');
  });

  test('parseIp, parseCidr, cidrRange', () => {
    expect(parseIp('10.0.0.1')).toEqual({ version: 'IPv4', value: 0x0a000001n });
    expect(parseIp('::1')).toEqual({ version: 'IPv6', value: 1n });
    expect(parseIp('nope')).toBeUndefined();
    expect(parseCidr('10.0.0.1/8')).toMatchObject({ network: 0x0a000000n, prefixLength: 8, hostBits: true });
    expect(parseCidr('10.0.0.0/08')).toBeUndefined();
    expect(cidrRange('10.0.0.0/30')).toEqual({ version: 'IPv4', first: 0x0a000000n, last: 0x0a000003n });
  });
});

describe('Cidr.of', () => {
  test('valid IPv4', () => {
    const c = Cidr.of('10.0.0.0/16');
    expect([c.version, c.network, c.prefixLength, c.toString(), c.size, c.lastAddress])
      .toEqual([IpVersion.IPV4, '10.0.0.0', 16, '10.0.0.0/16', '65536', '10.0.255.255']);
    expect(Cidr.of('0.0.0.0/0').size).toBe('4294967296');
    expect(Cidr.of('1.2.3.4/32').size).toBe('1');
  });

  test('valid IPv6 canonicalised', () => {
    const c = Cidr.of('FD00:0000::/8');
    expect([c.version, c.network, c.toString()]).toEqual([IpVersion.IPV6, 'fd00::', 'fd00::/8']);
    expect(Cidr.of('2001:db8:0:0:1::/80').toString()).toBe('2001:db8:0:0:1::/80');
    expect(Cidr.of('2001:db8:0:0:1:0:0:0/80').toString()).toBe('2001:db8:0:0:1::/80');
    expect(Cidr.of('::/0').size).toBe((1n << 128n).toString());
    expect(Cidr.of('::1/128').toString()).toBe('::1/128');
    expect(Cidr.of('::ffff:10.0.0.0/104').toString()).toBe('::ffff:10.0.0.0/104');
    expect(Cidr.of('::ffff:10.0.0.0/104').version).toBe(IpVersion.IPV6);
    expect(Cidr.of('2001:db8::/32').lastAddress).toBe('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
  });

  test('rejects host bits with the canonical block suggested', () => {
    const e = errorOf(() => Cidr.of('10.0.0.1/16'));
    expect([e.path, e.field, e.value]).toEqual(['Cidr.of', 'cidr', '"10.0.0.1/16"']);
    expect(e.message).toContain('10.0.0.0/16');
    expect(() => Cidr.of('fd00::1/64')).toThrow(/fd00::\/64/);
    expect(() => Cidr.of('192.168.1.1/24')).toThrow('Cidr.of: invalid cidr "192.168.1.1/24": expected a network address without host bits set, e.g. 192.168.1.0/24');
  });

  test('rejects garbage', () => {
    for (const bad of ['', '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '256.0.0.0/8', '10.0.0/8',
      '10.0.0.0/8/8', 'fd00::/129', 'fd00:::/8', 'zz::/8', 'any', '10.0.0.0/1.5', ' 10.0.0.0/8', undefined as any, 5 as any]) {
      const e = errorOf(() => Cidr.of(bad));
      expect(e.field).toBe('cidr');
    }
    expect(() => Cidr.of('10.0.0.1')).toThrow(/10\.0\.0\.1\/32/);
    expect(() => Cidr.of('fd00::1')).toThrow(/fd00::1\/128/);
  });

  test('containing clears host bits', () => {
    expect(Cidr.containing('10.1.2.3', 16).toString()).toBe('10.1.0.0/16');
    expect(Cidr.containing('fd00::1', 64).toString()).toBe('fd00::/64');
    expect(() => Cidr.containing('x', 1)).toThrow(ValidationError);
    expect(() => Cidr.containing('10.0.0.1', 33)).toThrow(/prefixLength 33/);
  });

  test('constants', () => {
    expect(Cidr.anyIpv4().toString()).toBe('0.0.0.0/0');
    expect(Cidr.anyIpv6().toString()).toBe('::/0');
    expect(Cidr.privateIpv4().map(String)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
  });
});

describe('Cidr relations', () => {
  const blocks = ['10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '10.0.0.0/24', '11.0.0.0/8', '0.0.0.0/0', 'fd00::/8', '::/0'];
  // contains[a][b]: a contains b
  const contains: { [a: string]: string[] } = {
    '10.0.0.0/8': ['10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '10.0.0.0/24'],
    '10.0.0.0/16': ['10.0.0.0/16', '10.0.0.0/24'],
    '10.1.0.0/16': ['10.1.0.0/16'],
    '10.0.0.0/24': ['10.0.0.0/24'],
    '11.0.0.0/8': ['11.0.0.0/8'],
    '0.0.0.0/0': ['10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '10.0.0.0/24', '11.0.0.0/8', '0.0.0.0/0'],
    'fd00::/8': ['fd00::/8'],
    '::/0': ['fd00::/8', '::/0'],
  };

  test('contains / overlaps / equals truth tables', () => {
    for (const a of blocks) {
      for (const b of blocks) {
        const ca = Cidr.of(a);
        const cb = Cidr.of(b);
        const c = contains[a].includes(b);
        const o = c || contains[b].includes(a);
        expect([a, b, ca.contains(cb)]).toEqual([a, b, c]);
        expect([a, b, ca.overlaps(cb)]).toEqual([a, b, o]);
        expect(ca.overlaps(cb)).toBe(cb.overlaps(ca));
        expect(ca.isEqual(cb)).toBe(a === b);
      }
    }
  });

  test('adjacent blocks do not overlap', () => {
    expect(Cidr.of('10.0.0.0/25').overlaps(Cidr.of('10.0.0.128/25'))).toBe(false);
    expect(Cidr.of('10.0.0.0/24').overlaps(Cidr.of('10.0.0.128/25'))).toBe(true);
  });

  test('containsAddress', () => {
    const c = Cidr.of('10.0.0.0/24');
    expect(c.containsAddress('10.0.0.0')).toBe(true);
    expect(c.containsAddress('10.0.0.255')).toBe(true);
    expect(c.containsAddress('10.0.1.0')).toBe(false);
    expect(c.containsAddress('9.255.255.255')).toBe(false);
    expect(c.containsAddress('::ffff:10.0.0.1')).toBe(false);
    expect(Cidr.of('fd00::/64').containsAddress('fd00::ffff')).toBe(true);
    expect(Cidr.of('fd00::/64').containsAddress('fd00:0:0:1::')).toBe(false);
    expect(Cidr.anyIpv6().containsAddress('10.0.0.1')).toBe(false);
    expect(() => c.containsAddress('10.0.0')).toThrow(/invalid ip "10.0.0"/);
  });

  test('compare: IPv4 first, then address, then prefix', () => {
    const sorted = ['fd00::/8', '10.0.0.0/16', '::/0', '10.0.0.0/8', '9.0.0.0/8', '10.0.0.0/24']
      .map((s) => Cidr.of(s)).sort(Cidr.compare).map(String);
    expect(sorted).toEqual(['9.0.0.0/8', '10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/24', '::/0', 'fd00::/8']);
  });
});

describe('Cidr.allocate', () => {
  test('sequential allocation fills the lowest free aligned block', () => {
    const sup = Cidr.of('10.0.0.0/16');
    const taken: Cidr[] = [];
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = Cidr.allocate(sup, 18, taken);
      taken.push(c);
      got.push(c.toString());
    }
    expect(got).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18', '10.0.192.0/18']);
    const e = errorOf(() => Cidr.allocate(sup, 18, taken));
    expect(e.path).toBe('Cidr.allocate');
    expect(e.message).toContain('no free /18 in 10.0.0.0/16');
  });

  test('skips misaligned and larger taken blocks, fills holes', () => {
    const sup = Cidr.of('10.0.0.0/16');
    expect(Cidr.allocate(sup, 24, [Cidr.of('10.0.0.0/25')]).toString()).toBe('10.0.1.0/24');
    expect(Cidr.allocate(sup, 24, [Cidr.of('10.0.0.0/23')]).toString()).toBe('10.0.2.0/24');
    expect(Cidr.allocate(sup, 24, [Cidr.of('10.0.0.0/24'), Cidr.of('10.0.2.0/24')]).toString()).toBe('10.0.1.0/24');
    expect(Cidr.allocate(sup, 23, [Cidr.of('10.0.1.0/24')]).toString()).toBe('10.0.2.0/23');
    // taken block larger than the supernet
    expect(() => Cidr.allocate(sup, 24, [Cidr.of('10.0.0.0/8')])).toThrow(ValidationError);
    // blocks outside the supernet and of the other version are ignored
    expect(Cidr.allocate(sup, 24, [Cidr.of('11.0.0.0/8'), Cidr.of('::/0')]).toString()).toBe('10.0.0.0/24');
    expect(Cidr.allocate(sup, 16, []).toString()).toBe('10.0.0.0/16');
    expect(Cidr.allocate(Cidr.of('10.0.0.0/30'), 32, [Cidr.of('10.0.0.0/31'), Cidr.of('10.0.0.3/32')]).toString()).toBe('10.0.0.2/32');
  });

  test('IPv6', () => {
    const sup = Cidr.of('fd00::/48');
    const a = Cidr.allocate(sup, 64, []);
    const b = Cidr.allocate(sup, 64, [a]);
    expect([a.toString(), b.toString()]).toEqual(['fd00::/64', 'fd00:0:0:1::/64']);
    expect(Cidr.allocate(Cidr.anyIpv6(), 1, [Cidr.of('::/1')]).toString()).toBe('8000::/1');
  });

  test('bad prefix lengths', () => {
    const sup = Cidr.of('10.0.0.0/16');
    for (const bad of [8, 15, 33, 16.5, -1]) {
      const e = errorOf(() => Cidr.allocate(sup, bad, []));
      expect(e.field).toBe('prefixLength');
      expect(e.value).toBe(String(bad));
    }
    expect(() => Cidr.allocate(sup, 8, [])).toThrow(/from 16 \(the prefix of supernet 10.0.0.0\/16\) to 32/);
  });
});

describe('Cidr.exclude', () => {
  test('removes blocks as fewest CIDRs', () => {
    expect(Cidr.exclude(Cidr.of('10.0.0.0/24'), [Cidr.of('10.0.0.0/26')]).map(String))
      .toEqual(['10.0.0.64/26', '10.0.0.128/25']);
    expect(Cidr.exclude(Cidr.of('10.0.0.0/24'), [Cidr.of('10.0.0.128/26'), Cidr.of('10.0.0.0/25')]).map(String))
      .toEqual(['10.0.0.192/26']);
    expect(Cidr.exclude(Cidr.of('10.0.0.0/24'), [Cidr.of('10.0.0.0/8')])).toEqual([]);
    expect(Cidr.exclude(Cidr.of('10.0.0.0/24'), [Cidr.of('11.0.0.0/8'), Cidr.of('::/0')]).map(String)).toEqual(['10.0.0.0/24']);
    const pub = Cidr.exclude(Cidr.anyIpv4(), Cidr.privateIpv4());
    const total = pub.reduce((n, c) => n + BigInt(c.size), 0n);
    expect(total).toBe((1n << 32n) - (1n << 24n) - (1n << 20n) - (1n << 16n));
    expect(pub.some((c) => Cidr.privateIpv4().some((p) => p.overlaps(c)))).toBe(false);
    expect(pub.map(String)).toContain('11.0.0.0/8');
  });

  test('exclude result covers exactly block minus excepts', () => {
    const block = Cidr.of('10.0.0.0/28');
    const ex = [Cidr.of('10.0.0.5/32'), Cidr.of('10.0.0.8/30')];
    const parts = Cidr.exclude(block, ex);
    for (let i = 0; i < 16; i++) {
      const ip = `10.0.0.${i}`;
      const inParts = parts.filter((p) => p.containsAddress(ip)).length;
      const excluded = ex.some((e) => e.containsAddress(ip));
      expect([ip, inParts]).toEqual([ip, excluded ? 0 : 1]);
    }
  });
});
