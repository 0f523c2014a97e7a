// The one schema of perfgate.yml's raw shape. From it come the raw TypeScript type (`RawConfig`),
// the loader's validation (ajv, in load.ts) and the published JSON Schema (`perfgate schema`).
// Descriptions drive editor completion, so every property has one. Defaults live in DEFAULTS, in the
// raw YAML form, and are both shown in the schema and parsed by the loader.
import { Type, type Static } from '@sinclair/typebox';
import {
  DEFAULTS,
  DURATION_PATTERN,
  ENV_NAME_PATTERN,
  HEADER_NAME_PATTERN,
  HOST_PORT_PATTERN,
  HTTP_METHODS,
  LIMITS,
  MIN_RATE_PATTERN,
  PERCENT_PATTERN,
  SIZE_PATTERN,
  URL_PATH_PATTERN,
} from './rules.js';

export { DEFAULTS, HTTP_METHODS, LIMITS, explainKeyPattern, explainPattern } from './rules.js';

// --- building blocks --------------------------------------------------------------------------

const strict = { additionalProperties: false } as const;

function StringEnum<const T extends readonly string[]>(values: T, options: { description: string; default?: string }) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A duration that must carry a unit (`10s`): for settings, where a bare number is ambiguous. */
function Duration(description: string, defaultValue?: string) {
  return Type.String({
    pattern: DURATION_PATTERN,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    examples: ['500ms', '1.5s', '2m'],
  });
}

/** A latency budget: a duration, or a bare number of milliseconds. */
function LatencyBudget(description: string) {
  return Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
    description: `${description} A duration (250ms, 1.5s, 800us) or a bare number of milliseconds.`,
    examples: ['25ms', 0.8],
  });
}

function Percent(description: string, defaultValue: string) {
  return Type.String({
    pattern: PERCENT_PATTERN,
    description: `${description} A percentage with the % sign, e.g. 5%.`,
    default: defaultValue,
    examples: ['5%', '12.5%'],
  });
}

function Count(description: string, minimum: number, defaultValue?: number, maximum?: number) {
  return Type.Integer({ minimum, ...(maximum === undefined ? {} : { maximum }), description, ...(defaultValue === undefined ? {} : { default: defaultValue }) });
}


// --- sections ---------------------------------------------------------------------------------

const LoadSchema = Type.Object(
  {
    connections: Type.Optional(
      Count('Concurrent connections (closed loop: each sends its next request when the previous one completes).', 1, DEFAULTS.load.connections, LIMITS.connections),
    ),
    duration: Type.Optional(Duration('Measured length of one round, warm-up excluded.', DEFAULTS.load.duration)),
    warmup: Type.Optional(Duration('Load sent once before a scenario\'s rounds (per side), whose results are discarded.', DEFAULTS.load.warmup)),
    pipelining: Type.Optional(Count('Requests in flight per connection (HTTP pipelining); 1 means none.', 1, DEFAULTS.load.pipelining, LIMITS.pipelining)),
    timeout: Type.Optional(Duration('Per-request timeout; a request exceeding it counts as an error.', DEFAULTS.load.timeout)),
    connection: Type.Optional(
      StringEnum(['auto', 'keep-alive', 'close'] as const, {
        description:
          'auto: keep connections open, or, when the server closes them (gunicorn\'s sync worker), a new connection per request (per N when it allows N), connection setup included in latency; keep-alive: refuse servers that close; close: always a new connection per request.',
        default: DEFAULTS.load.connection,
      }),
    ),
  },
  { ...strict, description: 'How load is generated (autocannon, closed loop).' },
);

const QueriesSchema = Type.Object(
  {
    probes: Type.Optional(Count('Sequential probe requests whose SQL statements are counted.', 1, DEFAULTS.queries.probes)),
    warmup: Type.Optional(
      Count('Requests sent before probing so connection pools and statement caches settle.', 0, DEFAULTS.queries.warmup),
    ),
    header: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Read the query count from this response header (e.g. X-Query-Count or Server-Timing) instead of the database proxy.',
      }),
    ),
    nPlusOneThreshold: Type.Optional(
      Count('A SELECT shape executed at least this many times in one request is an N+1 suspect.', 2, DEFAULTS.queries.nPlusOneThreshold),
    ),
  },
  { ...strict, description: 'How SQL statements per request are counted.' },
);

