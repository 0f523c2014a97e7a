// Simulation, not measurement: feeds synthetic noisy rounds to perfgate's verdict rule and to the
// rules users would otherwise pick (fixed ratio thresholds as in github-action-benchmark, a t-test
// as in Bencher), and prints false-alarm and detection rates as a markdown table.
//
//   node --import tsx bench/verdicts-simulate.ts [--trials 2000] [--rounds 20] [--seed 1]
//
// Model (per trial, one latency-like metric where bigger is worse):
//   same runner (rerun mode):  base_k = C_k·e_bk·O_bk         head_k = C_k·e_hk·O_hk·(1+effect)
//   other job (artifact mode): base_k = J_b·C'_k·e_bk·O_bk    head_k = J_h·C_k·e_hk·O_hk·(1+effect)
// C_k: noise shared by the two interleaved rounds of pair k (75% of the variance), e: each side's own
// noise (25%), both lognormal with total CV = cv. J: the job's machine (lognormal, CV = cv), different
// for two jobs. O: an outlier round, 2× slower with probability 5%, independently per side.
import { bencherLimit, LATENCY, perfgatePaired, perfgateUnpaired, ratioRule, type Sample, welch } from './decision-rules.js';
// The same seeded PRNG the compare tests use, so simulated and tested noise come from one source.
import { mulberry32 } from '../__tests__/compare/builders.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const TRIALS = arg('trials', 2000);
const ROUNDS = arg('rounds', 20);
const SEED = arg('seed', 1);
const CVS = [0.03, 0.08, 0.15];
const EFFECTS = [0, 0.05, 0.1, 0.2];
const COMMON_SHARE = 0.75;
const OUTLIER_P = 0.05;

const rand = mulberry32(SEED);
function gauss(): number {
  return Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
}
/** Lognormal factor with the given coefficient of variation. */
function lognormal(cv: number): number {
  const s = Math.sqrt(Math.log(1 + cv * cv));
  return Math.exp(s * gauss() - (s * s) / 2);
}
const outlier = () => (rand() < OUTLIER_P ? 2 : 1);

function sample(cv: number, effect: number, sameRunner: boolean): Sample {
  const cvCommon = cv * Math.sqrt(COMMON_SHARE);
  const cvOwn = cv * Math.sqrt(1 - COMMON_SHARE);
  const jobBase = sameRunner ? 1 : lognormal(cv);
  const jobHead = sameRunner ? 1 : lognormal(cv);
  const base: number[] = [];
  const head: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const common = lognormal(cvCommon);
    const baseCommon = sameRunner ? common : lognormal(cvCommon);
    base.push(jobBase * baseCommon * lognormal(cvOwn) * outlier());
    head.push(jobHead * common * lognormal(cvOwn) * outlier() * (1 + effect));
  }
  return { base, head };
}

// ---------------------------------------------------------------- the decision rules

interface SimRule {
  name: string;
  sameRunner: boolean;
  alarm(s: Sample): boolean;
}
const RULES: SimRule[] = [
  { name: 'perfgate paired (rerun), T = 5%', sameRunner: true, alarm: (s) => perfgatePaired(s, LATENCY, 0.05) },
  { name: 'perfgate unpaired (artifact), T = 10%', sameRunner: false, alarm: (s) => perfgateUnpaired(s, LATENCY, 0.1) },
  { name: 'ratio > 110% (github-action-benchmark)', sameRunner: false, alarm: (s) => ratioRule(1.1)(s, LATENCY) },
  { name: 'ratio > 200% (github-action-benchmark default)', sameRunner: false, alarm: (s) => ratioRule(2)(s, LATENCY) },
  { name: 'Welch t-test, one-sided α = 1%', sameRunner: false, alarm: (s) => welch(s, LATENCY) },
  { name: 'Bencher t-test limit (0.99, history = base rounds)', sameRunner: false, alarm: (s) => bencherLimit(s, LATENCY) },
  // The same rules fed same-runner data, to separate "better statistics" from "better baseline".
  { name: 'ratio > 110%, same-runner data', sameRunner: true, alarm: (s) => ratioRule(1.1)(s, LATENCY) },
  { name: 'Welch t-test α = 1%, same-runner data', sameRunner: true, alarm: (s) => welch(s, LATENCY) },
];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const lines: string[] = [];
lines.push(`Simulation: ${TRIALS} trials per cell, ${ROUNDS} rounds per side, ${OUTLIER_P * 100}% outlier rounds (2×), seed ${SEED}.`);
lines.push('');
lines.push('| Rule | Baseline | CV | A/A false alarms | detect +5% | detect +10% | detect +20% |');
lines.push('| :--- | :--- | ---: | ---: | ---: | ---: | ---: |');
for (const rule of RULES) {
  for (const cv of CVS) {
    const rates = EFFECTS.map((effect) => {
      let alarms = 0;
      for (let i = 0; i < TRIALS; i++) if (rule.alarm(sample(cv, effect, rule.sameRunner))) alarms++;
      return alarms / TRIALS;
    });
    lines.push(`| ${rule.name} | ${rule.sameRunner ? 'same runner' : 'other job'} | ${cv * 100}% | ${rates.map(pct).join(' | ')} |`);
  }
}
console.log(lines.join('\n'));
