// Measurement, not simulation: the false-alarm rate (A/A) and the detection rate (power) of
// perfgate's paired verdicts, on the example bookshop service, in `baseline.source: rerun` mode,
// through the real pipeline (git worktree of the base commit, two services, two query proxies,
// rounds under the configured schedule with a random start order, the compare code the CLI uses).
//
//   npm run bench:aa-power -- [--aa 100] [--power 20] [--levels 5,10,20] [--tail-ms 5]
//                             [--aa-duration 300ms] [--per-run 25] [--json bench/results/aa-power.json]
//                             [--raw <dir>] [--schedule simultaneous|alternating] [--compare-schedule 10]
//                             [--dropped-index 20] [--neighbour] [--neighbour-seed 1] [--rounds N]
//                             [--neighbour-cpu N] [--neighbour-duty 0.1-0.9]
//                             [--ledger bench/results/aa-power-ledger.jsonl] [--cpu-us N]
//                             [--dropped-index-schedules both|default] [--restarts auto|never]
//                             [--aa-restarts both] [--trace] [--turns N] [--aa-turns N] [--work-us N]
//
// --ledger appends one JSON line per scenario comparison (condition, machine state, every metric's
// verdict and change, rounds, why measuring stopped, load seconds) as soon as each `perfgate run`
// ends, so a measurement that takes more hours than one sitting accumulates over several: run the
// bench again with the same ledger, and `node --import tsx bench/aa-power-ledger.ts <ledger>` tallies
// all of it against the targets. --cpu-us skips the calibration (the service's CPU per request that
// sizes the injected slowdowns) by giving it, e.g. the value an earlier run of the ledger recorded.
//
// --neighbour runs the whole bench next to a noisy neighbour (bench/noisy-neighbour.ts: one core
// burnt at a random 10–90% duty cycle, changing every 100–500 ms), as on a shared CI runner.
// --neighbour-cpu pins it to one CPU (one core busier than the other, as a host's other guest on one
// of the physical cores would make it); --neighbour-duty sets its duty-cycle range.
//
// --dropped-index N adds the shared-resource condition, under both schedules: a second service
// (bench/users-server.js) looks a user up by email in a 100k-row table; base and head each have their
// own database on the same PostgreSQL server, and head's lacks the index on email, so head's
// sequential scans take database-server CPU that base's queries need too. A schedule that runs both
// sides at once can cancel such a change in the paired ratio; this condition measures whether it does.
// (0 leaves it out; --levels '' --tail-ms '' --aa 0 --dropped-index 2 is a quick smoke run of it.)
//
// --rounds N writes `rounds: N` into every condition's config (default: perfgate's own default).
//
// --restarts sets baseline.restarts for every condition (default: perfgate's default, auto: both
// services restart between blocks of rounds). --aa-restarts both runs the A/A comparisons under both
// settings (--aa comparisons under each), one run of --per-run scenarios of each in turn, so the two rules meet the same machine
// states in one sitting; the ledger line says which rule each comparison ran under.
//
// --turns N sets baseline.turns for every alternating condition (each side's round measured in N
// turns, ABBA…, merged; default: perfgate's default). The ledger line carries it in `stop.turns`.
// --aa-turns N runs the A/A comparisons both ways, as --aa-restarts both does: one run of
// --per-run scenarios with --turns (or the default), then one with N turns ("A/A, N turns"), in turn.
//
// --work-us N makes the bookshop endpoint CPU-bound, as a service whose work dominates its latency
// (an interpreter doing real work per request): base and head both busy-wait N µs per request on top
// of what they do, so the CPU levels (+10% …) are shares of that larger cost and move latency and
// throughput nearly as much as CPU. Every bookshop condition's name says so ("…, CPU-bound 1000 µs"),
// and its ledger lines carry workUs. Without it (0) the endpoint is dominated by its database round
// trip, where +10% CPU moves p50 by only about half as much.
//
// --trace writes, beside each results file in --raw, where every thread ran and how long it waited
// for a CPU (bench/placement-sampler.cjs, `<file>.trace.jsonl`) and the run's progress lines with
// their times (`<file>.progress.jsonl`); bench/placement.ts joins them with the rounds.
//
// --schedule sets baseline.schedule for every condition (default: perfgate's default). With
// --compare-schedule L, the +L% condition is also run with the other schedule, so both schedules
// are measured on the same machine in one run.
//
// A scratch git repository holds the example service. Its base commit runs unchanged; each condition
// is a head commit on top of it that changes the code's behaviour through two files the start command
// reads: `slowdown-us` (a fixed busy-wait per request, i.e. extra CPU) and `tail-ms` (a sleep on every
// 100th request). A/A changes only a text file. One `perfgate run` measures many identical scenarios
// (`GET /books/42`), and each scenario is one independent comparison.
//
// Every condition uses perfgate's default settings (the schedule, adaptive rounds and budgets users
// get) unless --rounds, --schedule or --aa-duration (shorter A/A rounds, with a 500 ms warm-up) say
// otherwise; the calibration alone runs one fixed block of 10 rounds.
//
// The results files of every run are kept in --raw (default: a folder under the system temp dir),
// and the same rounds are then fed to the rules users would otherwise pick (ratio thresholds,
// Welch's t-test, Bencher's limit) by bench/verdicts-measured-rules.ts: the side-by-side table.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { DEFAULTS } from '../src/config/schema.js';
import { type Comparison, compareRuns } from '../src/compare/compare.js';
import type { Results, ScenarioResult } from '../src/results/types.js';
import type { MetricKey } from '../src/compare/metrics.js';
import { startEmbeddedPostgres } from '../src/demo/embedded-postgres.js';
import { runPipeline } from '../src/pipeline.js';
import { median } from '../src/compare/stats.js';
import pg from 'pg';
import { benchCommit, machineBootId } from './ledger.js';
import { startNoisyNeighbour } from './noisy-neighbour.js';
import { type OtherCpu, sampleOtherCpu } from './other-cpu.js';
import type { ConditionManifest } from './raw-results.js';
import { measuredRulesTable, readComparisons } from './verdicts-measured-rules.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'examples', 'bookshop');

