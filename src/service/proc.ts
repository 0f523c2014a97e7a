// Pure parsers for the Linux /proc files the service module reads. No I/O here: the callers read the
// text and pass it in, so every format quirk is unit-tested on recorded samples.

/** Kernel clock ticks per second for /proc/<pid>/stat times. USER_HZ is 100 on every Linux ABI Node
 * supports (x86-64, arm64); reading it would need sysconf(_SC_CLK_TCK), which Node does not expose. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const US_PER_TICK = 1_000_000 / CLOCK_TICKS_PER_SECOND;

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), T, X … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  utimeTicks: number;
  stimeTicks: number;
  /** CPU of children this process has waited for (reaped), including their own reaped children. */
  cutimeTicks: number;
  cstimeTicks: number;
  numThreads: number;
  /** Ticks after boot; with the pid it identifies a process across pid reuse. */
  startTime: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat. The command name is in parentheses and may itself contain spaces and
 * parentheses, so the fixed fields are located after the LAST ')'. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`unrecognised /proc stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state) in proc(5) numbering, so field N is rest[N - 3].
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc stat field ${n} missing for pid ${pid}`);
    return value;
  };
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    utimeTicks: field(14),
    stimeTicks: field(15),
    cutimeTicks: field(16),
    cstimeTicks: field(17),
    numThreads: field(20),
    startTime: field(22),
    rssPages: field(24),
  };
}

/** First field of /proc/<pid>/task/<tid>/schedstat: nanoseconds this thread has spent on a CPU. */
export function parseSchedstat(text: string): number {
  const first = text.trim().split(/\s+/)[0];
  if (!/^\d+$/.test(first)) throw new Error(`unrecognised schedstat: ${text.slice(0, 80)}`);
  return Number(first);
}

/** VmRSS from /proc/<pid>/status in bytes; undefined for zombies and kernel threads, which have none. */
export function parseStatusRssBytes(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Resident size from /proc/<pid>/statm (second field, in pages). */
export function parseStatmRssBytes(text: string, pageSize: number): number {
  const pages = Number(text.trim().split(/\s+/)[1]);
  if (!Number.isFinite(pages)) throw new Error(`unrecognised statm: ${text.slice(0, 80)}`);
  return pages * pageSize;
}

/** True when /proc/<pid>/environ (NUL-separated) contains exactly `name=value`. */
export function environHas(environ: string, name: string, value: string): boolean {
  const needle = `${name}=${value}`;
  return environ.split('\0').includes(needle);
}

export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/**
 * The processes that belong to a service: the roots that are still alive (same pid AND start time, so
 * a recycled pid is never adopted) plus every process whose parent chain leads to one of them.
 */
export function selectTree(procs: readonly ProcStat[], roots: readonly ProcessIdentity[]): ProcStat[] {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const selected = new Map<number, ProcStat>();
  const queue: ProcStat[] = [];
  for (const root of roots) {
    const p = byPid.get(root.pid);
    if (p && p.startTime === root.startTime && !selected.has(p.pid)) {
      selected.set(p.pid, p);
      queue.push(p);
    }
  }
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const child of children.get(parent.pid) ?? []) {
      if (!selected.has(child.pid)) {
        selected.set(child.pid, child);
        queue.push(child);
      }
    }
  }
  return [...selected.values()];
}
