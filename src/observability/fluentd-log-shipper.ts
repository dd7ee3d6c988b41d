import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { FluentdConfigInput, renderFluentdConfig } from './fluentd-config';
import { fluentdConfigInput, fluentdDaemonSetSpec, FluentdPlan, planFluentd } from './fluentd-plan';
import { defaultPeerFor, splitImageTag } from './internal';
import { FLUENTD_LOG_SHIPPER_PROPS } from './props-specs';
import { Port } from '../core/port';
import { Tunable } from '../core/tunable';
import { fail, validateDns1123Subdomain } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Flows } from '../flows/flows';
import { IPeer, Peer } from '../flows/peer';

/**
 * Properties of a {@link FluentdLogShipper}.
 */
export interface FluentdLogShipperProps {
  /**
   * The Secret holding the Elasticsearch credentials (keys `usernameKey` and `passwordKey`).
   * They reach fluentd as environment variables, never as text in its ConfigMap.
   */
  readonly credentials: kplus.ISecret;

  /**
   * Key of the user name in `credentials`.
   *
   * @default 'username'
   */
  readonly usernameKey?: string;

  /**
   * Key of the password in `credentials`.
   *
   * @default 'password'
   */
  readonly passwordKey?: string;

  /**
   * Name of the DaemonSet, ServiceAccount, ConfigMap and ClusterRole(Binding).
   *
   * @default 'fluentd'
   */
  readonly name?: string;

  /**
   * Namespace of the shipper.
   *
   * @default 'logging'
   */
  readonly namespace?: string;

  /**
   * Fluentd image (must contain the kubernetes_metadata filter, the `cri` parser and the
   * elasticsearch output).
   *
   * @default 'fluent/fluentd-kubernetes-daemonset:v1.16.2-debian-elasticsearch8-1.1'
   */
  readonly image?: string;

  /**
   * Elasticsearch `host:port`.
   *
   * @default 'elasticsearch.logging:9200'
   */
  readonly elasticsearchEndpoint?: string;

  /**
   * Talk to Elasticsearch over TLS (`scheme https`, certificate verified).
   *
   * @default true
   */
  readonly elasticsearchTls?: boolean;

  /**
   * A Secret with the CA certificate (key `ca.crt`) that signed Elasticsearch's certificate.
   *
   * @default - the system roots
   */
  readonly elasticsearchCa?: kplus.ISecret;

  /**
   * The Elasticsearch pods, for the fluentd -> Elasticsearch flow.
   *
   * @default - every pod of the namespace named in elasticsearchEndpoint (`<service>.<namespace>`)
   */
  readonly elasticsearch?: IPeer;

  /**
   * The Kubernetes API server (`Peer.kubeApiServer([...])`), which the kubernetes_metadata filter
   * queries. Required when the shipper's namespace is managed by a ZeroTrustNamespace (its
   * egress is denied otherwise).
   *
   * @default - no flow declared (synthesis fails if the namespace is managed)
   */
  readonly apiServer?: IPeer;

  /**
   * Index prefix; indices are `<prefix>-<namespace>-YYYY.MM.DD`.
   *
   * @default 'k8s'
   */
  readonly indexPrefix?: string;

  /**
   * A node directory for the tail position file and the file buffer, so they survive the pod
   * being replaced (rollout, eviction). Without it they live in an emptyDir: they survive
   * container restarts, but a new pod re-reads the log files still on the node
   * (`read_from_head`: duplicates in Elasticsearch, no loss) and loses unsent buffered chunks.
   *
   * Fluentd must be able to write there. With `runAsUser: 0` the volume is `DirectoryOrCreate`:
   * the kubelet creates a missing directory `root:root 0755`, which root owns. With the non-root
   * default the kubelet's directory would not be writable (`fsGroup` does not apply to hostPath
   * volumes), so a non-root `stateHostPath` needs `stateHostPathProvisioned: true`: create the
   * directory on every node first, owned by `runAsUser` (e.g. `install -d -o 1000 -g 1000 -m 0700
   * /var/lib/fluentd`); the volume is then `type: Directory`, so a node without it fails the pod
   * (event `hostPath type check failed`) instead of running with an unwritable state directory.
   * `AdmissionGuardrails` admit hostPath volumes read-only only (even with an exception), so
   * under them a `stateHostPath` fails synthesis (the chart's own Kyverno rule
   * `restrict-host-paths`): keep the emptyDir there.
   *
   * The directory is mounted writable, so it must be fluentd's own: a system directory (`/etc`,
   * `/usr`, `/proc`, `/run`, ...), the kubelet's or a container runtime's state
   * (`/var/lib/kubelet`, `/var/lib/containerd`, ...), anything inside one of them or holding one
   * (`/var`, `/var/lib`) is refused, and so is a path over Linux's limits (4095 bytes, 255 per segment).
   *
   * @default - an emptyDir
   */
  readonly stateHostPath?: string;

