/**
 * One site (a cluster or a region) of a {@link WireguardMesh}.
 */
export interface WireguardSite {
  /**
   * Site name, a DNS-1123 label (e.g. `asia-east`). Unique in the mesh.
   */
  readonly name: string;

  /**
   * The public `host:port` the other sites dial to reach this site's gateway. The host is a DNS
   * name, an IPv4 address or a bracketed IPv6 address (`[2001:db8::1]:51820`).
   */
  readonly endpoint: string;

  /**
   * UDP port the gateway listens on (may differ from the endpoint's port behind NAT or a load
   * balancer).
   *
   * @default the port of `endpoint`
   */
  readonly listenPort?: number;

  /**
   * The site's WireGuard public key: 32 bytes in base64 (44 characters, as `wg pubkey` prints).
   */
  readonly publicKey: string;

  /**
   * Name of the Secret (in the gateway's namespace, created outside this library, e.g. by
   * sealed-secrets or an external secret store) that holds the site's private key. The key is
   * mounted read-only as a file and loaded with `wg set <interface> private-key <file>`; it never appears
   * in a synthesized manifest.
   */
  readonly privateKeySecretName: string;

  /**
   * Key in that Secret whose value is the private key (base64, as `wg genkey` prints).
   *
   * @default 'privatekey'
   */
  readonly privateKeySecretKey?: string;

  /**
   * The CIDRs behind this site that other sites need to reach (typically only its pod CIDR, or
   * narrower: the addresses of the pods other sites call). They become the AllowedIPs of this site
   * in every other site's config, and the routes there. Routing a service CIDR puts every
   * ClusterIP of this site (the API server's `kubernetes.default`, admission webhooks) behind the
   * tunnel, reachable from every pod of the other sites that no NetworkPolicy restricts.
   */
  readonly cidrs: string[];

  /**
   * This site's address on the tunnel (an address inside the mesh's `tunnelCidr`, without prefix).
   *
   * @default the next free host address of `tunnelCidr`, allocated in site order
   */
  readonly tunnelAddress?: string;
}

/**
 * Options for {@link WireguardMesh.renderConfig}.
 */
export interface WireguardConfigOptions {
  /**
   * Path of the private key file, named in the config's comment (`wg set <interface>
   * private-key <file>` after `wg-quick up`).
   *
   * @default '/etc/wireguard/keys/privatekey' (where {@link WireguardGateway} mounts the Secret)
   */
  readonly privateKeyFile?: string;
}
