// Measuring: bring the service(s) up, then per scenario probe → query probes → warm-up → rounds.
// In rerun mode the base commit runs beside the head and rounds are paired. The default schedule
// loads both sides at the same time in every round (each with its own connections), so whatever the
// machine does during a round it does to both — on 2 shared cores this halved the per-round noise
// of every metric against the alternating schedule (docs/verdicts.md), which runs one side after
// the other in a randomized order (AB or BA per round). Simultaneous rounds share the machine, so
// the head then also runs a few rounds alone: those carry its absolute numbers (budgets).
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { expandServiceConfig } from './config/expand.js';
import type { PerfgateConfig, RerunSchedule, ScenarioConfig, ServiceConfig } from './config/types.js';
import { EnvironmentError, PerfgateError } from './errors.js';
import { aggregateRounds, probeRequest, runLoad, runWarmup } from './load/index.js';
import { freePort } from './net/free-port.js';
import { probeQueries } from './queries/probe.js';
import { startQueryProxy, type QueryProxy } from './queries/proxy.js';
import { RESULTS_SCHEMA, type LoadResult, type Results, type RoundResult, type ScenarioResult } from './results/types.js';
import { runBuild, startService, type RunningService } from './service/index.js';
import { registerChild } from './service/registry.js';
import { withoutRunnerCredentials } from './service/child-env.js';
import { prepareBaseWorktree, type BaseWorktree } from './rerun/worktree.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export interface MeasureOptions {
  config: PerfgateConfig;
  progress: (line: string) => void;
  scenarioFilter?: (name: string, index: number) => boolean;
  env: Record<string, string>;
  signal?: AbortSignal;
  baselineRef?: string;
}

type Side = 'head' | 'base';

interface Target {
  side: Side;
  service: RunningService;
  proxy?: QueryProxy;
  dialect?: 'postgres' | 'mysql';
  baseUrl: string;
}

/** Runs every scenario and returns results; `onPartial` gets what exists so far if a later step throws. */
export async function measure(options: MeasureOptions, onPartial: (partial: Results) => void): Promise<Results> {
  const { config, progress } = options;
  const rerun = config.baseline.source === 'rerun';
  const logDir = path.join(os.tmpdir(), `perfgate-${process.pid}`);
  mkdirSync(logDir, { recursive: true });
  const results = emptyResults(config, rerun);
  const cleanups: (() => Promise<void>)[] = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

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
    const head = await bringUp('head', config.service, options, logDir, cleanups);
    const targets: Target[] = [head];
    if (worktree) {
      const baseService = { ...config.service, cwd: worktree.mapPath(config.service.cwd) };
      targets.push(await bringUp('base', baseService, options, logDir, cleanups));
    }

    const selected = config.scenarios.filter((s, i) => !options.scenarioFilter || options.scenarioFilter(s.name, i));
    for (const [index, scenario] of selected.entries()) {
      if (options.signal?.aborted) throw new EnvironmentError('interrupted');
      const label = `[${index + 1}/${selected.length}] ${scenario.name}`;
      const measured = await measureScenario(scenario, targets, config.baseline.schedule, (line) => progress(`${label}: ${line} (${elapsed()})`), options.signal);
      results.scenarios.push(measured.head);
      if (results.base && measured.base) results.base.scenarios.push(measured.base);
      onPartial(results);
    }
    return results;
  } catch (error) {
    onPartial(results);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((e: unknown) => progress(`cleanup failed: ${(e as Error).message}`));
    }
  }
}

