import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { Flows, MtlsMesh, ZeroTrustNamespace } from '../../src';
import { ChartScan, keepsChartScan } from '../../src/flows/chart-scan';
import { synthAndValidate } from '../util';

describe('ChartScan: the render phase\'s walk is kept only across marked steps', () => {
  /** A scan whose walks are counted. */
  function counted(): { scan: ChartScan; walks: () => number } {
    let n = 0;
    const scan = new ChartScan(() => {
      n++;
      return [];
    }, []);
    return { scan, walks: () => n };
  }

  test('marked steps keep the first walk; an unmarked step drops it, and a walk taken in it is not kept', () => {
    const { scan, walks } = counted();
    scan.step(keepsChartScan({}), () => scan.constructs());
    expect(walks()).toBe(0);
    scan.step({}, () => {
      scan.constructs();
      scan.constructs();
    });
    expect(walks()).toBe(2);
    // the next marked step walks once and keeps it
    scan.step(keepsChartScan({}), () => scan.constructs());
    scan.step(keepsChartScan({}), () => scan.constructs());
    expect(walks()).toBe(3);
    scan.drop();
    scan.constructs();
    scan.constructs();
    expect(walks()).toBe(5);
  });
});

describe('what a user\'s step creates at render is seen by the library\'s steps after it', () => {
  test('a Namespace labelled for injection by a contributor gets its flow to istiod', () => {
    const chart = Testing.chart();
    Flows.of(chart).addContributor({
      contributeFlows: () => {
        new kplus.Namespace(chart, 'late-ns', { metadata: { name: 'late', labels: { 'istio-injection': 'enabled' } } });
      },
    });
    Flows.of(chart).manageNamespace('late');
    new MtlsMesh(chart, 'mesh');
    synthAndValidate(chart);
    expect(Flows.of(chart).all.filter((f) => f.to.peerName === 'istiod').map((f) => f.from.namespace)).toEqual(['late']);
  });

  test('a Deployment created by a renderer before the ZeroTrustNamespace\'s is hardened', () => {
    const chart = Testing.chart();
    const created: IConstruct[] = [];
    Flows.of(chart).addRenderer({
      renderFlows: () => {
        created.push(new kplus.Deployment(chart, 'late', {
          metadata: { name: 'late', namespace: 'shop' },
          containers: [{ name: 'app', image: 'registry.example.com/late:1.0.0', portNumber: 8080 }],
        }));
      },
    });
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    new MtlsMesh(chart, 'mesh');
    const objs = synthAndValidate(chart);
    expect(created).toHaveLength(1);
    const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'late');
    expect(dep.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(objs.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'late')).toBe(true);
  });
});
