import { WireguardMesh, WireguardMeshProps, WireguardSite } from '../../src';

/** A deterministic, valid WireGuard key (32 bytes of base64) for unit tests. */
export function fakeKey(seed: number): string {
  return Buffer.alloc(32, seed).toString('base64');
}

/** The three sites: asia-east, europe-west, us-east on 10.1/10.2/10.3.0.0/16. */
export function threeSites(publicKeys?: string[]): WireguardSite[] {
  const names = ['asia-east', 'europe-west', 'us-east'];
  return names.map((name, i) => ({
    name,
    endpoint: `192.0.2.1${i + 1}:51820`,
    publicKey: publicKeys?.[i] ?? fakeKey(i + 1),
    privateKeySecretName: `wg-${name}`,
    cidrs: [`10.${i + 1}.0.0/16`],
  }));
}

/** A mesh of the three sites, with overrides. */
export function threeSiteMesh(over: Partial<WireguardMeshProps> = {}): WireguardMesh {
  return new WireguardMesh({ sites: threeSites(), ...over });
}

/** Props for a mesh with site `i` changed by `patch` (for bad-input tests). */
export function withSite(i: number, patch: Partial<WireguardSite>): WireguardMeshProps {
  const sites = threeSites();
  sites[i] = { ...sites[i], ...patch };
  return { sites };
}
