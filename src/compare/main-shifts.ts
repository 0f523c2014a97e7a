// Lasting shifts on main: change points (changepoint.ts) in every scenario's run-level values over
// main's recent runs and this push, each tied to the commit range where it happened. Pure.
import type { PerfgateConfig } from '../config/types.js';
import type { Results } from '../results/types.js';
import { detectChangePoints } from './changepoint.js';
import { orderHistory, runLevelValue } from './history.js';
import { DEFAULT_REGRESSION, metricDef, type MetricKey, type MetricUnit } from './metrics.js';

/** The metrics watched on main: the centre and the tail of latency, the steadiest cost, throughput. */
const WATCHED: readonly MetricKey[] = ['p50', 'p99', 'cpuUsPerRequest', 'rps'];

export interface MainShift {
  scenario: string;
  metric: MetricKey;
  label: string;
  unit: MetricUnit;
  /** The last run before the shift and the first run after it. */
  from: { commit?: string; timestamp: string };
  to: { commit?: string; timestamp: string };
  /** Geometric means of the runs before and after (up to the neighbouring change points). */
  before: number;
  after: number;
  /** after / before − 1. */
  change: number;
  /** True when the shift is in the worse direction (slower, more CPU, fewer req/s). */
  worse: boolean;
  p: number;
}

/**
 * Change points over `runs` (any order; deduplicated, oldest first; the caller bounds how many). A shift smaller than the scenario's regression threshold for that metric is not reported.
 */
export function findMainShifts(runs: readonly Results[], config?: PerfgateConfig): MainShift[] {
  const ordered = orderHistory(runs);
  const names = [...new Set(ordered.flatMap((r) => r.scenarios.map((s) => s.name)))];
  const shifts: MainShift[] = [];
  for (const scenario of names) {
    const thresholds = config?.scenarios.find((s) => s.name === scenario)?.regression ?? DEFAULT_REGRESSION;
    for (const key of WATCHED) {
      const def = metricDef(key);
      const series: { run: Results; value: number }[] = [];
      for (const run of ordered) {
        const value = runLevelValue(def, run.scenarios.find((s) => s.name === scenario));
        if (value !== undefined && value > 0) series.push({ run, value });
      }
      const found = detectChangePoints(series.map((p) => p.value), { minMagnitude: thresholds[def.threshold] });
      for (const cp of found) {
        const before = series[cp.index - 1]!.run.meta;
        const after = series[cp.index]!.run.meta;
        shifts.push({
          scenario,
          metric: key,
          label: def.label,
          unit: def.unit,
          from: { commit: before.commit, timestamp: before.timestamp },
          to: { commit: after.commit, timestamp: after.timestamp },
          before: cp.before,
          after: cp.after,
          change: cp.change,
          worse: def.higherIsBetter ? cp.change < 0 : cp.change > 0,
          p: cp.p,
        });
      }
    }
  }
  return shifts;
}
