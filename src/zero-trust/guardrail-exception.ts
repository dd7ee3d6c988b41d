import { GUARDRAIL_EXCEPTION_OPTIONS, VPN_GATEWAY_EXCEPTION_OPTIONS } from './props-specs';
import { checkArgs, checkOptions, t } from '../core/props-check';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';

/** The pod labels of `WireguardGateway`'s gateway (the `vpnGateway` preset's default scope). */
const VPN_GATEWAY_LABELS = { 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/name': 'wireguard' };
/** The pod labels of `FluentdLogShipper` with its default name (the `logShipper` preset's default scope). */
const LOG_SHIPPER_LABELS = { 'app.kubernetes.io/component': 'log-shipper', 'app.kubernetes.io/name': 'fluentd' };
/** The pod labels of the ingress-nginx chart's controller (the `ingressController` preset's default scope). */
const INGRESS_CONTROLLER_LABELS = { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' };

/**
 * What a {@link GuardrailException} allows in its namespace. Every field loosens one rule for that
 * namespace only; every other guardrail rule still applies there.
 */
export interface GuardrailExceptionOptions {
  /** The namespace the exception applies to. */
  readonly namespace: string;

  /**
   * The labels of the component's pods: the exception applies only to the pods of the namespace
   * that carry all of them (the rules it loosens still apply to every other pod there, e.g. an
   * Elasticsearch beside the log shipper). Labels are written by whoever may create pods in the
   * namespace: the scope keeps the loosening to the component, it does not stop a namespace
   * editor who copies the labels. Pods of the namespace are then checked by Kyverno when they are
   * created, not when their Deployment is (Kyverno generates no controller rules for a rule that
   * selects by labels).
   *
   * @default - every pod of the namespace (prefer naming the component's labels)
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Allow `hostNetwork: true` (hostPID and hostIPC stay refused). Ports of a hostNetwork pod are
   * host ports by definition (the API server sets hostPort = containerPort), so hostPort is allowed
   * on hostNetwork pods only.
   *
   * @default false
   */
  readonly allowHostNetwork?: boolean;

  /**
   * Allow containers to add `NET_ADMIN` (besides NET_BIND_SERVICE; they must still drop ALL).
   *
   * @default false
   */
  readonly allowNetAdmin?: boolean;

  /**
   * Allow containers to add `SYS_MODULE` (load kernel modules, e.g. `modprobe wireguard`), besides
   * NET_BIND_SERVICE and, with `allowNetAdmin`, NET_ADMIN; they must still drop ALL.
   *
   * @default false
   */
  readonly allowSysModule?: boolean;

  /**
   * Allow running as root (the `require-run-as-non-root` rule is skipped in the namespace).
   *
   * @default false
   */
  readonly allowRoot?: boolean;

  /**
   * Allow a writable root filesystem (the `require-read-only-root-filesystem` rule is skipped).
   *
   * @default false
   */
  readonly allowWritableRootFilesystem?: boolean;

  /**
   * Generate the default-deny and allow-dns NetworkPolicies in the namespace. Set false only when
   * something else owns its NetworkPolicies (e.g. a Helm chart with its own policies): the
   * `require-network-policy` check still applies, so the owner must ship at least one.
   *
   * @default true
   */
  readonly generateNetworkPolicies?: boolean;

  /**
   * Allow `hostPath` volumes (the `disallow-host-path` rule is skipped in the namespace). With
   * `allowedHostPaths`, only those node directories, mounted read-only.
   *
   * @default false
   */
  readonly allowHostPath?: boolean;

  /**
   * With `allowHostPath`: the node directories a hostPath volume may mount (each an absolute path;
   * the directory itself or anything below it, never a path with `..`), and every container mount
   * of such a volume must be `readOnly: true`. Required with `allowHostPath`: an exception never
   * admits any writable host directory (a way out of the container onto the node).
   *
   * @default - none (allowHostPath must then be false)
   */
  readonly allowedHostPaths?: string[];
}

/**
 * Options of {@link GuardrailException.vpnGateway}.
 */
export interface VpnGatewayExceptionOptions {
  /**
   * The gateway loads its kernel module at start (`WireguardGateway`'s `loadKernelModule`): its
   * container adds `SYS_MODULE` and mounts the node's `/lib/modules` read-only (the only hostPath
   * the namespace then admits). Without it, SYS_MODULE and hostPath stay refused in the namespace.
   *
   * @default false
   */
  readonly loadKernelModule?: boolean;

  /**
   * The labels of the gateway's pods: the exception applies only to them.
   *
   * @default - WireguardGateway's: `app.kubernetes.io/name: wireguard`, `app.kubernetes.io/component: gateway`
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * A typed exception to {@link AdmissionGuardrails}: loosens only the rules it names, in one
 * namespace, for the pods with its `podLabels` (the presets default to their component's labels),
 * instead of excluding the whole namespace.
 */
export class GuardrailException {
  /**
   * A VPN gateway such as the WireGuard gateway (for its pods only: `options.podLabels`, by default
   * WireguardGateway's): hostNetwork (the tunnel lives in the node's
   * network namespace), NET_ADMIN (interface and routes) and root (capabilities of a non-root
   * process are not effective without file capabilities), plus SYS_MODULE only if the gateway
   * loads its kernel module (with a read-only hostPath of `/lib/modules`, nothing else): the
   * namespace admits exactly what the gateway needs.
   *
   * @param namespace the gateway's namespace
   * @param options what the gateway does (match the `WireguardGateway`'s props)
   */
  public static vpnGateway(namespace: string, options: VpnGatewayExceptionOptions = {}): GuardrailException {
    const path = 'GuardrailException.vpnGateway';
    checkOptions(path, 'options', 'VpnGatewayExceptionOptions', options, VPN_GATEWAY_EXCEPTION_OPTIONS, true, true);
    if (options === null || typeof options !== 'object') {
      fail(path, 'options', options, 'VpnGatewayExceptionOptions ({ loadKernelModule?: boolean })');
    }
    if (options.loadKernelModule !== undefined && typeof options.loadKernelModule !== 'boolean') {
      fail(path, 'options.loadKernelModule', options.loadKernelModule, 'true or false (the WireguardGateway\'s loadKernelModule)');
    }
    const loadModule = options.loadKernelModule ?? false;
    return new GuardrailException(path, {
      namespace,
      allowHostNetwork: true,
      allowNetAdmin: true,
      allowRoot: true,
      allowSysModule: loadModule,
      ...(loadModule ? { allowHostPath: true, allowedHostPaths: ['/lib/modules'] } : {}),
      podLabels: options.podLabels ?? VPN_GATEWAY_LABELS,
    });
  }

  /**
   * A node log shipper such as `FluentdLogShipper`: read-only hostPath volumes of the node's
   * container log directories (`/var/log/pods`, where the kubelet writes every container's log,
   * and `/var/log/containers`, its symlinks), nothing else: not the rest of `/var/log` (API server
   * audit logs on control-plane nodes, system logs). Fluentd reads `/var/log/containers/*.log` and
   * follows the symlinks into `/var/log/pods` (containerd and CRI-O; a Docker-shim node would also
   * need `/var/lib/docker/containers`: name it with `GuardrailException.of`). Root and a writable
   * state directory on the node (`stateHostPath`) stay refused: set the shipper's `runAsUser` and
   * keep its state in an emptyDir, or use `GuardrailException.of({...})` to name them.
   *
   * @param namespace the shipper's namespace
   * @param podLabels the labels of the shipper's pods (the exception applies only to them); by
   * default a `FluentdLogShipper` with its default name (`app.kubernetes.io/name: fluentd`,
   * `app.kubernetes.io/component: log-shipper`): pass the labels of one named otherwise
   */
  public static logShipper(namespace: string, podLabels?: { [key: string]: string }): GuardrailException {
    // null is not "the default": a plain JavaScript caller's null is a mistake, not an opt-out
    checkArgs('GuardrailException.logShipper', ['podLabels', podLabels, t.labels()]);
    return new GuardrailException('GuardrailException.logShipper', {
      namespace, allowHostPath: true, allowedHostPaths: ['/var/log/containers', '/var/log/pods'], podLabels: podLabels ?? LOG_SHIPPER_LABELS,
    });
  }

  /**
   * An ingress controller installed by its own chart (e.g. ingress-nginx): it runs non-root with
   * NET_BIND_SERVICE (already allowed everywhere) but writes to its root filesystem (nginx
   * config and temp files), and its chart owns the namespace's NetworkPolicies (no generation:
   * a generated default-deny would cut it off from its clients and backends).
   *
   * @param namespace the controller's namespace
   * @param podLabels the labels of the controller's pods (the writable root filesystem is admitted
   * only for them); by default the ingress-nginx chart's controller (`app.kubernetes.io/name:
   * ingress-nginx`, `app.kubernetes.io/component: controller`)
   */
  public static ingressController(namespace: string, podLabels?: { [key: string]: string }): GuardrailException {
    checkArgs('GuardrailException.ingressController', ['podLabels', podLabels, t.labels()]);
    return new GuardrailException('GuardrailException.ingressController', {
      namespace, allowWritableRootFilesystem: true, generateNetworkPolicies: false, podLabels: podLabels ?? INGRESS_CONTROLLER_LABELS,
    });
  }

  /**
   * An exception with explicit fields.
   *
   * @param options what to allow, and where
   */
  public static of(options: GuardrailExceptionOptions): GuardrailException {
    checkOptions('GuardrailException.of', 'options', 'GuardrailExceptionOptions', options, GUARDRAIL_EXCEPTION_OPTIONS, false, false);
    return new GuardrailException('GuardrailException.of', options);
  }

  /** The namespace. */
  public readonly namespace: string;
  /** hostNetwork allowed. */
  public readonly allowHostNetwork: boolean;
  /** NET_ADMIN allowed. */
  public readonly allowNetAdmin: boolean;
  /** SYS_MODULE allowed. */
  public readonly allowSysModule: boolean;
  /** Root allowed. */
  public readonly allowRoot: boolean;
  /** Writable root filesystem allowed. */
  public readonly allowWritableRootFilesystem: boolean;
  /** The generate rules apply to the namespace. */
  public readonly generateNetworkPolicies: boolean;
  /** hostPath volumes allowed. */
  public readonly allowHostPath: boolean;
  /** The node directories hostPath volumes may mount read-only, sorted (empty: any, when allowHostPath). */
  public readonly allowedHostPaths: string[];
  /** The labels of the pods the exception applies to, sorted by key (undefined: every pod of the namespace). */
  public readonly podLabels?: { [key: string]: string };

  private constructor(path: string, options: GuardrailExceptionOptions) {
    if (options === undefined || options === null || typeof options !== 'object') {
      fail(path, 'options', options, 'GuardrailExceptionOptions with a namespace');
    }
    validateDns1123Label(path, 'namespace', options.namespace);
    for (const f of ['allowHostNetwork', 'allowNetAdmin', 'allowSysModule', 'allowRoot', 'allowWritableRootFilesystem', 'generateNetworkPolicies', 'allowHostPath'] as const) {
      if (options[f] !== undefined && typeof options[f] !== 'boolean') {
        fail(path, f, options[f], 'true or false');
      }
    }
    const hostPaths = options.allowedHostPaths ?? [];
    if (!Array.isArray(hostPaths)) {
      fail(path, 'allowedHostPaths', hostPaths, 'a list of absolute node directories (e.g. [\'/var/log\'])');
    }
    hostPaths.forEach((p, i) => {
      if (typeof p !== 'string' || !/^(\/[^/*?\[\]\s]+)+$/.test(p) || p.split('/').some((seg) => seg === '..' || seg === '.')) {
        fail(path, `allowedHostPaths[${i}]`, p, 'an absolute node directory without \'.\', \'..\', wildcards, spaces or a trailing \'/\' (e.g. /var/log)');
      }
    });
    if (hostPaths.length > 0 && options.allowHostPath !== true) {
      fail(path, 'allowedHostPaths', hostPaths.join(','), 'no allowedHostPaths unless allowHostPath is true');
    }
    if (options.allowHostPath === true && hostPaths.length === 0) {
      fail(path, 'allowedHostPaths', [],
        'the node directories the exception admits (read-only) with allowHostPath, e.g. [\'/var/log/pods\']: any writable hostPath is a way onto the node');
    }
    if (options.podLabels !== undefined) {
      validateLabels(path, 'podLabels', options.podLabels);
      if (Object.keys(options.podLabels).length === 0) {
        fail(path, 'podLabels', {}, 'at least one label of the component\'s pods, or no podLabels for every pod of the namespace');
      }
      // frozen: the checked labels are the ones rendered (a caller cannot add an unchecked one later)
      this.podLabels = Object.freeze(Object.fromEntries(Object.keys(options.podLabels).sort().map((k) => [k, options.podLabels![k]])));
    }
    this.namespace = options.namespace;
    this.allowHostPath = options.allowHostPath ?? false;
    this.allowedHostPaths = Object.freeze(Array.from(new Set(hostPaths)).sort()) as string[];
    this.allowHostNetwork = options.allowHostNetwork ?? false;
    this.allowNetAdmin = options.allowNetAdmin ?? false;
    this.allowSysModule = options.allowSysModule ?? false;
    this.allowRoot = options.allowRoot ?? false;
    this.allowWritableRootFilesystem = options.allowWritableRootFilesystem ?? false;
    this.generateNetworkPolicies = options.generateNetworkPolicies ?? true;
  }
}
