// Cumulative CPU time of a changing process tree, as one monotonic number. Pure: the meter feeds it
// samples read from /proc, the tests feed it hand-made ones.
//
// Why per-thread schedstat rather than utime+stime: /proc/<pid>/stat times are in clock ticks (10 ms).
// A round of ~1 s in which the service burns ~100 ms of CPU would carry up to 10% quantisation error
// per process, on the metric (CPU µs per request) we trust most. The first field of
// /proc/<pid>/task/<tid>/schedstat is the scheduler's exact runtime in ns (sum_exec_runtime), but only
// for that one thread, and it vanishes when the thread or process exits. Hence the bookkeeping here:
//   - threads that disappear from a live process keep their last value (deadThreadsNs), and threads
//     we never saw (a worker that lived between two reads) count through utime+stime, a floor;
//   - processes that exit keep their last value (folded into retiredUs);
//   - children we never saw (short-lived, reaped between two reads) still count through their
//     parent's cutime+cstime, minus what the children we did see contributed to it, so nothing is
//     counted twice.
// Ticks (utime+stime) are used only when schedstat cannot be read (kernels without it).

export interface ProcessCpuSample {
  pid: number;
  startTime: number;
  ppid: number;
  /** ns on CPU per live thread id, from schedstat; undefined when schedstat is unavailable. */
  threadNs?: ReadonlyMap<number, number>;
  /** utime+stime in µs (tick resolution): the fallback for threadNs. */
  ownTicksUs: number;
  /** cutime+cstime in µs: CPU of reaped children (tick resolution). */
  reapedUs: number;
}

interface ProcessRecord {
  pid: number;
  ppid: number;
  threadNs: Map<number, number>;
  deadThreadsNs: number;
  /** utime+stime minus the schedstat total at the first read: CPU of threads that exited before. */
  ticksGapUs?: number;
  ownUs: number;
  reapedUs: number;
  /** own+reaped of exited children we observed: already counted, so not counted again via reapedUs. */
  observedChildrenUs: number;
}

export class TreeCpuLedger {
  private readonly records = new Map<string, ProcessRecord>();
  private retiredUs = 0;
  private lastTotalUs = 0;

  /** Records one snapshot of the tree (every member alive right now) and returns the cumulative CPU µs. */
  observe(samples: readonly ProcessCpuSample[]): number {
    const seen = new Set<string>();
    for (const sample of samples) {
      const key = `${sample.pid}:${sample.startTime}`;
      seen.add(key);
      let record = this.records.get(key);
      if (!record) {
        record = { pid: sample.pid, ppid: sample.ppid, threadNs: new Map(), deadThreadsNs: 0, ownUs: 0, reapedUs: 0, observedChildrenUs: 0 };
        this.records.set(key, record);
      }
      updateRecord(record, sample);
    }
    this.retireExited(seen);

    let total = this.retiredUs;
    for (const record of this.records.values()) total += contribution(record);
    // Tick-resolution reaped time and a child that exited but is not yet reaped can make the raw sum dip
    // for a moment; callers subtract readings, so never let it go backwards.
    this.lastTotalUs = Math.max(this.lastTotalUs, Math.round(total));
    return this.lastTotalUs;
  }

  private retireExited(seen: Set<string>): void {
    const exited = [...this.records.entries()].filter(([key]) => !seen.has(key));
    // Children before parents (a child's pid record is younger), so a parent dying in the same interval
    // still learns what its children contributed before it retires itself.
    exited.sort(([a], [b]) => Number(b.split(':')[1]) - Number(a.split(':')[1]));
    for (const [key, record] of exited) {
      this.retiredUs += contribution(record);
      const parent = this.findByPid(record.ppid);
      // What the parent's cutime will include for this child: its own time plus everything it reaped,
      // which covers the exited children we saw even if its cutime was read before it reaped them.
      if (parent) parent.observedChildrenUs += record.ownUs + Math.max(record.reapedUs, record.observedChildrenUs);
      this.records.delete(key);
    }
  }

  private findByPid(pid: number): ProcessRecord | undefined {
    for (const record of this.records.values()) if (record.pid === pid) return record;
    return undefined;
  }
}

function updateRecord(record: ProcessRecord, sample: ProcessCpuSample): void {
  record.ppid = sample.ppid;
  record.reapedUs = Math.max(record.reapedUs, sample.reapedUs);
  if (!sample.threadNs) {
    record.ownUs = Math.max(record.ownUs, sample.ownTicksUs);
    return;
  }
  for (const [tid, ns] of record.threadNs) {
    if (!sample.threadNs.has(tid)) {
      record.deadThreadsNs += ns;
      record.threadNs.delete(tid);
    }
  }
  let liveNs = 0;
  for (const [tid, ns] of sample.threadNs) {
    const value = Math.max(ns, record.threadNs.get(tid) ?? 0);
    record.threadNs.set(tid, value);
    liveNs += value;
  }
  const exactUs = (liveNs + record.deadThreadsNs) / 1000;
  // A thread that started and exited between two reads never shows in schedstat, but its time is in
  // the process's utime+stime, which includes exited threads. Ticks are coarse (10 ms), so they
  // serve only as a floor, and relative to the first read: threads gone before we started watching
  // must not make every later reading tick-resolution.
  record.ticksGapUs ??= Math.max(0, sample.ownTicksUs - exactUs);
  record.ownUs = Math.max(record.ownUs, exactUs, sample.ownTicksUs - record.ticksGapUs);
}

function contribution(record: ProcessRecord): number {
  return record.ownUs + Math.max(0, record.reapedUs - record.observedChildrenUs);
}