const { values: args } = parseArgs({
  options: {
    aa: { type: 'string', default: '100' },
    power: { type: 'string', default: '20' },
    levels: { type: 'string', default: '5,10,20' },
    'tail-ms': { type: 'string', default: '5' },
    'aa-duration': { type: 'string' },
    'per-run': { type: 'string', default: '25' },
    json: { type: 'string' },
    raw: { type: 'string' },
    schedule: { type: 'string', default: DEFAULTS.baseline.schedule },
    'compare-schedule': { type: 'string' },
    'dropped-index': { type: 'string', default: '20' },
    neighbour: { type: 'boolean', default: false },
    'neighbour-seed': { type: 'string', default: '1' },
    'neighbour-cpu': { type: 'string' },
    'neighbour-duty': { type: 'string' },
    rounds: { type: 'string' },
    ledger: { type: 'string' },
    'cpu-us': { type: 'string' },
    'dropped-index-schedules': { type: 'string', default: 'both' },
    restarts: { type: 'string', default: DEFAULTS.baseline.restarts },
    'aa-restarts': { type: 'string' },
    trace: { type: 'boolean', default: false },
    turns: { type: 'string' },
    'aa-turns': { type: 'string' },
    'work-us': { type: 'string', default: '0' },
  },
});
const BENCH_COMMIT = benchCommit();
const BOOT_ID = machineBootId();
const AA = Number(args.aa);
const POWER = Number(args.power);
const LEVELS = args.levels!.split(',').filter(Boolean).map(Number);
const DROPPED_INDEX = Number(args['dropped-index']);
const TAILS_MS = args['tail-ms']!.split(',').filter(Boolean).map(Number).filter((ms) => ms > 0);
const PER_RUN = Number(args['per-run']);
const WORK_US = Number(args['work-us']);
if (!Number.isInteger(WORK_US) || WORK_US < 0) throw new Error(`--work-us must be a whole number of µs, got ${args['work-us']}`);
const METRICS: MetricKey[] = ['rps', 'cpuUsPerRequest', 'p50', 'p99'];
type Schedule = 'simultaneous' | 'alternating';
const SCHEDULE = args.schedule as Schedule;
if (SCHEDULE !== 'simultaneous' && SCHEDULE !== 'alternating') throw new Error(`--schedule: expected simultaneous or alternating, got ${args.schedule}`);
const OTHER_SCHEDULE: Schedule = SCHEDULE === 'simultaneous' ? 'alternating' : 'simultaneous';
type Restarts = 'auto' | 'never';
const RESTARTS = args.restarts as Restarts;
if (RESTARTS !== 'auto' && RESTARTS !== 'never') throw new Error(`--restarts: expected auto or never, got ${args.restarts}`);
if (args['aa-restarts'] !== undefined && args['aa-restarts'] !== 'both') throw new Error(`--aa-restarts: expected both, got ${args['aa-restarts']}`);
const turnsArg = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1 && n <= 20)) throw new Error(`--${flag}: expected an integer 1–20, got ${value}`);
  return n;
};
const TURNS = turnsArg('turns', args.turns);
const AA_TURNS = turnsArg('aa-turns', args['aa-turns']);
if (AA_TURNS !== undefined && args['aa-restarts'] !== undefined) throw new Error('--aa-turns and --aa-restarts each pair the A/A runs with another rule: give one');

