import { FlagSpec, helpText, parseArgs, single, UsageError } from './args';
import { standInObjects } from './platform';
import { INPUT_FLAGS, platformOf } from './sections';
import { AnalysisError } from '../analysis/analysis-error';
import { findHelm } from '../analysis/helm-render';
import { checkDuplicates, checkInput, flattenLists } from '../analysis/input-check';
import { loadSections } from '../analysis/loader';
import { ObserveReport } from '../observe/observe-report';

const FORMATS = ['text', 'json', 'ts'];

const FLAGS: FlagSpec[] = [
  { name: '--manifests', alias: '-m', args: ['DIR'], repeat: true, help: 'the manifests to enforce (files or directories, as analyze reads them; repeatable)' },
  { name: '--format', alias: '-o', args: ['FORMAT'], values: FORMATS, help: 'text|json|ts (default text)\nts: only the proposed lines, for review in the program' },
  { name: '--cluster', args: ['NAME'], help: 'the cluster folder the records come from (when the manifests hold several)' },
  { name: '--cluster-cidrs', args: ['CIDR,...'], help: 'pod and service CIDRs: an address-only record there is unidentified\n(default the private ranges 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)' },
  ...INPUT_FLAGS.filter((f) => f.name !== '--cluster-per-file'),
];

export const OBSERVE_HELP = helpText('cdk8s-zero-trust observe <records>... --manifests <dir> [options]',
  `Reads what the AUDIT phase observed and judges it against the manifests to enforce: the observed
connections enforcing would block (by workload pair and port), what is allowed but never observed,
the guardrails' audit findings, and the Flows.allow / mesh.allow lines that would allow exactly the
blocked traffic, proved by re-running the analyzer with them. Records are recognised by content:
hubble observe -o json; the Prometheus HTTP API answer for istio_requests_total or
istio_tcp_connections_opened_total; Istio/Envoy JSON access logs (peer metadata, istio.io/dry-run
shadow results); wgpolicyk8s.io PolicyReports (YAML or JSON). A malformed record is an error naming
its file and line.
Exit status: 0 nothing observed would be blocked, 1 enforcing would block observed traffic
(review the proposal), 2 an error.`, FLAGS);

/** `observe`: prints the report; returns 0, or 1 when enforcing would block observed traffic. */
export function observeCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const p = parseArgs('observe', argv, FLAGS);
  if (p.help) { out(OBSERVE_HELP + '\n'); return 0; }
  if (!p.positional.length) throw new UsageError('observe: needs at least one records file (e.g. observe hubble.jsonl --manifests dist/)');
  const manifests = p.flags.get('--manifests')?.map((v) => v[0]);
  if (!manifests) throw new UsageError('observe: needs --manifests DIR (the manifests to enforce)');
  const platform = platformOf(p, 'observe');
  const sections = loadSections(manifests, { helm: findHelm(single(p, '--helm'), process.env.PATH), notice: err })
    .filter((s) => s.objects.length);
  const wanted = single(p, '--cluster');
  const names = sections.map((s) => (s.name === '.' ? manifests.join(' ') : s.name));
  if (wanted !== undefined && !names.includes(wanted)) throw new UsageError(`observe: --cluster "${wanted}" matches no cluster (valid: ${names.join(', ')})`);
  if (wanted === undefined && sections.length > 1) throw new UsageError(`observe: the manifests hold ${sections.length} clusters; give --cluster NAME (valid: ${names.join(', ')})`);
  const section = sections[wanted === undefined ? 0 : names.indexOf(wanted)];
  if (!section) throw new AnalysisError(`no manifests found in ${manifests.join(', ')} (give the folders or files of Kubernetes manifests, YAML or JSON)`);
  const objs = flattenLists(section.objects);
  checkInput(objs, !p.flags.has('--lenient'));
  checkDuplicates(objs);
  const plain = objs.map((o) => o.obj);
  const cidrs = single(p, '--cluster-cidrs');
  const report = ObserveReport.fromFiles(p.positional, plain, {
    extraObjects: standInObjects(platform, plain),
    analyzerOptions: {
      ingressControllerNamespace: platform.ingressController.namespace,
      ingressControllerLabels: platform.ingressController.labels,
      nodeCidrs: platform.nodeCidrs,
    },
    clusterCidrs: cidrs === undefined ? undefined : cidrs.split(',').map((c) => c.trim()).filter((c) => c),
  });
  const format = single(p, '--format') ?? 'text';
  out((format === 'json' ? report.toJson() : format === 'ts' ? report.proposalCode() : report.toText()) + '\n');
  return report.wouldBlock.length ? 1 : 0;
}
