/**
 * The benchmark report: tables, goals, machine (markdown, also printed).
 */
import { AnalyzerResult } from './analyzer-bench';
import { FleetResult } from './fleet-bench';
import { fmtBytes, fmtMs, fmtRatio } from './measure';
import { BenchResults, writePairsFor } from './runner';

/** A goal of issue #12 and whether this run met it. */
export interface GoalCheck {
  readonly goal: string;
  readonly measured: string;
  /** true met, false missed, undefined not measured in this run. */
  readonly met?: boolean;
}

/** Goal thresholds (issue #25). */
export const GOALS = {
  /** our synthesis (YAML written) / raw-ApiObject synthesis, at 100 and 1000 services */
  maxOursOverRaw: 1.0,
  /** time at 1000 services / time at 100 services */
  maxGrowth100To1000: 12,
  /** HelmChart.fromChart + write / the plain output (Fleet.synthClusters) of the same app */
  maxHelmOverPlain: 1.2,
  /** peak RSS of our synthesis / raw cdk8s's, each in a process of its own, at 1000 services */
  maxMemoryOverRaw: 1.2,
  /** analyzer at 5000 pods, ms */
  maxAnalyzer5000Ms: 1000,
  /** realistic fleet model: analyzer time at 10,000 pods / at 1000 pods */
  maxAnalyzerGrowth1000To10000: 12,
};

function bySize(fleet: FleetResult[], n: number): FleetResult | undefined {
  return fleet.find((f) => f.services === n);
}

function synthesisGoal(r: BenchResults): GoalCheck {
  const goal = `synthesis (YAML written) <= ${fmtRatio(GOALS.maxOursOverRaw)} raw cdk8s ApiObjects at 100 and 1000 services`;
  const sizes = [100, 1000].map((n) => bySize(r.fleet, n)).filter((f): f is FleetResult => f !== undefined);
  if (sizes.length === 0) return { goal, measured: 'not measured (needs size 100 or 1000)' };
  return {
    goal,
    measured: sizes.map((f) => `${fmtRatio(f.oursOverRaw)} at ${f.services}`).join(', ') + (sizes.length < 2 ? ' (one size only)' : ''),
    met: sizes.every((f) => f.oursOverRaw <= GOALS.maxOursOverRaw),
  };
}

function helmGoal(r: BenchResults): GoalCheck {
  const goal = `Helm output <= ${fmtRatio(GOALS.maxHelmOverPlain)} the plain output (HelmChart write / Fleet.synthClusters)`;
  const measured = r.fleet.filter((f) => Number.isFinite(f.helmOverPlain));
  if (measured.length === 0) return { goal, measured: 'not measured (--no-helm)' };
  return {
    goal,
    measured: measured.map((f) => `${fmtRatio(f.helmOverPlain)} at ${f.services}`).join(', '),
    met: measured.every((f) => f.helmOverPlain <= GOALS.maxHelmOverPlain),
  };
}

function memoryGoal(r: BenchResults): GoalCheck {
  const goal = `peak memory at 21k objects (1000 services) within ${fmtRatio(GOALS.maxMemoryOverRaw)} raw cdk8s (peak RSS, median of 3 processes each)`;
  const m = (r.memory ?? []).find((x) => x.ours.services === 1000);
  if (m === undefined) return { goal, measured: 'not measured (--memory 1000)' };
  const ratio = m.ours.peakRssMiB / m.raw.peakRssMiB;
  return {
    goal,
    measured: `${fmtRatio(ratio)}: ${m.ours.peakRssMiB.toFixed(0)} MiB vs ${m.raw.peakRssMiB.toFixed(0)} MiB (bases ${m.ours.baseRssMiB.toFixed(0)} / ${m.raw.baseRssMiB.toFixed(0)} MiB; above base ${fmtRatio((m.ours.peakRssMiB - m.ours.baseRssMiB) / (m.raw.peakRssMiB - m.raw.baseRssMiB))})`,
    met: ratio <= GOALS.maxMemoryOverRaw,
  };
}

/** The realistic fleet model's growth from 1000 to 10,000 pods (wall time; CPU time alongside). */
function fleetModelGoal(r: BenchResults): GoalCheck {
  const fleet = r.analyzerFleet ?? [];
  const a1000 = fleet.find((a) => a.pods === 1000);
  const a10000 = fleet.find((a) => a.pods === 10000);
  const goal = `analyzer, realistic fleet model: growth 1000 -> 10,000 pods <= ~${GOALS.maxAnalyzerGrowth1000To10000}x`;
  if (!a1000 || !a10000) return { goal, measured: 'not measured (needs --analyzer-fleet 1000,10000)' };
  const g = (a10000.analyze + a10000.report) / (a1000.analyze + a1000.report);
  const cpu = a1000.cpuMs && a10000.cpuMs ? ` (CPU ${fmtRatio(a10000.cpuMs / a1000.cpuMs)})` : '';
  return { goal, measured: `${fmtRatio(g)}${cpu}; ${fmtMs(a10000.analyze + a10000.report)} at 10,000`, met: g <= GOALS.maxAnalyzerGrowth1000To10000 };
}

