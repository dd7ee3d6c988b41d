import { MappedPeer, Mapper } from './mapping';
import { Observation } from './records';
import { UnmappedTraffic } from './types';

/** Observed traffic of one mapped pair on one port (internal). */
export interface Group {
  readonly src: MappedPeer;
  readonly dst: MappedPeer;
  readonly protocol: string;
  readonly port: number;
  count: number;
  readonly seenBy: Set<string>;
  readonly http: Set<string>;
  /** Records without an HTTP method/path (then the proposal cannot restrict L7). */
  plain: number;
  readonly shadow: Set<string>;
  /** The HTTP requests an Istio dry-run policy would deny. */
  readonly shadowHttp: Set<string>;
  /** True when the enforced NetworkPolicies/AuthorizationPolicies block the port itself (set by the report). */
  l4Blocked: boolean;
  readonly firstSeen: string;
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

function describe(p: MappedPeer): string {
  return p.id;
}

/** Maps every observation and groups them by source, destination, protocol and port. */
export function aggregate(observations: Observation[], mapper: Mapper): { groups: Group[]; unmapped: UnmappedTraffic[] } {
  const groups = new Map<string, Group>();
  const unmapped = new Map<string, UnmappedTraffic>();
  const miss = (o: Observation, src: MappedPeer, dst: MappedPeer, port: string, reason: string): void => {
    const k = `${describe(src)}\0${describe(dst)}\0${port}\0${reason}`;
    const u = unmapped.get(k);
    if (u) unmapped.set(k, { ...u, count: u.count + o.count });
    else unmapped.set(k, { src: describe(src), dst: describe(dst), port, count: o.count, reason, firstSeen: o.where });
  };
  for (const o of observations) {
    const src = mapper.map(o.src);
    const dst = mapper.map(o.dst);
    const bad = [src, dst].filter((p) => p.kind === 'ambiguous' || p.kind === 'unmapped');
    if (bad.length) {
      miss(o, src, dst, o.port ? `${o.protocol} ${o.port}` : o.service ?? '', bad.map((p) => `${p === src ? 'source' : 'destination'}: ${p.reason}`).join('; '));
      continue;
    }
    if (dst.kind === 'external') {
      miss(o, src, dst, o.port ? `${o.protocol} ${o.port}` : '', 'destination outside the cluster: egress is not proposed from records (declare it with Peer.cidr or Peer.internet)');
      continue;
    }
    const ports = mapper.servicePorts(o, dst);
    if (ports.length !== 1) {
      miss(o, src, dst, o.service ?? '', ports.length ? `the Service has several ports (${ports.join(', ')}) and the record does not say which` : `no port: Service ${o.service ?? '(none)'} not in the manifests`);
      continue;
    }
    const k = `${src.id}\0${dst.id}\0${o.protocol}\0${ports[0]}`;
    let g = groups.get(k);
    if (!g) {
      g = {
        src,
        dst,
        protocol: o.protocol,
        port: ports[0],
        count: 0,
        seenBy: new Set(),
        http: new Set(),
        plain: 0,
        shadow: new Set(),
        shadowHttp: new Set(),
        l4Blocked: false,
        firstSeen: o.where,
      };
      groups.set(k, g);
    }
    g.count += o.count;
    g.seenBy.add(o.format);
    if (o.method && o.path) g.http.add(`${o.method} ${o.path}`);
    // an access-log entry without a method is plain TCP; Hubble L3/L4 flows and metrics say nothing of L7
    else if (o.format === 'access-log') g.plain++;
    if (o.shadowDeniedBy) {
      g.shadow.add(o.shadowDeniedBy);
      if (o.method && o.path) g.shadowHttp.add(`${o.method} ${o.path}`);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => cmp(a.src.id, b.src.id) || cmp(a.dst.id, b.dst.id) || a.port - b.port);
  const u = [...unmapped.values()].sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst) || cmp(a.port, b.port));
  return { groups: sorted, unmapped: u };
}
