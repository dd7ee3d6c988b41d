import { App, Chart, Testing } from 'cdk8s';
import { ValidationError, WireguardGateway, WireguardGatewayProps } from '../../src';
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
      'ConfigMap/wireguard/wireguard-config',
      'Deployment/wireguard/wireguard-gateway',
    ]);
  });

  test('the ConfigMap holds the site\'s rendered config and no private key; the key comes from the Secret as a file', () => {
    const { mesh, byKind, objs, pod, container } = synthSite('europe-west');
    const cm = byKind('ConfigMap')[0];
    expect(cm.data).toEqual({ 'wg0.conf': mesh.renderConfig('europe-west') });
    expect(JSON.stringify(objs)).not.toMatch(/PrivateKey/);
    expect(byKind('Secret')).toEqual([]);

    // config mounted where the command reads it; Secret item mounted where PostUp reads it
    const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m]));
    const vols = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
    expect(vols.config.configMap).toEqual({ name: 'wireguard-config', defaultMode: 0o400 });
    expect(mounts.config).toEqual({ name: 'config', mountPath: '/etc/wireguard/config', readOnly: true });
    expect(container.command[2]).toContain('wg-quick up /etc/wireguard/config/wg0.conf');
    expect(vols['private-key'].secret).toEqual({ secretName: 'wg-europe-west', items: [{ key: 'privatekey', path: 'privatekey' }], defaultMode: 0o400 });
    expect(mounts['private-key']).toEqual({ name: 'private-key', mountPath: '/etc/wireguard/keys', readOnly: true });
    expect(cm.data['wg0.conf']).toContain('PostUp = wg set %i private-key /etc/wireguard/keys/privatekey');
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
    expect(synthSite('asia-east').pod.nodeSelector).toEqual({ 'zero-trust.cdk8s.io/wireguard-gateway': 'true' });
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
