/** Generated apps (namespaces, workloads, flows) shared by the zero-trust and helm properties. */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { dnsLabel, labelMap, portNumber } from './arbitraries';
import { Flows, Peer, Port, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/** A generated app: namespaces, workloads (ns, name, port) and declared flows between them. */
export interface GenApp {
  readonly namespaces: string[];
  readonly workloads: Array<{ ns: string; name: string; port: number }>;
  readonly flows: Array<{ from: number; to: number }>;
  readonly allowIntra: boolean[];
  readonly nsLabels: Array<{ [key: string]: string }>;
}

export function genApp(): fc.Arbitrary<GenApp> {
  return fc.record({
    namespaces: fc.uniqueArray(dnsLabel(20).filter((n) => !n.startsWith('kube-') && n !== 'default'), { minLength: 1, maxLength: 3 }),
    names: fc.uniqueArray(dnsLabel(20), { minLength: 2, maxLength: 5 }),
    nsPick: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
    ports: fc.array(portNumber().filter((p) => p !== 53), { minLength: 5, maxLength: 5 }),
    flowPairs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
    allowIntra: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    nsLabels: fc.array(fc.option(labelMap(1, 2), { nil: undefined }), { minLength: 3, maxLength: 3 }),
  }).map((r) => {
    const workloads = r.names.map((name, i) => ({ ns: r.namespaces[r.nsPick[i] % r.namespaces.length], name, port: r.ports[i] }));
    const seen = new Set<string>();
    const flows = r.flowPairs
      .map(([a, b]) => ({ from: a % workloads.length, to: b % workloads.length }))
      .filter((f) => f.from !== f.to && !seen.has(`${f.from}>${f.to}`) && seen.add(`${f.from}>${f.to}`));
    return { namespaces: r.namespaces, workloads, flows, allowIntra: r.allowIntra, nsLabels: r.nsLabels.map((l) => l ?? {}) };
  });
}

export function synthApp(app: GenApp): any[] {
  const chart = Testing.chart();
  buildApp(chart, app);
  return synthAndValidate(chart);
}

/** Adds the app's namespaces, workloads and flows to `chart`. */
export function buildApp(chart: Chart, app: GenApp): void {
  app.namespaces.forEach((name, i) => new ZeroTrustNamespace(chart, `ns-${name}`, {
    name, allowIntraNamespace: app.allowIntra[i], labels: app.nsLabels[i],
  }));
  const ws = app.workloads.map((w) => new kplus.Deployment(chart, `${w.ns}-${w.name}`, {
    metadata: { namespace: w.ns, name: w.name },
    containers: [{ image: `${w.name}:1.0`, portNumber: w.port }],
  }));
  for (const f of app.flows) {
    Flows.of(chart).allow(Peer.workload(ws[f.from]), Peer.workload(ws[f.to]), { ports: [Port.tcp(app.workloads[f.to].port)] });
  }
}
