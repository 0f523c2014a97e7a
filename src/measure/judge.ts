// The sequential rule seen from the measuring loop: after each block of paired rounds, which metrics
// that can fail the check are still inconclusive, at the confidence of this look
// (src/compare/sequential.ts explains the per-look levels).
import type { FailOn, ScenarioConfig } from '../config/types.js';
import { judgePairedRounds, undecidedMetrics } from '../compare/compare.js';
import { metricDef, type MetricKey } from '../compare/metrics.js';
import { lookConfidence, type SequentialPlan } from '../compare/sequential.js';
import { FUTILITY_CONFIDENCE, VERDICT_CONFIDENCE } from '../compare/verdict.js';
import type { RoundResult, StopInfo } from '../results/types.js';

export { lookConfidence } from '../compare/sequential.js';

/**
 * Equal blocks of `rounds`, one look after each, as many as fit in `maxRounds` (the per-look levels
 * assume equal blocks, so a maxRounds that is not a multiple of rounds is rounded down).
 */
export function planFor(scenario: Pick<ScenarioConfig, 'rounds' | 'maxRounds'>): SequentialPlan {
  return { maxLooks: Math.max(1, Math.floor(scenario.maxRounds / scenario.rounds)), confidence: VERDICT_CONFIDENCE };
}

export interface BlockTime {
  /** Paired rounds per block (`rounds`). */
  rounds: number;
  /** How long one round sends requests. */
  roundMs: number;
  /** Expected wait for a round's in-flight requests after sending stops: about one request's latency. */
  drainMs: number;
  /** Sides loaded one after the other per round: 2 for alternating, 1 when both run at once. */
  sidesInTurn: number;
  /** Restarting both sides between blocks, per block on average (restarts.ts); 0 without restarts. */
  restartMs?: number;
}

/**
 * Looks to plan for, once the round length is known: the configured maximum, or fewer when only
 * that many blocks fit the time left. The per-look levels spend the whole error over the planned
 * looks, so a plan of 16 looks that the budget cuts after 2 (a 1 s endpoint's 5 s rounds) would end
 * at a level meant for an early look — far stricter than 99%, and inconclusive for want of rounds.
 * Planning for the looks that fit lets the last one use the full confidence. The plan depends only on
 * the warm-up's rate, never on the paired rounds, so the false-alarm bound holds as for a fixed plan.
 */
export function plannedLooks(configuredLooks: number, block: BlockTime, leftMs: number): number {
  const blockMs = block.rounds * (block.roundMs + block.drainMs) * block.sidesInTurn + (block.restartMs ?? 0);
  const fit = Math.floor(leftMs / blockMs);
  return Math.max(1, Math.min(configuredLooks, fit));
}

export interface LookOutcome {
  /** Labels of the metrics still inconclusive that could fail the check. */
  pending: string[];
  /**
   * Labels of the undecided metrics whose FUTILITY_CONFIDENCE interval already rules out a
   * regression of their threshold, which measuring waits for no longer (reported unchanged at that
   * level).
   */
  ruledOut?: string[];
  /** Labels of the metrics already regressed, when regressions fail the check. */
  regressed: string[];
  /**
   * Whether the report can already say how much of it users feel: throughput or a latency has
   * regressed, or rps and p50 are both decided.
   */
  impactKnown: boolean;
  /** Whether the report can say what it costs: CPU/request has regressed or is decided. */
  costKnown: boolean;
}

/** What users of the endpoint feel of a change, as opposed to what it costs (CPU, memory). */
const FELT: readonly MetricKey[] = ['rps', 'p50', 'p90', 'p99'];
/** Decided, these two say whether the extra cost reaches users at all. */
const IMPACT: readonly MetricKey[] = ['rps', 'p50'];
/** Decided, this says whether a slower endpoint does more work or waits longer. */
const COST: MetricKey = 'cpuUsPerRequest';

/**
 * Judges the paired rounds so far, at this look's confidence, for the stopping rule, and stops
 * waiting for a metric whose regression is ruled out at FUTILITY_CONFIDENCE. `decide`, when given,
 * is a confirmation by rerun: it narrows the rule to those metrics, since a confirmation replaces
 * only the verdicts of the metrics it was asked to confirm (compare/confirm.ts) and the others need
 * no more rounds. `futility: false` judges as before the bound, for the benches that replay recorded
 * rounds both ways (bench/futility-replay.ts, bench/confirm-replay.ts).
 */
