import { Group } from './aggregate';
import { Proposal } from './proposal';
import { ObserveProof } from './types';
import { ConnSet } from '../analysis/conn-set';
import { ReachabilityAnalyzer } from '../analysis/reachability-analyzer';

/** netpol-analyzer's connection text (`TCP 80,443,UDP 53`, `All Connections`) as a set. */
export function parseConns(text: string): ConnSet {
  if (text === 'All Connections') return ConnSet.ALL;
  let out = ConnSet.NONE;
  let proto = '';
  for (const part of text === 'No Connections' ? [] : text.split(',')) {
    const m = /^(?:([A-Z]+) )?(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    proto = m[1] ?? proto;
    out = out.union(ConnSet.of(proto, Number(m[2]), m[3] ? Number(m[3]) : undefined));
  }
  return out;
}

/** A single-address external peer (`1.2.3.4-1.2.3.4[External]`) as its address, as the proposal names it. */
function peerKey(peer: string): string {
  const m = /^([^-[]+)-([^-[]+)\[External\]$/.exec(peer);
  return m && m[1] === m[2] ? m[1] : peer;
}

/**
 * Re-runs the analyzer on the manifests plus the objects the proposed lines stand for: every
 * observed blocked connection must then be allowed, and the only connections opened are the
 * proposed ones on the proposed ports.
 */
export function prove(before: ReachabilityAnalyzer, objects: any[], extra: any[], proposals: Proposal[], blocked: Group[],
  build: (objs: any[]) => ReachabilityAnalyzer): { proof: ObserveProof; after: ReachabilityAnalyzer } {
  const after = build([...objects, ...extra, ...proposals.flatMap((p) => p.objects)]);
  const stillBlocked: string[] = [];
  const notProposed: string[] = [];
  const skipped = new Set<Group>();
  for (const p of proposals) {
    if (!p.notProposed) continue;
    for (const g of p.groups) { skipped.add(g); notProposed.push(`${g.src.id} => ${g.dst.id} : ${g.protocol} ${g.port}: ${p.notProposed}`); }
  }
  for (const g of blocked) {
    if (skipped.has(g)) continue;
    if (!after.isAllowed(g.src.id, g.dst.id, `${g.protocol}/${g.port}`)) stillBlocked.push(`${g.src.id} => ${g.dst.id} : ${g.protocol} ${g.port}`);
  }
  const proposed = new Map<string, ConnSet>();
  for (const g of blocked) {
    if (skipped.has(g)) continue;
    const k = `${g.src.id}\0${g.dst.id}`;
    proposed.set(k, (proposed.get(k) ?? ConnSet.NONE).union(ConnSet.of(g.protocol, g.port)));
  }
  const unobservedOpened: string[] = [];
  for (const d of ReachabilityAnalyzer.diff(before, after).opened()) {
    const added = parseConns(d.ref2.replace(/ \[L7:.*$/, '')).subtract(parseConns(d.ref1.replace(/ \[L7:.*$/, '')));
    const beyond = added.subtract(proposed.get(`${peerKey(d.src)}\0${peerKey(d.dst)}`) ?? ConnSet.NONE);
    if (!beyond.isEmpty) unobservedOpened.push(`${d.src} => ${d.dst} : ${beyond}`);
  }
  const allowedAfter = blocked.length - skipped.size - stillBlocked.length;
  return {
    proof: {
      blockedBefore: blocked.length,
      allowedAfter,
      notProposed,
      stillBlocked,
      unobservedOpened,
      holds: stillBlocked.length === 0 && unobservedOpened.length === 0,
    },
    after,
  };
}
