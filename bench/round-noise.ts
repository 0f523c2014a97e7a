// What makes the paired rounds of a sitting noisy, read from the results files of bench sittings
// (bench/verdicts-aa-power.ts --raw):
//
//   node --import tsx bench/round-noise.ts <raw dir> [<raw dir> …] [--condition A/A]
//
// One row per raw directory. First the machine the results name and the base service's CPU per
// request (what sizes the bench's "+10%"). Then each side's turns (its half of a paired round), within
// one process pair of one scenario: how much the requests served and the service CPU spent vary from
// turn to turn, and the slope of ln(service CPU per turn) on ln(requests per turn). Slope 1: the
// service spent CPU in proportion to the requests it served, so CPU/request holds still while the pace
// moves. Slope 0: it spent the same CPU whatever it served, so CPU/request moves inversely with the
// requests and carries the same noise as rps — and then more rounds, not another metric, is what
// narrows its interval. Last what the verdict sees: the sd of d = ln(head / base) of CPU/request per
// round, its correlation with d of rps, and the sd of the process pairs' mean d against what the
// rounds alone would give (equal: restarting the sides added no noise of its own).
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RoundResult } from '../src/results/types.js';
import { median } from '../src/compare/stats.js';
import { groupBy } from './ledger.js';
import { mean, readResultsFiles } from './raw-results.js';

const { values: args, positionals } = parseArgs({ options: { condition: { type: 'string', default: 'A/A' } }, allowPositionals: true });
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/round-noise.ts <raw dir> [<raw dir> …] [--condition A/A]');
  process.exit(2);
}

/** Deviations from the group's mean, and the group's degrees of freedom. */
function centred(xs: readonly number[]): { dev: number[]; df: number } {
  const m = mean(xs);
  return { dev: xs.map((x) => x - m), df: xs.length - 1 };
}

/** Pools centred groups: sums of squares and cross-products over all of them. */
class Pooled {
  xx = 0;
  yy = 0;
  xy = 0;
  df = 0;
  add(x: readonly number[], y: readonly number[] = x): void {
    const cx = centred(x);
    const cy = centred(y);
    cx.dev.forEach((dx, i) => {
      this.xx += dx * dx;
      this.yy += cy.dev[i]! * cy.dev[i]!;
      this.xy += dx * cy.dev[i]!;
    });
    this.df += cx.df;
  }
  get sdX(): number {
    return Math.sqrt(this.xx / this.df);
  }
  get sdY(): number {
    return Math.sqrt(this.yy / this.df);
  }
  get slope(): number {
    return this.xy / this.xx;
  }
  get corr(): number {
    return this.xy / Math.sqrt(this.xx * this.yy);
  }
}

/** Items grouped by a key (bench/ledger.ts's groupBy, without the keys). */
const groups = <T>(xs: readonly T[], key: (x: T) => number) => groupBy(xs, (x) => String(key(x))).map(([, g]) => g);

const cpuPerTurn = (r: RoundResult) => (r.cpuUsPerRequest ?? NaN) * r.requests;
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');

console.log(`Condition ${args.condition}. Turns: one side's half of a paired round, deviations taken within a process pair of a scenario's side; d = ln(head / base) per paired round.`);
console.log('');
console.log(
  '| raw dir | machine | scenarios | base CPU/request, median | sd ln requests per turn | sd ln service CPU per turn | slope, CPU on requests | sd of d, CPU/request | corr(d CPU/request, d rps) | sd of pair means (from the rounds alone) |',
);
console.log('| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const dir of positionals) {
  const machines = new Set<string>();
  const baseCpu: number[] = [];
  const turns = new Pooled(); // x: ln requests, y: ln service CPU
  const paired = new Pooled(); // x: d of CPU/request, y: d of rps
  const within = new Pooled(); // d of CPU/request within each process pair
  let pairMeansSs = 0;
  let pairMeansDf = 0;
  let roundsPerPair = 0;
  let pairs = 0;
  let scenarios = 0;
  for (const { results } of readResultsFiles(dir, args.condition)) {
    const runner = results.meta?.runner;
    if (runner) machines.add(`${runner.cpuModel ?? '?'}, ${runner.os}`);
    for (const head of results.scenarios) {
      const base = results.base?.scenarios.find((x) => x.name === head.name);
      const h = (head.load?.rounds ?? []).filter((r) => r.cpuUsPerRequest && r.requests > 0);
      const b = (base?.load?.rounds ?? []).filter((r) => r.cpuUsPerRequest && r.requests > 0);
      if (h.length < 4 || h.length !== b.length) continue;
      scenarios++;
      if (base?.load?.cpuUsPerRequest) baseCpu.push(base.load.cpuUsPerRequest);
      for (const side of [h, b]) {
        for (const pair of groups(side, (r) => r.processPair ?? 0)) {
          if (pair.length > 1) turns.add(pair.map((r) => Math.log(r.requests)), pair.map((r) => Math.log(cpuPerTurn(r))));
        }
      }
      const rounds = h.map((r, i) => ({ pair: r.processPair ?? 0, cpu: Math.log(r.cpuUsPerRequest! / b[i]!.cpuUsPerRequest!), rps: Math.log(r.rps / b[i]!.rps) }));
      paired.add(rounds.map((r) => r.cpu), rounds.map((r) => r.rps));
      const byPair = groups(rounds, (r) => r.pair).filter((p) => p.length > 1);
      byPair.forEach((p) => within.add(p.map((r) => r.cpu)));
      if (byPair.length > 1) {
        const c = centred(byPair.map((p) => mean(p.map((r) => r.cpu))));
        pairMeansSs += c.dev.reduce((a, x) => a + x * x, 0);
        pairMeansDf += c.df;
        roundsPerPair += byPair.reduce((a, p) => a + p.length, 0);
        pairs += byPair.length;
      }
    }
  }
  const medianCpu = median(baseCpu);
  // A pair mean over k rounds has variance σ²/k when pairs add nothing: σ² the within-pair variance.
  const fromRounds = pairs ? Math.sqrt(within.xx / within.df / (roundsPerPair / pairs)) : NaN;
  const pairMeansSd = pairMeansDf ? Math.sqrt(pairMeansSs / pairMeansDf) : NaN;
  console.log(
    `| ${path.basename(dir)} | ${[...machines].join('; ') || '–'} | ${scenarios} | ${Number.isFinite(medianCpu) ? `${medianCpu.toFixed(1)} µs` : '–'} | ${pct(turns.sdX)} | ${pct(turns.sdY)} | ${f2(turns.slope)} | ${pct(
      paired.sdX,
    )} | ${f2(paired.corr)} | ${pct(pairMeansSd)} (${pct(fromRounds)}) |`,
  );
}
