import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  CONTAINER_LOG_DIR, ES_PASSWORD_ENV, ES_USER_ENV, FluentdConfigInput, POD_LOG_DIR, renderFluentdConfig,
} from './fluentd-config';
import { defaultPeerFor, splitImageTag, validateValuesPrefix } from './internal';
import { FLUENTD_LOG_SHIPPER_PROPS } from './props-specs';
import { validatePinnedImage } from '../core/image-ref';
import { Port } from '../core/port';
import { Tunable } from '../core/tunable';
import { fail, validateDns1123Label, validateDns1123Subdomain, validateHostPort } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { Flows } from '../flows/flows';
import { IPeer, Peer } from '../flows/peer';

/** Default image: fluentd with the kubernetes_metadata filter, the CRI parser and the ES 8 output. */
const DEFAULT_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.16.2-debian-elasticsearch8-1.1';
/** Port of fluentd's monitor_agent (health probes). */
const MONITOR_PORT = 24220;
const CONFIG_DIR = '/etc/fluentd';
const STATE_DIR = '/var/lib/fluentd-state';
const BUFFER_DIR = `${STATE_DIR}/buffer`;
const CA_DIR = '/etc/fluentd/es-ca';

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
   * @default - an emptyDir
   */
  readonly stateHostPath?: string;

  /**
   * Maximum size of the file buffer, in MiB.
   *
   * @default 2048
   */
  readonly bufferLimitMib?: number;

  /**
   * User id of the fluentd process. Container log files are `root:root 0640` (containerd), so
   * the default is root (with every capability dropped). A non-zero id runs non-root with
   * supplemental group 0, which reads them where the runtime makes them group-readable.
   *
   * @default 0
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
 * Fluentd as a DaemonSet that ships every container's logs to Elasticsearch (S20, fixed):
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
 * (danger, unless runAsUser is set: the log files are root-owned) and
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
    if (props === undefined || props === null) {
      fail(path, 'props', props, 'props with credentials (a Secret)');
    }
    if (props.credentials === undefined || props.credentials === null || typeof props.credentials.name !== 'string') {
      fail(path, 'credentials', props.credentials === undefined ? undefined : String(props.credentials),
        'a Secret (kplus.Secret or kplus.Secret.fromSecretName) holding the Elasticsearch user and password');
    }
    const name = props.name ?? 'fluentd';
    validateDns1123Label(path, 'name', name);
    const namespace = props.namespace ?? 'logging';
    validateDns1123Label(path, 'namespace', namespace);
    const usernameKey = props.usernameKey ?? 'username';
    const passwordKey = props.passwordKey ?? 'password';
    for (const [field, key] of [['usernameKey', usernameKey], ['passwordKey', passwordKey]]) {
      if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key)) {
        fail(path, field, key, 'a Secret key: letters, digits, \'-\', \'_\' or \'.\'');
      }
    }
    const image = props.image ?? DEFAULT_IMAGE;
    validatePinnedImage(path, 'image', image, DEFAULT_IMAGE);
    const endpoint = props.elasticsearchEndpoint ?? 'elasticsearch.logging:9200';
    validateHostPort(path, 'elasticsearchEndpoint', endpoint);
    const colon = endpoint.lastIndexOf(':');
    const host = endpoint.startsWith('[') ? endpoint.slice(0, colon) : endpoint.slice(0, colon);
    const port = Number(endpoint.slice(colon + 1));
    const tls = props.elasticsearchTls ?? true;
    if (props.elasticsearchCa !== undefined && !tls) {
      fail(path, 'elasticsearchCa', props.elasticsearchCa.name, 'no CA when elasticsearchTls is false');
    }
    const indexPrefix = props.indexPrefix ?? 'k8s';
    if (typeof indexPrefix !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,99}$/.test(indexPrefix)) {
      fail(path, 'indexPrefix', indexPrefix, 'a lowercase Elasticsearch index prefix: a-z, 0-9, \'-\' or \'_\', starting with a letter or digit');
    }
    if (props.stateHostPath !== undefined) {
      const p = props.stateHostPath;
      if (typeof p !== 'string' || !/^\/[^\0]*[^/]$/.test(p) || p.split('/').includes('..')
        || ['/var/log', CONTAINER_LOG_DIR, POD_LOG_DIR].some((d) => p === d || p.startsWith(`${d}/`))) {
        fail(path, 'stateHostPath', p, 'an absolute node directory without \'..\', outside /var/log (e.g. /var/lib/fluentd)');
      }
    }
    const bufferLimitMib = props.bufferLimitMib ?? 2048;
    if (!Number.isSafeInteger(bufferLimitMib) || bufferLimitMib < 64) {
      fail(path, 'bufferLimitMib', bufferLimitMib, 'an integer number of MiB, at least 64');
    }
    const runAsUser = props.runAsUser ?? 0;
    if (!Number.isSafeInteger(runAsUser) || runAsUser < 0 || runAsUser > 2147483647) {
      fail(path, 'runAsUser', runAsUser, 'a user id from 0 to 2147483647');
    }
    const resources = renderResources(path, props.resources);
    if (props.priorityClassName !== undefined) {
      validateDns1123Subdomain(path, 'priorityClassName', props.priorityClassName);
    }
    const prefix = props.valuesPrefix ?? 'logging.fluentd';
    validateValuesPrefix(path, 'valuesPrefix', prefix);

    this.shipperName = name;
    this.namespace = namespace;
    this.elasticsearchPeer = props.elasticsearch !== undefined
      ? Peer._resolve(path, 'elasticsearch', props.elasticsearch)
      : defaultPeerFor(path, 'elasticsearch', endpoint, namespace);
    // the selector (immutable on a DaemonSet) and the flow peer keep the two original labels; every
    // object and the pod template also carry the instance label (Polaris metadataAndInstanceMismatched)
    const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'log-shipper' };
    const labels = { ...selector, 'app.kubernetes.io/instance': name };
    this.peer = Peer.pods(selector, { namespace, serviceAccountName: name, name });

    this.fluentConfInput = {
      host,
      port,
      scheme: tls ? 'https' : 'http',
      sslVerify: true,
      caFile: props.elasticsearchCa ? `${CA_DIR}/ca.crt` : undefined,
      indexPrefix,
      // the shipper's own logs would loop (each shipped line logs a line)
      excludePaths: [`${CONTAINER_LOG_DIR}/${name}-*_${namespace}_*.log`],
      stateDir: STATE_DIR,
      bufferDir: BUFFER_DIR,
      totalLimitSize: `${bufferLimitMib}MB`,
      monitorPort: MONITOR_PORT,
    };
    this.fluentConf = renderFluentdConfig(this.fluentConfInput);

    const meta = (extra: { [k: string]: string } = {}) => ({ name, namespace, labels: { ...labels, ...extra } });
    new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta(),
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
    validateDns1123Subdomain(path, 'namespace-name', `${namespace}-${name}`);
    const configMap = new kplus.k8s.KubeConfigMap(this, 'Config', {
      metadata: { ...meta(), name: `${name}-config` },
      data: { 'fluent.conf': this.fluentConf },
    });

    const volumes: kplus.k8s.Volume[] = [
      { name: 'config', configMap: { name: configMap.name } },
      { name: 'varlogcontainers', hostPath: { path: CONTAINER_LOG_DIR, type: 'Directory' } },
      { name: 'varlogpods', hostPath: { path: POD_LOG_DIR, type: 'Directory' } },
      props.stateHostPath === undefined
        ? { name: 'state', emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString(`${bufferLimitMib + 64}Mi`) } }
        : { name: 'state', hostPath: { path: props.stateHostPath, type: 'DirectoryOrCreate' } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: kplus.k8s.Quantity.fromString('64Mi') } },
    ];
    const mounts: kplus.k8s.VolumeMount[] = [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'varlogcontainers', mountPath: CONTAINER_LOG_DIR, readOnly: true },
      { name: 'varlogpods', mountPath: POD_LOG_DIR, readOnly: true },
      { name: 'state', mountPath: STATE_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    if (props.elasticsearchCa !== undefined) {
      volumes.push({ name: 'es-ca', secret: { secretName: props.elasticsearchCa.name, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
      mounts.push({ name: 'es-ca', mountPath: CA_DIR, readOnly: true });
    }
    const probe = (initialDelaySeconds: number): kplus.k8s.Probe => ({
      httpGet: { path: '/api/plugins.json', port: kplus.k8s.IntOrString.fromNumber(MONITOR_PORT) },
      initialDelaySeconds,
      periodSeconds: 20,
      timeoutSeconds: 5,
    });
    const podSecurity: kplus.k8s.PodSecurityContext = runAsUser === 0
      ? { runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } }
      : { runAsUser, runAsGroup: runAsUser, runAsNonRoot: true, supplementalGroups: [0], seccompProfile: { type: 'RuntimeDefault' } };
    const daemonSet = new kplus.k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: meta(),
      spec: {
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            // the kubernetes_metadata filter reads the API with this token (Polaris warning, needed)
            automountServiceAccountToken: true,
            ...(props.priorityClassName === undefined ? {} : { priorityClassName: props.priorityClassName }),
            securityContext: podSecurity,
            terminationGracePeriodSeconds: 30,
            tolerations: [
              { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
            ],
            containers: [{
              name: 'fluentd',
              image,
              imagePullPolicy: 'Always',
              command: ['fluentd', '-c', `${CONFIG_DIR}/fluent.conf`, '--no-supervisor'],
              env: [
                { name: ES_USER_ENV, valueFrom: { secretKeyRef: { name: props.credentials.name, key: usernameKey } } },
                { name: ES_PASSWORD_ENV, valueFrom: { secretKeyRef: { name: props.credentials.name, key: passwordKey } } },
                { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              ],
              ports: [{ name: 'monitor', containerPort: MONITOR_PORT, protocol: 'TCP' }],
              resources,
              livenessProbe: probe(30),
              readinessProbe: probe(10),
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
                ...(runAsUser === 0 ? {} : { runAsNonRoot: true }),
              },
              volumeMounts: mounts,
            }],
            volumes,
          },
        },
      },
    });

    this.declareTunables(prefix, props, { image, host, port, daemonSet, configMap, resources });

    const flows = Flows.of(this);
    flows.allow(this.peer, this.elasticsearchPeer, {
      ports: [Port.tcp(port)],
      description: 'fluentd ships logs to Elasticsearch',
    });
    flows.allow(this.peer, Peer.dns(), {
      ports: [Port.udp(53), Port.tcp(53)],
      description: 'fluentd resolves the Elasticsearch and API server names',
    });
    if (props.apiServer !== undefined) {
      flows.allow(this.peer, props.apiServer, {
        ports: [Port.tcp(443), Port.tcp(6443)],
        description: 'the kubernetes_metadata filter reads pods and namespaces',
      });
    }
    this.node.addValidation({
      validate: () => {
        if (props.apiServer === undefined && flows.isManaged(namespace)) {
          fail(path, 'apiServer', undefined,
            `a peer for the Kubernetes API server (Peer.kubeApiServer([...])): namespace ${namespace} is managed (default deny) and the kubernetes_metadata filter must reach the API`);
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

function renderResources(path: string, r: kplus.ContainerResources | undefined): kplus.k8s.ResourceRequirements {
  const memReq = r?.memory?.request?.toMebibytes() ?? 256;
  const memLim = r?.memory?.limit?.toMebibytes() ?? 512;
  if (memReq > memLim) {
    fail(path, 'resources.memory.request', `${memReq}Mi`, `at most the memory limit (${memLim}Mi)`);
  }
  const q = kplus.k8s.Quantity.fromString;
  return {
    requests: { cpu: q(r?.cpu?.request?.amount ?? '100m'), memory: q(`${memReq}Mi`) },
    limits: { cpu: q(r?.cpu?.limit?.amount ?? '500m'), memory: q(`${memLim}Mi`) },
  };
}