  /**
   * The `stateHostPath` directory exists on every node and is writable by `runAsUser` (created
   * at node provisioning): the volume is then `type: Directory` (the kubelet never creates it).
   * Required with `stateHostPath` and a non-root `runAsUser`; only allowed with `stateHostPath`.
   *
   * @default false
   */
  readonly stateHostPathProvisioned?: boolean;

  /**
   * Maximum size of the file buffer, in MiB.
   *
   * @default 2048
   */
  readonly bufferLimitMib?: number;

  /**
   * User id of the fluentd process. It runs non-root (`runAsNonRoot`) with supplemental group 0:
   * containerd writes the container log files `root:root 0640` under directories that are
   * world-searchable (`/var/log/pods/<pod>/<container>/`), so group 0 reads them without root. The
   * state and buffer directory is an emptyDir (writable by any user); with `stateHostPath` the node
   * directory must be created writable by this user at node provisioning
   * (`stateHostPathProvisioned`).
   *
   * `0` runs fluentd as root (every capability still dropped). Only needed where the runtime
   * writes the log files unreadable for the group: CRI-O (conmon creates them `0600`). Root
   * fails the `restricted` Pod Security level and the guardrails' non-root check: the namespace
   * needs an exception for the log shipper.
   *
   * @default 1000 (an unprivileged id; the image needs no passwd entry for it)
   */
  readonly runAsUser?: number;

  /**
   * Container resources.
   *
   * @default - requests 100m CPU / 256 MiB, limits 500m CPU / 512 MiB
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * PriorityClass of the fluentd pods (a log shipper usually gets a high one, e.g.
   * `system-node-critical`, so it is not evicted before the workloads whose logs it ships).
   *
   * @default - none (the cluster default; Polaris reports `priorityClassNotSet`)
   */
  readonly priorityClassName?: string;

  /**
   * Prefix of the shipper's Helm values (tunables), e.g. `<prefix>.image.tag`.
   *
   * @default 'logging.fluentd'
   */
  readonly valuesPrefix?: string;
}

/**
 * Fluentd as a DaemonSet that ships every container's logs to Elasticsearch:
 * ServiceAccount + ClusterRole for the kubernetes_metadata filter, tail of the container log
 * files with read-only host mounts, logstash-format indices per namespace (`k8s-<namespace>`),
 * a file buffer with exponential back-off retries, credentials from a Secret.
 *
 * Hardened as far as a log shipper can be: every capability dropped, no privilege escalation,
 * read-only root filesystem, seccomp RuntimeDefault, read-only host log mounts. Every object and
 * the pods carry `app.kubernetes.io/instance: <name>` (the DaemonSet selector stays
 * `app.kubernetes.io/name` + `app.kubernetes.io/component`: a selector is immutable, so adding the
 * label there would break upgrades of an existing DaemonSet). Polaris findings
 * its job needs: `hostPathSet` (warning: the node's log directories), `runAsRootAllowed`
 * (danger, only with `runAsUser: 0`) and
 * `automountServiceAccountToken` (warning: the metadata filter calls the API). Other Polaris
 * warnings: `missingNetworkPolicy` (unless a ZeroTrustNamespace manages the namespace, the
 * declared flows render no NetworkPolicy), `priorityClassNotSet` (unless `priorityClassName` is
 * given) and `topologySpreadConstraint` (not applicable: a DaemonSet runs one pod per node).
 *
 * Helm values (tunables, keys under `valuesPrefix`, default `logging.fluentd`):
 * `image.repository` and `image.tag` (a digest image stays pinned), `resources.memoryRequestMib`
 * and `resources.memoryLimitMib` (integers), `resources.cpuRequestMillicores` and
 * `resources.cpuLimitMillicores` (integers, only when the value is given in millicores, e.g. the
 * defaults 100m and 500m), `elasticsearch.host` (only when `elasticsearch` is given: by default
 * the flow to Elasticsearch is derived from the host's namespace, so a host changed at install
 * time would be covered by no flow; it is the `host` line of fluent.conf in the ConfigMap). The
 * Elasticsearch port is never tunable (the flow allows exactly that port). The values schema
 * refuses a `latest` tag and any host that is not a DNS name (the host is spliced into
 * fluent.conf: a line break would inject Fluentd directives).
 *
 * Declares its flows: fluentd -> Elasticsearch, fluentd -> DNS, fluentd -> API server (when given).
 */
