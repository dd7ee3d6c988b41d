/**
 * Validation of OtelCollectorProps into a plan, and the pure render of the collector's spec
 * (not exported from the package index).
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { validateDuration, validatePositiveInteger } from './collector-config';
import { DEFAULT_JAEGER_ENDPOINT, validateValuesPrefix } from './internal';
import type { OtelCollectorProps } from './otel-collector';
import { CollectorMode } from './otel-collector-mode';
import { secretNameOf } from './secret-ref';
import { validatePinnedImage } from '../core/image-ref';
import { fail, validateDns1123Label, validateHostPort } from '../core/validate';
import {
  OpenTelemetryCollectorSpec, OpenTelemetryCollectorSpecConfig, OpenTelemetryCollectorSpecManagementState,
  OpenTelemetryCollectorSpecMode, OpenTelemetryCollectorSpecResources, OpenTelemetryCollectorSpecResourcesLimits,
  OpenTelemetryCollectorSpecResourcesRequests, OpenTelemetryCollectorSpecUpgradeStrategy,
} from '../imports/opentelemetry.io';

/** An OtelCollector's props, checked, defaults applied. */
export interface OtelCollectorPlan {
  readonly name: string;
  readonly namespace: string;
  readonly mode: CollectorMode;
  readonly replicas?: number;
  readonly image?: string;
  readonly limitMib: number;
  readonly spikeMib?: number;
  readonly checkInterval: string;
  readonly endpoint: string;
  readonly insecure: boolean;
  readonly jaegerCaFile?: string;
  /** The receivers' `kubernetes.io/tls` Secret, if any. */
  readonly receiverTlsSecret?: string;
  readonly resources: OpenTelemetryCollectorSpecResources;
  readonly containerLimitMib: number;
}

/** Checks every prop (before anything is created) and applies the defaults. */
export function planOtelCollector(path: string, props: OtelCollectorProps): OtelCollectorPlan {
  const name = props.name ?? 'cluster-collector';
  validateDns1123Label(path, 'name', name);
  if (name.length > 63 - '-collector'.length) {
    fail(path, 'name', name, `at most ${63 - '-collector'.length} characters (the operator appends -collector)`);
  }
  const namespace = props.namespace ?? 'observability';
  validateDns1123Label(path, 'namespace', namespace);
  const mode = props.mode ?? CollectorMode.DEPLOYMENT;
  if (!Object.values(CollectorMode).includes(mode)) {
    fail(path, 'mode', mode, 'deployment or daemonset');
  }
  if (props.replicas !== undefined) {
    if (mode !== CollectorMode.DEPLOYMENT) {
      fail(path, 'replicas', props.replicas, 'no replicas in daemonset mode (one pod per node)');
    }
    validatePositiveInteger(path, 'replicas', props.replicas, 'replica count');
  }
  if (props.image !== undefined) validatePinnedImage(path, 'image', props.image, 'otel/opentelemetry-collector-contrib:0.140.0');
  const { limitMib, spikeMib, checkInterval } = planMemoryLimiter(path, props);
  const endpoint = props.jaegerEndpoint ?? DEFAULT_JAEGER_ENDPOINT;
  validateHostPort(path, 'jaegerEndpoint', endpoint);
  const insecure = props.jaegerInsecure ?? false;
  if (props.jaegerCaFile !== undefined) {
    if (insecure) {
      fail(path, 'jaegerCaFile', props.jaegerCaFile, 'no CA file when jaegerInsecure is true (TLS is off)');
    }
    if (typeof props.jaegerCaFile !== 'string' || !props.jaegerCaFile.startsWith('/')) {
      fail(path, 'jaegerCaFile', props.jaegerCaFile, 'an absolute path inside the collector container');
    }
  }
  const { resources, memoryLimitMib: containerLimitMib } = renderResources(path, props.resources);
  validateValuesPrefix(path, 'valuesPrefix', props.valuesPrefix ?? 'observability.collector');
  if (limitMib >= containerLimitMib) {
    fail(path, 'memoryLimitMib', limitMib,
      `less than the container memory limit (${containerLimitMib} MiB), or the kernel kills the collector before memory_limiter acts`);
  }
  return {
    name,
    namespace,
    mode,
    replicas: props.replicas,
    image: props.image,
    limitMib,
    spikeMib,
    checkInterval,
    endpoint,
    insecure,
    jaegerCaFile: props.jaegerCaFile,
    receiverTlsSecret: planReceiverTls(path, props),
    resources,
    containerLimitMib,
  };
}

