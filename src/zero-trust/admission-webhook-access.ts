import { Construct } from 'constructs';
import { ADMISSION_WEBHOOK_ACCESS_PROPS } from './props-specs';
import { Cidr } from '../core/cidr';
import { Port } from '../core/port';
import { fail, validateDns1123Label, validateLabels } from '../core/validate';
import { Flow, Flows, Peer } from '../flows';
import { checkConstruct } from '../flows/chart-checks';

/**
 * Properties of {@link AdmissionWebhookAccess}.
 */
export interface AdmissionWebhookAccessProps {
  /** Namespace of the webhook pods. */
  readonly namespace: string;

  /** Labels of the webhook pods. */
  readonly podLabels: { [key: string]: string };

  /** The port the webhook pods serve on (the Service's targetPort), e.g. `Port.tcp(9443)`. */
  readonly port: Port;

  /**
   * Where the API server's calls come from, as CIDRs: the addresses of the `kubernetes` endpoints
   * (`kubectl get endpoints kubernetes -n default`; the control-plane nodes' IPs when the API
   * server runs on the host network) or a managed control plane's range.
   */
  readonly controlPlaneCidrs: string[];
}

/**
 * Keeps the API server's path to an admission webhook open: a flow from the control plane
 * (by network: CIDRs) to the webhook pods on their port, which the NetworkPolicy renderer turns
 * into an `ipBlock` allow when the webhook's namespace is managed (default-deny) by the chart.
 *
 * Why a flow and not an Admin-tier Accept: the API server is not a pod (host network, or outside
 * the cluster), and the Network Policy API's ingress peers are pods and namespaces only (`nodes`
 * and `networks` exist for egress alone, in both v1alpha1 and v1alpha2). So no Admin or Baseline
 * rule can match the API server's connection, and none of this library's tier policies (whose
 * ingress denies name pods) can block it; the NetworkPolicy tier, where `ipBlock` does match
 * node and external addresses, is where it is decided, and NetworkPolicy allows are additive: a
 * namespace editor's policy can add to them, not take this one away.
 */
export class AdmissionWebhookAccess extends Construct {
  /** The declared flow. */
  public readonly flow: Flow;

  constructor(scope: Construct, id: string, props: AdmissionWebhookAccessProps) {
    super(scope, id);
    checkConstruct(this, 'AdmissionWebhookAccessProps', props, ADMISSION_WEBHOOK_ACCESS_PROPS);
    const path = this.node.path;
    validateDns1123Label(path, 'namespace', props.namespace);
    validateLabels(path, 'podLabels', props.podLabels);
    if (Object.keys(props.podLabels).length === 0) {
      fail(path, 'podLabels', props.podLabels, 'the webhook pods\' labels (at least one: {} would open every pod of the namespace to the control plane)');
    }
    if (props.port.isAll || props.port.isRange) {
      fail(path, 'port', props.port.toString(), 'one port, the webhook\'s (e.g. Port.tcp(9443))');
    }
    if (props.controlPlaneCidrs.length === 0) {
      fail(path, 'controlPlaneCidrs', props.controlPlaneCidrs, 'the API server\'s addresses as CIDRs (at least one)');
    }
    props.controlPlaneCidrs.forEach((c, i) => {
      try {
        Cidr.of(c);
      } catch {
        fail(path, `controlPlaneCidrs[${i}]`, c, 'a CIDR block, e.g. 172.18.0.2/32');
      }
    });
    const apiServer = Peer.kubeApiServer(props.controlPlaneCidrs);
    this.flow = Flows.of(this).allow(apiServer, Peer.pods(props.podLabels, { namespace: props.namespace, name: 'webhook' }), { ports: [props.port] });
  }
}
