// Turns a schema-valid raw config into the PerfgateConfig every stage consumes: durations, sizes and
// percentages parsed, defaults applied (built-in, then `defaults`, then the scenario's own), paths
// resolved against the config file's folder. Checks what a JSON Schema cannot (unique scenario
// names, value ranges of parsed durations, URLs). Pure except for resolving paths.
import path from 'node:path';
import type { ConfigIssue } from '../errors.js';
import {
  ScalarError,
  parseDurationMs,
  parseDurationUs,
  parseHostPort,
  parseMinRate,
  parsePercent,
  parseSizeBytes,
  type BareDuration,
} from './durations.js';
import { httpUrl, requiredVariables, trimBaseUrl } from './expand.js';
import { formatPath, type Anchor, type KeyPath, type Locator } from './locate.js';
import { DEFAULTS } from './rules.js';
import type { RawBudgets, RawConfig, RawLoad, RawQueries, RawRegression, RawScenario } from './schema.js';
import type {
  BaselineConfig,
  Budgets,
  DatabaseConfig,
  LoadSettings,
  PerfgateConfig,
  QueryProbeSettings,
  RegressionThresholds,
  ScenarioConfig,
  ServiceConfig,
} from './types.js';

class Issues {
  readonly list: ConfigIssue[] = [];
  constructor(private readonly locator: Locator) {}

  add(at: KeyPath, message: string, anchor: Anchor = 'value'): void {
    const pos = this.locator.position(at, anchor);
    this.list.push({ path: formatPath(at), line: pos?.line, column: pos?.column, message });
  }

  /** Runs a scalar parser; on failure records its message at `at` and returns undefined. */
  parse<T>(at: KeyPath, value: unknown, parser: (v: unknown) => T): T | undefined {
    if (value === undefined) return undefined;
    try {
      return parser(value);
    } catch (err) {
      if (!(err instanceof ScalarError)) throw err;
      this.add(at, err.message);
      return undefined;
    }
  }

  line(at: KeyPath): number | undefined {
    return this.locator.position(at, 'value')?.line;
  }
}

/** Normalizes; returns the problems instead when there are any. */
export function normalizeConfig(
  raw: RawConfig,
  file: string,
  locator: Locator,
): { config: PerfgateConfig; issues: [] } | { config?: undefined; issues: ConfigIssue[] } {
  const issues = new Issues(locator);
  const configFile = path.resolve(file);
  const folder = path.dirname(configFile);
  const service = normalizeService(raw.service, folder, configFile, issues);
  const database = raw.database && normalizeDatabase(raw.database, issues);
  if (!database) checkDbVariables(raw.service, issues);

  const d = raw.defaults ?? {};
  const base = {
    load: { ...builtinLoad(), ...normalizeLoad(d.load, ['defaults', 'load'], issues) },
    rounds: d.rounds ?? DEFAULTS.rounds,
    roundsSet: d.rounds !== undefined,
    maxRounds: d.maxRounds,
    timeBudgetMs: positiveMs(['defaults', 'timeBudget'], d.timeBudget ?? DEFAULTS.timeBudget, issues, d.timeBudget !== undefined),
    queries: { ...builtinQueries(), ...normalizeQueries(d.queries) },
    budgets: normalizeBudgets(d.budgets, ['defaults', 'budgets'], issues),
    regression: { ...builtinRegression(), ...normalizeRegression(d.regression, ['defaults', 'regression'], issues) },
  };
  const scenarios = raw.scenarios.map((s, i) => normalizeScenario(s, ['scenarios', i], base, issues));
  checkUniqueNames(raw.scenarios, issues);

  const schedule = raw.baseline?.schedule ?? DEFAULTS.baseline.schedule;
  const baseline: BaselineConfig = {
    source: raw.baseline?.source ?? DEFAULTS.baseline.source,
    artifact: raw.baseline?.artifact ?? DEFAULTS.baseline.artifact,
    schedule,
    restarts: raw.baseline?.restarts ?? DEFAULTS.baseline.restarts,
    // Simultaneous rounds run both sides at once, in one turn, whatever the alternating default is.
    turns: raw.baseline?.turns ?? (schedule === 'simultaneous' ? 1 : DEFAULTS.baseline.turns),
    timeBudgetMs: positiveMs(['baseline', 'timeBudget'], raw.baseline?.timeBudget ?? DEFAULTS.runTimeBudget, issues, raw.baseline?.timeBudget !== undefined),
    ...(raw.baseline?.file === undefined ? {} : { file: path.resolve(folder, raw.baseline.file) }),
    ...(raw.baseline?.ref === undefined ? {} : { ref: raw.baseline.ref }),
  };
  if (baseline.turns > 1 && baseline.schedule === 'simultaneous') {
    issues.add(
      ['baseline', 'turns'],
      `turns (${baseline.turns}) applies to alternating rounds: with schedule: simultaneous both sides run at once, in one turn. Remove turns or use schedule: alternating`,
    );
  }
  if (issues.list.length > 0) return { issues: issues.list };
  return {
    config: {
      file: configFile,
      service,
      ...(database ? { database } : {}),
      scenarios,
      baseline,
      failOn: raw.failOn ? [...raw.failOn] : [...DEFAULTS.failOn],
    },
    issues: [],
  };
}

