/**
 * core/final-json.ts: the objects our renderers build from plain data (NetworkPolicies of the
 * flows, AuthorizationPolicies of the mesh) render without cdk8s's resolve and L1 conversion, and
 * must give exactly (key order included) what the L1 class's own toJson() gives; with a JSON patch
 * or an app resolver of the user's, cdk8s's path runs.
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { buildEcommerce } from '../../sample/ecommerce';
import { DataPlane, Enforcement, EnforcementMode, FlowLayers, FlowProof, Flows, MtlsMesh, Peer, Port, ZeroTrustNamespace } from '../../src';
import { Tunable } from '../../src/core/tunable';
import { RenderedNetworkPolicy } from '../../src/flows/rendered-network-policy';
import { HelmChart } from '../../src/helm';
import { AuthorizationPolicy } from '../../src/imports/security.istio.io';
import { RenderedAuthorizationPolicy } from '../../src/mesh/rendered-authorization-policy';

/** What the L1 class renders (cdk8s's resolve, sanitize, patches, then the L1 conversion). */
function l1Json(o: ApiObject): any {
  if (o.constructor === RenderedNetworkPolicy) return k8s.KubeNetworkPolicy.prototype.toJson.call(o);
  if (o.constructor === RenderedAuthorizationPolicy) return AuthorizationPolicy.prototype.toJson.call(o);
  throw new Error(`not a rendered object: ${o.node.path}`);
}

function rendered(scope: Construct): ApiObject[] {
  // (not instanceof: ApiObject's Symbol.hasInstance makes every ApiObject an instance of every subclass)
  return scope.node.findAll().filter((c): c is ApiObject => c.constructor === RenderedNetworkPolicy || c.constructor === RenderedAuthorizationPolicy);
}

/** Every rendered object of the charts gives the L1's bytes (JSON.stringify keeps the key order). */
function expectSameAsL1(charts: Chart[]): number {
  let n = 0;
  for (const chart of charts) {
    chart.toJson(); // renders the flows
    for (const o of rendered(chart)) {
      expect([o.node.path, JSON.stringify(o.toJson())]).toEqual([o.node.path, JSON.stringify(l1Json(o))]);
      n++;
    }
  }
  return n;
}

/** A chart with the shapes the renderers produce: IP blocks with exceptions, named ports, port ranges, all ports, namespace labels, L7 rules. */
function variedChart(app?: App): Chart {
  const chart = app ? new Chart(app, 'varied') : Testing.chart();
  // the proof needs pods for the named port's flow; this chart is about the objects' JSON
  FlowProof.optOut(chart, 'a chart of object shapes, not of workloads');
  const mesh = new MtlsMesh(chart, 'mesh');
  const shop = new ZeroTrustNamespace(chart, 'shop', { name: 'shop', istioInjection: true, allowIntraNamespace: true });
  new ZeroTrustNamespace(chart, 'data', { name: 'data', istioInjection: true, kubeApiServerCidrs: ['10.0.0.1/32'] });
  mesh.protectNamespace('shop');
  mesh.protectNamespace('data');
  const sa = new kplus.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web', namespace: 'shop' } });
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { namespace: 'shop' }, serviceAccount: sa, containers: [{ image: 'web', portNumber: 8080, securityContext: { user: 1000 } }],
  });
  const flows = Flows.of(chart);
  flows.allow(Peer.workload(web), Peer.pods({ tier: 'db', app: 'pg' }, { namespace: 'data' }), { ports: [Port.tcp(5432)] });
  flows.allow(Peer.workload(web), Peer.pods({ app: 'pg' }, { namespace: 'data' }), { ports: [Port.named('metrics')], layers: FlowLayers.NETWORK_ONLY });
  flows.allow(Peer.workload(web), Peer.cidr('203.0.113.0/24', { exceptCidrs: ['203.0.113.8/29'] }), { ports: [Port.tcpRange(9000, 9100)] });
  flows.allow(Peer.namespacesByLabels({ team: 'ops', env: 'prod' }), Peer.workload(web), { ports: [Port.tcp(8080)], layers: FlowLayers.NETWORK_ONLY });
  flows.allow(Peer.pods({ app: 'api' }, { namespace: 'data', serviceAccountName: 'api' }), Peer.workload(web), {
    ports: [Port.tcp(8080)], http: { methods: ['GET', 'POST'], paths: ['/api/*'] },
  });
  shop.allowFrom(Peer.pods({ app: 'scraper' }, { namespace: 'data', serviceAccountName: 'scraper' }), { ports: [], allPorts: true });
  return chart;
}