function planMemoryLimiter(path: string, props: OtelCollectorProps): { limitMib: number; spikeMib?: number; checkInterval: string } {
  const limitMib = props.memoryLimitMib ?? 1500;
  validatePositiveInteger(path, 'memoryLimitMib', limitMib, 'MiB');
  const spikeMib = props.memorySpikeLimitMib;
  if (spikeMib !== undefined) {
    validatePositiveInteger(path, 'memorySpikeLimitMib', spikeMib, 'MiB');
    if (spikeMib >= limitMib) {
      fail(path, 'memorySpikeLimitMib', spikeMib, `less than memoryLimitMib (${limitMib})`);
    }
  }
  const checkInterval = props.memoryCheckInterval ?? '1s';
  validateDuration(path, 'memoryCheckInterval', checkInterval);
  return { limitMib, spikeMib, checkInterval };
}

/** The operator's selector labels of a collector (immutable on the workload): manifestutils.SelectorLabels. */
export function collectorSelector(namespace: string, name: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/component': 'opentelemetry-collector',
    'app.kubernetes.io/instance': `${namespace}.${name}`.slice(0, 63).replace(/[^A-Za-z0-9]+$/, ''),
    'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    'app.kubernetes.io/part-of': 'opentelemetry',
  };
}

/**
 * The OpenTelemetryCollector spec of `plan` with `config` (the typed class of imports/ maps the
 * resolved spec field by field, in the CRD's key order, which is the sorted order cdk8s writes).
 */
/** Where the receivers' TLS Secret is mounted in the collector container. */
export const RECEIVER_TLS_DIR = '/etc/otelcol/tls';

function planReceiverTls(path: string, props: OtelCollectorProps): string | undefined {
  return secretNameOf(path, 'receiverTls', props.receiverTls, 'a kubernetes.io/tls Secret (kplus.Secret or kplus.Secret.fromSecretName(...))');
}

/** The operator's spec: hardened pods, our ServiceAccount (no token), the config, TLS volume. */
export function collectorSpec(plan: OtelCollectorPlan, serviceAccount: string, config: OpenTelemetryCollectorSpecConfig): OpenTelemetryCollectorSpec {
  const tls = plan.receiverTlsSecret;
  return {
    serviceAccount,
    ...(tls === undefined ? {} : {
      volumes: [{ name: 'receiver-tls', secret: { secretName: tls, defaultMode: 0o440 } }],
      volumeMounts: [{ name: 'receiver-tls', mountPath: RECEIVER_TLS_DIR, readOnly: true }],
    }),
    mode: plan.mode === CollectorMode.DAEMONSET ? OpenTelemetryCollectorSpecMode.DAEMONSET : OpenTelemetryCollectorSpecMode.DEPLOYMENT,
    managementState: OpenTelemetryCollectorSpecManagementState.MANAGED,
    upgradeStrategy: OpenTelemetryCollectorSpecUpgradeStrategy.NONE,
    // our flows own the policies of the collector; the operator must not add a permissive one
    networkPolicy: { enabled: false },
    resources: plan.resources,
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      // the TLS Secret's files (0440) belong to this group
      ...(tls === undefined ? {} : { fsGroup: 10001 }),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    config,
    replicas: plan.mode === CollectorMode.DEPLOYMENT ? plan.replicas ?? 2 : undefined,
    image: plan.image,
  };
}

function renderResources(
  path: string,
  r: kplus.ContainerResources | undefined,
): { resources: OpenTelemetryCollectorSpecResources; memoryLimitMib: number } {
  const cpuReq = r?.cpu?.request?.amount ?? '200m';
  const cpuLim = r?.cpu?.limit?.amount ?? '1';
  // Size.toMebibytes() throws a plain Error for sizes that are not whole MiB: refuse them first
  const wholeMib = (field: string, s: Size): Size => {
    const kib = s.toKibibytes();
    if (!Number.isInteger(kib) || kib % 1024 !== 0 || kib <= 0) {
      fail(path, field, `${kib}Ki`, 'a positive whole number of mebibytes, e.g. Size.mebibytes(512)');
    }
    return s;
  };
  const memReq: Size = wholeMib('resources.memory.request', r?.memory?.request ?? Size.mebibytes(512));
  const memLim: Size = wholeMib('resources.memory.limit', r?.memory?.limit ?? Size.mebibytes(2048));
  if (memReq.toMebibytes() > memLim.toMebibytes()) {
    fail(path, 'resources.memory.request', `${memReq.toMebibytes()}Mi`, `at most the memory limit (${memLim.toMebibytes()}Mi)`);
  }
  return {
    resources: {
      requests: {
        cpu: OpenTelemetryCollectorSpecResourcesRequests.fromString(cpuReq),
        memory: OpenTelemetryCollectorSpecResourcesRequests.fromString(`${memReq.toMebibytes()}Mi`),
      },
      limits: {
        cpu: OpenTelemetryCollectorSpecResourcesLimits.fromString(cpuLim),
        memory: OpenTelemetryCollectorSpecResourcesLimits.fromString(`${memLim.toMebibytes()}Mi`),
      },
    },
    memoryLimitMib: memLim.toMebibytes(),
  };
}
