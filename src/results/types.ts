// The results contract (`perfgate/results@1`, docs/results.md). Written by every run, uploaded as the
// baseline artifact and read back by `compare`: extend it, never break it without bumping the schema.

export const RESULTS_SCHEMA = 'perfgate/results@1';

/** Latency percentiles in integer microseconds. */
export interface LatencyUs {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One measured round of closed-loop load against one scenario. */
export interface RoundResult {
  rps: number;
  latencyUs: LatencyUs;
  requests: number;
  errors: number;
  non2xx: number;
  /**
   * Wall-clock length of the round: from the first request sent to the last answer received. New
   * requests are sent for the configured duration; then the round waits for those in flight
   * (`drainMs`), so no request is dropped and service CPU divides by the requests that used it.
   */
  durationMs: number;
  /** Part of durationMs spent waiting for in-flight requests after sending stopped. */
  drainMs?: number;
  /**
   * Set when the server closes connections and the round opened a new one every this many requests
   * (1: a new connection per request): latency then includes connection setup.
   */
  requestsPerConnection?: number;
  /** Service CPU time (user+system, whole process tree) per completed request. */
  cpuUsPerRequest?: number;
  peakRssBytes?: number;
  /**
   * CPU the load generator (perfgate itself) spent per request. In simultaneous rerun rounds one
   * process loads both sides, so this covers the other side's requests too (what matters for the
   * "load generator saturated" warning is that process's share of a core).
   */
  clientCpuUsPerRequest?: number;
  /**
   * p99 of the load generator's event-loop delay during the round, in µs: how late perfgate's own
   * thread handled events. Large values mean the generator, not the service, set the pace.
   */
  clientLoopDelayUs?: number;
  /** Which side of an A/B pair this round belongs to, in rerun mode. */
  side?: 'base' | 'head';
  /**
   * Rerun mode: which pair of service processes ran the round, from 1; both sides restart between
   * blocks of rounds (baseline.restarts), so rounds of one block share a pair.
   */
  processPair?: number;
  /** Alternating rerun rounds (baseline.turns): this side's round was measured in this many turns, merged. */
  turns?: number;
}

export interface LoadResult {
  rounds: RoundResult[];
  /** Aggregates over all rounds: rps = total requests / total measured seconds. */
  rps: number;
  latencyUs: LatencyUs;
  requests: number;
  errors: number;
  non2xx: number;
  cpuUsPerRequest?: number;
  peakRssBytes?: number;
  clientCpuUsPerRequest?: number;
  /** As in RoundResult: a new connection every this many requests, so latency includes connection setup. */
  requestsPerConnection?: number;
  /** Human-readable caveats about the measurement (e.g. load generator saturated the CPU). */
  warnings?: string[];
}

export interface StatementCount {
  fingerprint: string;
  sql: string;
  count: number;
  /** Database time of this statement shape over all probes (count pass, src/queries/db-time.ts). */
  time?: StatementTime;
}

/** Per-call samples a run keeps per statement shape: enough for a rank interval, bounded for N+1 shapes. */
export const MAX_CALL_SAMPLES = 200;

/**
 * Time the database spent on one statement shape, from the wire (docs/queries.md): from the message
 * that started a call to its completion, never counting a pipelined call's wait behind earlier ones.
 */
export interface StatementTime {
  /** Calls over all probes, and per request (calls / probes). */
  calls: number;
  callsPerRequest: number;
  /** Time in this shape per request: the median over the probes of the sum of its calls, µs. */
  perRequestUs: number;
  /** Per call, µs. */
  p50Us: number;
  p99Us: number;
  /** Per-call times, µs (at most MAX_CALL_SAMPLES, evenly picked): what a comparison tests. */
  samplesUs: number[];
}

export interface NPlusOneFinding extends StatementCount {
  /** Distinct parameter/literal sets seen for this fingerprint within one request. */
  distinctParams: number;
}

export interface QueryResult {
  /** 'proxy': counted on the wire; 'header': reported by the service itself. */
  source: 'proxy' | 'header';
  /** Median statements per request over the probes. */
  perRequest: number;
  /** False when the probes disagreed. */
  stable: boolean;
  probes: number;
  perProbe: number[];
  /** Statements per request (counts are per request, from the median probe). */
  statements: StatementCount[];
  nPlusOne: NPlusOneFinding[];
  duplicates: StatementCount[];
  /** Transaction-control statements (BEGIN/COMMIT/ROLLBACK/SAVEPOINT) per request, included in perRequest. */
  transactionControl?: number;
  /** Statements seen outside any probe window during probing. */
  background?: number;
  /** Caveats about the counts (e.g. the database was not quiet before probing). */
  notes?: string[];
  /** Database time per request (sum over its statements), median over the probes, µs. */
  dbTimeUs?: number;
  /** Database time of each probe request, µs, in probe order. */
  perProbeDbTimeUs?: number[];
  /** The probe requests' own latency, median, µs (sequential single requests, beside dbTimeUs). */
  latencyUs?: number;
  perProbeLatencyUs?: number[];
  /** EXPLAIN of statements new or slower on this side (src/queries/explain/). */
  plans?: StatementPlan[];
}

/** One statement's plan as perfgate's own connection saw it, with the problems it flags. */
export interface StatementPlan {
  fingerprint: string;
  sql: string;
  /** Why it was explained. */
  reason: 'new' | 'slower';
  analyze: boolean;
  /** E.g. why ANALYZE was not used for this statement. */
  note?: string;
  /** The plan as the server printed it (text), or the error EXPLAIN gave. */
  text?: string;
  error?: string;
  /** One line per classic problem found (sequential scan on a big table, sort spilling to disk, ...). */
  flags: string[];
}

export interface ScenarioResult {
  name: string;
  request: { method: string; path: string };
  /** The rounds compared: in rerun mode paired round by round with the other side's. */
  load?: LoadResult;
  /**
   * Rerun mode with the simultaneous schedule: rounds of this side under load alone, after the
   * paired ones. Budgets and cross-run comparisons read these, since `load` was measured while the
   * other side shared the machine.
   */
  solo?: LoadResult;
  queries?: QueryResult;
  /** How measuring this scenario ended: rounds, looks, the confidence the verdict uses, why it stopped. */
  stop?: StopInfo;
  /** Set when the scenario could not be measured (probe failed, service errors). */
  error?: string;
}

/** One boot of a service for one pass over the scenarios. */
export interface PassRecord {
  side: 'head' | 'base';
  /** count: query probes through the proxy; timing: warm-up and rounds; both: one boot did both. */
  pass: 'count' | 'timing' | 'both';
  /** From the start command to the ready check passing. */
  bootMs: number;
  /** The build, which runs once per side before its first boot. */
  buildMs?: number;
  /** Whether the service reached the database through perfgate's proxy in this pass. */
  proxied: boolean;
}

/**
 * How a scenario's measuring ended. In rerun mode rounds come in blocks and the sequential rule
 * (src/compare/sequential.ts) looks at the paired rounds after each block: measuring stops once every
 * metric that can fail the check is conclusive, or at the round or time limit. Each look uses a
 * stricter interval than a single look would, so the false-alarm guarantee holds over all looks.
 */
export interface StopInfo {
  /** Rerun mode: how base and head shared each round. */
  schedule?: 'simultaneous' | 'alternating';
  /** Rounds measured (paired rounds in rerun mode). */
  rounds: number;
  /** Rerun mode: how many pairs of service processes the rounds came from (baseline.restarts). */
  processPairs?: number;
  /** Rerun mode: time spent restarting both sides between blocks, warm-ups included. */
  restartMs?: number;
  /** Alternating rerun rounds: turns each side took per round (baseline.turns), when more than one. */
  turns?: number;
  /** Looks the sequential rule took (1 for fixed rounds). */
  looks: number;
  maxLooks: number;
  /** Two-sided confidence of the intervals the final verdict is made from. */
  confidence: number;
  /**
   * fixed: `rounds` were configured without adaptation; the others say why adaptive measuring
   * stopped. regressed: a metric regressed beyond its threshold and regressions fail the check.
   * ruled-out: every metric was decided or had its regression ruled out by a 95% interval
   * (`ruledOut`).
   */
  reason: 'conclusive' | 'regressed' | 'ruled-out' | 'max-rounds' | 'time-budget' | 'fixed';
  /** Metrics already regressed when measuring stopped (reason regressed). */
  regressed?: string[];
  /** Metrics still inconclusive when measuring stopped. */
  pending?: string[];
  /**
   * Metrics whose regression a 95% interval ruled out at the final look, so measuring stopped
   * waiting for them; the paired comparison judges them at that 95% level (unchanged) instead of the
   * look's stricter one (compare.ts, withRuledOut).
   */
  ruledOut?: string[];
  /**
   * Length of one round, and why when it was sized to the endpoint's latency, or when the round took
   * fewer turns than configured because a turn would have completed too few requests.
   */
  roundMs: number;
  roundSizing?: string;
}

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  tool: { name: string; version: string };
  meta: {
    commit?: string;
    ref?: string;
    timestamp: string;
    runner: { os: string; cpus: number; cpuModel?: string; node: string };
    /** How the numbers were produced, for the report footer. */
    mode?: 'single' | 'rerun';
    /** Rerun mode: how base and head shared each round. */
    schedule?: 'simultaneous' | 'alternating';
    configFile?: string;
    /**
     * With a database: how DB-bound timings were taken. direct: the service was restarted for the
     * timed rounds with the database itself as PERFGATE_DB_HOST/PORT (queries were counted in an
     * earlier boot through the proxy); proxied: one boot, the proxy in every database round trip.
     */
    dbTiming?: 'direct' | 'proxied';
    /** Each boot of a service: which side, for which pass, and how long it took to become ready. */
    passes?: PassRecord[];
  };
  scenarios: ScenarioResult[];
  /** In rerun mode the base side measured in the same run, paired round by round. */
  base?: { commit?: string; ref?: string; scenarios: ScenarioResult[] };
}
