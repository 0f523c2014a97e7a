// The folder a run's service and build logs go to, and whether it stays afterwards: kept when the run
// fails (any non-zero exit code, including Ctrl-C) or when asked (`--keep-logs`, the action's
// `keep-logs` input), removed at exit otherwise — one folder per run would otherwise pile up in the
// temp folder. On GitHub it lives under $RUNNER_TEMP, which the runner empties after the job.
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LogDirOptions {
  /** Keep the folder even when the run succeeds. */
  keep?: boolean;
  /** Where "logs kept in …" is said when the process exits. */
  progress: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** `$RUNNER_TEMP/perfgate-<pid>` on GitHub, `<system temp>/perfgate-<pid>` elsewhere. */
export function logDirPath(env: NodeJS.ProcessEnv = process.env, pid = process.pid): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), `perfgate-${pid}`);
}

/** Whether the logs stay, given how the process ends. */
export function keepsLogs(exitCode: number, keepAsked: boolean): boolean {
  return keepAsked || exitCode !== 0;
}

interface Entry {
  keep: boolean;
  progress: (line: string) => void;
}
const dirs = new Map<string, Entry>();

/**
 * Creates this process's log folder (if needed) and returns its path. The decision to keep or remove
 * it is taken once, on process exit, from the exit code: only then is it known whether the run failed.
 */
export function createLogDir(opts: LogDirOptions): string {
  const dir = logDirPath(opts.env);
  mkdirSync(dir, { recursive: true });
  const known = dirs.get(dir);
  if (known) {
    known.keep ||= Boolean(opts.keep);
    return dir;
  }
  const entry: Entry = { keep: Boolean(opts.keep), progress: opts.progress };
  dirs.set(dir, entry);
  process.on('exit', (code) => settleLogDir(dir, entry, code));
  return dir;
}

function settleLogDir(dir: string, entry: Entry, exitCode: number): void {
  if (keepsLogs(exitCode, entry.keep)) {
    const why = exitCode !== 0 ? `the run ended with exit code ${exitCode}` : 'asked to keep them';
    entry.progress(`service and build logs kept in ${dir} (${why})`);
    return;
  }
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // the process is exiting: a folder left in the temp folder is the worst case
  }
}
