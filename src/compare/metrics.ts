// The timing/resource metrics perfgate compares, defined once: how to read each from a round, which
// direction is worse, and which regression threshold applies.
import type { RegressionThresholds } from '../config/types.js';
import type { RoundResult } from '../results/types.js';

export type MetricKey = 'rps' | 'p50' | 'p90' | 'p99' | 'cpuUsPerRequest' | 'peakRssBytes' | 'dbTimeUs';
export type MetricUnit = 'rps' | 'us' | 'bytes';

export interface MetricDef {
  key: MetricKey;
  label: string;
  unit: MetricUnit;
  /** True for rps: a smaller value is the worse one. */
  higherIsBetter: boolean;
  threshold: keyof RegressionThresholds;
  read(round: RoundResult): number | undefined;
}

export const METRICS: readonly MetricDef[] = [
  { key: 'rps', label: 'rps', unit: 'rps', higherIsBetter: true, threshold: 'rps', read: (r) => r.rps },
  { key: 'p50', label: 'p50', unit: 'us', higherIsBetter: false, threshold: 'p50', read: (r) => r.latencyUs?.p50 },
  { key: 'p90', label: 'p90', unit: 'us', higherIsBetter: false, threshold: 'p90', read: (r) => r.latencyUs?.p90 },
  { key: 'p99', label: 'p99', unit: 'us', higherIsBetter: false, threshold: 'p99', read: (r) => r.latencyUs?.p99 },
  {
    key: 'cpuUsPerRequest',
    label: 'CPU/req',
    unit: 'us',
    higherIsBetter: false,
    threshold: 'cpu',
    read: (r) => r.cpuUsPerRequest,
  },
  {
    key: 'peakRssBytes',
    label: 'peak RSS',
    unit: 'bytes',
    higherIsBetter: false,
    threshold: 'rss',
    read: (r) => r.peakRssBytes,
  },
];

/**
 * Database time per request. Not per round: it comes from the count pass's sequential probes
 * (src/compare/statement-times.ts compares it), so it is not in METRICS.
 */
export const DB_TIME_METRIC: MetricDef = {
  key: 'dbTimeUs',
  label: 'DB time/req',
  unit: 'us',
  higherIsBetter: false,
  threshold: 'dbTime',
  read: () => undefined,
};

export function metricDef(key: MetricKey): MetricDef {
  const def = [...METRICS, DB_TIME_METRIC].find((m) => m.key === key);
  if (!def) throw new Error(`unknown metric ${key}`);
  return def;
}

// A round in which nothing completed has rps 0: the worst throughput, not a missing one, so it must
// count against its side (a hung head would otherwise pass on the rounds that still answered). It
// enters as a rate far below any real one; log(0) would be −∞, and two dead rounds of a pair would
// make ∞ − ∞. Latency and CPU of such a round are undefined and are left out.
const DEAD_ROUND_RPS = 1e-3;

export function sampleValue(def: MetricDef, v: number | undefined): number | undefined {
  if (v === undefined || !Number.isFinite(v)) return undefined;
  if (v > 0) return v;
  return def.higherIsBetter && v === 0 ? DEAD_ROUND_RPS : undefined;
}

/** A threshold as users write it: 5% stays "5%", 2.5% stays "2.5%" (not rounded to 3%). */
export function formatThreshold(t: number): string {
  return `${Number((t * 100).toFixed(1))}%`;
}

/** A measured value as a worse-log: log(value), negated when higher is better. */
export function worseLog(def: MetricDef, value: number): number {
  return def.higherIsBetter ? -Math.log(value) : Math.log(value);
}

/**
 * A threshold T means "the metric got T worse in its own direction": latency up by T
 * (head/base ≥ 1+T) or rps down by T (head/base ≤ 1−T). Returned as a worse-log distance.
 */
export function thresholdWorseLog(def: MetricDef, t: number): number {
  if (def.higherIsBetter) return t >= 1 ? Infinity : -Math.log(1 - t);
  return Math.log(1 + t);
}

/** The change head vs base in the metric's own direction, as a fraction (+0.07 = +7%). */
export function naturalChange(def: MetricDef, worse: number): number {
  return def.higherIsBetter ? Math.exp(-worse) - 1 : Math.exp(worse) - 1;
}

/** How much worse, as a positive fraction in the metric's own direction (latency +X%, rps −X%). */
export function worsening(def: MetricDef, worse: number): number {
  return def.higherIsBetter ? 1 - Math.exp(-worse) : Math.exp(worse) - 1;
}

/** Defaults from issue 4: 5% for CPU/request and rps, 10% for the tail. Used when a scenario has no config. */
export const DEFAULT_REGRESSION: RegressionThresholds = {
  p50: 0.05,
  p90: 0.1,
  p99: 0.1,
  rps: 0.05,
  cpu: 0.05,
  rss: 0.1,
  queries: 0,
  dbTime: 0.2,
};

/**
 * Cross-machine (unpaired) comparisons carry a machine bias no interval can see, so timing
 * thresholds are widened: max(scale·T, floor). Query thresholds are exact and never widened.
 */
export interface CrossMachinePolicy {
  scale: number;
  floor: number;
}
export const DEFAULT_CROSS_MACHINE: CrossMachinePolicy = { scale: 2, floor: 0.1 };

export function widenForCrossMachine(
  t: RegressionThresholds,
  policy: CrossMachinePolicy = DEFAULT_CROSS_MACHINE,
): RegressionThresholds {
  const w = (x: number) => Math.max(x * policy.scale, policy.floor);
  return { p50: w(t.p50), p90: w(t.p90), p99: w(t.p99), rps: w(t.rps), cpu: w(t.cpu), rss: w(t.rss), queries: t.queries, dbTime: w(t.dbTime) };
}