async function bringUp(side: Side, serviceConfig: ServiceConfig, options: MeasureOptions, logDir: string, cleanups: (() => Promise<void>)[]): Promise<Target> {
  const { config, progress } = options;
  const exports: Record<string, string> = { PERFGATE_SIDE: side, PERFGATE_PORT: String(await freePort()) };
  let proxy: QueryProxy | undefined;
  if (config.database) {
    try {
      proxy = await startQueryProxy({
        protocol: config.database.protocol,
        upstream: config.database.upstream,
        // Statements are only needed during the query probes (which switch recording on);
        // keeping every statement of the load rounds would grow memory without bound.
        keepStatements: false,
      });
    } catch (error) {
      throw new EnvironmentError(`could not start the ${config.database.protocol} query proxy: ${(error as Error).message}`);
    }
    cleanups.push(() => proxy!.close());
    exports.PERFGATE_DB_HOST = proxy.host;
    exports.PERFGATE_DB_PORT = String(proxy.port);
    progress(`${side}: ${config.database.protocol} query proxy on ${proxy.host}:${proxy.port} → ${config.database.upstream.host}:${config.database.upstream.port}`);
  }
  const vars = { ...process.env, ...options.env, ...exports } as Record<string, string>;
  const service = expandServiceConfig(serviceConfig, vars);
  const env = { ...options.env, ...exports };
  if (service.build) {
    progress(`${side}: building: ${service.build}`);
    await runBuild({ command: service.build, cwd: service.cwd, env: { ...service.env, ...env }, logFile: path.join(logDir, `${side}-build.log`), progress });
  }
  progress(`${side}: starting: ${service.start}`);
  const running = await startService({ name: side, config: service, extraEnv: env, logFile: path.join(logDir, `${side}-service.log`), progress });
  cleanups.push(() => running.stop());
  progress(`${side}: ready at ${service.baseUrl} (log: ${running.logFile})`);
  return { side, service: running, proxy, dialect: config.database?.protocol, baseUrl: service.baseUrl };
}

interface ScenarioMeasurement {
  head: ScenarioResult;
  base?: ScenarioResult;
}

/** Rounds of the head alone after simultaneous rounds: enough for budgets, a quarter of the load. */
export function soloRoundsFor(rounds: number): number {
  return Math.max(3, Math.ceil(rounds / 4));
}

