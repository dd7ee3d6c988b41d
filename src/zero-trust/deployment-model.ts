/**
 * The deployment model (internal): what the cluster does to a pod the chart creates before it
 * runs. Istio's sidecar injection (modelled on Istio 1.30.3's `injection-template.yaml` with the
 * chart defaults: proxy UID/GID 1337, not privileged, REDIRECT interception), the Deployment
 * istiod creates for a Gateway API Gateway (`kube-gateway.yaml`), and the Kyverno validate rules
 * of the chart's own ClusterPolicies as Kyverno evaluates them on the pod.
 */
import { allowAllFields, AUTHZ_ALLOW_ALL_KEY, NETPOL_ALLOW_ALL_KEY } from './allow-all-policies';
import { EXTERNAL_IPS_KEY } from './guardrail-service-rules';
import { addedContainerViolations, podPaths, PodSecurityViolation, valueAt } from './pod-security';
import { isWaypointClass, waypointDeployment } from './waypoint-model';
import { IstioGatewayDeployment } from '../core/mesh-install';

/** The Istio sidecar proxy's user and group (`.ProxyUID`/`.ProxyGID` default). */
const PROXY_UID = 1337;

/** The namespace label that turns sidecar injection on. */
export const INJECTION_LABEL = 'istio-injection';

/** The Pod an object creates (`kind: Pod`, its template's metadata and spec, the object's namespace), or undefined. */
export function podOf(obj: any): any | undefined {
  const paths = podPaths(obj?.kind);
  if (!paths) return undefined;
  const meta = valueAt(obj, paths.meta) ?? {};
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta, namespace: obj.metadata?.namespace }, spec: valueAt(obj, paths.spec) ?? {} };
}

/**
 * The Pod an object creates as {@link podOf} gives it, but only for reading its metadata and spec:
 * the object's own pod metadata (no copy with the object's namespace), or undefined.
 */
export function podViewOf(obj: any): { readonly metadata: any; readonly spec: any } | undefined {
  const paths = podPaths(obj?.kind);
  if (!paths) return undefined;
  return { metadata: valueAt(obj, paths.meta) ?? {}, spec: valueAt(obj, paths.spec) ?? {} };
}

/**
 * True if Istio injects a sidecar into this pod in a namespace with these labels: the namespace
 * is labelled `istio-injection=enabled`, the pod does not opt out (`sidecar.istio.io/inject`
 * label or annotation "false") and is not on the host network (never injected).
 */
export function isInjected(pod: any, namespaceLabels: { [key: string]: string } | undefined): boolean {
  if (namespaceLabels?.[INJECTION_LABEL] !== 'enabled') return false;
  if (pod.spec?.hostNetwork === true) return false;
  const optOut = pod.metadata?.labels?.['sidecar.istio.io/inject'] ?? pod.metadata?.annotations?.['sidecar.istio.io/inject'];
  return optOut !== 'false';
}

/**
 * The init container injection adds: `istio-validation` (CNI mode: checks the redirection the
 * node agent set up, unprivileged) or `istio-init` (sets up iptables itself: NET_ADMIN, NET_RAW,
 * root).
 */
function initContainer(cni: boolean): any {
  const common = { image: 'proxyv2', args: ['istio-iptables'] };
  if (cni) {
    return {
      name: 'istio-validation',
      ...common,
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: PROXY_UID,
        runAsUser: PROXY_UID,
        runAsNonRoot: true,
      },
    };
  }
  return {
    name: 'istio-init',
    ...common,
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
}

/** The `istio-proxy` sidecar container. */
function proxyContainer(): any {
  return {
    name: 'istio-proxy',
    image: 'proxyv2',
    args: ['proxy', 'sidecar'],
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: PROXY_UID,
      runAsGroup: PROXY_UID,
    },
  };
}

