import { Names } from './names';
import { checkArgs, t } from './props-check';
import { fail, isPort, PORT_EXPECTED, PORT_NAME_EXPECTED } from './validate';

/**
 * Transport protocol of a port.
 */
export enum Protocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}

const PROTOCOL_ORDER: { [p: string]: number } = { TCP: 0, UDP: 1, SCTP: 2 };

/** A Port argument (lazy: the class is defined below). */
const PORT_ARG = t.required(t.instanceOf('Port', () => Port));

function checkProtocol(path: string, protocol: Protocol): void {
  if (!(typeof protocol === 'string' && protocol in PROTOCOL_ORDER)) {
    fail(path, 'protocol', protocol, 'one of TCP, UDP, SCTP');
  }
}

function checkPort(path: string, field: string, n: number): void {
  if (!isPort(n)) {
    fail(path, field, n, PORT_EXPECTED);
  }
}

/**
 * A port (or port range, named port, or all ports) of one protocol. An immutable value.
 *
 * Forms: a single port (`TCP/5432`), a range (`TCP/8000-9000`), a named port (`TCP/http`),
 * or all ports of a protocol (`TCP/*`).
 */
export class Port {
  /**
   * A single TCP port.
   *
   * @param port integer from 1 to 65535
   */
  public static tcp(port: number): Port {
    return Port.single('Port.tcp', Protocol.TCP, port);
  }

  /**
   * A single UDP port.
   *
   * @param port integer from 1 to 65535
   */
  public static udp(port: number): Port {
    return Port.single('Port.udp', Protocol.UDP, port);
  }

  /**
   * A single SCTP port.
   *
   * @param port integer from 1 to 65535
   */
  public static sctp(port: number): Port {
    return Port.single('Port.sctp', Protocol.SCTP, port);
  }

  /**
   * A single port of the given protocol.
   *
   * @param protocol the protocol
   * @param port integer from 1 to 65535
   */
  public static of(protocol: Protocol, port: number): Port {
    return Port.single('Port.of', protocol, port);
  }

  /**
   * An inclusive TCP port range. `port === endPort` gives a single port.
   *
   * @param port first port, 1..65535
   * @param endPort last port, port..65535
   */
  public static tcpRange(port: number, endPort: number): Port {
    return Port.rangeAt('Port.tcpRange', Protocol.TCP, port, endPort);
  }

  /**
   * An inclusive UDP port range. `port === endPort` gives a single port.
   *
   * @param port first port, 1..65535
   * @param endPort last port, port..65535
   */
  public static udpRange(port: number, endPort: number): Port {
    return Port.rangeAt('Port.udpRange', Protocol.UDP, port, endPort);
  }

  /**
   * An inclusive port range of the given protocol. `port === endPort` gives a single port.
   *
   * @param protocol the protocol
   * @param port first port, 1..65535
   * @param endPort last port, port..65535
   */
  public static range(protocol: Protocol, port: number, endPort: number): Port {
    return Port.rangeAt('Port.range', protocol, port, endPort);
  }

  /**
   * A named port (the name of a container port), e.g. `http`.
   *
   * @param name IANA service name: at most 15 characters, lowercase alphanumerics or '-',
   *   at least one letter, no leading, trailing or double '-'
   * @param protocol the protocol
   * @default protocol Protocol.TCP
   */
  public static named(name: string, protocol?: Protocol): Port {
    const proto = protocol ?? Protocol.TCP;
    checkProtocol('Port.named', proto);
    if (!Names.isPortName(name)) {
      fail('Port.named', 'name', name, PORT_NAME_EXPECTED);
    }
    return new Port(proto, undefined, undefined, name);
  }

  /**
   * All TCP ports.
   */
  public static allTcp(): Port {
    return new Port(Protocol.TCP);
  }

  /**
   * All UDP ports.
   */
  public static allUdp(): Port {
    return new Port(Protocol.UDP);
  }

  /**
   * All ports of the given protocol.
   *
   * @param protocol the protocol
   */
  public static all(protocol: Protocol): Port {
    checkProtocol('Port.all', protocol);
    return new Port(protocol);
  }

  /**
   * Parses the `toString()` form: `TCP/5432`, `UDP/8000-9000`, `TCP/http`, `SCTP/*`.
   * The protocol may be omitted (`5432` means `TCP/5432`).
   *
   * @param port the string form
   */
  public static parse(port: string): Port {
    const path = 'Port.parse';
    const expected = 'PROTOCOL/PORT, PROTOCOL/FROM-TO, PROTOCOL/NAME or PROTOCOL/* with PROTOCOL one of TCP, UDP, SCTP, e.g. TCP/5432';
    if (typeof port !== 'string') {
      fail(path, 'port', port, expected);
    }
    const slash = port.indexOf('/');
    const proto = (slash === -1 ? 'TCP' : port.slice(0, slash).toUpperCase()) as Protocol;
    const rest = slash === -1 ? port : port.slice(slash + 1);
    if (!(proto in PROTOCOL_ORDER)) {
      fail(path, 'port', port, expected);
    }
    if (rest === '*') {
      return new Port(proto);
    }
    let m = /^([0-9]+)$/.exec(rest);
    if (m) {
      return Port.single(path, proto, Number(m[1]));
    }
    m = /^([0-9]+)-([0-9]+)$/.exec(rest);
    if (m) {
      return Port.rangeAt(path, proto, Number(m[1]), Number(m[2]));
    }
    if (Names.isPortName(rest)) {
      return new Port(proto, undefined, undefined, rest);
    }
    return fail(path, 'port', port, expected);
  }

