// A shell command running in its own process group, with its output in a log file, and a teardown that
// leaves nothing behind: SIGTERM to the group and to every descendant that left it, a grace period,
// then SIGKILL.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../errors.js';
import { openLog } from './log.js';
import { DEFAULT_LOG_CAP, LogCap, type LogCapLimits } from './log-cap.js';
import { ProcessTracker, SERVICE_MARKER_ENV } from './process-tree.js';
import { registerChild } from './registry.js';
import { watchGroup } from './watchdog.js';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessGroup {
  pid: number;
  tracker: ProcessTracker;
  exited: Promise<ExitStatus>;
  isRunning(): boolean;
  stop(): Promise<void>;
  killNow(): void;
}

export interface GroupOptions {
  command: string;
  cwd: string;
  env: Record<string, string | undefined>;
  logFile: string;
  /** Grace period between SIGTERM and SIGKILL. */
  stopTimeoutMs: number;
  /** How often the process tree is recorded while running, so reparented descendants stay known;
   * the log's size is checked against its cap as often. */
  scanIntervalMs?: number;
  /** How much of the log's head and tail is kept when it grows beyond them (log-cap.ts). */
  logCap?: LogCapLimits;
}

/** After SIGKILL, how long to wait for the kernel to take the processes away. */
const KILL_WAIT_MS = 3000;
const POLL_MS = 50;

export function spawnGroup(opts: GroupOptions): ProcessGroup {
  const marker = `${process.pid}-${randomUUID()}`;
  const logFd = openLog(opts.logFile, opts.command);
  let child;
  try {
    // The command is the config's template, passed to the shell as one argument; variables reach
    // it through the environment, never pasted into the text (config/expand.ts). detached: the
    // shell leads a new session and process group.
    child = spawn('/bin/sh', ['-c', opts.command], {
      cwd: opts.cwd,
      env: { ...opts.env, [SERVICE_MARKER_ENV]: marker },
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd); // the child has its own copy
  }
  let running = true;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      spawnError = err;
      running = false;
      resolve({ code: null, signal: null });
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new EnvironmentError(
      `could not start \`${opts.command}\` in ${opts.cwd}`,
      `spawning /bin/sh failed${spawnError ? `: ${spawnError.message}` : ''}; check that the directory exists and /bin/sh is available`,
    );
  }

  const tracker = new ProcessTracker(pid, marker);
  const logCap = new LogCap(opts.logFile, opts.logCap ?? DEFAULT_LOG_CAP);
  const watcher = setInterval(() => {
    tracker.scan(false);
    void logCap.check();
  }, opts.scanIntervalMs ?? 1000);
  watcher.unref();

  const signalAll = (signal: NodeJS.Signals): number => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is empty; the stray scan below still runs
    }
    const strays = tracker.scan(true).filter((p) => p.pgrp !== pid);
    for (const p of strays) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // already gone
      }
    }
    return strays.length;
  };
  const remaining = (): number => tracker.scan(true).length + (running ? 1 : 0);
  // Wakes as soon as the group's leader exits, which is when a service that handles SIGTERM is
  // usually gone: a run's last request is not followed by a fixed 50 ms wait.
  const pause = (): Promise<unknown> => (running ? Promise.race([sleep(POLL_MS), exited]) : sleep(POLL_MS));

  let stopping: Promise<void> | undefined;
  let unregister: () => void = () => {};
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(watcher);
      signalAll('SIGTERM');
      const graceEnd = Date.now() + opts.stopTimeoutMs;
      // Each count reads /proc for every process on the machine: the last one is reused, not repeated.
      let left = remaining();
      while (left > 0 && Date.now() < graceEnd) {
        await pause();
        left = remaining();
      }
      const killEnd = Date.now() + KILL_WAIT_MS;
      // Re-sent each turn: a process may fork between a scan and the signal.
      while (left > 0 && Date.now() < killEnd) {
        signalAll('SIGKILL');
        await sleep(POLL_MS);
        left = remaining();
      }
      await logCap.settle(); // nothing writes any more: this cut loses nothing
      unregister();
    })();
    return stopping;
  };
  const killNow = (): void => {
    clearInterval(watcher);
    signalAll('SIGKILL');
  };

  const group: ProcessGroup = { pid, tracker, exited, isRunning: () => running, stop, killNow };
  // The registry stops the group when perfgate exits or is signalled; the watchdog when it is killed.
  const unwatch = watchGroup(pid, marker, opts.stopTimeoutMs);
  const unregisterChild = registerChild(group);
  unregister = () => {
    unregisterChild();
    unwatch();
  };
  return group;
}
