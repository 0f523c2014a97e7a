// A scenario's timed part, per side: warm-up, rounds sized to the endpoint, and in rerun mode blocks
// of paired rounds until the verdicts are conclusive or a limit is reached (the sequential rule).
//
// Schedules (docs/verdicts.md): alternating, the default, runs one side after the other in a random
// order per round, so each side has the machine — and the database server — to itself, and a head
// that burdens a shared resource cannot slow base by as much as itself. simultaneous loads both at
// once (half the noise, but blind to such a shared-resource regression); the head then also runs a
// few rounds alone, which carry its absolute numbers (budgets).
//
// With baseline.turns > 1, an alternating round is several turns per side in ABBA order, each side's
// turns merged into its one sample: the machine's speed drifts over seconds (docs/verdicts.md), and
// turns closer in time share more of that drift, which the head/base ratio then cancels.
//
// Between blocks, both services restart when baseline.restarts is auto (restarts.ts says when and
// why), so the rounds come from several process pairs instead of one.
import type { MetricKey } from '../compare/metrics.js';
import { formatConfidence, FUTILITY_CONFIDENCE } from '../compare/verdict.js';
import type { FailOn, RerunSchedule, ScenarioConfig } from '../config/types.js';
import { EnvironmentError } from '../errors.js';
import { aggregateRounds, mergeTurns, runLoad, runWarmup, type ConnectionPlan, type RoundOptions } from '../load/index.js';
import { roundLength, turnsFor } from '../load/round-length.js';
import type { LoadResult, RoundResult, StopInfo } from '../results/types.js';
import { formatLatencyUs } from '../report/format.js';
import { describeStop } from '../report/stop.js';
import { planFor, plannedLooks, takeLook, type LookOutcome, type LookRule } from './judge.js';
import { inRandomOrder, turnSequence } from './order.js';
import { restartDue, restartShareMs } from './restarts.js';
import type { BootedSide, Side } from './side.js';

