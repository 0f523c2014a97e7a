// What the load benchmarks share: a benchmark server in its own process group, wrk as a child process
// (with its CPU time when /usr/bin/time exists), and the median.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const hasTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).error === undefined;

export interface WrkRun {
  rps: number;
  /** Responses wrk counted. */
  requests: number;
  /** wrk's CPU (user + system) in µs; NaN without /usr/bin/time. */
  cpuUs: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

/** One wrk run with one thread. */
export async function runWrk(url: string, connections: number, seconds: number): Promise<WrkRun> {
  const wrkArgs = ['-t1', `-c${connections}`, `-d${seconds}s`, url];
  const [cmd, cmdArgs] = hasTime ? ['/usr/bin/time', ['-f', 'CPU %U %S', 'wrk', ...wrkArgs]] : ['wrk', wrkArgs];
  const { stdout, stderr } = await run(cmd, cmdArgs as string[]);
  const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(stdout)?.[1]);
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${stdout}\n${stderr}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const time = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return {
    rps,
    requests,
    cpuUs: time ? (Number(time[1]) + Number(time[2])) * 1e6 : NaN,
    socketErrors: {
      connect: Number(errors?.[1] ?? 0),
      read: Number(errors?.[2] ?? 0),
      write: Number(errors?.[3] ?? 0),
      timeout: Number(errors?.[4] ?? 0),
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function run(cmd: string, cmdArgs: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${cmd} exited ${code}: ${stderr}`)),
    );
  });
}

/** A benchmark server script that prints its port on stdout; with `ipc`, the child keeps a channel. */
export async function startServer(script: string, options: { ipc?: boolean } = {}): Promise<{ port: number; child: ChildProcess; stop(): void }> {
  // Its own process group, so stopping it cannot leave anything behind.
  const stdio: ('ignore' | 'pipe' | 'inherit' | 'ipc')[] = ['ignore', 'pipe', 'inherit'];
  if (options.ipc) stdio.push('ipc');
  const child: ChildProcess = spawn(process.execPath, [script], { stdio, detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', stop);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`benchmark server exited early (${code})`)));
    child.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim())));
  });
  return { port, child, stop };
}