function normalizeService(raw: RawConfig['service'], folder: string, file: string, issues: Issues): ServiceConfig {
  const at = (...rest: (string | number)[]): KeyPath => ['service', ...rest];
  const positive = (key: KeyPath, value: unknown, fallback: string) => positiveMs(key, value ?? fallback, issues, value !== undefined);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.env ?? {})) env[name] = String(value);

  // Without ready.url, perfgate polls the port it exports to the service as PERFGATE_PORT.
  const readyUrl = raw.ready?.url ?? (raw.baseUrl !== undefined ? `${raw.baseUrl.replace(/\/+$/, '')}/` : 'http://127.0.0.1:${PERFGATE_PORT}/');
  let baseUrl = raw.baseUrl ?? '';
  // Templates are checked after expansion (expandServiceConfig); literal URLs are checked now.
  if (!readyUrl.includes('${')) {
    const url = httpUrl(readyUrl);
    if (typeof url === 'string') issues.add(at('ready', 'url'), url);
    else if (baseUrl === '') baseUrl = url.origin;
  }
  if (raw.baseUrl !== undefined && !raw.baseUrl.includes('${')) {
    const url = httpUrl(raw.baseUrl);
    if (typeof url === 'string') issues.add(at('baseUrl'), url);
    else baseUrl = trimBaseUrl(url);
  }

  const lines: Record<string, number> = {};
  const remember = (key: KeyPath) => {
    const line = issues.line(key);
    if (line !== undefined) lines[formatPath(key)] = line;
  };
  remember(at('start'));
  if (raw.build !== undefined) remember(at('build'));
  if (raw.baseUrl !== undefined) remember(at('baseUrl'));
  if (raw.ready?.url !== undefined) remember(at('ready', 'url'));
  for (const name of Object.keys(env)) remember(at('env', name));

  return {
    start: raw.start,
    ...(raw.build === undefined ? {} : { build: raw.build }),
    cwd: path.resolve(folder, raw.cwd ?? '.'),
    env,
    ready: {
      url: readyUrl,
      timeoutMs: positive(at('ready', 'timeout'), raw.ready?.timeout, DEFAULTS.ready.timeout),
      intervalMs: positive(at('ready', 'interval'), raw.ready?.interval, DEFAULTS.ready.interval),
      ...(raw.ready?.url === undefined ? { anyHttpStatus: true } : {}),
    },
    baseUrl,
    stopTimeoutMs: timerMs(at('stopTimeout'), raw.stopTimeout, issues) ?? parseDurationMs(DEFAULTS.stopTimeout),
    origin: { file, lines },
  };
}

// PERFGATE_DB_HOST/PORT exist only with a database section; say so now rather than at start-up.
function checkDbVariables(raw: RawConfig['service'], issues: Issues): void {
  const templates: [KeyPath, string | undefined][] = [
    [['service', 'start'], raw.start],
    [['service', 'build'], raw.build],
    [['service', 'ready', 'url'], raw.ready?.url],
    [['service', 'baseUrl'], raw.baseUrl],
    ...Object.entries(raw.env ?? {}).map(([k, v]): [KeyPath, string] => [['service', 'env', k], String(v)]),
  ];
  for (const [at, text] of templates) {
    const name = text && requiredVariables(text).find((n) => n.startsWith('PERFGATE_DB_'));
    if (name) issues.add(at, `\${${name}} is only set when a database section is configured (database.upstream: host:port)`);
  }
}

