// What perfgate.yml's schema (schema.ts) is built from and the loader needs at run time, without
// TypeBox: the defaults, the limits, the patterns and how to explain a value that misses one. The
// action and the CLI load this module; only `perfgate schema` and the validator generator
// (scripts/generate-validators.ts) build the TypeBox schema itself (~180 KB of code run at load).
import {
  DURATION_SOURCE,
  HOST_PORT_SOURCE,
  MIN_RATE_SOURCE,
  PERCENT_SOURCE,
  SIZE_SOURCE,
  describeValue,
  parseDurationUs,
  parseHostPort,
  parseMinRate,
  parsePercent,
  parseSizeBytes,
} from './durations.js';

/** Built-in defaults, written as a user would write them in perfgate.yml. */
export const DEFAULTS = {
  load: { connections: 8, duration: '1s', warmup: '2s', pipelining: 1, timeout: '10s', connection: 'auto' },
  // Rounds come in blocks of `rounds`. In rerun mode more blocks follow, up to maxRounds, while a metric
  // that can fail the check is inconclusive and the time budgets allow. Blocks of 10 up to 160 rounds
  // meet issue 12's targets at the per-round noise measured with alternating rounds (10.4%): ≤ 10% of
  // unchanged metrics left inconclusive, ≥ 95% of +9% changes found (docs/verdicts.md, "Adaptive
  // rounds"). 160 alternating pairs of 1 s rounds take about 320 s: the 5 min budget can stop the
  // slowest scenarios a block or two early (its simulated A/A scenarios averaged 60–105 rounds).
  rounds: 10,
  maxRounds: 160,
  timeBudget: '5m',
  runTimeBudget: '30m',
  // 11 probes: an odd count has a real median probe, and 11 per-call times per side give the
  // 99% rank interval of a statement's time change some room (5 is the least that is finite).
  queries: { probes: 11, warmup: 3, nPlusOneThreshold: 3 },
  regression: { p50: '5%', p90: '10%', p99: '10%', rps: '5%', cpu: '5%', rss: '10%', queries: 0, dbTime: '20%' },
  ready: { timeout: '60s', interval: '200ms' },
  stopTimeout: '5s',
  method: 'GET',
  // Four turns per side and round (ABBA…): head and base land closer in time, so more of the machine's
  // drift cancels. Through `perfgate run` beside a noisy neighbour and on quiet machines they narrowed the
  // per-round spread of CPU/request, rps and p50 by a quarter to a half and decided A/A comparisons in
  // a third fewer rounds, with no false alarm, also on an endpoint just fast enough for them
  // (docs/verdicts.md, "Turns within a round"). An endpoint too slow for four gets fewer (turnsFor).
  // Simultaneous rounds take one (normalize.ts).
  baseline: { source: 'artifact', artifact: 'perfgate-baseline', schedule: 'alternating', restarts: 'auto', turns: 4 },
  failOn: ['budget', 'regression'],
  database: { protocol: 'postgres', timing: 'direct', seqScanRows: 10_000 },
} as const;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

// --- patterns and how to explain a value that misses them -------------------------------------

/**
 * Explanations for values that fail a pattern, keyed by the pattern's source. ajv reports only
 * "must match pattern"; load.ts looks the pattern up here to say what was expected instead.
 */
const explanations = new Map<string, (value: unknown, numberAllowed: boolean) => string>();

// Values may still hold `${VAR}` when an editor sees them; the loader expands before validating.
function templated(source: string): string {
  return String.raw`^(?:${source.slice(1, -1)}|.*\$\{.*)$`;
}

function pattern(source: string, explain: (value: unknown, numberAllowed: boolean) => string): string {
  const full = templated(source);
  explanations.set(full, explain);
  return full;
}

function messageOf(parse: () => unknown): string {
  try {
    parse();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

export const DURATION_PATTERN = pattern(DURATION_SOURCE, (v, numberAllowed) =>
  messageOf(() => parseDurationUs(v, numberAllowed ? 'ms' : 'reject')),
);
export const SIZE_PATTERN = pattern(SIZE_SOURCE, (v) => messageOf(() => parseSizeBytes(v)));
export const PERCENT_PATTERN = pattern(PERCENT_SOURCE, (v) => messageOf(() => parsePercent(v)));
export const MIN_RATE_PATTERN = pattern(MIN_RATE_SOURCE, (v) => messageOf(() => parseMinRate(v)));
export const HOST_PORT_PATTERN = pattern(HOST_PORT_SOURCE, (v) => messageOf(() => parseHostPort(v)));
export const URL_PATH_PATTERN = pattern(
  '^/.*$',
  (v) => `expected a path starting with "/", like "/books?limit=50", got ${describeValue(v)}`,
);

/** Key patterns (for maps with free-form keys) and what they expect. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const keyExplanations = new Map<string, string>([
  [ENV_NAME_PATTERN, 'an environment variable name (letters, digits and _, not starting with a digit)'],
  [HEADER_NAME_PATTERN, 'an HTTP header name (letters, digits and -, no spaces or colons)'],
]);

/** Message for a value that fails `pattern`, or undefined when the pattern is not one of ours. */
export function explainPattern(patternSource: string, value: unknown, numberAllowed = false): string | undefined {
  // '' would mean the parser accepts what the pattern refused: fall back to the generic message.
  return explanations.get(patternSource)?.(value, numberAllowed) || undefined;
}

/** What a free-form map's keys must look like, for a key that fails `patternSource`. */
export function explainKeyPattern(patternSource: string): string | undefined {
  return keyExplanations.get(patternSource);
}

/**
 * Upper bounds where a huge value exhausts memory (connections, pipelining) or outgrows results files
 * (rounds); a turn of a round shorter than a twentieth of it would be mostly its start and drain.
 */
export const LIMITS = { connections: 10_000, pipelining: 100, rounds: 10_000, turns: 20 } as const;