const NEIGHBOUR = (() => {
  if (!args.neighbour && (args['neighbour-cpu'] !== undefined || args['neighbour-duty'] !== undefined)) {
    throw new Error('--neighbour-cpu and --neighbour-duty shape the noisy neighbour: add --neighbour');
  }
  const duty = args['neighbour-duty']?.split('-').map(Number);
  if (duty && (duty.length !== 2 || duty.some((d) => !(d >= 0 && d <= 1)))) throw new Error(`--neighbour-duty: expected min-max shares of a core, e.g. 0.1-0.9, got ${args['neighbour-duty']}`);
  return {
    seed: Number(args['neighbour-seed']),
    ...(duty ? { minDuty: duty[0]!, maxDuty: duty[1]! } : {}),
    ...(args['neighbour-cpu'] !== undefined ? { cpu: Number(args['neighbour-cpu']) } : {}),
  };
})();

/** The bookshop (CPU and tail conditions, A/A) or the users-by-email service (dropped index). */
type Service = 'bookshop' | 'users';

interface Condition {
  name: string;
  service: Service;
  slowdownUs: number;
  tailMs: number;
  /** users service: the head's database (base always uses app_base). */
  headDatabase?: string;
  comparisons: number;
  /** YAML for `defaults.load` (empty = built-in defaults). */
  load: string;
  schedule: Schedule;
  restarts: Restarts;
  /** baseline.turns; undefined: perfgate's default. */
  turns?: number;
}

/** What a condition changes from the sitting's settings; the rest comes from the flags. */
interface ConditionSpec {
  comparisons: number;
  slowdownUs?: number;
  tailMs?: number;
  load?: string;
  schedule?: Schedule;
  restarts?: Restarts;
  turns?: number;
  service?: Service;
}

interface ConditionResult {
  condition: Condition;
  comparisons: number;
  /** Comparisons where this metric was classified `regressed`. */
  regressed: Record<string, number>;
  improved: Record<string, number>;
  inconclusive: Record<string, number>;
  /** Comparisons where any compared metric regressed (what fails the check). */
  anyRegressed: number;
  medianChange: Record<string, number>;
  baseCpuUsPerRequest: number;
  wallSeconds: number;
}

