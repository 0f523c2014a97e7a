// Simulation, not measurement: how often the history rule (src/compare/history.ts) fails an
// unchanged pull request, and how often it catches a +20% change, by history size and noise shape;
// then the same through confirmation by rerun (src/compare/confirm.ts).
//
//   node --import tsx bench/history-simulate.ts [--trials 20000] [--seed 1]
//        [--paired-power 1] [--paired-false-alarm 0.01]
//
// Model: each run's run-level value (median over its rounds) is level·J·(1+effect), J the machine
// of that run, log J ~ cv·Z with Z normal, or t₃ (heavy tails: now and then a much slower runner).
// "fails" = the perfgate rule: the head above main's 99% prediction interval AND ≥ threshold 5%.
// "rerun" = the head goes to the paired rerun: regressed, or a suspect (inconclusive, estimate ≥ the
// threshold). The paired rerun itself is not simulated: it is modelled by its measured rates
// (docs/verdicts.md "A/A and power", same runner, default settings): it confirms a real +20%
// CPU/request change with probability --paired-power (measured 20 of 20) and an unchanged one with
// --paired-false-alarm (measured 0 of 100; 1%, the target, is used as the bound). So "through
// confirmation" = P(rerun) × that rate, independent draws.
import { metricDef, thresholdWorseLog } from '../src/compare/metrics.js';
import { judgeAgainstHistory } from '../src/compare/history.js';
import { VERDICT_CONFIDENCE } from '../src/compare/verdict.js';
import { gaussian, mulberry32 } from '../__tests__/compare/builders.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const TRIALS = arg('trials', 20000);
const rand = mulberry32(arg('seed', 1));
const draws = {
  normal: () => gaussian(rand),
  t3: () => gaussian(rand) / Math.sqrt((gaussian(rand) ** 2 + gaussian(rand) ** 2 + gaussian(rand) ** 2) / 3),
};
const cpu = metricDef('cpuUsPerRequest');
const THRESHOLD = 0.05;
const PAIRED_POWER = arg('paired-power', 1);
const PAIRED_FALSE_ALARM = arg('paired-false-alarm', 0.01);

console.log(`| runs of main | noise | run-to-run CV | fails, unchanged | caught, +20% | rerun, unchanged | rerun, +20% | fails through confirmation, unchanged | caught through confirmation, +20% |`);
console.log(`|---:|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const n of [5, 10, 20]) {
  for (const [shape, draw] of Object.entries(draws)) {
    for (const cv of [0.03, 0.08, 0.15]) {
      const rates = (effect: number) => {
        let fails = 0;
        let reruns = 0;
        for (let k = 0; k < TRIALS; k++) {
          const points = Array.from({ length: n }, (_, i) => ({ timestamp: String(i), value: 300 * Math.exp(cv * draw()) }));
          const head = 300 * Math.exp(cv * draw()) * (1 + effect);
          const j = judgeAgainstHistory(cpu, head, points, THRESHOLD, VERDICT_CONFIDENCE, { verdict: 'unchanged', change: 0 });
          if (j.verdict === 'regressed') fails++;
          // The rule of src/compare/confirm.ts (confirmReason) on the same judgement.
          if (j.verdict === 'regressed' || (j.verdict === 'inconclusive' && j.shift!.estimate >= thresholdWorseLog(cpu, THRESHOLD))) reruns++;
        }
        return { fails: fails / TRIALS, reruns: reruns / TRIALS };
      };
      const p = (x: number) => `${(x * 100).toFixed(2)}%`;
      const aa = rates(0);
      const power = rates(0.2);
      console.log(
        `| ${n} | ${shape} | ${cv * 100}% | ${p(aa.fails)} | ${p(power.fails)} | ${p(aa.reruns)} | ${p(power.reruns)} | ` +
          `≤ ${p(aa.reruns * PAIRED_FALSE_ALARM)} | ${p(power.reruns * PAIRED_POWER)} |`,
      );
    }
  }
}
