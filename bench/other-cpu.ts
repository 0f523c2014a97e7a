// How much CPU processes *outside* the bench used while it measured: the honest "were other jobs on
// the machine" for a ledger line. The load average cannot tell: it counts the bench's own processes
// too, and its 1-minute average carries the previous condition's load into the next run's start (a
// dropped index leaves the database's backends busy: 2.8 at the start of such a run, 5.7 at its end,
// with nothing else running).
//
// Linux only (/proc). Every second it reads each process's CPU ticks (utime + stime, /proc/<pid>/stat)
// and its parent, and charges the ticks used since the last sample to "ours" when the process
// descends from this one (services, databases, the noisy neighbour, the load generator) and to
// "other" otherwise. A process that exits between two samples loses the ticks of its last second;
// one that starts and ends between them is not seen: the figure is a floor, good to tell a quiet
// machine (≈ 0) from one sharing its cores with a test run or a build (≥ 0.3 core).
import { descendsFrom, readProcesses } from './proc-tree.cjs';

/** CPU ticks per second (USER_HZ): 100 on every Linux architecture Node.js runs on. */
const TICKS_PER_SECOND = 100;

export interface OtherCpu {
  /** Mean cores used by processes outside the bench's tree while sampling. */
  otherCores: number;
  /** Mean cores used by the bench and its children (for scale). */
  ownCores: number;
  seconds: number;
}

/** Starts sampling; `stop()` returns the means since the start (undefined where /proc is missing). */
export function sampleOtherCpu(intervalMs = 1000, root = process.pid): { stop: () => OtherCpu | undefined } {
  let last = readProcesses();
  if (last.size === 0) return { stop: () => undefined };
  const started = Date.now();
  let other = 0;
  let own = 0;
  const sample = () => {
    const now = readProcesses();
    for (const [pid, p] of now) {
      // A process first seen now started since the last sample: all its ticks are new.
      const used = p.ticks - (last.get(pid)?.ticks ?? 0);
      if (used <= 0) continue;
      if (descendsFrom(pid, root, now)) own += used;
      else other += used;
    }
    last = now;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const seconds = (Date.now() - started) / 1000;
      const cores = (ticks: number) => Number((ticks / TICKS_PER_SECOND / Math.max(seconds, 0.001)).toFixed(3));
      return { otherCores: cores(other), ownCores: cores(own), seconds: Number(seconds.toFixed(1)) };
    },
  };
}
