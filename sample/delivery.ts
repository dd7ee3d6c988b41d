/**
 * How a platform team delivers the sample's three clusters through GitOps: the job's output
 * (`dist/sample/`) is committed to a fleet repository, and either Argo CD or Flux applies each
 * cluster's folder in a safe order (namespaces and policies before any workload).
 *
 * - Argo CD: one ApplicationSet (one Application per cluster, over `dist/sample/<cluster>`, file
 *   `manifests.k8s.yaml`) and its AppProject; the order comes from the sync waves the cluster
 *   charts carry (`SyncWaves.apply` in `buildEcommerce`).
 * - Flux: per cluster a GitRepository and two Kustomizations over the `PolicySplit` halves,
 *   `dist/sample/<cluster>/policies` and `.../apps`; the apps one `dependsOn` the policies one.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { ArgoCdDelivery, Fleet, FluxDelivery } from '../src';

/** The fleet repository the job's output is committed to (an example URL). */
export const FLEET_REPO = 'https://git.example.com/platform/shop-fleet.git';

/** Where each cluster's folder is in the fleet repository: the layout `npm run sample` writes. */
export const FLEET_PATH_TEMPLATE = 'dist/sample/{cluster}';

/** Name of the delivery objects (ApplicationSet, AppProject, GitRepository). */
export const DELIVERY_NAME = 'shop';

/**
 * The ServiceAccount Argo CD and Flux impersonate in each cluster: it can apply exactly what the
 * cluster's output contains (`reconcilerManifests`), never act as the controller (cluster-admin).
 */
export const RECONCILER = 'shop-reconciler';

/** The delivery objects of the sample. */
export interface SampleDelivery {
  /** The chart holding the Argo CD objects (applied to the cluster Argo CD runs in). */
  readonly argoChart: Chart;
  /** The ApplicationSet and AppProject. */
  readonly argo: ArgoCdDelivery;
  /** The chart holding the Flux objects. */
  readonly fluxChart: Chart;
  /** The Flux source and per-cluster Kustomizations. */
  readonly flux: FluxDelivery;
}

/**
 * The Argo CD and Flux delivery of the sample's fleet, each in a chart of its own (outside the
 * cluster charts, as the delivery constructs require).
 *
 * @param app the app holding the fleet
 * @param fleet the sample's fleet
 */
export function buildDelivery(app: App, fleet: Fleet): SampleDelivery {
  const argoChart = new Chart(app, 'delivery-argocd', { disableResourceNameHashes: true });
  const argo = new ArgoCdDelivery(argoChart, 'argocd', {
    fleet, repoUrl: FLEET_REPO, pathTemplate: FLEET_PATH_TEMPLATE, name: DELIVERY_NAME, serviceAccountName: RECONCILER,
  });
  const fluxChart = new Chart(app, 'delivery-flux', { disableResourceNameHashes: true });
  const flux = new FluxDelivery(fluxChart, 'flux', {
    fleet, repoUrl: FLEET_REPO, pathTemplate: FLEET_PATH_TEMPLATE, name: DELIVERY_NAME, serviceAccountName: RECONCILER,
  });
  return { argoChart, argo, fluxChart, flux };
}

/**
 * The Flux objects one cluster bootstraps from (`flux bootstrap ... --path=<its folder>`): the
 * source and the cluster's two Kustomizations (policies, then apps), as JSON.
 *
 * @param delivery the sample's delivery
 * @param cluster cluster name
 */
export function fluxObjectsOf(delivery: SampleDelivery, cluster: string): any[] {
  const i = delivery.flux.paths.findIndex((p) => p === FLEET_PATH_TEMPLATE.replace('{cluster}', cluster));
  if (i < 0) {
    throw new Error(`no Flux delivery for cluster "${cluster}"`);
  }
  const objs: ApiObject[] = [delivery.flux.source, delivery.flux.policies[i], delivery.flux.apps[i]];
  return objs.map((o) => o.toJson());
}
