// Two runs in, one Comparison out: per scenario the timing verdicts, the query diff and the budget
// checks, plus the decision that becomes the exit code. Pure: results and config in, data out.
import type { FailOn, PerfgateConfig, RegressionThresholds, ScenarioConfig } from '../config/types.js';
import type { Results, ScenarioResult } from '../results/types.js';
import { type BudgetCheck, checkBudgets } from './budgets.js';
import { historySeries, judgeAgainstHistory, type HistorySummary, type MetricHistory, orderHistory, summarizeHistory } from './history.js';
import {
  type CrossMachinePolicy,
  DEFAULT_REGRESSION,
  formatThreshold,
  METRICS,
  type MetricDef,
  type MetricKey,
  type MetricUnit,
  naturalChange,
  sampleValue,
  widenForCrossMachine,
  worseLog,
} from './metrics.js';
import { type Interval, median, pairedShift, type ShiftEstimate, unpairedShift } from './stats.js';
import { classifyShift, compareQueries, type MetricVerdict, naturalInterval, type QueryComparison, VERDICT_CONFIDENCE } from './verdict.js';

/** 'paired': head round k against base round k of the same run (rerun mode). 'unpaired': another machine/job. */
export type Pairing = 'paired' | 'unpaired';

export interface MetricComparison {
  metric: MetricKey;
  label: string;
  unit: MetricUnit;
  /** Median over the rounds, in the metric's unit (µs, req/s, bytes). */
  base: number;
  head: number;
  /** Statistics in worse-log space (positive = head worse). */
  shift: ShiftEstimate;
  /** Estimated change in the metric's own direction, as a fraction (+0.07 = +7%). */
  change: number;
  /** CI of `change` at VERDICT_CONFIDENCE, absent when there were too few rounds. */
  changeCi?: Interval;
  /** Threshold T applied (fraction), already widened for cross-machine comparisons. */
  threshold: number;
  verdict: MetricVerdict;
  note?: string;
  /** Unpaired with history: how many runs of main judged this metric (see history.ts). */
  history?: MetricHistory;
}

export type ScenarioStatus = 'added' | 'removed' | 'compared' | 'no-baseline' | 'error';

export interface ScenarioComparison {
  name: string;
  status: ScenarioStatus;
  /** The head's measurement error (status 'error'). */
  error?: string;
  /** Caveats: round-count mismatch, a baseline scenario that failed, a missing config entry. */
  notes: string[];
  metrics: MetricComparison[];
  queries?: QueryComparison;
  budgets: BudgetCheck[];
  rounds: { head: number; base?: number };
}

export interface ComparisonTotals {
  /** Timing metrics that regressed plus query counts that rose above their threshold. */
  regressions: number;
  improvements: number;
  inconclusive: number;
  /** Failed budgets. */
  violations: number;
  /** Head scenarios that could not be measured. */
  errors: number;
}

export interface Comparison {
  pairing: Pairing;
  hasBaseline: boolean;
  /** True for unpaired comparisons: base and head ran on different machines or jobs. */
  crossMachine: boolean;
  scenarios: ScenarioComparison[];
  totals: ComparisonTotals;
  /** Unpaired comparisons given main's history: its size and whether it could gate timings. */
  history?: HistorySummary;
}

export interface CompareOptions {
  head: Results;
  /** Omitted: the head's own rerun base (`head.base`) if present, else budgets only. */
  base?: Results;
  config: PerfgateConfig;
  pairing: Pairing;
  crossMachine?: CrossMachinePolicy;
  /** Unpaired only: main's recent baseline runs, the noise model of cross-run timing verdicts. */
  history?: Results[];
}

/** A rerun-mode results file carries its base side inside; lift it into a Results of its own. */
export function rerunBaseline(head: Results): Results | undefined {
  if (!head.base) return undefined;
  return {
    ...head,
    meta: { ...head.meta, commit: head.base.commit, ref: head.base.ref },
    scenarios: head.base.scenarios,
    base: undefined,
  };
}

