// Simulation, not measurement: feeds synthetic noisy rounds to perfgate's verdict rule and to the
// rules users would otherwise pick (fixed ratio thresholds as in github-action-benchmark, a t-test
// as in Bencher), and prints false-alarm and detection rates as a markdown table.
//
//   node --import tsx bench/verdicts-simulate.ts [--trials 2000] [--rounds 10] [--seed 1]
//
// Model (per trial, one latency-like metric where bigger is worse):
//   same runner (rerun mode):  base_k = C_k·e_bk·O_bk         head_k = C_k·e_hk·O_hk·(1+effect)
//   other job (artifact mode): base_k = J_b·C'_k·e_bk·O_bk    head_k = J_h·C_k·e_hk·O_hk·(1+effect)
// C_k: noise shared by the two interleaved rounds of pair k (75% of the variance), e: each side's own
// noise (25%), both lognormal with total CV = cv. J: the job's machine (lognormal, CV = cv), different
// for two jobs. O: an outlier round, 2× slower with probability 5%, independently per side.
import { metricDef } from '../src/compare/metrics.js';
import { pairedShift, unpairedShift } from '../src/compare/stats.js';
import { classifyShift } from '../src/compare/verdict.js';
// The same seeded PRNG the compare tests use, so simulated and tested noise come from one source.
import { mulberry32 } from '../__tests__/compare/builders.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const TRIALS = arg('trials', 2000);
const ROUNDS = arg('rounds', 10);
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

interface Sample {
  base: number[];
  head: number[];
}

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

const p50 = metricDef('p50');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

/** perfgate, rerun mode: paired sign-test CI of the median log-ratio, T = 5%. */
function perfgatePaired(s: Sample): boolean {
  const samples = s.head.map((h, k) => Math.log(h) - Math.log(s.base[k]));
  return classifyShift(p50, pairedShift(samples), 0.05).verdict === 'regressed';
}
/** perfgate, artifact mode: Hodges–Lehmann + Mann–Whitney CI, T widened to 10%. */
function perfgateUnpaired(s: Sample): boolean {
  return classifyShift(p50, unpairedShift(s.head.map(Math.log), s.base.map(Math.log)), 0.1).verdict === 'regressed';
}
/** github-action-benchmark: one number per run (here the mean of the rounds), alert above ratio. */
const ratioRule = (alert: number) => (s: Sample) => mean(s.head) / mean(s.base) > alert;

// Student t distribution via the regularized incomplete beta function (Numerical Recipes 6.4).
function betacf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < 1e-300) d = 1e-300;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 200; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return h;
}
function lgamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of g) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}
function ibeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (bt * betacf(a, b, x)) / a : 1 - (bt * betacf(b, a, 1 - x)) / b;
}
/** P(T > t) for Student's t with df degrees of freedom. */
function tUpperTail(t: number, df: number): number {
  const p = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? p : 1 - p;
}
function tQuantile(p: number, df: number): number {
  let lo = -50;
  let hi = 50;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - tUpperTail(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Welch's two-sample t-test, one-sided "head is slower", α = 1% (Bencher's 0.99 boundary). */
function welch(s: Sample): boolean {
  const vb = variance(s.base) / s.base.length;
  const vh = variance(s.head) / s.head.length;
  const t = (mean(s.head) - mean(s.base)) / Math.sqrt(vb + vh);
  const df = (vb + vh) ** 2 / (vb ** 2 / (s.base.length - 1) + vh ** 2 / (s.head.length - 1));
  return tUpperTail(t, df) < 0.01;
}
/** Bencher's t-test threshold: the new value (head mean) above mean + t(0.99, n−1)·sd of the history (base rounds). */
function bencherLimit(s: Sample): boolean {
  const n = s.base.length;
  return mean(s.head) > mean(s.base) + tQuantile(0.99, n - 1) * Math.sqrt(variance(s.base));
}

interface Rule {
  name: string;
  sameRunner: boolean;
  alarm(s: Sample): boolean;
}
const RULES: Rule[] = [
  { name: 'perfgate paired (rerun), T = 5%', sameRunner: true, alarm: perfgatePaired },
  { name: 'perfgate unpaired (artifact), T = 10%', sameRunner: false, alarm: perfgateUnpaired },
  { name: 'ratio > 110% (github-action-benchmark)', sameRunner: false, alarm: ratioRule(1.1) },
  { name: 'ratio > 200% (github-action-benchmark default)', sameRunner: false, alarm: ratioRule(2) },
  { name: 'Welch t-test, one-sided α = 1%', sameRunner: false, alarm: welch },
  { name: "Bencher t-test limit (0.99, history = base rounds)", sameRunner: false, alarm: bencherLimit },
  // The same rules fed same-runner data, to separate "better statistics" from "better baseline".
  { name: 'ratio > 110%, same-runner data', sameRunner: true, alarm: ratioRule(1.1) },
  { name: 'Welch t-test α = 1%, same-runner data', sameRunner: true, alarm: welch },
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
