// Where the threads of a bench run ran, and how long they waited for a CPU: started by
// bench/verdicts-aa-power.ts --trace beside each perfgate run, in a process of its own so the sampling
// does not sit on the load generator's event loop.
//
//   node bench/placement-sampler.cjs <root pid> <out file> [interval ms, default 100]
//
// Every second it finds the processes descending from <root pid> (the bench: the load generator, the
// services, the database server and its backends) and their threads; every interval it reads each
// thread's /proc/<pid>/task/<tid>/stat (field 39: the CPU it last ran on) and schedstat (time run and
// time spent waiting on a run queue, in ns), and writes one line per thread that ran:
//   ["r", ms since epoch, tid, cpu, run ns, wait ns]   (deltas since the last sample)
// plus ["t", tid, pid, role, comm] when a thread is first seen (role: generator — the root process —,
// head or base — from the PERFGATE_SIDE its service was started with —, postgres, other) and
// ["c", ms, [busy, steal] per CPU] from /proc/stat (jiffies since the last sample), and last, when it
// stops, ["s", ms, its own CPU µs, ms it ran]: what the sampling itself cost (bench/placement.ts prints it).
// Linux only. bench/placement.ts joins the lines with the rounds of the run's results file.
const { readdirSync, readFileSync, openSync, writeSync, closeSync } = require('node:fs');
const { descendsFrom, readProcesses, statFields } = require('./proc-tree.cjs');

const root = Number(process.argv[2]);
const out = openSync(process.argv[3], 'w');
const intervalMs = Number(process.argv[4] ?? 100);
const startedMs = Date.now();

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

let buffer = [];
const emit = (line) => buffer.push(JSON.stringify(line));
const flush = () => {
  if (buffer.length) writeSync(out, buffer.join('\n') + '\n');
  buffer = [];
};

/** tid → { path, pid, role, comm, last run ns, last wait ns } */
const threads = new Map();

function roleOf(pid) {
  if (pid === root) return 'generator';
  const env = read(`/proc/${pid}/environ`);
  const side = env && /(?:^|\0)PERFGATE_SIDE=(head|base)(?:\0|$)/.exec(env);
  if (side) return side[1];
  const comm = (read(`/proc/${pid}/comm`) ?? '').trim();
  return comm.startsWith('postgres') ? 'postgres' : 'other';
}

// Role and name are read again at every discovery: a child is a copy of its parent (the generator)
// until it execs, so the first look at a service may see neither its environment nor its name.
function discover() {
  const procs = readProcesses();
  for (const pid of procs.keys()) {
    if (pid === process.pid || !descendsFrom(pid, root, procs)) continue;
    // A process that is exiting no longer shows its environment: a role once known is kept.
    const known = threads.get(pid);
    const role = known && known.role !== 'other' ? known.role : roleOf(pid);
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tids) {
      const tid = Number(t);
      const path = `/proc/${pid}/task/${t}`;
      const comm = (read(`${path}/comm`) ?? '').trim();
      const seen = threads.get(tid);
      if (seen && seen.role === role && seen.comm === comm) continue;
      if (seen) Object.assign(seen, { role, comm });
      else threads.set(tid, { path, pid, role, comm, run: undefined, wait: undefined });
      emit(['t', tid, pid, role, comm]);
    }
  }
}

let cpus;
function sampleCpus(now) {
  const text = read('/proc/stat') ?? '';
  const next = text
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.split(/\s+/).slice(1).map(Number);
      // user nice system idle iowait irq softirq steal
      return [v[0] + v[1] + v[2] + v[5] + v[6], v[7]];
    });
  if (cpus) emit(['c', now, next.map((c, i) => [c[0] - cpus[i][0], c[1] - cpus[i][1]])]);
  cpus = next;
}

function sample() {
  const now = Date.now();
  for (const [tid, th] of threads) {
    const sched = read(`${th.path}/schedstat`);
    const stat = read(`${th.path}/stat`);
    if (!sched || !stat) {
      threads.delete(tid);
      continue;
    }
    const [run, wait] = sched.split(' ').map(Number);
    if (th.run !== undefined && run !== th.run) emit(['r', now, tid, Number(statFields(stat)[36]), run - th.run, wait - th.wait]);
    th.run = run;
    th.wait = wait;
  }
  sampleCpus(now);
}

const alive = () => read(`/proc/${root}/stat`) !== undefined;
discover();
const tick = setInterval(sample, intervalMs);
const rediscover = setInterval(() => {
  if (!alive()) return stop();
  discover();
  flush();
}, 1000);
function stop() {
  clearInterval(tick);
  clearInterval(rediscover);
  const own = process.cpuUsage();
  const endedMs = Date.now();
  emit(['s', endedMs, own.user + own.system, endedMs - startedMs]);
  flush();
  closeSync(out);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
