// Simulation, not measurement: adaptive rounds under perfgate's stopping rule. One metric (CPU per
// request, threshold 5%) is judged after every block of paired rounds; measuring stops at the first
// conclusive look or after the last one. Compares ways of keeping the false-alarm guarantee over
// repeated looks, and sizes the block, the number of looks and the time budget.
//
//   node --import tsx bench/sequential-simulate.ts designs [--trials 4000] [--seed 1]
//   node --import tsx bench/sequential-simulate.ts sizing  [--trials 2000] [--seed 1]
//   node --import tsx bench/sequential-simulate.ts scenario [--trials 1500] [--seed 42]
//   node --import tsx bench/sequential-simulate.ts confirm [--trials 2000] [--seed 1]
//   node --import tsx bench/sequential-simulate.ts futility [--trials 2000] [--seed 1]
//
// `designs`: every design at the same plan (block × looks) and noise, A/A and two true regressions.
// `sizing`:  the chosen design over block sizes, look counts and noise levels: the smallest plan
//            that meets the targets of issue 12 (A/A ≤ 10% inconclusive, +10% work ≥ 95% regressed).
// `scenario`: A/A scenarios of three independent metrics at the recommended plan: measuring stops
//            when all are decided, so a scenario lasts as long as its slowest metric.
// `confirm`: a confirmation by rerun (src/confirm-rerun.ts), where "inconclusive" passes like
//            "unchanged": how much a futility rule (stop once a looser interval rules the threshold
//            out) saves on unchanged metrics, and what it costs in regressions confirmed.
// `futility`: the same 95% bound in every paired comparison: how a metric's measuring ends — regressed,
//            unchanged (the look's own interval or the 95% bound) or inconclusive — for no change
//            and for changes at and beyond the threshold, with and without the bound, at the plan the
//            5 min budget allows for 1 s alternating rounds (11 looks) and at maxRounds (16).
//
// Noise: the per-round log-ratio head/base is θ + noise, noise from __tests__/compare/noise.ts
// (Gaussian, Student t3, contaminated normal), scaled so its measured sd (sd of 20 rounds, median over
// comparisons — how docs/verdicts.md reports noise) equals the level simulated.
import { parseArgs } from 'node:util';
import { type MetricDef, metricDef } from '../src/compare/metrics.js';
import { signTestCiRank } from '../src/compare/stats.js';
import { type SpendingFunction, spendingLookConfidence } from '../src/compare/sequential.js';
import { FUTILITY_CONFIDENCE, VERDICT_CONFIDENCE } from '../src/compare/verdict.js';
import { adaptiveTrial, type NoiseShape, noiseSource, type RankRule } from '../__tests__/compare/noise.js';
import { lgamma } from './decision-rules.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    trials: { type: 'string' },
    seed: { type: 'string', default: '1' },
    /** sizing: comma-separated rounds per look. */
    blocks: { type: 'string', default: '5,10,20' },
    /** sizing: comma-separated maximum rounds. */
    'max-rounds': { type: 'string', default: '40,60,80,100,120,160,200,240,320' },
    /** sizing: comma-separated noise levels as shape:sd, e.g. t3:0.104,gaussian:0.05. */
    noise: { type: 'string', default: 't3:0.05,gaussian:0.104,t3:0.104,t3:0.156,t3:0.208' },
  },
});
const MODE = positionals[0] ?? 'designs';
const SEED = Number(args.seed);
const CPU = metricDef('cpuUsPerRequest');
const THRESHOLD = 0.05;
const ALPHA = 1 - VERDICT_CONFIDENCE;

/** A way of choosing the interval rank at look j with n rounds. */
interface Design {
  name: string;
  rank(n: number, look: number, maxLooks: number): number;
}

const spendingDesign = (name: string, spending: SpendingFunction): Design => ({
  name,
  rank: (n, look, maxLooks) =>
    signTestCiRank(n, spendingLookConfidence({ maxLooks, confidence: VERDICT_CONFIDENCE }, look, spending)),
});

/**
 * Anytime-valid confidence sequence for the median (Howard & Ramdas 2022, "Sequential estimation of
 * quantiles"): for a candidate median m, the count of rounds below it is Binomial(n, ½); the
 * beta-binomial mixture M_n(s) = 2ⁿ·B(a+s, a+n−s)/B(a, a) is a nonnegative martingale under it, so by
 * Ville's inequality P(∃n: M_n ≥ 1/α) ≤ α. The excluded counts s < n/2 give the interval's rank.
 * `a` tunes where it is tightest (larger a: later).
 */
