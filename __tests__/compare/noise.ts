// Seeded per-round noise for simulated paired rounds: the log-ratio head/base of one round. Shared
// by the sequential-rule tests and bench/sequential-simulate.ts, so both draw from the same models.
// Measured per-round noise is heavy-tailed (a neighbour's burst, a GC pause hits one round), so the
// models include a Student t with 3 degrees of freedom and a contaminated normal beside the Gaussian.
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