describe('final JSON of the rendered objects', () => {
  test('the varied chart: every NetworkPolicy and AuthorizationPolicy as its L1 renders it', () => {
    const chart = variedChart();
    expect(expectSameAsL1([chart])).toBeGreaterThan(10);
    const kinds = new Set(rendered(chart).map((o) => o.kind));
    expect(kinds).toEqual(new Set(['NetworkPolicy', 'AuthorizationPolicy']));
  });

  test('the sample (sidecar and ambient, AUDIT dry-run annotations): the same bytes as the L1s', () => {
    const builds: Array<[DataPlane, EnforcementMode | undefined, number]> = [
      [DataPlane.SIDECAR, undefined, 150], [DataPlane.AMBIENT, undefined, 150], [DataPlane.SIDECAR, EnforcementMode.AUDIT, 20],
    ];
    for (const [dataPlane, enforcement, atLeast] of builds) {
      const sample = buildEcommerce(new App(), { dataPlane, enforcement });
      expect(expectSameAsL1(sample.clusters.map((c) => c.chart))).toBeGreaterThan(atLeast);
    }
  });

  test('a JSON patch on a rendered object is applied (cdk8s renders it)', () => {
    const chart = variedChart();
    chart.toJson();
    const policy = rendered(chart).find((o) => o.kind === 'NetworkPolicy' && o.name === 'default-deny')!;
    policy.addJsonPatch(JsonPatch.add('/spec/policyTypes/-', 'Ingress'));
    expect(policy.toJson().spec.policyTypes).toEqual(['Ingress', 'Egress', 'Ingress']);
    const authz = rendered(chart).find((o) => o.kind === 'AuthorizationPolicy')!;
    authz.addJsonPatch(JsonPatch.add('/spec/action', 'DENY'));
    expect(authz.toJson().spec.action).toEqual('DENY');
  });

  test('metadata added after rendering is in the output (labels, annotations, AUDIT dry-run)', () => {
    const chart = variedChart();
    Enforcement.setNamespace(chart, 'data', EnforcementMode.AUDIT);
    const out = chart.toJson();
    const authz = out.find((o: any) => o.kind === 'AuthorizationPolicy' && o.metadata.namespace === 'data');
    expect(authz.metadata.annotations).toEqual({ [Enforcement.ISTIO_DRY_RUN_ANNOTATION]: 'true' });
    const policy = rendered(chart).find((o) => o.kind === 'NetworkPolicy')!;
    policy.metadata.addLabel('z-last', 'v');
    policy.metadata.addLabel('a-first', 'v');
    expect(Object.keys(policy.toJson().metadata.labels)).toEqual(['a-first', 'z-last']);
  });

  test('an app resolver of the user\'s sees every value of a rendered object (cdk8s renders it)', () => {
    const seen: string[] = [];
    const resolver: IResolver = {
      resolve: (ctx: ResolutionContext) => {
        if (ctx.value === 5432) {
          seen.push(ctx.key.join('.'));
          ctx.replaceValue(15432);
        }
      },
    };
    const app = new App({ resolvers: [resolver] });
    const chart = variedChart(app);
    const out = chart.toJson();
    expect(seen).toContain('spec.egress.0.ports.0.port.value');
    const egress = out.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-to-data-pg-db-from-web');
    expect(egress.spec.egress[0].ports).toContainEqual({ port: 15432, protocol: 'TCP' });
    expect(expectSameAsL1([chart])).toBeGreaterThan(10);
  });

  test('a Tunable in a rendered object\'s metadata is offered to the resolvers: Helm output templates it', () => {
    const chart = variedChart(new App());
    chart.toJson();
    const policy = rendered(chart).find((o) => o.kind === 'NetworkPolicy' && o.name !== 'default-deny')!;
    policy.metadata.addLabel('tier', Lazy.any({ produce: () => Tunable.string('policy.tier', 'gold') }) as unknown as string);
    policy.metadata.addAnnotation('owner', Tunable.string('policy.owner', 'platform') as unknown as string);
    expect(policy.toJson().metadata).toMatchObject({ labels: { tier: 'gold' }, annotations: { owner: 'platform' } });
    const files = HelmChart.fromChart(chart).files();
    const template = Object.entries(files).find(([f, text]) => f.startsWith('templates/') && text.includes(`name: ${policy.name}\n`))![1];
    expect(template).toContain('{{ .Values.policy.tier | toJson }}');
    expect(template).toContain('{{ .Values.policy.owner | toJson }}');
  });

  test('an error while rendering is reported as cdk8s reports it (construct path and name)', () => {
    const chart = variedChart();
    chart.toJson();
    const policy = rendered(chart).find((o) => o.kind === 'NetworkPolicy' && o.name === 'default-deny')!;
    policy.metadata.addLabel('broken', Lazy.any({ produce: () => { throw new Error('no value'); } }) as unknown as string);
    expect(() => policy.toJson()).toThrow(`Failed serializing construct at path '${policy.node.path}' with name 'default-deny': Error: no value`);
  });

  test('each call returns fresh objects (a caller may change what it gets)', () => {
    const chart = variedChart();
    chart.toJson();
    const policy = rendered(chart).find((o) => o.kind === 'NetworkPolicy' && o.name !== 'default-deny')!;
    const first = policy.toJson();
    first.spec.podSelector.matchLabels = { changed: 'yes' };
    expect(policy.toJson().spec.podSelector.matchLabels).not.toEqual({ changed: 'yes' });
  });

  /** What `f` gives: its JSON text, or its error's message. */
  function outcome(f: () => any): string {
    try {
      return JSON.stringify(f());
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  }

  const METADATA_CHANGES: Array<[string, (o: ApiObject) => void]> = [
    ['a Lazy label and annotation', (o) => {
      o.metadata.addLabel('lazy', Lazy.any({ produce: () => 'v' }) as unknown as string);
      o.metadata.addAnnotation('a/lazy', Lazy.any({ produce: () => ({ nested: [null, 'x'] }) }) as unknown as string);
    }],
    ['extra ObjectMeta fields, owner references, finalizers', (o) => {
      o.metadata.add('generateName', 'gen-');
      o.metadata.add('uid', 'u-1');
      o.metadata.add('resourceVersion', '7');
      o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-0', controller: true });
      o.metadata.addFinalizers('example.com/keep');
    }],
    ['a custom field with empty and null members', (o) => {
      o.metadata.add('custom', { z: 1, a: [], b: {}, c: null, d: [[], {}, null, 'x'], e: { f: {} } });
    }],
    ['label keys that look like array indexes', (o) => {
      for (const k of ['10', '2', 'b', 'A', 'a-1']) o.metadata.addLabel(k, k);
    }],
    ['an IntOrString-like label value (resolved to its value)', (o) => {
      o.metadata.addLabel('port', k8s.IntOrString.fromNumber(8080) as unknown as string);
    }],
    ['an implicit token in the options', (o) => {
      o.metadata.add('token', { resolve: () => 'resolved' });
    }],
    ['a resolve function at the top level', (o) => {
      o.metadata.add('resolve', () => ({ name: 'replaced' }));
    }],
    ['a key named constructor', (o) => {
      o.metadata.add('constructor', 'x');
    }],
    ['a Date', (o) => {
      o.metadata.add('creationTimestamp', new Date(0));
    }],
    ['a function value', (o) => {
      o.metadata.addAnnotation('fn', (() => 'x') as unknown as string);
    }],
    ['a symbol and a bigint', (o) => {
      o.metadata.addLabel('sym', Symbol('s') as unknown as string);
      o.metadata.addAnnotation('big', BigInt(1) as unknown as string);
    }],
    ['a null-prototype object', (o) => {
      o.metadata.add('bare', Object.assign(Object.create(null), { a: 'b' }));
    }],
    ['an overridden toJson', (o) => {
      (o.metadata as any).toJson = () => ({ name: 'own', labels: { b: 'x', a: 'y' } });
    }],
    ['fields of other shapes (labels a string, finalizers an object)', (o) => {
      (o.metadata as any).labels = 'ab';
      (o.metadata as any).finalizers = { a: 'b' };
    }],
    ['a numeric name and a boolean label', (o) => {
      o.metadata.add('labels', { ignored: 'options copy' });
      o.metadata.addLabel('flag', true as unknown as string);
    }],
  ];

  test.each(METADATA_CHANGES)('metadata with %s: what the L1 gives (JSON or error)', (_, change) => {
    const chart = variedChart();
    chart.toJson();
    const objs = [rendered(chart).find((o) => o.kind === 'NetworkPolicy')!, rendered(chart).find((o) => o.kind === 'AuthorizationPolicy')!];
    for (const o of objs) {
      change(o);
      expect([o.node.path, outcome(() => o.toJson())]).toEqual([o.node.path, outcome(() => l1Json(o))]);
    }
  });

  test('a resolver added to the app after a rendering is seen (cdk8s renders it)', () => {
    const app = new App();
    const chart = variedChart(app);
    chart.toJson();
    const policy = rendered(chart).find((o) => o.kind === 'NetworkPolicy')!;
    (app.resolvers as IResolver[]).push({ resolve: (ctx: ResolutionContext) => { if (ctx.value === policy.name) ctx.replaceValue('renamed'); } });
    expect(policy.toJson().metadata.name).toEqual('renamed');
  });
});
