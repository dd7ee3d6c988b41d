import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  badCidr, badDnsLabel, badPortNumber, badWgKey, disjointCidrs, dnsLabel, expectValidationError, hostname, portNumber,
  publicIpv4, runs, timeoutFor, wgKey,
} from './arbitraries';
import { WireguardGateway, WireguardMesh, WireguardMeshProps, WireguardSite } from '../../src';
import { synthAndValidate } from '../util';

/** Valid mesh props: 2..5 sites, unique names and keys, disjoint CIDRs outside the tunnel block. */
export function meshProps(): fc.Arbitrary<WireguardMeshProps> {
  return fc.integer({ min: 2, max: 5 }).chain((n) => fc.record({
    names: fc.uniqueArray(dnsLabel(20), { minLength: n, maxLength: n }),
    keys: fc.uniqueArray(wgKey(), { minLength: n, maxLength: n }),
    cidrs: disjointCidrs(n * 2, n * 2),
    hosts: fc.array(fc.oneof(publicIpv4(), hostname()), { minLength: n, maxLength: n }),
    ports: fc.array(portNumber(), { minLength: n, maxLength: n }),
    split: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    keepalive: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    interfaceName: fc.option(fc.constantFrom('wg0', 'wg1', 'wg-mesh', 'wg_a', 'wg.0', 'WG.0-a_b'), { nil: undefined }),
  })).map((r) => {
    const sites: WireguardSite[] = r.names.map((name, i) => ({
      name,
      endpoint: `${r.hosts[i]}:${r.ports[i]}`,
      publicKey: r.keys[i],
      privateKeySecretName: `wg-${name}`,
      // one or two CIDRs per site
      cidrs: r.split[i] ? [r.cidrs[2 * i], r.cidrs[2 * i + 1]] : [r.cidrs[2 * i]],
    }));
    return { sites, persistentKeepalive: r.keepalive, interfaceName: r.interfaceName };
  });
}

function synthGateway(mesh: WireguardMesh, site: string): { objs: any[]; yaml: string } {
  const chart = Testing.chart();
  new WireguardGateway(chart, 'wg', { mesh, site });
  const objs = synthAndValidate(chart);
  return { objs, yaml: JSON.stringify(objs) };
}