/** Evaluates the goals against the results. */
export function checkGoals(r: BenchResults): GoalCheck[] {
  const out: GoalCheck[] = [synthesisGoal(r)];
  const s100 = bySize(r.fleet, 100);
  const s1000 = bySize(r.fleet, 1000);
  if (s100 && s1000) {
    const g = s1000.ours.total / s100.ours.total;
    out.push({ goal: `growth 100 -> 1000 services <= ${GOALS.maxGrowth100To1000}x (ours, total)`, measured: fmtRatio(g), met: g <= GOALS.maxGrowth100To1000 });
  } else {
    out.push({ goal: `growth 100 -> 1000 services <= ${GOALS.maxGrowth100To1000}x`, measured: 'not measured (needs sizes 100 and 1000)' });
  }
  out.push(helmGoal(r));
  const a5000 = r.analyzer.find((a) => a.pods === 5000);
  const agoal = `analyzer: full matrix for 5000 pods under ${GOALS.maxAnalyzer5000Ms / 1000} s`;
  if (a5000) {
    const t = a5000.analyze + a5000.report;
    const cpu = a5000.cpuMs === undefined ? '' : ` (CPU ${fmtMs(a5000.cpuMs)})`;
    out.push({ goal: agoal, measured: `${fmtMs(t)}${cpu}`, met: t < GOALS.maxAnalyzer5000Ms });
  } else {
    out.push({ goal: agoal, measured: 'not measured' });
  }
  out.push(memoryGoal(r));
  out.push(fleetModelGoal(r));
  out.push({ goal: 'adversarial sizes linear', measured: 'printed by the run (bench/adversarial-bench.ts, 4n/n ratios), not in this table' });
  return out;
}

function fleetTables(fleet: FleetResult[]): string[] {
  const lines: string[] = [];
  lines.push('| services/cluster | objects | YAML | ours: construct | objects | YAML | total | raw ApiObject total | ours/raw | ours/raw before YAML | YAML floor (`yaml`) | js-yaml | JSON | ours/floor | helm template | helm/ours | plain write | HelmChart write | helm/plain | peak RSS (base) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of fleet) {
    lines.push(`| ${f.services} | ${f.objects} | ${fmtBytes(f.yamlBytes)} | ${fmtMs(f.ours.construct)} | ${fmtMs(f.ours.objects)} | ${fmtMs(f.ours.yaml)} | **${fmtMs(f.ours.total)}** `
      + `| ${fmtMs(f.raw.total)} | **${fmtRatio(f.oursOverRaw)}** | ${fmtRatio(f.oursOverRawObjects)} | ${fmtMs(f.floorYaml)} | ${fmtMs(f.floorJsYaml)} | ${fmtMs(f.floorJson)} | ${fmtRatio(f.oursOverFloor)} `
      + `| ${fmtMs(f.helmTemplate)} | ${fmtRatio(f.helmOverOurs)} | ${fmtMs(f.plainWrite)} | ${fmtMs(f.helmWrite)} | ${fmtRatio(f.helmOverPlain)} | ${f.peakRssMiB.toFixed(0)} MiB (${f.baseRssMiB.toFixed(0)}) |`);
  }
  const counted = fleet.filter((f) => f.helmFiles !== undefined && Number.isFinite(f.helmFiles));
  if (counted.length > 0) {
    lines.push('');
    lines.push(`Files written per fleet: plain write ${2 * fleet[0].clusters} (manifests and kind config per cluster); HelmChart write ${counted.map((f) => `${f.helmFiles} at ${f.services}`).join(', ')} (one template file per namespace).`);
  }
  lines.push('');
  lines.push('Raw ApiObject baseline, per phase:');
  lines.push('');
  lines.push('| services/cluster | construct | objects | YAML | total |');
  lines.push('|---:|---:|---:|---:|---:|');
  for (const f of fleet) {
    lines.push(`| ${f.services} | ${fmtMs(f.raw.construct)} | ${fmtMs(f.raw.objects)} | ${fmtMs(f.raw.yaml)} | ${fmtMs(f.raw.total)} |`);
  }
  lines.push('');
  lines.push(...floorTable(fleet));
  const growth: string[] = [];
  for (let i = 1; i < fleet.length; i++) {
    const a = fleet[i - 1];
    const b = fleet[i];
    growth.push(`${a.services} -> ${b.services} services (${fmtRatio(b.services / a.services)} more): ours ${fmtRatio(b.ours.total / a.ours.total)}, raw ${fmtRatio(b.raw.total / a.raw.total)}, output ${fmtRatio(b.yamlBytes / a.yamlBytes)}`);
  }
  if (growth.length > 0) {
    lines.push('');
    lines.push('Growth: ' + growth.join('; ') + '.');
  }
  return lines;
}

