/**
 * The size of the Secret Helm stores a release of a chart in (internal, used by `HelmChart`).
 *
 * Helm 3 and 4 (and Flux helm-controller, which uses Helm's storage) keep every revision of a
 * release in one object, `sh.helm.release.v1.<release>.v<revision>`: a Secret with the default
 * driver `secret`, a ConfigMap with `configmap`. Its `data.release` is, in
 * helm/helm pkg/storage/driver/util.go `encodeRelease`:
 * `base64.StdEncoding(gzip(json.Marshal(release), gzip.BestCompression))`, where the release
 * (pkg/release/v1 `Release`) holds the rendered manifest and the whole chart (pkg/chart/v2
 * `Chart`: metadata from Chart.yaml, templates and files as `[]byte`, i.e. base64 strings in the
 * JSON, the parsed values.yaml, values.schema.json as `[]byte`). The API server refuses a Secret
 * or ConfigMap whose data exceeds 1 MiB (`data: Too long: may not be more than 1048576 bytes`,
 * helm/helm#7126, #6711), so such a release fails `helm install`/`upgrade` and a HelmRelease
 * after everything synthesized.
 *
 * The JSON below has the fields and order of Helm 4's `helm install --dry-run=client -o json`
 * (the same `json.Marshal` of the release the driver encodes) plus Helm 3's `info.deleted`: a
 * superset of both lines' release. Go's `compress/flate` levels 4-9 use zlib's lazy-matching
 * table (level 9: good 32, lazy 258, nice 258, chain 4096), so node's zlib at level 9 gives
 * nearly the same bytes (measured on `helm package` archives of bench charts: Go's gzip at
 * level 6 is 0.8% smaller than zlib's at level 6).
 */
import * as zlib from 'zlib';

/** The largest `data` of a Secret or ConfigMap the API server accepts (core.MaxSecretSize). */
export const MAX_RELEASE_BYTES = 1024 * 1024;

/**
 * The share of {@link MAX_RELEASE_BYTES} a chart's estimated release may use. The margin covers
 * what synthesis cannot know: Go's deflate against zlib's (< 1%), the release and namespace
 * names, timestamps and status, values given at install (`--set`, a HelmRelease's `values`),
 * and the two labels Flux helm-controller's post-renderer adds to every object
 * (`helm.toolkit.fluxcd.io/name`, `/namespace`; internal/postrender/origin_labels.go).
 */
export const RELEASE_BYTES_SHARE = 0.95;

/** What a release is made of, as the chart directory and `helm template` give it. */
export interface ReleaseParts {
  /** The chart's (and, as an estimate, the release's and namespace's) name. */
  readonly name: string;
  /** Chart.yaml as an object. */
  readonly metadata: { readonly [key: string]: any };
  /** `templates/...` files (NOTES.txt included), by path. */
  readonly templates: ReadonlyArray<readonly [string, string]>;
  /** The values tree of values.yaml. */
  readonly values: any;
  /** The text of values.schema.json. */
  readonly schema: string;
  /** Every other file (`crds/...`), by path. */
  readonly files: ReadonlyArray<readonly [string, string]>;
  /** The rendered manifest in pieces (joined, it is Helm's): `---\n# Source: <chart>/<template>\n<object YAML>` per object. */
  readonly manifest: ReadonlyArray<string>;
  /** The rendered NOTES.txt. */
  readonly notes: string;
}

/** Chart.yaml keys in the order of Helm's `Metadata` struct (what json.Marshal writes). */
const METADATA_ORDER = ['name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon',
  'apiVersion', 'condition', 'tags', 'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type'];

/** An RFC 3339 timestamp as long as Go writes one with nanoseconds. */
const TIME = '"2006-01-02T15:04:05.999999999Z"';

/**
 * The release JSON as Helm's json.Marshal writes it (see the file comment), as UTF-8 bytes: written
 * into one growing buffer, the templates base64-encoded in short chunks and the manifest pieces
 * JSON-escaped character by character, with no string or buffer per piece (the ~9 MB of a
 * 1000-service chart were otherwise ~4 allocations per object that the garbage collector of a big
 * heap paid for).
 */
