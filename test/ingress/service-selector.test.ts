/**
 * `serviceSelector` reads a Service's selector from the spec cdk8s-plus renders, without rendering
 * the whole Service, when nothing is left to resolve: it must give what `toJson()` gives, and
 * every error `toJson()` gives (cdk8s's path runs then).
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { serviceSelector } from '../../src/ingress/internal';

/** The selector as the full rendering gives it, or the error. */
function viaToJson(svc: kplus.Service): unknown {
  try {
    const selector = ApiObject.of(svc).toJson().spec?.selector;
    return { selector: { ...(selector ?? {}) }, keys: Object.keys(selector ?? {}) };
  } catch (e) {
    return { error: String((e as Error).message).split('\n')[0] };
  }
}

function viaSelector(svc: kplus.Service): unknown {
  try {
    const selector = serviceSelector('p', 'f', svc);
    return { selector, keys: Object.keys(selector) };
  } catch (e) {
    const m = /failed: (.*)$/.exec(String((e as Error).message));
    return m ? { error: m[1] } : { invalid: String((e as Error).message) };
  }
}

function service(chart: Chart, id: string, props: Partial<kplus.ServiceProps> = {}): kplus.Service {
  return new kplus.Service(chart, id, { metadata: { namespace: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...props });
}

describe('serviceSelector', () => {
  test('gives the selector toJson() gives: sorted, later selectors included', () => {
    const chart = Testing.chart();
    const svc = service(chart, 's');
    svc.selectLabel('zeta', 'z');
    svc.selectLabel('app', 'web');
    const dep = new kplus.Deployment(chart, 'd', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    const svc2 = service(chart, 's2', { selector: dep });
    svc2.selectLabel('tier', 'front');
    for (const s of [svc, svc2]) {
      const expected = viaToJson(s) as any;
      expect(viaSelector(s)).toEqual(expected);
      expect((viaSelector(s) as any).keys).toEqual(expected.keys);
    }
  });

  test('an error of the Service rendering is the one toJson() reports; a JSON patch is applied', () => {
    const chart = Testing.chart();
    const noPorts = new kplus.Service(chart, 'noports', { metadata: { namespace: 'web' } });
    noPorts.selectLabel('app', 'web');
    const lazy = service(chart, 'lazy');
    lazy.selectLabel('app', 'web');
    lazy.metadata.addAnnotation('a', Lazy.any({ produce: () => { throw new Error('no annotation'); } }) as any);
    const patched = service(chart, 'patched');
    patched.selectLabel('app', 'web');
    ApiObject.of(patched).addJsonPatch(JsonPatch.replace('/spec/selector', { app: 'other' }));
    for (const s of [noPorts, lazy]) {
      const expected = viaToJson(s) as any;
      expect(expected.error).toMatch(/^Failed serializing construct/);
      expect((viaSelector(s) as any).error).toEqual(expected.error);
    }
    expect(viaSelector(patched)).toEqual(viaToJson(patched));
    expect((viaSelector(patched) as any).selector).toEqual({ app: 'other' });
  });

  test('an app resolver of its own is applied', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'web') context.replaceValue('resolved');
      }
    }
    const app = new App({ resolvers: [new Upper()] });
    const chart = new Chart(app, 'c');
    const svc = service(chart, 's');
    svc.selectLabel('app', 'web');
    expect(viaSelector(svc)).toEqual(viaToJson(svc));
    expect((viaSelector(svc) as any).selector).toEqual({ app: 'resolved' });
  });
});
