import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_PRIVATE_KEY_FILE, WIREGUARD_GATEWAY_NODE_LABEL } from './constants';
import { WIREGUARD_GATEWAY_PROPS } from './props-specs';
import { forwardRules, renderForwardFilter } from './wireguard-forward';
import { planWireguardGateway, splitImageTag, WireguardGatewayPlan } from './wireguard-gateway-plan';
import { WireguardMesh } from './wireguard-mesh';
import { shortHash } from '../core/strings';
import { Tunable } from '../core/tunable';
import { ValidationError } from '../core/validation-error';
import { checkConstruct } from '../flows/chart-checks';
import { Flows } from '../flows/flows';

const NAME = 'wireguard-gateway';
const CONFIG_DIR = '/etc/wireguard/config';
const KEY_DIR = '/etc/wireguard/keys';

/**
 * Properties of a {@link WireguardGateway}.
 */
export interface WireguardGatewayProps {
  /**
   * The mesh this gateway belongs to.
   */
  readonly mesh: WireguardMesh;

  /**
   * The mesh site this chart (cluster) is.
   */
  readonly site: string;

  /**
   * Namespace the gateway runs in. The construct emits it (with Pod Security `privileged`,
   * which the gateway needs: hostNetwork and NET_ADMIN are outside `baseline`).
   *
   * @default 'wireguard'
   */
  readonly namespace?: string;

  /**
   * Gateway image: needs `bash`, `wg`, `wg-quick` and `ip` (iproute2).
   *
   * @default 'linuxserver/wireguard:1.0.20210914' (the seed's image, pinned by tag; pin by digest in production)
   */
  readonly image?: string;

  /**
   * Load the `wireguard` kernel module at start (`modprobe wireguard`), which adds the
   * `SYS_MODULE` capability and mounts the host's `/lib/modules`. Only for kernels that ship
   * WireGuard as a module that is not auto-loaded (Linux 5.6+ has it built in or auto-loads it on
   * `ip link add type wireguard`).
   *
   * `SYS_MODULE` is node root: under the RuntimeDefault seccomp profile it permits
   * `init_module`/`finit_module` of any module file, including one written to the container's
   * `/tmp`, i.e. running code in the kernel; the read-only `/lib/modules` mount does not prevent
   * that. Prefer loading the module when the node is provisioned (`modprobe wireguard` and
   * `/etc/modules-load.d/wireguard.conf` in the node image or its bootstrap) and leave this off.
   *
   * @default false
   */
  readonly loadKernelModule?: boolean;

  /**
   * Node selector of the gateway pod: the nodes that hold the site's public endpoint.
   *
   * The default label is under `node-restriction.kubernetes.io/`, which the NodeRestriction
   * admission plugin forbids kubelets to set on their own Node: a compromised node cannot label
   * itself to attract the gateway pod and its private key. A label outside that prefix (e.g. the
   * `zero-trust.cdk8s.io/wireguard-gateway` of earlier versions) can be set by any kubelet.
   * Label the gateway nodes as an administrator:
   * `kubectl label node <node> node-restriction.kubernetes.io/wireguard-gateway=true`, and taint
   * them so that nothing else runs there:
   * `kubectl taint node <node> node-restriction.kubernetes.io/wireguard-gateway=true:NoSchedule`
   * (the gateway pod tolerates that taint).
   *
   * @default { 'node-restriction.kubernetes.io/wireguard-gateway': 'true' }
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * PriorityClass of the gateway pod.
   *
   * @default none (the cluster default)
   */
  readonly priorityClassName?: string;
}

