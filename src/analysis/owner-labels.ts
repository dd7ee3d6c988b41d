import { AnalysisError } from './analysis-error';
import { ParsedResources, PodInfo } from './model';
import { Selector } from './selector';

/** A pod selector of a policy and where it applies (internal). */
interface ScopedSelector {
  readonly policy: string;
  readonly sel: Selector;
  /** True if the selector can select pods of this namespace. */
  readonly inNamespace: (ns: string, nsLabels: { [k: string]: string }) => boolean;
}

function podSelectors(res: ParsedResources): ScopedSelector[] {
  const out: ScopedSelector[] = [];
  for (const p of res.policies) {
    const policy = `NetworkPolicy ${p.ns}/${p.name}`;
    out.push({ policy, sel: p.podSelector, inNamespace: (ns) => ns === p.ns });
    for (const r of [...p.ingress ?? [], ...p.egress ?? []]) {
      for (const peer of r.peers ?? []) {
        if (!peer.podSelector) continue;
        const nsSel = peer.namespaceSelector;
        out.push({ policy, sel: peer.podSelector, inNamespace: (ns, l) => (nsSel ? nsSel.matches(l) : ns === p.ns) });
      }
    }
  }
  for (const t of res.tierPolicies) {
    const policy = `${t.kind} ${t.name}`;
    if (t.subjectPods) out.push({ policy, sel: t.subjectPods, inNamespace: (_ns, l) => t.subjectNamespaces.matches(l) });
    for (const r of [...t.ingress, ...t.egress]) {
      for (const peer of r.peers) {
        const nsSel = peer.podNamespaces;
        if (peer.pods && nsSel) out.push({ policy, sel: peer.pods, inNamespace: (_ns, l) => nsSel.matches(l) });
      }
    }
  }
  return out;
}

/** The workloads whose pods do not all have the same labels: one pod per distinct label set. */
function labelGaps(pods: PodInfo[]): PodInfo[][] {
  const byOwner = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const owner = `${p.ns}/${p.ownerName}[${p.ownerKind}]`;
    const list = byOwner.get(owner);
    if (list === undefined) byOwner.set(owner, [p]); else list.push(p);
  }
  const out: PodInfo[][] = [];
  for (const list of byOwner.values()) {
    // one pod (a workload's template, the usual case): no gap, and no key to make
    if (list.length < 2) continue;
    const sets = new Map<string, PodInfo>();
    for (const p of list) {
      const key = JSON.stringify(Object.entries(p.labels).sort());
      if (!sets.has(key)) sets.set(key, p);
    }
    if (sets.size > 1) out.push([...sets.values()]);
  }
  return out;
}

/**
 * Throws if the pods of one workload have different labels and a policy's pod selector selects
 * some of them and not the others: connections are reported per workload, and such a workload
 * would have more than one answer (netpol-analyzer refuses the same input) (internal).
 */
export function checkOwnerLabelGaps(res: ParsedResources): void {
  const gaps = labelGaps(res.pods);
  if (!gaps.length) return;
  const selectors = podSelectors(res);
  for (const pods of gaps) {
    const { ns, ownerName } = pods[0];
    const nsLabels = res.namespaces.get(ns) ?? { 'kubernetes.io/metadata.name': ns };
    for (const s of selectors) {
      if (!s.inNamespace(ns, nsLabels)) continue;
      const hit = pods.filter((p) => s.sel.matches(p.labels));
      if (!hit.length || hit.length === pods.length) continue;
      const miss = pods.find((p) => !s.sel.matches(p.labels))!;
      throw new AnalysisError(`${s.policy}: Found Pods of the same owner workload \`${ns}/${ownerName}\` and with differences in their labels, `
        + `while a network policy contains selectors impacted by this gap. (Its selector ${s.sel} selects pod ${hit[0].name} and not pod ${miss.name}; `
        + 'connections are reported per workload, so this one would have two answers: give its pods the same labels for this selector.)');
    }
  }
}
