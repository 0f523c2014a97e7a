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

/**
 * RSS is sampled every 100 ms during a round, on the load generator's event loop. A full tree scan
 * reads every process's /proc/<pid>/stat (3-11 ms with 80-380 processes on the machine), so between
 * full scans the samples read only the members already known; a process forked since then is seen
 * at the next rescan, at most this long later. CPU reads always scan in full (once per round end).
 */
const RSS_RESCAN_MS = 1000;

export function createResourceMeter(tracker: ProcessTracker, now: () => number = Date.now): ResourceMeter {
  const ledger = new TreeCpuLedger();
  let members: number[] = [];
  let scannedAt = -Infinity;
  const scan = (): ProcStat[] => {
    const procs = tracker.scan(true);
    members = procs.map((p) => p.pid);
    scannedAt = now();
    return procs;
  };
  return {
    readCpuUs: () => ledger.observe(scan().map(cpuSample)),
    readRssBytes: () => {
      if (now() - scannedAt >= RSS_RESCAN_MS) scan();
      let total = 0;
      for (const pid of members) total += readRssBytes(pid) ?? 0; // a member gone since reads undefined
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