function git(cwd: string, ...argv: string[]): string {
  return execFileSync('git', argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function makeRepo(dir: string): string {
  for (const f of ['server.js', 'db.js', 'seed.js', 'package.json']) cpSync(path.join(EXAMPLE, f), path.join(dir, f));
  cpSync(path.join(ROOT, 'bench', 'users-server.js'), path.join(dir, 'users-server.js'));
  writeFileSync(path.join(dir, 'database'), `${USERS_BASE_DB}\n`);
  // The base worktree is checked out elsewhere; a committed link lets both sides import `pg`.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'slowdown-us'), `${WORK_US}\n`);
  writeFileSync(path.join(dir, 'tail-ms'), '0\n');
  writeFileSync(path.join(dir, '.gitignore'), 'perfgate.yml\nout/\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', 'base');
  return git(dir, 'rev-parse', 'HEAD');
}

const USERS_BASE_DB = 'app_base';
const USERS_HEAD_DB = 'app_head';
/** An address that exists in the 100k rows: the indexed lookup finds one row, the scan reads them all. */
const USERS_PATH = '/user?email=user77777@example.com';

function configYaml(c: Condition, baseSha: string, scenarios: number, upstream: string): string {
  const requestPath = c.service === 'users' ? USERS_PATH : '/books/42';
  const names = Array.from({ length: scenarios }, (_, i) => `  - name: c${String(i + 1).padStart(3, '0')}\n    request: { path: "${requestPath}" }`);
  const service =
    c.service === 'users'
      ? [
          // Each side reads its database's name from the checkout it starts in (base: app_base).
          '  start: DATABASE_URL="$USERS_DB_SERVER/$(cat database)" exec node users-server.js',
          '  env:',
          '    PORT: "${PERFGATE_PORT}"',
          '    USERS_DB_SERVER: "postgres://${PGUSER}:${PGPASSWORD}@${PERFGATE_DB_HOST}:${PERFGATE_DB_PORT}"',
        ]
      : [
          // Reads the behaviour switches from the checkout it starts in: the base worktree has zeros.
          '  start: BOOKSHOP_SLOWDOWN_US=$(cat slowdown-us) BOOKSHOP_TAIL_SLOWDOWN_MS=$(cat tail-ms) exec node server.js',
          '  env:',
          '    PORT: "${PERFGATE_PORT}"',
          '    DATABASE_URL: "postgres://${PGUSER}:${PGPASSWORD}@${PERFGATE_DB_HOST}:${PERFGATE_DB_PORT}/${PGDATABASE}"',
          '    BOOKSHOP_SEED: "0"',
        ];
  return [
    'version: 1',
    'service:',
    ...service,
    '  ready: { url: "http://127.0.0.1:${PERFGATE_PORT}/health", timeout: 30s }',
    'database:',
    `  upstream: "${upstream}"`,
    'defaults:',
    c.load ? `  load: ${c.load}` : '  budgets: {}',
    // The calibration only needs the service's CPU per request: one fixed block, not adaptive rounds.
    ...(args.rounds ? [`  rounds: ${Number(args.rounds)}`] : c.name === 'calibrate' ? ['  rounds: 10'] : []),
    'scenarios:',
    ...names,
    // Turns are a part of alternating rounds; simultaneous ones run both sides in one.
    `baseline: { source: rerun, ref: ${baseSha}, schedule: ${c.schedule}, restarts: ${c.restarts}${c.turns !== undefined && c.schedule === 'alternating' ? `, turns: ${c.turns}` : ''} }`,
    '',
  ].join('\n');
}

/** Two databases on the server the bench started, each with the 100k-row users table; head's has no index on email. */
async function seedUsersDatabases(db: { host: string; port: number; user: string; password: string; database: string }): Promise<void> {
  const connect = async (database: string) => {
    const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database });
    await client.connect();
    return client;
  };
  const admin = await connect(db.database);
  try {
    for (const name of [USERS_BASE_DB, USERS_HEAD_DB]) {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      const client = await connect(name);
      try {
        await client.query('CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text NOT NULL)');
        await client.query(
          `INSERT INTO users (id, email, name)
           SELECT i, 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, 100000) AS i`,
        );
        // The head commit's "migration" dropped this index: its database simply never had it.
        if (name === USERS_BASE_DB) await client.query('CREATE INDEX users_email_idx ON users (email)');
        await client.query('ANALYZE users');
      } finally {
        await client.end();
      }
    }
  } finally {
    await admin.end();
  }
}

const slugOf = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '-');
const manifest: ConditionManifest[] = [];

