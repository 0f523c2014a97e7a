// Rounds → one scenario result. Pure: data in, data out.
import type { LatencyUs, LoadResult, RoundResult } from '../results/types.js';
import { describeConnections } from './connection.js';
import { attachHistogram, histogramOf, mergeHistograms, percentilesOf, type LatencyHistogram } from './histogram.js';

/** Share of one core the load generator may use before its own CPU may be what limits throughput. */
export const CLIENT_SATURATION_SHARE = 0.85;

/**
 * Aggregates a scenario's rounds: rps = total requests / total measured seconds; latency
 * percentiles from the merged µs histograms of all rounds; CPU per request = total / total requests.
 * `histograms` defaults to the ones runLoad kept beside each round in this process.
 */
export function aggregateRounds(
  rounds: readonly RoundResult[],
  histograms: readonly (LatencyHistogram | undefined)[] = rounds.map(histogramOf),
): LoadResult {
  const result = combineRounds(rounds, mergedHistogram(rounds, histograms));
  const warnings = loadWarnings(rounds);
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

/**
 * aggregateRounds' numbers, without the caveats (a round merged from turns has no place for them).
 * `merged` is the rounds' merged histogram, when every round has one.
 */
function combineRounds(rounds: readonly RoundResult[], merged: LatencyHistogram | undefined): LoadResult {
  const requests = sum(rounds, (r) => r.requests);
  const seconds = sum(rounds, (r) => r.durationMs) / 1000;
  const result: LoadResult = {
    rounds: [...rounds],
    rps: seconds > 0 ? requests / seconds : 0,
    latencyUs: merged === undefined ? medianLatency(rounds) : percentilesOf(merged),
    requests,
    errors: sum(rounds, (r) => r.errors),
    non2xx: sum(rounds, (r) => r.non2xx),
  };

  const cpuPerRequest = weightedPerRequest(rounds, (r) => r.cpuUsPerRequest);
  if (cpuPerRequest !== undefined) result.cpuUsPerRequest = cpuPerRequest;
  const clientCpu = weightedPerRequest(rounds, (r) => r.clientCpuUsPerRequest);
  if (clientCpu !== undefined) result.clientCpuUsPerRequest = clientCpu;
  const rss = rounds.map((r) => r.peakRssBytes).filter((v): v is number => v !== undefined);
  if (rss.length > 0) result.peakRssBytes = Math.max(...rss);
  const perConnection = rounds.map((r) => r.requestsPerConnection).filter((v): v is number => v !== undefined);
  if (perConnection.length > 0) result.requestsPerConnection = Math.min(...perConnection);
  return result;
}

/**
 * One side's turns of an alternating round (baseline.turns) as that side's one round: requests, time
 * and CPU summed, latency from the merged histograms — what one turn of their total length measures,
 * except that the other side ran in between. One turn is its own round.
 */
export function mergeTurns(turns: readonly RoundResult[]): RoundResult {
  if (turns.length === 1) return turns[0]!;
  const merged = mergedHistogram(turns, turns.map(histogramOf));
  const load = combineRounds(turns, merged);
  const max = (value: (r: RoundResult) => number | undefined) => {
    const values = turns.map(value).filter((v): v is number => v !== undefined);
    return values.length > 0 ? Math.max(...values) : undefined;
  };
  const drainMs = turns.some((t) => t.drainMs !== undefined) ? sum(turns, (t) => t.drainMs ?? 0) : undefined;
  const loopDelay = max((t) => t.clientLoopDelayUs);
  const round: RoundResult = {
    rps: load.rps,
    latencyUs: load.latencyUs,
    requests: load.requests,
    errors: load.errors,
    non2xx: load.non2xx,
    durationMs: sum(turns, (t) => t.durationMs),
    ...(drainMs === undefined ? {} : { drainMs }),
    ...(load.requestsPerConnection === undefined ? {} : { requestsPerConnection: load.requestsPerConnection }),
    ...(load.cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest: load.cpuUsPerRequest }),
    ...(load.peakRssBytes === undefined ? {} : { peakRssBytes: load.peakRssBytes }),
    ...(load.clientCpuUsPerRequest === undefined ? {} : { clientCpuUsPerRequest: load.clientCpuUsPerRequest }),
    ...(loopDelay === undefined ? {} : { clientLoopDelayUs: loopDelay }),
    turns: turns.length,
  };
  if (merged !== undefined) attachHistogram(round, merged);
  return round;
}

