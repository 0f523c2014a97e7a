// Replay, not simulation: the paired rounds that sittings of bench/verdicts-aa-power.ts measured
// through `perfgate run` (--raw), judged look by look again with and without the 95% bound of
// src/measure/judge.ts (stop waiting for a metric once a 95% interval rules out a regression of its
// threshold; it is then unchanged at that level). Rounds measured before a stop do not depend on the
// rule, so on the same rounds the replay tells where each rule stops and what it concludes. Rounds
// recorded without the bound (bench commits before 2026-12-06 21:00 UTC) give both; the replay
// without it must reproduce every recorded stop, which the "recorded stop reproduced" column checks.
//
//   node --import tsx bench/futility-replay.ts <raw dir> [<raw dir> …] [--condition A/A]
//
// Thresholds and failOn are the defaults (the sittings ran at default settings), taken the way
// `perfgate compare` without a config takes them.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareRuns, decide } from '../src/compare/compare.js';
import { median } from '../src/compare/stats.js';
import { defaultsConfigFor } from '../src/config/defaults-for.js';
import type { Results, StopInfo } from '../src/results/types.js';
import { pairSeconds, readResultsFiles } from './raw-results.js';
import { type ReplayedStop, replayStop } from './replay.js';

const { values: args, positionals } = parseArgs({ options: { condition: { type: 'string', default: 'A/A' } }, allowPositionals: true });
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/futility-replay.ts <raw dir> [<raw dir> …] [--condition A/A]');
  process.exit(2);
}

/** One scenario of a results file, cut to the replayed stop, as the pipeline would have written it. */
function cut(results: Results, name: string, r: ReplayedStop): Results {
  const head = results.scenarios.find((s) => s.name === name)!;
  const base = results.base!.scenarios.find((s) => s.name === name)!;
  const rounds = (s: typeof head) => ({ ...s.load!, rounds: s.load!.rounds.slice(0, r.rounds) });
  const stop: StopInfo = { ...head.stop!, rounds: r.rounds, looks: r.looks, reason: r.reason, confidence: r.confidence, ruledOut: r.ruledOut };
  if (!r.ruledOut) delete stop.ruledOut;
  return { ...results, scenarios: [{ ...head, load: rounds(head), stop }], base: { ...results.base!, scenarios: [{ ...base, load: rounds(base) }] } };
}

console.log(`Condition ${args.condition}; each scenario's recorded rounds replayed look by look without and with the 95% bound. "inconclusive": left so when measuring stopped.`);
console.log('');
console.log(
  '| raw dir | scenarios | recorded stop reproduced | check failed, without / with | CPU/req inconclusive, without / with | rps inconclusive | p50 inconclusive | paired rounds median, without / with | load s, without / with |',
);
console.log('| :--- | ---: | ---: | :--- | :--- | :--- | :--- | :--- | :--- |');
for (const dir of positionals) {
  let scenarios = 0;
  let reproduced = 0;
  const failed = [0, 0];
  const open: Record<string, [number, number]> = { cpuUsPerRequest: [0, 0], rps: [0, 0], p50: [0, 0] };
  const rounds: [number[], number[]] = [[], []];
  const seconds = [0, 0];
  for (const { file, results } of readResultsFiles(dir, args.condition)) {
    const config = defaultsConfigFor(results, path.join(dir, file));
    for (const head of results.scenarios) {
      const base = results.base?.scenarios.find((s) => s.name === head.name);
      if (!head.load || !base?.load || !head.stop || head.stop.reason === 'fixed') continue;
      scenarios++;
      const h = head.load.rounds;
      const b = base.load.rounds;
      [false, true].forEach((bound, i) => {
        const r = replayStop(h, b, { scenario: config.scenarios[0]!, failOn: config.failOn, maxLooks: head.stop!.maxLooks, futility: bound });
        if (!bound && r.rounds === head.stop!.rounds && r.reason === head.stop!.reason) reproduced++;
        const comparison = compareRuns({ head: cut(results, head.name, r), config, pairing: 'paired' });
        if (decide(comparison, config.failOn).verdict === 'fail') failed[i]!++;
        const metrics = comparison.scenarios[0]!.metrics;
        for (const key of Object.keys(open)) if (metrics.find((m) => m.metric === key)?.verdict === 'inconclusive') open[key]![i]!++;
        rounds[i]!.push(r.rounds);
        seconds[i]! += h.slice(0, r.rounds).reduce((a, x, k) => a + pairSeconds(x, b[k]!), 0);
      });
    }
  }
  const pair = ([a, b]: readonly number[]) => `${a} / ${b}`;
  console.log(
    `| ${path.basename(dir)} | ${scenarios} | ${reproduced} | ${pair(failed)} | ${pair(open.cpuUsPerRequest!)} | ${pair(open.rps!)} | ${pair(open.p50!)} | ${median(rounds[0])} / ${median(rounds[1])} | ${seconds[0]!.toFixed(0)} / ${seconds[1]!.toFixed(0)} |`,
  );
}
