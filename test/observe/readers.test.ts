import * as fs from 'fs';
import * as path from 'path';
import { hubbleEndpoint, hubbleLine, inboundEntry, prometheusAnswer, WORLD } from './records';
import { readText } from '../../src/observe/read';
import { errorOf } from '../util';

const SAMPLE = path.join(__dirname, '../../sample/observed/asia-east');
const read = (file: string): ReturnType<typeof readText> => readText(file, fs.readFileSync(path.join(SAMPLE, file), 'utf8'));
const pair = (o: any): string => `${o.src.ns ?? o.src.ip ?? o.src.reserved}/${o.src.workload ?? o.src.pod ?? ''} -> ${o.dst.ns ?? o.dst.ip}/${o.dst.workload ?? o.dst.pod ?? ''}`;

describe('Hubble flows (hubble observe -o json)', () => {
  test('the sample: one observation per flow, replies counted as skipped, labels without Cilium\'s own', () => {
    const r = read('hubble-flows.jsonl');
    expect(r.summary).toEqual({ file: 'hubble-flows.jsonl', format: 'hubble', records: 13, connections: 12, skipped: { reply: 1 } });
    const o = r.observations[0];
    expect(o.src).toMatchObject({ ns: 'ingress-nginx', serviceAccount: 'ingress-nginx', workload: 'ingress-nginx-controller' });
    expect(o.dst.labels).toEqual({
      'app': 'frontend',
      'cdk8s.io/metadata.addr': 'shop-asia-east-frontend-c86415a5',
      'pod-template-hash': '7f9c6b8d4',
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'frontend',
    });
    expect([o.protocol, o.port, o.verdict]).toEqual(['TCP', 8080, 'FORWARDED']);
    expect(r.observations.map((x) => x.verdict)).toContain('AUDIT');
    const world = r.observations.find((x) => x.src.world)!;
    expect(world.src).toMatchObject({ world: true, ip: '198.51.100.23' });
    expect(r.observations.find((x) => x.protocol === 'UDP')!.port).toBe(53);
  });

  test('L7 flows carry method and path; L7 responses and ICMP are counted as not connections', () => {
    const a = hubbleEndpoint('web', 'frontend-1', { app: 'frontend' });
    const b = hubbleEndpoint('api', 'orders-1', { app: 'orders' });
    const text = [
      hubbleLine(a, b, 8080, { l7: { type: 'REQUEST', http: { method: 'GET', url: 'http://orders.api:8080/orders/7?x=1', protocol: 'HTTP/1.1' } } }),
      hubbleLine(a, b, 8080, { l7: { type: 'RESPONSE', http: { code: 200, method: 'GET', url: 'http://orders.api:8080/orders/7' } } }),
      JSON.stringify({ flow: { ...JSON.parse(hubbleLine(a, b, 1)).flow, l4: { ICMPv4: { type: 8 } } } }),
    ].join('\n');
    const r = readText('f.jsonl', text);
    expect(r.observations.map((o) => `${o.method} ${o.path}`)).toEqual(['GET /orders/7']);
    expect(r.summary.skipped).toEqual({ 'L7 response': 1, 'not TCP/UDP/SCTP': 1 });
  });

  test('malformed lines: an error naming file, line and field; never skipped', () => {
    const good = hubbleLine(WORLD, hubbleEndpoint('web', 'frontend-1', { app: 'frontend' }), 8080);
    expect(errorOf(() => readText('flows.jsonl', `${good}\n{"flow": {"verdict": "FORWARDED",\n`)).message)
      .toMatch(/^flows\.jsonl:2: invalid JSON "\{\\"flow\\": \{\\"verdict\\": \\"FORWARDED\\",": expected one JSON object per line/);
    const badPort = good.replace('"destination_port":8080', '"destination_port":70000');
    expect(errorOf(() => readText('flows.jsonl', `${good}\n\n${badPort}`)).message)
      .toBe('flows.jsonl:3: invalid flow.l4.TCP.destination_port 70000: expected a port number from 1 to 65535');
    const badVerdict = good.replace('"FORWARDED"', '"ALLOWED"');
    expect(errorOf(() => readText('flows.jsonl', badVerdict)).message)
      .toBe('flows.jsonl:1: invalid flow.verdict "ALLOWED": expected one of FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, TRACED, TRANSLATED, VERDICT_UNKNOWN');
    expect(errorOf(() => readText('flows.jsonl', `${good}\n{"hello": 1}`)).message).toMatch(/^flows\.jsonl:2: invalid flow \{"hello":1\}: expected a Hubble flow/);
  });
});

