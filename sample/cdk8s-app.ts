/**
 * The sample as a plain cdk8s app: `cdk8s synth` (see cdk8s.yaml) writes one manifest per
 * cluster chart into `dist/cdk8s/` (named as `App.synth()` names them). `npm run sample`
 * (sample/main.ts) writes the full output (per-cluster folders, Helm charts, kind configs,
 * reachability report).
 *
 * Each file is the Fleet's rendering (`fleet.manifests`), which is `App.synth()`'s output in
 * apply order (Namespaces and CRDs first): `App.synth()` keeps the construct order, in which a
 * namespaced object can come before its Namespace and a first `kubectl apply -f` fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Names } from 'cdk8s';
import { buildEcommerce } from './ecommerce';

const app = new App();
const sample = buildEcommerce(app);
const files = sample.clusters.map((c) => ({
  file: path.join(app.outdir, `${Names.toDnsLabel(c.chart)}${app.outputFileExtension}`),
  text: sample.fleet.manifests(c.cluster.name),
}));
fs.mkdirSync(app.outdir, { recursive: true });
for (const f of files) {
  fs.writeFileSync(f.file, f.text);
}
