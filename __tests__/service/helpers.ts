// Shared by the service tests: free ports, a config for the fixture services, and the check that every
// recorded process is really gone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceConfig } from '../../src/config/types.js';

export const fixtures = fileURLToPath(new URL('../fixtures/services/', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-service-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function serviceConfig(port: number, start: string, env: Record<string, string> = {}, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const url = `http://127.0.0.1:${port}/health`;
  return {
    start,
    cwd: fixtures,
    env: { PORT: String(port), ...env },
    ready: { url, timeoutMs: 3000, intervalMs: 50 },
    baseUrl: `http://127.0.0.1:${port}`,
    stopTimeoutMs: 500,
    ...overrides,
  };
}

export function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Pids that still exist after waiting up to `ms`. The wait is for the init process, which reaps
 * orphaned zombies on its own schedule (killed descendants reparented to it); our teardown has already
 * returned, so a process that is still running (not a zombie) is a leak.
 */
export async function survivors(pids: number[], ms = 5000): Promise<string[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(exists);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter(exists);
  }
  return alive.map((pid) => {
    let stat = '';
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8').trim();
    } catch {
      // gone just now
    }
    return `${pid}: ${stat}`;
  });
}

/** Kills every listed pid for sure: the after-hook of tests that start processes. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
