/**
 * Validation of FluentdLogShipperProps into a plan, and the pure render of the DaemonSet spec and
 * of the fluent.conf input (not exported from the package index).
 */
import * as kplus from 'cdk8s-plus-27';
import { CONTAINER_LOG_DIR, CREDENTIALS_DIR, ES_PASSWORD_FILE, ES_USER_FILE, FluentdConfigInput, POD_LOG_DIR } from './fluentd-config';
import type { FluentdLogShipperProps } from './fluentd-log-shipper';
import { validateValuesPrefix } from './internal';
import { secretNameOf } from './secret-ref';
import { validatePinnedImage } from '../core/image-ref';
import { fail, validateDns1123Label, validateDns1123Subdomain, validateHostPort } from '../core/validate';

/** Default image: fluentd with the kubernetes_metadata filter, the CRI parser and the ES 8 output. */
export const DEFAULT_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.16.2-debian-elasticsearch8-1.1';
/** Port of fluentd's monitor_agent (health probes). */
const MONITOR_PORT = 24220;
const CONFIG_DIR = '/etc/fluentd';
const STATE_DIR = '/var/lib/fluentd-state';
const BUFFER_DIR = `${STATE_DIR}/buffer`;
const CA_DIR = '/etc/fluentd/es-ca';
/** Non-root by default: group 0 (supplemental) reads containerd's 0640 log files. */
const DEFAULT_RUN_AS_USER = 1000;


/** A FluentdLogShipper's props, checked, defaults applied. */
export interface FluentdPlan {
  readonly name: string;
  readonly namespace: string;
  /** The DaemonSet selector (immutable) and the flow peer's labels. */
  readonly selector: { [key: string]: string };
  /** Every object's labels: the selector and the instance label (Polaris metadataAndInstanceMismatched). */
  readonly labels: { [key: string]: string };
  readonly credentialsSecret: string;
  readonly usernameKey: string;
  readonly passwordKey: string;
  readonly image: string;
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly caSecret?: string;
  readonly indexPrefix: string;
  readonly stateHostPath?: string;
  /** The state volume's hostPath type (with stateHostPath). */
  readonly stateHostPathType?: 'Directory' | 'DirectoryOrCreate';
  readonly bufferLimitMib: number;
  readonly runAsUser: number;
  readonly resources: kplus.k8s.ResourceRequirements;
  readonly priorityClassName?: string;
  readonly valuesPrefix: string;
}

/** Checks every prop (before anything is created) and applies the defaults. */
export function planFluentd(path: string, props: FluentdLogShipperProps): FluentdPlan {
  if (props === undefined || props === null) {
    fail(path, 'props', props, 'props with credentials (a Secret)');
  }
  const credentialsExpected = 'a Secret (kplus.Secret or kplus.Secret.fromSecretName) holding the Elasticsearch user and password';
  if (props.credentials === undefined) fail(path, 'credentials', undefined, credentialsExpected);
  const credentialsSecret = secretNameOf(path, 'credentials', props.credentials, credentialsExpected)!;
  const name = props.name ?? 'fluentd';
  validateDns1123Label(path, 'name', name);
  const namespace = props.namespace ?? 'logging';
  validateDns1123Label(path, 'namespace', namespace);
  const usernameKey = props.usernameKey ?? 'username';
  const passwordKey = props.passwordKey ?? 'password';
  for (const [field, key] of [['usernameKey', usernameKey], ['passwordKey', passwordKey]]) {
    // Kubernetes refuses '.', '..' and keys starting with '..' in a Secret: such a key would never be there
    if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key) || key === '.' || key.startsWith('..')) {
      fail(path, field, key, 'a Secret key: letters, digits, \'-\', \'_\' or \'.\' (not \'.\', nor starting with \'..\')');
    }
  }
  const image = props.image ?? DEFAULT_IMAGE;
  validatePinnedImage(path, 'image', image, DEFAULT_IMAGE);
  const es = planElasticsearch(path, props);
  const node = planNode(path, props);
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'log-shipper' };
  return {
    name,
    namespace,
    selector,
    labels: { ...selector, 'app.kubernetes.io/instance': name },
    credentialsSecret,
    usernameKey,
    passwordKey,
    image,
    ...es,
    ...node,
  };
}

