// Measuring: bring the service(s) up, count each scenario's queries, then time each scenario.
//
// With a database, a side is booted twice (database.timing: direct, the default): first through
// perfgate's query proxy for the count pass (every scenario's query probes), then straight to the
// database for the timing pass (warm-up and rounds). A TCP relay on the same 2 cores costs about as
// much as a fast query: measured through the proxy, a 1-SELECT endpoint read +23–45% p50. The extra
// boot is the price, recorded per pass in the results. Counting before any load also keeps counts
// independent of what ran before: no request of a load round is still running during a probe.
// `database.timing: proxied` keeps one boot (counting first, then timing through the proxy).
//
// In rerun mode the base commit runs beside the head: both are up for the count pass, their query
// probes interleaved in time (src/queries/probe.ts), and timed in paired rounds (src/measure/timing.ts).
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { MetricKey } from './compare/metrics.js';
import type { PerfgateConfig, ScenarioConfig } from './config/types.js';
import { EnvironmentError, PerfgateError } from './errors.js';
import { describeConnections, loadAutocannon, probeRequest, type ConnectionPlan } from './load/index.js';
import { freePort } from './net/free-port.js';
import { probeQueriesInterleaved } from './queries/probe.js';
import { RESULTS_SCHEMA, type PassRecord, type Results, type ScenarioResult } from './results/types.js';
import { registerChild } from './service/registry.js';
import { createLogDir } from './service/log-dir.js';
import { withoutRunnerCredentials } from './service/child-env.js';
import { prepareBaseWorktree, type BaseWorktree } from './rerun/worktree.js';
import { bootSide, type BootedSide, type PassKind, type Side, type SideSpec } from './measure/side.js';
import { timeScenario } from './measure/timing.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export { soloRoundsFor } from './measure/timing.js';

export interface MeasureOptions {
  config: PerfgateConfig;
  progress: (line: string) => void;
  scenarioFilter?: (name: string, index: number) => boolean;
  /**
   * Rerun mode: the metrics whose paired verdicts are wanted for a scenario (confirmation by rerun
   * asks only for those it re-judges); adaptive rounds stop once these are decided. Undefined for a
   * scenario: every metric that can fail the check.
   */
  decideOnly?: (scenario: string) => readonly MetricKey[] | undefined;
  env: Record<string, string>;
  signal?: AbortSignal;
  baselineRef?: string;
  /** Keep the service and build logs even when the run succeeds (service/log-dir.ts). */
  keepLogs?: boolean;
  /**
   * Started once the first service is spawned and awaited before the first request: the caller's
   * work (the action's GitHub calls) shares the service's boot, never a measurement. Must not reject.
   */
  whileBooting?: () => Promise<unknown>;
}

/** Per scenario, per side: what has been measured so far. */
type Measured = Map<Side, ScenarioResult>[];
/** Per scenario, per side: how the rounds connect (from the HTTP probe). */
type Plans = Map<Side, ConnectionPlan>[];

