import { DEFAULT_PRIVATE_KEY_FILE } from './constants';
import { WIREGUARD_CONFIG_OPTIONS, WIREGUARD_MESH_PROPS } from './props-specs';
import { WireguardConfigOptions, WireguardSite } from './wireguard-site';
import { Cidr } from '../core/cidr';
import { validateRemoteHost } from '../core/endpoints';
import { formatIp, parseCidr, parseIp } from '../core/ip';
import { checkOptions, checkProps } from '../core/props-check';
import {
  fail, validateDns1123Label, validateDns1123Subdomain, validateHostPort, validatePort,
} from '../core/validate';
import { ValidationError } from '../core/validation-error';

/** 32 bytes in base64: 43 characters, the last one with its 2 low bits zero, then `=`. */
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const WG_KEY_EXPECTED = 'a WireGuard key: 32 bytes in base64 (44 characters ending in \'=\', as `wg pubkey` prints)';
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const IFNAME = /^[a-zA-Z0-9_=+.-]{1,15}$/;

/**
 * Properties of a {@link WireguardMesh}.
 */
export interface WireguardMeshProps {
  /**
   * The sites, at least two. Their order is the order of peers in every config and of tunnel
   * address allocation (append new sites at the end to keep existing addresses).
   */
  readonly sites: WireguardSite[];

  /**
   * The block tunnel addresses come from. Must not overlap any site's CIDRs.
   *
   * @default '10.255.0.0/24'
   */
  readonly tunnelCidr?: string;

  /**
   * `PersistentKeepalive` of every peer in seconds (keeps NAT mappings open); 0 turns it off.
   *
   * @default 25
   */
  readonly persistentKeepalive?: number;

  /**
   * Name of the WireGuard interface on the gateway (at most 15 characters).
   *
   * @default 'wg0'
   */
  readonly interfaceName?: string;

  /**
   * Name used in error messages (the mesh is a description shared by several charts, not a
   * construct, so it has no construct path).
   *
   * @default 'WireguardMesh'
   */
  readonly name?: string;
}

/** A validated site with everything resolved. */
interface ResolvedSite {
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

/**
 * A WireGuard full mesh between sites (clusters or regions): a plain description, shared by the
 * charts of every site. Each site's chart gets its gateway with `new WireguardGateway(chart, id,
 * { mesh, site })`; {@link renderConfig} renders a site's wg-quick config for inspection and tests.
 *
 * Every site gets every other site as a peer: `PublicKey`, `Endpoint`, `AllowedIPs` = that site's
 * CIDRs plus its tunnel address (/32 or /128), `PersistentKeepalive`. wg-quick adds a route for
 * each AllowedIPs entry. The private key is never part of a config: `PostUp = wg set %i
 * private-key <file>` loads it from the mounted Secret.
 *
 * Validated in the constructor (each a {@link ValidationError}): site names, endpoints (host:port),
 * ports (1-65535), keys (32 bytes of base64), duplicate public keys, CIDRs, overlapping CIDRs
 * between (or within) sites, CIDRs that capture a site's endpoint (only checkable for IP-literal
 * endpoints: a DNS name is resolved at run time), the tunnel block and tunnel addresses.
 */
export class WireguardMesh {
  /**
   * The site names, in the given order.
   */
  public readonly siteNames: string[];

  /**
   * The tunnel block, canonical (e.g. `10.255.0.0/24`).
   */
  public readonly tunnelCidr: string;

  /**
   * The WireGuard interface name on every gateway.
   */
  public readonly interfaceName: string;

  /**
   * `PersistentKeepalive` of every peer in seconds (0: off).
   */
  public readonly persistentKeepalive: number;

  private readonly path: string;
  private readonly sites: ResolvedSite[];

