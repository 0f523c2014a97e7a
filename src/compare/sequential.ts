// The stopping rule of adaptive rounds: after each block of rounds every metric is judged again, and
// measuring stops once all are conclusive. Judging the same growing data several times with a 99%
// interval would raise a false alarm far more often than 1% of the time (each look is one more chance
// for noise to cross zero), so each look uses a stricter interval. Together they are *repeated
// confidence intervals* (Jennison & Turnbull 1989): with probability ≥ plan.confidence the intervals
// of ALL looks cover the true shift at once, so a verdict drawn at whichever look measuring stopped
// keeps the single-look guarantee, whatever the reason for stopping there.
//
// The per-look levels come from a group-sequential alpha-spending design (Lan & DeMets 1983) with the
// O'Brien–Fleming-type spending function: almost no error is spent on the first looks, so the last
// look is nearly as narrow as a single fixed-size interval. docs/verdicts.md ("Adaptive rounds") has
// the simulation that chose it over Pocock, Bonferroni and an anytime-valid confidence sequence.
//
// The boundaries are computed for the standardized statistic of equal-size blocks, whose joint law
// is that of a Brownian motion at the looks (the sign statistic is a sum of independent signs, so
// this holds by the central limit theorem); the exact sign-test check in
// __tests__/compare/sequential.test.ts confirms the discrete intervals stay within the overall level.
//
// Hand-written numerics (an erfc and a recursive integration of ~60 lines) rather than a statistics
// package: it is the only place that needs them, and the classic algorithm fits on one screen.

export interface SequentialPlan {
  /** The most looks (blocks of rounds) measuring may take. */
  maxLooks: number;
  /** Overall two-sided confidence over all looks, e.g. VERDICT_CONFIDENCE. */
  confidence: number;
}

/** How a plan spreads its error rate over the looks. */
export type SpendingFunction = 'obrien-fleming' | 'pocock' | 'bonferroni';

/** The design perfgate uses (see the header comment and docs/verdicts.md). */
export const SPENDING: SpendingFunction = 'obrien-fleming';

/**
 * Two-sided confidence for the intervals at look `look` (1-based, equal-size blocks of rounds).
 * Look 1 of a 1-look plan = plan.confidence. Always below 1, however early the look.
 */
export function lookConfidence(plan: SequentialPlan, look: number): number {
  return spendingLookConfidence(plan, look, SPENDING);
}

/** lookConfidence under a given spending function: for the simulation that compares designs. */
export function spendingLookConfidence(plan: SequentialPlan, look: number, spending: SpendingFunction): number {
  checkPlan(plan);
  if (!Number.isInteger(look) || look < 1 || look > plan.maxLooks) {
    throw new RangeError(`look must be an integer from 1 to maxLooks (${plan.maxLooks}), got ${look}`);
  }
  if (plan.maxLooks === 1) return plan.confidence;
  // The first looks of a long plan sit at 1 − 10⁻¹⁵ or closer, which a double rounds to exactly 1.
  // A level of 1 is no interval a results file can state (its schema asks < 1): a confirmation ruled
  // out at its first look once wrote a file it could not read back. Just below 1 judges alike (a sign
  // interval needs 53 rounds before 2⁻ⁿ falls under 2⁻⁵²) and loosens the design by at most 2⁻⁵².
  return Math.min(1 - 2 * upperTail(boundaries(plan, spending)[look - 1]), 1 - Number.EPSILON);
}

/**
 * The critical values |Z| of all looks of a plan: Z at look j is the standardized statistic of the
 * first j blocks. Cached: a plan is judged after every block, always with the same few plans.
 */
export function boundaries(plan: SequentialPlan, spending: SpendingFunction): readonly number[] {
  checkPlan(plan);
  const key = `${spending}:${plan.maxLooks}:${plan.confidence}`;
  let b = cache.get(key);
  if (!b) {
    b = computeBoundaries(plan.maxLooks, 1 - plan.confidence, spending);
    cache.set(key, b);
  }
  return b;
}
const cache = new Map<string, readonly number[]>();