/** The volumes injection adds (all of types Pod Security restricted admits). */
const INJECTED_VOLUMES = [
  { name: 'workload-socket', emptyDir: {} },
  { name: 'credential-socket', emptyDir: {} },
  { name: 'workload-certs', emptyDir: {} },
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  { name: 'istio-data', emptyDir: {} },
  { name: 'istio-podinfo', downwardAPI: { items: [] } },
  { name: 'istio-token', projected: { sources: [] } },
  { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
];

/**
 * The pod as Istio's injection webhook admits it: the init container first, the sidecar, the
 * volumes (a new object; `pod` is not modified).
 *
 * @param pod a Pod manifest
 * @param cni true if Istio is installed with the CNI node agent
 */
export function injectSidecar(pod: any, cni: boolean): any {
  const spec = pod.spec ?? {};
  return {
    ...pod,
    spec: {
      ...spec,
      initContainers: [initContainer(cni), ...(spec.initContainers ?? [])],
      containers: [...(spec.containers ?? []), proxyContainer()],
      volumes: [...(spec.volumes ?? []), ...INJECTED_VOLUMES],
    },
  };
}

/**
 * The containers injection adds, each with the list and index it takes in the injected pod (the
 * init container first of `initContainers`, the proxy last of `containers`): what Pod Security
 * checks of `injectSidecar(pod, cni)` beyond the pod's own containers.
 *
 * @param pod a Pod manifest
 * @param cni true if Istio is installed with the CNI node agent
 */
export function injectedContainers(pod: any, cni: boolean): Array<{ list: string; index: number; container: any }> {
  return [
    { list: 'initContainers', index: 0, container: initContainer(cni) },
    { list: 'containers', index: (pod.spec?.containers ?? []).length, container: proxyContainer() },
  ];
}

/** {@link injectionViolation}'s results, by what they depend on. */
const INJECTION_VIOLATIONS = new Map<string, PodSecurityViolation | undefined>();

/**
 * `addedContainerViolations(pod, level, injectedContainers(pod, cni))[0]` (shared: read-only).
 * The added containers are always the same, so the result depends only on the level, CNI, the
 * pod's OS, what the restricted checks read of its securityContext (runAsNonRoot, the seccomp
 * profile type) and the index the proxy takes: it is computed once for each of these.
 *
 * @param pod a Pod manifest (or a view of its spec, see podViewOf)
 * @param level the Pod Security level
 * @param cni true if Istio is installed with the CNI node agent
 */
export function injectionViolation(pod: any, level: string, cni: boolean): PodSecurityViolation | undefined {
  const spec = pod?.spec ?? {};
  const psc = spec.securityContext ?? {};
  const seccomp = psc?.seccompProfile?.type;
  const key = `${level}|${cni}|${spec.os?.name === 'windows'}|${psc.runAsNonRoot === true}|`
    + `${seccomp === 'RuntimeDefault' || seccomp === 'Localhost'}|${(pod.spec?.containers ?? []).length}`;
  if (INJECTION_VIOLATIONS.has(key)) return INJECTION_VIOLATIONS.get(key);
  const v = addedContainerViolations(pod, level, injectedContainers(pod, cni))[0];
  INJECTION_VIOLATIONS.set(key, v);
  return v;
}

/** One Kyverno validate rule that refuses a pod. */
export interface KyvernoRefusal {
  readonly policy: string;
  readonly rule: string;
  readonly message: string;
}

/** Does a Kyverno `match`/`exclude` block (any[].resources: kinds, names, namespaces, selector.matchLabels) select `obj`? */
function selects(block: any, obj: any): boolean {
  return (block?.any ?? []).some((f: any) => {
    const r = f.resources ?? {};
    if (r.kinds && !r.kinds.some((k: string) => kindSelects(k, obj))) return false;
    if (r.names && !r.names.includes(obj.metadata?.name)) return false;
    if (r.namespaces && !r.namespaces.includes(obj.metadata?.namespace)) return false;
    const ml = r.selector?.matchLabels;
    if (ml && !Object.entries(ml).every(([k, v]) => obj.metadata?.labels?.[k] === v)) return false;
    return true;
  });
}

/** Does one Kyverno `kinds` entry (`Kind`, `Version/Kind` or `Group/Version/Kind`, `*` for a part) select `obj`? */
function kindSelects(entry: string, obj: any): boolean {
  const parts = entry.split('/');
  const [group, version] = String(obj.apiVersion ?? '').includes('/') ? String(obj.apiVersion).split('/') : ['', String(obj.apiVersion ?? '')];
  const want = parts.length === 3 ? [group, version, obj.kind] : parts.length === 2 ? [version, obj.kind] : [obj.kind];
  return parts.every((p, i) => p === '*' || p === want[i]);
}

/** Does a Kyverno validate pattern (`=(key)`, `X(key)` anchors, `a | b` alternatives, arrays: every element) accept `value`? */
function matchesPattern(pattern: any, value: any): boolean {
  if (Array.isArray(pattern)) return Array.isArray(value) && value.every((v) => matchesPattern(pattern[0], v));
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => {
      if (k.startsWith('X(') && k.endsWith(')')) return (value[k.slice(2, -1)] ?? null) === null;
      const optional = k.startsWith('=(') && k.endsWith(')');
      const key = optional ? k.slice(2, -1) : k;
      if (value[key] === undefined) return optional;
      return matchesPattern(p, value[key]);
    });
  }
  return String(pattern).split('|').some((alt) => alt.split('&').every((p) => matchesScalar(p.trim(), value)));
}