/** Fraction of one core the load generator used during a round (undefined when unknown). */
export function clientCpuShare(round: RoundResult): number | undefined {
  if (round.clientCpuUsPerRequest === undefined || round.durationMs <= 0) return undefined;
  return (round.clientCpuUsPerRequest * round.requests) / (round.durationMs * 1000);
}

/** Caveats a reader of the numbers should see: saturated load generator, errors. */
export function loadWarnings(rounds: readonly RoundResult[]): string[] {
  const warnings: string[] = [];
  const shares = rounds.map(clientCpuShare).filter((v): v is number => v !== undefined);
  const busiest = shares.length > 0 ? Math.max(...shares) : 0;
  if (busiest > CLIENT_SATURATION_SHARE) {
    warnings.push(
      `the load generator used ${Math.round(busiest * 100)}% of a CPU core in its busiest round: ` +
        'req/s may be limited by perfgate rather than the service. Compare service CPU per request instead, ' +
        'or run on a machine with more cores.',
    );
  }
  const perConnection = rounds.map((r) => r.requestsPerConnection).filter((v): v is number => v !== undefined);
  if (perConnection.length > 0) {
    warnings.push(
      `${describeConnections(Math.min(...perConnection))}: the server closes connections, so latency includes ` +
        'connection setup and is not comparable with keep-alive numbers.',
    );
  }
  const silent = rounds.filter((r) => r.requests === 0).length;
  if (silent > 0) {
    warnings.push(
      `no request completed in ${silent} of ${rounds.length} rounds: the service answers slower than a round lasts ` +
        '(or not at all); requests still in flight when a round ends are not counted. Raise load.duration or fix the endpoint.',
    );
  }
  const failed = sum(rounds, (r) => r.errors + r.non2xx);
  if (failed > 0) {
    const total = sum(rounds, (r) => r.requests + r.errors);
    warnings.push(`${failed} of ${total} requests failed (socket errors or non-2xx): latency includes failures.`);
  }
  return warnings;
}

/** One histogram of every round's values; undefined unless each round has its histogram. */
function mergedHistogram(
  rounds: readonly RoundResult[],
  histograms: readonly (LatencyHistogram | undefined)[],
): LatencyHistogram | undefined {
  if (rounds.length === 0 || histograms.length !== rounds.length) return undefined;
  if (!histograms.every((h) => h !== undefined)) return undefined;
  return mergeHistograms(histograms as LatencyHistogram[]);
}

/**
 * Rounds read back from results JSON have no histograms. Percentiles cannot be merged exactly from
 * percentiles, so take the median of each across rounds (robust to one noisy round) and the true maximum.
 */
function medianLatency(rounds: readonly RoundResult[]): LatencyUs {
  if (rounds.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    p50: median(rounds.map((r) => r.latencyUs.p50)),
    p90: median(rounds.map((r) => r.latencyUs.p90)),
    p99: median(rounds.map((r) => r.latencyUs.p99)),
    max: Math.max(...rounds.map((r) => r.latencyUs.max)),
  };
}

/** Σ(value × requests) / Σ requests over the rounds that have the value. */
function weightedPerRequest(
  rounds: readonly RoundResult[],
  perRequest: (r: RoundResult) => number | undefined,
): number | undefined {
  let total = 0;
  let requests = 0;
  for (const r of rounds) {
    const v = perRequest(r);
    if (v === undefined) continue;
    total += v * r.requests;
    requests += r.requests;
  }
  return requests > 0 ? total / requests : undefined;
}

function sum(rounds: readonly RoundResult[], value: (r: RoundResult) => number): number {
  let total = 0;
  for (const r of rounds) total += value(r);
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}
