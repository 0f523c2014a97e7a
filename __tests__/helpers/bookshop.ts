// Starts the example bookshop service (examples/bookshop/server.js) as a real child process in its own
// process group, waits for /health, and stops the whole group again.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

export const BOOKSHOP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/bookshop');

export interface Bookshop {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the service printed so far. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after 5 s; resolves with the exit code/signal. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startBookshop(opts: { databaseUrl: string; env?: Record<string, string>; seed?: boolean }): Promise<Bookshop> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(BOOKSHOP_DIR, 'server.js')], {
    cwd: BOOKSHOP_DIR,
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      BOOKSHOP_SEED: opts.seed ? '1' : '0',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    })());

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`bookshop exited before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`bookshop did not become ready on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, port, pid: child.pid!, child, output: () => output, stop };
}
