import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { badCidr, badDnsLabel, disjointCidrs, dnsLabel, expectValidationError, hostname, labelMap, portNumber, runs, slowRuns, timeoutFor } from './arbitraries';
import {
  CertIssuer, Cidr, FailoverPolicy, Fleet, GlobalService, IngressCertificate, IngressController, ReplicationPolicy, ZeroTrustNamespace,
} from '../../src';
import { formatIssues, validateManifests } from '../util';

/** A valid plan: unique names and geo tags, some CIDRs given (disjoint), the rest allocated. */
function plan() {
  return fc.uniqueArray(dnsLabel(20), { minLength: 1, maxLength: 5 }).chain((names) => fc.record({
    names: fc.constant(names),
    given: disjointCidrs(names.length * 2, names.length * 2),
    giveMask: fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: names.length, maxLength: names.length }),
  })).map(({ names, given, giveMask }) => names.map((name, i) => {
    // pod CIDRs must be /8../24, service CIDRs /12../28: the disjoint blocks are /16../28
    const pod = Cidr.of(given[2 * i]);
    const svc = given[2 * i + 1];
    return {
      name,
      region: `r-${name}`,
      podCidr: giveMask[i][0] && pod.prefixLength <= 24 ? pod.toString() : undefined,
      serviceCidr: giveMask[i][1] ? svc : undefined,
    };
  }));
}

const build = (clusters: any[]) => new Fleet(new App(), 'fleet', { clusters });

describe('Fleet (property)', () => {
  test('valid plans: pairwise disjoint CIDRs, given ones kept, deterministic output, kind configs parse', () => {
    fc.assert(fc.property(plan(), (clusters) => {
      const fleet = build(clusters);
      const blocks = fleet.clusters.flatMap((c) => [c.podCidr, c.serviceCidr]).map((s) => Cidr.of(s));
      for (let a = 0; a < blocks.length; a++) {
        for (let b = a + 1; b < blocks.length; b++) {
          if (blocks[a].overlaps(blocks[b])) throw new Error(`${blocks[a]} overlaps ${blocks[b]}`);
        }
      }
      clusters.forEach((c, i) => {
        if (c.podCidr) expect(fleet.clusters[i].podCidr).toBe(c.podCidr);
        if (c.serviceCidr) expect(fleet.clusters[i].serviceCidr).toBe(c.serviceCidr);
        const kind = yaml.load(fleet.kindConfig(c.name)) as any;
        expect(kind).toEqual({
          kind: 'Cluster',
          apiVersion: 'kind.x-k8s.io/v1alpha4',
          name: c.name,
          networking: { podSubnet: fleet.clusters[i].podCidr, serviceSubnet: fleet.clusters[i].serviceCidr },
        });
      });
      const again = build(clusters);
      expect(again.clusters.map((c) => [c.podCidr, c.serviceCidr, c.network, c.geoTag]))
        .toEqual(fleet.clusters.map((c) => [c.podCidr, c.serviceCidr, c.network, c.geoTag]));
      expect(clusters.map((c) => again.kindConfig(c.name))).toEqual(clusters.map((c) => fleet.kindConfig(c.name)));
    }), runs(150));
  });

  test('overlapping CIDRs: a ValidationError naming both clusters and both blocks', () => {
    const overlap = fc.tuple(dnsLabel(15), dnsLabel(15), fc.integer({ min: 0, max: 127 }),
      fc.integer({ min: 16, max: 24 }), fc.integer({ min: 0, max: 8 }),
      fc.constantFrom<'podCidr' | 'serviceCidr'>('podCidr', 'serviceCidr'))
      .filter(([a, b]) => a !== b)
      .map(([a, b, octet, p, extra, field2]) => {
        const outer = `10.${octet}.0.0/16`;
        const inner = `10.${octet}.0.0/${Math.min(p + extra, 24)}`;
        return { a, b, outer, inner, field2 };
      });
    fc.assert(fc.property(overlap, ({ a, b, outer, inner, field2 }) => {
      const e = expectValidationError(() => build([
        { name: a, region: 'ra', podCidr: outer },
        { name: b, region: 'rb', [field2]: inner },
      ]), { field: `clusters[1].${field2}`, value: inner });
      expect(e.message).toContain(`"${a}"`);
      expect(e.message).toContain(`"${b}"`);
      expect(e.message).toContain(outer);
    }), runs(150));
  });

  test('duplicate and bad cluster names, bad CIDRs: a ValidationError naming field and value', () => {
    const bad = fc.oneof(
      dnsLabel(20).map((n) => ({ clusters: [{ name: n, region: 'a' }, { name: n, region: 'b' }], field: 'clusters[1].name', value: n, first: 'clusters[0]' })),
      badDnsLabel().map((n) => ({ clusters: [{ name: 'ok', region: 'a' }, { name: n, region: 'b' }], field: 'clusters[1].name', value: n, first: undefined })),
      badCidr().map((c) => ({ clusters: [{ name: 'a', region: 'a', podCidr: c }], field: 'clusters[0].podCidr', value: c, first: undefined })),
      badCidr().map((c) => ({ clusters: [{ name: 'a', region: 'a', serviceCidr: c }], field: 'clusters[0].serviceCidr', value: c, first: undefined })),
      fc.constantFrom('', 'a b', '-x', 'x'.repeat(64)).map((r) => ({ clusters: [{ name: 'a', region: r }], field: 'clusters[0].region', value: r, first: undefined })),
    );
    fc.assert(fc.property(bad, (b) => {
      const e = expectValidationError(() => build(b.clusters), { field: b.field, value: b.value });
      if (b.first) expect(e.message).toContain(b.first);
    }), runs(200));
  });
});

