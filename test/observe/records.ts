/**
 * Builders of records in their upstream formats (field names as `hubble observe -o json`, Istio's
 * default JSON access log and the Prometheus HTTP API print them), for the observe tests.
 */

/** A Hubble Endpoint: namespace, pod, `k8s:` labels plus the ones Cilium adds. */
export function hubbleEndpoint(ns: string, pod: string, labels: { [k: string]: string }, sa = 'default', workload?: string): any {
  return {
    ID: 1200,
    identity: 48211,
    cluster_name: 'kind-kind',
    namespace: ns,
    pod_name: pod,
    labels: [...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`), 'k8s:io.cilium.k8s.policy.cluster=kind-kind',
      `k8s:io.cilium.k8s.policy.serviceaccount=${sa}`, `k8s:io.kubernetes.pod.namespace=${ns}`],
    ...(workload ? { workloads: [{ name: workload, kind: 'Deployment' }] } : {}),
  };
}

/** The world endpoint of a flow from outside the cluster. */
export const WORLD = { identity: 2, labels: ['reserved:world'] };

/** Options of a flow line. */
export interface FlowOptions { verdict?: string; reply?: boolean; srcIp?: string; proto?: string; l7?: any }

/** One `hubble observe -o json` line. */
export function hubbleLine(src: any, dst: any, port: number, opts: FlowOptions = {}): string {
  const proto = opts.proto ?? 'TCP';
  const flow: any = {
    time: '2026-11-30T09:14:02.113482917Z',
    uuid: '7c1e0001-2b4f-4c1a-9d3e-5f8a6b1000a1',
    verdict: opts.verdict ?? 'FORWARDED',
    IP: { source: opts.srcIp ?? '10.244.1.5', destination: '10.244.2.9', ipVersion: 'IPv4' },
    l4: { [proto]: { source_port: 43122, destination_port: port, ...(proto === 'TCP' ? { flags: { SYN: true } } : {}) } },
    source: src,
    destination: dst,
    Type: opts.l7 ? 'L7' : 'L3_L4',
    node_name: 'kind-worker',
    event_type: { type: opts.l7 ? 129 : 4 },
    traffic_direction: 'INGRESS',
    is_reply: opts.reply ?? false,
    Summary: 'TCP Flags: SYN',
    ...(opts.l7 ? { l7: opts.l7 } : {}),
  };
  return JSON.stringify({ flow, node_name: 'kind-worker', time: flow.time });
}

/** One Envoy access log entry in Istio's default JSON format, inbound to `pod` on `port`. */
export function inboundEntry(pod: { ns: string; name: string }, port: number, method: string, path: string,
  peer: any, shadowDeniedBy?: string): string {
  return JSON.stringify({
    start_time: '2026-11-30T09:14:05.201Z',
    route_name: 'default',
    method,
    path,
    protocol: 'HTTP/1.1',
    response_code: 200,
    response_flags: '-',
    response_code_details: 'via_upstream',
    connection_termination_details: null,
    upstream_transport_failure_reason: null,
    bytes_received: 0,
    bytes_sent: 120,
    duration: 3,
    upstream_service_time: '2',
    x_forwarded_for: null,
    user_agent: 'curl/8.5.0',
    request_id: '5f1c9a2e-7d4b-4f0e-9a61-2c8e3b7d1f40',
    authority: 'svc',
    upstream_host: `10.244.2.9:${port}`,
    upstream_cluster: `inbound|${port}||`,
    upstream_local_address: '127.0.0.6:51233',
    downstream_local_address: `10.244.2.9:${port}`,
    downstream_remote_address: '10.244.1.5:43862',
    requested_server_name: null,
    pod_name: pod.name,
    pod_namespace: pod.ns,
    downstream_peer: peer,
    upstream_peer: null,
    istio_dry_run_allow_shadow_engine_result: shadowDeniedBy ? 'denied' : 'allowed',
    istio_dry_run_allow_shadow_effective_policy_id: shadowDeniedBy ?? null,
  });
}

/** A Prometheus HTTP API answer (instant vector) for `istio_requests_total`. */
export function prometheusAnswer(series: Array<{ labels: { [k: string]: string }; value: string }>): string {
  return JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: series.map((s) => ({ metric: { __name__: 'istio_requests_total', reporter: 'destination', ...s.labels }, value: [1764494042.781, s.value] })) },
  });
}
