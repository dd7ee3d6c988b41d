import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Flows, Peer, Port, ValidationError, WireguardGateway, WireguardGatewayProps } from '../../src';
import { synthAndValidate } from '../util';
import { threeSiteMesh } from './fixtures';
import { polarisChecksOf } from '../util/polaris';

function synthSite(site: string, over: Partial<WireguardGatewayProps> = {}) {
  const mesh = threeSiteMesh();
  const chart = Testing.chart();
  new WireguardGateway(chart, 'wg', { mesh, site, ...over });
  const objs = synthAndValidate(chart);
  const byKind = (kind: string) => objs.filter((o) => o.kind === kind);
  const deployment = byKind('Deployment')[0];
  return { mesh, chart, objs, byKind, deployment, pod: deployment.spec.template.spec, container: deployment.spec.template.spec.containers[0] };
}

describe('WireguardGateway', () => {
  test('emits exactly a Namespace, ServiceAccount, ConfigMap and Deployment, all in its namespace', () => {
    const { objs } = synthSite('asia-east');
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'Namespace/-/wireguard',
      'ServiceAccount/wireguard/wireguard-gateway',
      expect.stringMatching(/^ConfigMap\/wireguard\/wireguard-config-[0-9a-f]{10}$/),
      'Deployment/wireguard/wireguard-gateway',
    ]);
  });

  test('the ConfigMap holds the site\'s rendered config and no private key; the key comes from the Secret as a file', () => {
    const { mesh, byKind, objs, pod, container } = synthSite('europe-west');
    const cm = byKind('ConfigMap')[0];
    expect(cm.data).toEqual({ 'wg0.conf': mesh.renderConfig('europe-west') });
    expect(JSON.stringify(objs)).not.toMatch(/PrivateKey/);
    expect(byKind('Secret')).toEqual([]);

    // config mounted where the command reads it; Secret item mounted where the script reads it
    const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m]));
    const vols = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
    expect(vols.config.configMap).toEqual({ name: cm.metadata.name, defaultMode: 0o400 });
    expect(mounts.config).toEqual({ name: 'config', mountPath: '/etc/wireguard/config', readOnly: true });
    expect(container.command[2]).toContain('wg-quick up /etc/wireguard/config/wg0.conf');
    expect(vols['private-key'].secret).toEqual({ secretName: 'wg-europe-west', items: [{ key: 'privatekey', path: 'privatekey' }], defaultMode: 0o400 });
    expect(mounts['private-key']).toEqual({ name: 'private-key', mountPath: '/etc/wireguard/keys', readOnly: true });
    // finding 13: no wg-quick hook in a ConfigMap; the script loads the key after wg-quick up
    expect(cm.data['wg0.conf']).not.toMatch(/^\s*(PreUp|PostUp|PreDown|PostDown)\s*=/m);
    expect(container.command[2]).toMatch(/\nwg-quick up \/etc\/wireguard\/config\/wg0\.conf\nwg set wg0 private-key \/etc\/wireguard\/keys\/privatekey\n/);
    expect(cm.immutable).toBe(true);
  });

  test('least privilege: NET_ADMIN only, all else dropped, not privileged, read-only root, seccomp RuntimeDefault', () => {
    const { pod, container } = synthSite('us-east');
    expect(pod.hostNetwork).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsUser: 0,
      runAsNonRoot: false,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
    });
    expect(pod.volumes.some((v: any) => v.hostPath)).toBe(false);
    expect(container.command[2]).not.toContain('modprobe');
    expect(container.image).toBe('linuxserver/wireguard:1.0.20210914');
    expect(container.ports).toEqual([{ name: 'wireguard', containerPort: 51820, protocol: 'UDP' }]);
  });

  test('loadKernelModule adds SYS_MODULE, modprobe and a read-only /lib/modules, nothing else', () => {
    const { pod, container } = synthSite('us-east', { loadKernelModule: true });
    expect(container.securityContext.capabilities).toEqual({ add: ['NET_ADMIN', 'SYS_MODULE'], drop: ['ALL'] });
    expect(container.command[2]).toMatch(/^set -eu\nmodprobe wireguard\n/);
    expect(pod.volumes.find((v: any) => v.name === 'modules')).toEqual({ name: 'modules', hostPath: { path: '/lib/modules', type: 'Directory' } });
    expect(container.volumeMounts.find((m: any) => m.name === 'modules')).toEqual({ name: 'modules', mountPath: '/lib/modules', readOnly: true });
  });

  test('one gateway per site: a single Recreate replica pinned to gateway nodes', () => {
    const { deployment, pod } = synthSite('asia-east', { nodeSelector: { 'node-role/vpn': 'asia' }, priorityClassName: 'system-node-critical' });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(pod.nodeSelector).toEqual({ 'node-role/vpn': 'asia' });
    expect(pod.priorityClassName).toBe('system-node-critical');
    // finding 13: the default label is one kubelets cannot set on themselves (NodeRestriction),
    // and the pod tolerates the taint that keeps other pods off the gateway nodes
    const dflt = synthSite('asia-east').pod;
    expect(dflt.nodeSelector).toEqual({ 'node-restriction.kubernetes.io/wireguard-gateway': 'true' });
    expect(dflt.tolerations).toEqual([{ key: 'node-restriction.kubernetes.io/wireguard-gateway', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('the namespace is Pod Security privileged (hostNetwork + NET_ADMIN are outside baseline), and says why', () => {
    const ns = synthSite('asia-east', { namespace: 'vpn' }).byKind('Namespace')[0];
    expect(ns.metadata.name).toBe('vpn');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['zero-trust.cdk8s.io/why-privileged']).toMatch(/hostNetwork and NET_ADMIN/);
  });

  test('Polaris: exactly the checks the job needs fire, and no other', () => {
    const { objs } = synthSite('asia-east');
    expect(polarisChecksOf(objs, 'Deployment/wireguard/wireguard-gateway')).toEqual([
      { check: 'dangerousCapabilities', severity: 'danger' }, // NET_ADMIN: creating the tunnel
      { check: 'deploymentMissingReplicas', severity: 'warning' }, // one key, one endpoint: one replica
      { check: 'hostNetworkSet', severity: 'danger' }, // tunnel and routes live in the node's netns
      { check: 'missingNetworkPolicy', severity: 'warning' }, // NetworkPolicy does not apply to hostNetwork pods
      { check: 'missingPodDisruptionBudget', severity: 'warning' }, // a PDB on one Recreate replica would only block drains
      { check: 'priorityClassNotSet', severity: 'warning' }, // opt-in: priorityClassName
      { check: 'pullPolicyNotAlways', severity: 'warning' }, // pinned tag; a VPN gateway must restart without the registry
      { check: 'runAsRootAllowed', severity: 'danger' }, // capabilities are not effective for non-root without file caps
      { check: 'topologySpreadConstraint', severity: 'warning' }, // one replica
    ]);
    const withPriority = synthSite('asia-east', { priorityClassName: 'system-node-critical' });
    expect(polarisChecksOf(withPriority.objs, 'Deployment/wireguard/wireguard-gateway').map((f) => f.check)).not.toContain('priorityClassNotSet');
  });

  test('one mesh, one chart per site in one app: each chart gets its own site\'s config', () => {
    const mesh = threeSiteMesh();
    const app = Testing.app();
    for (const site of mesh.siteNames) {
      new WireguardGateway(new Chart(app, site), 'wg', { mesh, site });
    }
    const objs = synthAndValidate(app as App);
    const configs = objs.filter((o) => o.kind === 'ConfigMap').map((o) => o.data['wg0.conf']);
    expect(configs).toEqual(mesh.siteNames.map((s) => mesh.renderConfig(s)));
    expect(new Set(configs).size).toBe(3);
  });

  test('snapshot', () => {
    const { objs, mesh, byKind, pod } = synthSite('asia-east');
    expect(objs).toMatchSnapshot();
    // this site's own config (the two other sites as peers) and this site's key Secret; one gateway per site
    const conf: string = byKind('ConfigMap')[0].data['wg0.conf'];
    expect(conf).toBe(mesh.renderConfig('asia-east'));
    expect(conf.split('[Peer]').slice(1).map((peer) => peer.trim().split('\n')[0])).toEqual(['# europe-west', '# us-east']);
    expect(pod.volumes.find((v: any) => v.secret)?.secret.secretName).toBe('wg-asia-east');
    expect(byKind('Deployment')[0].spec.replicas).toBe(1);
  });

  test.each([
    [{ site: 'mars' }, 'wg: invalid site "mars": expected one of the mesh\'s sites: asia-east, europe-west, us-east'],
    [{ image: 'linuxserver/wireguard' }, 'invalid image "linuxserver/wireguard": expected an image reference pinned by a tag other than latest or by a sha256 digest'],
    [{ image: 'linuxserver/wireguard:latest' }, 'invalid image "linuxserver/wireguard:latest"'],
    [{ image: 'registry:5000/wireguard' }, 'invalid image "registry:5000/wireguard"'],
    [{ namespace: 'Wire_Guard' }, 'invalid namespace "Wire_Guard": expected a DNS-1123 label'],
    [{ nodeSelector: { 'bad key!': 'x' } }, 'invalid nodeSelector key "bad key!"'],
  ])('bad input %j', (over, message) => {
    const chart = Testing.chart();
    expect(() => new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east', ...over } as WireguardGatewayProps))
      .toThrow(ValidationError);
    expect(() => new WireguardGateway(Testing.chart(), 'wg', { mesh: threeSiteMesh(), site: 'asia-east', ...over } as WireguardGatewayProps))
      .toThrow(message);
  });

  test('digest-pinned images are accepted', () => {
    const image = `linuxserver/wireguard@sha256:${'a'.repeat(64)}`;
    expect(synthSite('asia-east', { image }).container.image).toBe(image);
  });
});

/** The gateway's iptables lines (without the `iptables -w` prefix) of `site`, after `declare` adds flows. */
function filterOf(site: string, declare: (chart: Chart) => void): string[] {
  const chart = Testing.chart();
  new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site });
  declare(chart);
  const dep = synthAndValidate(chart).find((o) => o.kind === 'Deployment');
  return (dep.spec.template.spec.containers[0].command[2] as string).split('\n')
    .filter((l) => l.startsWith('iptables -w -t mangle ')).map((l) => l.slice('iptables -w -t mangle '.length));
}

describe('WireguardGateway forwarding filter (finding 8)', () => {
  const db = (chart: Chart) => new kplus.Deployment(chart, 'db', {
    metadata: { name: 'db', namespace: 'database' },
    containers: [{ image: 'postgres:16.4', portNumber: 5432 }],
  });

  test('without a declared cross-site flow nothing crosses: conntrack replies, then DROP, in both directions and to the node', () => {
    const lines = filterOf('asia-east', () => undefined);
    expect(lines.filter((l) => l.startsWith('-A ZT-WG-FORWARD'))).toEqual([
      '-A ZT-WG-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
      '-A ZT-WG-FORWARD -j DROP',
    ]);
    expect(lines).toEqual(expect.arrayContaining([
      '-C FORWARD -i wg0 -j ZT-WG-FORWARD 2>/dev/null || iptables -w -t mangle -I FORWARD 1 -i wg0 -j ZT-WG-FORWARD',
      '-C FORWARD -o wg0 -j ZT-WG-FORWARD 2>/dev/null || iptables -w -t mangle -I FORWARD 1 -o wg0 -j ZT-WG-FORWARD',
      '-A ZT-WG-INPUT -j DROP',
      '-C INPUT -i wg0 -j ZT-WG-INPUT 2>/dev/null || iptables -w -t mangle -I INPUT 1 -i wg0 -j ZT-WG-INPUT',
    ]));
  });

  test('replication as the sample declares it: the primary admits the replicas\' pod CIDRs on 5432 only; the replica may send there only', () => {
    const primary = filterOf('asia-east', (chart) => {
      const d = db(chart);
      for (const [name, cidr] of [['europe-west', '10.2.0.0/16'], ['us-east', '10.3.0.0/16']]) {
        Flows.of(chart).allow(Peer.cidr(cidr, { inCluster: true, name }), Peer.workload(d), { ports: [Port.tcp(5432)] });
      }
    }).filter((l) => / -j RETURN$/.test(l) && !l.includes('conntrack'));
    expect(primary.map((l) => l.replace(/ -m comment --comment '[^']*'/, ''))).toEqual([
      '-A ZT-WG-FORWARD -i wg0 -s 10.2.0.0/16 -d 10.1.0.0/16 -p tcp --dport 5432 -j RETURN',
      '-A ZT-WG-FORWARD -i wg0 -s 10.3.0.0/16 -d 10.1.0.0/16 -p tcp --dport 5432 -j RETURN',
    ]);
    const replica = filterOf('us-east', (chart) => {
      Flows.of(chart).allow(Peer.workload(db(chart)), Peer.cidr('10.1.0.0/16', { inCluster: true }), { ports: [Port.tcp(5432)], description: 'S23' });
    }).filter((l) => / -j RETURN$/.test(l) && !l.includes('conntrack'));
    expect(replica).toEqual(["-A ZT-WG-FORWARD -o wg0 -s 10.3.0.0/16 -d 10.1.0.0/16 -p tcp --dport 5432 -m comment --comment 'S23' -j RETURN"]);
  });

  test('blocks are clipped to the remote sites\' CIDRs; flows outside the mesh add nothing', () => {
    const lines = filterOf('europe-west', (chart) => {
      const d = db(chart);
      Flows.of(chart).allow(Peer.workload(d), Peer.cidr('10.0.0.0/8', { inCluster: true }), { ports: [Port.udp(53)] });
      Flows.of(chart).allow(Peer.workload(d), Peer.cidr('10.1.2.0/24', { inCluster: true }), { ports: [Port.tcpRange(8000, 8010)] });
      Flows.of(chart).allow(Peer.workload(d), Peer.cidr('172.16.0.0/12', { inCluster: true }), { ports: [Port.tcp(443)] });
    }).filter((l) => / -j RETURN$/.test(l) && !l.includes('conntrack')).map((l) => l.replace(/ -m comment --comment '[^']*'/, ''));
    expect(lines).toEqual([
      '-A ZT-WG-FORWARD -o wg0 -s 10.2.0.0/16 -d 10.1.0.0/16 -p udp --dport 53 -j RETURN',
      '-A ZT-WG-FORWARD -o wg0 -s 10.2.0.0/16 -d 10.1.2.0/24 -p tcp --dport 8000:8010 -j RETURN',
      '-A ZT-WG-FORWARD -o wg0 -s 10.2.0.0/16 -d 10.3.0.0/16 -p udp --dport 53 -j RETURN',
    ]);
  });

  test('the script refuses a config with wg-quick hooks (run with bash)', () => {
    const { container } = synthSite('asia-east');
    const script: string = container.command[2];
    const guard = script.split('\n').slice(1, 4).join('\n').replace(/\/etc\/wireguard\/config\/wg0\.conf/g, '"$1"');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wg-guard-'));
    try {
      const run = (conf: string) => {
        fs.writeFileSync(path.join(dir, 'wg0.conf'), conf);
        return spawnSync('bash', ['-c', `set -eu\n${guard}\necho PASSED`, 'x', path.join(dir, 'wg0.conf')], { encoding: 'utf8' });
      };
      expect(run(threeSiteMesh().renderConfig('asia-east')).stdout).toBe('PASSED\n');
      for (const hook of ['PostUp = id > /tmp/x', '  preup=sh -c x', 'PreDown = x', 'PostDown = x', 'SaveConfig = true', 'DNS = 1.1.1.1']) {
        const r = run(`[Interface]\nAddress = 10.255.0.1/24\n${hook}\n`);
        expect({ hook, status: r.status, out: r.stdout }).toEqual({ hook, status: 1, out: '' });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the ConfigMap name follows its content: another mesh, another name (a rollout)', () => {
    const names = [threeSiteMesh(), threeSiteMesh({ persistentKeepalive: 10 })].map((mesh) => {
      const chart = Testing.chart();
      return new WireguardGateway(chart, 'wg', { mesh, site: 'asia-east' }).configMapName;
    });
    expect(names[0]).toMatch(/^wireguard-config-[0-9a-f]{10}$/);
    expect(names[1]).not.toBe(names[0]);
  });
});