function planElasticsearch(path: string, props: FluentdLogShipperProps):
Pick<FluentdPlan, 'endpoint' | 'host' | 'port' | 'tls' | 'caSecret' | 'indexPrefix'> {
  const endpoint = props.elasticsearchEndpoint ?? 'elasticsearch.logging:9200';
  validateHostPort(path, 'elasticsearchEndpoint', endpoint);
  const colon = endpoint.lastIndexOf(':');
  const tls = props.elasticsearchTls ?? true;
  const caSecret = secretNameOf(path, 'elasticsearchCa', props.elasticsearchCa, 'a Secret (kplus.Secret or kplus.Secret.fromSecretName) with the CA certificate in ca.crt');
  if (caSecret !== undefined && !tls) {
    fail(path, 'elasticsearchCa', caSecret, 'no CA when elasticsearchTls is false');
  }
  const indexPrefix = props.indexPrefix ?? 'k8s';
  if (typeof indexPrefix !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,99}$/.test(indexPrefix)) {
    fail(path, 'indexPrefix', indexPrefix, 'a lowercase Elasticsearch index prefix: a-z, 0-9, \'-\' or \'_\', starting with a letter or digit');
  }
  return {
    endpoint,
    host: endpoint.slice(0, colon),
    port: Number(endpoint.slice(colon + 1)),
    tls,
    caSecret,
    indexPrefix,
  };
}

function planNode(path: string, props: FluentdLogShipperProps):
Pick<FluentdPlan, 'stateHostPath' | 'stateHostPathType' | 'bufferLimitMib' | 'runAsUser' | 'resources' | 'priorityClassName' | 'valuesPrefix'> {
  validateStateHostPath(path, props.stateHostPath);
  const bufferLimitMib = props.bufferLimitMib ?? 2048;
  if (!Number.isSafeInteger(bufferLimitMib) || bufferLimitMib < 64) {
    fail(path, 'bufferLimitMib', bufferLimitMib, 'an integer number of MiB, at least 64');
  }
  const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_USER;
  if (!Number.isSafeInteger(runAsUser) || runAsUser < 0 || runAsUser > 2147483647) {
    fail(path, 'runAsUser', runAsUser, 'a user id from 0 to 2147483647');
  }
  const stateHostPathType = planStateHostPathType(path, props, runAsUser);
  const resources = renderResources(path, props.resources);
  if (props.priorityClassName !== undefined) {
    validateDns1123Subdomain(path, 'priorityClassName', props.priorityClassName);
  }
  const valuesPrefix = props.valuesPrefix ?? 'logging.fluentd';
  validateValuesPrefix(path, 'valuesPrefix', valuesPrefix);
  const priorityClassName = props.priorityClassName;
  return { stateHostPath: props.stateHostPath, stateHostPathType, bufferLimitMib, runAsUser, resources, priorityClassName, valuesPrefix };
}

/**
 * Node directories a writable hostPath must neither be, be inside nor contain: the system's own
 * (a writable /etc or /usr is the node), the kubelet's and the runtimes' state (pod Secrets,
 * service account tokens, other containers' filesystems).
 */
const SYSTEM_DIRS = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/opt/cni', '/proc', '/root', '/run', '/sbin', '/sys', '/usr',
  '/var/lib/cni', '/var/lib/containerd', '/var/lib/containers', '/var/lib/docker', '/var/lib/etcd', '/var/lib/kubelet', '/var/run',
];

/** Linux's limits: PATH_MAX (4096 bytes with the NUL) and NAME_MAX (255 bytes per segment). */
function overLinuxLimits(p: string): boolean {
  return Buffer.byteLength(p, 'utf8') > 4095 || p.split('/').some((seg) => Buffer.byteLength(seg, 'utf8') > 255);
}