describe('Prometheus HTTP API answers for Istio standard metrics', () => {
  test('the sample: workload, namespace and principal of both ends; zero series and source-reported duplicates skipped', () => {
    const r = read('istio-requests.json');
    expect(r.summary).toEqual({
      file: 'istio-requests.json',
      format: 'prometheus',
      records: 7,
      connections: 5,
      skipped: { 'no traffic in the window': 1, 'reported by both ends (reporter=source)': 1 },
    });
    expect(r.observations.map(pair)).toEqual([
      'frontend/frontend -> auth/auth-service', 'frontend/frontend -> order/order-service', 'frontend/frontend -> order/order-service',
      'order/order-service -> payment/payment-service', 'unknown/ -> payment/payment-service',
    ]);
    expect(r.observations[0]).toMatchObject({ count: 18344, service: 'auth-service.auth.svc.cluster.local', verdict: 'http 200' });
    expect(r.observations[0].port).toBeUndefined();
    expect(r.observations[0].src).toMatchObject({ principal: 'cluster.local/ns/frontend/sa/frontend', serviceAccount: 'frontend' });
    const tcp = read('istio-tcp-connections.json');
    expect(tcp.observations.map((o) => `${pair(o)} ${o.verdict} ${o.count}`)).toEqual(['auth/auth-service -> database/user-db tcp 431']);
  });

  test('malformed answers name the JSON path', () => {
    const bad = prometheusAnswer([{ labels: { destination_workload: 'orders' }, value: 'lots' }]);
    expect(errorOf(() => readText('q.json', bad)).message).toBe('q.json: data.result[0]: invalid value[1] "lots": expected a sample value: a string holding a number >= 0');
    const other = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { __name__: 'up' }, value: [1, '1'] }] } });
    expect(errorOf(() => readText('q.json', other)).message).toBe('q.json: data.result[0]: invalid metric.__name__ "up": expected one of istio_requests_total, istio_tcp_connections_opened_total (Istio standard metrics)');
    const failed = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error', data: { resultType: 'vector', result: [] } });
    expect(errorOf(() => readText('q.json', failed)).message).toBe('q.json: invalid status "error": expected "success" (the query failed: parse error)');
  });
});

describe('Istio/Envoy JSON access logs and dry-run results', () => {
  test('the sample: the caller from the peer metadata, the port from the inbound address, dry-run denials with the policy', () => {
    const r = read('payment-service-access.jsonl');
    expect(r.summary).toMatchObject({ format: 'access-log', records: 3, connections: 3, skipped: {} });
    expect(r.observations.map((o) => [pair(o), o.port, `${o.method} ${o.path}`, o.verdict, o.shadowDeniedBy])).toEqual([
      ['order/order-service -> payment/payment-service-84c6d5f7b9-r8t3w', 8080, 'POST /api/payments', 'observed', undefined],
      ['order/order-service -> payment/payment-service-84c6d5f7b9-r8t3w', 8080, 'GET /api/payments/8812', 'shadow-denied', 'ns[payment]-policy[allow-to-payment-service]-rule[0]'],
      ['10.244.2.60/ -> payment/payment-service-84c6d5f7b9-r8t3w', 8080, 'GET /metrics', 'shadow-denied', 'ns[payment]-policy[allow-to-payment-service]-rule[0]'],
    ]);
  });

  test('peer metadata as JSON text; malformed entries name file, line and key', () => {
    const line = inboundEntry({ ns: 'api', name: 'orders-1' }, 8080, 'GET', '/orders', JSON.stringify({ namespace: 'web', workload: 'frontend' }));
    expect(readText('a.jsonl', line).observations[0].src).toMatchObject({ ns: 'web', workload: 'frontend' });
    const badAddr = line.replace('"10.244.1.5:43862"', '"somewhere"');
    expect(errorOf(() => readText('a.jsonl', `${line}\n${badAddr}`)).message)
      .toBe('a.jsonl:2: invalid downstream_remote_address "somewhere": expected an address as Envoy logs it ("10.1.2.3:8080")');
    const badShadow = line.replace('"allowed"', '"maybe"');
    expect(errorOf(() => readText('a.jsonl', badShadow)).message)
      .toBe('a.jsonl:1: invalid istio_dry_run_allow_shadow_engine_result "maybe": expected "allowed" or "denied" (the shadow engine result)');
  });
});

describe('Kyverno PolicyReports (wgpolicyk8s.io)', () => {
  test('the sample: fail results are findings on the scope resource, pass results counted', () => {
    const r = read('policy-reports.yaml');
    expect(r.summary).toMatchObject({ format: 'policy-report', records: 6, connections: 0, skipped: { pass: 3 } });
    expect(r.findings.map((f) => `${f.result} ${f.policy}/${f.rule} ${f.resource}`)).toEqual([
      'fail zero-trust-pod-hardening/require-run-as-non-root Pod payment/netshoot',
      'fail zero-trust-pod-hardening/require-read-only-root-filesystem Pod payment/netshoot',
      'fail zero-trust-pod-hardening/restrict-capabilities Pod payment/netshoot',
    ]);
    expect(r.findings[0].where).toBe('policy-reports.yaml: items[0]: results[0]');
  });

  test('a bad result value names the result', () => {
    const doc = 'apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: r, namespace: a}\nresults:\n- {policy: p, rule: r, result: failed}\n';
    expect(errorOf(() => readText('r.yaml', doc)).message).toBe('r.yaml: results[0]: invalid result "failed": expected one of pass, fail, warn, error, skip');
  });
});

test('a file in no known format is an error naming it and the formats', () => {
  expect(errorOf(() => readText('x.txt', '\nhello world\n')).message).toMatch(/^x\.txt:2: invalid records "hello world": expected one of the formats: hubble/);
  expect(readText('empty.jsonl', '\n\n').summary).toEqual({ file: 'empty.jsonl', format: 'empty', records: 0, connections: 0, skipped: {} });
});
