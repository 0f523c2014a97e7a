// Main's history as the noise model of cross-run comparisons. Within one run, intervals over rounds
// are honest; between runs the machine itself moves (another runner, a noisy neighbour), and no
// number of rounds in one run measures that. The last N baseline runs of main do: per scenario and
// metric, each run gives one run-level value (the median over its rounds), and the spread of those
// values is how much main moves from run to run when nothing changed.
//
// Method: a prediction interval on the log scale, Student's t (as Bencher's t-test thresholds).
// With x₁…x_N the worse-log run-level values of main and y the head's, if runs are exchangeable
// and roughly log-normal, (y − x̄) / (s·√(1 + 1/N)) follows t with N−1 degrees of freedom. That
// makes [y − x̄ ± t·s·√(1+1/N)] a confidence interval of the head's shift against main's level, at
// VERDICT_CONFIDENCE, and the ordinary verdict rule (classifyShift) applies to it unchanged:
// regressed = the head lies above main's prediction interval AND by at least the threshold.
//
// Why not distribution-free: the head lies above all N history values with probability 1/(N+1)
// when nothing changed, so a one-sided 0.5% error (the upper half of a 99% interval) needs N ≥ 199
// runs of main — months of pushes, most of them expired. The t interval is exact for log-normal
// noise at any N ≥ 2; docs/verdicts.md ("Cross-run verdicts from main's history") has the simulated
// false-alarm rates under heavier tails, which set MIN_HISTORY_RUNS.
import type { Results, ScenarioResult } from '../results/types.js';
import { type MetricDef, naturalChange, sampleValue, worseLog } from './metrics.js';
import { type Interval, median, type ShiftEstimate } from './stats.js';
import { studentTCdf, studentTQuantile } from './student-t.js';
import { classifyShift, type MetricVerdict, naturalInterval } from './verdict.js';

/**
 * Fewer runs than this and cross-run timing changes are reported, never failing. With 5 runs the
 * simulated false-alarm rate stays ≤ 1% per metric even with t₃-tailed run-to-run noise, and the
 * interval (t₀.₉₉₅,₄ = 4.6) is already narrow enough to catch a change of 5 run-to-run SDs.
 */
export const MIN_HISTORY_RUNS = 5;
/**
 * The newest runs read by default (the action's `history-runs`, the CLI's `--history`): an older
 * main is a different program, and each run costs API calls.
 */
export const MAX_HISTORY_RUNS = 20;
/** The most runs `history-runs` may ask for (2 API calls each, read within a 60 s budget). */
export const HISTORY_RUNS_LIMIT = 100;
/**
 * Run-level values round to whole µs and can repeat exactly; a zero spread would make any
 * difference "outside the interval". 0.5% is below anything a run-to-run comparison can resolve.
 */
const MIN_LOG_SD = 0.005;

/** The gate's pointer for users who need timing verdicts that do not depend on history. */
export const RERUN_HINT = 'to gate on timings, use `baseline: { source: rerun }` (base and head measured on one runner)';

export interface HistoryPoint {
  commit?: string;
  timestamp: string;
  /** The run-level value in the metric's unit (median over the run's rounds). */
  value: number;
}

/**
 * Oldest first, one entry per run (the baseline file is often also in the history), newest `max`
 * kept. Whoever reads the history bounds how many runs it holds (MAX_HISTORY_RUNS by default).
 */