const BudgetsSchema = Type.Object(
  {
    p50: Type.Optional(LatencyBudget('Maximum median latency.')),
    p90: Type.Optional(LatencyBudget('Maximum 90th-percentile latency.')),
    p99: Type.Optional(LatencyBudget('Maximum 99th-percentile latency.')),
    max: Type.Optional(LatencyBudget('Maximum latency of any request.')),
    rps: Type.Optional(
      Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: MIN_RATE_PATTERN })], {
        description: 'Minimum requests per second: a number or ">= N" (quote it in YAML).',
        examples: ['>= 1500', 1500],
      }),
    ),
    errors: Type.Optional(Count('Maximum errors (socket errors and non-2xx responses) over the run.', 0)),
    queries: Type.Optional(Count('Maximum SQL statements per request.', 0)),
    cpuPerRequest: Type.Optional(LatencyBudget("Maximum service CPU time per request (the service's whole process tree).")),
    rss: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: SIZE_PATTERN })], {
        description:
          'Maximum peak resident memory of the service: 200MB, 1.5GiB (KB/MB/GB are 1000-based, KiB/MiB/GiB 1024-based) or a number of bytes.',
        examples: ['200MB', '1.5GiB'],
      }),
    ),
    dbTime: Type.Optional(LatencyBudget('Maximum database time per request (the sum of its statements on the wire, median over the query probes).')),
  },
  { ...strict, description: 'Absolute limits checked on this run; a violation fails the run when failOn includes budget.' },
);

const RegressionSchema = Type.Object(
  {
    p50: Type.Optional(Percent('Allowed increase of median latency over the baseline.', DEFAULTS.regression.p50)),
    p90: Type.Optional(Percent('Allowed increase of 90th-percentile latency.', DEFAULTS.regression.p90)),
    p99: Type.Optional(Percent('Allowed increase of 99th-percentile latency.', DEFAULTS.regression.p99)),
    rps: Type.Optional(Percent('Allowed decrease of requests per second.', DEFAULTS.regression.rps)),
    cpu: Type.Optional(Percent('Allowed increase of service CPU time per request.', DEFAULTS.regression.cpu)),
    rss: Type.Optional(Percent('Allowed increase of peak resident memory.', DEFAULTS.regression.rss)),
    queries: Type.Optional(Count('Allowed increase of SQL statements per request (an exact count).', 0, DEFAULTS.regression.queries)),
    dbTime: Type.Optional(
      Percent('Allowed increase of database time per request, and of one statement shape\'s time per call.', DEFAULTS.regression.dbTime),
    ),
  },
  {
    ...strict,
    description:
      'Allowed worsening against the baseline. A metric regresses only when the confidence interval of the change is above 0 and the estimate reaches this threshold.',
  },
);

const StringMap = (keyPattern: string, description: string) =>
  Type.Record(Type.String({ pattern: keyPattern }), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
    ...strict,
    description,
  });

const RequestSchema = Type.Object(
  {
    method: Type.Optional(StringEnum(HTTP_METHODS, { description: 'HTTP method.', default: DEFAULTS.method })),
    path: Type.String({
      pattern: URL_PATH_PATTERN,
      description: 'Path and query string, starting with "/", appended to service.baseUrl.',
      examples: ['/books?limit=50'],
    }),
    headers: Type.Optional(StringMap(HEADER_NAME_PATTERN, 'Request headers. Numbers and booleans are sent as text.')),
    body: Type.Optional(
      Type.Union([Type.String(), Type.Null(), Type.Record(Type.String(), Type.Unknown()), Type.Array(Type.Unknown())], {
        description:
          'Request body: text is sent as is; a mapping or list is sent as JSON with content-type application/json unless headers set one.',
      }),
    ),
  },
  { ...strict, description: 'The request this scenario sends.' },
);

// Rounds and adaptive rounds: the same keys in defaults and in each scenario.
const ROUNDS_KEYS = {
  rounds: Type.Optional(
    Count(
      'Rounds per scenario, each kept as a separate sample for the statistics. In rerun mode, the block of rounds measured before each look at the verdicts; written without maxRounds, exactly this many rounds run.',
      1,
      DEFAULTS.rounds,
      LIMITS.rounds,
    ),
  ),
  maxRounds: Type.Optional(
    Count(
      'Rerun mode: rounds at most. While a metric that can fail the check is inconclusive, another block of `rounds` runs, until this or timeBudget is reached. Default 160, or `rounds` when rounds is set without maxRounds (fixed rounds).',
      1,
      undefined,
      LIMITS.rounds,
    ),
  ),
  timeBudget: Type.Optional(
    Duration('Rerun mode: load time per scenario (both sides) after which no further block of rounds starts.', DEFAULTS.timeBudget),
  ),
};

