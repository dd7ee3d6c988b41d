import { DEFAULT_PRIVATE_KEY_FILE } from './constants';
import { WIREGUARD_CONFIG_OPTIONS } from './props-specs';
import { planWireguardMesh, ResolvedSite } from './wireguard-mesh-plan';
import { WireguardConfigOptions, WireguardSite } from './wireguard-site';
import { parseCidr } from '../core/ip';
import { checkOptions } from '../core/props-check';
import { fail } from '../core/validate';

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

/**
 * A WireGuard full mesh between sites (clusters or regions): a plain description, shared by the
 * charts of every site. Each site's chart gets its gateway with `new WireguardGateway(chart, id,
 * { mesh, site })`; {@link renderConfig} renders a site's wg-quick config for inspection and tests.
 *
 * Every site gets every other site as a peer: `PublicKey`, `Endpoint`, `AllowedIPs` = that site's
 * CIDRs plus its tunnel address (/32 or /128), `PersistentKeepalive`. wg-quick adds a route for
 * each AllowedIPs entry. The private key is never part of a config, nor is a wg-quick hook:
 * after `wg-quick up`, `wg set <interface> private-key <file>` loads it from the mounted Secret
 * ({@link WireguardGateway}'s script does).
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
    this.path = props?.name ?? 'WireguardMesh';
    const plan = planWireguardMesh(this.path, props);
    this.interfaceName = plan.interfaceName;
    this.persistentKeepalive = plan.persistentKeepalive;
    this.tunnelCidr = plan.tunnelCidr;
    this.sites = plan.sites;
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
   * Renders the site's wg-quick config: `[Interface]` with the tunnel address and `ListenPort`
   * (neither the private key nor a hook: a comment says how to load the key), then one `[Peer]`
   * per other site in site order. Deterministic; usable outside Kubernetes (`wg-quick up <file>`,
   * then `wg set <interface> private-key <file>`).
   *
   * @param site the site name
   * @param options where the private key file is (named in the comment)
   */
  public renderConfig(site: string, options?: WireguardConfigOptions): string {
    checkOptions(this.path, 'options', 'WireguardConfigOptions', options, WIREGUARD_CONFIG_OPTIONS, true, false);
    const s = this.site(site);
    const keyFile = options?.privateKeyFile ?? DEFAULT_PRIVATE_KEY_FILE;
    // the path is written into the config file: no line break, no control character
    if (typeof keyFile !== 'string' || !/^\/[^\s%\u0000-\u001f\u007f]*$/.test(keyFile)) {
      fail(this.path, 'privateKeyFile', keyFile, 'an absolute file path without whitespace, control characters or \'%\'');
    }
    const prefix = parseCidr(this.tunnelCidr)!.prefixLength;
    const lines = [
      `# WireGuard config of site ${s.name}, rendered by cdk8s-zero-trust WireguardMesh.`,
      '# No private key and no hook here: after wg-quick up, load the key from the mounted Secret:',
      `#   wg set ${this.interfaceName} private-key ${keyFile}`,
      '[Interface]',
      `Address = ${s.tunnelAddress}/${prefix}`,
      `ListenPort = ${s.listenPort}`,
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
}