/**
 * A site's WireGuard gateway, emitted into that site's chart: a Namespace, a ServiceAccount
 * without API token, a ConfigMap with the site's wg-quick config (no private key), and a
 * Deployment of exactly one pod on the gateway nodes.
 *
 * Why a single-replica Deployment and not a DaemonSet: a site has one endpoint and one key pair;
 * two gateways with the same key make the peers' endpoint flap between them, and a DaemonSet on
 * every node would need one endpoint per node. `Recreate` keeps the key in one place at a time;
 * if the gateway node fails, the pod moves to another labelled node (the endpoint must follow it:
 * a floating IP or a UDP load balancer). Pods on other nodes reach the remote CIDRs through the
 * cluster's routing to the gateway node (cloud route table or CNI), which is outside this construct.
 *
 * What the pod needs, and what it does not get:
 * - `hostNetwork: true`: the tunnel and its routes must be in the node's network namespace.
 *   NetworkPolicies do not apply to hostNetwork pods, so none is emitted here.
 * - root with `NET_ADMIN` (plus `SYS_MODULE` only with `loadKernelModule`), every other capability
 *   dropped, not privileged, no privilege escalation, seccomp `RuntimeDefault`, read-only root
 *   file system (emptyDirs for `/tmp` and `/run`). `runAsNonRoot` is impossible: capabilities of a
 *   non-root process are not effective without file capabilities on `wg`/`ip`.
 * - The linuxserver image's s6 init (which runs as root and writes to `/config`) is not used: the
 *   command runs `wg-quick up` on the mounted config and waits; `wg-quick down` on SIGTERM.
 * - The private key comes from the site's Secret, mounted read-only (mode 0400) at
 *   `/etc/wireguard/keys/privatekey` and loaded by the container's script (`wg set <if>
 *   private-key <file>` after `wg-quick up`), never by a wg-quick hook: the script refuses a
 *   config with `PreUp`/`PostUp`/`PreDown`/`PostDown`/`SaveConfig`/`DNS` (wg-quick runs hooks as
 *   root in the node's network namespace, so a config that may carry them is code). The ConfigMap
 *   is `immutable` and its name ends with a hash of its content: a changed mesh is a new
 *   ConfigMap and a new pod template (a rollout), and the running one cannot be edited.
 * - A forwarding filter: before the tunnel comes up, the script installs iptables chains (in the
 *   `mangle` table, so that no ACCEPT the CNI or kube-proxy put in the `filter` table skips them) that let
 *   through only the flows of this chart that cross the tunnel (one end an IP block inside another
 *   site's CIDRs, the other end in this cluster: direction, source and destination blocks,
 *   protocol, ports), the replies by conntrack, and drop every other packet that enters or leaves
 *   the tunnel, and every packet from the tunnel to the node itself. Without a declared flow
 *   nothing crosses. The allowed packets continue through the node's own FORWARD rules (RETURN,
 *   not ACCEPT), and the NetworkPolicies of both ends still apply. The image needs `iptables`
 *   (`ip6tables` for an IPv6 mesh); the linuxserver image has it.
 * - Node placement: `nodeSelector` (default: the `node-restriction.kubernetes.io/wireguard-gateway`
 *   label, which kubelets cannot set on themselves) and a toleration of the taint of that key.
 *
 * Polaris checks the job fails by design: `hostNetworkSet`, `dangerousCapabilities` (NET_ADMIN)
 * and `runAsRootAllowed` (danger); `deploymentMissingReplicas`, `missingPodDisruptionBudget`,
 * `topologySpreadConstraint` (one replica on purpose), `missingNetworkPolicy` (no effect on
 * hostNetwork pods) and `priorityClassNotSet` unless `priorityClassName` is given (warning).
 * The node must forward IP packets (`net.ipv4.ip_forward=1`, which Kubernetes nodes already need).
 *
 * Helm values (tunables): `wireguard.image.repository` and `wireguard.image.tag` (not for an
 * image pinned by digest). Replicas stay 1 (see above), the listen port and the config come from
 * the mesh (every peer's config names them), so none of them is tunable.
 */
export class WireguardGateway extends Construct {
  /**
   * The namespace the gateway runs in.
   */
  public readonly namespace: string;

  /**
   * Name of the (immutable) ConfigMap with the wg-quick config: `wireguard-config-<hash>`, the
   * first 10 hex digits of the SHA-256 of the config.
   */
  public readonly configMapName: string;

  /**
   * Name of the gateway Deployment.
   */
  public readonly deploymentName: string;

