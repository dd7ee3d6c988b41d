/* eslint-disable no-bitwise */ // IP address arithmetic is bit arithmetic
import { formatIp, ipBits, parseCidr, parseIp, prefixMask } from './ip';
import { checkArgs, t as types } from './props-check';
import { fail } from './validate';

/**
 * IP address family.
 */
export enum IpVersion {
  /** IPv4 (32-bit addresses). */
  IPV4 = 'IPv4',
  /** IPv6 (128-bit addresses). */
  IPV6 = 'IPv6',
}

const CIDR_EXPECTED =
  'a CIDR block ADDRESS/PREFIX: an IPv4 address (four decimal octets 0-255, no leading zeros) with prefix 0-32, or an IPv6 address with prefix 0-128, e.g. 10.0.0.0/16 or fd00::/64';

/**
 * An IPv4 or IPv6 CIDR block (network address and prefix length). An immutable value, always
 * canonical: no host bits set; IPv6 written per RFC 5952 (lowercase, `::` compression).
 */
export class Cidr {
  /**
   * Parses a CIDR block such as `10.0.0.0/16`, `fd00::/8` or `::ffff:10.0.0.0/104`.
   * The prefix is required; a block with host bits set (`10.0.0.1/16`) is rejected with the
   * canonical block suggested.
   *
   * @param cidr the CIDR string
   */
  public static of(cidr: string): Cidr {
    const p = parseCidr(cidr);
    if (!p) {
      if (typeof cidr === 'string' && !cidr.includes('/') && parseIp(cidr)) {
        const ip = parseIp(cidr)!;
        fail('Cidr.of', 'cidr', cidr, `a CIDR block with a prefix length, e.g. ${cidr}/${ipBits(ip.version)} for this single address`);
      }
      fail('Cidr.of', 'cidr', cidr, CIDR_EXPECTED);
    }
    if (p.hostBits) {
      const canonical = `${formatIp(p.version, p.network)}/${p.prefixLength}`;
      fail('Cidr.of', 'cidr', cidr, `a network address without host bits set, e.g. ${canonical}`);
    }
    return new Cidr(p.version as IpVersion, p.network, p.prefixLength);
  }

