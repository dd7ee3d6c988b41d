import * as fc from 'fast-check';
import {
  absPath, badCidr, expectAnyValidationError, badDnsLabel, badLabelKey, badLabelValue, badPortName, badPortNumber, dnsLabel, expectValidationError,
  ipv4, ipv4Cidr, labelKey, labelValue, portName, portNumber, runs,
} from './arbitraries';
import { Cidr, Names, Port, Protocol } from '../../src/core';

const PROTOCOLS = fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP);

describe('core values (property)', () => {
  test('arbitraries agree with Names (generated valid names are valid, bad ones are not)', () => {
    fc.assert(fc.property(dnsLabel(), (s) => Names.isDns1123Label(s)), runs(300));
    fc.assert(fc.property(badDnsLabel(), (s) => !Names.isDns1123Label(s)), runs(300));
    fc.assert(fc.property(labelKey(), labelValue(), (k, v) => Names.isLabelKey(k) && Names.isLabelValue(v)), runs(300));
    fc.assert(fc.property(badLabelKey(), badLabelValue(), (k, v) => !Names.isLabelKey(k) && !Names.isLabelValue(v)), runs(100));
    fc.assert(fc.property(portName(), (s) => Names.isPortName(s)), runs(300));
    fc.assert(fc.property(absPath(), (p) => p.startsWith('/')), runs(50));
  });

  test('Port: every form parses back from toString() to an equal port', () => {
    const port = fc.oneof(
      fc.tuple(PROTOCOLS, portNumber()).map(([p, n]) => Port.of(p, n)),
      fc.tuple(PROTOCOLS, portNumber(), portNumber()).map(([p, a, b]) => Port.range(p, Math.min(a, b), Math.max(a, b))),
      fc.tuple(portName(), PROTOCOLS).map(([n, p]) => Port.named(n, p)),
      PROTOCOLS.map((p) => Port.all(p)),
    );
    fc.assert(fc.property(port, (p) => {
      const back = Port.parse(p.toString());
      expect(back.isEqual(p)).toBe(true);
      expect(back.toString()).toBe(p.toString());
    }), runs(500));
  });

  test('Port: a bad number, range or name is a ValidationError naming the field and value', () => {
    fc.assert(fc.property(badPortNumber(), (n) => {
      expectValidationError(() => Port.tcp(n), { field: 'port', value: n });
      expectValidationError(() => Port.udpRange(n, 65535), { field: 'port', value: n });
    }), runs(300));
    fc.assert(fc.property(portNumber(), portNumber(), (a, b) => {
      fc.pre(a !== b);
      const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
      expectValidationError(() => Port.tcpRange(hi, lo), { field: 'endPort', value: lo });
    }), runs(300));
    fc.assert(fc.property(badPortName(), (s) => {
      expectValidationError(() => Port.named(s), { field: 'name', value: s });
    }), runs(100));
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (s) => {
      // any string either parses or is a ValidationError, never another exception
      try {
        Port.parse(s);
      } catch (e) {
        // the field is the port (or endPort); the value is the input or the bad number in it
        const ve = expectAnyValidationError(() => { throw e; });
        expect(ve.field).toMatch(/port|protocol/i);
      }
    }), runs(500));
  });

  test('Cidr: canonical blocks round-trip; containment agrees with integer arithmetic', () => {
    fc.assert(fc.property(ipv4Cidr(), fc.integer({ min: 0, max: 0xffffffff }), (s, addr) => {
      const c = Cidr.of(s);
      expect(c.toString()).toBe(s);
      const [net, p] = s.split('/');
      const toInt = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
      const size = 2 ** (32 - Number(p));
      const inside = addr >= toInt(net) && addr < toInt(net) + size;
      expect(c.containsAddress(ipv4(addr))).toBe(inside);
    }), runs(500));
    fc.assert(fc.property(ipv4Cidr(), ipv4Cidr(), (a, b) => {
      const x = Cidr.of(a);
      const y = Cidr.of(b);
      expect(x.overlaps(y)).toBe(x.contains(y) || y.contains(x));
      expect(x.overlaps(y)).toBe(y.overlaps(x));
    }), runs(500));
  });

  test('Cidr: a bad block is a ValidationError naming the value, never another exception', () => {
    fc.assert(fc.property(badCidr(), (s) => {
      expectValidationError(() => Cidr.of(s), { field: 'cidr', value: s });
    }), runs(300));
    fc.assert(fc.property(fc.string({ maxLength: 24 }), (s) => {
      try {
        Cidr.of(s);
      } catch (e) {
        expectValidationError(() => { throw e; }, { field: 'cidr', value: s });
      }
    }), runs(500));
  });

  test('Cidr.exclude: the remainder covers exactly the block minus the excepts', () => {
    const probes = fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 });
    fc.assert(fc.property(ipv4Cidr(8, 24), fc.array(ipv4Cidr(8, 30), { maxLength: 4 }), probes,
      (block, excepts, ips) => {
        const b = Cidr.of(block);
        const ex = excepts.map((e) => Cidr.of(e)).filter((e) => b.contains(e));
        const rest = Cidr.exclude(b, ex);
        for (const r of rest) {
          expect(b.contains(r)).toBe(true);
          for (const e of ex) expect(r.overlaps(e)).toBe(false);
        }
        for (const n of ips) {
          const ip = ipv4(n);
          const want = b.containsAddress(ip) && !ex.some((e) => e.containsAddress(ip));
          expect(rest.some((r) => r.containsAddress(ip))).toBe(want);
        }
      }), runs(300));
  });
});
