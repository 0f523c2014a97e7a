// How much of the A/A noise in paired rounds belongs to the process pair, read from the results files
// of a bench sitting whose runs restarted both sides between blocks (baseline.restarts: auto, each
// round tagged with its processPair):
//
//   node --import tsx bench/process-pairs.ts <raw dir of bench/verdicts-aa-power.ts> [<raw dir> …] [--condition A/A]
//                                            [--metric cpu|rps|p50|p90|p99]
//
// Several raw directories are pooled, as one sitting.
//
// Per scenario, each paired round gives d = ln(head / base) of CPU per request (or of --metric). A one-way
// random-effects analysis over the scenario's pairs (Kalibera & Jones, ISMM 2013, the two-level case)
// splits the variance of d into the part within a pair (round to round) and the part between pairs
// (what one pair adds to all its rounds), pooled over scenarios. From those and the costs measured
// in the same runs (a restart, warm-ups included; a paired round), the rounds per pair that give the
// narrowest interval for the time: r* = √(restart cost / round cost × within variance / between variance).
//
// Then how fast the machine's speed drifts: whether head and base share more of it in the same round
// than a round apart (the case for shorter turns).
//
// It also prints the rounds by their place in the block: a process that has just started (and warmed
// up for `warmup`) may still be settling in its first rounds (a JIT still compiling, a heap still
// growing), which each restart brings back into every block.
import { parseArgs } from 'node:util';
import { median, signTestP } from '../src/compare/stats.js';
import type { RoundResult } from '../src/results/types.js';
import { correlation, mean, readResultsFiles, signedPercent as signed, variance } from './raw-results.js';

const { values: args, positionals: dirs } = parseArgs({ options: { condition: { type: 'string' }, metric: { type: 'string', default: 'cpu' } }, allowPositionals: true });
const METRICS: Record<string, { label: string; of: (r: RoundResult) => number | undefined }> = {
  cpu: { label: 'CPU/request', of: (r) => r.cpuUsPerRequest },
  rps: { label: 'rps', of: (r) => r.rps },
  p50: { label: 'p50', of: (r) => r.latencyUs.p50 },
  p90: { label: 'p90', of: (r) => r.latencyUs.p90 },
  p99: { label: 'p99', of: (r) => r.latencyUs.p99 },
};
const metric = METRICS[args.metric!];
if (dirs.length === 0 || !metric) {
  console.error('usage: node --import tsx bench/process-pairs.ts <raw dir> [<raw dir> …] [--condition A/A] [--metric cpu|rps|p50|p90|p99]');
  process.exit(2);
}
const valueOf = metric.of;
const files = dirs.flatMap((dir) => readResultsFiles(dir, args.condition));

let within = 0;
let withinDf = 0;
const betweenEstimates: number[] = [];
const restartMs: number[] = [];
const roundMs: number[] = [];
/**
 * What the process had done before a block's first round: just restarted (between blocks of a
 * scenario), booted for the run (the run's first block), served an earlier scenario (a warm process,
 * after the new scenario's warm-up), or the block before it without a pause (restarts: never).
 */
type BlockKind = 'after a restart' | 'first block of the run' | 'warm process, next scenario' | 'continuing';
/** The rounds at one place in a block: each side's value over its block's median, and d. */
type PlaceSamples = { head: number[]; base: number[]; d: number[] };
/**
 * How far apart in time head's and base's turns may be and still share the machine's speed: within a
 * pair, log CPU/request of each side centred on the pair's mean (so what a pair adds drops out),
 * head's against base's in the same round and in the next one, and d against the next round's d.
 * Both sides' turns of a round lie within one round's time of each other; the next round's, one to
 * two. Where the same-round correlation is high and the next-round one low, the host's speed drifts
 * on the scale of a round, and shorter turns (`--aa-duration` in bench/verdicts-aa-power.ts) would
 * cancel more of it.
 */
const timescale = { head: [] as number[], base: [] as number[], headNext: [] as number[], baseNext: [] as number[], d: [] as number[], dNext: [] as number[] };
function addToTimescale(lh: readonly number[], lb: readonly number[]): void {
  if (lh.length < 3) return;
  const ch = lh.map((x) => x - mean(lh));
  const cb = lb.map((x) => x - mean(lb));
  const d = ch.map((x, k) => x - cb[k]!);
  timescale.head.push(...ch);
  timescale.base.push(...cb);
  for (let k = 0; k + 1 < ch.length; k++) {
    timescale.headNext.push(ch[k]!);
    timescale.baseNext.push(cb[k + 1]!);
    timescale.d.push(d[k]!);
    timescale.dNext.push(d[k + 1]!);
  }
}
/**
 * Consecutive rounds of a pair merged k at a time, each side's CPU/request (Σ CPU / Σ requests) or
 * rps (Σ requests / Σ time) over the merged rounds: what one round made of k alternating turns per
 * side, each as long as these rounds' turns, would measure, switching costs aside. Percentiles
 * cannot be merged from a results file's rounds, so latency has no such line. Per k, the
 * within-pair sums for the variance of the merged rounds' d.
 */
