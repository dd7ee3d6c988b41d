/**
 * The sample as a plain cdk8s app: `cdk8s synth` (see cdk8s.yaml) writes one manifest per
 * cluster chart into `dist/cdk8s/`. `npm run sample` (sample/main.ts) writes the full output
 * (per-cluster folders, Helm charts, kind configs, reachability report).
 */
import { App } from 'cdk8s';
import { buildEcommerce } from './ecommerce';

const app = new App();
buildEcommerce(app);
app.synth();
