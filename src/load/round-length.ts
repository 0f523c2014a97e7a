// How long a round sends requests. Pure: data in, data out.
//
// A fixed 1 s round fits a 5 ms endpoint (thousands of requests) but not a 2 s one, where a round
// completed 0–8 requests and per-round rps swung by ±500%. A round must complete enough requests to
// be a sample: at least MIN_REQUESTS_PER_ROUND at the latency the warm-up saw. Rounds drain (each
// waits for its requests in flight), so a longer round is the only way to get more of them.

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

/**
 * `configuredMs` unless the warm-up's median latency says a round that long completes fewer than
 * MIN_REQUESTS_PER_ROUND requests over `inFlight` concurrent requests (connections × pipelining).
 */
export function roundLength(configuredMs: number, warmupP50Us: number | undefined, inFlight: number): RoundLength {
  if (warmupP50Us === undefined || warmupP50Us <= 0 || inFlight <= 0) return { roundMs: configuredMs };
  const neededMs = Math.ceil((MIN_REQUESTS_PER_ROUND * warmupP50Us) / 1000 / inFlight);
  if (neededMs <= configuredMs) return { roundMs: configuredMs };
  const roundMs = Math.min(MAX_ROUND_MS, Math.ceil(neededMs / 100) * 100);
  const expected = Math.floor((roundMs * 1000 * inFlight) / warmupP50Us);
  return {
    roundMs,
    sizing:
      `rounds of ${formatSeconds(roundMs)} instead of ${formatSeconds(configuredMs)}: the warm-up's median latency was ` +
      `${formatSeconds(warmupP50Us / 1000)} at ${inFlight} in flight, so a round completes about ${expected} requests` +
      (roundMs === MAX_ROUND_MS && neededMs > MAX_ROUND_MS ? ` (capped at ${formatSeconds(MAX_ROUND_MS)}; ${MIN_REQUESTS_PER_ROUND} wanted)` : ''),
  };
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