  /**
   * @param props the sites and mesh-wide settings
   */
  constructor(props: WireguardMeshProps) {
    const path = props?.name ?? 'WireguardMesh';
    this.path = path;
    checkProps(String(path), 'WireguardMeshProps', props, WIREGUARD_MESH_PROPS);
    if (props === undefined || props === null || typeof props !== 'object') {
      fail(path, 'props', props, 'an object with a sites list');
    }
    const sites = props.sites;
    if (!Array.isArray(sites) || sites.length < 2) {
      fail(path, 'sites', sites, 'a list of at least two sites');
    }

    this.interfaceName = props.interfaceName ?? 'wg0';
    if (typeof this.interfaceName !== 'string' || !IFNAME.test(this.interfaceName) || this.interfaceName === '.' || this.interfaceName === '..') {
      fail(path, 'interfaceName', this.interfaceName, 'a Linux interface name: 1 to 15 characters from [a-zA-Z0-9_=+.-], not "." or ".."');
    }
    this.persistentKeepalive = props.persistentKeepalive ?? 25;
    if (!Number.isInteger(this.persistentKeepalive) || this.persistentKeepalive < 0 || this.persistentKeepalive > 65535) {
      fail(path, 'persistentKeepalive', this.persistentKeepalive, 'an integer number of seconds from 0 (off) to 65535');
    }
    const tunnel = cidrOf(path, 'tunnelCidr', props.tunnelCidr ?? '10.255.0.0/24');
    this.tunnelCidr = tunnel.toString();

    const partial = sites.map((s, i) => this.validateSite(s, i));

    // names and public keys are unique
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

    // no CIDR overlaps another (same site or another), nor the tunnel block
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

    // no AllowedIPs (CIDRs, tunnel block) capture a site's endpoint: the handshake would be
    // routed into the tunnel it is meant to set up
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

    // tunnel addresses: explicit ones inside the block and unique, the rest allocated in order
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
    this.sites = partial.map((s, i) => {
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
    this.siteNames = this.sites.map((s) => s.name);
  }

  /**
   * The site's address on the tunnel (without prefix).
   *
   * @param site the site name
   */
  public tunnelAddress(site: string): string {
    return this.site(site).tunnelAddress;
  }

  /**
   * What every other site routes to this site: its CIDRs (canonical) and its tunnel address as a
   * single-address block.
   *
   * @param site the site name
   */
  public allowedIps(site: string): string[] {
    const s = this.site(site);
    const host = s.tunnelAddress.includes(':') ? 128 : 32;
    return [...s.cidrs.map((c) => c.toString()), `${s.tunnelAddress}/${host}`];
  }

  /**
   * The site's UDP listen port.
   *
   * @param site the site name
   */
  public listenPort(site: string): number {
    return this.site(site).listenPort;
  }

  /**
   * The name of the Secret that holds the site's private key.
   *
   * @param site the site name
   */
  public privateKeySecretName(site: string): string {
    return this.site(site).privateKeySecretName;
  }

  /**
   * The key in that Secret whose value is the private key.
   *
   * @param site the site name
   */
  public privateKeySecretKey(site: string): string {
    return this.site(site).privateKeySecretKey;
  }

  /**
   * Renders the site's wg-quick config: `[Interface]` with the tunnel address, `ListenPort` and
   * `PostUp = wg set %i private-key <file>` (never the private key itself), then one `[Peer]` per
   * other site in site order. Deterministic; usable outside Kubernetes (`wg-quick up <file>`).
   *
   * @param site the site name
   * @param options where the private key file is
   */
  public renderConfig(site: string, options?: WireguardConfigOptions): string {
    checkOptions(this.path, 'options', 'WireguardConfigOptions', options, WIREGUARD_CONFIG_OPTIONS, true, false);
    const s = this.site(site);
    const keyFile = options?.privateKeyFile ?? DEFAULT_PRIVATE_KEY_FILE;
    if (typeof keyFile !== 'string' || !/^\/[^\s%]*$/.test(keyFile)) {
      fail(this.path, 'privateKeyFile', keyFile, 'an absolute file path without whitespace or \'%\'');
    }
    const prefix = parseCidr(this.tunnelCidr)!.prefixLength;
    const lines = [
      `# WireGuard config of site ${s.name}, rendered by cdk8s-zero-trust WireguardMesh.`,
      '# No private key here: PostUp loads it from the file the Secret is mounted at.',
      '[Interface]',
      `Address = ${s.tunnelAddress}/${prefix}`,
      `ListenPort = ${s.listenPort}`,
      `PostUp = wg set %i private-key ${keyFile}`,
    ];
    for (const p of this.sites) {
      if (p === s) {
        continue;
      }
      lines.push('', '[Peer]', `# ${p.name}`, `PublicKey = ${p.publicKey}`, `Endpoint = ${p.endpoint}`,
        `AllowedIPs = ${this.allowedIps(p.name).join(', ')}`);
      if (this.persistentKeepalive > 0) {
        lines.push(`PersistentKeepalive = ${this.persistentKeepalive}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  private site(name: string): ResolvedSite {
    const s = this.sites.find((x) => x.name === name);
    if (!s) {
      fail(this.path, 'site', name, `one of the mesh's sites: ${this.sites.map((x) => x.name).join(', ')}`);
    }
    return s;
  }

  private validateSite(s: WireguardSite, i: number): Omit<ResolvedSite, 'tunnelAddress'> {
    const path = this.path;
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