function validateStateHostPath(path: string, p: string | undefined): void {
  if (p === undefined) return;
  // every segment named ('/var//log' and '/var/./log' are /var/log), no control character (the path is a node directory)
  if (typeof p !== 'string' || !/^(\/[^/\u0000-\u001f\u007f]+)+$/.test(p) || p.split('/').slice(1).some((seg) => seg === '..' || seg === '.')
    || ['/var/log', CONTAINER_LOG_DIR, POD_LOG_DIR].some((d) => p === d || p.startsWith(`${d}/`))) {
    fail(path, 'stateHostPath', p, 'an absolute node directory without \'.\', \'..\', \'//\', a trailing \'/\' or control characters, outside /var/log (e.g. /var/lib/fluentd)');
  }
  const system = SYSTEM_DIRS.find((d) => p === d || p.startsWith(`${d}/`) || d.startsWith(`${p}/`));
  if (system !== undefined) {
    fail(path, 'stateHostPath', p, `a directory of fluentd's own (e.g. /var/lib/fluentd): it is mounted writable, and ${p === system ? 'it' : p.startsWith(system) ? `it is inside ${system}, which` : `it holds ${system}, which`} belongs to the node's system, the kubelet or the container runtime`);
  }
  if (overLinuxLimits(p)) fail(path, 'stateHostPath', p, 'a path within Linux\'s limits: at most 4095 bytes, each segment at most 255 bytes (the kubelet could not mount it)');
}

