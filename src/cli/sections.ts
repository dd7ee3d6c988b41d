import { ParsedArgs, single, UsageError } from './args';
import { defaultPlatform, Platform, PLATFORM_KEYS, readPlatformFile, standInObjects, withFlag } from './platform';
import { unmodelledPeers, UnmodelledPeer } from './unmodelled';
import { AnalysisError } from '../analysis/analysis-error';
import { LoadedObject } from '../analysis/documents';
import { findHelm } from '../analysis/helm-render';
import { checkDuplicates, checkInput, flattenLists, unanalysedPolicies } from '../analysis/input-check';
import { parseCidr } from '../analysis/ip-range';
import { loadSections } from '../analysis/loader';
import { ReachabilityAnalyzer } from '../analysis/reachability-analyzer';

/** One section analysed (internal). */
export interface AnalysedSection {
  readonly name: string;
  readonly analyzer: ReachabilityAnalyzer;
  readonly unmodelled: UnmodelledPeer[];
  /** Namespaces of its workloads, Namespace objects and the ingress controller. */
  readonly namespaces: Set<string>;
  /** The namespace `{ingress-controller}` runs in. */
  readonly ingressNamespace: string;
}

const READ_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
  'NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication', 'Ingress', 'Route']);

/** The flags every analysing subcommand shares (input, platform, strictness). */
export const INPUT_FLAGS = [
  { name: '--platform', args: ['FILE'], help: `the platform around the manifests, YAML with keys ${PLATFORM_KEYS.join(', ')}\n(see the README); each key given replaces the default` },
  { name: '--ingress-controller', args: ['NS:LABELS'], help: 'the ingress controller pod, {ingress-controller} in the output\n(default ingress-nginx:app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller)' },
  { name: '--dns', args: ['NS:LABELS'], help: 'the cluster DNS pods (default kube-system:k8s-app=kube-dns)' },
  { name: '--mesh-control-plane', args: ['NS:LABELS'], help: 'the mesh control plane pods (default istio-system:app=istiod,istio=pilot)' },
  { name: '--no-platform', help: 'model no platform pods (DNS, istiod, gateways; the ingress controller\nkeeps netpol-analyzer\'s placeholder namespace ingress-controller-ns)' },
  { name: '--node-cidrs', args: ['CIDR,...'], help: 'model hostNetwork pods as node traffic from these addresses' },
  { name: '--pod-cidrs', args: ['CIDR,...'], help: 'the pod address space: cluster-wide tier policy networks that overlap it\nmatch pods too (default: only 0.0.0.0/0 and ::/0 do)' },
  { name: '--helm', args: ['PATH'], help: 'the helm binary that renders chart folders (default: helm on PATH;\nwithout one, charts are skipped with a notice)' },
  { name: '--cluster-per-file', help: 'each manifest file outside cluster folders is a cluster of its own, named by\nthe file (cdk8s synth writes one <chart>.k8s.yaml per chart: one per cluster in a fleet)' },
  { name: '--lenient', help: 'analyse policies with unknown fields or wrong types (default: refuse them,\nas kubectl apply does)' },
];

/** Policies the analysis would ignore: an error (the result would be wrong), a notice with --lenient. */
function unanalysed(objs: LoadedObject[], strict: boolean, notice: (s: string) => void): void {
  const found = unanalysedPolicies(objs);
  if (!found.length) return;
  const what = `${found.length} polic${found.length > 1 ? 'ies' : 'y'} of a kind the analyzer does not evaluate `
    + '(Calico and Cilium policies)';
  if (strict) {
    throw new AnalysisError(`${what}: the allowed connections would ignore them:\n  ${found.join('\n  ')}\n(--lenient analyses without them)`);
  }
  notice(`notice: ${what} ignored (--lenient):\n  ${found.join('\n  ')}\n`);
}