export function orderHistory(runs: readonly Results[], max = HISTORY_RUNS_LIMIT + 1): Results[] {
  const seen = new Set<string>();
  const unique: Results[] = [];
  for (const r of runs) {
    const key = `${r.meta.commit ?? ''}@${r.meta.timestamp}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(r);
  }
  unique.sort((a, b) => Date.parse(a.meta.timestamp) - Date.parse(b.meta.timestamp));
  return unique.slice(Math.max(0, unique.length - max));
}

/** Median over the rounds one run compared across runs (its solo rounds when it has them). */
export function runLevelValue(def: MetricDef, scenario: ScenarioResult | undefined): number | undefined {
  if (!scenario || scenario.error) return undefined;
  const rounds = (scenario.solo ?? scenario.load)?.rounds ?? [];
  const values = rounds.map((r) => sampleValue(def, def.read(r))).filter((v): v is number => v !== undefined);
  return values.length > 0 ? median(values) : undefined;
}

/** The scenario's run-level values over the history (ordered as given), runs without it skipped. */
export function historySeries(history: readonly Results[], scenario: string, def: MetricDef): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (const run of history) {
    const value = runLevelValue(def, run.scenarios.find((s) => s.name === scenario));
    if (value !== undefined) points.push({ commit: run.meta.commit, timestamp: run.meta.timestamp, value });
  }
  return points;
}

/** Mean and SD of worse-log values (SD with N−1, floored at MIN_LOG_SD). */
export function logSpread(worseLogs: readonly number[]): { mean: number; sd: number } {
  const n = worseLogs.length;
  const mean = worseLogs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? worseLogs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, sd: Math.max(Math.sqrt(variance), MIN_LOG_SD) };
}

/**
 * The head's shift against main's level, with the t prediction interval as its CI (see the top of
 * this file). Needs ≥ 2 history values; `n` reports them.
 */
export function predictionShift(historyWorseLog: readonly number[], headWorseLog: number, confidence: number): ShiftEstimate {
  const n = historyWorseLog.length;
  const { mean, sd } = logSpread(historyWorseLog);
  const estimate = headWorseLog - mean;
  if (n < 2) return { method: 'history-t', estimate, p: 1, n };
  const scale = sd * Math.sqrt(1 + 1 / n);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 1);
  const p = 2 * (1 - studentTCdf(Math.abs(estimate) / scale, n - 1));
  const ci: Interval = { lo: estimate - t * scale, hi: estimate + t * scale };
  return { method: 'history-t', estimate, ci, coverage: confidence, p, n };
}

export interface MetricHistory {
  /** Runs of main that measured this metric for this scenario. */
  runs: number;
  /** True when they were enough to judge the change (≥ MIN_HISTORY_RUNS). */
  gating: boolean;
  /** Main's run-to-run spread: the half-width of its prediction interval, as a fraction. */
  spread?: number;
}

/** What the comparison against the single baseline run concluded (its own verdict and change). */
export interface CrossRunResult {
  verdict: MetricVerdict;
  change: number;
  note?: string;
}

/** The fields of a MetricComparison that history decides, to lay over the cross-run comparison. */
export interface HistoryJudgement {
  verdict: MetricVerdict;
  note?: string;
  history: MetricHistory;
  base?: number;
  shift?: ShiftEstimate;
  change?: number;
  changeCi?: Interval;
  threshold?: number;
}

/**
 * Judges the head's run-level value against the history. With enough runs, the prediction interval
 * decides (threshold = the configured one: history already carries the machine-to-machine spread,
 * so it is not widened). With too few, a regression or improvement against the single baseline run
 * is reported as inconclusive — visible, never failing — with the reason and the way to gate.
 */
export function judgeAgainstHistory(
  def: MetricDef,
  headValue: number,
  points: readonly HistoryPoint[],
  threshold: number,
  confidence: number,
  crossRun: CrossRunResult,
): HistoryJudgement {
  const runs = points.length;
  if (runs < MIN_HISTORY_RUNS) {
    const history: MetricHistory = { runs, gating: false };
    if (crossRun.verdict !== 'regressed' && crossRun.verdict !== 'improved') return { verdict: crossRun.verdict, note: crossRun.note, history };
    const pct = `${crossRun.change >= 0 ? '+' : ''}${(crossRun.change * 100).toFixed(1)}%`;
    return {
      verdict: 'inconclusive',
      note:
        `${pct} against a baseline from another run; main's history has ${runs} of the ${MIN_HISTORY_RUNS} runs needed ` +
        `to tell that from machine noise: reported, not failing (${RERUN_HINT})`,
      history,
    };
  }
  const logs = points.map((p) => worseLog(def, p.value));
  const shift = predictionShift(logs, worseLog(def, headValue), confidence);
  const cls = classifyShift(def, shift, threshold);
  const center = logSpread(logs).mean;
  const halfWidth = shift.ci ? (shift.ci.hi - shift.ci.lo) / 2 : Infinity;
  const spread = Math.exp(halfWidth) - 1;
  return {
    verdict: cls.verdict,
    note: cls.note ? `${cls.note} (main moves ±${(spread * 100).toFixed(1)}% run to run over ${runs} runs)` : undefined,
    history: { runs, gating: true, spread },
    // The geometric mean of main's runs: the level the head is compared with.
    base: def.higherIsBetter ? Math.exp(-center) : Math.exp(center),
    shift,
    change: naturalChange(def, shift.estimate),
    changeCi: shift.ci ? naturalInterval(def, shift.ci) : undefined,
    threshold,
  };
}

/** Over a whole comparison: how many runs of main the noise model had, and whether it gated. */
export interface HistorySummary {
  runs: number;
  minRuns: number;
  gating: boolean;
}

export function summarizeHistory(history: readonly Results[]): HistorySummary {
  return { runs: history.length, minRuns: MIN_HISTORY_RUNS, gating: history.length >= MIN_HISTORY_RUNS };
}
