import { GUARDRAIL_EXCEPTION_OPTIONS, VPN_GATEWAY_EXCEPTION_OPTIONS } from './props-specs';
import { checkOptions } from '../core/props-check';
import { fail, validateDns1123Label } from '../core/validate';

/**
 * What a {@link GuardrailException} allows in its namespace. Every field loosens one rule for that
 * namespace only; every other guardrail rule still applies there.
 */
export interface GuardrailExceptionOptions {
  /** The namespace the exception applies to. */
  readonly namespace: string;

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
}

/**
 * A typed, per-namespace exception to {@link AdmissionGuardrails}: loosens only the rules it names,
 * instead of excluding the whole namespace.
 */
export class GuardrailException {
  /**
   * A VPN gateway such as the WireGuard gateway: hostNetwork (the tunnel lives in the node's
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
    });
  }

  /**
   * A node log shipper such as `FluentdLogShipper`: read-only hostPath volumes of the node's log
   * directories (`/var/log`, which holds the `/var/log/containers` and `/var/log/pods` the shipper
   * mounts), nothing else. Root and a writable state directory on the node (`stateHostPath`) stay
   * refused: set the shipper's `runAsUser` and keep its state in an emptyDir, or use
   * `GuardrailException.of({...})` to name them.
   *
   * @param namespace the shipper's namespace
   */
  public static logShipper(namespace: string): GuardrailException {
    return new GuardrailException('GuardrailException.logShipper', {
      namespace, allowHostPath: true, allowedHostPaths: ['/var/log'],
    });
  }

  /**
   * An ingress controller installed by its own chart (e.g. ingress-nginx): it runs non-root with
   * NET_BIND_SERVICE (already allowed everywhere) but writes to its root filesystem (nginx
   * config and temp files), and its chart owns the namespace's NetworkPolicies (no generation:
   * a generated default-deny would cut it off from its clients and backends).
   *
   * @param namespace the controller's namespace
   */
  public static ingressController(namespace: string): GuardrailException {
    return new GuardrailException('GuardrailException.ingressController', {
      namespace, allowWritableRootFilesystem: true, generateNetworkPolicies: false,
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
    this.namespace = options.namespace;
    this.allowHostPath = options.allowHostPath ?? false;
    this.allowedHostPaths = Array.from(new Set(hostPaths)).sort();
    this.allowHostNetwork = options.allowHostNetwork ?? false;
    this.allowNetAdmin = options.allowNetAdmin ?? false;
    this.allowSysModule = options.allowSysModule ?? false;
    this.allowRoot = options.allowRoot ?? false;
    this.allowWritableRootFilesystem = options.allowWritableRootFilesystem ?? false;
    this.generateNetworkPolicies = options.generateNetworkPolicies ?? true;
  }
}