/** Runs every scenario and returns results; `onPartial` gets what exists so far if a later step throws. */
export async function measure(options: MeasureOptions, onPartial: (partial: Results) => void): Promise<Results> {
  const { config, progress } = options;
  const rerun = config.baseline.source === 'rerun';
  const logDir = createLogDir({ keep: options.keepLogs, progress });
  const results = emptyResults(config, rerun);
  const cleanups: (() => Promise<void>)[] = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const selected = config.scenarios.filter((s, i) => !options.scenarioFilter || options.scenarioFilter(s.name, i));
  const measured: Measured = selected.map(() => new Map());
  const plans: Plans = selected.map(() => new Map());
  const passes: PassRecord[] = [];
  results.meta.passes = passes;
  const publish = () => {
    results.scenarios = measured.map((m) => m.get('head')!).filter(Boolean);
    if (results.base) results.base.scenarios = measured.map((m) => m.get('base')).filter((s): s is ScenarioResult => s !== undefined);
  };

  try {
    let worktree: BaseWorktree | undefined;
    if (rerun) {
      worktree = await prepareBaseWorktree({ configFile: config.file, ref: options.baselineRef ?? config.baseline.ref, progress });
      // Also on SIGINT/SIGTERM, which exit from the signal handler without reaching `finally`.
      const checkout = worktree;
      const unregister = registerChild({ stop: () => checkout.remove(), killNow: () => checkout.removeSync() });
      cleanups.push(async () => {
        unregister();
        await checkout.remove();
      });
      results.base = { commit: worktree.commit, ref: worktree.ref, scenarios: [] };
    }
    const specs: SideSpec[] = [{ side: 'head', service: config.service, port: await freePort() }];
    if (worktree) specs.push({ side: 'base', service: { ...config.service, cwd: worktree.mapPath(config.service.cwd) }, port: await freePort() });
    for (const [i, scenario] of selected.entries()) {
      for (const spec of specs) measured[i]!.set(spec.side, { name: scenario.name, request: { method: scenario.request.method, path: scenario.request.shownPath ?? scenario.request.path } });
    }

    const counting = config.database !== undefined || selected.some((s) => s.queries.header !== undefined);
    const separateTiming = config.database !== undefined && config.database.timing === 'direct';
    const built = new Set<Side>();
    // Loading the load generator and the caller's work wait for the first spawn: until then they
    // would only delay it, and the service boots on the other core while they run.
    let overlapped: Promise<unknown> | undefined;
    const overlap = () => {
      overlapped ??= Promise.all([loadAutocannon().catch(() => {}), options.whileBooting?.()]);
    };
    const boot = async (spec: SideSpec, pass: PassKind, restart = false) => {
      const build = !built.has(spec.side);
      built.add(spec.side);
      const booted = await bootSide({
        spec,
        pass,
        database: config.database,
        proxied: pass !== 'timing' || !separateTiming,
        build,
        env: options.env,
        logDir,
        progress,
        cleanups,
        // A restart between blocks of rounds is counted in the scenario's stop info, not as a pass.
        record: (p) => {
          if (!restart) passes.push(p);
        },
        onSpawned: overlap,
        announce: !restart,
      });
      await overlapped;
      return booted;
    };
    const label = (i: number) => `[${i + 1}/${selected.length}] ${selected[i]!.name}`;

    // Count pass: every scenario's probes, before any load.
    const kept = new Map<Side, BootedSide>();
    if (counting) {
      if (config.database) {
        progress(
          separateTiming
            ? 'count pass: each side boots through the query proxy for the query probes, then reboots straight to the database for the timed rounds'
            : 'database.timing: proxied: one boot per side; the timed rounds go through the query proxy too',
        );
      }
      // Both sides up for the count pass, their probes interleaved (probeQueriesInterleaved says why).
      const counted: BootedSide[] = [];
      for (const spec of specs) counted.push(await boot(spec, separateTiming ? 'count' : 'both'));
      for (const [i, scenario] of selected.entries()) {
        if (options.signal?.aborted) throw new EnvironmentError('interrupted');
        await countScenario(scenario, counted, measured[i]!, plans[i]!, (line) => progress(`${label(i)}: ${line} (${elapsed()})`));
        publish();
        onPartial(results);
      }
      for (const booted of counted) {
        if (separateTiming) await booted.stop();
        else kept.set(booted.side, booted);
      }
    }

    // Timing pass: every side up at once (paired rounds need both), the proxy out of the path.
    // `let`: a scenario that restarts the sides hands the new ones on to the next (ScenarioTiming.sides).
    let sides: BootedSide[] = [];
    for (const spec of specs) sides.push(kept.get(spec.side) ?? (await boot(spec, counting ? 'timing' : 'both')));
    // A new process pair between blocks of rounds (src/measure/restarts.ts): both stop before either
    // boots, so a boot never shares the machine with the other side's service.
    const restart = async (current: readonly BootedSide[]): Promise<BootedSide[]> => {
      for (const s of current) await s.stop();
      const next: BootedSide[] = [];
      for (const s of current) next.push(await boot(specs.find((spec) => spec.side === s.side)!, s.pass, true));
      return next;
    };
    let loadMs = 0;
    for (const [i, scenario] of selected.entries()) {
      if (options.signal?.aborted) throw new EnvironmentError('interrupted');
      const line = (text: string) => progress(`${label(i)}: ${text} (${elapsed()})`);
      const out = measured[i]!;
      if (!counting) for (const s of sides) await probeHttp(scenario, s, out.get(s.side)!, plans[i]!, sides.length > 1, line);
      if (sides.some((s) => out.get(s.side)!.error !== undefined)) continue;
      const scenarioStarted = Date.now();
      // The run's budget is shared fairly: a scenario may use its part of what is left, so a slow
      // first scenario cannot leave the last ones a single block.
      const share = (config.baseline.timeBudgetMs - loadMs) / (selected.length - i);
      const timing = await timeScenario({
        scenario,
        sides,
        plans: plans[i]!,
        schedule: config.baseline.schedule,
        turns: config.baseline.turns,
        failOn: config.failOn,
        decide: options.decideOnly?.(scenario.name),
        progress: line,
        signal: options.signal,
        runBudgetLeftMs: () => share - (Date.now() - scenarioStarted),
        ...(config.baseline.restarts === 'auto' ? { restart } : {}),
      });
      loadMs += Date.now() - scenarioStarted;
      sides = timing.sides;
      for (const s of sides) {
        const result = out.get(s.side)!;
        result.load = timing.load.get(s.side);
        result.stop = timing.stop;
      }
      if (timing.solo) out.get('head')!.solo = timing.solo;
      publish();
      onPartial(results);
    }
    publish();
    return results;
  } catch (error) {
    publish();
    onPartial(results);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((e: unknown) => progress(`cleanup failed: ${(e as Error).message}`));
    }
  }
}

