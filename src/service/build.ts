// The optional `service.build` step: run to completion in its own process group, output to a log.
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { withoutRunnerCredentials } from './child-env.js';
import { spawnGroup } from './group.js';
import { logDetails } from './log.js';
import { formatMs } from './format.js';

export interface BuildOptions {
  command: string;
  cwd: string;
  /** Added to perfgate's own environment (less the runner's credentials, service/child-env.ts). */
  env: Record<string, string>;
  logFile: string;
  timeoutMs?: number;
  progress?: (line: string) => void;
}

/** Grace period for a build that timed out or left processes behind. */
const BUILD_STOP_GRACE_MS = 2000;

export async function runBuild(opts: BuildOptions): Promise<void> {
  if (!existsSync(opts.cwd)) {
    throw new EnvironmentError(`build directory ${opts.cwd} does not exist`, 'check service.cwd in the config');
  }
  opts.progress?.(`build: ${opts.command} (log: ${opts.logFile})`);
  const started = Date.now();
  const group = spawnGroup({
    command: opts.command,
    cwd: opts.cwd,
    env: { ...withoutRunnerCredentials(process.env), ...opts.env },
    logFile: opts.logFile,
    stopTimeoutMs: BUILD_STOP_GRACE_MS,
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (opts.timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });
  const outcome = await Promise.race([group.exited, timedOut]);
  clearTimeout(timer);
  // Also on success: a build has no business leaving processes running (watchers, stray servers).
  await group.stop();
  if (outcome === 'timeout') {
    throw new EnvironmentError(`build did not finish within ${formatMs(opts.timeoutMs ?? 0)}: ${opts.command}`, logDetails(opts.logFile));
  }
  if (outcome.code !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
    throw new EnvironmentError(`build command ${how}: ${opts.command}`, logDetails(opts.logFile));
  }
  opts.progress?.(`build: done in ${formatMs(Date.now() - started)}`);
}
