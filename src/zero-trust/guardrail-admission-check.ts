import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { allowAllFields } from './allow-all-policies';
import { injectSidecar, INJECTION_LABEL, isInjected, istioGatewayDeployment, KyvernoRefusal, kyvernoRefusals, podOf } from './deployment-model';
import { serviceGuardrailFields } from './guardrail-service-rules';
import { istioCniOf, istioGatewaySeccompOf, istioGatewaysOf } from '../core/mesh-install';
import { ValidationError } from '../core/validation-error';
import { Flows } from '../flows/flows';

/** What to do about a rule that refuses a pod. */
function fixFor(rule: string, namespace: string, byInjection: boolean): string {
  if (byInjection) {
    return 'install Istio with the CNI plugin (MeshCluster istioCni: true, the default), so injection adds istio-validation instead of istio-init, '
      + 'or opt the workload out of injection (label sidecar.istio.io/inject: "false")';
  }
  const exception = rule.startsWith('restrict-capabilities') ? 'allowNetAdmin / allowSysModule (no exception admits NET_RAW: drop HardeningOptions.allowNetRaw)'
    : rule.startsWith('require-run-as-non-root') ? 'allowRoot'
      : rule === 'require-read-only-root-filesystem' ? 'allowWritableRootFilesystem'
        : rule.includes('host-path') ? 'allowHostPath with allowedHostPaths'
          : rule.includes('host') ? 'allowHostNetwork' : undefined;
  return `fix the workload's securityContext${exception ? `, or give namespace ${namespace} the exception it needs `
    + `(AdmissionGuardrails exceptions: GuardrailException.of({ namespace: '${namespace}', podLabels: { ...the workload's labels }, ${exception} }), `
    + 'or a preset such as vpnGateway / logShipper; a preset applies only to pods with its component\'s labels)' : ''}`;
}

/**
 * The errors of the chart's own Kyverno guardrails refusing the chart's own pods: every
 * pod-bearing object of the chart, as the cluster admits it (with the sidecar Istio injects when
 * its Namespace in the chart is labelled for injection), against the Enforce validate rules of
 * `policies`. Side-effect free apart from rendering the chart's flows (which harden workloads).
 *
 * @param scope the guardrails construct (its chart is checked)
 * @param policies the guardrails' ClusterPolicy constructs
 */
export function guardrailAdmissionErrors(scope: IConstruct, policies: ApiObject[]): string[] {
  const chart = Chart.of(scope);
  // workloads are hardened when the flows render: judge them hardened
  chart.node.children.filter((c): c is Flows => c instanceof Flows).forEach((f) => f.render());
  const rendered = policies.map((p) => p.toJson());
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const nsLabels = new Map<string, { [key: string]: string }>();
  for (const o of objects.filter((x) => x.kind === 'Namespace' && x.apiVersion === 'v1')) {
    nsLabels.set(o.metadata.name ?? '', o.toJson().metadata?.labels ?? {});
  }
  const cni = istioCniOf(chart) ?? true;
  const errors: string[] = [];
  for (const o of objects) {
    const pod = podOf(o.toJson());
    if (pod === undefined) continue;
    const ns = String(pod.metadata.namespace ?? 'default');
    pod.metadata.namespace = ns;
    const injected = isInjected(pod, nsLabels.get(ns));
    const alone = new Set(kyvernoRefusals(rendered, pod).map((r) => r.rule));
    const refusals = injected ? kyvernoRefusals(rendered, injectSidecar(pod, cni)) : kyvernoRefusals(rendered, pod);
    for (const r of refusals) {
      const byInjection = injected && !alone.has(r.rule);
      errors.push(new ValidationError({
        path: o.node.path,
        field: 'spec',
        value: `${o.kind} ${ns}/${o.name}${byInjection ? ` (with the istio-init container injection adds: namespace ${ns} is labelled ${INJECTION_LABEL}=enabled, Istio without CNI)` : ''}`,
        expected: `a pod the chart's own Kyverno rule ${r.policy}/${r.rule} admits ("${r.message}"): `
          + (scopedExceptionHint(rendered, r.policy, r.rule, ns) ?? fixFor(r.rule, ns, byInjection)),
      }).message);
    }
  }
  return [...errors, ...gatewayPodErrors(chart, rendered)];
}

/**
 * When a label-scoped exception's strict rule refused the pod (the pod is in the excepted
 * namespace without the component's labels): the labels to put on the pods, or undefined.
 */