export function releaseJson(p: ReleaseParts): Buffer {
  const w = new JsonWriter(p);
  const files = (list: ReleaseParts['files']) => list.forEach(([name, text], i) => {
    w.raw(`${i === 0 ? '' : ','}{"name":${str(name)},"data":"`);
    w.base64(text);
    w.raw(`","modtime":${TIME}}`);
  });
  const metadata = METADATA_ORDER.filter((k) => p.metadata[k] !== undefined).map((k) => `${str(k)}:${str(p.metadata[k])}`).join(',');
  w.raw(`{"name":${str(p.name)},"info":{"first_deployed":${TIME},"last_deployed":${TIME},"deleted":"0001-01-01T00:00:00Z",`
    + `"description":"Upgrade complete","status":"pending-upgrade","notes":${str(p.notes)}},`
    + `"chart":{"metadata":{${metadata}},"lock":null,"templates":[`);
  files(p.templates);
  w.raw(`],"values":${str(sortedKeys(p.values))},"schema":"`);
  w.base64(p.schema);
  w.raw(`","schemamodtime":${TIME},"files":[`);
  files(p.files);
  w.raw(`],"modtime":${TIME}},"manifest":"`);
  // escaped piece by piece (JSON escaping is per character): no string as big as the chart
  for (const piece of p.manifest) w.escaped(piece);
  w.raw(`","version":1,"namespace":${str(p.name)},"apply_method":"ssa"}`);
  return w.bytes();
}

/** The bytes of `data.release` for a release JSON: base64 of its gzip at level 9, as Helm writes it. */
export function releaseDataBytes(json: Buffer): number {
  return base64Length(gzipLength(json, 9));
}

/** Go's gzip header (no name, no comment) and trailer (CRC-32, length) around the deflate stream. */
const GZIP_WRAPPER_BYTES = 10 + 8;

/**
 * The length of `json` gzipped at `level`: its raw deflate stream plus the gzip wrapper, the same
 * bytes without the CRC-32 (~10% of a gzip at level 2) that a size does not need.
 */
function gzipLength(json: Buffer, level: number): number {
  return zlib.deflateRawSync(json, { level }).length + GZIP_WRAPPER_BYTES;
}

/**
 * True if the release surely takes at most `bound` bytes. zlib's faster levels search less (level
 * 2: hash chains of 8, no lazy matching; level 6: chains of 128 against level 9's 4096) and so
 * compress less: on the bench charts level 2 gives 1.32x and level 6 1.06x the bytes of level 9,
 * at a sixth and a third of its time (22 and 49 ms against 139 ms for the 9.3 MB release of a
 * 1000-service cluster). Level 9, what Helm writes, is computed only when neither fits.
 */
export function surelyFits(json: Buffer, bound: number): boolean {
  if (fitsUncompressed(json.length, bound)) return true;
  return [2, 6].some((level) => base64Length(gzipLength(json, level)) <= bound);
}

/**
 * True if a release JSON of `n` bytes takes at most `bound` bytes however it compresses: zlib's
 * deflateBound plus the gzip wrapper, in base64 (small charts need no compression to know).
 */
export function fitsUncompressed(n: number, bound: number): boolean {
  const deflateBound = n + Math.floor(n / 4096) + Math.floor(n / 16384) + Math.floor(n / 33554432) + 13;
  return base64Length(deflateBound + GZIP_WRAPPER_BYTES) <= bound;
}

/**
 * An upper bound of `releaseJson(p).length` from the parts' lengths, without writing it: base64
 * lengths are exact, and each UTF-16 unit of a JSON-escaped text takes at most 6 bytes (`\u00XX`,
 * `\u2028`; a surrogate pair 4). With {@link fitsUncompressed} it tells a small chart's release
 * fits without writing or compressing it.
 */
export function releaseJsonBound(p: ReleaseParts): number {
  const escaped = (s: string) => 6 * s.length + 2;
  // the JSON syntax and timestamps of the release and chart objects: ~550 bytes
  let n = 1024 + 2 * escaped(p.name) + escaped(p.notes) + 6 * JSON.stringify(sortedKeys(p.values)).length
    + base64Length(Buffer.byteLength(p.schema, 'utf8'));
  for (const k of METADATA_ORDER) {
    if (p.metadata[k] !== undefined) n += escaped(k) + 6 * JSON.stringify(p.metadata[k]).length + 1;
  }
  for (const [name, text] of [...p.templates, ...p.files]) {
    n += escaped(name) + TIME.length + 32 + base64Length(Buffer.byteLength(text, 'utf8'));
  }
  for (const piece of p.manifest) n += 6 * piece.length;
  return n;
}

function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}

