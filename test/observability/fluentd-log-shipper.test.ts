import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AdmissionGuardrails, FluentdLogShipper, Flows, GuardrailException, Peer, PodSecurityLevel, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';
import { FluentdDirective, parseFluentd } from './fluentd-parse';

function setup(props: any = {}) {
  const chart = Testing.chart();
  const credentials = kplus.Secret.fromSecretName(chart, 'creds', 'es-credentials');
  const shipper = new FluentdLogShipper(chart, 'logs', { credentials, ...props });
  return { chart, shipper, objs: synthAndValidate(chart) };
}

const only = (ds: FluentdDirective[], name: string, arg?: string) => {
  const found = ds.filter((d) => d.name === name && (arg === undefined || d.arg === arg));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('FluentdLogShipper', () => {
  test('a DaemonSet with RBAC, read-only log mounts, hardened container, credentials from a Secret', () => {
    const { objs } = setup();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/logging-fluentd', 'ClusterRoleBinding/logging-fluentd', 'ConfigMap/fluentd-config',
      'DaemonSet/fluentd', 'ServiceAccount/fluentd',
    ]);
    const role = objs.find((o) => o.kind === 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }]);
    const binding = objs.find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'fluentd', namespace: 'logging' }]);
    const ds = objs.find((o) => o.kind === 'DaemonSet');
    const pod = ds.spec.template.spec;
    expect(pod.serviceAccountName).toBe('fluentd');
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      runAsNonRoot: true,
    });
    // finding 18: non-root by default; group 0 reads containerd's root:root 0640 log files
    expect(pod.securityContext).toEqual({
      runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, supplementalGroups: [0], seccompProfile: { type: 'RuntimeDefault' },
    });
    const hostPaths = pod.volumes.filter((v: any) => v.hostPath).map((v: any) => v.name);
    expect(hostPaths.sort()).toEqual(['varlogcontainers', 'varlogpods']);
    for (const m of c.volumeMounts.filter((x: any) => hostPaths.includes(x.name))) expect(m.readOnly).toBe(true);
    expect(pod.volumes.find((v: any) => v.name === 'state').emptyDir).toBeDefined();
    // finding 18: the credentials are files (mode 0440, group 0), never environment variables
    expect(c.env.filter((e: any) => e.valueFrom?.secretKeyRef !== undefined)).toEqual([]);
    expect(pod.volumes.find((v: any) => v.name === 'es-credentials').secret).toEqual({
      secretName: 'es-credentials',
      items: [{ key: 'username', path: 'username' }, { key: 'password', path: 'password' }],
      defaultMode: 0o440,
    });
    expect(c.volumeMounts.find((m: any) => m.name === 'es-credentials')).toEqual({ name: 'es-credentials', mountPath: '/etc/fluentd/es-credentials', readOnly: true });
    expect(c.env.every((e: any) => e.value === undefined)).toBe(true);
    expect(objs).toMatchSnapshot();
  });

  test('the generated fluent.conf parses back with every required directive', () => {
    const { objs } = setup();
    const conf: string = objs.find((o) => o.kind === 'ConfigMap').data['fluent.conf'];
    expect(conf).not.toContain('{{');
    expect(conf).not.toMatch(/password\s+(?!"#\{File\.read)/);
    const top = parseFluentd(conf);
    const tail = top.filter((d) => d.name === 'source' && d.params['@type'] === 'tail');
    expect(tail).toHaveLength(1);
    expect(tail[0].params).toMatchObject({ path: '/var/log/containers/*.log', tag: 'kubernetes.*', read_from_head: 'true' });
    expect(tail[0].params.pos_file).toMatch(/^\/var\/lib\/fluentd-state\//);
    expect(tail[0].params.exclude_path).toBe('["/var/log/containers/fluentd-*_logging_*.log"]');
    expect(only(tail[0].children, 'parse').params['@type']).toBe('cri');
    // kubernetes_metadata is a filter, not a source
    expect(top.some((d) => d.name === 'source' && d.params['@type'] === 'kubernetes_metadata')).toBe(false);
    expect(only(top, 'filter', 'kubernetes.**').params['@type']).toBe('kubernetes_metadata');
    const match = only(top, 'match', 'kubernetes.**');
    expect(match.params).toMatchObject({
      '@type': 'elasticsearch',
      'host': 'elasticsearch.logging',
      'port': '9200',
      'scheme': 'https',
      'ssl_verify': 'true',
      'user': '"#{File.read(\'/etc/fluentd/es-credentials/username\').strip}"',
      'password': '"#{File.read(\'/etc/fluentd/es-credentials/password\').strip}"',
      'logstash_format': 'true',
      'logstash_prefix': 'k8s-${$.kubernetes.namespace_name}',
    });
    const buffer = only(match.children, 'buffer');
    // the placeholder's key must be a chunk key
    expect(buffer.arg.split(',').map((s) => s.trim())).toContain('$.kubernetes.namespace_name');
    expect(buffer.params).toMatchObject({ '@type': 'file', 'retry_type': 'exponential_backoff', 'path': '/var/lib/fluentd-state/buffer' });
    expect(buffer.params.retry_max_interval).toBeDefined();
  });

  test('options: plain http, CA secret, state on the node, non-root, custom prefix', () => {
    const chart = Testing.chart();
    const credentials = kplus.Secret.fromSecretName(chart, 'creds', 'es');
    const ca = kplus.Secret.fromSecretName(chart, 'ca', 'es-ca');
    const s = new FluentdLogShipper(chart, 'logs', {
      credentials,
      elasticsearchCa: ca,
      stateHostPath: '/var/lib/fluentd',
      stateHostPathProvisioned: true,
      runAsUser: 1000,
      indexPrefix: 'prod',
      elasticsearchEndpoint: 'es-http.search.svc:9243',
      usernameKey: 'user',
      passwordKey: 'pass',
    });
    const objs = synthAndValidate(chart);
    const pod = objs.find((o) => o.kind === 'DaemonSet').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true, supplementalGroups: [0] });
    // provisioned for uid 1000: the kubelet must find it (it would create it root-owned)
    expect(pod.volumes.find((v: any) => v.name === 'state').hostPath).toEqual({ path: '/var/lib/fluentd', type: 'Directory' });
    const match = only(parseFluentd(s.fluentConf), 'match', 'kubernetes.**');
    expect(match.params).toMatchObject({ host: 'es-http.search.svc', port: '9243', ca_file: '/etc/fluentd/es-ca/ca.crt', logstash_prefix: 'prod-${$.kubernetes.namespace_name}' });
    expect(s.elasticsearchPeer.namespace).toBe('search');

    const plain = new FluentdLogShipper(Testing.chart(), 'l', { credentials: kplus.Secret.fromSecretName(Testing.chart(), 'c', 'x'), elasticsearchTls: false });
    const m2 = only(parseFluentd(plain.fluentConf), 'match', 'kubernetes.**');
    expect(m2.params.scheme).toBe('http');
    expect(m2.params.ssl_verify).toBeUndefined();
  });

  test('flows: fluentd -> Elasticsearch 9200, DNS and the API server; nothing else', () => {
    const chart = Testing.chart();
    const flows = Flows.of(chart);
    flows.manageNamespace('logging');
    new FluentdLogShipper(chart, 'logs', {
      credentials: kplus.Secret.fromSecretName(chart, 'creds', 'es'),
      elasticsearch: Peer.pods({ 'app.kubernetes.io/name': 'elasticsearch' }, { namespace: 'logging' }),
      apiServer: Peer.kubeApiServer(['172.18.0.2/32']),
    });
    const described = flows.all.map((f) => `${f.from.peerName} -> ${f.to.peerName} ${f.ports.map((p) => p.toString()).join(',')}`);
    expect(described.sort()).toEqual([
      'fluentd -> dns TCP/53,UDP/53',
      'fluentd -> elasticsearch TCP/9200',
      'fluentd -> kube-apiserver TCP/443,TCP/6443',
    ]);
    const policies = synthAndValidate(chart).filter((o) => o.kind === 'NetworkPolicy');
    // Elasticsearch accepts fluentd only
    const toEs = policies.filter((p) => (p.spec.ingress ?? []).length > 0
      && p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'elasticsearch');
    expect(toEs.flatMap((p) => p.spec.ingress)).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'log-shipper', 'app.kubernetes.io/name': 'fluentd' } } }],
      ports: [{ port: 9200, protocol: 'TCP' }],
    }]);
    // fluentd accepts no connection at all (no ingress rule selects it)
    expect(policies.filter((p) => (p.spec.ingress ?? []).length > 0 && p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'fluentd')).toEqual([]);
  });

  describe('stateHostPath: a node directory fluentd can write', () => {
    const shipper = (props: any) => {
      const chart = Testing.chart();
      new FluentdLogShipper(chart, 'logs', { credentials: kplus.Secret.fromSecretName(chart, 'c', 'es'), ...props });
      const pod = synthAndValidate(chart).find((o) => o.kind === 'DaemonSet').spec.template.spec;
      return { security: pod.securityContext, state: pod.volumes.find((v: any) => v.name === 'state') };
    };
    test('non-root (the default) without stateHostPathProvisioned: refused, naming the path, the field, the value, the uid and the fix', () => {
      const err = (() => {
        try { shipper({ stateHostPath: '/var/lib/fluentd' }); } catch (e) { return (e as Error).message; }
        return '';
      })();
      expect(err).toMatch(/^test\/logs: invalid stateHostPath "\/var\/lib\/fluentd"/);
      expect(err).toContain('root:root 0755');
      expect(err).toContain('runAsUser 1000');
      expect(err).toContain('install -d -o 1000 -g 1000 -m 0700 /var/lib/fluentd');
      expect(err).toContain('stateHostPathProvisioned: true');
      expect(() => shipper({ stateHostPath: '/var/lib/fluentd', runAsUser: 4242, stateHostPathProvisioned: false })).toThrow(/runAsUser 4242.*-o 4242/);
    });
    test('non-root with a provisioned directory: type Directory (the kubelet never creates it root-owned), pod non-root', () => {
      const { security, state } = shipper({ stateHostPath: '/var/lib/fluentd', stateHostPathProvisioned: true });
      expect(state.hostPath).toEqual({ path: '/var/lib/fluentd', type: 'Directory' });
      expect(security).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true });
    });
    test('root: DirectoryOrCreate (the kubelet creates it root:root 0755, which uid 0 owns); provisioned: Directory', () => {
      expect(shipper({ stateHostPath: '/var/lib/fluentd', runAsUser: 0 }).state.hostPath).toEqual({ path: '/var/lib/fluentd', type: 'DirectoryOrCreate' });
      expect(shipper({ stateHostPath: '/var/lib/fluentd', runAsUser: 0, stateHostPathProvisioned: true }).state.hostPath.type).toBe('Directory');
    });
    test('under AdmissionGuardrails (hostPath read-only only, even with an exception) a stateHostPath fails synthesis', () => {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'ns', { name: 'logging', podSecurity: PodSecurityLevel.PRIVILEGED });
      new AdmissionGuardrails(chart, 'guardrails', { exceptions: [GuardrailException.logShipper('logging')] });
      new FluentdLogShipper(chart, 'logs', {
        credentials: kplus.Secret.fromSecretName(chart, 'c', 'es'),
        stateHostPath: '/var/lib/fluentd',
        stateHostPathProvisioned: true,
        apiServer: Peer.kubeApiServer(['172.18.0.2/32']),
      });
      expect(() => Testing.synth(chart)).toThrow(/test\/logs\/DaemonSet: .*restrict-host-paths.*read-only/);
    });
    test('without stateHostPath: an emptyDir; stateHostPathProvisioned alone is refused', () => {
      expect(shipper({}).state.emptyDir).toBeDefined();
      expect(shipper({ stateHostPathProvisioned: false }).state.hostPath).toBeUndefined();
      expect(() => shipper({ stateHostPathProvisioned: true })).toThrow(/test\/logs: invalid stateHostPathProvisioned true: expected only with stateHostPath/);
    });
  });

  describe('bad input', () => {
    const creds = () => kplus.Secret.fromSecretName(Testing.chart(), 'c', 'es');
    test('an endpoint that is not host:port', () => {
      expect(() => setup({ elasticsearchEndpoint: 'elasticsearch.logging' }))
        .toThrow(/invalid elasticsearchEndpoint "elasticsearch.logging": expected host:port/);
      expect(() => setup({ elasticsearchEndpoint: 'https://es:9200' })).toThrow(/invalid elasticsearchEndpoint "https:\/\/es:9200"/);
    });
    test('missing credentials, bad keys, prefix, host path, user, image', () => {
      expect(() => new FluentdLogShipper(Testing.chart(), 'l', {} as any)).toThrow(/invalid credentials undefined: expected a Secret/);
      expect(() => new FluentdLogShipper(Testing.chart(), 'l', { credentials: creds(), passwordKey: 'a/b' })).toThrow(/invalid passwordKey "a\/b"/);
      expect(() => new FluentdLogShipper(Testing.chart(), 'l', { credentials: creds(), indexPrefix: 'K8S' })).toThrow(/invalid indexPrefix "K8S"/);
      expect(() => new FluentdLogShipper(Testing.chart(), 'l', { credentials: creds(), stateHostPath: '/var/log/fluentd' })).toThrow(/invalid stateHostPath "\/var\/log\/fluentd"/);
      expect(() => new FluentdLogShipper(Testing.chart(), 'l', { credentials: creds(), runAsUser: -1 })).toThrow(/invalid runAsUser -1/);
      // root only when asked for: the container then drops runAsNonRoot
      const root = synthAndValidate((() => { const ch = Testing.chart(); new FluentdLogShipper(ch, 'l', { credentials: kplus.Secret.fromSecretName(ch, 'c', 'es'), runAsUser: 0 }); return ch; })())
        .find((o) => o.kind === 'DaemonSet').spec.template.spec;
      expect(root.securityContext.runAsUser).toBe(0);
      expect(root.containers[0].securityContext.runAsNonRoot).toBeUndefined();
      expect(() => new FluentdLogShipper(Testing.chart(), 'l', { credentials: creds(), image: 'fluentd:latest' })).toThrow(/invalid image "fluentd:latest"/);
    });
    test('a managed namespace without an API server peer fails at synthesis', () => {
      const chart = Testing.chart();
      Flows.of(chart).manageNamespace('logging');
      new FluentdLogShipper(chart, 'logs', { credentials: kplus.Secret.fromSecretName(chart, 'c', 'es') });
      expect(() => chart.node.findAll().forEach((c) => c.node.validate())).toThrow(/test\/logs: invalid apiServer undefined: expected a peer for the Kubernetes API server/);
    });
  });
});