async function runCondition(
  repo: string,
  rawDir: string,
  baseSha: string,
  c: Condition,
  upstream: string,
  env: Record<string, string>,
  /** Numbers this call's results files after an earlier call's for the same condition (--aa-restarts). */
  firstFile = 0,
): Promise<ConditionResult> {
  const started = Date.now();
  // The calibration's files go to a subfolder, outside the side-by-side table.
  if (c.name === 'calibrate') {
    rawDir = path.join(rawDir, 'calibrate');
    mkdirSync(rawDir, { recursive: true });
  } else if (!manifest.some((m) => m.slug === slugOf(c.name))) {
    manifest.push({ slug: slugOf(c.name), name: c.name });
    writeFileSync(path.join(rawDir, 'conditions.json'), JSON.stringify(manifest, null, 2) + '\n');
  }
  git(repo, 'checkout', '-q', '-B', `cond-${slugOf(c.name)}`, baseSha);
  writeFileSync(path.join(repo, 'slowdown-us'), `${WORK_US + c.slowdownUs}\n`);
  writeFileSync(path.join(repo, 'tail-ms'), `${c.tailMs}\n`);
  writeFileSync(path.join(repo, 'database'), `${c.headDatabase ?? USERS_BASE_DB}\n`);
  writeFileSync(path.join(repo, 'NOTE'), `condition ${c.name}\n`);
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', c.name);

  const tally = { regressed: {} as Record<string, number>, improved: {} as Record<string, number>, inconclusive: {} as Record<string, number> };
  for (const m of METRICS) for (const t of Object.values(tally)) t[m] = 0;
  const changes: Record<string, number[]> = Object.fromEntries(METRICS.map((m) => [m, []]));
  const baseCpu: number[] = [];
  let anyRegressed = 0;
  let done = 0;
  while (done < c.comparisons) {
    const n = Math.min(PER_RUN, c.comparisons - done);
    const configFile = path.join(repo, 'perfgate.yml');
    writeFileSync(configFile, configYaml(c, baseSha, n, upstream));
    const runStarted = Date.now();
    const loadBefore = os.loadavg()[0];
    const others = sampleOtherCpu();
    const outFile = path.join(rawDir, `${slugOf(c.name)}-${firstFile + done}.json`);
    const trace = args.trace ? startTrace(outFile) : undefined;
    // A run that fails keeps its trace and progress lines too: they may say why.
    const outcome = await runPipeline({
      configFile,
      outFile,
      env,
      progress: (line) => {
        trace?.progress(line);
        if (/conclusive after|budget reached|maxRounds reached|\(fixed\)|round \d+\/\d+: .*error|warning|failed|ready in/.test(line)) process.stderr.write(`  ${c.name}: ${line}\n`);
      },
    }).finally(() => trace?.stop());
    const config = await loadConfig(configFile, { env: { ...process.env, ...env } });
    const comparison = compareRuns({ head: outcome.results, config, pairing: 'paired' });
    const otherCpu = others.stop() ?? null;
    if (args.ledger && c.name !== 'calibrate') appendLedger(args.ledger, c, config.baseline.turns, outcome.results, comparison, runStarted, loadBefore, otherCpu);
    for (const s of comparison.scenarios) {
      if (s.status !== 'compared') throw new Error(`scenario ${s.name}: ${s.status} ${s.error ?? ''} ${s.notes.join('; ')}`);
      // The check fails when any compared metric regressed, not only the ones tabulated here.
      if (s.metrics.some((m) => m.verdict === 'regressed')) anyRegressed++;
      for (const m of s.metrics) {
        if (!METRICS.includes(m.metric)) continue;
        changes[m.metric].push(m.change);
        if (m.verdict === 'regressed') tally.regressed[m.metric]++;
        if (m.verdict === 'improved') tally.improved[m.metric]++;
        if (m.verdict === 'inconclusive') tally.inconclusive[m.metric]++;
        if (m.metric === 'cpuUsPerRequest') baseCpu.push(m.base);
      }
    }
    done += n;
    process.stderr.write(`${c.name}: ${done}/${c.comparisons} comparisons, ${anyRegressed} with a regression (${((Date.now() - started) / 1000).toFixed(0)}s)\n`);
  }
  return {
    condition: c,
    comparisons: done,
    ...tally,
    anyRegressed,
    medianChange: Object.fromEntries(METRICS.map((m) => [m, median(changes[m])])),
    baseCpuUsPerRequest: median(baseCpu),
    wallSeconds: (Date.now() - started) / 1000,
  };
}

/** The placement sampler beside one run, and the run's progress lines with their times (--trace). */
function startTrace(outFile: string): { progress(line: string): void; stop(): void } {
  const base = outFile.replace(/\.json$/, '');
  const sampler = spawn(process.execPath, [path.join(ROOT, 'bench', 'placement-sampler.cjs'), String(process.pid), `${base}.trace.jsonl`], { stdio: 'ignore' });
  const lines: string[] = [];
  return {
    progress: (line) => lines.push(JSON.stringify([Date.now(), line])),
    stop: () => {
      sampler.kill('SIGTERM');
      writeFileSync(`${base}.progress.jsonl`, lines.join('\n') + '\n');
    },
  };
}

