import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Tunable, TunableType } from '../../src/core/tunable';
import { ValidationError } from '../../src/core/validation-error';

function expectError(fn: () => void, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  for (const f of fragments) {
    expect((caught as Error).message).toContain(f);
  }
}

describe('Tunable', () => {
  test('factories keep key, type, default and options', () => {
    const t = Tunable.integer('frontend.replicas', 3, { description: 'Replicas', minimum: 1, maximum: 10 });
    expect([t.key, t.type, t.defaultValue, t.description, t.minimum, t.maximum]).toEqual(['frontend.replicas', TunableType.INTEGER, 3, 'Replicas', 1, 10]);
    expect(t.asNumber()).toBe(3);
    expect(Tunable.string('a.b', 'x').asString()).toBe('x');
    expect(Tunable.number('tracing.ratio', 0.25).asNumber()).toBe(0.25);
    expect(Tunable.flag('tracing.enabled', false).asBoolean()).toBe(false);
    expect(Tunable.isTunable(t)).toBe(true);
    expect(Tunable.isTunable({ key: 'a' })).toBe(false);
  });

  test('bad keys, defaults and limits name the field and the value', () => {
    expectError(() => Tunable.string('front-end.image', 'x'), 'invalid key "front-end.image"', 'dot-separated identifiers');
    expectError(() => Tunable.string('a..b', 'x'), 'invalid key "a..b"');
    expectError(() => Tunable.integer('a', 1.5), 'invalid defaultValue 1.5', 'a safe integer');
    expectError(() => Tunable.number('a', Number.NaN), 'invalid defaultValue NaN');
    expectError(() => Tunable.string('a', 3 as any), 'invalid defaultValue 3', 'a string');
    expectError(() => Tunable.flag('a', 'yes' as any), 'invalid defaultValue "yes"');
    expectError(() => Tunable.integer('a', 0, { minimum: 1 }), 'invalid defaultValue 0', 'at least the minimum 1');
    expectError(() => Tunable.integer('a', 11, { maximum: 10 }), 'invalid defaultValue 11', 'at most the maximum 10');
    expectError(() => Tunable.string('a', 'x', { minimum: 1 }), 'invalid minimum 1');
  });

  test('asX of the wrong type is refused', () => {
    expectError(() => Tunable.string('a', 'x').asNumber(), 'Tunable(a).asNumber', 'invalid type "string"');
    expectError(() => Tunable.integer('a', 1).asString(), 'invalid type "integer"', 'a string tunable');
  });

  test('bindTo and bindFormat validate pointer, target and format', () => {
    const chart = new Chart(new App(), 'c');
    const obj = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'x' } });
    const t = Tunable.string('a', 'x');
    expectError(() => t.bindTo(obj, 'data/a'), 'invalid pointer "data/a"');
    expectError(() => t.bindTo({}, '/data/a'), 'invalid target', 'an ApiObject or a cdk8s-plus resource');
    expectError(() => Tunable.bindFormat(obj, '/data/a', '%s:%d', [t]), 'invalid format "%s:%d"');
    expectError(() => Tunable.bindFormat(obj, '/data/a', '%s:%s', [t]), 'invalid tunables ["a"]', '2 tunables, one per %s');
    expect(Tunable.bindFormat(obj, '/data/a', '%s-100%%', [t])).toBe('x-100%');
    t.bindTo(obj, '/data/a');
    expect(Tunable._bindingsOf(obj).map(b => b.pointer)).toEqual(['/data/a', '/data/a']);
  });

  test('a cdk8s-plus resource binds its ApiObject', () => {
    const chart = new Chart(new App(), 'c');
    // kplus keeps the manifest in the protected `apiObject`
    const dep = new k8s.KubeConfigMap(chart, 'cm', { data: { a: 'x' } });
    const wrapper = { apiObject: dep };
    Tunable.string('a', 'x').bindTo(wrapper, '/data/a');
    expect(Tunable._bindingsOf(dep)).toHaveLength(1);
  });

  test('plain synth is byte-identical with and without tunables (bound or placed as tokens)', () => {
    const build = (withTunables: boolean) => {
      const app = new App();
      const chart = new Chart(app, 'c');
      const replicas = Tunable.integer('web.replicas', 2);
      const d = new k8s.KubeDeployment(chart, 'd', {
        metadata: { name: 'web' },
        spec: {
          replicas: withTunables ? replicas.asNumber() : 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: withTunables ? (Tunable.string('web.image', 'nginx:1.27') as any) : 'nginx:1.27' }] },
          },
        },
      });
      if (withTunables) {
        replicas.bindTo(d, '/spec/replicas');
      }
      return { yaml: app.synthYaml(), objs: Testing.synth(chart) };
    };
    const a = build(true);
    const b = build(false);
    expect(a.yaml).toBe(b.yaml);
    expect(a.objs[0].spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(Object.keys(a.objs[0])).toEqual(Object.keys(b.objs[0]));
  });
});