async function measureScenario(
  scenario: ScenarioConfig,
  targets: Target[],
  schedule: RerunSchedule,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<ScenarioMeasurement> {
  const out = new Map<Side, ScenarioResult>();
  for (const t of targets) out.set(t.side, { name: scenario.name, request: { method: scenario.request.method, path: scenario.request.shownPath ?? scenario.request.path } });
  const tag = (t: Target) => (targets.length > 1 ? `${t.side} ` : '');

  const live: Target[] = [];
  for (const target of targets) {
    try {
      await probeRequest(target.baseUrl, scenario.request);
      live.push(target);
    } catch (error) {
      if (!(error instanceof PerfgateError)) throw error;
      out.get(target.side)!.error = error.message;
      progress(`${tag(target)}probe failed: ${error.message}`);
    }
  }
  if (live.length !== targets.length) return collect(out);

  for (const target of live) {
    if (target.proxy || scenario.queries.header) {
      progress(`${tag(target)}counting queries (${scenario.queries.probes} probes)`);
      const queries = await probeQueries({ baseUrl: target.baseUrl, scenario, proxy: target.proxy, dialect: target.dialect });
      out.get(target.side)!.queries = queries;
      progress(`${tag(target)}${queries.perRequest} statements/request${queries.stable ? '' : ' (unstable)'}${queries.nPlusOne.length ? `, ${queries.nPlusOne.length} N+1 suspect(s)` : ''}`);
    }
  }

  const loadOptions = (t: Target, durationMs: number) => ({
    baseUrl: t.baseUrl,
    request: scenario.request,
    connections: scenario.load.connections,
    durationMs,
    pipelining: scenario.load.pipelining,
    timeoutMs: scenario.load.timeoutMs,
    meter: t.service.meter,
    signal,
  });
  const together = live.length > 1 && schedule === 'simultaneous';
  if (scenario.load.warmupMs > 0) {
    // Failures during warm-up do not reach the numbers, but they say the service is not ready for
    // the load (a cold pool timing out, a crash loop): worth a line in the progress output.
    const reportWarmup = (target: Target, warm: RoundResult): void => {
      const failed = warm.errors + warm.non2xx;
      if (failed > 0) progress(`${tag(target)}warning: ${failed} of ${warm.requests + warm.errors} warm-up requests failed`);
    };
    if (together) {
      progress(`warm-up ${scenario.load.warmupMs / 1000}s (base and head at once)`);
      const warm = await Promise.all(live.map((t) => runWarmup(loadOptions(t, scenario.load.warmupMs))));
      warm.forEach((w, i) => reportWarmup(live[i]!, w));
    } else {
      for (const target of live) {
        progress(`${tag(target)}warm-up ${scenario.load.warmupMs / 1000}s`);
        reportWarmup(target, await runWarmup(loadOptions(target, scenario.load.warmupMs)));
      }
    }
  }

  const rounds = new Map<Side, RoundResult[]>(live.map((t) => [t.side, []]));
  const record = (target: Target, round: RoundResult, label: string, into: RoundResult[]): void => {
    if (live.length > 1) round.side = target.side;
    into.push(round);
    if (!target.service.isRunning()) {
      throw new EnvironmentError(`the ${target.side} service exited during load on scenario "${scenario.name}"`, target.service.tailLog(40));
    }
    progress(`${tag(target)}${label}: ${describeRound(round)}`);
  };
  for (let r = 0; r < scenario.rounds; r++) {
    if (signal?.aborted) throw new EnvironmentError('interrupted');
    const label = `round ${r + 1}/${scenario.rounds}`;
    // Randomized order per round (RMIT): a fixed order would give one side a systematic position —
    // running first, or, in a simultaneous round, opening its connections first and having its
    // responses handled first by the load generator they share.
    const order = live.length > 1 && Math.random() < 0.5 ? [...live].reverse() : live;
    if (together) {
      const measured = await Promise.all(order.map((t) => runLoad(loadOptions(t, scenario.load.durationMs))));
      measured.forEach((round, i) => record(order[i]!, round, label, rounds.get(order[i]!.side)!));
      continue;
    }
    for (const target of order) {
      if (signal?.aborted) throw new EnvironmentError('interrupted');
      record(target, await runLoad(loadOptions(target, scenario.load.durationMs)), label, rounds.get(target.side)!);
    }
  }
  if (together) {
    const head = live.find((t) => t.side === 'head')!;
    const solo: RoundResult[] = [];
    const count = soloRoundsFor(scenario.rounds);
    for (let r = 0; r < count; r++) {
      if (signal?.aborted) throw new EnvironmentError('interrupted');
      record(head, await runLoad(loadOptions(head, scenario.load.durationMs)), `alone ${r + 1}/${count} (budgets)`, solo);
    }
    const alone = aggregateRounds(solo);
    out.get('head')!.solo = alone;
    for (const warning of alone.warnings ?? []) progress(`head alone: warning: ${warning}`);
  }
  for (const target of live) {
    const load: LoadResult = aggregateRounds(rounds.get(target.side)!);
    out.get(target.side)!.load = load;
    for (const warning of load.warnings ?? []) progress(`${tag(target)}warning: ${warning}`);
  }
  return collect(out);
}

function collect(out: Map<Side, ScenarioResult>): ScenarioMeasurement {
  return { head: out.get('head')!, base: out.get('base') };
}

function describeRound(round: RoundResult): string {
  const failures = round.errors + round.non2xx > 0 ? `, ${round.errors} errors, ${round.non2xx} non-2xx` : '';
  return `${Math.round(round.rps)} req/s, p50 ${formatUs(round.latencyUs.p50)}, p99 ${formatUs(round.latencyUs.p99)}${failures}`;
}

function formatUs(us: number): string {
  return us < 1000 ? `${us}µs` : `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)}ms`;
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
