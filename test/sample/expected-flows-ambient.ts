/**
 * The flows the ambient build of the sample (`npm run sample -- --ambient`) allows, derived from
 * the sidecar build's list (`expected-flows.ts`): the same shop flows, S14 included (through the
 * ambient east-west gateway, same name), with what the data plane itself changes:
 * - ambient pods get no flow to istiod (ztunnel fetches their certificates); the waypoint that
 *   enforces S17's POST-only rule does, and sits on the order -> payment path (the analyzer
 *   reports order -> payment through it, with the rule);
 * - the external address ranges are split where the east-west gateway's NetworkPolicy names the
 *   other regions' addresses: lines are compared with adjacent IPv4 ranges merged
 *   ({@link mergeExternal}), so a split never hides nor adds a flow.
 */
import { EXPECTED_FLOWS } from './expected-flows';

/** Sidecar-only lines: each sidecar fetches its configuration and certificates from istiod. */
const SIDECAR_ONLY = [
  'frontend/frontend[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'auth/auth-service[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'order/order-service[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'payment/payment-service[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
];

/**
 * Ambient-only lines: the waypoint of payment, which enforces S17's L7 rule (POST /api/payments
 * from order-service) and then calls payment-service with its own identity; as a pod of the
 * payment namespace it also gets the namespace's DNS and telemetry flows.
 */
const AMBIENT_ONLY = [
  'payment/waypoint[Deployment] => istio-system/istiod[Deployment] : TCP 15012',
  'payment/waypoint[Deployment] => payment/payment-service[Deployment] : TCP 8080',
  'payment/waypoint[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
  'payment/waypoint[Deployment] => observability/cluster-collector-collector[Deployment] : TCP 4317-4318',
];

/** The expected flows of a cluster in the ambient build (external ranges merged). */
export function ambientExpectedFlows(cluster: string): string[] {
  const sidecar = EXPECTED_FLOWS[cluster] ?? [];
  // the calling side of S14 reaches the other regions' ambient east-west gateways on HBONE
  const hbone = (l: string) => l.startsWith('order/order-service[Deployment] => ') && l.endsWith('[External] : TCP 15443') ? l.replace(/TCP 15443$/, 'TCP 15008') : l;
  return mergeExternal([...sidecar.filter((l) => !SIDECAR_ONLY.includes(l)).map(hbone), ...AMBIENT_ONLY]);
}

/** The sidecar build's expected flows (external ranges merged). */
export function sidecarExpectedFlows(cluster: string): string[] {
  return mergeExternal(EXPECTED_FLOWS[cluster] ?? []);
}

const V4 = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)\[External\]$/;
const toNum = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/**
 * `src => dst : conns` lines with the IPv4 `[External]` ranges of one end merged where they are
 * adjacent and the other end and the connections are the same; sorted.
 */
export function mergeExternal(lines: string[]): string[] {
  const groups = new Map<string, { side: 'src' | 'dst'; ranges: Array<[number, number]> }>();
  const out: string[] = [];
  for (const line of lines) {
    const m = /^(\S+) => (\S+) : (.+)$/.exec(line.trim());
    if (!m) { out.push(line.trim()); continue; }
    const [, src, dst, conns] = m;
    const s = V4.exec(src);
    const d = V4.exec(dst);
    if (!s && !d) { out.push(line.trim()); continue; }
    const side = s ? 'src' : 'dst';
    const range = (s ?? d)!;
    const key = side === 'src' ? `* => ${dst} : ${conns}` : `${src} => * : ${conns}`;
    const g = groups.get(key) ?? { side, ranges: [] };
    g.ranges.push([toNum(range[1]), toNum(range[2])]);
    groups.set(key, g);
  }
  for (const [key, g] of groups) {
    const sorted = [...g.ranges].sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const r of sorted) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    for (const [a, b] of merged) out.push(key.replace('*', `${toIp(a)}-${toIp(b)}[External]`));
  }
  return Array.from(new Set(out)).sort();
}