function scopedExceptionHint(rendered: any[], policy: string, rule: string, ns: string): string | undefined {
  const r = rendered.find((p) => p.metadata?.name === policy)?.spec?.rules?.find((x: any) => x.name === rule);
  const scope = (r?.exclude?.any ?? []).find((f: any) => f.resources?.selector && (f.resources.namespaces ?? []).includes(ns));
  const labels = scope?.resources.selector.matchLabels;
  if (labels === undefined) return undefined;
  return `namespace ${ns} has a GuardrailException scoped to the pods labelled ${JSON.stringify(labels)}: if this is the component it is for, `
    + 'give its pods those labels (or the exception the pods\' labels: podLabels), else fix the workload\'s securityContext';
}

/** The chart's own Kyverno rules against the pods istiod deploys for the chart's Gateway API Gateways. */
function gatewayPodErrors(chart: Chart, rendered: any[]): string[] {
  const installed = istioGatewaySeccompOf(chart);
  return istioGatewaysOf(chart).flatMap((gw) => {
    const dep = istioGatewayDeployment(gw, installed ?? gw.seccompClaimed);
    const pod = podOf(dep);
    return kyvernoRefusals(rendered, pod).map((r) => new ValidationError({
      path: gw.path,
      field: 'namespace',
      value: `Deployment ${gw.namespace}/${dep.metadata.name} (istiod deploys it for Gateway ${gw.name})`,
      expected: `a pod the chart's own Kyverno rule ${r.policy}/${r.rule} admits ("${r.message}"): `
        + (r.rule.includes('seccomp') ? 'MeshCluster gatewaySeccompProfile: true (istiod gives its gateways the RuntimeDefault profile), or ' : '')
        + `an AdmissionGuardrails exception for namespace ${gw.namespace}`,
    }).message);
  });
}

/**
 * The errors of the chart's own Kyverno guardrails refusing the chart's own NetworkPolicies and
 * AuthorizationPolicies (the "no allow-all policy" rules): the chart must not write what it
 * forbids its tenants to write.
 *
 * @param scope the guardrails construct (its chart is checked)
 * @param policies the guardrails' ClusterPolicy constructs
 */
export function policyAdmissionErrors(scope: IConstruct, policies: ApiObject[]): string[] {
  Chart.of(scope).node.children.filter((c): c is Flows => c instanceof Flows).forEach((f) => f.render());
  return chartObjectRefusals(scope, policies, (o) => o.kind === 'NetworkPolicy' || o.kind === 'AuthorizationPolicy', (o, obj, ns, r) => ({
    field: allowAllFields(obj).join(', '),
    value: `${o.kind} ${ns}/${o.name} allows everything`,
    expected: `a policy the chart's own Kyverno rule ${r.policy}/${r.rule} admits: name the peers or ports (sources or operations), `
      + `or leave namespace ${ns} to its owner (AdmissionGuardrails excludedNamespaces)`,
  }));
}

/**
 * The errors of the chart's own Kyverno guardrails refusing the chart's own Services (no
 * externalIPs, no ExternalName): the chart must not write what it forbids its tenants to write.
 *
 * @param scope the guardrails construct (its chart is checked)
 * @param policies the guardrails' ClusterPolicy constructs
 */
export function serviceAdmissionErrors(scope: IConstruct, policies: ApiObject[]): string[] {
  return chartObjectRefusals(scope, policies, (o) => o.kind === 'Service' && o.apiVersion === 'v1', (o, obj, ns, r) => ({
    field: serviceGuardrailFields(obj).join(', '),
    value: `Service ${ns}/${o.name}`,
    expected: `a Service the chart's own Kyverno rule ${r.policy}/${r.rule} admits ("${r.message}"), `
      + `or leave namespace ${ns} to its owner (AdmissionGuardrails excludedNamespaces)`,
  }));
}

/**
 * The chart's own objects that `select` picks, as the cluster sees them (namespace defaulted),
 * against the Enforce validate rules of `policies`: one error message per refusal, its field,
 * value and expectation from `describe`.
 */
function chartObjectRefusals(scope: IConstruct, policies: ApiObject[], select: (o: ApiObject) => boolean,
  describe: (o: ApiObject, obj: any, ns: string, r: KyvernoRefusal) => { field: string; value: string; expected: string }): string[] {
  const rendered = policies.map((p) => p.toJson());
  return Chart.of(scope).node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && select(c))
    .flatMap((o) => {
      const obj = o.toJson();
      const ns = String(obj.metadata?.namespace ?? 'default');
      obj.metadata = { ...obj.metadata, namespace: ns };
      return kyvernoRefusals(rendered, obj).map((r) => new ValidationError({ path: o.node.path, ...describe(o, obj, ns, r) }).message);
    });
}
