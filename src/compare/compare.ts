// Two runs in, one Comparison out: per scenario the timing verdicts, the query diff and the budget
// checks, plus the decision that becomes the exit code. Pure: results and config in, data out.
import type { FailOn, PerfgateConfig, RegressionThresholds, ScenarioConfig } from '../config/types.js';
import type { Results, RoundResult, ScenarioResult } from '../results/types.js';
import { BUDGET_LABEL, type BudgetCheck, checkBudgets } from './budgets.js';
import { formatValue } from '../report/format.js';
import { historySeries, judgeAgainstHistory, type HistorySummary, type MetricHistory, orderHistory, summarizeHistory } from './history.js';
import {
  type CrossMachinePolicy,
  DB_TIME_METRIC,
  DEFAULT_REGRESSION,
  formatThreshold,
  METRICS,
  type MetricDef,
  metricDef,
  type MetricKey,
  type MetricUnit,
  naturalChange,
  thresholdWorseLog,
  sampleValue,
  widenForCrossMachine,
  worseLog,
} from './metrics.js';
import { type Interval, median, pairedShift, type ShiftEstimate, unpairedShift } from './stats.js';
import {
  classifyShift,
  compareQueries,
  FUTILITY_CONFIDENCE,
  formatConfidence,
  type MetricVerdict,
  naturalInterval,
  type QueryComparison,
  VERDICT_CONFIDENCE,
} from './verdict.js';
import { blameRegression, compareDbTimePerRequest, compareStatementTimes, type DbTimeComparison, type RegressionBlame } from './statement-times.js';

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
  /** CI of `change` at `confidence`, absent when there were too few rounds. */
  changeCi?: Interval;
  /**
   * Two-sided confidence of the interval: VERDICT_CONFIDENCE, or for paired rounds judged after every
   * block, the stricter level of the look that stopped measuring (src/compare/sequential.ts).
   */
  confidence: number;
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
  /** Database time per statement shape against the base, and how much of the extra latency it explains. */
  db?: DbTimeComparison & { blame?: RegressionBlame };
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
  /** Cross-run comparisons re-judged by a paired rerun on this runner (src/compare/confirm.ts). */
  confirmation?: ConfirmationSummary;
}

/** What confirmation by rerun did, for the report. */
export interface ConfirmationSummary {
  /** The base the head was paired with (a commit or ref). */
  ref: string;
  /** Scenarios measured again, paired. */
  remeasured: string[];
  /** Metrics the cross-run comparison called regressed: confirmed by the rerun, and not. */
  flagged: { confirmed: number; notConfirmed: number };
  /** Suspects (worse than the threshold across runs, not callable there): confirmed, and not. */
  suspects: { confirmed: number; notConfirmed: number };
  /** The rerun could not run: why (the flagged regressions stand, the suspects stay inconclusive). */
  failed?: string;
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
  // Rounds judged after every block were judged at the stricter level of the look that stopped
  // measuring; the final verdict must use that level, or the guarantee over all looks is lost. Never
  // laxer than one look's: a results file (a fork's, say) cannot loosen its own verdicts.
  const confidence = opts.pairing === 'paired' ? Math.max(VERDICT_CONFIDENCE, head.stop?.confidence ?? VERDICT_CONFIDENCE) : VERDICT_CONFIDENCE;
  const judged = withRuledOut(judgeRounds(headRounds, baseRounds, thresholds, opts.pairing, confidence), opts.pairing === 'paired' ? head.stop?.ruledOut : undefined, () =>
    judgeRounds(headRounds, baseRounds, thresholds, 'paired', FUTILITY_CONFIDENCE),
  );
  const history = opts.history;
  result.metrics = history
    ? judged.map((m) => {
        const def = metricDef(m.metric);
        return withHistory(m, def, head.name, history, thresholds0[def.threshold]);
      })
    : judged;
  if (head.queries && base.queries) {
    const statements = compareStatementTimes(head.queries, base.queries, thresholds.dbTime);
    result.db = { ...statements, blame: blameRegression(head.queries, base.queries, statements) };
    const db = compareDbTimePerRequest(head.queries, base.queries, thresholds.dbTime);
    if (db) {
      const { label, unit } = DB_TIME_METRIC;
      result.metrics.push({ metric: DB_TIME_METRIC.key, label, unit, ...db, threshold: thresholds.dbTime, confidence: VERDICT_CONFIDENCE });
    }
  }
  return result;
}

