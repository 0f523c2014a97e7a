// How long a round sends requests. Pure: data in, data out.
//
// A fixed 1 s round fits a 5 ms endpoint (thousands of requests) but not a 2 s one, where a round
// completed 0–8 requests and per-round rps swung by ±500%. A round must complete enough requests to
// be a sample: at least MIN_REQUESTS_PER_ROUND at the rate the warm-up completed them. The rate, not
// the warm-up's median latency: a handful of cold first requests on a fast endpoint can have a
// median of hundreds of ms, while the rate is set by all of them together.

/** Requests a round should complete; with fewer, one slow request moves the round's rps and p50. */
export const MIN_REQUESTS_PER_ROUND = 40;
/** Longest a sized round may send for; slower endpoints get fewer requests per round (and a note). */
export const MAX_ROUND_MS = 15_000;

export interface RoundLength {
  /** How long each round sends requests. */
  roundMs: number;
  /** Why it differs from the configured duration, for the report and progress output. */
  sizing?: string;
}

/** `configuredMs` unless, at the warm-up's rate (requests per second), a round that long completes fewer than MIN_REQUESTS_PER_ROUND. */
export function roundLength(configuredMs: number, warmupRps: number | undefined): RoundLength {
  if (warmupRps === undefined || !(warmupRps > 0)) return { roundMs: configuredMs };
  const neededMs = Math.ceil((MIN_REQUESTS_PER_ROUND / warmupRps) * 1000);
  if (neededMs <= configuredMs) return { roundMs: configuredMs };
  const roundMs = Math.min(MAX_ROUND_MS, Math.ceil(neededMs / 100) * 100);
  const expected = Math.floor((roundMs / 1000) * warmupRps);
  return {
    roundMs,
    sizing:
      `rounds of ${formatSeconds(roundMs)} instead of ${formatSeconds(configuredMs)}: the warm-up completed ` +
      `${warmupRps < 10 ? warmupRps.toFixed(1) : Math.round(warmupRps)} requests/s, so a round completes about ${expected} requests` +
      (roundMs === MAX_ROUND_MS && neededMs > MAX_ROUND_MS ? ` (capped at ${formatSeconds(MAX_ROUND_MS)}; ${MIN_REQUESTS_PER_ROUND} wanted)` : ''),
  };
}

/**
 * Requests a turn of an alternating round (baseline.turns) should complete. Every turn ends by
 * draining what its connections have in flight, so a turn of a few requests per connection spends
 * much of itself ramping down, and its side's load looks little like a steady one; the round's own
 * minimum, split over turns, would leave a slow endpoint's connections a request or two each.
 */
export const MIN_REQUESTS_PER_TURN = MIN_REQUESTS_PER_ROUND;

export interface TurnPlan {
  /** Turns each side takes per round. */
  turns: number;
  /** Why it is fewer than configured, for the report and progress output. */
  note?: string;
}

/**
 * `configured` turns unless, at the warm-up's rate (requests per second), a turn of a `roundMs` round
 * would complete fewer than MIN_REQUESTS_PER_TURN requests: then as many as complete that many each,
 * at least one.
 */
export function turnsFor(configured: number, roundMs: number, warmupRps: number | undefined): TurnPlan {
  if (configured <= 1 || warmupRps === undefined || !(warmupRps > 0)) return { turns: configured };
  const perRound = (roundMs / 1000) * warmupRps;
  const turns = Math.max(1, Math.min(configured, Math.floor(perRound / MIN_REQUESTS_PER_TURN)));
  if (turns === configured) return { turns };
  return {
    turns,
    note:
      `${turns} turn${turns === 1 ? '' : 's'} per side and round instead of ${configured}: a round completes about ` +
      `${Math.floor(perRound)} requests at the warm-up's ${warmupRps < 10 ? warmupRps.toFixed(1) : Math.round(warmupRps)} requests/s, ` +
      `and a turn should complete ${MIN_REQUESTS_PER_TURN}`,
  };
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
