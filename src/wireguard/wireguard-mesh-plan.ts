/**
 * Validation of WireguardMeshProps into the plan a WireguardMesh answers from (not exported from
 * the package index).
 */
import { WIREGUARD_MESH_PROPS } from './props-specs';
import type { WireguardMeshProps } from './wireguard-mesh';
import { WireguardSite } from './wireguard-site';
import { Cidr } from '../core/cidr';
import { validateRemoteHost } from '../core/endpoints';
import { formatIp, parseCidr, parseIp } from '../core/ip';
import { checkProps } from '../core/props-check';
import {
  fail, validateDns1123Label, validateDns1123Subdomain, validateHostPort, validatePort,
} from '../core/validate';
import { ValidationError } from '../core/validation-error';

/** 32 bytes in base64: 43 characters, the last one with its 2 low bits zero, then `=`. */
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const WG_KEY_EXPECTED = 'a WireGuard key: 32 bytes in base64 (44 characters ending in \'=\', as `wg pubkey` prints)';
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const IFNAME = /^[a-zA-Z0-9_=+.-]{1,15}$/;

/** A validated site with everything resolved. */
export interface ResolvedSite {
  readonly index: number;
  readonly name: string;
  readonly endpoint: string;
  readonly endpointHost: string;
  readonly listenPort: number;
  readonly publicKey: string;
  readonly privateKeySecretName: string;
  readonly privateKeySecretKey: string;
  readonly cidrs: Cidr[];
  readonly tunnelAddress: string;
}

type PartialSite = Omit<ResolvedSite, 'tunnelAddress'>;

/** A WireguardMesh's props, checked, defaults applied, tunnel addresses allocated. */
export interface WireguardMeshPlan {
  readonly interfaceName: string;
  readonly persistentKeepalive: number;
  /** Canonical. */
  readonly tunnelCidr: string;
  /** In the given order. */
  readonly sites: ResolvedSite[];
}

/** Checks `props` (mesh-wide fields, then each site, then the sites against each other). */
export function planWireguardMesh(path: string, props: WireguardMeshProps): WireguardMeshPlan {
  checkProps(String(path), 'WireguardMeshProps', props, WIREGUARD_MESH_PROPS);
  if (props === undefined || props === null || typeof props !== 'object') {
    fail(path, 'props', props, 'an object with a sites list');
  }
  const sites = props.sites;
  if (!Array.isArray(sites) || sites.length < 2) {
    fail(path, 'sites', sites, 'a list of at least two sites');
  }
  const interfaceName = props.interfaceName ?? 'wg0';
  if (typeof interfaceName !== 'string' || !IFNAME.test(interfaceName) || interfaceName === '.' || interfaceName === '..') {
    fail(path, 'interfaceName', interfaceName, 'a Linux interface name: 1 to 15 characters from [a-zA-Z0-9_=+.-], not "." or ".."');
  }
  const persistentKeepalive = props.persistentKeepalive ?? 25;
  if (!Number.isInteger(persistentKeepalive) || persistentKeepalive < 0 || persistentKeepalive > 65535) {
    fail(path, 'persistentKeepalive', persistentKeepalive, 'an integer number of seconds from 0 (off) to 65535');
  }
  const tunnel = cidrOf(path, 'tunnelCidr', props.tunnelCidr ?? '10.255.0.0/24');
  const partial = sites.map((s, i) => planSite(path, s, i));
  checkUnique(path, partial);
  checkOverlaps(path, partial, tunnel);
  checkEndpoints(path, partial, tunnel);
  return {
    interfaceName,
    persistentKeepalive,
    tunnelCidr: tunnel.toString(),
    sites: allocateTunnelAddresses(path, partial, sites, tunnel),
  };
}

function planSite(path: string, s: WireguardSite, i: number): PartialSite {
  if (s === undefined || s === null || typeof s !== 'object') {
    fail(path, `sites[${i}]`, s, 'a site object');
  }
  validateDns1123Label(path, `sites[${i}].name`, s.name);
  const at = `sites[${i}] (${s.name})`;
  validateHostPort(path, `${at}.endpoint`, s.endpoint);
  const colon = s.endpoint.lastIndexOf(':');
  const endpointHost = s.endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  validateRemoteHost(path, `${at}.endpoint`, s.endpoint, endpointHost);
  const listenPort = s.listenPort ?? Number(s.endpoint.slice(colon + 1));
  validatePort(path, `${at}.listenPort`, listenPort);
  if (typeof s.publicKey !== 'string' || !WG_KEY.test(s.publicKey)) {
    fail(path, `${at}.publicKey`, s.publicKey, WG_KEY_EXPECTED);
  }
  validateDns1123Subdomain(path, `${at}.privateKeySecretName`, s.privateKeySecretName);
  const secretKey = s.privateKeySecretKey ?? 'privatekey';
  if (typeof secretKey !== 'string' || !SECRET_KEY.test(secretKey)) {
    fail(path, `${at}.privateKeySecretKey`, secretKey, 'a Secret data key: 1 to 253 characters from [-._a-zA-Z0-9]');
  }
  if (!Array.isArray(s.cidrs) || s.cidrs.length === 0) {
    fail(path, `${at}.cidrs`, s.cidrs, 'a non-empty list of CIDR blocks (the pod and service CIDRs behind the site)');
  }
  const cidrs = s.cidrs.map((c, k) => cidrOf(path, `${at}.cidrs[${k}]`, c));
  return {
    index: i,
    name: s.name,
    endpoint: s.endpoint,
    endpointHost,
    listenPort,
    publicKey: s.publicKey,
    privateKeySecretName: s.privateKeySecretName,
    privateKeySecretKey: secretKey,
    cidrs,
  };
}

