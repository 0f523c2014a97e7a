// Starting the user's service and waiting until it is ready, or failing with what the service printed.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceConfig } from '../config/types.js';
import { EnvironmentError } from '../errors.js';
import { formatMs } from './format.js';
import { spawnGroup, type ExitStatus, type ProcessGroup } from './group.js';
import { logDetails, tailLog } from './log.js';
import { createResourceMeter, type ResourceMeter } from './meter.js';
import { withoutRunnerCredentials } from './child-env.js';
import { describeProbe, isReady, probe, somethingListens, type ProbeResult } from './ready.js';

export interface StartOptions {
  name: string;
  config: ServiceConfig;
  /** Added after config.env, e.g. PERFGATE_DB_HOST/PORT. */
  extraEnv?: Record<string, string>;
  logFile: string;
  progress?: (line: string) => void;
  /** Called once the service is spawned, before waiting for it: work that can share its boot. */
  onSpawned?: () => void;
  /**
   * Whether to print the "starting" and "ready" lines (default true). A restart between blocks of
   * rounds says so in one line of its own; waiting and warnings are printed either way.
   */
  announce?: boolean;
}

export interface RunningService {
  pid: number;
  logFile: string;
  exited: Promise<ExitStatus>;
  isRunning(): boolean;
  tailLog(lines?: number): string;
  /** Tears down the whole process tree (SIGTERM, grace, SIGKILL). Idempotent. */
  stop(): Promise<void>;
  meter: ResourceMeter;
  /** Every pid recorded as part of the service's tree so far (diagnostics and tests). */
  knownPids(): number[];
}

/** Upper bound for one readiness attempt, so a hung endpoint cannot eat the whole ready timeout. */
const MAX_ATTEMPT_MS = 2000;
/** How often a still-waiting service is reported, so a slow start never looks hung. */
const PROGRESS_EVERY_MS = 5000;
const ADDRESS_IN_USE = /EADDRINUSE|address already in use/i;
/**
 * The pause while the connection is refused. A refused connection costs the service nothing, and
 * most services are ready as soon as they listen: polling at ready.interval (200 ms) there made
 * perfgate wait 100 ms on average past the boot.
 */
const REFUSED_POLL_MS = 20;

export async function startService(opts: StartOptions): Promise<RunningService> {
  const { name, config } = opts;
  const url = config.ready.url;
  if (!existsSync(config.cwd)) {
    throw new EnvironmentError(`service ${name}: working directory ${config.cwd} does not exist`, 'check service.cwd in the config');
  }

  // If the address answers before the service exists, "ready" would be a lie and perfgate would
  // benchmark whatever process already holds the port.
  const before = await probe(url, 1000);
  if (somethingListens(before)) {
    throw new EnvironmentError(
      `service ${name}: port already in use: ${url} answered (${describeProbe(before)}) before the service was started`,
      'Another process is listening on that address, and perfgate would benchmark it instead of your service.\n' +
        'Stop it (`ss -ltnp` shows who holds the port), or change the port in service.env and service.ready.url.',
    );
  }

  if (opts.announce !== false) opts.progress?.(`service ${name}: starting \`${config.start}\` (log: ${opts.logFile})`);
  const group = spawnGroup({
    command: config.start,
    cwd: config.cwd,
    env: { ...withoutRunnerCredentials(process.env), ...config.env, ...opts.extraEnv },
    logFile: opts.logFile,
    stopTimeoutMs: config.stopTimeoutMs,
  });
  opts.onSpawned?.();

  try {
    await waitUntilReady(group, opts);
  } catch (err) {
    await group.stop();
    if (err instanceof EnvironmentError) {
      // Details read after the teardown, so the service's last words are in the log.
      throw new EnvironmentError(err.message, logDetails(opts.logFile));
    }
    throw err;
  }

  if (ADDRESS_IN_USE.test(tailLog(opts.logFile, 200))) {
    opts.progress?.(`service ${name}: warning: its log mentions EADDRINUSE; check that ${url} is served by this service`);
  }
  if (opts.announce !== false) opts.progress?.(`service ${name}: ready (pid ${group.pid})`);
  return {
    pid: group.pid,
    logFile: opts.logFile,
    exited: group.exited,
    isRunning: group.isRunning,
    tailLog: (lines = 40) => tailLog(opts.logFile, lines),
    stop: group.stop,
    meter: createResourceMeter(group.tracker),
    knownPids: () => group.tracker.knownPids(),
  };
}

async function waitUntilReady(group: ProcessGroup, opts: StartOptions): Promise<void> {
  const { name, config } = opts;
  const { url, timeoutMs, intervalMs } = config.ready;
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  const exitedEarly = group.exited.then((status) => ({ exited: status }));
  let last: ProbeResult | undefined;
  let nextProgress = startedAt + PROGRESS_EVERY_MS;

  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const fullAttemptMs = Math.min(MAX_ATTEMPT_MS, Math.max(intervalMs, 250));
    const attempt = probe(url, Math.min(fullAttemptMs, left));
    const outcome = await Promise.race([attempt.then((result) => ({ result })), exitedEarly]);
    if ('exited' in outcome) throw exitedError(name, outcome.exited, opts.logFile);
    if (isReady(outcome.result, config.ready.anyHttpStatus)) return;
    // An attempt the deadline cut short says nothing about the service ("no response within 1 ms");
    // the error should name what the full attempts saw (e.g. HTTP 503).
    const cutShort = outcome.result.kind === 'timeout' && left < fullAttemptMs && last !== undefined;
    if (!cutShort) last = outcome.result;
    if (Date.now() >= nextProgress) {
      opts.progress?.(`service ${name}: waiting for ${url} (${formatMs(Date.now() - startedAt)}, last: ${describeProbe(last ?? outcome.result)})`);
      nextProgress += PROGRESS_EVERY_MS;
    }
    const pause = Math.min(outcome.result.kind === 'refused' ? Math.min(intervalMs, REFUSED_POLL_MS) : intervalMs, deadline - Date.now());
    if (pause > 0) {
      const woke = await Promise.race([sleep(pause).then(() => undefined), exitedEarly]);
      if (woke) throw exitedError(name, woke.exited, opts.logFile);
    }
  }
  throw new EnvironmentError(
    `service ${name} not ready after ${formatMs(timeoutMs)} (polling ${url}: last result ${last ? describeProbe(last) : 'no attempt finished'})`,
  );
}

function exitedError(name: string, status: ExitStatus, logFile: string): EnvironmentError {
  const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
  const portHint = ADDRESS_IN_USE.test(tailLog(logFile, 200))
    ? ': its port is already in use (EADDRINUSE in its log); stop the other process or change the port'
    : '';
  return new EnvironmentError(`service ${name} ${how} before it was ready${portHint}`);
}