/**
 * The HTTP probe (a few requests on one connection): whether the endpoint answers, and how the rounds
 * must connect (a server that closes connections gets a new one per request). A failure is the
 * scenario's error, not the run's.
 */
async function probeHttp(
  scenario: ScenarioConfig,
  side: BootedSide,
  out: ScenarioResult,
  plans: Map<Side, ConnectionPlan>,
  paired: boolean,
  progress: (line: string) => void,
): Promise<boolean> {
  try {
    const { plan } = await probeRequest(side.baseUrl, scenario.request, { connection: scenario.load.connection, pipelining: scenario.load.pipelining });
    plans.set(side.side, plan);
    if (plan.connectionMode === 'close') {
      progress(`${paired ? `${side.side} ` : ''}${describeConnections(plan.requestsPerConnection ?? 1)}: the server closes connections (latency includes connecting)`);
    }
    return true;
  } catch (error) {
    if (!(error instanceof PerfgateError)) throw error;
    out.error = error.message;
    progress(`${paired ? `${side.side} ` : ''}probe failed: ${error.message}`);
    return false;
  }
}

async function countScenario(
  scenario: ScenarioConfig,
  sides: readonly BootedSide[],
  out: Map<Side, ScenarioResult>,
  plans: Map<Side, ConnectionPlan>,
  progress: (line: string) => void,
): Promise<void> {
  const paired = sides.length > 1;
  const counting: BootedSide[] = [];
  for (const side of sides) {
    if (!(await probeHttp(scenario, side, out.get(side.side)!, plans, paired, progress))) continue;
    if (side.proxy || scenario.queries.header !== undefined) counting.push(side);
  }
  if (counting.length === 0) return;
  progress(`counting queries (${scenario.queries.probes} probes${counting.length > 1 ? ` per side, ${counting.map((s) => s.side).join(' and ')} interleaved` : ''})`);
  const counts = await probeQueriesInterleaved(counting.map((side) => ({ baseUrl: side.baseUrl, scenario, proxy: side.proxy, dialect: side.dialect })));
  for (const [k, side] of counting.entries()) {
    const queries = counts[k]!;
    const tag = paired ? `${side.side} ` : '';
    out.get(side.side)!.queries = queries;
    progress(
      `${tag}${queries.perRequest} statements/request${queries.stable ? '' : ` (unstable: ${queries.perProbe.join(', ')})`}` +
        `${queries.nPlusOne.length ? `, ${queries.nPlusOne.length} N+1 suspect(s)` : ''}`,
    );
    for (const note of queries.notes ?? []) progress(`${tag}warning: ${note}`);
  }
}

function emptyResults(config: PerfgateConfig, rerun: boolean): Results {
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    meta: {
      commit: process.env.GITHUB_SHA ?? gitHeadCommit(path.dirname(config.file)),
      ref: process.env.GITHUB_REF ?? undefined,
      timestamp: new Date().toISOString(),
      runner: { os: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      mode: rerun ? 'rerun' : 'single',
      ...(rerun ? { schedule: config.baseline.schedule } : {}),
      ...(config.database ? { dbTiming: config.database.timing } : {}),
      configFile: path.relative(process.cwd(), config.file) || config.file,
    },
    scenarios: [],
  };
}

/** The commit the config's checkout is at, for the report footer; undefined outside a git repository. */
function gitHeadCommit(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: withoutRunnerCredentials(process.env) }).trim() || undefined;
  } catch {
    return undefined;
  }
}
