// The sequential rule's view from the measuring loop: after each block of paired rounds, which
// metrics that can fail the check are still inconclusive, at the confidence of this look.
// TEMPORARY adapter until src/compare/sequential.ts lands: Bonferroni over the planned looks.
import type { FailOn, ScenarioConfig } from '../config/types.js';
import { compareRuns } from '../compare/compare.js';
import { VERDICT_CONFIDENCE } from '../compare/verdict.js';
import { RESULTS_SCHEMA, type Results, type RoundResult } from '../results/types.js';

export interface SequentialPlan {
  maxLooks: number;
  confidence: number;
}

export function lookConfidence(plan: SequentialPlan, _look: number): number {
  return 1 - (1 - plan.confidence) / plan.maxLooks;
}

export function planFor(scenario: ScenarioConfig): SequentialPlan {
  return { maxLooks: Math.max(1, Math.ceil(scenario.maxRounds / scenario.rounds)), confidence: VERDICT_CONFIDENCE };
}

/** Metrics still inconclusive that could fail the check. */
export function pendingMetrics(
  head: readonly RoundResult[],
  base: readonly RoundResult[],
  scenario: ScenarioConfig,
  failOn: readonly FailOn[],
  confidence: number,
): string[] {
  if (!failOn.includes('regression')) return [];
  const wrap = (rounds: readonly RoundResult[]): Results => ({
    schema: RESULTS_SCHEMA,
    tool: { name: 'perfgate', version: '0' },
    meta: { timestamp: '', runner: { os: '', cpus: 0, node: '' } },
    scenarios: [{ name: scenario.name, request: scenario.request, load: { rounds: [...rounds], rps: 0, latencyUs: { p50: 0, p90: 0, p99: 0, max: 0 }, requests: 0, errors: 0, non2xx: 0 }, stop: { rounds: rounds.length, looks: 1, maxLooks: 1, confidence, reason: 'fixed', roundMs: 0 } }],
  });
  const comparison = compareRuns({
    head: wrap(head),
    base: wrap(base),
    config: { file: '', service: undefined as never, scenarios: [scenario], baseline: undefined as never, failOn: [...failOn] },
    pairing: 'paired',
  });
  return (comparison.scenarios[0]?.metrics ?? []).filter((m) => m.verdict === 'inconclusive').map((m) => m.label);
}