describe('GlobalService / FailoverPolicy / ReplicationPolicy bad input (property)', () => {
  const names = fc.uniqueArray(dnsLabel(15), { minLength: 2, maxLength: 4 });
  const fleetOf = (ns: string[]) => build(ns.map((n) => ({ name: n, region: `r-${n}` })));
  const unknown = (ns: string[]) => dnsLabel(15).filter((u) => !ns.includes(u));

  test('unknown cluster references name the field, the value and the known clusters', () => {
    const cases = names.chain((ns) => fc.tuple(fc.constant(ns), unknown(ns), fc.nat({ max: 3 }), fc.constantFrom(0, 1, 2, 3)));
    fc.assert(fc.property(cases, ([ns, u, pos, which]) => {
      const fleet = fleetOf(ns);
      const known = ns.slice(0, 1 + (pos % ns.length));
      let field: string;
      let make: () => unknown;
      if (which === 0) {
        field = `clusters[${known.length}]`;
        make = () => new GlobalService(fleet, 'gs', { name: 'web', namespace: 'web', port: 80, selector: { app: 'web' }, clusters: [...known, u] });
      } else if (which === 1) {
        field = 'primaryCluster';
        make = () => new FailoverPolicy(fleet, 'fo', { name: 'fo', primaryCluster: u, secondaryClusters: [ns[0]] });
      } else if (which === 2) {
        field = `secondaryClusters[${ns.length - 1}]`;
        make = () => new FailoverPolicy(fleet, 'fo', { name: 'fo', primaryCluster: ns[0], secondaryClusters: [...ns.slice(1), u] });
      } else {
        field = 'destinations[0].cluster';
        make = () => new ReplicationPolicy(fleet, 'rp', {
          name: 'rp',
          schedule: '*/5 * * * *',
          source: { cluster: ns[0], namespace: 'db', service: 'db' },
          destinations: [{ cluster: u, namespace: 'db', service: 'db' }],
        });
      }
      const e = expectValidationError(make, { field, value: u });
      for (const n of ns) expect(e.message).toContain(JSON.stringify(n));
    }), runs(150));
  });

  test('a primary as its own secondary, a source as its own destination, duplicates', () => {
    fc.assert(fc.property(names, fc.nat(), (ns, k) => {
      const fleet = fleetOf(ns);
      const p = ns[k % ns.length];
      expectValidationError(() => new FailoverPolicy(fleet, 'fo1', { name: 'fo', primaryCluster: p, secondaryClusters: [p] }),
        { field: 'secondaryClusters[0]', value: p });
      const other = ns.find((n) => n !== p)!;
      expectValidationError(() => new FailoverPolicy(fleet, 'fo2', { name: 'fo', primaryCluster: p, secondaryClusters: [other, other] }),
        { field: 'secondaryClusters[1]', value: other });
      const ep = (c: string) => ({ cluster: c, namespace: 'db', service: 'db' });
      expectValidationError(() => new ReplicationPolicy(fleet, 'rp1', { name: 'rp', schedule: '0 * * * *', source: ep(p), destinations: [ep(p)] }),
        { field: 'destinations[0].cluster', value: p });
      expectValidationError(() => new ReplicationPolicy(fleet, 'rp2', { name: 'rp', schedule: '0 * * * *', source: ep(p), destinations: [ep(other), ep(other)] }),
        { field: 'destinations[1].cluster', value: other });
    }), runs(100));
  });

  test('bad cron schedules are refused naming schedule and the value', () => {
    const field = (max: number) => fc.oneof(fc.constant('*'), fc.integer({ min: 0, max }).map(String));
    const badCron = fc.oneof(
      fc.constantFrom('', '* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * 32 * *', '* * * 13 *', '* * * * 8',
        '*/0 * * * *', '5-1 * * * *', 'a * * * *', '@every 5m', '* * * * MON-', '1,,2 * * * *', '-1 * * * *', '* * * * * '.repeat(2)),
      fc.tuple(fc.integer({ min: 60, max: 999 }), field(23), field(28), field(12), field(6)).map((xs) => xs.join(' ')),
      fc.tuple(field(59), fc.integer({ min: 24, max: 99 }), field(28), field(12), field(6)).map((xs) => xs.join(' ')),
    );
    fc.assert(fc.property(badCron, (s) => {
      const fleet = fleetOf(['a', 'b']);
      expectValidationError(() => new ReplicationPolicy(fleet, 'rp', {
        name: 'rp', schedule: s, source: { cluster: 'a', namespace: 'db', service: 'db' }, destinations: [{ cluster: 'b', namespace: 'db', service: 'db' }],
      }), { field: 'schedule', value: s });
    }), runs(200));
  });

  test('valid cron schedules are accepted', () => {
    const field = (max: number, min = 0) => fc.oneof(fc.constant('*'), fc.integer({ min, max }).map(String),
      fc.integer({ min: 1, max }).map((n) => `*/${n}`), fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
    fc.assert(fc.property(fc.tuple(field(59), field(23), field(31, 1), field(12, 1), field(6)), (xs) => {
      const fleet = fleetOf(['a', 'b']);
      new ReplicationPolicy(fleet, 'rp', {
        name: 'rp', schedule: xs.join(' '), source: { cluster: 'a', namespace: 'db', service: 'db' }, destinations: [{ cluster: 'b', namespace: 'db', service: 'db' }],
      });
    }), runs(100));
  });
});

describe('GlobalService serviceType / dns.certificate / dns.ingressController combinations (property)', () => {
  /** One draw of the options that interact: DNS engines, Service type, certificate and controller. */
  interface Combo {
    readonly clusters: string[];
    readonly namespace: string;
    readonly hostname: string;
    readonly port: number;
    readonly targetPort?: number;
    readonly selector: { [key: string]: string };
    readonly k8gb: boolean;
    readonly externalDns: boolean;
    readonly serviceType?: kplus.ServiceType;
    readonly cert?: 'secret' | 'certManager';
    readonly controller?: 'nginx' | 'custom' | 'istio';
    readonly custom: { className: string; namespace: string; podLabels: { [key: string]: string } };
    readonly className?: string;
    readonly zeroTrust: boolean;
  }
  const reserved = ['default', 'kube-system', 'kube-public', 'istio-system', 'ingress-nginx'];
  const combo: fc.Arbitrary<Combo> = fc.record({
    clusters: fc.uniqueArray(dnsLabel(12), { minLength: 1, maxLength: 3 }),
    namespace: dnsLabel(20).filter((n) => !reserved.includes(n)),
    hostname: hostname(),
    port: portNumber(),
    targetPort: fc.option(portNumber(), { nil: undefined }),
    selector: labelMap(1, 2),
    engines: fc.constantFrom([true, false], [false, true], [true, true]),
    serviceType: fc.constantFrom(undefined, kplus.ServiceType.CLUSTER_IP, kplus.ServiceType.LOAD_BALANCER),
    cert: fc.constantFrom(undefined, 'secret' as const, 'certManager' as const),
    controller: fc.constantFrom(undefined, 'nginx' as const, 'custom' as const, 'istio' as const),
    custom: fc.record({ className: dnsLabel(15), namespace: dnsLabel(15), podLabels: labelMap(1, 2) }),
    className: fc.option(dnsLabel(15), { nil: undefined }),
    zeroTrust: fc.boolean(),
  }).map(({ engines, className, controller, ...c }) => ({
    ...c,
    k8gb: engines[0],
    externalDns: engines[1],
    controller,
    // ingressClassName and ingressController are exclusive (a refused pair of its own)
    className: controller === undefined ? className : undefined,
  })).filter((c) => c.custom.namespace !== c.namespace);

  const certOf = (c: Combo) => c.cert === 'secret' ? IngressCertificate.fromSecret('global-tls')
    : c.cert === 'certManager' ? IngressCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt')) : undefined;
  const controllerOf = (c: Combo) => c.controller === 'nginx' ? IngressController.nginx()
    : c.controller === 'custom' ? IngressController.custom(c.custom)
      : c.controller === 'istio' ? IngressController.istio() : undefined;
  /** The Service type the combination asks for (explicit, else the documented default). */
  const typeOf = (c: Combo) => c.serviceType ?? (c.k8gb && !c.externalDns ? kplus.ServiceType.CLUSTER_IP : kplus.ServiceType.LOAD_BALANCER);
  /** The field and value the refusal must name, or undefined for a valid combination (the checks' order). */
  const refusal = (c: Combo): { field: string; value: unknown } | undefined => {
    if (c.controller === 'istio') return { field: 'dns.ingressController', value: 'istio' };
    if (c.cert !== undefined && !c.k8gb) return { field: 'dns.certificate', value: certOf(c)!.source };
    const type = typeOf(c);
    if (c.externalDns && type !== kplus.ServiceType.LOAD_BALANCER) return { field: 'serviceType', value: type };
    if (c.cert !== undefined && type !== kplus.ServiceType.CLUSTER_IP) return { field: 'serviceType', value: type };
    return undefined;
  };
  /** Every cluster's objects, or the error. */
  const synth = (c: Combo): Map<string, any[]> => {
    const fleet = new Fleet(new App(), 'fleet', { clusters: c.clusters.map((n) => ({ name: n, region: `r-${n}` })) });
    if (c.zeroTrust) {
      // a zero-trust namespace admits a LoadBalancer Service only when told so
      const allowLoadBalancers = typeOf(c) === kplus.ServiceType.LOAD_BALANCER;
      for (const cl of fleet.clusters) new ZeroTrustNamespace(cl.chart, 'ns', { name: c.namespace, allowLoadBalancers });
    }
    new GlobalService(fleet, 'gs', {
      name: 'web',
      namespace: c.namespace,
      port: c.port,
      targetPort: c.targetPort,
      selector: c.selector,
      serviceType: c.serviceType,
      dns: {
        hostname: c.hostname,
        k8gb: c.k8gb,
        externalDns: c.externalDns,
        certificate: certOf(c),
        ingressController: controllerOf(c),
        ingressClassName: c.className,
        requireZeroTrustNamespace: c.zeroTrust,
      },
    });
    return new Map(fleet.clusters.map((cl) => [cl.name, cl.chart.toJson()]));
  };

  test('valid combinations synthesize schema-valid objects, deterministically, with the meaning asked for', () => {
    const valid = combo.filter((c) => refusal(c) === undefined);
    fc.assert(fc.property(valid, (c) => {
      const out = synth(c);
      expect(synth(c)).toEqual(out);
      const type = typeOf(c);
      const controller = controllerOf(c) ?? IngressController.nginx({ className: c.className ?? 'nginx' });
      const targetPort = c.targetPort ?? c.port;
      for (const cluster of c.clusters) {
        const objs = out.get(cluster)!;
        expect(formatIssues(validateManifests(objs))).toBe(formatIssues([]));
        const of = (kind: string) => objs.filter((o) => o.kind === kind && o.metadata.namespace === c.namespace);
        const [svc] = of('Service');
        expect(svc.spec.type).toBe(type);
        expect(svc.spec.selector).toEqual(c.selector);
        expect(svc.metadata.annotations?.['external-dns.alpha.kubernetes.io/hostname']).toBe(c.externalDns ? c.hostname : undefined);
        expect(svc.metadata.annotations?.['external-dns.alpha.kubernetes.io/set-identifier']).toBe(c.externalDns ? cluster : undefined);
        expect(of('Gslb').map((g) => g.spec.resourceRef.name)).toEqual(c.k8gb ? ['web'] : []);
        const ingresses = of('Ingress');
        expect(ingresses.map((i) => [i.metadata.name, i.spec.ingressClassName])).toEqual(c.k8gb ? [['web', controller.className]] : []);
        if (c.cert !== undefined) {
          // TLS only, and only the controller's pods reach the service's pods, on the pod port
          expect(ingresses[0].spec.tls).toEqual([{ hosts: [c.hostname], secretName: c.cert === 'secret' ? 'global-tls' : expect.any(String) }]);
          expect(of('Certificate').map((x) => x.spec.dnsNames)).toEqual(c.cert === 'certManager' ? [[c.hostname]] : []);
          const admits = of('NetworkPolicy').filter((np) => np.spec.ingress && JSON.stringify(np.spec.podSelector.matchLabels) === JSON.stringify(
            Object.fromEntries(Object.entries(c.selector).sort())));
          expect(admits.map((np) => np.spec.ingress)).toEqual(c.zeroTrust ? [[{
            from: [{
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': controller.namespace } },
              podSelector: { matchLabels: Object.fromEntries(Object.entries(controller.podLabels).sort()) },
            }],
            ports: [{ protocol: 'TCP', port: targetPort }],
          }]] : []);
        } else {
          expect(ingresses.flatMap((i) => i.spec.tls ?? [])).toEqual([]);
          expect(of('Certificate')).toEqual([]);
        }
      }
    }), slowRuns(30, 10));
  }, timeoutFor(30, 1500));

  test('refused combinations (externalDns + ClusterIP, certificate + LoadBalancer, certificate without k8gb, an Istio controller) name the field and the value', () => {
    const refused = combo.filter((c) => refusal(c) !== undefined);
    fc.assert(fc.property(refused, (c) => {
      expectValidationError(() => synth(c), refusal(c)!);
    }), runs(150));
  });

  test('the generator reaches every rule and every valid shape', () => {
    const fields = new Set<string>();
    const shapes = new Set<string>();
    fc.assert(fc.property(combo, (c) => {
      const r = refusal(c);
      if (r) fields.add(`${r.field}=${String(r.value)}`);
      else shapes.add(`k8gb=${c.k8gb} externalDns=${c.externalDns} ${typeOf(c)} cert=${c.cert ?? 'none'}`);
    }), { ...runs(300), numRuns: Math.max(300, runs(300).numRuns ?? 300) }); // coverage needs enough draws, whatever FC_RUNS
    expect(Array.from(shapes).sort()).toEqual([
      'k8gb=false externalDns=true LoadBalancer cert=none',
      'k8gb=true externalDns=false ClusterIP cert=certManager',
      'k8gb=true externalDns=false ClusterIP cert=none',
      'k8gb=true externalDns=false ClusterIP cert=secret',
      'k8gb=true externalDns=false LoadBalancer cert=none',
      'k8gb=true externalDns=true LoadBalancer cert=none',
    ]);
    expect(Array.from(fields).sort()).toEqual(expect.arrayContaining([
      'dns.certificate=cert-manager', 'dns.certificate=secret', 'dns.ingressController=istio', 'serviceType=ClusterIP', 'serviceType=LoadBalancer',
    ]));
  });
});
