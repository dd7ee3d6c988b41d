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
 * The release JSON as Helm's json.Marshal writes it (see the file comment), as UTF-8 bytes: built
 * from pieces, the big ones (templates as base64, the manifest) never joined into one string.
 */
export function releaseJson(p: ReleaseParts): Buffer {
  const out: Buffer[] = [];
  const put = (s: string) => out.push(Buffer.from(s, 'utf8'));
  const files = (list: ReleaseParts['files']) => list.forEach(([name, text], i) => {
    put(`${i === 0 ? '' : ','}{"name":${str(name)},"data":"`);
    out.push(Buffer.from(Buffer.from(text, 'utf8').toString('base64'), 'latin1'));
    put(`","modtime":${TIME}}`);
  });
  const metadata = METADATA_ORDER.filter((k) => p.metadata[k] !== undefined).map((k) => `${str(k)}:${str(p.metadata[k])}`).join(',');
  put(`{"name":${str(p.name)},"info":{"first_deployed":${TIME},"last_deployed":${TIME},"deleted":"0001-01-01T00:00:00Z",`
    + `"description":"Upgrade complete","status":"pending-upgrade","notes":${str(p.notes)}},`
    + `"chart":{"metadata":{${metadata}},"lock":null,"templates":[`);
  files(p.templates);
  put(`],"values":${str(sortedKeys(p.values))},"schema":"${Buffer.from(p.schema, 'utf8').toString('base64')}","schemamodtime":${TIME},"files":[`);
  files(p.files);
  put(`],"modtime":${TIME}},"manifest":`);
  // escaped piece by piece (JSON escaping is per character): no string as big as the chart
  put('"');
  for (const piece of p.manifest) put(str(piece).slice(1, -1));
  put('"');
  put(`,"version":1,"namespace":${str(p.name)},"apply_method":"ssa"}`);
  return Buffer.concat(out);
}

/** The bytes of `data.release` for a release JSON: base64 of its gzip at level 9, as Helm writes it. */
export function releaseDataBytes(json: Buffer): number {
  return base64Length(zlib.gzipSync(json, { level: 9 }).length);
}

/**
 * True if the release surely takes at most `bound` bytes. zlib's faster levels search less (level
 * 2: hash chains of 8, no lazy matching; level 6: chains of 128 against level 9's 4096) and so
 * compress less: on the bench charts level 2 gives 1.32x and level 6 1.06x the bytes of level 9,
 * at a sixth and a third of its time (22 and 49 ms against 139 ms for the 9.3 MB release of a
 * 1000-service cluster). Level 9, what Helm writes, is computed only when neither fits.
 */
export function surelyFits(json: Buffer, bound: number): boolean {
  // zlib's deflateBound plus the gzip wrapper: no compression can give more (small charts skip it)
  const n = json.length;
  const deflateBound = n + Math.floor(n / 4096) + Math.floor(n / 16384) + Math.floor(n / 33554432) + 13;
  if (base64Length(deflateBound + 18) <= bound) return true;
  return [2, 6].some((level) => base64Length(zlib.gzipSync(json, { level }).length) <= bound);
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