export function compareRuns(opts: CompareOptions): Comparison {
  const base = opts.base ?? rerunBaseline(opts.head);
  const crossMachine = base !== undefined && opts.pairing === 'unpaired';
  const configByName = new Map(opts.config.scenarios.map((s) => [s.name, s]));
  const baseByName = new Map((base?.scenarios ?? []).map((s) => [s.name, s]));
  const headNames = new Set(opts.head.scenarios.map((s) => s.name));
  const history = crossMachine && opts.history ? orderHistory([...opts.history, base]) : undefined;

  const scenarios: ScenarioComparison[] = opts.head.scenarios.map((head) =>
    compareScenario(head, base ? baseByName.get(head.name) ?? null : undefined, configByName.get(head.name), {
      pairing: opts.pairing,
      crossMachine: opts.crossMachine,
      widen: crossMachine,
      history,
    }),
  );
  for (const removed of base?.scenarios ?? []) {
    if (headNames.has(removed.name)) continue;
    scenarios.push({
      name: removed.name,
      status: 'removed',
      notes: [],
      metrics: [],
      budgets: [],
      rounds: { head: 0, base: removed.load?.rounds.length ?? 0 },
    });
  }
  const comparison: Comparison = { pairing: opts.pairing, hasBaseline: base !== undefined, crossMachine, scenarios, totals: totalsOf(scenarios) };
  return history ? { ...comparison, history: summarizeHistory(history) } : comparison;
}

interface ScenarioOptions {
  pairing: Pairing;
  crossMachine?: CrossMachinePolicy;
  widen: boolean;
  history?: Results[];
}

/** base: undefined = no baseline run at all; null = the baseline run lacks this scenario. */
function compareScenario(
  head: ScenarioResult,
  base: ScenarioResult | null | undefined,
  config: ScenarioConfig | undefined,
  opts: ScenarioOptions,
): ScenarioComparison {
  const notes: string[] = [];
  if (!config) notes.push('not in the config: default thresholds, no budgets');
  const budgets = checkBudgets(config?.budgets ?? {}, head);
  const rounds = { head: head.load?.rounds.length ?? 0, base: base?.load?.rounds.length };
  const result: ScenarioComparison = { name: head.name, status: 'compared', notes, metrics: [], budgets, rounds };

  if (head.error || !head.load) {
    result.status = 'error';
    result.error = head.error ?? 'no load results recorded';
    return result;
  }
  const thresholds0 = config?.regression ?? DEFAULT_REGRESSION;
  if (base === undefined) {
    result.status = 'no-baseline';
    result.queries = compareQueries(head.queries, undefined, thresholds0.queries);
    return result;
  }
  if (base === null) {
    result.status = 'added';
    result.queries = compareQueries(head.queries, undefined, thresholds0.queries);
    return result;
  }
  result.queries = compareQueries(head.queries, base.queries, thresholds0.queries);
  if (base.error || !base.load) {
    result.status = 'no-baseline';
    notes.push(`the baseline could not measure this scenario: ${base.error ?? 'no load results recorded'}`);
    return result;
  }
  const thresholds: RegressionThresholds = opts.widen ? widenForCrossMachine(thresholds0, opts.crossMachine) : thresholds0;
  // Across runs, compare like with like: a side measured with the simultaneous rerun schedule kept
  // rounds of itself alone (`solo`); its shared rounds only make sense against their own pairs.
  const headRounds = (opts.pairing === 'unpaired' ? head.solo ?? head.load : head.load).rounds;
  const baseRounds = (opts.pairing === 'unpaired' ? base.solo ?? base.load : base.load).rounds;
  result.rounds = { head: headRounds.length, base: baseRounds.length };
  for (const [side, rs] of [['head', headRounds], ['base', baseRounds]] as const) {
    const dead = rs.filter((r) => r.requests === 0).length;
    if (dead > 0) notes.push(`${side}: ${dead} of ${rs.length} rounds completed no request (counted as the worst rps; their latency and CPU are unknown)`);
  }
  if (opts.pairing === 'paired' && headRounds.length !== baseRounds.length) {
    notes.push(
      `paired rounds differ in number (head ${headRounds.length}, base ${baseRounds.length}): compared the first ${Math.min(headRounds.length, baseRounds.length)}`,
    );
  }
  for (const def of METRICS) {
    const m = compareMetric(def, headRounds.map(def.read), baseRounds.map(def.read), thresholds[def.threshold], opts.pairing);
    if (m) result.metrics.push(opts.history ? withHistory(m, def, head.name, opts.history, thresholds0[def.threshold]) : m);
  }
  return result;
}

