/**
 * One object's Helm template: its manifest text, escaped for Go templates, with tunable fields
 * as `{{ .Values.<key> }}` actions (pure rendering, used by `HelmChart`).
 */
import { ApiObject, App, Chart, IResolver, ResolutionContext } from 'cdk8s';
import { escapeTemplateText } from './escape';
import { ValuesCollector, isInteger, valueExpression } from './values';
import { Tunable, TunableBinding } from '../core/tunable';
import { renderTunableFormat } from '../core/tunable-format';
import { ValidationError } from '../core/validation-error';
import { YamlWriter } from '../core/yaml-writer';

const SENTINEL_BASE = 'cdk8sZtTunable';

/** What rendering a template needs from its chart. */
export interface TemplateContext {
  /** The chart's YAML writer (scalar renderings shared across objects). */
  readonly yaml: YamlWriter;
  /** The chart's values, added to for every tunable the template uses. */
  readonly values: ValuesCollector;
  /** Bindings not applied (field changed after binding), one line each. */
  readonly warnings: string[];
}

/** Placeholders standing for actions in the manifest while it is serialized. */
class Placeholders {
  public readonly sentinel: string;
  public readonly actions: string[] = [];
  public readonly used: Tunable[] = [];

  constructor(plain: any) {
    // the sentinel is alphanumeric: it occurs in the YAML text iff it occurs in the JSON text,
    // which is ~30x cheaper to produce than a second YAML rendering
    const plainText = JSON.stringify(plain);
    let sentinel = SENTINEL_BASE;
    while (plainText.includes(sentinel)) {
      sentinel += 'X';
    }
    this.sentinel = sentinel;
  }

  /** A placeholder for `action`. */
  public of(action: string): string {
    this.actions.push(action);
    return `${this.sentinel}${this.actions.length - 1}Z`;
  }

  /** The action of one tunable's value. */
  public single(t: Tunable): string {
    this.used.push(t);
    return isInteger(t) ? `{{ ${valueExpression(t)} | int64 }}` : `{{ ${valueExpression(t)} | toJson }}`;
  }

  /** `text` with the placeholders replaced by their actions. */
  public fill(text: string): string {
    if (this.actions.length === 0) {
      return text;
    }
    const re = new RegExp(`${this.sentinel}(\\d+)Z`, 'g');
    return text.replace(re, (_m, n) => this.actions[Number(n)]);
  }
}

/**
 * Renders one object's template: escaped manifest text with tunable fields as actions.
 *
 * @param plain the object's plain manifest (modified: bound fields become placeholders)
 * @param hasTokens whether the object holds Tunables in its props (rendered again, as placeholders)
 */
export function renderTemplate(ctx: TemplateContext, obj: ApiObject, plain: any, hasTokens: boolean): string {
  const bindings = Tunable._bindingsOf(obj);
  if (!hasTokens && bindings.length === 0) {
    // nothing to template: the plain manifest, serialized once
    return escapeTemplateText(ctx.yaml.stringify(plain));
  }
  const ph = new Placeholders(plain);
  // Tunables placed directly in props (implicit tokens): a resolver in front of the app's
  // resolvers turns them into placeholders while this object is rendered again. Without them,
  // the plain manifest is the object's rendering.
  let json: any = plain;
  if (hasTokens) {
    const tokenResolver: IResolver = {
      resolve(context: ResolutionContext) {
        if (Tunable.isTunable(context.value)) {
          context.replaceValue(ph.of(ph.single(context.value)));
        }
      },
    };
    json = withResolver(obj, tokenResolver, () => obj.toJson());
  }
  applyBindings(ctx, obj, json, bindings, ph);
  // added after toJson(): an error thrown inside it would be rewrapped as a plain Error by cdk8s
  ph.used.forEach(t => ctx.values.add(t));
  return ph.fill(escapeTemplateText(ctx.yaml.stringify(json)));
}

