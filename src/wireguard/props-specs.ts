/**
 * Runtime type specs of the props of wireguard's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { WireguardMesh } from './wireguard-mesh';
import { PropsSpec, t } from '../core/props-check';

/** {@link WireguardSite} (wireguard/wireguard-site.ts). */
export const WIREGUARD_SITE: PropsSpec = {
  name: t.required(t.str()),
  endpoint: t.required(t.str()),
  listenPort: t.num(),
  publicKey: t.required(t.str()),
  privateKeySecretName: t.required(t.str()),
  privateKeySecretKey: t.str(),
  cidrs: t.required(t.arrayOf(t.str())),
  tunnelAddress: t.str(),
};

/** {@link WireguardConfigOptions} (wireguard/wireguard-site.ts). */
export const WIREGUARD_CONFIG_OPTIONS: PropsSpec = {
  privateKeyFile: t.str(),
};

/** {@link WireguardMeshProps} (wireguard/wireguard-mesh.ts). */
export const WIREGUARD_MESH_PROPS: PropsSpec = {
  sites: t.required(t.arrayOf(t.struct('WireguardSite', () => WIREGUARD_SITE))),
  tunnelCidr: t.str(),
  persistentKeepalive: t.num(),
  interfaceName: t.str(),
  name: t.str(),
};

/** {@link WireguardGatewayProps} (wireguard/wireguard-gateway.ts). */
export const WIREGUARD_GATEWAY_PROPS: PropsSpec = {
  mesh: t.required(t.instanceOf('WireguardMesh', () => WireguardMesh)),
  site: t.required(t.str()),
  namespace: t.str(),
  image: t.str(),
  loadKernelModule: t.bool(),
  nodeSelector: t.mapOf(t.str()),
  priorityClassName: t.str(),
};
