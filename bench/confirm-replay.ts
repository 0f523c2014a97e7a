// Replay, not simulation: the paired rounds a confirmation by rerun measured through `perfgate run`
// (results.confirm.json, kept by bench/history-aa.ts in its --out folder), judged look by look again
// with and without the confirmation's futility rule (src/measure/judge.ts: stop waiting for a metric
// once a 95% interval rules out a regression of its threshold). Rounds measured before a stop do not
// depend on the rule, so the replay tells, on the same rounds, where each rule stops, what verdicts
// it reaches and how much load time the earlier stop saves. A confirmation recorded with the rule
// already on can only be replayed up to where it stopped; one recorded without it (bench commits
// before the rule) gives both.
//
//   node --import tsx bench/confirm-replay.ts --history-dir bench/results/history-aa-main
//        --config <out>/repo/perfgate.yml <out>/aa-2 <out>/aa-4 … (a pull request's results.json
//        without its extension; <name>.confirm.json beside it)
//
// The metrics a confirmation decides are re-derived as the pipeline derives them: the PR's results
// against main's history (compareRuns, then metricsToConfirm).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Comparison, compareRuns, decide } from '../src/compare/compare.js';
import { applyConfirmation, confirmReason, metricsToConfirm } from '../src/compare/confirm.js';
import { loadConfig } from '../src/config/load.js';
import { readResultsFile } from '../src/results/io.js';
import type { Results } from '../src/results/types.js';
import { pairSeconds } from './raw-results.js';
import { type ReplayedStop, replayStop } from './replay.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'history-dir': { type: 'string' }, config: { type: 'string' } },
});
if (!args['history-dir'] || !args.config || positionals.length === 0) {
  throw new Error('usage: confirm-replay.ts --history-dir <dir> --config <perfgate.yml> <pr results without .json>…');
}

const historyDir = args['history-dir'];
const history = readdirSync(historyDir)
  .filter((f) => /^main-\d+\.json$/.test(f))
  .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
  .map((f) => readResultsFile(path.join(historyDir, f)));
const config = await loadConfig(path.resolve(args.config));

/** The confirmation's results cut to `rounds` paired rounds per scenario, with the stop the rule reached. */
function truncated(paired: Results, stops: Map<string, ReplayedStop>): Results {
  const cut = (scenarios: Results['scenarios'], withStop: boolean) =>
    scenarios.map((s) => {
      const r = stops.get(s.name);
      if (!r || !s.load) return s;
      const load = { ...s.load, rounds: s.load.rounds.slice(0, r.rounds) };
      return withStop ? { ...s, load, stop: { ...s.stop!, rounds: r.rounds, reason: r.reason, confidence: r.confidence, ruledOut: r.ruledOut } } : { ...s, load };
    });
  return { ...paired, scenarios: cut(paired.scenarios, true), base: paired.base ? { ...paired.base, scenarios: cut(paired.base.scenarios, false) } : undefined };
}

/**
 * The cross-run metrics a confirmation leaves inconclusive without having been asked about them (point
 * estimate under the threshold, history too short to rule it out), and what the paired rounds the
 * confirmation recorded anyway say about them: could taking the paired verdict answer them for free?
 */
const nonSuspect = { metrics: 0, remeasured: 0, paired: new Map<string, number>(), prs: new Set<string>(), settledPrs: 0 };
function nonSuspects(pr: string, crossRun: Comparison, paired: Comparison): void {
  const confirmed = applyConfirmation(crossRun, paired, 'main');
  let open = 0;
  for (const s of confirmed.scenarios) {
    const before = crossRun.scenarios.find((x) => x.name === s.name)!;
    for (const m of s.metrics) {
      if (m.verdict !== 'inconclusive' || confirmReason(before.metrics.find((x) => x.metric === m.metric)!)) continue;
      nonSuspect.metrics++;
      nonSuspect.prs.add(pr);
      const p = paired.scenarios.find((x) => x.name === s.name)?.metrics.find((x) => x.metric === m.metric);
      if (p) {
        nonSuspect.remeasured++;
        nonSuspect.paired.set(p.verdict, (nonSuspect.paired.get(p.verdict) ?? 0) + 1);
      }
      if (!p || p.verdict === 'inconclusive') open++;
    }
  }
  if (nonSuspect.prs.has(pr) && open === 0) nonSuspect.settledPrs++;
}