function normalizeDatabase(raw: NonNullable<RawConfig['database']>, issues: Issues): DatabaseConfig | undefined {
  const upstream = issues.parse(['database', 'upstream'], raw.upstream, parseHostPort);
  if (!upstream) return undefined;
  const database: DatabaseConfig = { protocol: raw.protocol ?? DEFAULTS.database.protocol, upstream, timing: raw.timing ?? DEFAULTS.database.timing };
  if (raw.explain) {
    database.explain = { url: raw.explain.url.trim(), analyze: raw.explain.analyze ?? false, seqScanRows: raw.explain.seqScanRows ?? DEFAULTS.database.seqScanRows };
  }
  return database;
}

interface Inherited {
  load: LoadSettings;
  rounds: number;
  /** rounds was written in defaults (then, without maxRounds, rounds are fixed). */
  roundsSet: boolean;
  maxRounds?: number;
  timeBudgetMs: number;
  queries: QueryProbeSettings;
  budgets: Budgets;
  regression: RegressionThresholds;
}

function normalizeScenario(raw: RawScenario, at: KeyPath, base: Inherited, issues: Issues): ScenarioConfig {
  const rounds = raw.rounds ?? base.rounds;
  // `rounds: N` written without maxRounds keeps meaning N rounds, as it did before adaptive rounds.
  const maxRounds = raw.maxRounds ?? base.maxRounds ?? (raw.rounds !== undefined || base.roundsSet ? rounds : Math.max(rounds, DEFAULTS.maxRounds));
  if (maxRounds < rounds) {
    const key = raw.maxRounds !== undefined ? [...at, 'maxRounds'] : ['defaults', 'maxRounds'];
    issues.add(key, `must be at least rounds (${rounds}): maxRounds is the most rounds a scenario may run, in blocks of rounds`);
  }
  return {
    name: raw.name,
    request: normalizeRequest(raw.request),
    load: { ...base.load, ...normalizeLoad(raw.load, [...at, 'load'], issues) },
    rounds,
    maxRounds,
    timeBudgetMs: raw.timeBudget !== undefined ? positiveMs([...at, 'timeBudget'], raw.timeBudget, issues, true) : base.timeBudgetMs,
    budgets: { ...base.budgets, ...normalizeBudgets(raw.budgets, [...at, 'budgets'], issues) },
    regression: { ...base.regression, ...normalizeRegression(raw.regression, [...at, 'regression'], issues) },
    queries: { ...base.queries, ...normalizeQueries(raw.queries) },
  };
}