/** A JSON string or value as Go's encoder writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function str(v: any): string {
  let json = JSON.stringify(v);
  // a string pattern per character: a replace callback per match costs ~10x on a manifest full of `>`
  for (const [c, escaped] of GO_ESCAPES) json = json.replaceAll(c, escaped);
  return json;
}

const GO_ESCAPES: ReadonlyArray<readonly [string, string]> = ['<', '>', '&', '\u2028', '\u2029']
  .map((c) => [c, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`] as const);

/** Go writes a map's keys sorted. */
function sortedKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: any = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
  return out;
}

/**
 * What `str` writes for each ASCII character: 0 the character itself, a char code the escape
 * backslash + that char, -1 `\u00XX`. (A lone surrogate is written as U+FFFD, as in the UTF-8
 * of the chart files Helm reads, where JSON.stringify would write `\udXXX`.)
 */
const ESCAPE = new Int16Array(128);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = -1;
for (const [b, c] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) ESCAPE[b] = c.charCodeAt(0);
for (const c of '<>&') ESCAPE[c.charCodeAt(0)] = -1;

const HEX = Buffer.from('0123456789abcdef', 'latin1');


/** Base64 of UTF-8 in chunks of whole 3-byte groups: short-lived strings, never one as big as a file. */
const BASE64_CHUNK = 3 * 8192;

/** One release JSON written into a buffer grown by doubling, from a scratch buffer for each text's UTF-8. */
class JsonWriter {
  private out: Buffer;
  private at = 0;
  private scratch: Buffer;

  constructor(p: ReleaseParts) {
    // most of it: the files in base64 (4/3 of their bytes) and the manifest, escaped (~1.05x)
    let guess = 65536 + p.schema.length * 2;
    for (const [, text] of [...p.templates, ...p.files]) guess += Math.ceil(text.length * 1.4);
    for (const piece of p.manifest) guess += Math.ceil(piece.length * 1.1);
    this.out = Buffer.allocUnsafe(guess);
    this.scratch = Buffer.allocUnsafe(65536);
  }

  /** `s` as it is (a piece of JSON syntax). */
  public raw(s: string): void {
    this.room(s.length * 3);
    this.at += this.out.write(s, this.at, 'utf8');
  }

  /** The base64 of `text`'s UTF-8 bytes. */
  public base64(text: string): void {
    const n = this.utf8(text);
    this.room(4 * Math.ceil(n / 3));
    for (let a = 0; a < n; a += BASE64_CHUNK) {
      this.at += this.out.write(this.scratch.toString('base64', a, Math.min(n, a + BASE64_CHUNK)), this.at, 'latin1');
    }
  }

  /** `text` as the inside of a JSON string, escaped as `str` does, encoded to UTF-8 as it goes. */
  public escaped(text: string): void {
    // a character at a time: JSON.stringify, a test for what Go escapes otherwise and the UTF-8
    // encoding of its result took twice as long on the bench's 1000-service manifest
    const n = text.length;
    this.room(6 * n);
    const out = this.out;
    let o = this.at;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        const e = ESCAPE[c];
        if (e === 0) {
          out[o++] = c;
        } else if (e > 0) {
          out[o++] = 0x5c;
          out[o++] = e;
        } else {
          o += out.write('\\u00', o, 'latin1');
          out[o++] = HEX[Math.floor(c / 16)];
          out[o++] = HEX[c % 16];
        }
      } else if (c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c < 0xe000)) {
        // escaped as Go does, or a surrogate (pair): UTF-8 of the code point or U+FFFD
        const pair = c >= 0xd800 && c < 0xdc00 && i + 1 < n && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) < 0xe000;
        o += c >= 0xd800 ? out.write(text.slice(i, pair ? i + 2 : i + 1), o, 'utf8') : out.write(c === 0x2028 ? '\\u2028' : '\\u2029', o, 'latin1');
        if (pair) i++;
      } else {
        o += out.write(text[i], o, 'utf8');
      }
    }
    this.at = o;
  }

  /** The JSON written. */
  public bytes(): Buffer {
    return this.out.subarray(0, this.at);
  }

  /** `text`'s UTF-8 bytes into the scratch buffer; their number. */
  private utf8(text: string): number {
    if (this.scratch.length < text.length * 3) this.scratch = Buffer.allocUnsafe(text.length * 3);
    return this.scratch.write(text, 0, 'utf8');
  }

  /** Grows the buffer to hold `n` more bytes. */
  private room(n: number): void {
    if (this.at + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.at + n));
    this.out.copy(bigger, 0, 0, this.at);
    this.out = bigger;
  }
}
