// perfgate itself receiving SIGTERM / SIGINT while a service runs: the service tree must go with it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { fixtures, freePort, killAll, readPids, serviceConfig, survivors, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
const toKill: number[] = [];
afterAll(() => {
  killAll(toKill);
  cleanup();
});

const driver = join(fixtures, 'driver.ts');
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

async function driveAndSignal(signal: 'SIGTERM' | 'SIGINT' | 'exit', env: Record<string, string>): Promise<{ code: number | null; pids: number[] }> {
  const port = await freePort();
  const pidsFile = join(dir, `pids-${signal}.txt`);
  const config = serviceConfig(port, 'node server.mjs', { PIDS_FILE: pidsFile, ...env }, { stopTimeoutMs: 300 });
  const child = spawn(process.execPath, ['--import', 'tsx', driver, JSON.stringify(config), join(dir, `${signal}.log`), signal], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  toKill.push(child.pid!);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ pid: number; known: number[] }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /READY (.*)\n/.exec(out);
      if (match) resolve(JSON.parse(match[1]));
    });
    void exited.then((code) => reject(new Error(`driver exited with ${code} before READY: ${stderr}`)));
  });
  const pids = [ready.pid, ...ready.known, ...readPids(pidsFile)];
  toKill.push(...pids);
  if (signal !== 'exit') child.kill(signal);
  const code = await exited;
  if (signal !== 'exit') assert.match(stderr, new RegExp(`received ${signal}, stopping`));
  return { code, pids };
}

describe('installSignalTeardown', () => {
  test('perfgate receiving SIGTERM stops a forking, SIGTERM-ignoring, daemonising service and exits 143', async () => {
    const { code, pids } = await driveAndSignal('SIGTERM', { FORK_CHILDREN: '2', DAEMONIZE: '1', IGNORE_TERM: '1' });
    assert.equal(code, 143);
    assert.ok(pids.length >= 4, `expected the server, 2 children and a daemon, got ${pids}`);
    assert.deepEqual(await survivors(pids), []);
  });

  test('perfgate receiving SIGINT (Ctrl-C) stops the service and exits 130', async () => {
    const { code, pids } = await driveAndSignal('SIGINT', { FORK_CHILDREN: '1' });
    assert.equal(code, 130);
    assert.deepEqual(await survivors(pids), []);
  });

  test('perfgate exiting without stopping its service (process.exit) still kills the whole tree', async () => {
    const { code, pids } = await driveAndSignal('exit', { FORK_CHILDREN: '1', DAEMONIZE: '1', IGNORE_TERM: '1' });
    assert.equal(code, 5);
    assert.ok(pids.length >= 3);
    assert.deepEqual(await survivors(pids), []);
  });
});
