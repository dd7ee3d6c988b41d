/**
 * The operator's loop, step "observe": what the AUDIT deployment of a cluster recorded (Hubble
 * flows, Istio metrics and access logs with dry-run results, Kyverno PolicyReports, under
 * `sample/observed/<cluster>/`) judged against the cluster's ENFORCE manifests.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SampleCluster } from './ecommerce';
import { ANALYZER_OPTIONS, platformStandIns } from './platform';
import { DataPlane, ObserveReport } from '../src';

/** The records of each cluster that has some. */
export const OBSERVED_DIR = path.join(__dirname, 'observed');

/** The names `buildCluster` (sample/ecommerce.ts) gives the workloads the proposal may name. */
const WORKLOAD_NAMES = {
  'frontend/frontend': 'frontend.workload',
  'auth/auth-service': 'auth.workload',
  'order/order-service': 'order.workload',
  'payment/payment-service': 'payment.workload',
  'database/user-db': 'db',
};

/** One ObserveReport per cluster with records in `sample/observed/<cluster>/` (stand-ins of the sample's data plane). */
export function observeClusters(clusters: SampleCluster[], dataPlane: DataPlane = DataPlane.SIDECAR): Map<string, ObserveReport> {
  const out = new Map<string, ObserveReport>();
  for (const c of clusters) {
    const dir = path.join(OBSERVED_DIR, c.cluster.name);
    if (!fs.existsSync(dir)) continue;
    const files = fs.readdirSync(dir).sort().map((f) => path.join(dir, f));
    const texts: { [name: string]: string } = {};
    // named relative to the repository, so the report is the same wherever it is built
    for (const f of files) texts[path.relative(path.join(__dirname, '..'), f)] = fs.readFileSync(f, 'utf8');
    out.set(c.cluster.name, ObserveReport.fromTexts(texts, c.chart.toJson(), {
      analyzerOptions: ANALYZER_OPTIONS,
      extraObjects: platformStandIns(dataPlane),
      workloadNames: WORKLOAD_NAMES,
    }));
  }
  return out;
}