console.log('| PR | scenario | metrics confirmed | recorded stop | replayed without the rule | with the rule | load s saved |');
console.log('| :--- | :--- | :--- | :--- | :--- | :--- | ---: |');
const totals = { recordedS: 0, savedS: 0, verdicts: [] as string[] };
for (const stem of positionals) {
  const head = readResultsFile(`${stem}.json`);
  const paired = readResultsFile(`${stem}.confirm.json`);
  const crossRun = compareRuns({ head, base: history.at(-1), config, pairing: 'unpaired', history });
  const wanted = metricsToConfirm(crossRun);
  const plain = new Map<string, ReplayedStop>();
  const rule = new Map<string, ReplayedStop>();
  for (const s of paired.scenarios) {
    const b = paired.base?.scenarios.find((x) => x.name === s.name);
    const metrics = wanted.get(s.name);
    if (!s.load || !b?.load || !s.stop || !metrics) continue;
    const h = s.load.rounds;
    const base = b.load.rounds;
    const plan = { scenario: config.scenarios[0]!, failOn: config.failOn, maxLooks: s.stop.maxLooks, decide: metrics };
    const without = replayStop(h, base, { ...plan, futility: false });
    const withRule = replayStop(h, base, { ...plan, futility: true });
    plain.set(s.name, without);
    rule.set(s.name, withRule);
    const recordedS = h.reduce((a, r, i) => a + pairSeconds(r, base[i]!), 0);
    const savedS = h.slice(withRule.rounds).reduce((a, r, i) => a + pairSeconds(r, base[withRule.rounds + i]!), 0);
    totals.recordedS += recordedS;
    totals.savedS += savedS;
    const match = without.rounds === s.stop.rounds && without.reason === s.stop.reason ? '' : ' (≠ recorded)';
    console.log(
      `| ${path.basename(stem)} | ${s.name} | ${metrics.join(', ')} | ${s.stop.reason}, ${s.stop.rounds} rounds, ${recordedS.toFixed(0)} s | ${without.reason}, ${without.rounds}${match} | ` +
        `${withRule.reason}, ${withRule.rounds}${withRule.ruledOut ? ` (${withRule.ruledOut.join(', ')} ruled out)` : ''} | ${savedS.toFixed(0)} |`,
    );
  }
  nonSuspects(path.basename(stem), crossRun, compareRuns({ head: paired, config, pairing: 'paired' }));
  const verdictOf = (stops: Map<string, ReplayedStop>) => decide(applyConfirmation(crossRun, compareRuns({ head: truncated(paired, stops), config, pairing: 'paired' }), 'main'), config.failOn).verdict;
  totals.verdicts.push(`${path.basename(stem)}: check ${verdictOf(plain)} without the rule, ${verdictOf(rule)} with it`);
}
console.log(
  `\nInconclusive after confirmation, not sent to the rerun (non-suspects): ${nonSuspect.metrics} metric(s) in ${nonSuspect.prs.size} of ${positionals.length} PR(s); ` +
    `${nonSuspect.remeasured} in a re-measured scenario, where the recorded paired rounds read ${[...nonSuspect.paired].map(([v, n]) => `${n} ${v}`).join(', ') || 'nothing'}; ` +
    `taking the paired verdict for them would leave ${nonSuspect.prs.size - nonSuspect.settledPrs} PR(s) inconclusive.`,
);
console.log(`\nLoad time of the recorded confirmations: ${totals.recordedS.toFixed(0)} s; the rule would have saved ${totals.savedS.toFixed(0)} s (${((totals.savedS / totals.recordedS) * 100).toFixed(0)}%).`);
for (const v of totals.verdicts) console.log(`- ${v}`);