/** One condition measured in several calls (--aa-restarts both): counts add up, medians are of the parts. */
function mergeResults(parts: ConditionResult[]): ConditionResult {
  const sum = (pick: (r: ConditionResult) => Record<string, number>) => Object.fromEntries(METRICS.map((m) => [m, parts.reduce((a, r) => a + pick(r)[m], 0)]));
  return {
    condition: { ...parts[0].condition, comparisons: parts.reduce((a, r) => a + r.comparisons, 0) },
    comparisons: parts.reduce((a, r) => a + r.comparisons, 0),
    regressed: sum((r) => r.regressed),
    improved: sum((r) => r.improved),
    inconclusive: sum((r) => r.inconclusive),
    anyRegressed: parts.reduce((a, r) => a + r.anyRegressed, 0),
    medianChange: Object.fromEntries(METRICS.map((m) => [m, median(parts.map((r) => r.medianChange[m]))])),
    baseCpuUsPerRequest: median(parts.map((r) => r.baseCpuUsPerRequest)),
    wallSeconds: parts.reduce((a, r) => a + r.wallSeconds, 0),
  };
}

/** Seconds of load a scenario took: alternating rounds run one side after the other, simultaneous ones overlap. */
function loadSeconds(head: ScenarioResult, base: ScenarioResult | undefined, schedule: Schedule): number {
  const sum = (rounds: { durationMs: number }[] | undefined) => (rounds ?? []).reduce((a, r) => a + r.durationMs, 0);
  const paired = schedule === 'alternating' ? sum(head.load?.rounds) + sum(base?.load?.rounds) : sum(head.load?.rounds);
  return (paired + sum(head.solo?.rounds)) / 1000;
}

function appendLedger(file: string, c: Condition, turnsConfigured: number, results: Results, comparison: Comparison, runStarted: number, loadBefore: number, otherCpu: OtherCpu | null): void {
  const lines = comparison.scenarios.map((s) => {
    const head = results.scenarios.find((x) => x.name === s.name)!;
    const base = results.base?.scenarios.find((x) => x.name === s.name);
    return JSON.stringify({
      when: new Date().toISOString(),
      benchCommit: BENCH_COMMIT,
      ...(BOOT_ID ? { bootId: BOOT_ID } : {}),
      // The machine as the results describe it (CPU model, kernel): a reboot can bring another kind
      // of host, and on 2026-12-06 one did (AMD EPYC to Intel Xeon), with its own noise level.
      runner: results.meta.runner,
      condition: c.name,
      schedule: c.schedule,
      restarts: c.restarts,
      // baseline.turns as the config resolved it: stop.turns says what a scenario took, which is fewer
      // when a turn would complete too few requests (turnsFor).
      turnsConfigured,
      slowdownUs: c.slowdownUs,
      ...(WORK_US > 0 && c.service === 'bookshop' ? { workUs: WORK_US } : {}),
      neighbour: args.neighbour ? Number(args['neighbour-seed']) : null,
      ...(NEIGHBOUR.cpu !== undefined ? { neighbourCpu: NEIGHBOUR.cpu } : {}),
      ...(NEIGHBOUR.minDuty !== undefined ? { neighbourDuty: [NEIGHBOUR.minDuty, NEIGHBOUR.maxDuty] } : {}),
      // The placement sampler ran beside it (--trace); what it cost is the trace's "s" line, which
      // bench/placement.ts prints.
      ...(args.trace ? { traced: true } : {}),
      loadAverage: [Number(loadBefore.toFixed(2)), Number(os.loadavg()[0].toFixed(2))],
      // Cores used beside the bench during the run: what tells "other jobs" apart (bench/ledger.ts).
      otherCpu,
      runSeconds: Math.round((Date.now() - runStarted) / 1000),
      scenariosInRun: comparison.scenarios.length,
      scenario: s.name,
      status: s.status,
      failed: s.metrics.some((m) => m.verdict === 'regressed'),
      metrics: Object.fromEntries(s.metrics.map((m) => [m.metric, { verdict: m.verdict, change: Number(m.change.toFixed(5)) }])),
      stop: head.stop,
      loadSeconds: Number(loadSeconds(head, base, c.schedule).toFixed(1)),
    });
  });
  appendFileSync(file, lines.join('\n') + '\n');
}