/** Names and public keys are unique. */
function checkUnique(path: string, partial: PartialSite[]): void {
  for (let i = 0; i < partial.length; i++) {
    for (let j = 0; j < i; j++) {
      if (partial[i].name === partial[j].name) {
        fail(path, `sites[${i}].name`, partial[i].name, `a site name not used by another site (sites[${j}] has it too)`);
      }
      if (partial[i].publicKey === partial[j].publicKey) {
        fail(path, `${label(partial[i])}.publicKey`, partial[i].publicKey,
          `a public key of its own: ${label(partial[j])} has the same key (each site needs its own key pair)`);
      }
    }
  }
}

/** No CIDR overlaps another (same site or another), nor the tunnel block. */
function checkOverlaps(path: string, partial: PartialSite[], tunnel: Cidr): void {
  const all = partial.flatMap((s) => s.cidrs.map((c, k) => ({ site: s, k, c })));
  for (let a = 0; a < all.length; a++) {
    const x = all[a];
    if (x.c.overlaps(tunnel)) {
      fail(path, `${label(x.site)}.cidrs[${x.k}]`, x.c.toString(), `a CIDR that does not overlap the tunnelCidr ${tunnel}`);
    }
    for (let b = 0; b < a; b++) {
      const y = all[b];
      if (x.c.overlaps(y.c)) {
        fail(path, `${label(x.site)}.cidrs[${x.k}]`, x.c.toString(), y.site === x.site
          ? `CIDRs that do not overlap each other: it overlaps cidrs[${y.k}] ${y.c} of the same site`
          : `a CIDR that overlaps no other site's: it overlaps ${label(y.site)}.cidrs[${y.k}] ${y.c}; site "${x.site.name}" and site "${y.site.name}" would both claim those addresses`);
      }
    }
  }
}

/**
 * No AllowedIPs (CIDRs, tunnel block) capture a site's endpoint: the handshake would be routed
 * into the tunnel it is meant to set up.
 */
function checkEndpoints(path: string, partial: PartialSite[], tunnel: Cidr): void {
  for (const owner of partial) {
    if (parseIp(owner.endpointHost) === undefined) {
      continue; // a DNS name: resolved at run time, not checkable here
    }
    if (tunnel.containsAddress(owner.endpointHost)) {
      fail(path, `${label(owner)}.endpoint`, owner.endpoint, `an endpoint outside the tunnelCidr ${tunnel}`);
    }
    for (const s of partial) {
      s.cidrs.forEach((c, k) => {
        if (c.containsAddress(owner.endpointHost)) {
          fail(path, `${label(s)}.cidrs[${k}]`, c.toString(),
            `a CIDR that does not contain the endpoint ${owner.endpoint} of ${s === owner ? 'its own site' : label(owner)}: `
            + `as AllowedIPs of site "${s.name}" it would route that endpoint into the tunnel and the handshake would never arrive`);
        }
      });
    }
  }
}

/** Tunnel addresses: explicit ones inside the block and unique, the rest allocated in order. */
function allocateTunnelAddresses(path: string, partial: PartialSite[], sites: WireguardSite[], tunnel: Cidr): ResolvedSite[] {
  const tp = parseCidr(tunnel.toString())!;
  const size = 2n ** BigInt((tp.version === 'IPv4' ? 32 : 128) - tp.prefixLength);
  const usable = (v: bigint) => size <= 2n || (v !== tp.network && (tp.version !== 'IPv4' || v !== tp.network + size - 1n));
  const taken = new Map<bigint, number>();
  partial.forEach((s, i) => {
    const given = sites[i].tunnelAddress;
    if (given === undefined) {
      return;
    }
    const ip = parseIp(given);
    if (ip === undefined || ip.version !== tp.version || !tunnel.containsAddress(given) || !usable(ip.value)) {
      fail(path, `${label(s)}.tunnelAddress`, given, `a host address inside the tunnelCidr ${tunnel} (not its network or broadcast address)`);
    }
    if (taken.has(ip.value)) {
      fail(path, `${label(s)}.tunnelAddress`, given, `an address no other site uses (${label(partial[taken.get(ip.value)!])} has it)`);
    }
    taken.set(ip.value, i);
  });
  let next = tp.network;
  return partial.map((s, i) => {
    const given = sites[i].tunnelAddress;
    if (given !== undefined) {
      return { ...s, tunnelAddress: formatIp(tp.version, parseIp(given)!.value) };
    }
    do {
      next += 1n;
    } while (next < tp.network + size && (taken.has(next) || !usable(next)));
    if (next >= tp.network + size) {
      fail(path, 'tunnelCidr', tunnel.toString(), `a block with a host address for each of the ${partial.length} sites`);
    }
    return { ...s, tunnelAddress: formatIp(tp.version, next) };
  });
}

/** `sites[i] (name)`: how errors name a site. */
function label(s: { index: number; name: string }): string {
  return `sites[${s.index}] (${s.name})`;
}

/** Cidr.of, with errors re-pathed to the mesh field. */
function cidrOf(path: string, field: string, value: string): Cidr {
  try {
    return Cidr.of(value);
  } catch (e) {
    if (e instanceof ValidationError) {
      fail(path, field, value, e.expected);
    }
    throw e;
  }
}