/** The path as one shell word (the fix is a command a reader may paste: `$(...)` in a path must stay text). */
function shellWord(p: string): string {
  return /^[A-Za-z0-9/._+:@%-]+$/.test(p) ? p : `'${p.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * The hostPath type of the state directory. The kubelet creates a missing `DirectoryOrCreate`
 * directory `0755` owned by its own user (root), and `fsGroup` does not apply to hostPath
 * volumes: only root can write there. A non-root fluentd needs a directory provisioned for it
 * (`Directory`: a node without it fails the pod instead of running with an unwritable state).
 */
function planStateHostPathType(path: string, props: FluentdLogShipperProps, runAsUser: number): 'Directory' | 'DirectoryOrCreate' | undefined {
  const provisioned = props.stateHostPathProvisioned;
  if (provisioned !== undefined && typeof provisioned !== 'boolean') fail(path, 'stateHostPathProvisioned', provisioned, 'true or false');
  if (props.stateHostPath === undefined) {
    if (provisioned === true) fail(path, 'stateHostPathProvisioned', provisioned, 'only with stateHostPath (the state is an emptyDir without it)');
    return undefined;
  }
  if (provisioned === true) return 'Directory';
  if (runAsUser !== 0) {
    fail(path, 'stateHostPath', props.stateHostPath,
      `a node directory uid ${runAsUser} can write: the kubelet creates a missing hostPath directory root:root 0755 (fsGroup does not apply to hostPath), `
      + `so fluentd (runAsUser ${runAsUser}, non-root) could not write its position files there. Fix: create it on every node owned by ${runAsUser} `
      + `(install -d -o ${runAsUser} -g ${runAsUser} -m 0700 ${shellWord(props.stateHostPath)}) and set stateHostPathProvisioned: true (the volume is then type Directory), `
      + 'or leave stateHostPath unset (an emptyDir), or run as root (runAsUser: 0, needs a Pod Security exception)');
  }
  return 'DirectoryOrCreate';
}

/** What fluent.conf is rendered from. */
export function fluentdConfigInput(plan: FluentdPlan): FluentdConfigInput {
  return {
    host: plan.host,
    port: plan.port,
    scheme: plan.tls ? 'https' : 'http',
    sslVerify: true,
    caFile: plan.caSecret !== undefined ? `${CA_DIR}/ca.crt` : undefined,
    indexPrefix: plan.indexPrefix,
    // the shipper's own logs would loop (each shipped line logs a line)
    excludePaths: [`${CONTAINER_LOG_DIR}/${plan.name}-*_${plan.namespace}_*.log`],
    stateDir: STATE_DIR,
    bufferDir: BUFFER_DIR,
    totalLimitSize: `${plan.bufferLimitMib}MB`,
    monitorPort: MONITOR_PORT,
  };
}

function fluentdVolumes(plan: FluentdPlan, configMapName: string): { volumes: kplus.k8s.Volume[]; mounts: kplus.k8s.VolumeMount[] } {
  const volumes: kplus.k8s.Volume[] = [
    { name: 'config', configMap: { name: configMapName } },
    { name: 'varlogcontainers', hostPath: { path: CONTAINER_LOG_DIR, type: 'Directory' } },
    { name: 'varlogpods', hostPath: { path: POD_LOG_DIR, type: 'Directory' } },
    plan.stateHostPath === undefined
      ? { name: 'state', emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString(`${plan.bufferLimitMib + 64}Mi`) } }
      : { name: 'state', hostPath: { path: plan.stateHostPath, type: plan.stateHostPathType } },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: kplus.k8s.Quantity.fromString('64Mi') } },
  ];
  const mounts: kplus.k8s.VolumeMount[] = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'varlogcontainers', mountPath: CONTAINER_LOG_DIR, readOnly: true },
    { name: 'varlogpods', mountPath: POD_LOG_DIR, readOnly: true },
    { name: 'state', mountPath: STATE_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  // the credentials as files (not environment variables: those leak into /proc/<pid>/environ,
  // crash dumps and `kubectl describe`-style tooling); readable by the pod's group 0 only
  volumes.push({
    name: 'es-credentials',
    secret: {
      secretName: plan.credentialsSecret,
      items: [{ key: plan.usernameKey, path: ES_USER_FILE }, { key: plan.passwordKey, path: ES_PASSWORD_FILE }],
      defaultMode: 0o440,
    },
  });
  mounts.push({ name: 'es-credentials', mountPath: CREDENTIALS_DIR, readOnly: true });
  if (plan.caSecret !== undefined) {
    volumes.push({ name: 'es-ca', secret: { secretName: plan.caSecret, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    mounts.push({ name: 'es-ca', mountPath: CA_DIR, readOnly: true });
  }
  return { volumes, mounts };
}

function fluentdContainer(plan: FluentdPlan, mounts: kplus.k8s.VolumeMount[]): kplus.k8s.Container {
  const probe = (initialDelaySeconds: number): kplus.k8s.Probe => ({
    httpGet: { path: '/api/plugins.json', port: kplus.k8s.IntOrString.fromNumber(MONITOR_PORT) },
    initialDelaySeconds,
    periodSeconds: 20,
    timeoutSeconds: 5,
  });
  return {
    name: 'fluentd',
    image: plan.image,
    imagePullPolicy: 'Always',
    command: ['fluentd', '-c', `${CONFIG_DIR}/fluent.conf`, '--no-supervisor'],
    env: [
      { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ],
    ports: [{ name: 'monitor', containerPort: MONITOR_PORT, protocol: 'TCP' }],
    resources: plan.resources,
    livenessProbe: probe(30),
    readinessProbe: probe(10),
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      ...(plan.runAsUser === 0 ? {} : { runAsNonRoot: true }),
    },
    volumeMounts: mounts,
  };
}

/** The DaemonSet spec: one hardened fluentd pod per node (control-plane nodes included). */
export function fluentdDaemonSetSpec(plan: FluentdPlan, configMapName: string): kplus.k8s.DaemonSetSpec {
  const { volumes, mounts } = fluentdVolumes(plan, configMapName);
  const runAsUser = plan.runAsUser;
  const podSecurity: kplus.k8s.PodSecurityContext = runAsUser === 0
    ? { runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } }
    : { runAsUser, runAsGroup: runAsUser, runAsNonRoot: true, supplementalGroups: [0], seccompProfile: { type: 'RuntimeDefault' } };
  return {
    selector: { matchLabels: plan.selector },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) } },
    template: {
      metadata: { labels: plan.labels },
      spec: {
        serviceAccountName: plan.name,
        // the kubernetes_metadata filter reads the API with this token (Polaris warning, needed)
        automountServiceAccountToken: true,
        ...(plan.priorityClassName === undefined ? {} : { priorityClassName: plan.priorityClassName }),
        securityContext: podSecurity,
        terminationGracePeriodSeconds: 30,
        tolerations: [
          { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        ],
        containers: [fluentdContainer(plan, mounts)],
        volumes,
      },
    },
  };
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
