import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  FluentdLogShipper, IngressBackend, IngressCertificate, OtelCollector, SecureIngress, WireguardGateway, ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';
import { polarisChecksOf, polarisFindings, skippedPolarisChecks } from '../util/polaris';
import { threeSiteMesh } from '../wireguard/fixtures';

/**
 * Polaris (default config) on every workload kind the library emits: no `danger` finding except
 * those the construct documents as its job's needs, and the exact list of warnings, so that a new
 * finding fails here and has to be either fixed or documented.
 */

/** Findings on every object of a synth output, as `object: check (severity)`, distinct and sorted. */
const all = (objs: any[]) => Array.from(new Set(polarisFindings(objs)
  .map((f) => `${f.object}: ${f.check} (${f.severity})`))).sort();

describe('Polaris on the library\'s workloads', () => {
  test('ZeroTrustNamespace-hardened Deployment', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'apps' });
    new kplus.Deployment(chart, 'web', { metadata: { name: 'web', namespace: 'apps' }, containers: [{ image: 'web:1.0', portNumber: 8080 }] });
    const objs = synthAndValidate(chart);
    const checks = polarisChecksOf(objs, 'Deployment/apps/web');
    expect(checks.filter((f) => f.severity === 'danger')).toEqual([]);
    // hardening covers security; reliability settings (probes, replicas, PDB, spread, priority,
    // instance label) are the user's Deployment's; missingNetworkPolicy: with no flows declared the
    // only policy is the namespace's default deny (empty podSelector, no rules)
    expect(checks.map((f) => f.check)).toEqual([
      'livenessProbeMissing', 'metadataAndInstanceMismatched', 'missingNetworkPolicy', 'missingPodDisruptionBudget',
      'priorityClassNotSet', 'readinessProbeMissing', 'topologySpreadConstraint',
    ]);
  });

  test('WireguardGateway: the three documented dangers, and the documented warnings', () => {
    const chart = Testing.chart();
    new WireguardGateway(chart, 'wg', { mesh: threeSiteMesh(), site: 'asia-east' });
    const objs = synthAndValidate(chart);
    expect(all(objs)).toEqual([
      'Deployment/wireguard/wireguard-gateway: dangerousCapabilities (danger)', // NET_ADMIN
      'Deployment/wireguard/wireguard-gateway: deploymentMissingReplicas (warning)', // one replica on purpose
      'Deployment/wireguard/wireguard-gateway: hostNetworkSet (danger)', // tunnel in the node's netns
      'Deployment/wireguard/wireguard-gateway: missingNetworkPolicy (warning)', // no effect on hostNetwork pods
      'Deployment/wireguard/wireguard-gateway: missingPodDisruptionBudget (warning)', // one replica
      'Deployment/wireguard/wireguard-gateway: priorityClassNotSet (warning)', // opt-in priorityClassName
      'Deployment/wireguard/wireguard-gateway: pullPolicyNotAlways (warning)', // pinned tag, restarts without the registry
      'Deployment/wireguard/wireguard-gateway: runAsRootAllowed (danger)', // capabilities need root
      'Deployment/wireguard/wireguard-gateway: topologySpreadConstraint (warning)', // one replica
    ]);
  });

  test('FluentdLogShipper DaemonSet: runAsRootAllowed only with runAsUser 0', () => {
    const chart = Testing.chart();
    new FluentdLogShipper(chart, 'logs', { credentials: kplus.Secret.fromSecretName(chart, 'creds', 'es-credentials') });
    const objs = synthAndValidate(chart);
    const documented = [
      'DaemonSet/logging/fluentd: automountServiceAccountToken (warning)', // the metadata filter calls the API
      'DaemonSet/logging/fluentd: hostPathSet (warning)', // the node's log directories
      // documented in FluentdLogShipper's doc: no NetworkPolicy unless the namespace is managed by
      // Flows, no priority class unless given, no spread (one pod per node); metadataAndInstanceMismatched
      // passes: every object and the pods carry app.kubernetes.io/instance (not the immutable selector)
      'DaemonSet/logging/fluentd: missingNetworkPolicy (warning)',
      'DaemonSet/logging/fluentd: priorityClassNotSet (warning)',
      'DaemonSet/logging/fluentd: topologySpreadConstraint (warning)',
    ];
    // non-root by default (finding 18): group 0 reads the log files
    expect(all(objs)).toEqual(documented);
    const chart0 = Testing.chart();
    new FluentdLogShipper(chart0, 'logs', { credentials: kplus.Secret.fromSecretName(chart0, 'creds', 'es-credentials'), runAsUser: 0 });
    expect(all(synthAndValidate(chart0))).toEqual([...documented, 'DaemonSet/logging/fluentd: runAsRootAllowed (danger)'].sort()); // root only when asked
    const chart2 = Testing.chart();
    new FluentdLogShipper(chart2, 'logs', { credentials: kplus.Secret.fromSecretName(chart2, 'creds', 'es-credentials'), runAsUser: 1000 });
    const objs2 = synthAndValidate(chart2);
    expect(all(objs2)).toEqual(documented);
    const ds = objs2.find((o) => o.kind === 'DaemonSet');
    for (const o of objs2.filter((x) => x.metadata.labels?.['app.kubernetes.io/name'] === 'fluentd')) {
      expect({ obj: `${o.kind}/${o.metadata.name}`, instance: o.metadata.labels['app.kubernetes.io/instance'] }).toEqual({ obj: `${o.kind}/${o.metadata.name}`, instance: 'fluentd' });
    }
    expect(ds.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('fluentd');
    // the selector is unchanged (immutable on an existing DaemonSet)
    expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'fluentd', 'app.kubernetes.io/component': 'log-shipper' });
  });

  test('SecureIngress: the Ingress has TLS; the objects it creates pass', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'web' });
    const web = new kplus.Deployment(chart, 'web', { metadata: { name: 'web', namespace: 'web' }, containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
    const service = new kplus.Service(chart, 'svc', { metadata: { name: 'web-service', namespace: 'web' }, selector: web, ports: [{ port: 80, targetPort: 8080 }] });
    new SecureIngress(chart, 'ing', {
      name: 'secure-ingress',
      rules: [{ host: 'secure.example.com', backend: IngressBackend.fromService(service, { port: 80 }) }],
      certificate: IngressCertificate.fromSecret('tls-secret'),
    });
    const objs = synthAndValidate(chart);
    // no finding on the Ingress (tlsSettingsMissing passes) nor on anything SecureIngress creates;
    // the backend Deployment is the user's (same reliability warnings as above)
    expect(polarisFindings(objs).filter((f) => !f.object.startsWith('Deployment/web/web'))).toEqual([]);
    expect(objs.some((o) => o.kind === 'Ingress' && o.spec.tls.length === 1)).toBe(true);
  });

  test('OtelCollector: the pod the operator makes from the CR\'s security fields', () => {
    const chart = Testing.chart();
    new OtelCollector(chart, 'otel');
    const objs = synthAndValidate(chart);
    const cr = objs.find((o) => o.kind === 'OpenTelemetryCollector');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace },
      spec: { securityContext: cr.spec.podSecurityContext, containers: [{ name: 'otc-container', image: cr.spec.image ?? 'otel/opentelemetry-collector-contrib:0.158.0', securityContext: cr.spec.securityContext, resources: cr.spec.resources }] },
    };
    // only the CR's security fields are ours: probes, labels, pull policy, the ServiceAccount and
    // scheduling are the operator's (reported here so a change shows); no danger, no security warning
    expect(all([...objs, pod])).toEqual([
      'Pod/observability/cluster-collector: automountServiceAccountToken (warning)',
      'Pod/observability/cluster-collector: livenessProbeMissing (warning)',
      'Pod/observability/cluster-collector: metadataAndInstanceMismatched (warning)',
      'Pod/observability/cluster-collector: missingNetworkPolicy (warning)',
      'Pod/observability/cluster-collector: priorityClassNotSet (warning)',
      'Pod/observability/cluster-collector: pullPolicyNotAlways (warning)',
      'Pod/observability/cluster-collector: readinessProbeMissing (warning)',
      'Pod/observability/cluster-collector: topologySpreadConstraint (warning)',
    ]);
  });
});

