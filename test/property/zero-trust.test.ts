import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { genApp, synthApp } from './apps';
import { badCidr, badDnsLabel, badQuantity, dnsLabel, expectValidationError, labelMap, quantity, runs, slowRuns, timeoutFor } from './arbitraries';
import { Flows, Peer, ReachabilityAnalyzer, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

describe('ZeroTrustNamespace + Flows (property)', () => {
  test('generated apps synthesize to valid objects, deterministically, with exactly the declared reachability', () => {
    fc.assert(fc.property(genApp(), (app) => {
      const objs = synthApp(app);
      expect(JSON.stringify(synthApp(app))).toBe(JSON.stringify(objs));
      const an = ReachabilityAnalyzer.fromObjects(objs);
      const id = (i: number) => `${app.workloads[i].ns}/${app.workloads[i].name}`;
      for (let a = 0; a < app.workloads.length; a++) {
        for (let b = 0; b < app.workloads.length; b++) {
          if (a === b) continue;
          const port = String(app.workloads[b].port);
          const declared = app.flows.some((f) => f.from === a && f.to === b);
          const sameNs = app.workloads[a].ns === app.workloads[b].ns;
          const intra = sameNs && app.allowIntra[app.namespaces.indexOf(app.workloads[a].ns)];
          const want = declared || intra;
          if (an.isAllowed(id(a), id(b), port) !== want) {
            throw new Error(`${id(a)} -> ${id(b)}:${port}: expected ${want ? 'allowed' : 'denied'}\n${an.toText()}`);
          }
          // nothing beyond the declared port (unless the namespace allows all intra traffic)
          if (!intra) {
            const other = app.workloads[b].port === 65535 ? '65534' : String(app.workloads[b].port + 1);
            expect(an.isAllowed(id(a), id(b), other)).toBe(false);
          }
        }
        // never open to the internet
        expect(an.isAllowed('8.8.8.8', id(a))).toBe(false);
      }
    }), slowRuns(40, 12));
  }, timeoutFor(40, 1500));

  test('bad namespace props: a ValidationError naming the field and value, and nothing synthesized', () => {
    const bad = fc.oneof(
      badDnsLabel().map((v) => ({ props: { name: v }, field: 'name', value: v })),
      badCidr().map((v) => ({ props: { name: 'ok', kubeApiServerCidrs: ['10.0.0.1/32', v] }, field: 'kubeApiServerCidrs[1]', value: v })),
      fc.tuple(fc.constantFrom('requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory', 'pods', 'servicesLoadBalancers', 'servicesNodePorts'), badQuantity())
        .map(([f, v]) => ({ props: { name: 'ok', quota: { [f]: v } }, field: `quota.${f}`, value: v })),
      fc.tuple(fc.constantFrom('defaultRequestCpu', 'defaultRequestMemory', 'defaultLimitCpu', 'defaultLimitMemory'), badQuantity())
        .map(([f, v]) => ({ props: { name: 'ok', limits: { [f]: v } }, field: `limits.${f}`, value: v })),
      fc.tuple(fc.constantFrom('pods', 'servicesLoadBalancers', 'servicesNodePorts'), fc.constantFrom('1.5', '500m', '-1', '0.1', '1e-1', '1.0001k'))
        .map(([f, v]) => ({ props: { name: 'ok', quota: { [f]: v } }, field: `quota.${f}`, value: v })),
      fc.constantFrom('2', '600m', '1.1').map((v) => ({ props: { name: 'ok', limits: { defaultRequestCpu: v, defaultLimitCpu: '500m' } }, field: 'limits.defaultRequestCpu', value: v })),
      fc.constantFrom('-a', 'a b', 'x'.repeat(64)).map((v) => ({ props: { name: 'ok', labels: { team: v } }, field: 'labels', value: v })),
      fc.constantFrom('', 'a b', '-x', 'a/b/c').map((v) => ({ props: { name: 'ok', labels: { [v]: 'x' } }, field: 'labels', value: v })),
    );
    fc.assert(fc.property(bad, (b) => {
      const chart = Testing.chart();
      expectValidationError(() => new ZeroTrustNamespace(chart, 'ns', b.props as any), { field: b.field, value: b.value });
      // the failed construct's children never reach the manifest as a partial namespace
      const objs = (() => {
        try {
          return Testing.synth(chart);
        } catch (e) {
          return [];
        }
      })();
      expect(objs).toEqual([]);
    }), runs(200));
  });

  test('any valid quota and limits quantities synthesize to a ResourceQuota and LimitRange the validator accepts', () => {
    const counts = fc.oneof(fc.nat({ max: 1000 }).map(String), fc.constantFrom('1k', '2e3', '10', '0'));
    fc.assert(fc.property(quantity(), quantity(), quantity(), quantity(), counts, (rc, rm, lc, lm, pods) => {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'ns', {
        name: 'ok',
        quota: { requestsCpu: rc, requestsMemory: rm, limitsCpu: lc, limitsMemory: lm, pods },
        limits: { defaultRequestCpu: '0', defaultRequestMemory: '0', defaultLimitCpu: lc, defaultLimitMemory: lm },
      });
      const objs = synthAndValidate(chart);
      const hard = objs.find((o) => o.kind === 'ResourceQuota').spec.hard;
      expect(hard).toMatchObject({ 'requests.cpu': rc, 'requests.memory': rm, 'limits.cpu': lc, 'limits.memory': lm, 'pods': pods });
    }), runs(100));
  });

  test('flows to unmanaged pods or with no ports are refused with a ValidationError', () => {
    fc.assert(fc.property(labelMap(), labelMap(), dnsLabel(20), (la, lb, ns) => {
      const chart = Testing.chart();
      new ZeroTrustNamespace(chart, 'ns', { name: ns });
      const a = Peer.pods(la, { namespace: ns });
      const b = Peer.pods(lb, { namespace: ns });
      expectValidationError(() => Flows.of(chart).allow(a, b, { ports: [] }), { field: 'ports', value: [] });
    }), runs(200));
  });
});
