import { Port, Protocol, ValidationError } from '../../src/core';
import { errorOf } from '../util';

describe('Port', () => {
  test('factories and toString', () => {
    expect(Port.tcp(5432).toString()).toBe('TCP/5432');
    expect(Port.udp(53).toString()).toBe('UDP/53');
    expect(Port.sctp(9).toString()).toBe('SCTP/9');
    expect(Port.of(Protocol.UDP, 1).toString()).toBe('UDP/1');
    expect(Port.tcpRange(8000, 9000).toString()).toBe('TCP/8000-9000');
    expect(Port.udpRange(1, 65535).toString()).toBe('UDP/1-65535');
    expect(Port.range(Protocol.SCTP, 5, 6).toString()).toBe('SCTP/5-6');
    expect(Port.named('http').toString()).toBe('TCP/http');
    expect(Port.named('dns', Protocol.UDP).toString()).toBe('UDP/dns');
    expect(Port.allTcp().toString()).toBe('TCP/*');
    expect(Port.allUdp().toString()).toBe('UDP/*');
    expect(Port.all(Protocol.SCTP).toString()).toBe('SCTP/*');
  });

  test('fields', () => {
    const r = Port.tcpRange(8000, 9000);
    expect([r.protocol, r.portNumber, r.endPort, r.name, r.isRange, r.isAll, r.isNamed])
      .toEqual([Protocol.TCP, 8000, 9000, undefined, true, false, false]);
    const s = Port.tcp(80);
    expect([s.portNumber, s.endPort, s.isRange]).toEqual([80, undefined, false]);
    const n = Port.named('http');
    expect([n.portNumber, n.name, n.isNamed]).toEqual([undefined, 'http', true]);
    const a = Port.allTcp();
    expect([a.portNumber, a.name, a.isAll]).toEqual([undefined, undefined, true]);
    // a one-port range is a single port
    expect(Port.tcpRange(80, 80).isEqual(Port.tcp(80))).toBe(true);
  });

  test('invalid ports name factory, field and value', () => {
    const cases: Array<[() => unknown, string, string, string]> = [
      [() => Port.tcp(0), 'Port.tcp', 'port', '0'],
      [() => Port.tcp(70000), 'Port.tcp', 'port', '70000'],
      [() => Port.tcp(1.5), 'Port.tcp', 'port', '1.5'],
      [() => Port.tcp(-1), 'Port.tcp', 'port', '-1'],
      [() => Port.tcp(NaN), 'Port.tcp', 'port', 'NaN'],
      [() => Port.udp(65536), 'Port.udp', 'port', '65536'],
      [() => Port.sctp(0), 'Port.sctp', 'port', '0'],
      [() => Port.of(Protocol.TCP, 0), 'Port.of', 'port', '0'],
      [() => Port.of('HTTP' as Protocol, 80), 'Port.of', 'protocol', '"HTTP"'],
      [() => Port.tcpRange(0, 10), 'Port.tcpRange', 'port', '0'],
      [() => Port.tcpRange(10, 70000), 'Port.tcpRange', 'endPort', '70000'],
      [() => Port.tcpRange(9000, 8000), 'Port.tcpRange', 'endPort', '8000'],
      [() => Port.udpRange(2, 1), 'Port.udpRange', 'endPort', '1'],
      [() => Port.range(Protocol.TCP, 1.5, 3), 'Port.range', 'port', '1.5'],
      [() => Port.named('HTTP'), 'Port.named', 'name', '"HTTP"'],
      [() => Port.named('x'.repeat(16)), 'Port.named', 'name', `"${'x'.repeat(16)}"`],
      [() => Port.named('80'), 'Port.named', 'name', '"80"'],
      [() => Port.named('a--b'), 'Port.named', 'name', '"a--b"'],
      [() => Port.named('-a'), 'Port.named', 'name', '"-a"'],
      [() => Port.named('a-'), 'Port.named', 'name', '"a-"'],
      [() => Port.named(''), 'Port.named', 'name', '""'],
      [() => Port.named('http', 'ICMP' as Protocol), 'Port.named', 'protocol', '"ICMP"'],
    ];
    for (const [fn, path, field, value] of cases) {
      const e = errorOf(fn);
      expect([e.path, e.field, e.value]).toEqual([path, field, value]);
      expect(e.message).toBe(`${path}: invalid ${field} ${value}: expected ${e.expected}`);
    }
    expect(() => Port.tcp(70000)).toThrow('Port.tcp: invalid port 70000: expected an integer port from 1 to 65535');
    expect(() => Port.tcpRange(9000, 8000)).toThrow(/from 9000/);
  });

  test('named port rules', () => {
    for (const ok of ['http', 'h2c', 'grpc-web', 'x'.repeat(15), '1a']) {
      expect(Port.named(ok).name).toBe(ok);
    }
  });

  test('parse round-trips toString', () => {
    for (const p of [Port.tcp(5432), Port.udpRange(1, 2), Port.named('http'), Port.allUdp(), Port.sctp(9), Port.named('dns', Protocol.UDP)]) {
      expect(Port.parse(p.toString()).isEqual(p)).toBe(true);
    }
    expect(Port.parse('80').isEqual(Port.tcp(80))).toBe(true);
    expect(Port.parse('udp/53').isEqual(Port.udp(53))).toBe(true);
    for (const bad of ['', 'TCP/', 'ICMP/1', 'TCP/0', 'TCP/2-1', 'TCP/HTTP', 'TCP/1-', 'TCP/a/b']) {
      expect(() => Port.parse(bad)).toThrow(ValidationError);
    }
  });

  test('equals', () => {
    expect(Port.tcp(80).isEqual(Port.tcp(80))).toBe(true);
    expect(Port.tcp(80).isEqual(Port.udp(80))).toBe(false);
    expect(Port.tcp(80).isEqual(Port.tcpRange(80, 81))).toBe(false);
    expect(Port.named('http').isEqual(Port.named('http', Protocol.TCP))).toBe(true);
    expect(Port.named('http').isEqual(Port.named('https'))).toBe(false);
    expect(Port.allTcp().isEqual(Port.all(Protocol.TCP))).toBe(true);
    expect(Port.allTcp().isEqual(Port.allUdp())).toBe(false);
  });

  test('contains and matches', () => {
    expect(Port.allTcp().contains(Port.tcp(1))).toBe(true);
    expect(Port.allTcp().contains(Port.named('http'))).toBe(true);
    expect(Port.allTcp().contains(Port.udp(1))).toBe(false);
    expect(Port.tcpRange(10, 20).contains(Port.tcpRange(10, 20))).toBe(true);
    expect(Port.tcpRange(10, 20).contains(Port.tcpRange(11, 19))).toBe(true);
    expect(Port.tcpRange(10, 20).contains(Port.tcpRange(11, 21))).toBe(false);
    expect(Port.tcpRange(10, 20).contains(Port.allTcp())).toBe(false);
    expect(Port.tcp(15).contains(Port.tcpRange(10, 20))).toBe(false);
    expect(Port.tcpRange(10, 20).contains(Port.named('http'))).toBe(false);
    expect(Port.named('http').contains(Port.named('http'))).toBe(true);
    expect(Port.named('http').contains(Port.tcp(80))).toBe(false);
    expect(Port.tcpRange(10, 20).matches(Protocol.TCP, 20)).toBe(true);
    expect(Port.tcpRange(10, 20).matches(Protocol.TCP, 21)).toBe(false);
    expect(Port.tcpRange(10, 20).matches(Protocol.UDP, 15)).toBe(false);
    expect(Port.allUdp().matches(Protocol.UDP, 53)).toBe(true);
    expect(Port.named('dns', Protocol.UDP).matches(Protocol.UDP, 53)).toBe(false);
  });

  test('compare gives a deterministic total order', () => {
    const ports = [
      Port.named('http'), Port.udp(53), Port.tcp(443), Port.sctp(1), Port.tcpRange(80, 90), Port.allUdp(),
      Port.tcp(80), Port.named('grpc'), Port.allTcp(), Port.tcpRange(80, 85),
    ];
    const expected = ['TCP/*', 'TCP/80', 'TCP/80-85', 'TCP/80-90', 'TCP/443', 'TCP/grpc', 'TCP/http', 'UDP/*', 'UDP/53', 'SCTP/1'];
    expect([...ports].sort(Port.compare).map(String)).toEqual(expected);
    expect([...ports].reverse().sort(Port.compare).map(String)).toEqual(expected);
    expect(Port.compare(Port.tcp(1), Port.tcp(1))).toBe(0);
  });
});