export function judgeLook(
  head: readonly RoundResult[],
  base: readonly RoundResult[],
  scenario: ScenarioConfig,
  failOn: readonly FailOn[],
  confidence: number,
  decide?: readonly MetricKey[],
  futility = true,
): LookOutcome {
  const judged = judgePairedRounds(head, base, scenario, confidence);
  const metrics = decide ? judged.filter((m) => decide.includes(m.metric)) : judged;
  const undecided = undecidedMetrics(metrics, failOn);
  const ruledOut = futility ? ruledOutMetrics(head, base, scenario, undecided) : [];
  const pending = undecided.filter((k) => !ruledOut.includes(k));
  const regressed = failOn.includes('regression') ? metrics.filter((m) => m.verdict === 'regressed').map((m) => m.metric) : [];
  const label = (key: MetricKey) => metricDef(key).label;
  return {
    pending: pending.map(label),
    ...(ruledOut.length > 0 ? { ruledOut: ruledOut.map(label) } : {}),
    regressed: regressed.map(label),
    impactKnown: regressed.some((k) => FELT.includes(k)) || !pending.some((k) => IMPACT.includes(k)),
    costKnown: regressed.includes(COST) || !pending.includes(COST),
  };
}

/** Of the undecided metrics, those whose FUTILITY_CONFIDENCE interval rules the threshold out. */
function ruledOutMetrics(
  head: readonly RoundResult[],
  base: readonly RoundResult[],
  scenario: ScenarioConfig,
  undecided: readonly MetricKey[],
): MetricKey[] {
  if (undecided.length === 0) return [];
  const loose = judgePairedRounds(head, base, scenario, FUTILITY_CONFIDENCE);
  return undecided.filter((k) => {
    const v = loose.find((m) => m.metric === k)?.verdict;
    return v === 'unchanged' || v === 'improved';
  });
}

/**
 * Why measuring stops after this look, or undefined to measure another block.
 *
 * A regression that fails the check ends it once the report can also say how much users feel
 * (LookOutcome.impactKnown): the check fails whatever the remaining metrics would show, and the
 * sequential intervals cover the true change at every look together, so stopping at any look keeps
 * the false-alarm bound (src/compare/sequential.ts). Before, a regressed scenario measured until
 * every metric was decided: a quiet +10% CPU/request scenario had CPU/request and p50 regressed and
 * still ran to the 5 min budget for p90 and p99. Stopping at the first regression of any metric was
 * tried and measured: CPU/request is the most sensitive, so it stopped at 40–60 rounds with p50
 * and rps still inconclusive in 10 of 10 — a failed check that could not say whether the endpoint got
 * slower. The same holds the other way (LookOutcome.costKnown): with restarts between blocks, p50
 * or rps of a +10% CPU change regressed first in 3 of 10 comparisons (2026-12-05), and measuring
 * stopped at 30–40 rounds with CPU/request inconclusive at +13–16% — a slower endpoint whose report
 * could not say whether it does more work or waits longer.
 */
export function stopAfterLook(outcome: LookOutcome, look: number, plannedLooks: number, budgetCut: boolean): StopInfo['reason'] | undefined {
  if (outcome.regressed.length > 0 && outcome.impactKnown && outcome.costKnown) return 'regressed';
  if (outcome.pending.length === 0) return outcome.regressed.length > 0 ? 'regressed' : outcome.ruledOut?.length ? 'ruled-out' : 'conclusive';
  if (look >= plannedLooks) return budgetCut ? 'time-budget' : 'max-rounds';
  return undefined;
}

/** How a scenario's looks are judged: fixed before its first paired round. */
export interface LookRule {
  /** maxLooks: the looks planned (plannedLooks), not the configured ones. */
  plan: SequentialPlan;
  /** Whether the time budget planned fewer looks than maxRounds allows. */
  budgetCut: boolean;
  scenario: ScenarioConfig;
  failOn: readonly FailOn[];
  /** judgeLook's `decide`. */
  decide?: readonly MetricKey[];
  /** judgeLook's `futility`; on when absent. */
  futility?: boolean;
}

export interface Look {
  confidence: number;
  outcome: LookOutcome;
  /** Why measuring stops after this look; absent: measure another block. */
  stop?: StopInfo['reason'];
}

/**
 * Look number `look` (from 1) at the paired rounds so far: judged at that look's confidence, and
 * whether measuring stops. The measuring loop (timing.ts) and the benches that replay recorded rounds
 * (bench/replay.ts) take their looks here, so a replay stops where the pipeline would have.
 */
export function takeLook(rule: LookRule, look: number, head: readonly RoundResult[], base: readonly RoundResult[]): Look {
  const confidence = lookConfidence(rule.plan, look);
  const outcome = judgeLook(head, base, rule.scenario, rule.failOn, confidence, rule.decide, rule.futility);
  const stop = stopAfterLook(outcome, look, rule.plan.maxLooks, rule.budgetCut);
  return { confidence, outcome, ...(stop ? { stop } : {}) };
}
