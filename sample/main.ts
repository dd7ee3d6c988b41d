// The main job: synthesize the sample into dist/sample. (Grows into the multi-region sample.)
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

const app = new App({ outdir: 'dist/sample' });
const chart = new Chart(app, 'hello');
new kplus.Namespace(chart, 'ns', { metadata: { name: 'hello' } });
app.synth();
console.log(`synthesized ${chart.node.findAll().length} constructs into dist/sample`);
