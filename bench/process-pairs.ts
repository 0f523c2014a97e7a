// How much of the A/A noise in paired rounds belongs to the process pair, read from the results files
// of a bench sitting whose runs restarted both sides between blocks (baseline.restarts: auto, each
// round tagged with its processPair):
//
//   node --import tsx bench/process-pairs.ts <raw dir of bench/verdicts-aa-power.ts> [--condition A/A]
//
// Per scenario, each paired round gives d = ln(head / base) of CPU per request. A one-way
// random-effects analysis over the scenario's pairs (Kalibera & Jones, ISMM 2013, the two-level case)
// splits the variance of d into the part within a pair (round to round) and the part between pairs
// (what one pair adds to all its rounds), pooled over scenarios. From those and the costs measured
// in the same runs (a restart, warm-ups included; a paired round), the rounds per pair that give the
// narrowest interval for the time: r* = √(restart cost / round cost × within variance / between variance).
//
// It also prints the rounds by their place in the block: a process that has just started (and warmed
// up for `warmup`) may still be settling in its first rounds (a JIT still compiling, a heap still
// growing), which each restart brings back into every block.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../src/compare/stats.js';
import type { Results, RoundResult } from '../src/results/types.js';

const { values: args, positionals } = parseArgs({ options: { condition: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/process-pairs.ts <raw dir> [--condition A/A]');
  process.exit(2);
}
const dir = positionals[0];
let manifest: { slug: string; name: string }[] = [];
try {
  manifest = JSON.parse(readFileSync(path.join(dir, 'conditions.json'), 'utf8'));
} catch {
  // Without a manifest every file counts.
}
const wanted = args.condition ? manifest.find((m) => m.name === args.condition)?.slug : undefined;
if (args.condition && !wanted) throw new Error(`no condition named ${args.condition} in ${dir}/conditions.json`);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

let within = 0;
let withinDf = 0;
const betweenEstimates: number[] = [];
const restartMs: number[] = [];
const roundMs: number[] = [];
/** By the round's place in its block: each side's CPU/request over its block's median, and d. */
const byPlace = new Map<number, { head: number[]; base: number[]; d: number[] }>();
let scenarios = 0;
for (const file of readdirSync(dir).filter((f) => /-\d+\.json$/.test(f)).sort()) {
  if (wanted && file.replace(/-\d+\.json$/, '') !== wanted) continue;
  const results = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Results;
  for (const head of results.scenarios) {
    const base = results.base?.scenarios.find((s) => s.name === head.name);
    const h = head.load?.rounds ?? [];
    const b = base?.load?.rounds ?? [];
    const pairs = new Map<number, number[]>();
    h.forEach((round: RoundResult, i) => {
      const other = b[i];
      if (round.processPair === undefined || !round.cpuUsPerRequest || !other?.cpuUsPerRequest) return;
      const ds = pairs.get(round.processPair) ?? [];
      ds.push(Math.log(round.cpuUsPerRequest / other.cpuUsPerRequest));
      pairs.set(round.processPair, ds);
      roundMs.push(round.durationMs + other.durationMs);
    });
    // Equal blocks only (the last pair of a scenario is a whole block too: rounds come in blocks).
    const blocks = new Map<number, number[]>();
    h.forEach((round, i) => {
      if (round.processPair === undefined) return;
      const at = blocks.get(round.processPair) ?? [];
      at.push(i);
      blocks.set(round.processPair, at);
    });
    for (const at of blocks.values()) {
      const hm = median(at.map((i) => h[i]!.cpuUsPerRequest ?? NaN));
      const bm = median(at.map((i) => b[i]?.cpuUsPerRequest ?? NaN));
      at.forEach((i, place) => {
        const hc = h[i]!.cpuUsPerRequest;
        const bc = b[i]?.cpuUsPerRequest;
        if (!hc || !bc) return;
        const p = byPlace.get(place) ?? { head: [], base: [], d: [] };
        p.head.push(hc / hm);
        p.base.push(bc / bm);
        p.d.push(Math.log(hc / bc));
        byPlace.set(place, p);
      });
    }
    const groups = [...pairs.values()].filter((ds) => ds.length > 1);
    if (groups.length < 2) continue;
    scenarios++;
    const m = median(groups.map((ds) => ds.length));
    const msw = groups.reduce((a, ds) => a + variance(ds) * (ds.length - 1), 0) / groups.reduce((a, ds) => a + ds.length - 1, 0);
    within += groups.reduce((a, ds) => a + variance(ds) * (ds.length - 1), 0);
    withinDf += groups.reduce((a, ds) => a + ds.length - 1, 0);
    const msb = m * variance(groups.map(mean));
    betweenEstimates.push((msb - msw) / m);
    const stop = head.stop;
    if (stop?.restartMs && stop.processPairs && stop.processPairs > 1) restartMs.push(stop.restartMs / (stop.processPairs - 1));
  }
}
if (scenarios === 0) {
  console.error(`no scenario in ${dir} has rounds from two or more process pairs (baseline.restarts: auto)`);
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
    `${scenarios} scenarios with rounds from two or more process pairs (${dir}${args.condition ? `, ${args.condition}` : ''})`,
    `CPU/request, d = ln(head / base) per paired round:`,
    `  within a pair (round to round): sd ${pct(sw2)}`,
    `  between pairs (what a pair adds to all its rounds): sd ${pct(sb2)}${sb2 <= 0 ? ' (estimate ≤ 0: no pair effect seen)' : ''}`,
    `costs: a restart ${(cRestart / 1000).toFixed(1)} s (median, warm-ups included), a paired round ${(cRound / 1000).toFixed(2)} s`,
    `rounds per pair for the narrowest interval in the time (Kalibera & Jones): ${Number.isFinite(optimal) ? optimal.toFixed(1) : 'as many as possible (no pair effect)'}`,
    '',
    'By place in the block (1 = the first round after the warm-up of a new or reused pair):',
    '',
    '| place | rounds | head CPU/req ÷ block median | base CPU/req ÷ block median | sd of d |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...[...byPlace.entries()]
      .sort(([a], [b]) => a - b)
      .map(([place, p]) => `| ${place + 1} | ${p.d.length} | ${median(p.head).toFixed(2)} | ${median(p.base).toFixed(2)} | ${pct(variance(p.d))} |`),
  ].join('\n'),
);