  /**
   * The smallest block that contains the given address with the given prefix length,
   * i.e. clears host bits instead of rejecting them (`10.0.0.1`, 16 gives `10.0.0.0/16`).
   *
   * @param address an IPv4 or IPv6 address
   * @param prefixLength prefix length (0-32 for IPv4, 0-128 for IPv6)
   */
  public static containing(address: string, prefixLength: number): Cidr {
    const ip = parseIp(address);
    if (!ip) {
      fail('Cidr.containing', 'address', address, 'an IPv4 or IPv6 address, e.g. 10.0.0.1 or fd00::1');
    }
    const bits = ipBits(ip.version);
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
      fail('Cidr.containing', 'prefixLength', prefixLength, `an integer from 0 to ${bits}`);
    }
    return new Cidr(ip.version as IpVersion, ip.value & prefixMask(ip.version, prefixLength), prefixLength);
  }

  /**
   * `0.0.0.0/0`: every IPv4 address.
   */
  public static anyIpv4(): Cidr {
    return new Cidr(IpVersion.IPV4, 0n, 0);
  }

  /**
   * `::/0`: every IPv6 address.
   */
  public static anyIpv6(): Cidr {
    return new Cidr(IpVersion.IPV6, 0n, 0);
  }

  /**
   * The RFC 1918 private IPv4 blocks: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
   */
  public static privateIpv4(): Cidr[] {
    return [Cidr.of('10.0.0.0/8'), Cidr.of('172.16.0.0/12'), Cidr.of('192.168.0.0/16')];
  }

  /**
   * Deterministic order: IPv4 before IPv6, then by network address, then shorter prefix first.
   *
   * @param a first block
   * @param b second block
   * @returns negative, zero or positive
   */
  public static compare(a: Cidr, b: Cidr): number {
    checkArgs('Cidr.compare', ['a', a, types.required(types.instanceOf('Cidr', () => Cidr))], ['b', b, types.required(types.instanceOf('Cidr', () => Cidr))]);
    if (a.version !== b.version) {
      return a.version === IpVersion.IPV4 ? -1 : 1;
    }
    if (a.first !== b.first) {
      return a.first < b.first ? -1 : 1;
    }
    return a.prefixLength - b.prefixLength;
  }

  /**
   * The lowest aligned block of `prefixLength` inside `supernet` that overlaps none of `taken`
   * (blocks of the other IP version are ignored).
   *
   * @param supernet the block to allocate from
   * @param prefixLength prefix length of the block to allocate (at least the supernet's)
   * @param taken blocks already in use
   */
  public static allocate(supernet: Cidr, prefixLength: number, taken: Cidr[]): Cidr {
    checkArgs('Cidr.allocate', ['supernet', supernet, types.required(types.instanceOf('Cidr', () => Cidr))], ['prefixLength', prefixLength, types.required(types.num())], ['taken', taken, types.arrayOf(types.required(types.instanceOf('Cidr', () => Cidr)))]);
    const path = 'Cidr.allocate';
    const bits = ipBits(supernet.version);
    if (!Number.isInteger(prefixLength) || prefixLength < supernet.prefixLength || prefixLength > bits) {
      fail(path, 'prefixLength', prefixLength,
        `an integer from ${supernet.prefixLength} (the prefix of supernet ${supernet}) to ${bits}`);
    }
    const size = 1n << BigInt(bits - prefixLength);
    const relevant = (taken ?? [])
      .filter((t) => t.version === supernet.version && t.overlaps(supernet))
      .sort(Cidr.compare);
    let candidate = supernet.first;
    while (candidate + size - 1n <= supernet.last) {
      const end = candidate + size - 1n;
      let next: bigint | undefined;
      for (const t of relevant) {
        if (t.first <= end && candidate <= t.last) {
          // jump past this taken block, aligned up to the block size
          const after = t.last + 1n;
          const aligned = ((after + size - 1n) / size) * size;
          if (next === undefined || aligned > next) {
            next = aligned;
          }
        }
      }
      if (next === undefined) {
        return new Cidr(supernet.version, candidate, prefixLength);
      }
      candidate = next;
    }
    return fail(path, 'prefixLength', prefixLength,
      `a prefix length with a free block left: no free /${prefixLength} in ${supernet} (${relevant.length} taken block(s) overlap it)`);
  }

  /**
   * `block` minus every block of `excepts`, as the fewest CIDR blocks, sorted.
   *
   * @param block the block to start from
   * @param excepts blocks to remove (blocks of the other IP version are ignored)
   */
  public static exclude(block: Cidr, excepts: Cidr[]): Cidr[] {
    checkArgs('Cidr.exclude', ['block', block, types.required(types.instanceOf('Cidr', () => Cidr))], ['excepts', excepts, types.arrayOf(types.required(types.instanceOf('Cidr', () => Cidr)))]);
    const ex = (excepts ?? []).filter((e) => e.version === block.version && e.overlaps(block));
    const out: Cidr[] = [];
    const bits = ipBits(block.version);
    const walk = (c: Cidr): void => {
      const hits = ex.filter((e) => e.overlaps(c));
      if (hits.length === 0) {
        out.push(c);
        return;
      }
      if (hits.some((e) => e.contains(c))) {
        return;
      }
      // some except is strictly inside c: split in two halves
      const half = 1n << BigInt(bits - c.prefixLength - 1);
      walk(new Cidr(c.version, c.first, c.prefixLength + 1));
      walk(new Cidr(c.version, c.first + half, c.prefixLength + 1));
    };
    walk(block);
    return out.sort(Cidr.compare);
  }

  /**
   * The address family.
   */
  public readonly version: IpVersion;

  /**
   * The prefix length (0-32 for IPv4, 0-128 for IPv6).
   */
  public readonly prefixLength: number;

  /**
   * The canonical network address, e.g. `10.0.0.0` or `fd00::`.
   */
  public readonly network: string;

  private readonly first: bigint;
  private readonly last: bigint;

  private constructor(version: IpVersion, network: bigint, prefixLength: number) {
    this.version = version;
    this.prefixLength = prefixLength;
    this.first = network;
    this.last = network + (1n << BigInt(ipBits(version) - prefixLength)) - 1n;
    this.network = formatIp(version, network);
  }

  /**
   * Number of addresses in the block, as a decimal string (IPv6 blocks can be huge).
   */
  public get size(): string {
    return (this.last - this.first + 1n).toString();
  }

  /**
   * The last address of the block, e.g. `10.0.255.255`.
   */
  public get lastAddress(): string {
    return formatIp(this.version, this.last);
  }

  /**
   * True if every address of `other` is in this block (same version only).
   *
   * @param other the other block
   */
  public contains(other: Cidr): boolean {
    checkArgs(`Cidr ${this}.contains`, ['other', other, types.required(types.instanceOf('Cidr', () => Cidr))]);
    return this.version === other.version && this.first <= other.first && other.last <= this.last;
  }

  /**
   * True if the address is in this block. Throws a ValidationError if `ip` is not an address.
   * An address of the other version is never contained.
   *
   * @param ip an IPv4 or IPv6 address
   */
  public containsAddress(ip: string): boolean {
    checkArgs(`Cidr ${this}.containsAddress`, ['ip', ip, types.required(types.str())]);
    const p = parseIp(ip);
    if (!p) {
      fail('Cidr.containsAddress', 'ip', ip, 'an IPv4 or IPv6 address, e.g. 10.0.0.1 or fd00::1');
    }
    return p.version === (this.version as string) && this.first <= p.value && p.value <= this.last;
  }

  /**
   * True if the two blocks share at least one address (same version only).
   *
   * @param other the other block
   */
  public overlaps(other: Cidr): boolean {
    checkArgs(`Cidr ${this}.overlaps`, ['other', other, types.required(types.instanceOf('Cidr', () => Cidr))]);
    return this.version === other.version && this.first <= other.last && other.first <= this.last;
  }

  /**
   * Value equality.
   *
   * @param other the other block
   */
  public isEqual(other: Cidr): boolean {
    checkArgs(`Cidr ${this}.isEqual`, ['other', other, types.required(types.instanceOf('Cidr', () => Cidr))]);
    return other instanceof Cidr
      && this.version === other.version
      && this.first === other.first
      && this.prefixLength === other.prefixLength;
  }

  /**
   * Canonical form, e.g. `10.0.0.0/16`, `fd00::/64`.
   */
  public toString(): string {
    return `${this.network}/${this.prefixLength}`;
  }
}
