// The normalized configuration every stage consumes: durations are numbers (ms / µs), budgets parsed,
// defaults applied and `${VAR}` expanded. The raw YAML shape lives in schema.ts; load.ts turns one
// into the other.

export interface LoadSettings {
  connections: number;
  durationMs: number;
  warmupMs: number;
  /** Requests per connection in flight at once (HTTP pipelining); 1 = none. */
  pipelining: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** auto (also when absent): as the probe finds the server (keep-alive, or a new connection per request); or forced. */
  connection?: 'auto' | 'keep-alive' | 'close';
}

export interface RequestSpec {
  method: string;
  /** What is sent: `${VAR}` expanded. */
  path: string;
  /**
   * What is shown and stored (results, report, messages): the path as written when it names a
   * variable, so a `${API_KEY}` never reaches a results file or a PR comment.
   */
  shownPath?: string;
  headers: Record<string, string>;
  body: string | null;
}

/** Absolute limits checked on the head run. Latencies in µs. */
export interface Budgets {
  p50Us?: number;
  p90Us?: number;
  p99Us?: number;
  maxUs?: number;
  /** Minimum acceptable requests per second. */
  minRps?: number;
  /** Maximum errors (socket errors + non-2xx) over the whole run. */
  errors?: number;
  /** Maximum statements per request. */
  queries?: number;
  cpuUsPerRequest?: number;
  rssBytes?: number;
  /** Maximum database time per request (median over the query probes), µs. */
  dbTimeUs?: number;
}

/** Allowed worsening against the baseline, as fractions (0.05 = 5%), queries as an absolute count. */
export interface RegressionThresholds {
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  cpu: number;
  rss: number;
  queries: number;
  /** Database time per request (count pass, sequential probes). */
  dbTime: number;
}

export interface QueryProbeSettings {
  /** Sequential probe requests per scenario. */
  probes: number;
  /** Warm-up requests sent before probing so pools and caches settle. */
  warmupRequests: number;
  /** Read the count from this response header instead of the proxy (e.g. X-Query-Count, Server-Timing). */
  header?: string;
  /** N+1 threshold: a SELECT fingerprint executed at least this many times in one request. */
  nPlusOneThreshold: number;
}

export interface ScenarioConfig {
  name: string;
  request: RequestSpec;
  load: LoadSettings;
  /** Rounds per block (rerun mode) or in all (otherwise). */
  rounds: number;
  /** Rerun mode: rounds at most; equal to rounds for fixed rounds. */
  maxRounds: number;
  /** Rerun mode: load time (both sides) after which no further block starts. */
  timeBudgetMs: number;
  budgets: Budgets;
  regression: RegressionThresholds;
  queries: QueryProbeSettings;
}

/**
 * As loaded, start, build, env values, ready.url and baseUrl still hold their `${VAR}` templates
 * (perfgate's own exports such as PERFGATE_DB_PORT are not known yet) and baseUrl may be '' (meaning:
 * ready.url's origin). The pipeline calls expandServiceConfig once those exports exist.
 */
export interface ServiceConfig {
  start: string;
  build?: string;
  /** Absolute working directory. */
  cwd: string;
  env: Record<string, string>;
  /**
   * anyHttpStatus: ready.url was not configured, so perfgate polls `/` of the service, which many APIs
   * answer with 404; any HTTP answer below 500 then means the service is up.
   */
  ready: { url: string; timeoutMs: number; intervalMs: number; anyHttpStatus?: boolean };
  /** Base URL requests are sent to; derived from ready.url's origin unless set. */
  baseUrl: string;
  /** Grace period between SIGTERM and SIGKILL on teardown. */
  stopTimeoutMs: number;
  /**
   * Where start, build, env, ready.url and baseUrl were written, so errors from expanding their
   * `${VAR}` templates (expandServiceConfig) can name the file and line. Keyed by key path, e.g.
   * `service.env.DATABASE_URL`.
   */
  origin?: { file: string; lines: Record<string, number> };
}

export interface DatabaseConfig {
  protocol: 'postgres' | 'mysql';
  upstream: { host: string; port: number };
  /**
   * direct: count through the proxy in a first boot, time in a second boot that reaches the database
   * itself. proxied: one boot, timings include the proxy's hop.
   */
  timing: 'direct' | 'proxied';
  /** EXPLAIN of new and slower statements over perfgate's own connection (url '' = off). */
  explain?: ExplainConfig;
}

export interface ExplainConfig {
  url: string;
  analyze: boolean;
  seqScanRows: number;
}

export type FailOn = 'budget' | 'regression';

export interface BaselineConfig {
  source: 'artifact' | 'rerun' | 'file';
  /** For source: file. */
  file?: string;
  /** For source: artifact. */
  artifact: string;
  /** For source: rerun — the git ref of the base (default: the PR base / origin/main). */
  ref?: string;
  /** For source: rerun — how base and head share a round (docs/verdicts.md). */
  schedule: RerunSchedule;
  /** For source: rerun — whether both services restart between blocks of rounds (docs/verdicts.md). */
  restarts: RerunRestarts;
  /** For source: rerun, alternating schedule — turns each side takes per round (ABBA…), merged into one sample per side. */
  turns: number;
  /** For source: rerun — load time of the whole run after which no further block of rounds starts. */
  timeBudgetMs: number;
}

/**
 * auto: base and head restart between blocks of rounds whenever the rounds since the last restart
 * took at least as long as a restart (src/measure/restarts.ts); never: one process pair throughout.
 */
export type RerunRestarts = 'auto' | 'never';

/**
 * simultaneous: both sides under load at once, each with its own connections, so whatever the
 * machine does during a round it does to both. alternating: one side after the other, in random order.
 */
export type RerunSchedule = 'simultaneous' | 'alternating';

export interface PerfgateConfig {
  /** Absolute path of the config file it was read from. */
  file: string;
  service: ServiceConfig;
  database?: DatabaseConfig;
  scenarios: ScenarioConfig[];
  baseline: BaselineConfig;
  failOn: FailOn[];
}
