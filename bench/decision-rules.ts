// The decision rules perfgate is compared with, next to perfgate's own, over one metric's rounds.
// Shared by the simulation (bench/verdicts-simulate.ts) and by the measured A/A and power runs
// (bench/verdicts-measured-rules.ts), so both tables judge the same rules.
//
// The t distribution is written out here (Numerical Recipes 6.4) because only these benches need it:
// a statistics package for one function would be a heavier dependency than the 60 lines.
import { metricDef, type MetricDef, worseLog } from '../src/compare/metrics.js';
import { pairedShift, unpairedShift } from '../src/compare/stats.js';
import { classifyShift, VERDICT_CONFIDENCE } from '../src/compare/verdict.js';

/** One metric's rounds; `base[k]` and `head[k]` ran as an interleaved pair when paired. */
export interface Sample {
  base: number[];
  head: number[];
}

export interface Rule {
  name: string;
  alarm(s: Sample, def: MetricDef, threshold: number): boolean;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
/** +1 when a bigger value is worse (latency, CPU), −1 when a smaller one is (rps). */
const worseSign = (def: MetricDef) => (def.higherIsBetter ? -1 : 1);

/** perfgate, rerun mode: paired sign-test CI of the median log-ratio against threshold T. */
export function perfgatePaired(s: Sample, def: MetricDef, threshold: number, confidence = VERDICT_CONFIDENCE): boolean {
  const samples = s.head.map((h, k) => worseLog(def, h) - worseLog(def, s.base[k]));
  return classifyShift(def, pairedShift(samples, confidence), threshold).verdict === 'regressed';
}

/** perfgate, artifact mode: Hodges–Lehmann + Mann–Whitney CI against threshold T. */
export function perfgateUnpaired(s: Sample, def: MetricDef, threshold: number): boolean {
  const shift = unpairedShift(
    s.head.map((v) => worseLog(def, v)),
    s.base.map((v) => worseLog(def, v)),
    VERDICT_CONFIDENCE,
  );
  return classifyShift(def, shift, threshold).verdict === 'regressed';
}

/**
 * github-action-benchmark: one number per run (here the mean of the rounds, the most favourable
 * choice), alert when it got worse by more than the ratio (`alert-threshold: 200%` is its default).
 */
export const ratioRule = (alert: number) => (s: Sample, def: MetricDef) =>
  (def.higherIsBetter ? mean(s.base) / mean(s.head) : mean(s.head) / mean(s.base)) > alert;

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
export function lgamma(x: number): number {
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

/** Welch's two-sample t-test, one-sided "head is worse", α = 1% (Bencher's 0.99 boundary). */
export function welch(s: Sample, def: MetricDef): boolean {
  const vb = variance(s.base) / s.base.length;
  const vh = variance(s.head) / s.head.length;
  if (vb + vh === 0) return false;
  const t = (worseSign(def) * (mean(s.head) - mean(s.base))) / Math.sqrt(vb + vh);
  const df = (vb + vh) ** 2 / (vb ** 2 / (s.base.length - 1) + vh ** 2 / (s.head.length - 1));
  return tUpperTail(t, df) < 0.01;
}

/** Bencher's t-test threshold: the new value (head mean) beyond mean ± t(0.99, n−1)·sd of the history (base rounds). */
export function bencherLimit(s: Sample, def: MetricDef): boolean {
  const n = s.base.length;
  const limit = tQuantile(0.99, n - 1) * Math.sqrt(variance(s.base));
  return worseSign(def) * (mean(s.head) - mean(s.base)) > limit;
}

export const RULES: Rule[] = [
  { name: 'perfgate paired (rerun)', alarm: perfgatePaired },
  { name: 'perfgate unpaired (artifact)', alarm: perfgateUnpaired },
  { name: 'ratio > 110% (github-action-benchmark)', alarm: ratioRule(1.1) },
  { name: 'ratio > 200% (github-action-benchmark default)', alarm: ratioRule(2) },
  { name: 'Welch t-test, one-sided α = 1%', alarm: welch },
  { name: 'Bencher t-test limit (0.99, history = base rounds)', alarm: bencherLimit },
];

/** The latency-like metric the simulation models. */
export const LATENCY = metricDef('p50');
