/** Protocols Kubernetes NetworkPolicy knows, in netpol-analyzer's order. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const MIN_PORT = 1;
const MAX_PORT = 65535;

type Ranges = Array<[number, number]>;

function normalize(r: Ranges): Ranges {
  const s = r.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++; else j++;
  }
  return out;
}

function subtractRanges(a: Ranges, b: Ranges): Ranges {
  let cur = a.map((x) => [x[0], x[1]] as [number, number]);
  for (const [lo, hi] of b) {
    const next: Ranges = [];
    for (const [x, y] of cur) {
      if (hi < x || lo > y) { next.push([x, y]); continue; }
      if (lo > x) next.push([x, lo - 1]);
      if (hi < y) next.push([hi + 1, y]);
    }
    cur = next;
  }
  return cur;
}

/** `ConnSet.of(protocol)` (every port of one protocol), made once per protocol. */
const WHOLE = new Map<string, ConnSet>();

/**
 * `ConnSet.of(protocol, port, endPort)` made once (sets are immutable, so sharing one is safe);
 * bounded: the map only saves work, it is cleared when full.
 */
const PORTS = new Map<string, ConnSet>();
const MAX_PORT_SETS = 10_000;

/**
 * An immutable set of (protocol, port) pairs (internal). `ConnSet.ALL` and `ConnSet.NONE`
 * are shared instances, so the common cases cost nothing.
 */
export class ConnSet {
  public static readonly ALL = new ConnSet(new Map(PROTOCOLS.map((p) => [p, [[MIN_PORT, MAX_PORT]] as Ranges])));
  public static readonly NONE = new ConnSet(new Map());

  /** A set of ports of one protocol; port undefined = every port of the protocol. */
  public static of(protocol: string, port?: number, endPort?: number): ConnSet {
    if (port === undefined) {
      const p = protocol.toUpperCase();
      let all = WHOLE.get(p);
      if (!all) { all = ConnSet.make(new Map([[p, [[MIN_PORT, MAX_PORT]]]])); WHOLE.set(p, all); }
      return all;
    }
    if (typeof port !== 'number' || (endPort !== undefined && typeof endPort !== 'number')) {
      return ConnSet.make(new Map([[protocol.toUpperCase(), [[port, endPort ?? port]]]]));
    }
    const key = `${protocol}/${port}/${endPort}`;
    let set = PORTS.get(key);
    if (set === undefined) {
      set = ConnSet.make(new Map([[protocol.toUpperCase(), [[port, endPort ?? port]]]]));
      if (PORTS.size >= MAX_PORT_SETS) PORTS.clear();
      PORTS.set(key, set);
    }
    return set;
  }

  private static make(m: Map<string, Ranges>): ConnSet {
    return ConnSet.build((p) => {
      const r = m.get(p);
      return r && r.length ? normalize(r) : undefined;
    });
  }

  /**
   * The set of the ranges `rangesOf` gives per protocol, which must be normalized (sorted,
   * disjoint, not adjacent) or undefined/empty: the shared NONE or ALL when it is one of them.
   */
  private static build(rangesOf: (protocol: string) => Ranges | undefined): ConnSet {
    const clean = new Map<string, Ranges>();
    for (const p of PROTOCOLS) {
      const r = rangesOf(p);
      if (r !== undefined && r.length > 0) clean.set(p, r);
    }
    if (clean.size === 0) return ConnSet.NONE;
    const full = (p: string): boolean => {
      const r = clean.get(p);
      return !!r && r.length === 1 && r[0][0] <= MIN_PORT && r[0][1] >= MAX_PORT;
    };
    if (PROTOCOLS.every(full)) return ConnSet.ALL;
    return new ConnSet(clean);
  }

  /** toString(), computed once (the set is immutable). */
  private text?: string;

  private constructor(private readonly ranges: Map<string, Ranges>) {}

  public get isAll(): boolean { return this === ConnSet.ALL; }
  public get isEmpty(): boolean { return this === ConnSet.NONE; }

  public union(o: ConnSet): ConnSet {
    if (this === o || this.isAll || o.isEmpty) return this;
    if (o.isAll || this.isEmpty) return o;
    // the ranges of a set are normalized and never changed: one side's ranges are reused as they are
    return ConnSet.build((p) => {
      const a = this.ranges.get(p);
      const b = o.ranges.get(p);
      return a === undefined ? b : b === undefined ? a : normalize([...a, ...b]);
    });
  }

  public intersect(o: ConnSet): ConnSet {
    if (this === o) return this;
    if (this.isAll || o.isEmpty) return o;
    if (o.isAll || this.isEmpty) return this;
    // the intersection of normalized ranges is normalized
    return ConnSet.build((p) => {
      const a = this.ranges.get(p);
      const b = o.ranges.get(p);
      return a === undefined || b === undefined ? undefined : intersectRanges(a, b);
    });
  }

  public subtract(o: ConnSet): ConnSet {
    if (o.isEmpty || this.isEmpty) return this;
    if (o.isAll || this === o) return ConnSet.NONE;
    // normalized ranges minus normalized ranges are normalized (pieces in order, separated by what was cut)
    return ConnSet.build((p) => {
      const a = this.ranges.get(p);
      const b = o.ranges.get(p);
      return a === undefined || b === undefined ? a : subtractRanges(a, b);
    });
  }

  public equals(o: ConnSet): boolean { return this.toString() === o.toString(); }

  public contains(protocol: string, port: number): boolean {
    return (this.ranges.get(protocol.toUpperCase()) ?? []).some(([a, b]) => a <= port && port <= b);
  }

  /** netpol-analyzer's text: "All Connections", "No Connections", or "TCP 80,443,UDP 53". */
  public toString(): string {
    if (this.text === undefined) this.text = this.format();
    return this.text;
  }

  private format(): string {
    if (this.isAll) return 'All Connections';
    if (this.isEmpty) return 'No Connections';
    const parts: string[] = [];
    for (const [p, r] of this.ranges) {
      parts.push(`${p} ${r.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
    }
    return parts.sort().join(',');
  }

  /** Protocol → list of "a" / "a-b" strings. */
  public entries(): Array<[string, string[]]> {
    return [...this.ranges].map(([p, r]) => [p, r.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))]);
  }
}
