// The sequential rule seen from the measuring loop: after each block of paired rounds, which metrics
// that can fail the check are still inconclusive, at the confidence of this look
// (src/compare/sequential.ts explains the per-look levels).
import type { FailOn, ScenarioConfig } from '../config/types.js';
import { judgePairedRounds, undecidedMetrics } from '../compare/compare.js';
import { metricDef } from '../compare/metrics.js';
import { type SequentialPlan } from '../compare/sequential.js';
import { VERDICT_CONFIDENCE } from '../compare/verdict.js';
import type { RoundResult } from '../results/types.js';

export { lookConfidence } from '../compare/sequential.js';

/**
 * Equal blocks of `rounds`, one look after each, as many as fit in `maxRounds` (the per-look levels
 * assume equal blocks, so a maxRounds that is not a multiple of rounds is rounded down).
 */
export function planFor(scenario: Pick<ScenarioConfig, 'rounds' | 'maxRounds'>): SequentialPlan {
  return { maxLooks: Math.max(1, Math.floor(scenario.maxRounds / scenario.rounds)), confidence: VERDICT_CONFIDENCE };
}

/** Labels of the metrics still inconclusive that could fail the check. */
export function pendingMetrics(
  head: readonly RoundResult[],
  base: readonly RoundResult[],
  scenario: ScenarioConfig,
  failOn: readonly FailOn[],
  confidence: number,
): string[] {
  return undecidedMetrics(judgePairedRounds(head, base, scenario, confidence), failOn).map((key) => metricDef(key).label);
}
