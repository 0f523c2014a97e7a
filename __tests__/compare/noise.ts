// Seeded per-round noise for simulated paired rounds (the log-ratio head/base of one round), and one
// metric measured with adaptive rounds under it. Shared by the sequential-rule tests and
// bench/sequential-simulate.ts, so both draw from the same models and judge the same way.
// Measured per-round noise is heavy-tailed (a neighbour's burst, a GC pause hits one round), so the
// models include a Student t with 3 degrees of freedom and a contaminated normal beside the Gaussian.
import type { MetricDef } from '../../src/compare/metrics.js';
import type { ShiftEstimate } from '../../src/compare/stats.js';
import { classifyShift, type MetricVerdict } from '../../src/compare/verdict.js';
import { gaussian, mulberry32 } from './builders.js';

export type NoiseShape = 'gaussian' | 't3' | 'contaminated';

/** An unscaled draw of the shape: symmetric about 0. */
export function drawShape(shape: NoiseShape, rand: () => number): number {
  switch (shape) {
    case 'gaussian':
      return gaussian(rand);
    case 't3': {
      // t_ν = Z / √(χ²_ν / ν), χ²_3 as a sum of three squared normals.
      let chi = 0;
      for (let i = 0; i < 3; i++) chi += gaussian(rand) ** 2;
      return gaussian(rand) / Math.sqrt(chi / 3);
    }
    case 'contaminated':
      // 90% ordinary rounds, 10% rounds hit by something 3× as variable.
      return gaussian(rand) * (rand() < 0.1 ? 3 : 1);
  }
}

const scaleCache = new Map<NoiseShape, number>();

/**
 * The factor that makes a shape's noise read as `sd = 1` the way perfgate's benches report noise:
 * the standard deviation of one comparison's per-round log-ratios (20 rounds), median over
 * comparisons. For heavy tails this is below the population sd, so calibrating this way (and not to
 * the population sd) keeps the simulated noise as wide as the measured one.
 */
export function measuredScale(shape: NoiseShape): number {
  let s = scaleCache.get(shape);
  if (s === undefined) {
    const rand = mulberry32(12345);
    const sds: number[] = [];
    for (let c = 0; c < 4000; c++) {
      const xs = Array.from({ length: 20 }, () => drawShape(shape, rand));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      sds.push(Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)));
    }
    sds.sort((a, b) => a - b);
    s = 1 / sds[sds.length >> 1];
    scaleCache.set(shape, s);
  }
  return s;
}

/** Per-round log-ratio noise whose measured sd (as above) is `sd`. */
export function noiseSource(shape: NoiseShape, sd: number, seed: number): () => number {
  const rand = mulberry32(seed);
  const k = sd * measuredScale(shape);
  return () => k * drawShape(shape, rand);
}

/** A way of choosing the interval rank at look `look` (1-based) with n paired rounds. */
export type RankRule = (n: number, look: number) => number;

export interface AdaptiveTrial {
  /** Verdict at the look where measuring stopped. */
  verdict: MetricVerdict;
  rounds: number;
  looks: number;
  /** Some look said "regressed": the false alarm if measuring had gone on for another metric's sake. */
  everRegressed: boolean;
  /** Measuring stopped because the futility rule ruled a regression of the threshold out. */
  futile?: boolean;
}

/**
 * One metric measured with adaptive rounds: blocks of `block` paired rounds with log-ratio θ + noise,
 * judged after each block with perfgate's verdict rule at the rank `rank` gives; stops at the first
 * conclusive look or after `maxLooks`. Keeps the rounds sorted as they arrive, so a look costs one
 * insertion per round instead of a sort (the simulations run millions of looks).
 */
export function adaptiveTrial(o: {
  def: MetricDef;
  threshold: number;
  block: number;
  maxLooks: number;
  theta: number;
  noise: () => number;
  rank: RankRule;
  /** A confirmation's futility rule (src/measure/judge.ts): the rank of the looser interval whose upper end, below the threshold, stops measuring. */
  futility?: RankRule;
}): AdaptiveTrial {
  const sorted: number[] = [];
  let stopped: AdaptiveTrial | undefined;
  let everRegressed = false;
  for (let look = 1; look <= o.maxLooks; look++) {
    for (let i = 0; i < o.block; i++) {
      const x = o.theta + o.noise();
      let at = sorted.length;
      while (at > 0 && sorted[at - 1] > x) at--;
      sorted.splice(at, 0, x);
    }
    const n = sorted.length;
    const k = o.rank(n, look);
    const middle = n % 2 ? sorted[n >> 1] : (sorted[(n >> 1) - 1] + sorted[n >> 1]) / 2;
    const shift: ShiftEstimate = { method: 'sign-test', estimate: middle, p: 1, n };
    if (k > 0) shift.ci = { lo: sorted[k - 1], hi: sorted[n - k] };
    const verdict = classifyShift(o.def, shift, o.threshold).verdict;
    if (verdict === 'regressed') everRegressed = true;
    const f = o.futility?.(n, look) ?? 0;
    const futile = verdict === 'inconclusive' && f > 0 && classifyShift(o.def, { ...shift, ci: { lo: sorted[f - 1], hi: sorted[n - f] } }, o.threshold).verdict === 'unchanged';
    if (!stopped && (verdict !== 'inconclusive' || futile || look === o.maxLooks)) stopped = { verdict, rounds: n, looks: look, everRegressed, ...(futile ? { futile } : {}) };
  }
  return { ...stopped!, everRegressed };
}