const mergedValue: ((rs: RoundResult[]) => number) | undefined =
  args.metric === 'cpu'
    ? (rs) => rs.reduce((a, r) => a + r.cpuUsPerRequest! * r.requests, 0) / rs.reduce((a, r) => a + r.requests, 0)
    : args.metric === 'rps'
      ? (rs) => rs.reduce((a, r) => a + r.requests, 0) / rs.reduce((a, r) => a + r.durationMs, 0)
      : undefined;
const MERGE = [1, 2, 4, 8];
const merged = new Map<number, { ss: number; df: number }>(MERGE.map((k) => [k, { ss: 0, df: 0 }]));
function addMerged(turns: readonly { head: RoundResult; base: RoundResult }[]): void {
  const value = mergedValue;
  if (!value) return;
  for (const k of MERGE) {
    const ds: number[] = [];
    for (let i = 0; i + k <= turns.length; i += k) {
      const group = turns.slice(i, i + k);
      ds.push(Math.log(value(group.map((t) => t.head)) / value(group.map((t) => t.base))));
    }
    if (ds.length < 2) continue;
    const acc = merged.get(k)!;
    acc.ss += variance(ds) * (ds.length - 1);
    acc.df += ds.length - 1;
  }
}
/** By kind of block and the round's place in it. */
const byPlace = new Map<BlockKind, Map<number, PlaceSamples>>();
const pooled = (places: PlaceSamples[]): PlaceSamples => ({
  head: places.flatMap((p) => p.head),
  base: places.flatMap((p) => p.base),
  d: places.flatMap((p) => p.d),
});
let scenarios = 0;
for (const { results } of files) {
  for (const [s, head] of results.scenarios.entries()) {
    const base = results.base?.scenarios.find((x) => x.name === head.name);
    const h = head.load?.rounds ?? [];
    const b = base?.load?.rounds ?? [];
    const pairs = new Map<number, number[]>();
    const sides = new Map<number, { head: number[]; base: number[] }>();
    const merging = new Map<number, { head: RoundResult; base: RoundResult }[]>();
    h.forEach((round: RoundResult, i) => {
      const other = b[i];
      const hv = valueOf(round);
      const bv = other ? valueOf(other) : undefined;
      if (round.processPair === undefined || !hv || !bv) return;
      const ds = pairs.get(round.processPair) ?? [];
      ds.push(Math.log(hv / bv));
      pairs.set(round.processPair, ds);
      const pairSides = sides.get(round.processPair) ?? { head: [], base: [] };
      pairSides.head.push(Math.log(hv));
      pairSides.base.push(Math.log(bv));
      sides.set(round.processPair, pairSides);
      const turns = merging.get(round.processPair) ?? [];
      turns.push({ head: round, base: other! });
      merging.set(round.processPair, turns);
      roundMs.push(round.durationMs + other.durationMs);
    });
    for (const { head: lh, base: lb } of sides.values()) addToTimescale(lh, lb);
    for (const turns of merging.values()) addMerged(turns);
    // Blocks of the scenario's look size (all equal: the per-look levels assume it).
    const perBlock = head.stop?.looks ? Math.round(h.length / head.stop.looks) : h.length;
    for (let start = 0; start + perBlock <= h.length && perBlock > 0; start += perBlock) {
      const at = Array.from({ length: perBlock }, (_, k) => start + k);
      const pair = h[start]!.processPair;
      if (pair === undefined) continue;
      const kind: BlockKind =
        start > 0 ? (h[start - 1]!.processPair === pair ? 'continuing' : 'after a restart') : s === 0 ? 'first block of the run' : 'warm process, next scenario';
      const hm = median(at.map((i) => valueOf(h[i]!) ?? NaN));
      const bm = median(at.map((i) => (b[i] ? valueOf(b[i]) : undefined) ?? NaN));
      const places = byPlace.get(kind) ?? new Map();
      byPlace.set(kind, places);
      at.forEach((i, place) => {
        const hc = valueOf(h[i]!);
        const bc = b[i] ? valueOf(b[i]) : undefined;
        if (!hc || !bc) return;
        const p = places.get(place) ?? { head: [], base: [], d: [] };
        p.head.push(hc / hm);
        p.base.push(bc / bm);
        p.d.push(Math.log(hc / bc));
        places.set(place, p);
      });
    }
    const groups = [...pairs.values()].filter((ds) => ds.length > 1);
    if (groups.length < 2) continue;
    scenarios++;
    const m = median(groups.map((ds) => ds.length));
    const ssw = groups.reduce((a, ds) => a + variance(ds) * (ds.length - 1), 0);
    const dfw = groups.reduce((a, ds) => a + ds.length - 1, 0);
    within += ssw;
    withinDf += dfw;
    const msb = m * variance(groups.map(mean));
    betweenEstimates.push((msb - ssw / dfw) / m);
    const stop = head.stop;
    if (stop?.restartMs && stop.processPairs && stop.processPairs > 1) restartMs.push(stop.restartMs / (stop.processPairs - 1));
  }
}
if (byPlace.size === 0) {
  console.error(`no scenario in ${dirs.join(', ')} has paired rounds tagged with their process pair (a rerun-mode results file)`);
  process.exit(1);
}
const sw2 = within / withinDf;
// The between-pair variance, averaged over scenarios (an unbiased estimate per scenario; negative
// values are kept, as truncating each at 0 would bias the average up).
const sb2 = mean(betweenEstimates);
const pct = (v: number) => `${(Math.sqrt(Math.max(0, v)) * 100).toFixed(2)}%`;
const cRestart = median(restartMs);
const cRound = median(roundMs);
const optimal = sb2 > 0 ? Math.sqrt((cRestart / cRound) * (sw2 / sb2)) : Infinity;
console.log(
  [
    `${scenarios} scenarios with rounds from two or more process pairs (${dirs.join(', ')}${args.condition ? `, ${args.condition}` : ''})`,
    ...(scenarios === 0
      ? ['(one process pair per scenario, baseline.restarts: never: no variance components)']
      : [
          `${metric.label}, d = ln(head / base) per paired round:`,
          `  within a pair (round to round): sd ${pct(sw2)}`,
          `  between pairs (what a pair adds to all its rounds): sd ${pct(sb2)}${sb2 <= 0 ? ' (estimate ≤ 0: no pair effect seen)' : ''}`,
          `costs: a restart ${(cRestart / 1000).toFixed(1)} s (median, warm-ups included), a paired round ${(cRound / 1000).toFixed(2)} s`,
          `rounds per pair for the narrowest interval in the time (Kalibera & Jones): ${Number.isFinite(optimal) ? optimal.toFixed(1) : 'as many as possible (no pair effect)'}`,
        ]),
    '',
    `How fast the machine's speed drifts (log ${metric.label} centred per pair, ${timescale.head.length} rounds in pairs of 3 or more; a paired round ${(cRound / 1000).toFixed(2)} s):`,
    `  head and base, same round: r = ${correlation(timescale.head, timescale.base).toFixed(2)}`,
    `  head and base, base a round later: r = ${correlation(timescale.headNext, timescale.baseNext).toFixed(2)}`,
    `  d and the next round's d: r = ${correlation(timescale.d, timescale.dNext).toFixed(2)}`,
    mergedValue
      ? `Rounds merged k at a time within a pair (one round of k alternating turns per side would measure this, switching costs aside):`
      : `(No rounds merged k at a time: ${metric.label}'s percentiles cannot be merged from a results file's rounds.)`,
    ...MERGE.filter((k) => merged.get(k)!.df > 0).map((k) => {
      const { ss, df } = merged.get(k)!;
      // Independent rounds would give sd(k = 1) / √k; drift slower than a round leaves more.
      return `  k = ${k}: sd of d ${(Math.sqrt(ss / df) * 100).toFixed(2)}%, a merged round ${((k * cRound) / 1000).toFixed(2)} s (${df} df)`;
    }),
    '',
    `By place in the block, per kind of block (a round's d = ln(head / base) of ${metric.label}; "d > 0" is the`,
    'share of rounds where head cost more, ~50% in an A/A comparison and the per-round power of the sign',
    'test under a real change; "sign test p", two-sided, how likely so lopsided a share is when neither side',
    'has the advantage at that place):',
    '',
    '| block | place | rounds | head CPU/req ÷ block median | base CPU/req ÷ block median | median d | sd of d | d > 0 | sign test p |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[...byPlace.entries()].flatMap(([kind, places]) => {
      const sorted = [...places.entries()].sort(([a], [b]) => a - b);
      const later = pooled(sorted.slice(1).map(([, p]) => p));
      const rows = kind === 'after a restart' ? sorted.map(([place, p]) => [`${place + 1}`, p] as const) : [['1', sorted[0]![1]] as const, ['2+', later] as const];
      return rows.map(([place, p]) => {
        const headCostlier = p.d.filter((d) => d > 0).length;
        return `| ${kind} | ${place} | ${p.d.length} | ${median(p.head).toFixed(2)} | ${median(p.base).toFixed(2)} | ${signed(median(p.d))} | ${p.d.length > 1 ? pct(variance(p.d)) : '–'} | ${((headCostlier / p.d.length) * 100).toFixed(0)}% (${headCostlier}/${p.d.length}) | ${signTestP(p.d).toPrecision(2)} |`;
      });
    }),
  ].join('\n'),
);