const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Unique name; baselines are matched by it, so renaming starts a new history.' }),
    request: RequestSchema,
    load: Type.Optional(LoadSchema),
    ...ROUNDS_KEYS,
    queries: Type.Optional(QueriesSchema),
    budgets: Type.Optional(BudgetsSchema),
    regression: Type.Optional(RegressionSchema),
  },
  { ...strict, description: 'One endpoint to benchmark. load, rounds, queries, budgets and regression override defaults.' },
);

const ServiceSchema = Type.Object(
  {
    start: Type.String({
      minLength: 1,
      description: 'The shell command that starts the service; it must keep running (perfgate stops it with SIGTERM, then SIGKILL).',
      examples: ['node server.js'],
    }),
    build: Type.Optional(
      Type.String({ minLength: 1, description: 'Shell command run once before start (also builds the base in rerun mode).', examples: ['npm ci'] }),
    ),
    cwd: Type.Optional(
      Type.String({ minLength: 1, description: "Working directory for build and start, relative to this file's folder (default: that folder)." }),
    ),
    env: Type.Optional(
      StringMap(
        ENV_NAME_PATTERN,
        'Extra environment for build and start. ${PERFGATE_DB_HOST} and ${PERFGATE_DB_PORT} point at the query-counting proxy.',
      ),
    ),
    ready: Type.Optional(
      Type.Object(
        {
          url: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "URL polled until it answers 2xx; its origin is the default baseUrl. Default: baseUrl + '/' if set, else http://127.0.0.1:${PERFGATE_PORT}/ (the free port perfgate exports to the service).",
              examples: ['http://127.0.0.1:3000/health'],
            }),
          ),
          timeout: Type.Optional(Duration('How long to wait for the service to become ready.', DEFAULTS.ready.timeout)),
          interval: Type.Optional(Duration('Pause between readiness polls that reach the service (while nothing listens yet, perfgate polls every 20 ms).', DEFAULTS.ready.interval)),
        },
        { ...strict, description: 'How perfgate knows the service is up.' },
      ),
    ),
    baseUrl: Type.Optional(
      Type.String({ minLength: 1, description: "Where scenario paths are sent (default: ready.url's origin).", examples: ['http://127.0.0.1:3000'] }),
    ),
    stopTimeout: Type.Optional(Duration('Grace period between SIGTERM and SIGKILL when stopping the service.', DEFAULTS.stopTimeout)),
  },
  { ...strict, description: 'The service under test: how to build, start and reach it.' },
);

const ExplainSchema = Type.Object(
  {
    url: Type.String({
      description:
        "perfgate's own connection for EXPLAIN of new and slower statements (postgres://… or mysql://…; a read-only role is enough). Empty: plans are skipped, with one line in the report.",
      examples: ['${PERFGATE_EXPLAIN_URL:-}'],
    }),
    analyze: Type.Optional(
      Type.Boolean({
        description: 'EXPLAIN ANALYZE (executes the statement, in a read-only transaction that is rolled back). Only ever applied to SELECT.',
        default: false,
      }),
    ),
    seqScanRows: Type.Optional(Count('A sequential scan is flagged on tables with at least this many rows.', 0, DEFAULTS.database.seqScanRows)),
  },
  { ...strict, description: 'Plans of statements that are new or slower on head.' },
);

const DatabaseSchema = Type.Object(
  {
    protocol: Type.Optional(StringEnum(['postgres', 'mysql'] as const, { description: 'Wire protocol of the database.', default: DEFAULTS.database.protocol })),
    upstream: Type.String({
      pattern: HOST_PORT_PATTERN,
      description: 'The real database server as host:port; perfgate proxies it on a free loopback port.',
      examples: ['127.0.0.1:5432'],
    }),
    timing: Type.Optional(
      StringEnum(['direct', 'proxied'] as const, {
        description:
          'direct: queries are counted in a first boot of the service through the proxy, then the service is restarted with PERFGATE_DB_HOST/PORT pointing at the database itself for the timed rounds, so the proxy never adds to a latency (one extra boot). proxied: one boot, timed through the proxy (DB-bound latencies then include its hop).',
        default: DEFAULTS.database.timing,
      }),
    ),
    explain: Type.Optional(ExplainSchema),
  },
  { ...strict, description: 'Turns on SQL query counting through a wire-protocol proxy.' },
);