  /**
   * @param scope the site's chart (or a construct in it)
   * @param id construct id
   * @param props mesh, site and options
   */
  constructor(scope: Construct, id: string, props: WireguardGatewayProps) {
    super(scope, id);
    checkConstruct(this, 'WireguardGatewayProps', props, WIREGUARD_GATEWAY_PROPS);
    const plan = planWireguardGateway(this.node.path, props);
    this.namespace = plan.namespace;
    const conf = plan.mesh.renderConfig(plan.site, { privateKeyFile: DEFAULT_PRIVATE_KEY_FILE });
    // content-hashed: a changed config is a new ConfigMap, hence a new pod template (rollout)
    this.configMapName = `wireguard-config-${shortHash(conf, 10)}`;
    this.deploymentName = NAME;
    const labels = {
      'app.kubernetes.io/name': 'wireguard',
      'app.kubernetes.io/instance': NAME,
      'app.kubernetes.io/component': 'gateway',
      'app.kubernetes.io/part-of': 'cdk8s-zero-trust',
      'zero-trust.cdk8s.io/wireguard-site': plan.site,
    };
    this.renderNamespace();
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: NAME, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: this.configMapName, namespace: this.namespace, labels },
      immutable: true,
      data: { [`${plan.interfaceName}.conf`]: conf },
    });
    this.renderDeployment(plan, labels);
  }

  private renderNamespace(): void {
    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/audit': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
          'app.kubernetes.io/part-of': 'cdk8s-zero-trust',
        },
        annotations: {
          'zero-trust.cdk8s.io/why-privileged':
            'the WireGuard gateway needs hostNetwork and NET_ADMIN (outside the baseline Pod Security level); it drops every other capability and is not privileged',
        },
      },
    });
  }

  private renderDeployment(plan: WireguardGatewayPlan, labels: { [key: string]: string }): void {
    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: NAME, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'wireguard', 'app.kubernetes.io/instance': NAME } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NAME,
            automountServiceAccountToken: false,
            hostNetwork: true,
            dnsPolicy: 'Default',
            nodeSelector: plan.nodeSelector,
            tolerations: [{ key: WIREGUARD_GATEWAY_NODE_LABEL, operator: 'Exists', effect: 'NoSchedule' }],
            ...(plan.priorityClassName ? { priorityClassName: plan.priorityClassName } : {}),
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [renderContainer(plan, Flows.of(this))],
            volumes: renderVolumes(plan, this.configMapName),
          },
        },
      },
    });
    // the flows are declared after the gateway: the script's size is known at synthesis
    this.node.addValidation({ validate: () => scriptSizeErrors(this.node.path, plan, Flows.of(this)) });
    // Helm values: the image (a digest stays pinned: a tag value would unpin it)
    const split = splitImageTag(plan.image);
    if (split !== undefined) {
      Tunable.bindFormat(deployment, '/spec/template/spec/containers/0/image', '%s:%s', [
        Tunable.string('wireguard.image.repository', split.repository, { description: 'WireGuard gateway image repository (needs bash, wg, wg-quick, ip)' }),
        Tunable.string('wireguard.image.tag', split.tag, { description: 'WireGuard gateway image tag (pin a version, never latest)' }),
      ]);
    }
  }
}

/** The gateway container: `wg-quick up` and wait, root with NET_ADMIN only (see the class doc). */
function renderContainer(plan: WireguardGatewayPlan, flows: Flows): k8s.Container {
  const loadModule = plan.loadKernelModule;
  return {
    name: 'wireguard',
    image: plan.image,
    imagePullPolicy: 'IfNotPresent',
    // the flows are read at synthesis (they may be declared after the gateway)
    command: ['/bin/bash', '-c', Lazy.any({ produce: () => renderScript(plan, flows) }) as unknown as string],
    ports: [{ name: 'wireguard', containerPort: plan.mesh.listenPort(plan.site), protocol: 'UDP' }],
    securityContext: {
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsUser: 0,
      runAsNonRoot: false,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: {
        add: loadModule ? ['NET_ADMIN', 'SYS_MODULE'] : ['NET_ADMIN'],
        drop: ['ALL'],
      },
    },
    resources: {
      requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('32Mi') },
      limits: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('128Mi') },
    },
    livenessProbe: renderProbe(plan.interfaceName, 30),
    readinessProbe: renderProbe(plan.interfaceName, 10),
    volumeMounts: [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'private-key', mountPath: KEY_DIR, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'run', mountPath: '/run' },
      ...(loadModule ? [{ name: 'modules', mountPath: '/lib/modules', readOnly: true }] : []),
    ],
  };
}