/**
 * Each phase as a multiple of the physical floor: `JSON.stringify` of the same final objects,
 * the least any synthesis costs (it only serializes what the objects phase produced).
 */
function floorTable(fleet: FleetResult[]): string[] {
  // a phase not measured (e.g. the writes with --no-helm) has no median: n/a, not 0.00x
  const x = (ms: number, f: FleetResult) => (Number.isFinite(ms) && ms > 0 ? fmtRatio(ms / f.floorJson) : 'n/a');
  const lines: string[] = [];
  lines.push('Distance from the physical floor (`JSON.stringify` of the same objects = 1x; medians of the phases over the median floor):');
  lines.push('');
  lines.push('| services/cluster | JSON floor | ours: construct | objects | YAML | total | raw ApiObject total | cdk8s YAML (`yaml`) | plain write | HelmChart write |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of fleet) {
    lines.push(`| ${f.services} | ${fmtMs(f.floorJson)} | ${x(f.ours.construct, f)} | ${x(f.ours.objects, f)} | ${x(f.ours.yaml, f)} | **${x(f.ours.total, f)}** `
      + `| ${x(f.raw.total, f)} | ${x(f.floorYaml, f)} | ${x(f.plainWrite, f)} | ${x(f.helmWrite, f)} |`);
  }
  return lines;
}

function analyzerTable(analyzer: AnalyzerResult[]): string[] {
  const lines: string[] = [];
  lines.push('| pods | objects | policies | analyze | report | total | CPU | growth | connections | peak RSS (base) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  analyzer.forEach((a, i) => {
    const prev = i > 0 ? analyzer[i - 1] : undefined;
    const growth = prev ? `${fmtRatio((a.analyze + a.report) / (prev.analyze + prev.report))} for ${fmtRatio(a.pods / prev.pods)} pods` : '';
    lines.push(`| ${a.pods} | ${a.objects} | ${a.policies} | ${fmtMs(a.analyze)} | ${fmtMs(a.report)} | **${fmtMs(a.analyze + a.report)}** | ${a.cpuMs === undefined ? '-' : fmtMs(a.cpuMs)} | ${growth} | ${a.connections} | ${a.peakRssMiB.toFixed(0)} MiB (${a.baseRssMiB.toFixed(0)}) |`);
  });
  return lines;
}

/** The report as markdown. */
export function toMarkdown(r: BenchResults, reps: string, analyzerReps: number): string {
  const clusters = r.fleet[0]?.clusters ?? 0;
  const lines: string[] = [];
  lines.push('# Benchmark results');
  lines.push('');
  lines.push('Generated by `npm run bench` (bench/main.ts); do not edit by hand.');
  lines.push('');
  lines.push(`- Machine: ${r.machine}`);
  lines.push(`- Load average (1/5/15 min) before: ${r.loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after: ${r.loadAfter.map((x) => x.toFixed(2)).join(' / ')}; wall time ${fmtMs(r.wallMs)}`);
  if (r.writes !== undefined) {
    const w = r.writes;
    lines.push(`- Timed writes (plain and Helm output) in ${w.fsType === 'tmpfs' ? 'a tmpfs' : `a ${w.fsType} folder`}: creating a 32 KiB file costs ${w.createMs.toFixed(3)} ms there, ${w.workDirCreateMs.toFixed(3)} ms on the repository's disk (${w.workDirFsType}); see bench/README.md.`);
  }
  lines.push(`- Medians of ${reps} repetition(s) per fleet size and ${analyzerReps} per analyzer size; ratios are medians of per-repetition ratios (variants interleaved in one process per size)${r.writes !== undefined ? `; helm/plain is the median of every write pair (${writePairsFor(10)} per repetition, ${writePairsFor(1000)} at 1000+ services)` : ''}.`);
  lines.push('');
  lines.push('## Goals');
  lines.push('');
  lines.push('| goal | measured | |');
  lines.push('|---|---:|---|');
  for (const g of checkGoals(r)) {
    lines.push(`| ${g.goal} | ${g.measured} | ${g.met === undefined ? '-' : g.met ? 'met' : '**missed**'} |`);
  }
  lines.push('');
  lines.push(`## Fleet synthesis (${clusters} clusters)`);
  lines.push('');
  lines.push(...fleetTables(r.fleet));
  lines.push('');
  lines.push('## Reachability analyzer');
  lines.push('');
  lines.push(...analyzerTable(r.analyzer));
  lines.push('');
  if ((r.analyzerFleet ?? []).length > 0) {
    lines.push('### Realistic fleet model (analyzer-fleet-model.ts: namespaces of 50 pods, default-deny + DNS + 6 allows, Istio STRICT + per-tier ALLOW)');
    lines.push('');
    lines.push(...analyzerTable(r.analyzerFleet!));
    lines.push('');
  }
  return lines.join('\n');
}