/** Replaces each bound field of `json` still holding its default by a placeholder. */
function applyBindings(ctx: TemplateContext, obj: ApiObject, json: any, bindings: TunableBinding[], ph: Placeholders): void {
  for (const b of bindings) {
    const tokens = parsePointer(b.pointer);
    const found = getAt(json, tokens);
    if (!found.exists) {
      // a binding to a field the object does not render would silently never reach the values
      throw new ValidationError({
        path: obj.node.path,
        field: `tunable binding ${b.pointer}`,
        value: b.tunables.map(t => t.key).join(', '),
        expected: `a JSON pointer to a field ${obj.kind} ${obj.name} renders (the binding's default ${JSON.stringify(b.expected)} is nowhere in the object)`,
      });
    }
    if (found.value !== b.expected) {
      ctx.warnings.push(`${obj.node.path}: ${b.pointer} is ${JSON.stringify(found.value)}, not the default ${JSON.stringify(b.expected)} of ${b.tunables.map(t => t.key).join(', ')}: kept as is`);
      continue;
    }
    setAt(json, tokens, ph.of(b.format === undefined ? ph.single(b.tunables[0]) : formatAction(b, ph.used)));
  }
}

/** Runs `fn` with `resolver` in front of the resolvers of `scope`'s app. */
export function withResolver<T>(scope: ApiObject | Chart, resolver: IResolver, fn: () => T): T {
  const resolvers = App.of(scope).resolvers;
  resolvers.unshift(resolver);
  try {
    return fn();
  } finally {
    const at = resolvers.indexOf(resolver);
    if (at >= 0) {
      resolvers.splice(at, 1);
    }
  }
}

/**
 * Runs `fn` with `observe` called on every value the resolvers of `scope`'s app are offered,
 * before them. The observer takes the place of the first resolver, as an object inheriting from
 * it that calls it after observing: the app's resolvers keep their number and classes, so the
 * renderers' shorter `toJson()` (core/final-json.ts, for an app with cdk8s's resolvers only) is
 * not turned off while the chart is synthesized (a resolver put in front of them did: every
 * NetworkPolicy and AuthorizationPolicy then went through cdk8s's resolve, ~17% of
 * `HelmChart.fromChart` at 3 x 100 services). The values that path skips are plain data: no
 * Tunable among them.
 */
export function withObserver<T>(scope: ApiObject | Chart, observe: (context: ResolutionContext) => void, fn: () => T): T {
  const resolvers = App.of(scope).resolvers;
  const first = resolvers[0];
  if (first === undefined) {
    return withResolver(scope, { resolve: observe }, fn);
  }
  const observing: IResolver = Object.create(first);
  observing.resolve = (context: ResolutionContext) => {
    observe(context);
    first.resolve(context);
  };
  resolvers[0] = observing;
  try {
    return fn();
  } finally {
    const at = resolvers.indexOf(observing);
    if (at >= 0) {
      resolvers[at] = first;
    }
  }
}

/** The action of a `Tunable.bindFormat` binding: `printf` of the parts, as a JSON string. */
function formatAction(b: TunableBinding, used: Tunable[]): string {
  const goFormat = renderTunableFormat(b.format!.replace(/%%/g, '%%%%'), b.tunables.map(() => '%v'));
  const args = b.tunables.map(t => {
    used.push(t);
    return isInteger(t) ? `(${valueExpression(t)} | int64)` : valueExpression(t);
  });
  return `{{ printf ${JSON.stringify(goFormat)} ${args.join(' ')} | toJson }}`;
}

function parsePointer(pointer: string): string[] {
  return pointer.split('/').slice(1).map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(json: any, tokens: string[]): { exists: boolean; value?: any } {
  let node = json;
  for (const t of tokens) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, t)) {
      return { exists: false };
    }
    node = node[t];
  }
  return { exists: true, value: node };
}

function setAt(json: any, tokens: string[], value: any): void {
  let node = json;
  for (const t of tokens.slice(0, -1)) {
    node = node[t];
  }
  node[tokens[tokens.length - 1]] = value;
}