const DefaultsSchema = Type.Object(
  {
    load: Type.Optional(LoadSchema),
    ...ROUNDS_KEYS,
    queries: Type.Optional(QueriesSchema),
    budgets: Type.Optional(BudgetsSchema),
    regression: Type.Optional(RegressionSchema),
  },
  { ...strict, description: 'Settings every scenario inherits unless it overrides them.' },
);

const BaselineSchema = Type.Object(
  {
    source: Type.Optional(
      StringEnum(['artifact', 'rerun', 'file'] as const, {
        description:
          "What to compare against: artifact (main's stored results), rerun (the base built and run on this runner beside head, round by round) or file.",
        default: DEFAULTS.baseline.source,
      }),
    ),
    file: Type.Optional(Type.String({ minLength: 1, description: "Baseline results JSON for source: file, relative to this file's folder." })),
    artifact: Type.Optional(Type.String({ minLength: 1, description: 'Artifact name for source: artifact.', default: DEFAULTS.baseline.artifact })),
    ref: Type.Optional(Type.String({ minLength: 1, description: 'Git ref of the base for source: rerun (default: the pull request base).' })),
    timeBudget: Type.Optional(
      Duration('Rerun mode: load time of the whole run after which no scenario starts a further block of rounds.', DEFAULTS.runTimeBudget),
    ),
    schedule: Type.Optional(
      StringEnum(['simultaneous', 'alternating'] as const, {
        description:
          'How source: rerun runs a round: alternating (one side after the other, in random order; the default, each side alone on the machine) or simultaneous (base and head under load at the same time: about half the noise, but a change that slows a resource both share, such as the database server or the CPU, slows both sides and can be missed).',
        default: DEFAULTS.baseline.schedule,
      }),
    ),
    turns: Type.Optional(
      Count(
        'Rerun mode, alternating schedule: how many turns each side takes in a round (ABBA…, each a turns-th of the round), merged into the round\'s one sample per side. The machine\'s speed drifts over seconds; turns closer in time share more of it, so it cancels in the head/base ratio. 1: one turn per side (AB or BA). An endpoint too slow for a turn to complete 40 requests gets fewer. Default 4 with schedule: alternating, 1 with simultaneous.',
        1,
        DEFAULTS.baseline.turns,
        LIMITS.turns,
      ),
    ),
    restarts: Type.Optional(
      StringEnum(['auto', 'never'] as const, {
        description:
          'Whether source: rerun restarts base and head between blocks of rounds. auto (the default): both services restart (and warm up again, one round longer than `warmup`) before a block whenever the rounds since the last restart took at least as long as a restart, so each block can come from a new pair of processes and one pair that happens to differ cannot decide the verdict. never: one pair of processes for every round (for a service too slow to boot).',
        default: DEFAULTS.baseline.restarts,
      }),
    ),
  },
  { ...strict, description: 'Where the baseline comes from.' },
);

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'JSON Schema reference for editors; ignored by perfgate.' })),
    version: Type.Optional(Type.Literal(1, { description: 'Config format version.' })),
    service: ServiceSchema,
    database: Type.Optional(DatabaseSchema),
    defaults: Type.Optional(DefaultsSchema),
    scenarios: Type.Array(ScenarioSchema, { minItems: 1, description: 'The endpoints to benchmark, run one at a time in this order.' }),
    baseline: Type.Optional(BaselineSchema),
    failOn: Type.Optional(
      Type.Array(StringEnum(['budget', 'regression'] as const, { description: 'budget or regression.' }), {
        uniqueItems: true,
        description: 'What makes the run exit 1: budget violations, significant regressions, both (default) or none ([]).',
        default: [...DEFAULTS.failOn],
      }),
    ),
  },
  { ...strict, title: 'perfgate configuration', description: 'perfgate.yml: the service, the scenarios and the gates.' },
);

/** perfgate.yml as written, after `${VAR}` expansion and before defaults are applied. */
export type RawConfig = Static<typeof ConfigSchema>;
export type RawService = RawConfig['service'];
export type RawScenario = RawConfig['scenarios'][number];
export type RawLoad = Static<typeof LoadSchema>;
export type RawQueries = Static<typeof QueriesSchema>;
export type RawBudgets = Static<typeof BudgetsSchema>;
export type RawRegression = Static<typeof RegressionSchema>;