describe('the evaluator', () => {
  test('fails what it should: templated checks, additional schemas, `not const null`', () => {
    const dep = (over: any = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'n', labels: { 'app.kubernetes.io/instance': 'd' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x:1', ...over }] } } },
    });
    const checks = (objs: any[]) => polarisChecksOf(objs, 'Deployment/n/d').map((f) => f.check);
    const bare = checks([dep()]);
    expect(bare).toEqual(expect.arrayContaining(['linuxHardening', 'livenessProbeMissing', 'missingNetworkPolicy', 'missingPodDisruptionBudget', 'automountServiceAccountToken']));
    expect(bare).not.toContain('metadataAndInstanceMismatched');
    const probe = { exec: { command: ['true'] } };
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: { matchLabels: { app: 'd' } }, ingress: [{}], egress: [{}] } };
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'n' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'd' } } } };
    const fixed = checks([dep({ livenessProbe: probe, securityContext: { capabilities: { drop: ['ALL'] } } }), np, pdb]);
    for (const c of ['linuxHardening', 'livenessProbeMissing', 'missingNetworkPolicy', 'missingPodDisruptionBudget']) expect(fixed).not.toContain(c);
    // a policy in another namespace does not count
    expect(checks([dep(), { ...np, metadata: { name: 'p', namespace: 'other' } }])).toContain('missingNetworkPolicy');
    expect(skippedPolarisChecks().map((s) => s.split(':')[0])).toEqual(expect.arrayContaining(['pdbMinAvailableGreaterThanHPAMinReplicas']));
  });
});