/** Verdicts at one look over the paired rounds so far (rerun mode), at the given two-sided confidence. */
export function judgePairedRounds(
  head: readonly RoundResult[],
  base: readonly RoundResult[],
  scenario: ScenarioConfig | undefined,
  confidence: number,
): MetricComparison[] {
  return judgeRounds(head, base, scenario?.regression ?? DEFAULT_REGRESSION, 'paired', confidence);
}

/**
 * Adaptive rounds stopped waiting for these metrics once a looser interval ruled out a regression of
 * their threshold (src/measure/judge.ts). They are "unchanged" at that interval's confidence, which
 * they carry, rather than "inconclusive" at the look's stricter level: whether the change reaches
 * the threshold is answered, and a stricter "no" would change nothing the check does. Only when the
 * looser interval of all the rounds still rules it out: rounds measured after the look for other
 * metrics can take it back. "unchanged" never fails the check, so the false-alarm bound is untouched.
 */
function withRuledOut(metrics: MetricComparison[], ruledOut: readonly string[] | undefined, loose: () => MetricComparison[]): MetricComparison[] {
  if (!ruledOut?.length) return metrics;
  const looser = loose();
  const level = formatConfidence(FUTILITY_CONFIDENCE);
  return metrics.map((m) => {
    if (m.verdict !== 'inconclusive' || !ruledOut.includes(m.label)) return m;
    const l = looser.find((x) => x.metric === m.metric);
    if (!l || (l.verdict !== 'unchanged' && l.verdict !== 'improved')) return m;
    return { ...l, verdict: 'unchanged', note: `its ${level} interval rules out a regression of the threshold, so measuring stopped waiting for it` };
  });
}

/** Inconclusive metrics that could fail the check (failOn has 'regression'); measuring goes on while any is left. */
export function undecidedMetrics(metrics: readonly MetricComparison[], failOn: readonly FailOn[]): MetricKey[] {
  if (!failOn.includes('regression')) return [];
  // A threshold that no change can reach (rps −100%) can never fail the check, so it waits for nothing.
  return metrics
    .filter((m) => m.verdict === 'inconclusive' && Number.isFinite(thresholdWorseLog(metricDef(m.metric), m.threshold)))
    .map((m) => m.metric);
}

function judgeRounds(
  head: readonly RoundResult[],
  base: readonly RoundResult[],
  thresholds: RegressionThresholds,
  pairing: Pairing,
  confidence: number,
): MetricComparison[] {
  const metrics: MetricComparison[] = [];
  for (const def of METRICS) {
    const m = compareMetric(def, head.map(def.read), base.map(def.read), thresholds[def.threshold], pairing, confidence);
    if (m) metrics.push(m);
  }
  return metrics;
}

function compareMetric(
  def: MetricDef,
  head: (number | undefined)[],
  base: (number | undefined)[],
  threshold: number,
  pairing: Pairing,
  confidence: number,
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
    shift = pairedShift(samples, confidence);
  } else {
    headVals = head.map((v) => sampleValue(def, v)).filter((v) => v !== undefined);
    baseVals = base.map((v) => sampleValue(def, v)).filter((v) => v !== undefined);
    if (headVals.length === 0 || baseVals.length === 0) return undefined;
    shift = unpairedShift(
      headVals.map((v) => worseLog(def, v)),
      baseVals.map((v) => worseLog(def, v)),
      confidence,
    );
  }
  const cls = classifyShift(def, shift, threshold, confidence);
  return {
    metric: def.key,
    label: def.label,
    unit: def.unit,
    base: median(baseVals),
    head: median(headVals),
    shift,
    change: naturalChange(def, shift.estimate),
    changeCi: shift.ci ? naturalInterval(def, shift.ci) : undefined,
    confidence,
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
        // The same units and rounding as the report's tables (793 ms, not 792578 µs).
        gate('budget', `${s.name}: budget ${BUDGET_LABEL[b.budget]} violated: ${formatValue(b.unit, b.actual)}${UNIT_SUFFIX[b.unit]}, limit ${b.kind === 'max' ? '≤' : '≥'} ${formatValue(b.unit, b.limit)}${UNIT_SUFFIX[b.unit]}`);
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

// formatValue writes the unit of latencies and sizes itself.
const UNIT_SUFFIX: Record<BudgetCheck['unit'], string> = { us: '', rps: ' req/s', count: '', queries: ' statements/request', bytes: '' };


function formatPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