describe('WireguardMesh / WireguardGateway (property)', () => {
  test('valid meshes: every site renders; each peer routes exactly the other sites\' CIDRs', () => {
    fc.assert(fc.property(meshProps(), (props) => {
      const mesh = new WireguardMesh(props);
      const tunnelAddrs = new Set(mesh.siteNames.map((s) => mesh.tunnelAddress(s)));
      expect(tunnelAddrs.size).toBe(props.sites.length);
      for (const s of props.sites) {
        const conf = mesh.renderConfig(s.name);
        expect(conf).not.toMatch(/PrivateKey\s*=/);
        // reachability as declared: this site's peers route every other site's CIDRs, never its own
        const allowed = [...conf.matchAll(/^AllowedIPs = (.*)$/gm)].flatMap((m) => m[1].split(', '));
        const others = props.sites.filter((o) => o !== s).flatMap((o) => o.cidrs);
        for (const c of others) expect(allowed).toContain(c);
        for (const c of s.cidrs) expect(allowed).not.toContain(c);
        expect(mesh.renderConfig(s.name)).toBe(conf);
      }
    }), runs(300));
  });

  test('valid meshes: the gateway of any site synthesizes to valid objects, deterministically', () => {
    fc.assert(fc.property(meshProps(), fc.nat(), (props, pick) => {
      const mesh = new WireguardMesh(props);
      const site = mesh.siteNames[pick % mesh.siteNames.length];
      const a = synthGateway(mesh, site);
      const b = synthGateway(new WireguardMesh(props), site);
      expect(b.yaml).toBe(a.yaml);
      const cm = a.objs.find((o) => o.kind === 'ConfigMap');
      expect(Object.values(cm.data)).toEqual([mesh.renderConfig(site)]);
    }), runs(60));
  }, timeoutFor(60, 400));

  test('bad site fields: a ValidationError naming the site field and the value', () => {
    const bad = fc.oneof(
      badDnsLabel().map((v) => ({ field: 'name', patch: { name: v }, value: v })),
      badWgKey().map((v) => ({ field: 'publicKey', patch: { publicKey: v }, value: v })),
      badCidr().map((v) => ({ field: 'cidrs[0]', patch: { cidrs: [v] }, value: v })),
      fc.constant({ field: 'cidrs', patch: { cidrs: [] }, value: [] }),
      badPortNumber().map((v) => ({ field: 'endpoint', patch: { endpoint: `192.0.2.1:${v}` }, value: `192.0.2.1:${v}` })),
      fc.constantFrom('192.0.2.1', 'a b:1', ':80', 'host:', '[fd00::1:80', '256.0.0.1:1', 'Example.com:80', 'http://a:1')
        .map((v) => ({ field: 'endpoint', patch: { endpoint: v }, value: v })),
      badPortNumber().filter((n) => Number.isFinite(n)).map((v) => ({ field: 'listenPort', patch: { listenPort: v }, value: v })),
      badDnsLabel().filter((s) => s.length > 0).map((v) => ({ field: 'privateKeySecretName', patch: { privateKeySecretName: v.toUpperCase() + '_' }, value: v.toUpperCase() + '_' })),
      fc.constantFrom('', 'a b', 'a/b', 'ü').map((v) => ({ field: 'privateKeySecretKey', patch: { privateKeySecretKey: v }, value: v })),
    );
    fc.assert(fc.property(meshProps(), fc.nat(), bad, (props, pick, b) => {
      const i = pick % props.sites.length;
      const sites = props.sites.map((s, k) => (k === i ? { ...s, ...b.patch } : s));
      expectValidationError(() => new WireguardMesh({ ...props, sites }), { field: b.field, value: b.value });
    }), runs(300));
  });

  test('overlapping CIDRs, duplicate names/keys, too few sites: a ValidationError naming field and value', () => {
    fc.assert(fc.property(meshProps(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 }), (props, p1, p2, what) => {
      const n = props.sites.length;
      const i = p1 % n;
      const j = (i + 1 + (p2 % (n - 1))) % n; // j != i
      const sites = [...props.sites];
      const hi = Math.max(i, j);
      const lo = Math.min(i, j);
      if (what === 0) {
        // site hi gets a block overlapping site lo's first CIDR (the same block)
        sites[hi] = { ...sites[hi], cidrs: [...sites[hi].cidrs, sites[lo].cidrs[0]] };
        expectValidationError(() => new WireguardMesh({ ...props, sites }), { field: `sites[${hi}]`, value: sites[lo].cidrs[0] });
      } else if (what === 1) {
        sites[hi] = { ...sites[hi], name: sites[lo].name };
        expectValidationError(() => new WireguardMesh({ ...props, sites }), { field: `sites[${hi}].name`, value: sites[lo].name });
      } else if (what === 2) {
        sites[hi] = { ...sites[hi], publicKey: sites[lo].publicKey };
        expectValidationError(() => new WireguardMesh({ ...props, sites }), { field: `sites[${hi}]`, value: sites[lo].publicKey });
      } else {
        expectValidationError(() => new WireguardMesh({ ...props, sites: sites.slice(0, 1) }), { field: 'sites', value: sites.slice(0, 1) });
      }
    }), runs(300));
  });

  test('a site CIDR overlapping the tunnel block is refused', () => {
    fc.assert(fc.property(meshProps(), fc.nat(), (props, pick) => {
      const i = pick % props.sites.length;
      const sites = props.sites.map((s, k) => (k === i ? { ...s, cidrs: ['10.255.0.0/16'] } : s));
      expectValidationError(() => new WireguardMesh({ ...props, sites }), { field: `sites[${i}]`, value: '10.255.0.0/16' });
    }), runs(100));
  });

  test('gateway: an unknown site or a bad namespace is a ValidationError, nothing is added to the chart', () => {
    fc.assert(fc.property(meshProps(), fc.oneof(dnsLabel(20), badDnsLabel()), badDnsLabel(), (props, site, ns) => {
      const mesh = new WireguardMesh(props);
      fc.pre(!mesh.siteNames.includes(site));
      const chart = Testing.chart();
      expectValidationError(() => new WireguardGateway(chart, 'a', { mesh, site }), { field: 'site', value: site });
      expectValidationError(() => new WireguardGateway(chart, 'b', { mesh, site: mesh.siteNames[0], namespace: ns }), { field: 'namespace', value: ns });
      expect(chart.node.findAll().filter((c) => c !== chart).map((c) => c.node.path).filter((p) => !/\/(a|b)$/.test(p))).toEqual([]);
    }), runs(200));
  });
});
