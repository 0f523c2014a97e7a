// The process tree and each process's CPU ticks, from /proc (Linux only), for the benches that tell
// the bench's own processes from everything else: bench/other-cpu.ts (cores used beside a run) and
// bench/placement-sampler.cjs (which threads ran where). CommonJS because the sampler runs as plain
// `node`, without tsx's loader compiling beside the run it watches, and requires it.
const { readdirSync, readFileSync } = require('node:fs');

/**
 * The fields of a /proc/<pid>/stat (or task/<tid>/stat) line after the command name, which is in
 * parentheses and may hold spaces and ')': index 0 is field 3 (state), 1 the parent pid, 11 and 12
 * utime and stime, 36 the CPU it last ran on (field 39).
 */
function statFields(text) {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Every process now: pid → { ppid, ticks (utime + stime, USER_HZ) }; empty without /proc. */
function readProcesses() {
  const out = new Map();
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      out.set(Number(pid), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited while being read
    }
  }
  return out;
}

/** Whether `pid` is `root` or one of its descendants in `procs` (a chain cut by an exit: no). */
function descendsFrom(pid, root, procs) {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === root) return true;
    const parent = procs.get(p)?.ppid;
    if (parent === undefined) return false;
    p = parent;
  }
  return false;
}

module.exports = { statFields, readProcesses, descendsFrom };
