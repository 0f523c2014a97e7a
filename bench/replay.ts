// The measuring loop of src/measure/timing.ts run again over recorded paired rounds: a look after each
// block, judged as the pipeline judges it, until a stop or until the rounds run out. Rounds measured
// before a stop do not depend on the stopping rule, so a recording replayed with another rule tells,
// on the same rounds, where that rule would have stopped. Shared by bench/futility-replay.ts (sittings'
// scenarios) and bench/confirm-replay.ts (confirmations by rerun).
import type { FailOn, ScenarioConfig } from '../src/config/types.js';
import type { MetricKey } from '../src/compare/metrics.js';
import { lookConfidence } from '../src/compare/sequential.js';
import { VERDICT_CONFIDENCE } from '../src/compare/verdict.js';
import { takeLook, type LookRule } from '../src/measure/judge.js';
import type { RoundResult, StopInfo } from '../src/results/types.js';

export interface ReplayedStop {
  rounds: number;
  reason: StopInfo['reason'];
  looks: number;
  confidence: number;
  ruledOut?: string[];
}

export interface ReplayPlan {
  scenario: ScenarioConfig;
  failOn: readonly FailOn[];
  /** The looks the recording planned for (its stop.maxLooks). */
  maxLooks: number;
  /** A confirmation's metrics (judgeLook's `decide`); all metrics when absent. */
  decide?: readonly MetricKey[];
  /** With the 95% bound (judgeLook's `futility`). */
  futility: boolean;
}

/**
 * Where the plan stops on these rounds. When the rounds run out first, the stop is 'time-budget' at
 * the last whole block: the recording was cut there.
 */
export function replayStop(head: readonly RoundResult[], base: readonly RoundResult[], plan: ReplayPlan): ReplayedStop {
  const block = plan.scenario.rounds;
  const levels = { maxLooks: plan.maxLooks, confidence: VERDICT_CONFIDENCE };
  // Fewer looks than maxRounds allows means the time budget shortened the plan (measure/judge.ts, plannedLooks).
  const budgetCut = plan.maxLooks < Math.floor(plan.scenario.maxRounds / block);
  const rule: LookRule = { plan: levels, budgetCut, scenario: plan.scenario, failOn: plan.failOn, futility: plan.futility, ...(plan.decide ? { decide: plan.decide } : {}) };
  for (let look = 1; look * block <= head.length; look++) {
    const n = look * block;
    const { confidence, outcome, stop } = takeLook(rule, look, head.slice(0, n), base.slice(0, n));
    if (stop) return { rounds: n, reason: stop, looks: look, confidence, ...(outcome.ruledOut ? { ruledOut: outcome.ruledOut } : {}) };
  }
  const looks = Math.floor(head.length / block);
  return { rounds: looks * block, reason: 'time-budget', looks, confidence: lookConfidence(levels, looks) };
}