/**
 * The container's script: refuse a config with wg-quick hooks, install the forwarding filter,
 * bring the tunnel up, load the private key, take the tunnel down on SIGTERM.
 */
function renderScript(plan: WireguardGatewayPlan, flows: Flows): string {
  const ifname = plan.interfaceName;
  const confFile = `${CONFIG_DIR}/${ifname}.conf`;
  const mesh = plan.mesh;
  const site = (name: string) => ({ name, cidrs: mesh.allowedIps(name).slice(0, -1) });
  const rules = forwardRules(flows.all, site(plan.site), mesh.siteNames.filter((n) => n !== plan.site).map(site));
  const v6 = mesh.siteNames.some((n) => mesh.allowedIps(n).some((c) => c.includes(':')));
  return [
    'set -eu',
    ...(plan.loadKernelModule ? ['modprobe wireguard'] : []),
    // the config is data: wg-quick would run hooks as root in the node's network namespace
    `if grep -qiE '^[[:space:]]*(PreUp|PostUp|PreDown|PostDown|SaveConfig|DNS)[[:space:]]*=' ${confFile}; then`,
    `  echo "refusing ${confFile}: wg-quick hooks (PreUp/PostUp/PreDown/PostDown), SaveConfig and DNS are not allowed" >&2; exit 1`,
    'fi',
    ...renderForwardFilter(ifname, rules.filter((r) => !r.source.includes(':'))),
    ...(v6 ? renderForwardFilter(ifname, rules.filter((r) => r.source.includes(':')), 'ip6tables') : []),
    // a crashed predecessor on this node may have left the interface behind
    `ip link del ${ifname} 2>/dev/null || true`,
    `wg-quick up ${confFile}`,
    `wg set ${ifname} private-key ${DEFAULT_PRIVATE_KEY_FILE}`,
    `trap 'wg-quick down ${confFile}; exit 0' TERM INT`,
    'while true; do sleep 3600 & wait $!; done',
  ].join('\n');
}

/** Linux's limit on one exec argument (MAX_ARG_STRLEN, 32 pages, with its NUL): the script is `bash -c`'s. */
const MAX_ARG_BYTES = 131_072;

/** The synthesis error if the kernel would refuse to start the script (E2BIG: the pod would crash-loop). */
function scriptSizeErrors(path: string, plan: WireguardGatewayPlan, flows: Flows): string[] {
  const bytes = Buffer.byteLength(renderScript(plan, flows)) + 1;
  if (bytes <= MAX_ARG_BYTES) return [];
  return [new ValidationError({
    path,
    field: 'flows',
    value: `a start script of ${bytes} bytes`,
    expected: `cross-site flows whose forwarding filter fits one exec argument (${MAX_ARG_BYTES} bytes, Linux's MAX_ARG_STRLEN): merge port lists into ranges (Port.tcpRange) or CIDRs`,
  }).message];
}

function renderProbe(ifname: string, period: number): k8s.Probe {
  return {
    exec: { command: ['wg', 'show', ifname] },
    periodSeconds: period,
    timeoutSeconds: 5,
    failureThreshold: 3,
  };
}

/** The config (no key), the private key (mode 0400), scratch dirs and, if asked, the host's modules. */
function renderVolumes(plan: WireguardGatewayPlan, configMapName: string): k8s.Volume[] {
  const mesh = plan.mesh;
  return [
    { name: 'config', configMap: { name: configMapName, defaultMode: 0o400 } },
    {
      name: 'private-key',
      secret: {
        secretName: mesh.privateKeySecretName(plan.site),
        items: [{ key: mesh.privateKeySecretKey(plan.site), path: 'privatekey' }],
        defaultMode: 0o400,
      },
    },
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
    { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
    ...(plan.loadKernelModule ? [{ name: 'modules', hostPath: { path: '/lib/modules', type: 'Directory' } }] : []),
  ];
}