function compareMetric(
  def: MetricDef,
  head: (number | undefined)[],
  base: (number | undefined)[],
  threshold: number,
  pairing: Pairing,
): MetricComparison | undefined {
  let shift: ShiftEstimate;
  let headVals: number[];
  let baseVals: number[];
  if (pairing === 'paired') {
    headVals = [];
    baseVals = [];
    const samples: number[] = [];
    for (let k = 0; k < Math.min(head.length, base.length); k++) {
      const h = sampleValue(def, head[k]);
      const b = sampleValue(def, base[k]);
      if (h === undefined || b === undefined) continue;
      headVals.push(h);
      baseVals.push(b);
      samples.push(worseLog(def, h) - worseLog(def, b));
    }
    if (samples.length === 0) return undefined;
    shift = pairedShift(samples, VERDICT_CONFIDENCE);
  } else {
    headVals = head.map((v) => sampleValue(def, v)).filter((v) => v !== undefined);
    baseVals = base.map((v) => sampleValue(def, v)).filter((v) => v !== undefined);
    if (headVals.length === 0 || baseVals.length === 0) return undefined;
    shift = unpairedShift(
      headVals.map((v) => worseLog(def, v)),
      baseVals.map((v) => worseLog(def, v)),
      VERDICT_CONFIDENCE,
    );
  }
  const cls = classifyShift(def, shift, threshold);
  return {
    metric: def.key,
    label: def.label,
    unit: def.unit,
    base: median(baseVals),
    head: median(headVals),
    shift,
    change: naturalChange(def, shift.estimate),
    changeCi: shift.ci ? naturalInterval(def, shift.ci) : undefined,
    threshold,
    verdict: cls.verdict,
    note: cls.note,
  };
}

function withHistory(m: MetricComparison, def: MetricDef, scenario: string, history: Results[], threshold: number): MetricComparison {
  return { ...m, ...judgeAgainstHistory(def, m.head, historySeries(history, scenario, def), threshold, VERDICT_CONFIDENCE, m) };
}

export function totalsOf(scenarios: ScenarioComparison[]): ComparisonTotals {
  const t: ComparisonTotals = { regressions: 0, improvements: 0, inconclusive: 0, violations: 0, errors: 0 };
  for (const s of scenarios) {
    if (s.status === 'error') t.errors++;
    for (const m of s.metrics) {
      if (m.verdict === 'regressed') t.regressions++;
      else if (m.verdict === 'improved') t.improvements++;
      else if (m.verdict === 'inconclusive') t.inconclusive++;
    }
    if (s.queries?.verdict === 'regressed') t.regressions++;
    else if (s.queries?.verdict === 'improved') t.improvements++;
    for (const b of s.budgets) if (b.status === 'fail') t.violations++;
  }
  return t;
}

export interface Decision {
  verdict: 'pass' | 'fail' | 'inconclusive';
  exitCode: 0 | 1;
  /** One line per thing that decided the verdict, most important first. */
  reasons: string[];
}

/**
 * Budget violations fail when failOn has 'budget'; significant regressions fail when it has
 * 'regression'; a scenario that could not be measured fails whenever anything gates. Inconclusive
 * metrics never fail the run. Without a baseline only budgets (and errors) can fail it.
 */
export function decide(comparison: Comparison, failOn: readonly FailOn[]): Decision {
  const failing: string[] = [];
  const informational: string[] = [];
  const gate = (on: FailOn, line: string) => (failOn.includes(on) ? failing : informational).push(line);

  for (const s of comparison.scenarios) {
    if (s.status === 'error' && failOn.length > 0) failing.push(`${s.name}: could not be measured: ${s.error}`);
    for (const b of s.budgets) {
      if (b.status === 'fail') {
        const u = UNIT_SUFFIX[b.unit];
        const actual = b.actual === Infinity ? 'no request completed' : `${round2(b.actual!)}${u}`;
        gate('budget', `${s.name}: budget ${b.budget} violated: ${actual}, limit ${b.kind === 'max' ? '≤' : '≥'} ${b.limit}${u}`);
      }
    }
    for (const m of s.metrics) {
      if (m.verdict === 'regressed') {
        gate('regression', `${s.name}: ${m.label} regressed ${formatPct(m.change)} (threshold ${formatThreshold(m.threshold)})`);
      }
    }
    if (s.queries?.verdict === 'regressed') {
      gate('regression', `${s.name}: queries per request ${s.queries.base} → ${s.queries.head} (allowed +${s.queries.threshold})`);
    }
  }
  if (failing.length > 0) return { verdict: 'fail', exitCode: 1, reasons: [...failing, ...informational] };

  const inconclusive: string[] = [];
  for (const s of comparison.scenarios) {
    for (const m of s.metrics) if (m.verdict === 'inconclusive') inconclusive.push(`${s.name}: ${m.label} inconclusive: ${m.note}`);
  }
  if (inconclusive.length > 0) return { verdict: 'inconclusive', exitCode: 0, reasons: [...informational, ...inconclusive] };
  return { verdict: 'pass', exitCode: 0, reasons: informational };
}

const UNIT_SUFFIX: Record<BudgetCheck['unit'], string> = { us: ' µs', rps: ' req/s', count: '', queries: ' statements/request', bytes: ' bytes' };

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function formatPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