function checkPlan(plan: SequentialPlan): void {
  if (!Number.isInteger(plan.maxLooks) || plan.maxLooks < 1) {
    throw new RangeError(`maxLooks must be a positive integer, got ${plan.maxLooks}`);
  }
  if (!(plan.confidence > 0 && plan.confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${plan.confidence}`);
  }
}

/** Cumulative two-sided error allowed by look j of K (information fraction t = j/K). */
function spent(spending: SpendingFunction, alpha: number, t: number): number {
  switch (spending) {
    case 'obrien-fleming':
      // Lan–DeMets' O'Brien–Fleming-type function for each side (α/2), as gsDesign's sfLDOF.
      return t >= 1 ? alpha : 4 * upperTail(upperQuantile(alpha / 4) / Math.sqrt(t));
    case 'pocock':
      return alpha * Math.log(1 + (Math.E - 1) * t);
    case 'bonferroni':
      return alpha * t;
  }
}

function computeBoundaries(K: number, alpha: number, spending: SpendingFunction): number[] {
  if (spending === 'bonferroni') {
    // Each look at α/K on its own: the union bound, no use of the correlation between looks.
    return Array.from({ length: K }, () => upperQuantile(alpha / (2 * K)));
  }
  const result: number[] = [];
  // Sub-density of the score S_j = Z_j·√j on the continuation region, sampled on a uniform grid.
  let grid: Float64Array = new Float64Array(0);
  let density: Float64Array = new Float64Array(0);
  for (let j = 1; j <= K; j++) {
    const target = spent(spending, alpha, j / K) - spent(spending, alpha, (j - 1) / K);
    const crossAt = (z: number): number => {
      const edge = z * Math.sqrt(j);
      if (j === 1) return 2 * upperTail(edge);
      // P(not stopped before, |S_j| ≥ edge) = ∫ g(u)·[Q(edge − u) + Q(edge + u)] du.
      return simpson(grid, (i) => density[i] * (upperTail(edge - grid[i]) + upperTail(edge + grid[i])));
    };
    const z = target <= 0 ? Infinity : solveDecreasing(crossAt, target);
    result.push(z);
    if (j === K) break;
    const edge = Math.min(z, MAX_Z) * Math.sqrt(j);
    const next = uniformGrid(edge);
    const nextDensity = new Float64Array(next.length);
    if (j === 1) for (let s = 0; s < next.length; s++) nextDensity[s] = normalPdf(next[s]);
    else {
      const w = simpsonWeights(grid);
      for (let i = 0; i < grid.length; i++) w[i] *= density[i];
      for (let s = 0; s < next.length; s++) {
        let sum = 0;
        for (let i = 0; i < grid.length; i++) {
          const d = next[s] - grid[i];
          if (d < 9 && d > -9) sum += w[i] * Math.exp(-(d * d) / 2);
        }
        nextDensity[s] = sum / Math.sqrt(2 * Math.PI);
      }
    }
    grid = next;
    density = nextDensity;
  }
  return result;
}

/** Beyond this |Z| a look can never conclude from a realistic number of rounds. */
const MAX_Z = 9;
const GRID_STEP = 0.05;

function uniformGrid(edge: number): Float64Array {
  let intervals = Math.max(2, Math.ceil((2 * edge) / GRID_STEP));
  if (intervals % 2) intervals++; // Simpson's rule needs an even number
  const g = new Float64Array(intervals + 1);
  for (let i = 0; i <= intervals; i++) g[i] = -edge + (2 * edge * i) / intervals;
  return g;
}

/** Simpson's rule weights for a uniform grid with an even number of intervals. */
function simpsonWeights(grid: Float64Array): Float64Array {
  const n = grid.length - 1;
  const h = (grid[n] - grid[0]) / n;
  const w = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) w[i] = ((i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * h) / 3;
  return w;
}

function simpson(grid: Float64Array, f: (i: number) => number): number {
  const w = simpsonWeights(grid);
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * f(i);
  return s;
}

/** The z where a decreasing crossing probability equals the target (bisection; it is smooth and monotone). */
function solveDecreasing(f: (z: number) => number, target: number): number {
  let lo = 0;
  let hi = MAX_Z;
  if (f(hi) > target) return hi;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalPdf(x: number): number {
  return Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
}

/**
 * Q(z) = P(N(0,1) > z) with small *relative* error far into the tail (Numerical Recipes' erfcc,
 * fractional error < 1.2e-7): the first looks of a plan sit at |Z| of 5–9, where an absolute-error
 * approximation would return noise.
 */
export function upperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** The z with Q(z) = p, for 0 < p < 1. */
export function upperQuantile(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (upperTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
