// A noisy neighbour for benches: a separate process that burns one core at a random duty cycle
// (10–90% by default) that changes every 100–500 ms, like another job sharing a CI runner. Seeded,
// so two bench runs disturb the machine with the same pattern (though not at the same instants).
//
//   const neighbour = startNoisyNeighbour({ seed: 1 });
//   ... measure ...
//   await neighbour.stop();
//
// The child runs in its own process group and is killed as a group on stop() and when this process
// exits. If this process dies without running its exit handlers (SIGKILL), the child notices its IPC
// channel closing and exits by itself.
import { type ChildProcess, spawn } from 'node:child_process';

export interface NoisyNeighbourOptions {
  seed: number;
  /** Smallest share of a core burnt in one period (0–1). Default 0.1. */
  minDuty?: number;
  /** Largest share (0–1). Default 0.9. */
  maxDuty?: number;
  /**
   * Pin it to this CPU (Linux, `taskset`): one core of the machine busier than the other, as when a
   * host's other guest shares one of the physical cores under this one's vCPUs. Default: unpinned,
   * the kernel moves it (and the bench's processes) about.
   */
  cpu?: number;
}

export interface NoisyNeighbour {
  /** The neighbour's process id (undefined if it could not be spawned). */
  pid: number | undefined;
  stop(): Promise<void>;
}

// Plain JavaScript for `node -e`: the child needs no TypeScript loader and starts in milliseconds.
// A period of 100–500 ms at duty d is cut into 10 ms slices, each busy for d·10 ms and idle for the
// rest, so the load is spread over the period instead of one burst.
const CHILD = String.raw`
const [seed, minDuty, maxDuty] = process.argv.slice(1).map(Number);
let a = seed >>> 0;
const rand = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const SLICE_MS = 10;
let duty = 0;
let periodEnd = 0;
function slice() {
  const now = performance.now();
  if (now >= periodEnd) {
    duty = minDuty + (maxDuty - minDuty) * rand();
    periodEnd = now + 100 + 400 * rand();
  }
  const busyUntil = now + duty * SLICE_MS;
  let x = 0;
  while (performance.now() < busyUntil) x += Math.sqrt(x + 1);
  setTimeout(slice, Math.max(0, now + SLICE_MS - performance.now()));
}
process.on('disconnect', () => process.exit(0));
slice();
`;

export function startNoisyNeighbour(opts: NoisyNeighbourOptions): NoisyNeighbour {
  const minDuty = opts.minDuty ?? 0.1;
  const maxDuty = opts.maxDuty ?? 0.9;
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  if (!(minDuty >= 0 && minDuty <= maxDuty && maxDuty <= 1)) {
    throw new RangeError(`duty cycle must satisfy 0 ≤ minDuty ≤ maxDuty ≤ 1, got ${minDuty}–${maxDuty}`);
  }
  if (opts.cpu !== undefined && !(Number.isInteger(opts.cpu) && opts.cpu >= 0)) throw new RangeError(`cpu must be a CPU number, got ${opts.cpu}`);
  const argv = [process.execPath, '-e', CHILD, String(opts.seed), String(minDuty), String(maxDuty)];
  // taskset execs the command, so the child's pid (and process group) stays the neighbour's own.
  const [command, ...rest] = opts.cpu === undefined ? argv : ['taskset', '--cpu-list', String(opts.cpu), ...argv];
  const child = spawn(command!, rest, {
    detached: true, // its own process group, killed as one
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
        if (child.connected) child.disconnect();
      })();
      return stopping;
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
