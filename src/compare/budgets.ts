// Absolute limits from the config, checked on the head run alone (no baseline needed).
import type { Budgets } from '../config/types.js';
import type { ScenarioResult } from '../results/types.js';

export type BudgetKey = keyof Budgets;
export type BudgetStatus = 'pass' | 'fail' | 'no-data';

export interface BudgetCheck {
  budget: BudgetKey;
  /** 'max': actual must be ≤ limit. 'min': actual must be ≥ limit (rps). */
  kind: 'max' | 'min';
  /** Unit of actual and limit: µs, requests/s, count, statements/request or bytes. */
  unit: 'us' | 'rps' | 'count' | 'queries' | 'bytes';
  limit: number;
  actual?: number;
  status: BudgetStatus;
}

interface BudgetDef {
  key: BudgetKey;
  kind: 'max' | 'min';
  unit: BudgetCheck['unit'];
  actual(s: ScenarioResult): number | undefined;
}

/**
 * The head's figures measured alone: in rerun mode with the simultaneous schedule the compared
 * rounds (`load`) shared the machine with the base, so its extra solo rounds hold the absolute numbers.
 */
const alone = (s: ScenarioResult) => s.solo ?? s.load;

/** Failed requests in every round the head served, shared or alone. */
function failedRequests(s: ScenarioResult): number | undefined {
  if (!s.load && !s.solo) return undefined;
  return [s.load, s.solo].reduce((n, l) => n + (l ? l.errors + l.non2xx : 0), 0);
}

/**
 * A latency percentile of the head alone. When no request completed at all (a service slower than
 * the round), the histogram is empty and reads 0: the truth is "longer than the round", so +∞,
 * which fails any latency limit.
 */
function latency(s: ScenarioResult, p: 'p50' | 'p90' | 'p99' | 'max'): number | undefined {
  const load = alone(s);
  if (!load) return undefined;
  return load.requests === 0 ? Infinity : load.latencyUs[p];
}

// Order is the order rows appear in the report.
const BUDGETS: readonly BudgetDef[] = [
  { key: 'p50Us', kind: 'max', unit: 'us', actual: (s) => latency(s, 'p50') },
  { key: 'p90Us', kind: 'max', unit: 'us', actual: (s) => latency(s, 'p90') },
  { key: 'p99Us', kind: 'max', unit: 'us', actual: (s) => latency(s, 'p99') },
  { key: 'maxUs', kind: 'max', unit: 'us', actual: (s) => latency(s, 'max') },
  { key: 'minRps', kind: 'min', unit: 'rps', actual: (s) => alone(s)?.rps },
  // Socket errors and non-2xx answers both mean the request did not do its job.
  { key: 'errors', kind: 'max', unit: 'count', actual: failedRequests },
  { key: 'queries', kind: 'max', unit: 'queries', actual: (s) => s.queries?.perRequest },
  { key: 'cpuUsPerRequest', kind: 'max', unit: 'us', actual: (s) => alone(s)?.cpuUsPerRequest },
  { key: 'rssBytes', kind: 'max', unit: 'bytes', actual: (s) => alone(s)?.peakRssBytes },
  { key: 'dbTimeUs', kind: 'max', unit: 'us', actual: (s) => s.queries?.dbTimeUs },
];

/** One check per configured budget; a metric the run did not record is 'no-data', never a pass. */
export function checkBudgets(budgets: Budgets, head: ScenarioResult | undefined): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const def of BUDGETS) {
    const limit = budgets[def.key];
    if (limit === undefined) continue;
    const actual = head ? def.actual(head) : undefined;
    let status: BudgetStatus = 'no-data';
    if (actual !== undefined && !Number.isNaN(actual)) {
      status = (def.kind === 'max' ? actual <= limit : actual >= limit) ? 'pass' : 'fail';
    }
    checks.push({ budget: def.key, kind: def.kind, unit: def.unit, limit, actual, status });
  }
  return checks;
}

/** Budget names as the report and the headline show them (the config's own key names). */
export const BUDGET_LABEL: Record<BudgetCheck['budget'], string> = {
  p50Us: 'p50',
  p90Us: 'p90',
  p99Us: 'p99',
  maxUs: 'max latency',
  minRps: 'rps',
  errors: 'errors',
  queries: 'queries/request',
  cpuUsPerRequest: 'CPU/request',
  rssBytes: 'peak RSS',
  dbTimeUs: 'DB time/request',
};
