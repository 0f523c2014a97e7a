// CPU and memory of a running service's whole process tree, read synchronously from /proc.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { TreeCpuLedger, type ProcessCpuSample } from './cpu-ledger.js';
import { parseSchedstat, parseStatusRssBytes, US_PER_TICK, type ProcStat } from './proc.js';
import type { ProcessTracker } from './process-tree.js';

export interface ResourceMeter {
  /** Cumulative user+system CPU of the service's process tree in µs; never decreases. */
  readCpuUs(): number;
  /** Resident memory summed over the tree right now, in bytes. Shared pages of forked workers are
   * counted once per process, as `ps` and most dashboards do. */
  readRssBytes(): number;
}

export function createResourceMeter(tracker: ProcessTracker): ResourceMeter {
  const ledger = new TreeCpuLedger();
  return {
    readCpuUs: () => ledger.observe(tracker.scan(true).map(cpuSample)),
    readRssBytes: () => {
      let total = 0;
      for (const p of tracker.scan(true)) total += readRssBytes(p.pid) ?? 0;
      return total;
    },
  };
}

function cpuSample(stat: ProcStat): ProcessCpuSample {
  return {
    pid: stat.pid,
    startTime: stat.startTime,
    ppid: stat.ppid,
    threadNs: readThreadNs(stat.pid),
    ownTicksUs: (stat.utimeTicks + stat.stimeTicks) * US_PER_TICK,
    reapedUs: (stat.cutimeTicks + stat.cstimeTicks) * US_PER_TICK,
  };
}

// Kernels built without CONFIG_SCHED_INFO have no schedstat files; then tick counts are all there is.
const schedstatAvailable = existsSync('/proc/self/schedstat');

function readThreadNs(pid: number): Map<number, number> | undefined {
  if (!schedstatAvailable) return undefined;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const threads = new Map<number, number>();
  for (const tid of tids) {
    try {
      threads.set(Number(tid), parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')));
    } catch {
      // the thread exited between the listing and the read: the ledger keeps its last value
    }
  }
  return threads;
}

function readRssBytes(pid: number): number | undefined {
  try {
    return parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}