/** `--pod-cidrs` (replacing the platform file's `podCidrs`), checked. */
function withPodCidrs(platform: Platform, p: ParsedArgs, cmd: string, fileWhere: string): Platform {
  const pods = single(p, '--pod-cidrs');
  const out = pods === undefined ? platform : { ...platform, podCidrs: pods.split(',').map((c) => c.trim()).filter((c) => c) };
  (out.podCidrs ?? []).forEach((c) => parseCidr(c, pods !== undefined ? `${cmd}: --pod-cidrs` : fileWhere));
  return out;
}

/** The platform the flags describe. */
export function platformOf(p: ParsedArgs, cmd: string): Platform {
  if (p.flags.has('--no-platform')) {
    for (const f of ['--platform', '--ingress-controller', '--dns', '--mesh-control-plane']) {
      if (p.flags.has(f)) throw new UsageError(`${cmd}: --no-platform and ${f} exclude each other (give one)`);
    }
    return withPodCidrs({ ingressController: { namespace: 'ingress-controller-ns', labels: {} }, standIns: [] }, p, cmd, '');
  }
  const file = single(p, '--platform');
  let platform = file ? readPlatformFile(file, defaultPlatform()) : defaultPlatform();
  for (const f of ['--ingress-controller', '--dns', '--mesh-control-plane']) {
    const v = single(p, f);
    if (v !== undefined) platform = withFlag(platform, f, v);
  }
  const cidrs = single(p, '--node-cidrs');
  if (cidrs !== undefined) platform = { ...platform, nodeCidrs: cidrs.split(',').map((c) => c.trim()).filter((c) => c) };
  (platform.nodeCidrs ?? []).forEach((c) => parseCidr(c, cidrs !== undefined ? `${cmd}: --node-cidrs` : `--platform ${file}: nodeCidrs`));
  return withPodCidrs(platform, p, cmd, `--platform ${file}: podCidrs`);
}

function namespacesOf(objs: any[], platform: Platform): Set<string> {
  const out = new Set<string>([platform.ingressController.namespace]);
  for (const o of objs) {
    if (o.kind === 'Namespace' && o.metadata?.name) out.add(o.metadata.name);
    else if (READ_KINDS.has(o.kind)) out.add(o.metadata?.namespace ?? 'default');
  }
  return out;
}

/**
 * Loads the paths, checks the input, adds the platform and analyses each section. Sections that
 * hold nothing the analyzer reads are skipped with a notice; none left is an error.
 */
export function analyseSections(paths: string[], p: ParsedArgs, cmd: string, notice: (s: string) => void): AnalysedSection[] {
  const platform = platformOf(p, cmd);
  const helm = findHelm(single(p, '--helm'), process.env.PATH);
  const strict = !p.flags.has('--lenient');
  const out: AnalysedSection[] = [];
  for (const s of loadSections(paths, { helm, notice, sectionPerFile: p.flags.has('--cluster-per-file') })) {
    const objs = flattenLists(s.objects);
    checkInput(objs, strict);
    unanalysed(objs, strict, notice);
    const plain = objs.map((o) => o.obj);
    if (!plain.some((o) => READ_KINDS.has(o.kind))) {
      if (objs.length) notice(`notice: skipped ${s.name === '.' ? 'the manifests outside cluster folders' : s.name}: no workloads or policies among its ${objs.length} objects\n`);
      continue;
    }
    checkDuplicates(objs);
    const all = [...plain, ...standInObjects(platform, plain)];
    const analyzer = ReachabilityAnalyzer.fromObjects(all, {
      ingressControllerNamespace: platform.ingressController.namespace,
      ingressControllerLabels: platform.ingressController.labels,
      nodeCidrs: platform.nodeCidrs,
      podCidrs: platform.podCidrs,
    });
    out.push({
      name: s.name === '.' ? paths.join(' ') : s.name,
      analyzer,
      unmodelled: unmodelledPeers(all, platform.ingressController),
      namespaces: namespacesOf(all, platform),
      ingressNamespace: platform.ingressController.namespace,
    });
  }
  if (!out.length) throw new AnalysisError(`no workloads or policies found in ${paths.join(', ')} (give the folders or files of Kubernetes manifests, YAML or JSON)`);
  return out;
}
