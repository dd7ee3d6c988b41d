/**
 * A fast writer for the JSON-shaped documents we synthesize, byte-identical to cdk8s's
 * `Yaml.stringify` (the `yaml` package, YAML 1.1, `lineWidth: 0`).
 *
 * The layout of block maps and sequences is simple; the hard part is the scalars (which strings
 * need quotes, how numbers print). So every scalar that is not trivially plain is written by the
 * reference stringifier itself, once per distinct value and position (key or value), and a whole
 * document falls back to the reference when it holds anything this writer does not lay out
 * (multi-line strings, which become block scalars, explicit keys, non-JSON values).
 *
 * Plain TypeScript (no cdk8s import): the caller passes the reference stringifier.
 */

/** The reference stringifier of one document (cdk8s `Yaml.stringify`). */
export type YamlStringify = (doc: any) => string;

/** Thrown inside a document this writer does not lay out: the reference writes it. */
class Unsupported extends Error {}

// Strings that are plain in any position unless they are one of YAML 1.1's reserved words: no
// indicator first (a letter or `/`), no space (so no `: ` or ` #`), no `:` last; image references,
// paths and principals (`registry/app:1.0`, `/api/*`, `cluster.local/ns/a/sa/b`) among them
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./*:-]*$/;
// YAML 1.1 booleans and null, and its exponent-only floats (`e4`, `E-12`: the digits before `e` are optional there)
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|[eE]-?[0-9]+)$|:$/;

// `yaml` writes a string that starts like a document marker differently by depth (containsDocumentMarker)
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/;

/**
 * A writer: its caches of scalar renderings live as long as it does (use one per output, e.g. a
 * cluster's manifests or a Helm chart's templates).
 */
export class YamlWriter {
  private readonly values = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  /** The collections of the document being written: `yaml` writes a repeated one as an anchor and alias. */
  private seen = new Set<object>();

  constructor(private readonly reference: YamlStringify) {}

  /**
   * Multi-document YAML of these documents, byte for byte what `reference(doc)` joined with
   * `---\n` gives (cdk8s `Yaml.stringify(...docs)`).
   */
  public stringify(...docs: any[]): string {
    return docs.map((d) => (d === undefined ? '\n' : this.document(d))).join('---\n');
  }

  private document(doc: any): string {
    if (doc === null || typeof doc !== 'object') {
      return this.reference(doc);
    }
    try {
      this.seen = new Set();
      const out: string[] = [];
      this.enter(doc);
      if (Array.isArray(doc)) {
        if (doc.length === 0) return '[]\n';
        this.seq(doc, '', out, false);
      } else {
        if (!isPlainObject(doc)) throw new Unsupported();
        const keys = Object.keys(doc);
        if (keys.length === 0) return '{}\n';
        this.map(doc, keys, '', out, false);
      }
      return out.join('');
    } catch (e) {
      if (e instanceof Unsupported) return this.reference(doc);
      throw e;
    }
  }

  /** Marks a collection as written; one written before means the reference writes an alias. */
  private enter(o: object): void {
    if (this.seen.has(o)) throw new Unsupported();
    this.seen.add(o);
  }

  /** A block map at `indent`; `inline`: the first pair follows a `- ` already written. */
  private map(obj: any, keys: string[], indent: string, out: string[], inline: boolean): void {
    const inner = indent + '  ';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = obj[k];
      if (v === undefined) throw new Unsupported();
      // a pair with a scalar is one piece (fewer, longer pieces join faster)
      const head = (inline && i === 0 ? '' : indent) + this.key(k) + ':';
      if (v === null || typeof v !== 'object') out.push(head + ' ' + this.scalar(v) + '\n');
      else this.value(v, head, inner, out);
    }
  }

  /** A block sequence at `indent`; `inline`: the first item follows a `- ` already written. */
  private seq(arr: any[], indent: string, out: string[], inline: boolean): void {
    const inner = indent + '  ';
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      const dash = inline && i === 0 ? '- ' : indent + '- ';
      if (v === null || typeof v !== 'object') {
        out.push(dash + this.scalar(v) + '\n');
        continue;
      }
      out.push(dash);
      this.enter(v);
      if (Array.isArray(v)) {
        if (v.length === 0) out.push('[]\n');
        else this.seq(v, inner, out, true);
        continue;
      }
      if (!isPlainObject(v)) throw new Unsupported();
      const keys = Object.keys(v);
      if (keys.length === 0) out.push('{}\n');
      else this.map(v, keys, inner, out, true);
    }
  }

  /** A collection as the value of a map pair whose `key:` is `head`; nested ones start on the next line. */
  private value(v: object, head: string, inner: string, out: string[]): void {
    this.enter(v);
    if (Array.isArray(v)) {
      if (v.length === 0) { out.push(head + ' []\n'); return; }
      out.push(head + '\n');
      this.seq(v, inner, out, false);
      return;
    }
    if (!isPlainObject(v)) throw new Unsupported();
    const keys = Object.keys(v);
    if (keys.length === 0) { out.push(head + ' {}\n'); return; }
    out.push(head + '\n');
    this.map(v, keys, inner, out, false);
  }

  private scalar(v: any): string {
    switch (typeof v) {
      case 'string':
        if (PLAIN.test(v) && !reserved(v)) return v;
        return this.cached(this.values, v, () => this.reference({ k: v }), 'k: ');
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
        return this.cached(this.values, `\u0000n${v}`, () => this.reference({ k: v }), 'k: ');
      case 'boolean':
        return v ? 'true' : 'false';
      default:
        if (v === null) return 'null';
        throw new Unsupported();
    }
  }

  private key(k: string): string {
    // the `yaml` package writes a key of more than 1024 characters as an explicit key (`? k`)
    if (k.length <= 1000 && PLAIN.test(k) && !reserved(k)) return k;
    return this.cached(this.keys, k, () => this.reference({ [k]: 0 }), '', ': 0\n');
  }

  /**
   * The reference rendering of one scalar, cut out of a one-pair map; only a one-line rendering
   * is layout-independent (a block scalar or an explicit key is not).
   */
  private cached(cache: Map<string, string>, id: string, render: () => string, prefix: string, suffix = '\n'): string {
    let s = cache.get(id);
    if (s === undefined) {
      // a document marker first: the reference quotes it or not by its depth
      if (DOCUMENT_MARKER.test(id)) throw new Unsupported();
      const text = render();
      if (!text.startsWith(prefix) || !text.endsWith(suffix)) throw new Unsupported();
      s = text.slice(prefix.length, text.length - suffix.length);
      if (s.includes('\n') || s.startsWith('? ')) throw new Unsupported();
      cache.set(id, s);
    }
    return s;
  }
}

/** RESERVED.test(s) for a string of the PLAIN class: its words are at most 5 long, or start with `e`/`E`, or end with `:`. */
function reserved(s: string): boolean {
  if (s.length > 5) {
    const first = s.charCodeAt(0);
    if (first !== 101 && first !== 69 && s.charCodeAt(s.length - 1) !== 58) return false;
  }
  return RESERVED.test(s);
}

function isPlainObject(v: any): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * Multi-document YAML of these documents with a writer of their own (see {@link YamlWriter}).
 *
 * @param docs the documents (JSON values)
 * @param reference the stringifier of one document (cdk8s `Yaml.stringify`)
 */
export function stringifyYaml(docs: readonly any[], reference: YamlStringify): string {
  return new YamlWriter(reference).stringify(...docs);
}