  /**
   * Deterministic order: by protocol (TCP, UDP, SCTP), then all-ports first, then numbered
   * ports by first and last port, then named ports by name.
   *
   * @param a first port
   * @param b second port
   * @returns negative, zero or positive
   */
  public static compare(a: Port, b: Port): number {
    checkArgs('Port.compare', ['a', a, PORT_ARG], ['b', b, PORT_ARG]);
    const p = PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
    if (p !== 0) {
      return p;
    }
    const k = a.kind() - b.kind();
    if (k !== 0) {
      return k;
    }
    if (a.portNumber !== undefined && b.portNumber !== undefined) {
      return (a.portNumber - b.portNumber) || ((a.endPort ?? a.portNumber) - (b.endPort ?? b.portNumber));
    }
    if (a.name !== undefined && b.name !== undefined) {
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    }
    return 0;
  }

  private static single(path: string, protocol: Protocol, port: number): Port {
    checkProtocol(path, protocol);
    checkPort(path, 'port', port);
    return new Port(protocol, port);
  }

  private static rangeAt(path: string, protocol: Protocol, from: number, to: number): Port {
    checkProtocol(path, protocol);
    checkPort(path, 'port', from);
    checkPort(path, 'endPort', to);
    if (to < from) {
      fail(path, 'endPort', to, `an integer port from ${from} (the first port) to 65535`);
    }
    return new Port(protocol, from, to === from ? undefined : to);
  }

  /**
   * The protocol.
   */
  public readonly protocol: Protocol;

  /**
   * The (first) port number.
   *
   * @default undefined for named ports and all-ports
   */
  public readonly portNumber?: number;

  /**
   * The last port of a range (inclusive).
   *
   * @default undefined for anything but a range
   */
  public readonly endPort?: number;

  /**
   * The port name of a named port.
   *
   * @default undefined for anything but a named port
   */
  public readonly name?: string;

  private constructor(protocol: Protocol, port?: number, endPort?: number, name?: string) {
    this.protocol = protocol;
    this.portNumber = port;
    this.endPort = endPort;
    this.name = name;
  }

  /**
   * True if this is all ports of the protocol (no port number, no name).
   */
  public get isAll(): boolean {
    return this.portNumber === undefined && this.name === undefined;
  }

  /**
   * True if this is a range of more than one port.
   */
  public get isRange(): boolean {
    return this.endPort !== undefined;
  }

  /**
   * True if this is a named port.
   */
  public get isNamed(): boolean {
    return this.name !== undefined;
  }

  /**
   * True if every port this value covers is also covered by `this` (same protocol; all-ports
   * covers everything; ranges cover sub-ranges; a named port covers only the same name).
   *
   * @param other the other port
   */
  public contains(other: Port): boolean {
    checkArgs(`Port ${this}.contains`, ['other', other, PORT_ARG]);
    if (this.protocol !== other.protocol) {
      return false;
    }
    if (this.isAll) {
      return true;
    }
    if (this.name !== undefined || other.name !== undefined) {
      return this.name === other.name;
    }
    if (other.isAll) {
      return false;
    }
    return this.portNumber! <= other.portNumber! && (other.endPort ?? other.portNumber!) <= (this.endPort ?? this.portNumber!);
  }

  /**
   * True if `n` is one of the ports of this value with the given protocol (named ports never
   * match a number).
   *
   * @param protocol the protocol
   * @param n port number
   */
  public matches(protocol: Protocol, n: number): boolean {
    checkProtocol(`Port ${this}.matches`, protocol);
    checkArgs(`Port ${this}.matches`, ['n', n, t.required(t.num())]);
    if (protocol !== this.protocol || this.name !== undefined) {
      return false;
    }
    if (this.isAll) {
      return true;
    }
    return this.portNumber! <= n && n <= (this.endPort ?? this.portNumber!);
  }

  /**
   * Value equality.
   *
   * @param other the other port
   */
  public isEqual(other: Port): boolean {
    checkArgs(`Port ${this}.isEqual`, ['other', other, PORT_ARG]);
    return other instanceof Port
      && this.protocol === other.protocol
      && this.portNumber === other.portNumber
      && this.endPort === other.endPort
      && this.name === other.name;
  }

  /**
   * `TCP/5432`, `TCP/8000-9000`, `TCP/http` or `TCP/*`.
   */
  public toString(): string {
    if (this.name !== undefined) {
      return `${this.protocol}/${this.name}`;
    }
    if (this.portNumber === undefined) {
      return `${this.protocol}/*`;
    }
    if (this.endPort !== undefined) {
      return `${this.protocol}/${this.portNumber}-${this.endPort}`;
    }
    return `${this.protocol}/${this.portNumber}`;
  }

  private kind(): number {
    return this.isAll ? 0 : this.portNumber !== undefined ? 1 : 2;
  }
}