/** One Kyverno scalar pattern (`>n`, `>=n`, `<n`, `<=n`, `!x`, wildcards `*` `?`, or a literal) against a value. */
function matchesScalar(p: string, value: any): boolean {
  if (value === null || typeof value === 'object') return false;
  const op = /^(>=|<=|>|<|!)(.*)$/.exec(p);
  if (op) {
    if (op[1] === '!') return !matchesScalar(op[2], value);
    const [a, b] = [Number(value), Number(op[2])];
    if (Number.isNaN(a) || Number.isNaN(b) || String(value).trim() === '') return false;
    return op[1] === '>' ? a > b : op[1] === '>=' ? a >= b : op[1] === '<' ? a < b : a <= b;
  }
  if (p.includes('*') || p.includes('?')) return wildcard(p, String(value));
  return p === String(value);
}

/** Kyverno's wildcard match: `*` any run of characters, `?` any one character. */
function wildcard(pattern: string, value: string): boolean {
  const re = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^$|()[\]{}\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${re}$`).test(value);
}

/** The deny keys of the "no allow-all policy" rules, which the model judges with `allowAllFields`. */
const ALLOW_ALL_KEYS = [NETPOL_ALLOW_ALL_KEY('ingress'), NETPOL_ALLOW_ALL_KEY('egress'), AUTHZ_ALLOW_ALL_KEY];

/** True / false when the rule's shape is one the model knows; undefined otherwise (not judged). */
function ruleRefuses(r: any, pod: any): boolean | undefined {
  for (const p of r.preconditions?.all ?? []) {
    // the pod is judged on CREATE: upstream's DELETE guard holds
    if (typeof p.key === 'string' && p.key.includes('request.operation') && p.operator === 'NotEquals' && p.value === 'DELETE') continue;
    if (typeof p.key !== 'string' || !p.key.includes('request.object.spec.hostNetwork')) return undefined;
    if ((pod.spec.hostNetwork ?? false) !== p.value) return false;
  }
  if (r.preconditions?.any) return undefined;
  const denyKeys = (r.validate?.deny?.conditions?.any ?? []).map((c: any) => c.key);
  if (denyKeys.length > 0 && denyKeys.every((k: string) => ALLOW_ALL_KEYS.includes(k))) return allowAllFields(pod).length > 0;
  if (denyKeys.length === 1 && denyKeys[0] === EXTERNAL_IPS_KEY) return (pod.spec?.externalIPs ?? []).length > 0;
  if (r.validate?.pattern) return !matchesPattern(r.validate.pattern, pod);
  if (Array.isArray(r.validate?.anyPattern)) return !r.validate.anyPattern.some((p: any) => matchesPattern(p, pod));
  const each = r.validate?.foreach?.[0];
  const conds = each?.deny?.conditions?.any;
  if (!Array.isArray(conds) || typeof each.list !== 'string') return undefined;
  const containers = [...(pod.spec.ephemeralContainers ?? []), ...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
  if (each.list.startsWith('request.object.spec.volumes[?hostPath]') && conds.length === 3) {
    // restrict-host-paths: each hostPath volume's path in the (wildcard) list, no '..', every mount of it readOnly
    const allowed: string[] = conds[0].value;
    const mounts = containers.flatMap((c) => c.volumeMounts ?? []);
    return (pod.spec.volumes ?? []).filter((v: any) => v.hostPath).some((v: any) =>
      !allowed.some((w) => wildcard(w, String(v.hostPath.path))) || String(v.hostPath.path).includes('..')
      || mounts.some((m: any) => m.name === v.name && m.readOnly !== true));
  }
  if (each.list.includes('[ephemeralContainers, initContainers, containers]') && String(conds[0]?.key).includes('capabilities.add')) {
    const allowed: string[] = conds[0].value;
    return containers.some((c) => {
      const caps = c.securityContext?.capabilities ?? {};
      return (caps.add ?? []).some((a: string) => !allowed.includes(a)) || !(caps.drop ?? []).includes('ALL');
    });
  }
  return undefined;
}

/**
 * The Enforce validate rules of these Kyverno ClusterPolicies (manifests) that refuse `pod` on
 * CREATE, in policy then rule order. Rules whose shape the model does not know are not judged.
 *
 * @param policies ClusterPolicy manifests
 * @param pod a Pod manifest (with its namespace)
 */
export function kyvernoRefusals(policies: any[], pod: any): KyvernoRefusal[] {
  const out: KyvernoRefusal[] = [];
  for (const p of policies.filter((o) => o?.kind === 'ClusterPolicy' && String(o.apiVersion).startsWith('kyverno.io/'))) {
    for (const r of p.spec?.rules ?? []) {
      if (!r.validate || !selects(r.match, pod) || selects(r.exclude, pod)) continue;
      const audited = (r.validate.failureActionOverrides ?? [])
        .some((o: any) => String(o.action).toLowerCase() === 'audit' && (o.namespaces ?? []).includes(pod.metadata?.namespace));
      const action = r.validate.failureAction ?? p.spec?.validationFailureAction ?? 'Audit';
      if (String(action).toLowerCase() !== 'enforce' || audited) continue;
      if (ruleRefuses(r, pod) === true) out.push({ policy: p.metadata?.name, rule: r.name, message: r.validate.message ?? '' });
    }
  }
  return out;
}

/**
 * The Deployment istiod 1.30 creates for a Gateway API Gateway of an Istio class (its
 * `kube-gateway.yaml` template with the chart defaults: no `values.gateways.securityContext`,
 * so the pod sets only the `net.ipv4.ip_unprivileged_port_start` sysctl and, if istiod is
 * installed with `values.gateways.seccompProfile`, that profile; the `istio-proxy` container
 * runs as 1337, read-only, without capabilities; `global.proxy.resources` defaults).
 *
 * @param gw the Gateway
 * @param seccomp true if istiod sets `values.gateways.seccompProfile: { type: RuntimeDefault }`
 */
export function istioGatewayDeployment(gw: IstioGatewayDeployment, seccomp: boolean): any {
  if (isWaypointClass(gw.className)) return waypointDeployment(gw, seccomp);
  const name = `${gw.name}-${gw.className}`;
  const labels = {
    'gateway.istio.io/managed': 'istio.io-gateway-controller',
    'gateway.networking.k8s.io/gateway-class-name': gw.className,
    'gateway.networking.k8s.io/gateway-name': gw.name,
    'service.istio.io/canonical-name': name,
    'service.istio.io/canonical-revision': 'latest',
    'sidecar.istio.io/inject': 'false',
  };
  const emptyDirs = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-data'].map((v) => ({ name: v, emptyDir: {} }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: gw.namespace, labels: { 'gateway.networking.k8s.io/gateway-name': gw.name } },
    spec: {
      selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': gw.name } },
      template: {
        metadata: { labels },
        spec: {
          securityContext: {
            sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            ...(seccomp ? { seccompProfile: { type: 'RuntimeDefault' } } : {}),
          },
          serviceAccountName: name,
          containers: [{
            name: 'istio-proxy',
            image: 'proxyv2',
            args: ['proxy', 'router'],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
            securityContext: {
              capabilities: { drop: ['ALL'] },
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsUser: PROXY_UID,
              runAsGroup: PROXY_UID,
              runAsNonRoot: true,
            },
            ports: [
              { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
              { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
              { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
            ],
          }],
          volumes: [
            ...emptyDirs,
            { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
            { name: 'istio-podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
            { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
            { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
          ],
        },
      },
    },
  };
}