function normalizeRequest(raw: RawScenario['request']): ScenarioConfig['request'] {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) headers[name] = String(value);
  let body: string | null = null;
  if (typeof raw.body === 'string') body = raw.body;
  else if (raw.body !== null && raw.body !== undefined) {
    body = JSON.stringify(raw.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  return { method: raw.method ?? DEFAULTS.method, path: raw.path, headers, body };
}

function builtinLoad(): LoadSettings {
  const d = DEFAULTS.load;
  return {
    connections: d.connections,
    durationMs: parseDurationMs(d.duration),
    warmupMs: parseDurationMs(d.warmup),
    pipelining: d.pipelining,
    timeoutMs: parseDurationMs(d.timeout),
  };
}

function normalizeLoad(raw: RawLoad | undefined, at: KeyPath, issues: Issues): Partial<LoadSettings> {
  if (!raw) return {};
  const out: Partial<LoadSettings> = {};
  if (raw.connections !== undefined) out.connections = raw.connections;
  if (raw.pipelining !== undefined) out.pipelining = raw.pipelining;
  if (raw.connection !== undefined) out.connection = raw.connection;
  if (raw.duration !== undefined) out.durationMs = positiveMs([...at, 'duration'], raw.duration, issues, true);
  if (raw.timeout !== undefined) out.timeoutMs = positiveMs([...at, 'timeout'], raw.timeout, issues, true);
  const warmup = timerMs([...at, 'warmup'], raw.warmup, issues);
  if (warmup !== undefined) out.warmupMs = warmup;
  return out;
}

/** setTimeout's limit: a longer delay overflows and fires at once (a 40000m round measured nothing). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration perfgate waits for with a timer: at most MAX_TIMER_MS (about 24.8 days). */
function timerMs(at: KeyPath, value: unknown, issues: Issues): number | undefined {
  const ms = issues.parse(at, value, (v) => parseDurationMs(v));
  if (ms === undefined || ms <= MAX_TIMER_MS) return ms;
  issues.add(at, `expected a duration of at most 35791m (${MAX_TIMER_MS} ms, the longest timer Node.js can set), got ${JSON.stringify(value)}`);
  return undefined;
}

function positiveMs(at: KeyPath, value: unknown, issues: Issues, report: boolean): number {
  const ms = timerMs(at, value, issues);
  if (ms === undefined) return 0;
  if (ms <= 0 && report) issues.add(at, `expected a duration greater than 0, got ${JSON.stringify(value)}`);
  return ms;
}

function builtinQueries(): QueryProbeSettings {
  return { probes: DEFAULTS.queries.probes, warmupRequests: DEFAULTS.queries.warmup, nPlusOneThreshold: DEFAULTS.queries.nPlusOneThreshold };
}

function normalizeQueries(raw: RawQueries | undefined): Partial<QueryProbeSettings> {
  if (!raw) return {};
  const out: Partial<QueryProbeSettings> = {};
  if (raw.probes !== undefined) out.probes = raw.probes;
  if (raw.warmup !== undefined) out.warmupRequests = raw.warmup;
  if (raw.header !== undefined) out.header = raw.header;
  if (raw.nPlusOneThreshold !== undefined) out.nPlusOneThreshold = raw.nPlusOneThreshold;
  return out;
}

function normalizeBudgets(raw: RawBudgets | undefined, at: KeyPath, issues: Issues): Budgets {
  if (!raw) return {};
  const latency = (key: keyof RawBudgets, bare: BareDuration = 'ms') => issues.parse([...at, key], raw[key], (v) => parseDurationUs(v, bare));
  const out: Budgets = {
    p50Us: latency('p50'),
    p90Us: latency('p90'),
    p99Us: latency('p99'),
    maxUs: latency('max'),
    minRps: issues.parse([...at, 'rps'], raw.rps, parseMinRate),
    errors: raw.errors,
    queries: raw.queries,
    cpuUsPerRequest: latency('cpuPerRequest'),
    dbTimeUs: latency('dbTime'),
    rssBytes: issues.parse([...at, 'rss'], raw.rss, parseSizeBytes),
  };
  return dropUndefined(out);
}

function builtinRegression(): RegressionThresholds {
  const r = DEFAULTS.regression;
  return {
    p50: parsePercent(r.p50),
    p90: parsePercent(r.p90),
    p99: parsePercent(r.p99),
    rps: parsePercent(r.rps),
    cpu: parsePercent(r.cpu),
    rss: parsePercent(r.rss),
    queries: r.queries,
    dbTime: parsePercent(r.dbTime),
  };
}

function normalizeRegression(raw: RawRegression | undefined, at: KeyPath, issues: Issues): Partial<RegressionThresholds> {
  if (!raw) return {};
  const percent = (key: Exclude<keyof RawRegression, 'queries'>) => issues.parse([...at, key], raw[key], parsePercent);
  return dropUndefined({
    p50: percent('p50'),
    p90: percent('p90'),
    p99: percent('p99'),
    rps: percent('rps'),
    cpu: percent('cpu'),
    rss: percent('rss'),
    queries: raw.queries,
    dbTime: percent('dbTime'),
  });
}

function checkUniqueNames(scenarios: RawScenario[], issues: Issues): void {
  const first = new Map<string, number>();
  scenarios.forEach((s, i) => {
    const earlier = first.get(s.name);
    if (earlier === undefined) {
      first.set(s.name, i);
      return;
    }
    const line = issues.line(['scenarios', earlier, 'name']);
    issues.add(
      ['scenarios', i, 'name'],
      `duplicate scenario name ${JSON.stringify(s.name)} (already used by scenarios[${earlier}]${line ? ` on line ${line}` : ''}): ` +
        'expected a unique name, since baselines are matched by name',
    );
  });
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