export class FluentdLogShipper extends Construct {
  /** Name of the DaemonSet and its ServiceAccount. */
  public readonly shipperName: string;
  /** Namespace of the shipper. */
  public readonly namespace: string;
  /** The fluentd pods, as a flow peer. */
  public readonly peer: Peer;
  /** The Elasticsearch peer fluentd ships to. */
  public readonly elasticsearchPeer: Peer;
  /** The rendered fluent.conf. */
  public readonly fluentConf: string;

  private readonly fluentConfInput: FluentdConfigInput;

  constructor(scope: Construct, id: string, props: FluentdLogShipperProps) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'FluentdLogShipperProps', props, FLUENTD_LOG_SHIPPER_PROPS);
    const plan = planFluentd(path, props);
    const { name, namespace } = plan;
    this.shipperName = name;
    this.namespace = namespace;
    this.elasticsearchPeer = props.elasticsearch !== undefined
      ? Peer._resolve(path, 'elasticsearch', props.elasticsearch)
      : defaultPeerFor(path, 'elasticsearch', plan.endpoint, namespace);
    this.peer = Peer.pods(plan.selector, { namespace, serviceAccountName: name, name });
    validateDns1123Subdomain(path, 'namespace-name', `${namespace}-${name}`);

    this.fluentConfInput = fluentdConfigInput(plan);
    this.fluentConf = renderFluentdConfig(this.fluentConfInput);
    this.renderRbac(plan);
    const configMap = new kplus.k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${name}-config`, namespace, labels: plan.labels },
      data: { 'fluent.conf': this.fluentConf },
    });
    const daemonSet = new kplus.k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: { name, namespace, labels: plan.labels },
      spec: fluentdDaemonSetSpec(plan, configMap.name),
    });
    this.declareTunables(plan.valuesPrefix, props,
      { image: plan.image, host: plan.host, port: plan.port, daemonSet, configMap, resources: plan.resources });
    this.declareFlows(plan, props.apiServer);
  }

  /** The ServiceAccount and the cluster-wide read access the kubernetes_metadata filter needs. */
  private renderRbac(plan: FluentdPlan): void {
    const { name, namespace, labels } = plan;
    new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace, labels },
      automountServiceAccountToken: false,
    });
    new kplus.k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: `${namespace}-${name}`.slice(0, 253), labels },
      rules: [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `${namespace}-${name}`.slice(0, 253), labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${namespace}-${name}`.slice(0, 253) },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
  }

  /** Flows to Elasticsearch, DNS and (when given) the API server; a managed namespace needs the API server peer. */
  private declareFlows(plan: FluentdPlan, apiServer: IPeer | undefined): void {
    const flows = Flows.of(this);
    flows.allow(this.peer, this.elasticsearchPeer, {
      ports: [Port.tcp(plan.port)],
      description: 'fluentd ships logs to Elasticsearch',
    });
    flows.allow(this.peer, Peer.dns(), {
      ports: [Port.udp(53), Port.tcp(53)],
      description: 'fluentd resolves the Elasticsearch and API server names',
    });
    if (apiServer !== undefined) {
      flows.allow(this.peer, apiServer, {
        ports: [Port.tcp(443), Port.tcp(6443)],
        description: 'the kubernetes_metadata filter reads pods and namespaces',
      });
    }
    this.node.addValidation({
      validate: () => {
        if (apiServer === undefined && flows.isManaged(plan.namespace)) {
          fail(this.node.path, 'apiServer', undefined,
            `a peer for the Kubernetes API server (Peer.kubeApiServer([...])): namespace ${plan.namespace} is managed (default deny) and the kubernetes_metadata filter must reach the API`);
        }
        return [];
      },
    });
  }

  /** Binds the tunable fields (plain synth is unchanged). */
  private declareTunables(prefix: string, props: FluentdLogShipperProps, t: TunableTargets): void {
    const container = '/spec/template/spec/containers/0';
    const image = splitImageTag(t.image);
    if (image !== undefined) {
      Tunable.bindFormat(t.daemonSet, `${container}/image`, '%s:%s', [
        Tunable.string(`${prefix}.image.repository`, image.repository, { description: 'Fluentd image repository (kubernetes_metadata filter, cri parser, elasticsearch output)' }),
        Tunable.string(`${prefix}.image.tag`, image.tag, { description: 'Fluentd image tag (pin a version, never latest)', pattern: IMAGE_TAG_PATTERN, forbiddenValues: ['latest'] }),
      ]);
    }
    const r = t.resources;
    for (const [kind, field, what] of [['requests', 'Request', 'request'], ['limits', 'Limit', 'limit']] as const) {
      const mem = /^([0-9]+)Mi$/.exec(String(r[kind]?.memory?.value));
      if (mem) {
        Tunable.bindFormat(t.daemonSet, `${container}/resources/${kind}/memory`, '%sMi', [
          Tunable.integer(`${prefix}.resources.memory${field}Mib`, Number(mem[1]), { description: `Fluentd memory ${what} in MiB`, minimum: 1 }),
        ]);
      }
      const cpu = /^([0-9]+)m$/.exec(String(r[kind]?.cpu?.value));
      if (cpu) {
        Tunable.bindFormat(t.daemonSet, `${container}/resources/${kind}/cpu`, '%sm', [
          Tunable.integer(`${prefix}.resources.cpu${field}Millicores`, Number(cpu[1]), { description: `Fluentd CPU ${what} in millicores`, minimum: 1 }),
        ]);
      }
    }
    if (props.elasticsearch !== undefined) {
      // the host line of fluent.conf: the text as a format, the host as its only %s
      const marker = '\u0000host\u0000';
      const text = renderFluentdConfig({ ...this.fluentConfInput, host: marker });
      const format = text.replace(/%/g, '%%').split(marker).join('%s');
      const host = Tunable.string(`${prefix}.elasticsearch.host`, t.host, {
        description: `Elasticsearch host (port ${t.port} is fixed: the flow allows only it); must be a pod of the elasticsearch peer`,
        // spliced into fluent.conf: a DNS name only, so a values file cannot inject Fluentd directives
        pattern: HOSTNAME_PATTERN,
      });
      const expected = Tunable.bindFormat(t.configMap, '/data/fluent.conf', format, [host]);
      if (expected !== this.fluentConf) {
        throw new Error(`${this.node.path}: internal error: the fluent.conf format does not render the config`);
      }
    }
  }
}

/** A DNS name (lowercase labels separated by dots), as the values schema checks it. */
const HOSTNAME_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$';
/** An image tag (the OCI grammar), as the values schema checks it. */
const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** What {@link FluentdLogShipper.declareTunables} binds. */
interface TunableTargets {
  readonly image: string;
  readonly host: string;
  readonly port: number;
  readonly daemonSet: kplus.k8s.KubeDaemonSet;
  readonly configMap: kplus.k8s.KubeConfigMap;
  readonly resources: kplus.k8s.ResourceRequirements;
}
