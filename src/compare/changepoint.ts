// Change points in a series of main's runs: a lasting shift in a metric, and where it started.
// Pure: numbers in, indices and statistics out.
//
// Method: E-divisive means (Matteson & James 2014, "A nonparametric approach for multiple change
// point analysis of multivariate data", JASA) with the significance test and merge step of Hunter
// (Fleming et al. 2023, "Hunter: using change point detection to hunt for performance regressions",
// ICPE; now Apache Otava). E-divisive finds the split that maximizes the energy distance between the
// runs before and after it — distribution-free, no assumption about the size or shape of the shift.
// Hunter replaced E-divisive's permutation test with Student's t-test on the two segments: it is
// deterministic (the same history always gives the same answer, like every verdict in perfgate) and
// it works with a handful of points, which is what a window of 21 runs (the default) is.
//
// Written from the papers and a reading of Otava's code (otava/change_point_divisive, analysis.py):
// the window here is at most HISTORY_RUNS_LIMIT + 1 = 101 points, so Q̂ is computed directly from
// its definition in O(n³) (10⁶ steps at most) instead of Otava's cumulative-sum matrices.
import { studentTCdf } from './student-t.js';

/**
 * 10× stricter than Hunter's default (max_pvalue = 0.001): a split chosen as the best of all splits
 * is then tested on the same data, so its p is optimistic, and a push report runs this over every
 * scenario and metric. On pure log-normal noise (2,000 series, docs/verdicts.md) 0.001 found a
 * change point in 1.65% of 21-run series, 0.0001 in 0.25%; a +20% step 3 runs before the end of a
 * ±5% series was still found 77% of the time (87% at 0.001).
 */
export const CHANGE_POINT_MAX_P = 0.0001;

export interface ChangePoint {
  /** The first index after the shift: values[index - 1] → values[index] is where it happened. */
  index: number;
  /** Two-sided p of Student's t-test between the segments on either side (log scale). */
  p: number;
  /** Geometric means of the segments before and after. */
  before: number;
  after: number;
  /** after / before − 1. */
  change: number;
}

export interface ChangePointOptions {
  maxP?: number;
  /** Shifts smaller than this (as a fraction, either way) are dropped. */
  minMagnitude?: number;
}

/**
 * The E-divisive statistic of the split Z[start:tau] | Z[tau:kappa] (Matteson & James, eq. 6, α = 1):
 * Q̂ = mn/(m+n) · Ê, Ê = 2/(mn)·Σ|X−Y| − C(n,2)⁻¹·Σ|Xi−Xk| − C(m,2)⁻¹·Σ|Yj−Yk|. A one-point segment has
 * no within-segment distances (its term is 0).
 */
function energyQ(z: readonly number[], start: number, tau: number, kappa: number): number {
  const n = tau - start;
  const m = kappa - tau;
  let between = 0;
  for (let i = start; i < tau; i++) for (let j = tau; j < kappa; j++) between += Math.abs(z[i]! - z[j]!);
  const within = (from: number, to: number) => {
    const k = to - from;
    if (k < 2) return 0;
    let s = 0;
    for (let i = from; i < to; i++) for (let j = i + 1; j < to; j++) s += Math.abs(z[i]! - z[j]!);
    return s / ((k * (k - 1)) / 2);
  };
  const e = (2 * between) / (m * n) - within(start, tau) - within(tau, kappa);
  return ((m * n) / (m + n)) * e;
}

/** The best split of z[start:end): the τ (and the end κ of the window it was best in) maximizing Q̂. */
export function eDivisiveCandidate(z: readonly number[], start: number, end: number): { index: number; end: number; q: number } | undefined {
  let best: { index: number; end: number; q: number } | undefined;
  for (let tau = start + 1; tau < end; tau++) {
    for (let kappa = tau + 1; kappa <= end; kappa++) {
      const q = energyQ(z, start, tau, kappa);
      if (!best || q > best.q) best = { index: tau, end: kappa, q };
    }
  }
  return best;
}

function meanSd(xs: readonly number[]): { mean: number; ss: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, ss: xs.reduce((a, x) => a + (x - mean) ** 2, 0) };
}

/** Two-sided Student's t-test (pooled variance) of two log-scale segments. */
export function segmentTest(left: readonly number[], right: readonly number[]): { p: number; meanLeft: number; meanRight: number } {
  const l = meanSd(left);
  const r = meanSd(right);
  const df = left.length + right.length - 2;
  if (df < 1) return { p: 1, meanLeft: l.mean, meanRight: r.mean };
  const sp = Math.sqrt((l.ss + r.ss) / df);
  const diff = r.mean - l.mean;
  if (sp === 0) return { p: diff === 0 ? 1 : 0, meanLeft: l.mean, meanRight: r.mean };
  const t = diff / (sp * Math.sqrt(1 / left.length + 1 / right.length));
  return { p: 2 * (1 - studentTCdf(Math.abs(t), df)), meanLeft: l.mean, meanRight: r.mean };
}

function pointAt(z: readonly number[], index: number, from: number, to: number): ChangePoint {
  const test = segmentTest(z.slice(from, index), z.slice(index, to));
  const before = Math.exp(test.meanLeft);
  const after = Math.exp(test.meanRight);
  return { index, p: test.p, before, after, change: after / before - 1 };
}

function bounds(points: readonly number[], n: number): number[] {
  return [0, ...points, n];
}

/**
 * Change points of a series of positive values (latencies, CPU time, rates), tested on the log
 * scale so a shift is a ratio. Split step: repeatedly take the best E-divisive split of any segment
 * and keep it while its t-test p < maxP. Merge step (Hunter): drop the weakest point — the highest
 * p above maxP, else the smallest shift below minMagnitude — and re-test its neighbours, until all
 * pass. Sorted by index.
 */
export function detectChangePoints(values: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  const maxP = options.maxP ?? CHANGE_POINT_MAX_P;
  const minMagnitude = options.minMagnitude ?? 0;
  if (values.some((v) => !(v > 0) || !Number.isFinite(v))) throw new Error('change points need positive, finite values');
  const z = values.map(Math.log);
  const points: number[] = [];
  for (;;) {
    const b = bounds(points, z.length);
    let best: { index: number; end: number; q: number; from: number } | undefined;
    for (let i = 0; i + 1 < b.length; i++) {
      const c = eDivisiveCandidate(z, b[i]!, b[i + 1]!);
      if (c && (!best || c.q > best.q)) best = { ...c, from: b[i]! };
    }
    // Tested over the window it was found in: beyond κ a later shift (not yet split off) would
    // only add variance to the right-hand segment and hide this one.
    if (!best || pointAt(z, best.index, best.from, best.end).p >= maxP) break;
    points.push(best.index);
    points.sort((a, c) => a - c);
  }
  for (;;) {
    const b = bounds(points, z.length);
    const stats = points.map((index, i) => pointAt(z, index, b[i]!, b[i + 2]!));
    if (stats.length === 0) return [];
    let weakest = stats.reduce((w, s) => (s.p > w.p ? s : w));
    if (weakest.p < maxP) {
      weakest = stats.reduce((w, s) => (Math.abs(s.change) < Math.abs(w.change) ? s : w));
      if (Math.abs(weakest.change) >= minMagnitude) return stats;
    }
    points.splice(points.indexOf(weakest.index), 1);
  }
}