const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}%`;

function table(results: ConditionResult[]): string {
  const head = '| condition | comparisons | rps regressed | CPU/request regressed | p50 regressed | p99 regressed | any metric regressed | median change rps / CPU / p99 |';
  const rows = results.map((r) => {
    const cells = METRICS.map((m) => `${r.regressed[m]} (${pct(r.regressed[m], r.comparisons)})`);
    const ch = ['rps', 'cpuUsPerRequest', 'p99'].map((m) => `${(r.medianChange[m] * 100).toFixed(1)}%`).join(' / ');
    return `| ${r.condition.name} | ${r.comparisons} | ${cells.join(' | ')} | ${r.anyRegressed} (${pct(r.anyRegressed, r.comparisons)}) | ${ch} |`;
  });
  return [head, '|---|--:|--:|--:|--:|--:|--:|--:|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'perfgate-aa-power-'));
  const repo = path.join(work, 'repo');
  mkdirSync(repo);
  const rawDir = path.resolve(args.raw ?? path.join(os.tmpdir(), `perfgate-aa-power-raw-${process.pid}`));
  mkdirSync(rawDir, { recursive: true });
  process.stderr.write(`results files: ${rawDir}\n`);
  const db = await startEmbeddedPostgres();
  const neighbour = args.neighbour ? startNoisyNeighbour(NEIGHBOUR) : undefined;
  if (neighbour) {
    const pinned = NEIGHBOUR.cpu === undefined ? '' : `, pinned to CPU ${NEIGHBOUR.cpu}`;
    const duty = args['neighbour-duty'] ? `, duty ${NEIGHBOUR.minDuty}–${NEIGHBOUR.maxDuty}` : '';
    process.stderr.write(`noisy neighbour running (seed ${args['neighbour-seed']}${pinned}${duty})\n`);
  }
  try {
    const env = { PGHOST: db.host, PGPORT: String(db.port), PGUSER: db.user, PGPASSWORD: db.password, PGDATABASE: db.database };
    execFileSync(process.execPath, [path.join(EXAMPLE, 'seed.js')], { env: { ...process.env, DATABASE_URL: db.url }, stdio: 'inherit' });
    if (DROPPED_INDEX > 0) await seedUsersDatabases(db);
    const baseSha = makeRepo(repo);
    const upstream = `${db.host}:${db.port}`;
    const results: ConditionResult[] = [];

    const aaLoad = args['aa-duration'] ? `{ duration: ${args['aa-duration']}, warmup: 500ms }` : '';
    const condition = (name: string, spec: ConditionSpec): Condition => {
      const { comparisons, slowdownUs = 0, tailMs = 0, load = '', schedule = SCHEDULE, restarts = RESTARTS, turns = TURNS, service = 'bookshop' } = spec;
      // The turns perfgate will use, as normalize resolves them (simultaneous rounds run in one turn).
      const resolvedTurns = turns ?? (schedule === 'simultaneous' ? 1 : DEFAULTS.baseline.turns);
      const suffixes = [
        // --work-us changes only the bookshop; the calibration's name is looked up as it is.
        WORK_US > 0 && service === 'bookshop' && name !== 'calibrate' ? `CPU-bound ${WORK_US} µs` : '',
        schedule === SCHEDULE ? '' : schedule,
        restarts === RESTARTS ? '' : `restarts ${restarts}`,
        turns === TURNS ? '' : `${resolvedTurns} turn${resolvedTurns === 1 ? '' : 's'}`,
      ].filter((suffix) => suffix !== '');
      return {
        name: [name, ...suffixes].join(', '),
        service,
        slowdownUs,
        tailMs,
        comparisons,
        load,
        schedule,
        restarts,
        ...(turns === undefined ? {} : { turns }),
      };
    };

    // The injected cost is a share of the service's own CPU per request, measured first under the
    // very settings the power conditions use (default rounds, the same schedule): CPU per request
    // depends on the load a round puts on the machine.
    // (Only needed when there are CPU levels to size.)
    const cpu = LEVELS.length === 0 ? 0 : args['cpu-us'] ? Number(args['cpu-us']) : (await runCondition(repo, rawDir, baseSha, condition('calibrate', { comparisons: 3 }), upstream, env)).baseCpuUsPerRequest;
    if (LEVELS.length > 0) process.stderr.write(`service CPU per request (base, default settings): ${cpu.toFixed(1)} µs\n`);
    const compareAt = args['compare-schedule'] === undefined ? undefined : Number(args['compare-schedule']);
    for (const level of LEVELS) {
      const slowdownUs = Math.round((cpu * level) / 100);
      results.push(await runCondition(repo, rawDir, baseSha, condition(`+${level}% CPU (+${slowdownUs} µs)`, { comparisons: POWER, slowdownUs }), upstream, env));
      if (level === compareAt) {
        results.push(await runCondition(repo, rawDir, baseSha, condition(`+${level}% CPU (+${slowdownUs} µs)`, { comparisons: POWER, slowdownUs, schedule: OTHER_SCHEDULE }), upstream, env));
      }
    }
    for (const tailMs of TAILS_MS) {
      results.push(await runCondition(repo, rawDir, baseSha, condition(`tail: 1% of requests +${tailMs} ms`, { comparisons: POWER, tailMs }), upstream, env));
    }
    // The shared-resource condition under both schedules: does either cancel head's slower query?
    if (DROPPED_INDEX > 0) {
      for (const schedule of args['dropped-index-schedules'] === 'default' ? [SCHEDULE] : [SCHEDULE, OTHER_SCHEDULE]) {
        const c = { ...condition('dropped index (users by email)', { comparisons: DROPPED_INDEX, schedule, service: 'users' }), headDatabase: USERS_HEAD_DB };
        results.push(await runCondition(repo, rawDir, baseSha, c, upstream, env));
      }
    }
    // A/A last: the order of conditions does not matter to any of them, and with adaptive rounds the
    // A/A comparisons take longest (they stop only when every metric is shown unchanged), so a sitting
    // that ends early has the detection figures in hand.
    if (AA > 0 && args['aa-restarts'] === 'both') {
      // One run of each rule in turn, so both meet the same machine states.
      const other: Restarts = RESTARTS === 'auto' ? 'never' : 'auto';
      const byRule = new Map<Restarts, ConditionResult[]>([[RESTARTS, []], [other, []]]);
      for (let done = 0; done < AA; done += PER_RUN) {
        const n = Math.min(PER_RUN, AA - done);
        for (const restarts of [RESTARTS, other]) {
          byRule.get(restarts)!.push(await runCondition(repo, rawDir, baseSha, condition('A/A', { comparisons: n, load: aaLoad, restarts }), upstream, env, done));
        }
      }
      for (const parts of byRule.values()) results.push(mergeResults(parts));
    } else if (AA > 0 && AA_TURNS !== undefined) {
      const byRule = new Map<number | undefined, ConditionResult[]>([[TURNS, []], [AA_TURNS, []]]);
      for (let done = 0; done < AA; done += PER_RUN) {
        const n = Math.min(PER_RUN, AA - done);
        for (const turns of byRule.keys()) {
          byRule.get(turns)!.push(await runCondition(repo, rawDir, baseSha, condition('A/A', { comparisons: n, load: aaLoad, turns }), upstream, env, done));
        }
      }
      for (const parts of byRule.values()) results.push(mergeResults(parts));
    } else if (AA > 0) results.push(await runCondition(repo, rawDir, baseSha, condition('A/A', { comparisons: AA, load: aaLoad }), upstream, env));

    const md = table(results);
    const sideBySide = measuredRulesTable(readComparisons(rawDir));
    process.stdout.write(`\n${md}\n\nThe same rounds, other decision rules:\n\n${sideBySide}\n`);
    if (args.json) {
      mkdirSync(path.dirname(args.json), { recursive: true });
      const record = { when: new Date().toISOString(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, results, sideBySide };
      writeFileSync(args.json, JSON.stringify(record, null, 2) + '\n');
    }
  } finally {
    await neighbour?.stop();
    await db.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
