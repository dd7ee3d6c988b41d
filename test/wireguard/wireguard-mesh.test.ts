import { fakeKey, threeSiteMesh, threeSites, withSite } from './fixtures';
import { Cidr, ValidationError, WireguardMesh, WireguardMeshProps } from '../../src';

/** The ValidationError thrown by `new WireguardMesh(props)`. */
function errorOf(props: WireguardMeshProps): ValidationError {
  try {
    new WireguardMesh(props);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

/** Parses a rendered wg-quick config into its interface and peers (key = value, in order). */
function parse(conf: string): { iface: Record<string, string>; peers: Array<Record<string, string>> } {
  const sections: Array<Record<string, string>> = [];
  for (const line of conf.split('\n')) {
    if (/^\[(Interface|Peer)\]$/.test(line)) sections.push({});
    const kv = /^(\w+) = (.*)$/.exec(line);
    if (kv) sections[sections.length - 1][kv[1]] = kv[2];
  }
  return { iface: sections[0], peers: sections.slice(1) };
}

describe('WireguardMesh.renderConfig', () => {
  const mesh = threeSiteMesh();

  test('every other site is a peer: its key, endpoint, CIDRs + tunnel /32, keepalive', () => {
    const { iface, peers } = parse(mesh.renderConfig('europe-west'));
    expect(iface).toEqual({
      Address: '10.255.0.2/24',
      ListenPort: '51820',
    });
    expect(peers).toEqual([
      { PublicKey: fakeKey(1), Endpoint: '192.0.2.11:51820', AllowedIPs: '10.1.0.0/16, 10.255.0.1/32', PersistentKeepalive: '25' },
      { PublicKey: fakeKey(3), Endpoint: '192.0.2.13:51820', AllowedIPs: '10.3.0.0/16, 10.255.0.3/32', PersistentKeepalive: '25' },
    ]);
  });

  test('never contains a PrivateKey line; the key file path is configurable', () => {
    for (const s of mesh.siteNames) {
      expect(mesh.renderConfig(s)).not.toMatch(/^\s*PrivateKey/m);
    }
    // no hook (finding 13): the file is named in a comment, for whoever runs wg-quick by hand
    expect(mesh.renderConfig('us-east', { privateKeyFile: '/run/k/pk' })).toContain('\n#   wg set wg0 private-key /run/k/pk\n');
    expect(mesh.renderConfig('us-east', { privateKeyFile: '/run/k/pk' })).not.toMatch(/^\s*(PreUp|PostUp|PreDown|PostDown)\s*=/m);
    expect(() => mesh.renderConfig('us-east', { privateKeyFile: 'relative/pk' })).toThrow(/privateKeyFile "relative\/pk"/);
  });

  test('the full config is stable', () => {
    const conf = mesh.renderConfig('asia-east');
    expect(conf).toMatchSnapshot();
    // what wg-quick reads: section headers, comments, blank lines and `Key = value` lines of known keys
    for (const line of conf.split('\n')) expect(line).toMatch(/^(\[(Interface|Peer)\]|#.*|\w+ = \S.*|)$/);
    const { iface, peers } = parse(conf);
    expect(Object.keys(iface).sort()).toEqual(['Address', 'ListenPort']);
    for (const p of peers) {
      expect(Object.keys(p).sort()).toEqual(['AllowedIPs', 'Endpoint', 'PersistentKeepalive', 'PublicKey']);
      expect(Buffer.from(p.PublicKey, 'base64').length).toBe(32);
    }
    // cryptokey routing: an address routed to two peers would go to one of them only; none to this site itself
    const allowed = peers.flatMap((p) => p.AllowedIPs.split(', ').map((c) => Cidr.of(c)));
    const overlapping = allowed.filter((a, i) => allowed.some((b, j) => i !== j && a.overlaps(b)));
    expect(overlapping.map(String)).toEqual([]);
    expect(allowed.filter((c) => c.containsAddress('10.255.0.1') || c.overlaps(Cidr.of('10.1.0.0/16'))).map(String)).toEqual([]);
  });

  test('tunnel addresses: allocated in site order, explicit ones kept and skipped', () => {
    expect(mesh.siteNames.map((s) => mesh.tunnelAddress(s))).toEqual(['10.255.0.1', '10.255.0.2', '10.255.0.3']);
    const sites = threeSites();
    const m = new WireguardMesh({ sites: [sites[0], { ...sites[1], tunnelAddress: '10.9.0.1' }, sites[2]], tunnelCidr: '10.9.0.0/29' });
    expect(m.siteNames.map((s) => m.tunnelAddress(s))).toEqual(['10.9.0.2', '10.9.0.1', '10.9.0.3']);
    expect(m.allowedIps('europe-west')).toEqual(['10.2.0.0/16', '10.9.0.1/32']);
  });

  test('listenPort defaults to the endpoint port and can differ from it', () => {
    const m = new WireguardMesh(withSite(0, { endpoint: 'gw.asia.example.com:443', listenPort: 51821 }));
    expect(parse(m.renderConfig('asia-east')).iface.ListenPort).toBe('51821');
    expect(parse(m.renderConfig('us-east')).peers[0].Endpoint).toBe('gw.asia.example.com:443');
  });

  test('persistentKeepalive 0 omits the line; several CIDRs per site are all allowed', () => {
    const m = new WireguardMesh({ ...withSite(2, { cidrs: ['10.3.0.0/16', '10.103.0.0/16'] }), persistentKeepalive: 0 });
    const peer = parse(m.renderConfig('asia-east')).peers[1];
    expect(peer).toEqual({ PublicKey: fakeKey(3), Endpoint: '192.0.2.13:51820', AllowedIPs: '10.3.0.0/16, 10.103.0.0/16, 10.255.0.3/32' });
  });

  test('unknown site', () => {
    expect(() => mesh.renderConfig('mars')).toThrow('WireguardMesh: invalid site "mars": expected one of the mesh\'s sites: asia-east, europe-west, us-east');
  });
});

describe('WireguardMesh validation', () => {
  test('overlapping CIDRs between sites name both sites and both CIDRs', () => {
    const e = errorOf(withSite(1, { cidrs: ['10.1.128.0/17'] }));
    expect(e.message).toBe('WireguardMesh: invalid sites[1] (europe-west).cidrs[0] "10.1.128.0/17": expected a CIDR that overlaps no other site\'s: '
      + 'it overlaps sites[0] (asia-east).cidrs[0] 10.1.0.0/16; site "europe-west" and site "asia-east" would both claim those addresses');
  });

  test('overlapping CIDRs within a site, and with the tunnel block', () => {
    expect(errorOf(withSite(0, { cidrs: ['10.1.0.0/16', '10.1.2.0/24'] })).message)
      .toContain('invalid sites[0] (asia-east).cidrs[1] "10.1.2.0/24": expected CIDRs that do not overlap each other: it overlaps cidrs[0] 10.1.0.0/16');
    expect(errorOf({ sites: threeSites(), tunnelCidr: '10.2.255.0/24' }).message)
      .toContain('invalid sites[1] (europe-west).cidrs[0] "10.2.0.0/16": expected a CIDR that does not overlap the tunnelCidr 10.2.255.0/24');
  });

  test('a site whose CIDRs capture another site\'s endpoint', () => {
    const e = errorOf(withSite(0, { cidrs: ['192.0.2.0/28'] }));
    expect(e.field).toBe('sites[0] (asia-east).cidrs[0]');
    expect(e.message).toContain('"192.0.2.0/28": expected a CIDR that does not contain the endpoint 192.0.2.11:51820 of its own site');
    const other = errorOf(withSite(1, { cidrs: ['192.0.2.13/32'] }));
    expect(other.message).toContain('invalid sites[1] (europe-west).cidrs[0] "192.0.2.13/32": expected a CIDR that does not contain the endpoint 192.0.2.13:51820 of sites[2] (us-east)');
  });

  test('duplicate public keys name both sites', () => {
    expect(errorOf(withSite(2, { publicKey: fakeKey(1) })).message)
      .toBe(`WireguardMesh: invalid sites[2] (us-east).publicKey "${fakeKey(1)}": expected a public key of its own: sites[0] (asia-east) has the same key (each site needs its own key pair)`);
  });

  test.each([
    ['not base64', 'not-a-key'],
    ['31 bytes', Buffer.alloc(31, 7).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 7).toString('base64')],
    ['non-canonical last char', fakeKey(1).slice(0, 42) + 'B='],
  ])('a public key that is not 32 bytes of base64 (%s)', (_what, key) => {
    expect(errorOf(withSite(1, { publicKey: key })).message)
      .toBe(`WireguardMesh: invalid sites[1] (europe-west).publicKey ${JSON.stringify(key)}: expected a WireGuard key: 32 bytes in base64 (44 characters ending in '=', as \`wg pubkey\` prints)`);
  });

  test.each(['192.0.2.11', '192.0.2.11:', 'gw:0', 'gw:65536', 'gw:51820x', '2001:db8::1:51820', 'Gw.Example.com:51820'])('an endpoint that is not host:port: %s', (endpoint) => {
    const e = errorOf(withSite(0, { endpoint }));
    expect(e.field).toBe('sites[0] (asia-east).endpoint');
    expect(e.message).toContain(`${JSON.stringify(endpoint)}: expected host:port`);
  });

  test('IPv6 and DNS endpoints are accepted', () => {
    expect(() => new WireguardMesh(withSite(0, { endpoint: '[2001:db8::1]:51820' }))).not.toThrow();
    expect(() => new WireguardMesh(withSite(0, { endpoint: 'wg.asia-east.example.com:51820' }))).not.toThrow();
  });

  test.each([0, 65536, 1.5, -1])('listen port %p outside 1-65535', (listenPort) => {
    expect(errorOf(withSite(2, { listenPort })).message)
      .toBe(`WireguardMesh: invalid sites[2] (us-east).listenPort ${listenPort}: expected an integer port from 1 to 65535`);
  });

  test('bad CIDRs are re-pathed to the site field', () => {
    const e = errorOf(withSite(1, { cidrs: ['10.2.0.1/16'] }));
    expect(e.message).toBe('WireguardMesh: invalid sites[1] (europe-west).cidrs[0] "10.2.0.1/16": expected a network address without host bits set, e.g. 10.2.0.0/16');
    expect(errorOf(withSite(1, { cidrs: [] })).field).toBe('sites[1] (europe-west).cidrs');
  });

  test('names, secret references, mesh settings', () => {
    expect(errorOf(withSite(0, { name: 'Asia_East' })).field).toBe('sites[0].name');
    expect(errorOf(withSite(2, { name: 'asia-east' })).message).toContain('invalid sites[2].name "asia-east": expected a site name not used by another site (sites[0] has it too)');
    expect(errorOf(withSite(0, { privateKeySecretName: 'Bad Name' })).field).toBe('sites[0] (asia-east).privateKeySecretName');
    expect(errorOf(withSite(0, { privateKeySecretKey: 'a/b' })).field).toBe('sites[0] (asia-east).privateKeySecretKey');
    expect(errorOf({ sites: threeSites().slice(0, 1) }).message).toBe('WireguardMesh: invalid sites [{"name":"asia-east","endpoint":"192.0.2.11:51820","publicKey":"'
      + fakeKey(1) + '","privateKeySecretName":"wg-asia-east","cidrs":["10.1.0.0/16"]}]: expected a list of at least two sites');
    expect(errorOf({ sites: threeSites(), interfaceName: 'wireguard-interface0' }).field).toBe('interfaceName');
    expect(errorOf({ sites: threeSites(), persistentKeepalive: -1 }).field).toBe('persistentKeepalive');
    expect(errorOf({ sites: threeSites(), tunnelCidr: '10.255.0.0/33' }).field).toBe('tunnelCidr');
    expect(errorOf({ sites: threeSites(), tunnelCidr: '10.255.0.0/31', name: 'fleet/wg' }).message)
      .toBe('fleet/wg: invalid tunnelCidr "10.255.0.0/31": expected a block with a host address for each of the 3 sites');
  });

  test('tunnel addresses: outside the block, network address, or taken', () => {
    const sites = threeSites();
    expect(errorOf({ sites: [{ ...sites[0], tunnelAddress: '10.254.0.1' }, sites[1]] }).message)
      .toContain('invalid sites[0] (asia-east).tunnelAddress "10.254.0.1": expected a host address inside the tunnelCidr 10.255.0.0/24');
    expect(errorOf({ sites: [{ ...sites[0], tunnelAddress: '10.255.0.0' }, sites[1]] }).field).toBe('sites[0] (asia-east).tunnelAddress');
    expect(errorOf({ sites: [{ ...sites[0], tunnelAddress: '10.255.0.7' }, { ...sites[1], tunnelAddress: '10.255.0.7' }] }).message)
      .toContain('expected an address no other site uses (sites[0] (asia-east) has it)');
  });
});
