import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplyOrder, Cidr, IpVersion, Names } from '../core';
import { planCidrs } from './cidr-plan';
import { FleetCluster } from './fleet-cluster';
import { ManifestYaml } from './manifest-yaml';
import { FLEET_PROPS } from './props-specs';
import { checkArgs, t } from '../core/props-check';
import { fail, validateDns1123Label, validateLabelValue } from '../core/validate';
import { checkConstruct, synthesizeCheckedChart } from '../flows/chart-checks';

/**
 * One cluster of a fleet, as declared.
 */
export interface FleetClusterProps {
  /**
   * The cluster's name: a DNS-1123 label, unique in the fleet (kind cluster name, chart id,
   * output folder).
   */
  readonly name: string;

  /**
   * The region the cluster runs in (a label value, e.g. `asia-east`).
   */
  readonly region: string;

  /**
   * The network the cluster's pods are on (Istio multi-network: clusters on the same network
   * reach each other's pods directly). A label value.
   *
   * @default - `<name>-network`: every cluster on its own network
   */
  readonly network?: string;

  /**
   * The pod CIDR (kind `podSubnet`).
   *
   * @default - the lowest free block of `podPrefixLength` in `podSupernet`
   */
  readonly podCidr?: string;

  /**
   * The service CIDR (kind `serviceSubnet`).
   *
   * @default - the lowest free block of `servicePrefixLength` in `serviceSupernet`
   */
  readonly serviceCidr?: string;

  /**
   * The geo tag global DNS knows the cluster by (k8gb's `CLUSTER_GEO_TAG`); unique in the fleet.
   *
   * @default - the region
   */
  readonly geoTag?: string;
}

/**
 * Properties of a {@link Fleet}.
 */
export interface FleetProps {
  /**
   * The clusters, in order (allocation and output follow this order).
   */
  readonly clusters: FleetClusterProps[];

  /**
   * Where pod CIDRs that are not given are allocated from.
   *
   * @default Cidr.of('10.0.0.0/9')
   */
  readonly podSupernet?: Cidr;

  /**
   * Prefix length of an allocated pod CIDR.
   *
   * @default 16
   */
  readonly podPrefixLength?: number;

  /**
   * Where service CIDRs that are not given are allocated from.
   *
   * @default Cidr.of('10.128.0.0/9')
   */
  readonly serviceSupernet?: Cidr;

  /**
   * Prefix length of an allocated service CIDR.
   *
   * @default 16
   */
  readonly servicePrefixLength?: number;
}

/**
 * The clusters of a fleet and their plan: names, regions, networks, non-overlapping pod and
 * service CIDRs, and one chart per cluster into which every per-cluster construct writes.
 *
 * Given CIDRs are checked; missing ones are allocated from the supernets, avoiding every block
 * of the fleet. The seed's plan (`10.1.0.0/16` + `10.101.0.0/16`, `10.2.0.0/16` +
 * `10.102.0.0/16`) is expressed by giving the CIDRs; the defaults allocate pods from
 * `10.0.0.0/9` and services from `10.128.0.0/9`, a /16 each.
 */
export class Fleet extends Construct {
  /**
   * Returns the Fleet a construct belongs to: the construct itself or its nearest Fleet ancestor.
   *
   * @param scope a construct inside a fleet
   */
  public static of(scope: Construct): Fleet {
    checkArgs('Fleet.of', ['scope', scope, t.required(t.construct())]);
    for (const c of [scope, ...scope.node.scopes.slice().reverse()]) {
      if (c instanceof Fleet) {
        return c;
      }
    }
    return fail(scope.node.path, 'scope', scope.node.path, 'a construct inside a Fleet');
  }

  /**
   * The clusters, in declaration order.
   */
  public readonly clusters: FleetCluster[];

  constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    const p = this.node.path;
    checkConstruct(this, 'FleetProps', props, FLEET_PROPS);
    if (!props || !Array.isArray(props.clusters) || props.clusters.length === 0) {
      fail(p, 'clusters', props?.clusters, 'a non-empty list of clusters');
    }
    const seenNames = new Map<string, number>();
    const seenGeo = new Map<string, number>();
    props.clusters.forEach((c, i) => {
      validateDns1123Label(p, `clusters[${i}].name`, c.name);
      if (seenNames.has(c.name)) {
        fail(p, `clusters[${i}].name`, c.name, `a cluster name not used before, but clusters[${seenNames.get(c.name)}] is already named "${c.name}"`);
      }
      seenNames.set(c.name, i);
      if (typeof c.region !== 'string' || c.region === '' || !Names.isLabelValue(c.region)) {
        fail(p, `clusters[${i}].region`, c.region, 'a non-empty label value: at most 63 characters matching ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], e.g. asia-east');
      }
      if (c.network !== undefined) {
        validateLabelValue(p, `clusters[${i}].network`, c.network);
        if (c.network === '') fail(p, `clusters[${i}].network`, c.network, 'a non-empty label value');
      }
      const geo = c.geoTag ?? c.region;
      if (c.geoTag !== undefined && (c.geoTag === '' || !Names.isLabelValue(c.geoTag))) {
        fail(p, `clusters[${i}].geoTag`, c.geoTag, 'a non-empty label value, e.g. eu');
      }
      if (seenGeo.has(geo)) {
        fail(p, `clusters[${i}].geoTag`, geo,
          `a geo tag unique in the fleet (k8gb tells clusters apart by it), but clusters[${seenGeo.get(geo)}] has it too: give clusters in the same region distinct geoTags`);
      }
      seenGeo.set(geo, i);
    });
    const checkPrefix = (field: string, v: number | undefined, dflt: number): number => {
      const n = v ?? dflt;
      if (!Number.isInteger(n) || n < 0 || n > 128) fail(p, field, v, 'an integer prefix length');
      return n;
    };
    const plan = planCidrs(props.clusters, {
      path: p,
      podSupernet: props.podSupernet ?? Cidr.of('10.0.0.0/9'),
      podPrefixLength: checkPrefix('podPrefixLength', props.podPrefixLength, 16),
      serviceSupernet: props.serviceSupernet ?? Cidr.of('10.128.0.0/9'),
      servicePrefixLength: checkPrefix('servicePrefixLength', props.servicePrefixLength, 16),
    });
    this.clusters = props.clusters.map((c, i) => FleetCluster._create({
      name: c.name,
      region: c.region,
      network: c.network ?? `${c.name}-network`,
      geoTag: c.geoTag ?? c.region,
      podCidr: plan[i].podCidr.toString(),
      serviceCidr: plan[i].serviceCidr.toString(),
      chart: new Chart(this, c.name, { disableResourceNameHashes: true }),
      index: i,
    }));
  }

  /**
   * The names of the clusters, in declaration order.
   */
  public get clusterNames(): string[] {
    return this.clusters.map((c) => c.name);
  }

  /**
   * Every pod CIDR of the fleet, in cluster order.
   */
  public get podCidrs(): string[] {
    return this.clusters.map((c) => c.podCidr);
  }

  /**
   * The cluster with this name; throws a ValidationError naming the known clusters otherwise.
   *
   * @param name cluster name
   * @param field the field the name came from, for the error message (default `cluster`)
   */
  public cluster(name: string, field?: string): FleetCluster {
    checkArgs(this.node.path, ['name', name, t.required(t.str())], ['field', field, t.str()]);
    const c = this.tryCluster(name);
    if (!c) {
      fail(this.node.path, field ?? 'cluster', name, `the name of a cluster of the fleet: ${this.clusterNames.map((n) => JSON.stringify(n)).join(', ')}`);
    }
    return c;
  }

  /**
   * The cluster with this name, or undefined.
   *
   * @param name cluster name
   */
  public tryCluster(name: string): FleetCluster | undefined {
    checkArgs(this.node.path, ['name', name, t.required(t.str())]);
    return this.clusters.find((c) => c.name === name);
  }

  /**
   * The `kind create cluster --config` file of a cluster (YAML): its name, pod and service
   * subnets (and `ipFamily: ipv6` for an IPv6 plan).
   *
   * @param name cluster name
   */
  public kindConfig(name: string): string {
    const c = this.cluster(name);
    const networking: any = {};
    if (c.podCidrBlock.version === IpVersion.IPV6) {
      networking.ipFamily = 'ipv6';
    }
    networking.podSubnet = c.podCidr;
    networking.serviceSubnet = c.serviceCidr;
    return ManifestYaml.stringify([{
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: c.name,
      networking,
    }]);
  }

  /**
   * The manifests of one cluster (its chart, validated, as multi-document YAML), in
   * {@link ApplyOrder}: one `kubectl apply -f` creates every object.
   *
   * @param name cluster name
   */
  public manifests(name: string): string {
    return this.render([this.cluster(name)])[0];
  }

  /**
   * The objects of one cluster (its chart, validated and checked), in {@link ApplyOrder}: what
   * {@link manifests} writes as YAML.
   *
   * @param name cluster name
   */
  public objects(name: string): any[] {
    return this.synthesize(this.cluster(name));
  }

  /**
   * Writes each cluster's output to `<outdir>/<cluster>/`: `manifests.k8s.yaml` (the cluster's
   * chart) and `kind-config.yaml`. Everything is rendered before anything is written.
   *
   * @param outdir the output folder
   * @returns the folders written, in cluster order
   */
  public synthClusters(outdir: string): string[] {
    const manifests = this.render(this.clusters);
    const rendered = this.clusters.map((c, i) => ({
      dir: path.join(outdir, c.name),
      manifests: manifests[i],
      kind: this.kindConfig(c.name),
    }));
    for (const r of rendered) {
      fs.mkdirSync(r.dir, { recursive: true });
      fs.writeFileSync(path.join(r.dir, 'manifests.k8s.yaml'), r.manifests);
      fs.writeFileSync(path.join(r.dir, 'kind-config.yaml'), r.kind);
    }
    return rendered.map((r) => r.dir);
  }

  /**
   * The YAML of these clusters' charts, each synthesized by cdk8s (`chart.toJson()`: the app's
   * dependencies resolved, the app validated, which renders the late objects, then the chart's
   * objects in dependency order), written by {@link ManifestYaml} (the bytes `Yaml.stringify`
   * writes).
   */
  private render(clusters: FleetCluster[]): string[] {
    return clusters.map((c) => ManifestYaml.stringify(this.synthesize(c)));
  }

  /**
   * One cluster's objects in apply order. The app is validated (as by every `chart.toJson()`),
   * and the chart checks run on this chart's output only: the others are checked when they are
   * written, so writing every cluster renders each chart once.
   */
  private synthesize(c: FleetCluster): any[] {
    return ApplyOrder.sort(synthesizeCheckedChart(c.chart));
  }
}