function confidenceSequence(a: number): Design {
  const logBeta = (x: number, y: number) => lgamma(x) + lgamma(y) - lgamma(x + y);
  const cache = new Map<number, number>();
  return {
    name: `confidence sequence (beta-binomial, a = ${a})`,
    rank(n) {
      let k = cache.get(n);
      if (k === undefined) {
        k = 0;
        const limit = Math.log(1 / ALPHA);
        while (k < n / 2 && n * Math.LN2 + logBeta(a + k, a + n - k) - logBeta(a, a) >= limit) k++;
        cache.set(n, k);
      }
      return k;
    },
  };
}

const NAIVE: Design = { name: `${VERDICT_CONFIDENCE * 100}% at every look (no correction)`, rank: (n) => signTestCiRank(n, VERDICT_CONFIDENCE) };
const OBF = spendingDesign("O'Brien–Fleming-type spending", 'obrien-fleming');
const DESIGNS: Design[] = [
  NAIVE,
  OBF,
  spendingDesign('Pocock-type spending', 'pocock'),
  spendingDesign('Bonferroni (α/K per look)', 'bonferroni'),
  confidenceSequence(10),
  confidenceSequence(40),
];

interface Plan {
  block: number;
  maxLooks: number;
}

interface Cell {
  regressed: number;
  inconclusive: number;
  everRegressed: number;
  meanRounds: number;
  /** 90th percentile of the rounds measured. */
  p90Rounds: number;
}

