import { ApiObject, App, Chart, IResolver, LazyResolver, ResolutionContext } from 'cdk8s';
import { Tunable } from '../../src/core/tunable';
import { RenderedNetworkPolicy } from '../../src/flows/rendered-network-policy';
import { HelmChart } from '../../src/helm/helm-chart';
import { withObserver } from '../../src/helm/helm-template';

function policyChart(): { app: App; chart: Chart; np: RenderedNetworkPolicy } {
  const app = new App();
  const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
  const np = new RenderedNetworkPolicy(chart, 'np', {
    metadata: { name: 'deny', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  return { app, chart, np };
}

describe('withObserver', () => {
  test('observes every value before the resolvers, keeping their number and classes, and restores them', () => {
    const { app, np } = policyChart();
    const before = [...app.resolvers];
    const seen: string[] = [];
    let during: IResolver[] = [];
    const json = withObserver(np, (ctx: ResolutionContext) => seen.push(ctx.key.join('.')), () => {
      during = [...app.resolvers];
      return new ApiObject(np, 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } }).toJson();
    });
    expect(json.data).toEqual({ a: 'b' });
    expect(seen).toContain('data.a');
    expect(during).toHaveLength(before.length);
    expect(during[0]).not.toBe(before[0]);
    expect(during[0]).toBeInstanceOf(LazyResolver);
    during.slice(1).forEach((r, i) => expect(r).toBe(before[i + 1]));
    expect(app.resolvers).toEqual(before);
    expect(app.resolvers[0]).toBe(before[0]);
  });

  test('restores the resolvers when the synthesis throws', () => {
    const { app, np } = policyChart();
    const before = [...app.resolvers];
    expect(() => withObserver(np, () => undefined, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(app.resolvers).toEqual(before);
    expect(app.resolvers[0]).toBe(before[0]);
  });
});

describe('HelmChart synthesis', () => {
  test('keeps the renderers\' short toJson (a NetworkPolicy spec is not resolved value by value)', () => {
    const { app, chart, np } = policyChart();
    const specKeys: string[] = [];
    const first = app.resolvers[0];
    const resolve = first.resolve.bind(first);
    first.resolve = (ctx: ResolutionContext) => {
      if (ctx.obj === np && ctx.key[0] === 'spec') specKeys.push(ctx.key.join('.'));
      resolve(ctx);
    };
    const helm = HelmChart.fromChart(chart, { name: 'c' });
    expect(specKeys).toEqual([]);
    expect(helm.files()['templates/namespace-shop.yaml']).toContain('policyTypes:\n    - Ingress\n    - Egress\n');
  });

  test('still finds a Tunable placed directly in an object\'s props', () => {
    const { chart } = policyChart();
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { level: Tunable.string('log.level', 'info') as any } });
    const helm = HelmChart.fromChart(chart, { name: 'c' });
    expect(helm.valueKeys).toEqual(['log.level']);
    expect(helm.files()['templates/namespace-shop.yaml']).toContain('level: {{ .Values.log.level | toJson }}');
  });
});