export interface TimingOptions {
  scenario: ScenarioConfig;
  /** The sides to load, head first; two in rerun mode. */
  sides: BootedSide[];
  /** Per side, how rounds connect (the probe's finding). */
  plans: Map<Side, ConnectionPlan>;
  schedule: RerunSchedule;
  /** Alternating schedule: turns each side takes per round (baseline.turns); unused when simultaneous. */
  turns: number;
  failOn: readonly FailOn[];
  /** Only these metrics' verdicts are wanted (MeasureOptions.decideOnly): adaptive rounds wait for no other. */
  decide?: readonly MetricKey[];
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** Load time left for the whole run (rerun mode's run budget), in ms. */
  runBudgetLeftMs: () => number;
  /**
   * Stops the given sides and boots them again (same order), for a new process pair between blocks
   * of adaptive paired rounds; undefined: one pair throughout (baseline.restarts: never).
   */
  restart?: (sides: readonly BootedSide[]) => Promise<BootedSide[]>;
}

export interface ScenarioTiming {
  load: Map<Side, LoadResult>;
  /** Simultaneous schedule: the head's rounds alone. */
  solo?: LoadResult;
  stop: StopInfo;
  /** The sides as they are at the end: new ones after a restart. */
  sides: BootedSide[];
}

/** Rounds of the head alone after simultaneous rounds: enough for budgets, a quarter of the load. */
export function soloRoundsFor(rounds: number): number {
  return Math.max(3, Math.ceil(rounds / 4));
}

export async function timeScenario(opts: TimingOptions): Promise<ScenarioTiming> {
  const { scenario, progress, signal } = opts;
  let sides = opts.sides;
  const paired = sides.length > 1;
  const together = paired && opts.schedule === 'simultaneous';
  const wantedTurns = paired && !together ? opts.turns : 1;
  const tag = (s: BootedSide) => (paired ? `${s.side} ` : '');
  const startedAt = Date.now();
  const loadOptions = (s: BootedSide, durationMs: number): RoundOptions => ({
    baseUrl: s.baseUrl,
    request: scenario.request,
    connections: scenario.load.connections,
    durationMs,
    pipelining: scenario.load.pipelining,
    timeoutMs: scenario.load.timeoutMs,
    meter: s.service.meter,
    signal,
    ...opts.plans.get(s.side),
  });

  const warmedAt = Date.now();
  const warm = await warmUp(opts, sides, together, loadOptions);
  const warmMs = Date.now() - warmedAt;
  // The slowest side sets the length, so both sides' rounds are alike.
  const rates = warm.filter((w) => w.requests > 0).map((w) => w.rps);
  const warmupRps = rates.length === warm.length && rates.length > 0 ? Math.min(...rates) : undefined;
  const length = roundLength(scenario.load.durationMs, warmupRps);
  if (length.sizing) progress(length.sizing);
  const { turns, note: turnsNote } = turnsFor(wantedTurns, length.roundMs, warmupRps);
  if (turnsNote) progress(turnsNote);
  const sizing = [length.sizing, turnsNote].filter(Boolean).join('; ');

  const rounds = new Map<Side, RoundResult[]>(sides.map((s) => [s.side, []]));
  let processPair = 1;
  const record = (s: BootedSide, round: RoundResult, label: string, into: RoundResult[]): void => {
    if (paired) {
      round.side = s.side;
      round.processPair = processPair;
    }
    into.push(round);
    if (!s.service.isRunning()) {
      throw new EnvironmentError(`the ${s.side} service exited during load on scenario "${scenario.name}"`, s.service.tailLog(40));
    }
    progress(`${tag(s)}${label}: ${describeRound(round)}`);
  };
  const runRound = async (label: string): Promise<void> => {
    if (signal?.aborted) throw new EnvironmentError('interrupted');
    // Drawn per round: a fixed order would give one side a systematic position — running first, or,
    // in a simultaneous round, opening its connections first (order.ts).
    const order = inRandomOrder(sides);
    if (together) {
      const measured = await Promise.all(order.map((s) => runLoad(loadOptions(s, length.roundMs))));
      measured.forEach((round, i) => record(order[i]!, round, label, rounds.get(order[i]!.side)!));
      return;
    }
    // A side's round is recorded, and its service checked, as soon as its last turn ends.
    const parts = new Map<Side, RoundResult[]>(sides.map((s) => [s.side, []]));
    for (const s of turnSequence(order, turns)) {
      if (signal?.aborted) throw new EnvironmentError('interrupted');
      const taken = parts.get(s.side)!;
      taken.push(await runLoad(loadOptions(s, length.roundMs / turns)));
      if (taken.length === turns) record(s, mergeTurns(taken), label, rounds.get(s.side)!);
    }
  };

  const configured = planFor(scenario);
  const adaptive = paired && configured.maxLooks > 1;
  const restarting = adaptive && opts.restart !== undefined;
  const sidesInTurn = together ? 1 : sides.length;
  // Until one is measured, a restart is expected to take the boots and the warm-up this scenario had,
  // one round longer (warmUp says why).
  let restartMs = sides.reduce((sum, s) => sum + s.bootMs, 0) + warmMs + sidesInTurn * length.roundMs;
  let restartsMs = 0;
  // Equal blocks of `rounds` (the per-look levels assume it); a fixed plan is one block. An adaptive
  // plan has as many looks as blocks fit the time left (plannedLooks says why).
  const leftMs = Math.min(scenario.timeBudgetMs - (Date.now() - startedAt), opts.runBudgetLeftMs());
  const drainMs = Math.max(0, ...warm.map((w) => w.latencyUs.p50 / 1000));
  // Every turn drains its requests in flight.
  const roundsMs = scenario.rounds * (length.roundMs + turns * drainMs) * sidesInTurn;
  const block = { rounds: scenario.rounds, roundMs: length.roundMs, drainMs: turns * drainMs, sidesInTurn, restartMs: restarting ? restartShareMs(restartMs, roundsMs) : 0 };
  const looks = adaptive ? plannedLooks(configured.maxLooks, block, leftMs) : 1;
  const plan = { ...configured, maxLooks: looks };
  const budgetCut = adaptive && looks < configured.maxLooks;
  const rule: LookRule = { plan, budgetCut, scenario, failOn: opts.failOn, ...(opts.decide ? { decide: opts.decide } : {}) };
  if (budgetCut) {
    progress(
      `the time budget fits ${looks} block${looks === 1 ? '' : 's'} of ${scenario.rounds} rounds (maxRounds ${scenario.maxRounds}): ` +
        `looks planned for ${looks * scenario.rounds} rounds, so the last one uses the full ${(plan.confidence * 100).toFixed(0)}%`,
    );
  }
  let look = 0;
  let confidence = plan.confidence;
  let reason: StopInfo['reason'] = 'fixed';
  let outcome: LookOutcome = { pending: [], regressed: [], impactKnown: false, costKnown: false };
  const roundsStartedAt = Date.now();
  let pairStartedAt = roundsStartedAt;
  for (;;) {
    if (look > 0 && restarting && restartDue(Date.now() - pairStartedAt, restartMs)) {
      if (signal?.aborted) throw new EnvironmentError('interrupted');
      const restartedAt = Date.now();
      sides = await opts.restart!(sides);
      await warmUp(opts, sides, together, loadOptions, length.roundMs);
      restartMs = Date.now() - restartedAt;
      restartsMs += restartMs;
      processPair++;
      pairStartedAt = Date.now();
      progress(`restarted ${sides.map((s) => s.side).join(' and ')} for the next block (process pair ${processPair}): ${(restartMs / 1000).toFixed(1)} s with the warm-up`);
    }
    const done = rounds.get('head')!.length;
    for (let r = 0; r < scenario.rounds; r++) await runRound(`round ${done + r + 1}/${adaptive ? done + scenario.rounds : scenario.rounds}`);
    look++;
    if (!adaptive) break;
    const taken = takeLook(rule, look, rounds.get('head')!, rounds.get('base')!);
    ({ confidence, outcome } = taken);
    if (taken.stop) {
      reason = taken.stop;
      break;
    }
    // Another block only if it fits: estimated from the time the blocks so far took.
    const measured = rounds.get('head')!.length;
    const nextBlockMs = ((Date.now() - roundsStartedAt) / measured) * scenario.rounds;
    const scenarioLeftMs = scenario.timeBudgetMs - (Date.now() - startedAt);
    if (nextBlockMs > scenarioLeftMs || nextBlockMs > opts.runBudgetLeftMs()) {
      reason = 'time-budget';
      break;
    }
    const ruledOut = outcome.ruledOut?.length ? `; ${outcome.ruledOut.join(', ')} no longer waited for (a regression of the threshold ruled out at ${formatConfidence(FUTILITY_CONFIDENCE)})` : '';
    progress(`${outcome.pending.join(', ')} inconclusive after ${measured} rounds: measuring ${scenario.rounds} more${ruledOut}`);
  }

  const stop: StopInfo = {
    ...(paired ? { schedule: opts.schedule } : {}),
    ...(turns > 1 ? { turns } : {}),
    rounds: rounds.get('head')!.length,
    ...(paired ? { processPairs: processPair } : {}),
    ...(restartsMs > 0 ? { restartMs: restartsMs } : {}),
    looks: look,
    maxLooks: looks,
    // A look's confidence stays below 1 however early the look, as a results file's schema asks.
    confidence,
    reason,
    ...(outcome.regressed.length > 0 ? { regressed: outcome.regressed } : {}),
    ...(outcome.pending.length > 0 ? { pending: outcome.pending } : {}),
    ...(outcome.ruledOut?.length ? { ruledOut: outcome.ruledOut } : {}),
    roundMs: length.roundMs,
    ...(sizing ? { roundSizing: sizing } : {}),
  };
  progress(describeStop(stop));

  let solo: LoadResult | undefined;
  if (together) {
    const head = sides.find((s) => s.side === 'head')!;
    const alone: RoundResult[] = [];
    const count = soloRoundsFor(scenario.rounds);
    for (let r = 0; r < count; r++) {
      if (signal?.aborted) throw new EnvironmentError('interrupted');
      record(head, await runLoad(loadOptions(head, length.roundMs)), `alone ${r + 1}/${count} (budgets)`, alone);
    }
    solo = aggregateRounds(alone);
    for (const warning of solo.warnings ?? []) progress(`head alone: warning: ${warning}`);
  }
  const load = new Map<Side, LoadResult>();
  for (const s of sides) {
    const result = aggregateRounds(rounds.get(s.side)!);
    load.set(s.side, result);
    for (const warning of result.warnings ?? []) progress(`${tag(s)}warning: ${warning}`);
  }
  return { load, solo, stop, sides };
}

async function warmUp(
  opts: TimingOptions,
  sides: readonly BootedSide[],
  together: boolean,
  loadOptions: (s: BootedSide, durationMs: number) => RoundOptions,
  /** After a restart: the round length, which the warm-up adds (a new process is still settling). */
  restartRoundMs?: number,
): Promise<RoundResult[]> {
  const { scenario } = opts;
  const progress = opts.progress;
  const afterRestart = restartRoundMs !== undefined;
  // After a restart the line that announces it covers the warm-up: one line per block, not three.
  const announce = afterRestart ? () => {} : progress;
  // A process that has just started is still settling after `warmup`: measured on the example
  // bookshop (Node, 2 s warm-up), each side's first round after a restart spent 1.42–1.51× the CPU
  // per request of its block's median, with the rounds after it within 4%, while a warm process (the
  // next scenario on the same pair) showed no such round (bench/process-pairs.ts, docs/verdicts.md).
  // Both sides settle alike, so it is noise in the paired ratio, not bias. With one round more of
  // warm-up the first round still cost 1.23–1.38×, yet its head/base ratio then carried as much of a
  // +10% change as any later round (the noisiest place before). Leaving that round out of the
  // samples instead would spend the same time, so the warm-up is longer and every round counts.
  const warmupMs = scenario.load.warmupMs + (restartRoundMs ?? 0);
  if (warmupMs <= 0) return [];
  const tag = (s: BootedSide) => (sides.length > 1 ? `${s.side} ` : '');
  // Failures during warm-up do not reach the numbers, but they say the service is not ready for the
  // load (a cold pool timing out, a crash loop): worth a line in the progress output.
  const report = (s: BootedSide, w: RoundResult): void => {
    const failed = w.errors + w.non2xx;
    if (failed > 0) progress(`${tag(s)}warning: ${failed} of ${w.requests + w.errors} warm-up requests failed`);
  };
  if (together) {
    announce(`warm-up ${warmupMs / 1000}s (base and head at once)`);
    const warm = await Promise.all(sides.map((s) => runWarmup(loadOptions(s, warmupMs))));
    warm.forEach((w, i) => report(sides[i]!, w));
    return warm;
  }
  // One after the other in a drawn order: the side warmed first sits idle while the other warms up,
  // and in a fixed order that idle spell made the first round cost head more (order.ts).
  const warm = new Map<BootedSide, RoundResult>();
  for (const s of inRandomOrder(sides)) {
    announce(`${tag(s)}warm-up ${warmupMs / 1000}s`);
    const w = await runWarmup(loadOptions(s, warmupMs));
    report(s, w);
    warm.set(s, w);
  }
  return sides.map((s) => warm.get(s)!);
}

function describeRound(round: RoundResult): string {
  const failures = round.errors + round.non2xx > 0 ? `, ${round.errors} errors, ${round.non2xx} non-2xx` : '';
  const drain = round.drainMs !== undefined && round.drainMs >= 100 ? `, ${(round.drainMs / 1000).toFixed(1)}s draining` : '';
  return `${Math.round(round.rps)} req/s, p50 ${formatLatencyUs(round.latencyUs.p50)}, p99 ${formatLatencyUs(round.latencyUs.p99)}${failures}${drain}`;
}