function cell(design: Design, plan: Plan, theta: number, shape: NoiseShape, sd: number, trials: number, seed: number): Cell {
  const noise = noiseSource(shape, sd, seed);
  let regressed = 0;
  let inconclusive = 0;
  let everRegressed = 0;
  const rounds: number[] = [];
  for (let t = 0; t < trials; t++) {
    const o = adaptiveTrial({ def: CPU, threshold: THRESHOLD, ...plan, theta, noise, rank: (n, look) => design.rank(n, look, plan.maxLooks) });
    if (o.verdict === 'regressed') regressed++;
    if (o.verdict === 'inconclusive') inconclusive++;
    if (o.everRegressed) everRegressed++;
    rounds.push(o.rounds);
  }
  rounds.sort((a, b) => a - b);
  return {
    regressed: regressed / trials,
    inconclusive: inconclusive / trials,
    everRegressed: everRegressed / trials,
    meanRounds: rounds.reduce((a, b) => a + b, 0) / trials,
    p90Rounds: rounds[Math.floor(0.9 * (trials - 1))],
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pct2 = (x: number) => `${(x * 100).toFixed(2)}%`;
/** +9% CPU/request: what +10% work per request did to a CPU-bound Python service (issue 12). */
const EFFECTS = [
  { label: '+9%', theta: Math.log(1.09) },
  { label: '+15%', theta: Math.log(1.15) },
];

function designs(): void {
  const trials = Number(args.trials ?? 4000);
  const plan: Plan = { block: 10, maxLooks: 16 };
  const noises: [NoiseShape, number][] = [
    ['gaussian', 0.104],
    ['t3', 0.104],
    ['contaminated', 0.104],
    ['t3', 0.156],
  ];
  console.log(`Simulation: ${trials} trials per cell, seed ${SEED}; CPU/request, threshold 5%, block ${plan.block} paired rounds, at most ${plan.maxLooks} looks; overall confidence ${VERDICT_CONFIDENCE * 100}%.\n`);
  console.log('| design | noise | A/A "regressed" (stop at first conclusive look) | A/A "regressed" at any look | A/A inconclusive at the end | A/A mean rounds | +9%: regressed | +9%: mean rounds | +15%: regressed | +15%: mean rounds |');
  console.log('| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [shape, sd] of noises) {
    for (const d of DESIGNS) {
      const aa = cell(d, plan, 0, shape, sd, trials, SEED);
      const fx = EFFECTS.map((e, i) => cell(d, plan, e.theta, shape, sd, trials, SEED + 1 + i));
      console.log(
        `| ${d.name} | ${shape}, sd ${pct(sd)} | ${pct2(aa.regressed)} | ${pct2(aa.everRegressed)} | ${pct(aa.inconclusive)} | ${aa.meanRounds.toFixed(0)} | ${fx.map((c) => `${pct(c.regressed)} | ${c.meanRounds.toFixed(0)}`).join(' | ')} |`,
      );
    }
  }
}

function sizing(): void {
  const trials = Number(args.trials ?? 2000);
  const list = (s: string) => s.split(',').filter(Boolean);
  const noises = list(args.noise!).map((n) => {
    const [shape, sd] = n.split(':');
    return [shape as NoiseShape, Number(sd)] as const;
  });
  const plans: Plan[] = [];
  for (const block of list(args.blocks!).map(Number)) {
    for (const maxRounds of list(args['max-rounds']!).map(Number)) {
      if (maxRounds % block === 0 && maxRounds / block <= 40) plans.push({ block, maxLooks: maxRounds / block });
    }
  }
  console.log(`Simulation: ${trials} trials per cell, seed ${SEED}; ${OBF.name}; CPU/request, threshold 5%; +9% = log-ratio log(1.09).\n`);
  console.log('| noise | block | looks | max rounds | A/A inconclusive | A/A mean rounds | A/A p90 rounds | +9%: regressed | +9%: mean rounds | +9%: p90 rounds | A/A "regressed" at any look | meets both targets |');
  console.log('| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |');
  for (const [shape, sd] of noises) {
    for (const plan of plans) {
      const aa = cell(OBF, plan, 0, shape, sd, trials, SEED);
      const fx = cell(OBF, plan, EFFECTS[0].theta, shape, sd, trials, SEED + 1);
      const ok = aa.inconclusive <= 0.1 && fx.regressed >= 0.95;
      console.log(
        `| ${shape}, sd ${pct(sd)} | ${plan.block} | ${plan.maxLooks} | ${plan.block * plan.maxLooks} | ${pct(aa.inconclusive)} | ${aa.meanRounds.toFixed(0)} | ${aa.p90Rounds} | ${pct(fx.regressed)} | ${fx.meanRounds.toFixed(0)} | ${fx.p90Rounds} | ${pct2(aa.everRegressed)} | ${ok ? 'yes' : ''} |`,
      );
    }
  }
}

function scenarios(): void {
  const trials = Number(args.trials ?? 1500);
  const plan: Plan = { block: 10, maxLooks: 16 };
  const noises: [NoiseShape, number][] = [
    ['t3', 0.05],
    ['t3', 0.104],
    ['gaussian', 0.104],
    ['t3', 0.156],
  ];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`Simulation: ${trials} A/A scenarios per row, seed ${SEED}; ${OBF.name}; block ${plan.block}, at most ${plan.maxLooks} looks; three independent metrics like CPU/request (threshold 5%).\n`);
  console.log('| noise | one metric: rounds mean / median | scenario (slowest of three): rounds mean / median | scenarios that used every look |');
  console.log('| :--- | ---: | ---: | ---: |');
  for (const [shape, sd] of noises) {
    const noise = noiseSource(shape, sd, SEED);
    const rank = (n: number, look: number) => OBF.rank(n, look, plan.maxLooks);
    const one: number[] = [];
    const slowest: number[] = [];
    for (let t = 0; t < trials; t++) {
      const rounds = [0, 1, 2].map(() => adaptiveTrial({ def: CPU, threshold: THRESHOLD, ...plan, theta: 0, noise, rank }).rounds);
      one.push(rounds[0]);
      slowest.push(Math.max(...rounds));
    }
    const full = slowest.filter((r) => r === plan.block * plan.maxLooks).length / trials;
    console.log(`| ${shape}, sd ${pct(sd)} | ${mean(one).toFixed(0)} / ${median(one)} | ${mean(slowest).toFixed(0)} / ${median(slowest)} | ${pct(full)} |`);
  }
}

/** How `trials` adaptive trials of one metric ended, with or without a futility bound: the `confirm` and `futility` modes' cell. */
function endings(m: { def: MetricDef; threshold: number }, plan: Plan, change: number, noise: () => number, trials: number, futility?: RankRule) {
  const count = { regressed: 0, unchanged: 0, inconclusive: 0 };
  let rounds = 0;
  for (let t = 0; t < trials; t++) {
    const o = adaptiveTrial({ def: m.def, threshold: m.threshold, ...plan, theta: Math.log1p(change), noise, rank: (n, look) => OBF.rank(n, look, plan.maxLooks), futility });
    if (o.verdict === 'regressed') count.regressed++;
    else if (o.verdict === 'unchanged' || o.verdict === 'improved' || o.futile) count.unchanged++;
    else count.inconclusive++;
    rounds += o.rounds;
  }
  return { ...count, meanRounds: rounds / trials };
}

function confirm(): void {
  const trials = Number(args.trials ?? 2000);
  const plan: Plan = { block: 10, maxLooks: 16 };
  const metrics = [
    { def: metricDef('p99'), threshold: 0.1 },
    { def: CPU, threshold: THRESHOLD },
  ];
  const noises: [NoiseShape, number][] = [
    ['t3', 0.05],
    ['t3', 0.104],
    ['t3', 0.208],
    ['t3', 0.3],
  ];
  const rules: { name: string; futility?: RankRule }[] = [
    { name: 'none (decide at the sequential levels)' },
    ...[0.8, 0.9, 0.95].map((c) => ({ name: `${c * 100}% interval below the threshold`, futility: (n: number) => signTestCiRank(n, c) })),
  ];
  const effects = (t: number) => [0, t, 1.5 * t, 2 * t, 4 * t];
  console.log(`Simulation: ${trials} trials per cell, seed ${SEED}; ${OBF.name}; block ${plan.block}, at most ${plan.maxLooks} looks. "confirmed" = regressed when measuring stopped; "mean rounds" = paired rounds measured.\n`);
  for (const m of metrics) {
    const fx = effects(m.threshold);
    console.log(`\n${m.def.label}, threshold ${pct(m.threshold)}; true changes ${fx.map((e) => `+${(e * 100).toFixed(0)}%`).join(', ')}\n`);
    console.log(`| noise | futility rule | ${fx.map((e) => `+${(e * 100).toFixed(0)}%: confirmed | mean rounds`).join(' | ')} |`);
    console.log(`| :--- | :--- |${fx.map(() => ' ---: | ---: |').join('')}`);
    for (const [shape, sd] of noises) {
      for (const r of rules) {
        const cells = fx.map((e, i) => {
          const o = endings(m, plan, e, noiseSource(shape, sd, SEED + i), trials, r.futility);
          return `${(e === 0 ? pct2 : pct)(o.regressed / trials)} | ${o.meanRounds.toFixed(0)}`;
        });
        console.log(`| ${shape}, sd ${pct(sd)} | ${r.name} | ${cells.join(' | ')} |`);
      }
    }
  }
}

function futility(): void {
  const trials = Number(args.trials ?? 2000);
  const metrics = [
    { def: CPU, threshold: THRESHOLD },
    { def: metricDef('p99'), threshold: 0.1 },
  ];
  // 10.7% and 13.4%: the within-pair sd of CPU/request's d measured on the two hosts of 2026-12-05/06
  // (bench/results/round-noise-2026-12-06.md); 20.8% a noisier one.
  const noises: [NoiseShape, number][] = [
    ['t3', 0.05],
    ['gaussian', 0.107],
    ['gaussian', 0.134],
    ['t3', 0.134],
    ['t3', 0.208],
  ];
  const plans: Plan[] = [
    { block: 10, maxLooks: 11 },
    { block: 10, maxLooks: 16 },
  ];
  const rules: { name: string; futility?: RankRule }[] = [{ name: 'none' }, { name: '95% bound', futility: (n: number) => signTestCiRank(n, FUTILITY_CONFIDENCE) }];
  const effects = (t: number) => [0, t, 1.5 * t, 2 * t];
  console.log(`Simulation: ${trials} trials per cell, seed ${SEED}; ${OBF.name}; blocks of 10 paired rounds. Each cell: regressed / unchanged / inconclusive when measuring stopped, then mean rounds.\n`);
  for (const m of metrics) {
    const fx = effects(m.threshold);
    console.log(`\n${m.def.label}, threshold ${pct(m.threshold)}; true changes ${fx.map((e) => `+${(e * 100).toFixed(1)}%`).join(', ')}\n`);
    console.log(`| noise | looks | 95% bound | ${fx.map((e) => `+${(e * 100).toFixed(1)}%: regressed / unchanged / inconclusive | rounds`).join(' | ')} |`);
    console.log(`| :--- | ---: | :--- |${fx.map(() => ' :--- | ---: |').join('')}`);
    for (const [shape, sd] of noises) {
      for (const plan of plans) {
        for (const r of rules) {
          const cells = fx.map((e, i) => {
            const o = endings(m, plan, e, noiseSource(shape, sd, SEED + i), trials, r.futility);
            return `${pct(o.regressed / trials)} / ${pct(o.unchanged / trials)} / ${pct(o.inconclusive / trials)} | ${o.meanRounds.toFixed(0)}`;
          });
          console.log(`| ${shape}, sd ${pct(sd)} | ${plan.maxLooks} | ${r.futility ? 'yes' : 'no'} | ${cells.join(' | ')} |`);
        }
      }
    }
  }
}

if (MODE === 'designs') designs();
else if (MODE === 'sizing') sizing();
else if (MODE === 'scenario') scenarios();
else if (MODE === 'confirm') confirm();
else if (MODE === 'futility') futility();
else throw new Error(`unknown mode ${MODE}: expected designs, sizing, scenario, confirm or futility`);
