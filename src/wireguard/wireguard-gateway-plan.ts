/**
 * Validation of WireguardGatewayProps into a plan the WireguardGateway renders (not exported from
 * the package index).
 */
import { DEFAULT_WIREGUARD_IMAGE, WIREGUARD_GATEWAY_NODE_LABEL } from './constants';
import type { WireguardGatewayProps } from './wireguard-gateway';
import { WireguardMesh } from './wireguard-mesh';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';

/** A WireguardGateway's props, checked, defaults applied. */
export interface WireguardGatewayPlan {
  readonly mesh: WireguardMesh;
  readonly site: string;
  readonly namespace: string;
  readonly image: string;
  readonly nodeSelector: { [key: string]: string };
  readonly priorityClassName?: string;
  readonly loadKernelModule: boolean;
  /** The mesh's interface name, also the config file's name (a ConfigMap key). */
  readonly interfaceName: string;
}

/** Checks `props` (in the order of its fields) and applies the defaults. */
export function planWireguardGateway(path: string, props: WireguardGatewayProps): WireguardGatewayPlan {
  if (!(props?.mesh instanceof WireguardMesh)) {
    fail(path, 'mesh', props?.mesh, 'a WireguardMesh');
  }
  const mesh = props.mesh;
  if (!mesh.siteNames.includes(props.site)) {
    fail(path, 'site', props.site, `one of the mesh's sites: ${mesh.siteNames.join(', ')}`);
  }
  const namespace = props.namespace ?? 'wireguard';
  validateDns1123Label(path, 'namespace', namespace);
  const image = props.image ?? DEFAULT_WIREGUARD_IMAGE;
  if (!isPinnedImage(image)) {
    fail(path, 'image', image, 'an image reference pinned by a tag other than latest or by a sha256 digest, e.g. linuxserver/wireguard:1.0.20210914');
  }
  const nodeSelector = props.nodeSelector ?? { [WIREGUARD_GATEWAY_NODE_LABEL]: 'true' };
  validateLabels(path, 'nodeSelector', nodeSelector);
  if (Object.keys(nodeSelector).length === 0) {
    // {} is "any node": the pod that holds the private key (hostNetwork, NET_ADMIN) would land on any node
    fail(path, 'nodeSelector', nodeSelector, `at least one node label that only an administrator sets (the default, { '${WIREGUARD_GATEWAY_NODE_LABEL}': 'true' }, is under the prefix NodeRestriction forbids kubelets to set)`);
  }
  if (props.priorityClassName !== undefined) {
    validateDns1123Label(path, 'priorityClassName', props.priorityClassName);
  }
  const interfaceName = mesh.interfaceName;
  // the config file name is a ConfigMap key: [-._a-zA-Z0-9]+, not starting with '..'
  if (!/^[-._a-zA-Z0-9]+$/.test(interfaceName)) {
    fail(path, 'mesh.interfaceName', interfaceName, 'an interface name usable as a ConfigMap key (file name): 1 to 15 characters from [a-zA-Z0-9_.-] (no \'+\' or \'=\')');
  }
  return {
    mesh,
    site: props.site,
    namespace,
    image,
    nodeSelector,
    priorityClassName: props.priorityClassName,
    loadKernelModule: props.loadKernelModule ?? false,
    interfaceName,
  };
}

/** `repository:tag` split at the tag's colon; undefined for a digest reference. */
export function splitImageTag(image: string): { repository: string; tag: string } | undefined {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return image.includes('@') || colon <= slash ? undefined : { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}

/** True if `image` is `[registry/]repo:tag` (tag not `latest`) or has a sha256 digest. */
function isPinnedImage(image: unknown): boolean {
  if (typeof image !== 'string' || /\s/.test(image) || image.length === 0) {
    return false;
  }
  const at = image.indexOf('@');
  if (at !== -1) {
    return /^@sha256:[0-9a-f]{64}$/.test(image.slice(at));
  }
  const last = image.split('/').pop()!;
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return /^[\w][\w.-]{0,127}$/.test(tag) && tag !== 'latest';
}
