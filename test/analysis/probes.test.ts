import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { cli, writeManifests } from './cli-run';
import { buildEcommerce } from '../../sample/ecommerce';
import { ANALYZER_OPTIONS, platformStandIns } from '../../sample/platform';
import { DataPlane, MtlsMesh, ReachabilityAnalyzer, ZeroTrustNamespace } from '../../src';

const ns = (name: string, labels: { [k: string]: string } = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };
const deploy = (namespace: string, container: any, annotations: { [k: string]: string } = {}, extra: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' }, annotations }, spec: { containers: [{ name: 'app', image: 'web', ...container }], ...extra } },
  },
});
const denyAll = (namespace: string) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});
const allowProbe = (namespace: string, port: number | string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'kubelet', namespace },
  spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port }] }] },
});
const WEB = (n: string) => `${n}/web[Deployment]`;
const summary = (a: ReachabilityAnalyzer) => a.probes().map((p) => `${p.container} ${p.probe} ${p.handler} ${p.port ?? '-'} ${p.status}`);

describe('analyzer: the kubelet\'s probes', () => {
  test('an ambient pod behind default-deny: its probes are blocked, with the fix; an allow of 169.254.7.127 on the port admits them', () => {
    const container = { ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/ready', port: 8080 } }, livenessProbe: { tcpSocket: { port: 8080 } } };
    const blocked = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container), denyAll('a')]);
    expect(summary(blocked)).toEqual(['app liveness tcpSocket 8080 blocked', 'app readiness httpGet 8080 blocked']);
    const f = blocked.probeFindings();
    expect(f).toHaveLength(2);
    expect(f[0]).toMatchObject({ workload: WEB('a'), problem: true });
    expect(f[0].reason).toMatch(/169\.254\.7\.127.*do not admit.*TCP 8080/);
    expect(f[0].fix).toMatch(/admit 169\.254\.7\.127\/32 on TCP port 8080 .* selecting a\/web\[Deployment\]/);
    // the allow on another port does not help; on the probe port it does
    expect(ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container), denyAll('a'), allowProbe('a', 9090)]).probeFindings()).toHaveLength(2);
    const admitted = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container), denyAll('a'), allowProbe('a', 8080)]);
    expect(admitted.probeFindings()).toEqual([]);
    expect(summary(admitted)).toEqual(['app liveness tcpSocket 8080 admitted', 'app readiness httpGet 8080 admitted']);
    // no NetworkPolicy selects the pod: everything is admitted
    expect(ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container)]).probeFindings()).toEqual([]);
  });

  test('named ports resolve against the probing container (and a NetworkPolicy named port admits them); grpc and startup probes are judged', () => {
    const container = {
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'grpc', containerPort: 9000 }],
      startupProbe: { httpGet: { port: 'http' } },
      readinessProbe: { grpc: { port: 9000 } },
    };
    const a = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container), denyAll('a'), allowProbe('a', 'http')]);
    expect(summary(a)).toEqual(['app startup httpGet 8080 admitted', 'app readiness grpc 9000 blocked']);
    expect(a.probeFindings()[0].fix).toMatch(/TCP port 9000/);
  });

  test('exec probes need no network; probes of a native sidecar init container count, of other init containers not', () => {
    const container = { livenessProbe: { exec: { command: ['true'] } } };
    const extra = {
      initContainers: [
        { name: 'proxy', image: 'p', restartPolicy: 'Always', ports: [{ containerPort: 7000 }], readinessProbe: { tcpSocket: { port: 7000 } } },
        { name: 'setup', image: 's', readinessProbe: { tcpSocket: { port: 7001 } } },
      ],
    };
    const a = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container, {}, extra), denyAll('a')]);
    expect(summary(a)).toEqual(['app liveness exec - no-network', 'proxy readiness tcpSocket 7000 blocked']);
  });

  test('pods that are not ambient are probed from their node: never blocked (sidecar: rewritten to 15020 unless opted out)', () => {
    const container = { ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { port: 8080 } } };
    const sidecar = ReachabilityAnalyzer.fromObjects([ns('s', { 'istio-injection': 'enabled' }), deploy('s', container), denyAll('s')]);
    expect(sidecar.probeFindings()).toEqual([]);
    expect(sidecar.probes()[0]).toMatchObject({ status: 'node-local', problem: false, port: 8080 });
    expect(sidecar.probes()[0].reason).toMatch(/sidecar: Istio rewrites the probe to its agent \(TCP 15020, \/app-health\/app\/readyz\).*node/);
    const noRewrite = ReachabilityAnalyzer.fromObjects([ns('s', { 'istio-injection': 'enabled' }), deploy('s', container, { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' }), denyAll('s')]);
    expect(noRewrite.probes()[0].reason).toMatch(/probe rewrite off.*STRICT/);
    const plain = ReachabilityAnalyzer.fromObjects([ns('p'), deploy('p', container), denyAll('p')]);
    expect(plain.probes()[0]).toMatchObject({ status: 'node-local', problem: false });
    expect(plain.probes()[0].reason).toMatch(/not ambient: .*node where a pod runs/);
    // an ambient namespace with a pod opted out of ambient
    const optOut = deploy('a', container);
    optOut.spec.template.metadata.labels = { 'app': 'web', 'istio.io/dataplane-mode': 'none' } as any;
    expect(ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), optOut, denyAll('a')]).probeFindings()).toEqual([]);
  });

  test('a grpc probe port is an int32 in the API: a numeric string there is invalid (httpGet and tcpSocket accept it as IntOrString)', () => {
    const container = { ports: [{ containerPort: 9000 }], readinessProbe: { grpc: { port: '9000' } }, livenessProbe: { tcpSocket: { port: '9000' } } };
    const a = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container), denyAll('a')]);
    const f = a.probes();
    expect(f.find((x) => x.probe === 'readiness')?.status).toBe('invalid');
    expect(f.find((x) => x.probe === 'readiness')?.reason).toMatch(/grpc\.port is "9000": expected a port number 1-65535$/);
    expect(f.find((x) => x.probe === 'liveness')?.status).not.toBe('invalid');
  });

  test('bad input never throws: port 0, out of range, unknown named port, missing port, no handler, odd types', () => {
    const container = {
      ports: [{ name: 'http', containerPort: 8080 }, 'junk', null],
      livenessProbe: { tcpSocket: { port: 0 } },
      readinessProbe: { httpGet: { port: 'metrics' } },
      startupProbe: { grpc: { port: 'http' } },
    };
    const odd = { name: 'odd', image: 'o', livenessProbe: 'yes', readinessProbe: {}, startupProbe: { httpGet: { port: 70000 } } };
    const nohandler = { name: 'n', image: 'n', livenessProbe: { httpGet: null, tcpSocket: {} } };
    const objs = [ns('a', AMBIENT), deploy('a', container, {}, { initContainers: 'x' }), denyAll('a')];
    (objs[1] as any).spec.template.spec.containers.push(odd, nohandler, null, 'str');
    const a = ReachabilityAnalyzer.fromObjects(objs);
    const f = a.probeFindings();
    expect(f.map((x) => `${x.container} ${x.probe} ${x.status}`)).toEqual([
      'app startup invalid', 'app liveness invalid', 'app readiness invalid',
      'odd startup invalid', 'odd liveness invalid', 'odd readiness invalid', 'n liveness invalid',
    ]);
    const reasons = f.map((x) => x.reason);
    expect(reasons[0]).toMatch(/grpc\.port is "http": expected a port number 1-65535$/);
    expect(reasons[1]).toMatch(/tcpSocket\.port 0 is not a valid port \(1-65535\)/);
    expect(reasons[2]).toMatch(/httpGet\.port "metrics" is not a named port of container app \(its named ports: http\)/);
    expect(reasons[3]).toMatch(/httpGet\.port 70000 is not a valid port/);
    expect(reasons[4]).toMatch(/liveness probe is "yes": expected one of httpGet, tcpSocket, grpc, exec/);
    expect(reasons[5]).toMatch(/readiness probe has no handler/);
    expect(reasons[6]).toMatch(/tcpSocket\.port is missing/);
  });

  test('hostile manifests: cycles, BigInt, Symbol, NaN, huge or multi-line strings, lists that are not lists: findings with one-line bounded reasons, never a TypeError', () => {
    const cyc: any = { a: 1 };
    cyc.self = cyc;
    const cycArr: any[] = [];
    cycArr.push(cycArr);
    const ports = [cyc, cycArr, BigInt(8080), Symbol('p'), NaN, -Infinity, 'x'.repeat(100_000), 'a\n# injected', () => 8080];
    const containers = ports.map((port, i) => ({ name: `c${i}`, image: 'i', ports: [{ name: 'http', containerPort: 8080 }], livenessProbe: { tcpSocket: { port } } }));
    containers.push(
      { name: 'named', image: 'i', ports: [{ name: 'y'.repeat(5000), containerPort: 8082 }], livenessProbe: { httpGet: { port: 'http' } } } as any,
      { name: 'handler', image: 'i', livenessProbe: { httpGet: 'http' }, readinessProbe: cycArr } as any,
      { name: 'n\n# injected', image: 'i', ports: [{ name: 'grpc', containerPort: 9000 }], livenessProbe: { httpGet: { port: 'http' } } } as any,
    );
    const odd = [{}, 5, { a: 1 }, 'str'];
    const objs = [ns('a', AMBIENT), deploy('a', {}, {}, { containers, initContainers: { restartPolicy: 'Always' } }), denyAll('a')];
    for (const [i, c] of odd.entries()) {
      const d: any = deploy('a', {});
      d.metadata.name = `odd${i}`;
      d.spec.template.spec.containers = c;
      d.spec.template.spec.initContainers = c;
      objs.push(d);
    }
    const lists: any = deploy('a', {}, {}, { containers: [{ name: 'p', image: 'i', ports: { http: 8080 } }, { name: 'q', image: 'i', ports: 5 }] });
    lists.metadata.name = 'lists';
    objs.push(lists);
    const a = ReachabilityAnalyzer.fromObjects(objs);
    const f = a.probes();
    expect(f.every((x) => x.status === 'invalid' && x.problem)).toBe(true);
    expect(f.map((x) => x.container)).toEqual([...ports.map((_p, i) => `c${i}`), 'named', 'handler', 'handler', 'n\n# injected']);
    for (const x of f) {
      expect(x.reason).not.toMatch(/\n/);
      expect(x.reason.length).toBeLessThan(400);
    }
    const reasons = f.map((x) => x.reason);
    expect(reasons[0]).toMatch(/tcpSocket\.port is an object that contains itself: expected a port number/);
    expect(reasons[2]).toMatch(/tcpSocket\.port is 8080n: expected a port number/);
    expect(reasons[4]).toMatch(/tcpSocket\.port NaN is not a valid port/);
    expect(reasons[6]).toMatch(/tcpSocket\.port "x{79}\.\.\. \(100002 characters\) is not a named port/);
    expect(reasons[7]).toMatch(/tcpSocket\.port "a\\n# injected" is not a named port/);
    expect(reasons[9]).toMatch(/httpGet\.port "http" is not a named port of container named \(its named ports: "y{79}\.\.\. \(5002 characters\)\)/);
    // a containerPort the API server would refuse is a loading error (one line, bounded), not a probe finding
    for (const bad of [Symbol('x'), cyc, BigInt(1), 'y'.repeat(5000)]) {
      const d: any = deploy('a', { ports: [{ name: 'http', containerPort: bad }] });
      let msg = '';
      try { ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), d]); } catch (e) { msg = (e as Error).message; }
      expect(msg).toMatch(/containers\[0\]\.ports\[0\]\.containerPort: invalid value .* \(valid: an integer 1-65535\)$/);
      expect(msg.length).toBeLessThan(300);
    }
    expect(reasons[10]).toMatch(/httpGet is "http": expected an object with a port/);
    expect(reasons[11]).toMatch(/readiness probe is an array that contains itself: expected one of/);
    expect(reasons[12]).toMatch(/of container "n\\n# injected" \(its named ports: grpc\)/);
    // the CLI's report keeps one line per probe
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-probes-'));
    try {
      writeManifests(dir, 'm.yaml', [ns('a', AMBIENT), deploy('a', { name: 'n\n# injected', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 'a\nb' } } }), denyAll('a')]);
      const out = cli(['analyze', '--no-platform', dir]).out;
      expect(out).toContain('#   a/web[Deployment] container "n\\n# injected" liveness probe: invalid: httpGet.port "a\\nb" is not a named port of container "n\\n# injected" (it has no named ports)');
      expect(out).not.toMatch(/^# injected/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('not judged: an httpGet probe of another host, and 169.254.7.127 outside AnalyzerOptions.externalUniverse', () => {
    const container = { ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { host: '10.0.0.1', port: 8080 } }, livenessProbe: { tcpSocket: { port: 8080 } } };
    const a = ReachabilityAnalyzer.fromObjects([ns('a', AMBIENT), deploy('a', container), denyAll('a')], { externalUniverse: ['10.0.0.0/8'] });
    expect(summary(a)).toEqual(['app liveness tcpSocket 8080 unjudged', 'app readiness httpGet 8080 unjudged']);
    expect(a.probes().map((p) => p.reason).join('\n')).toMatch(/outside AnalyzerOptions\.externalUniverse[^]*httpGet\.host is "10\.0\.0\.1"/);
    expect(a.probeFindings()).toEqual([]);
  });

  test('the sample\'s ambient build has no blocked probe (its probes: fluentd node-local, wireguard exec)', () => {
    const clusters = buildEcommerce(new App(), { dataPlane: DataPlane.AMBIENT }).clusters;
    for (const c of clusters) {
      const a = ReachabilityAnalyzer.fromObjects([...c.chart.toJson(), ...platformStandIns(DataPlane.AMBIENT)], ANALYZER_OPTIONS);
      expect(a.probeFindings()).toEqual([]);
      expect(a.probes().length).toBeGreaterThan(0);
    }
  });

  test('ZeroTrustNamespace (DataPlane.AMBIENT) emits the allow its workloads\' probes need: admitted, none blocked', () => {
    const chart = new Chart(new App(), 'c');
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', dataPlane: DataPlane.AMBIENT });
    new MtlsMesh(chart, 'mesh').protectNamespace('shop');
    new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'shop', name: 'web' },
      containers: [{
        image: 'web',
        portNumber: 8080,
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      }],
    });
    const objs = Testing.synth(chart);
    const a = ReachabilityAnalyzer.fromObjects(objs);
    const web = a.probes().filter((p) => p.workload === 'shop/web[Deployment]');
    expect(web.map((p) => `${p.probe} ${p.port} ${p.status}`).sort()).toEqual(['liveness 8080 admitted', 'readiness 8080 admitted', 'startup 8080 admitted']);
    expect(a.probeFindings()).toEqual([]);
    // without the NetworkPolicy rules that admit 169.254.7.127 the namespace's default-deny blocks them
    const without = ReachabilityAnalyzer.fromObjects(objs.filter((o) => !(o.kind === 'NetworkPolicy' && JSON.stringify(o).includes('169.254.7.127'))));
    expect(without.probeFindings().map((p) => `${p.probe} ${p.status}`).sort()).toEqual(['liveness blocked', 'readiness blocked', 'startup blocked']);
  });

  test('the CLI lists the blocked probes (text, Markdown, summary), and says nothing when none is', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-probes-'));
    try {
      const container = { ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { port: 'http' } } };
      writeManifests(dir, 'm.yaml', [ns('a', AMBIENT), deploy('a', container), denyAll('a')]);
      const line = 'a/web[Deployment] container app readiness probe TCP 8080: blocked: ';
      expect(cli(['analyze', '--no-platform', dir]).out).toContain(`# kubelet probes that cannot pass (the pods never become Ready, or are restarted):\n#   ${line}`);
      expect(cli(['analyze', '--no-platform', dir, '--format', 'md']).out).toContain(`Kubelet probes that cannot pass:\n\n- ${line}`);
      expect(cli(['analyze', '--no-platform', dir, '--format', 'summary']).out).toMatch(/⚠️ 1 kubelet probe cannot pass .*\n\n- a\/web\[Deployment\] .*fix: admit 169\.254\.7\.127\/32 on TCP port 8080/);
      writeManifests(dir, 'm.yaml', [ns('a', AMBIENT), deploy('a', container), denyAll('a'), allowProbe('a', 8080)]);
      expect(cli(['analyze', '--no-platform', dir]).out).not.toContain('probe');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
