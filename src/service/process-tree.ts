// Finds the processes that belong to a service by reading /proc synchronously (synchronous so the same
// code can run inside a process 'exit' handler). Three links, because each alone misses something:
//   - the process group, which setsid() and double-forking daemons leave;
//   - parent links (ppid), which break once an intermediate process exits and its child is reparented;
//   - an environment marker (PERFGATE_SERVICE_ID) every descendant inherits unless it rewrites its
//     environment, which survives both.
import { readdirSync, readFileSync } from 'node:fs';
import { environHas, parseProcStat, selectTree, type ProcessIdentity, type ProcStat } from './proc.js';

export const SERVICE_MARKER_ENV = 'PERFGATE_SERVICE_ID';

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited between listing and reading, or not ours to read
  }
}

export function listProcesses(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // no procfs (not Linux): tracking degrades to the process group alone
  }
  const procs: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) procs.push(stat);
  }
  return procs;
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return environHas(readFileSync(`/proc/${pid}/environ`, 'latin1'), SERVICE_MARKER_ENV, marker);
  } catch {
    return false;
  }
}

/** True while the process exists and is not a zombie (a zombie has already released everything). */
export function isAlive(identity: ProcessIdentity): boolean {
  const stat = readProcStat(identity.pid);
  return stat !== undefined && stat.startTime === identity.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Remembers every process ever seen in one service's tree, so a descendant that was reparented away
 * (daemonised) is still found and killed at teardown.
 */
export class ProcessTracker {
  private readonly known = new Map<number, ProcessIdentity>();
  /** Processes whose environment was read and lacked the marker, by pid → start time. A process's
   * environment is inherited at fork, so one read per process is enough; this keeps scans cheap. */
  private readonly unmarked = new Map<number, number>();

  constructor(
    readonly rootPid: number,
    private readonly marker: string,
  ) {
    const root = readProcStat(rootPid);
    if (root) this.known.set(rootPid, { pid: rootPid, startTime: root.startTime });
  }

  /**
   * Current members of the tree (zombies excluded). `thorough` also reads every process's environment
   * for the marker: slower (one extra file per process), so periodic scans skip it.
   */
  scan(thorough: boolean): ProcStat[] {
    const procs = listProcesses();
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const roots: ProcessIdentity[] = [...this.known.values()];
    for (const p of procs) {
      if (p.pgrp === this.rootPid && p.pid !== process.pid) roots.push({ pid: p.pid, startTime: p.startTime });
      else if (thorough && p.pid !== process.pid && !this.known.has(p.pid) && this.unmarked.get(p.pid) !== p.startTime) {
        if (hasMarker(p.pid, this.marker)) roots.push({ pid: p.pid, startTime: p.startTime });
        else this.unmarked.set(p.pid, p.startTime);
      }
    }
    const members = selectTree(procs, roots).filter((p) => p.pid !== process.pid);
    for (const p of members) this.known.set(p.pid, { pid: p.pid, startTime: p.startTime });
    // Forget identities whose pid is gone or recycled, so a recycled pid is never signalled.
    for (const [pid, id] of this.known) {
      const current = byPid.get(pid);
      if (!current || current.startTime !== id.startTime) this.known.delete(pid);
    }
    for (const [pid, startTime] of this.unmarked) {
      if (byPid.get(pid)?.startTime !== startTime) this.unmarked.delete(pid);
    }
    return members.filter((p) => p.state !== 'Z' && p.state !== 'X');
  }

  /** Every pid ever recorded as part of the tree and still present (for tests and diagnostics). */
  knownPids(): number[] {
    return [...this.known.keys()];
  }
}
