/** Internal constants of the wireguard folder (not part of the public API). */

/** Where {@link WireguardGateway} mounts the private key Secret. */
export const DEFAULT_PRIVATE_KEY_FILE = '/etc/wireguard/keys/privatekey';

/** Default gateway image: the seed's image, pinned by tag. */
export const DEFAULT_WIREGUARD_IMAGE = 'linuxserver/wireguard:1.0.20210914';

/**
 * Node label (and taint key) that marks the nodes allowed to run a site's gateway: under
 * `node-restriction.kubernetes.io/`, which NodeRestriction forbids kubelets to set on themselves.
 */
export const WIREGUARD_GATEWAY_NODE_LABEL = 'node-restriction.kubernetes.io/wireguard-gateway';
