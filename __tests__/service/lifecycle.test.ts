import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, test } from '@jest/globals';
import { EnvironmentError } from '../../src/errors.js';
import { parseProcStat, runBuild, startService, stopAllChildren, type RunningService } from '../../src/service/index.js';
import { freePort, killAll, readPids, serviceConfig, survivors, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
let counter = 0;
const started: RunningService[] = [];
const pidFiles: string[] = [];

function files(): { logFile: string; pidsFile: string } {
  counter += 1;
  const pidsFile = join(dir, `pids-${counter}.txt`);
  pidFiles.push(pidsFile);
  return { logFile: join(dir, `service-${counter}.log`), pidsFile };
}

afterEach(async () => {
  await stopAllChildren();
  killAll(pidFiles.flatMap(readPids));
  killAll(started.flatMap((s) => [s.pid, ...s.knownPids()]));
});
afterAll(cleanup);

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<EnvironmentError> {
  const err = await promise.then(
    () => assert.fail('expected an EnvironmentError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EnvironmentError, `expected EnvironmentError, got ${String(err)}`);
  assert.match(err.message, message);
  assert.equal(err.exitCode, 3);
  return err;
}

describe('startService', () => {
  test('starts a service, waits for readiness, captures its output and leaves nothing behind after stop', async () => {
    const port = await freePort();
    const { logFile, pidsFile } = files();
    const progress: string[] = [];
    const service = await startService({
      name: 'api',
      config: serviceConfig(port, 'node server.mjs', { PIDS_FILE: pidsFile }),
      extraEnv: { PERFGATE_DB_PORT: '5999' },
      logFile,
      progress: (line) => progress.push(line),
    });
    started.push(service);
    assert.ok(service.isRunning());
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(response.status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(service.tailLog(), /server: listening on/);
    assert.ok(progress.some((l) => /ready/.test(l)));
    const pids = [service.pid, ...readPids(pidsFile), ...service.knownPids()];

    await service.stop();
    await service.stop(); // idempotent
    assert.equal(service.isRunning(), false);
    assert.deepEqual(await survivors(pids), []);
  });

  test('passes config.env and extraEnv to the service', async () => {
    const port = await freePort();
    const { logFile } = files();
    const service = await startService({
      name: 'env',
      config: serviceConfig(port, 'echo "db=$PERFGATE_DB_PORT greeting=$GREETING"; exec node server.mjs', { GREETING: 'hello' }),
      extraEnv: { PERFGATE_DB_PORT: '6543' },
      logFile,
    });
    started.push(service);
    assert.match(readFileSync(logFile, 'utf8'), /db=6543 greeting=hello/);
    await service.stop();
  });

  test('a service that crashes on start → exit-code-3 error with its last log lines', async () => {
    const port = await freePort();
    const { logFile } = files();
    const err = await rejectsWith(
      startService({ name: 'crashy', config: serviceConfig(port, 'node crash.mjs'), logFile }),
      /^service crashy exited with code 1 before it was ready$/,
    );
    assert.match(err.details ?? '', /booting crash-service v1\.2\.3/);
    assert.match(err.details ?? '', /fatal: DATABASE_URL is not set/);
  });

  test('a service that never gets ready → timeout error naming the URL and the last result, nothing left behind', async () => {
    const port = await freePort();
    const { logFile, pidsFile } = files();
    const config = serviceConfig(port, 'node server.mjs', { NEVER_READY: '1', PIDS_FILE: pidsFile, FORK_CHILDREN: '1' }, {});
    config.ready.timeoutMs = 1500;
    const err = await rejectsWith(
      startService({ name: 'slow', config, logFile }),
      new RegExp(`^service slow not ready after 1\\.5s \\(polling http://127\\.0\\.0\\.1:${port}/health: last result HTTP 503\\)$`),
    );
    assert.match(err.details ?? '', /server: listening/);
    assert.deepEqual(await survivors(readPids(pidsFile)), []);
  });

  test('a service that never listens → timeout error saying the connection was refused', async () => {
    const port = await freePort();
    const { logFile } = files();
    const config = serviceConfig(port, 'echo "waiting for a lock"; exec sleep 30');
    config.ready.timeoutMs = 1000;
    const err = await rejectsWith(startService({ name: 'mute', config, logFile }), /not ready after 1s \(polling .*: last result connection refused\)$/);
    assert.match(err.details ?? '', /waiting for a lock/);
  });

  test('refuses to start when the ready URL already answers (port already in use)', async () => {
    const port = await freePort();
    const squatter = net.createServer((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const { logFile } = files();
      const err = await rejectsWith(
        startService({ name: 'api', config: serviceConfig(port, 'node server.mjs'), logFile }),
        /port already in use: http:\/\/127\.0\.0\.1:\d+\/health answered \(HTTP 200\) before the service was started/,
      );
      assert.match(err.details ?? '', /would benchmark it instead/);
      assert.equal(existsSync(logFile), false, 'the service must not have been started');
    } finally {
      squatter.close();
    }
  });

  test('a service that dies with EADDRINUSE is reported as a port conflict', async () => {
    const readyPort = await freePort();
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const busyPort = (taken.address() as net.AddressInfo).port;
      const { logFile } = files();
      // The service is told to listen on the busy port, while readiness polls a free one.
      const config = serviceConfig(readyPort, 'node server.mjs', { PORT: String(busyPort) });
      const err = await rejectsWith(startService({ name: 'api', config, logFile }), /before it was ready: its port is already in use/);
      assert.match(err.details ?? '', /EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  test('a service that forks children: stop kills the whole tree', async () => {
    const port = await freePort();
    const { logFile, pidsFile } = files();
    const service = await startService({
      name: 'forky',
      config: serviceConfig(port, 'node server.mjs', { PIDS_FILE: pidsFile, FORK_CHILDREN: '2' }),
      logFile,
    });
    started.push(service);
    const pids = readPids(pidsFile);
    assert.equal(pids.length, 3);
    await service.stop();
    assert.deepEqual(await survivors([service.pid, ...pids]), []);
  });

  test('a service whose processes ignore SIGTERM is SIGKILLed after the grace period', async () => {
    const port = await freePort();
    const { logFile, pidsFile } = files();
    const service = await startService({
      name: 'stubborn',
      config: serviceConfig(port, 'node server.mjs', { PIDS_FILE: pidsFile, FORK_CHILDREN: '1', IGNORE_TERM: '1' }, { stopTimeoutMs: 300 }),
      logFile,
    });
    started.push(service);
    const pids = readPids(pidsFile);
    await service.stop();
    assert.deepEqual(await survivors([service.pid, ...pids]), []);
    assert.match(readFileSync(logFile, 'utf8'), /ignoring SIGTERM/);
  });

  test('a grandchild that daemonised with setsid (and outlived its parent) is still killed', async () => {
    const port = await freePort();
    const { logFile, pidsFile } = files();
    const service = await startService({
      name: 'daemon',
      config: serviceConfig(port, 'node server.mjs', { PIDS_FILE: pidsFile, DAEMONIZE: '1', IGNORE_TERM: '1' }, { stopTimeoutMs: 200 }),
      logFile,
    });
    started.push(service);
    const pids = readPids(pidsFile);
    assert.equal(pids.length, 2);
    const escaped = pids.map((p) => parseProcStat(readFileSync(`/proc/${p}/stat`, 'utf8'))).find((p) => p.pgrp !== service.pid);
    assert.ok(escaped, 'the fixture should have produced a process outside the service process group');
    assert.notEqual(escaped.ppid, service.pid);
    await service.stop();
    assert.deepEqual(await survivors([service.pid, ...pids]), []);
  });
});

describe('runBuild', () => {
  test('runs the build command in the config directory with its env, output to the log', async () => {
    const { logFile } = files();
    await runBuild({ command: 'echo "building in $(pwd) with $FLAVOUR"', cwd: dir, env: { FLAVOUR: 'release' }, logFile });
    assert.match(readFileSync(logFile, 'utf8'), new RegExp(`building in ${dir} with release`));
  });

  test('a failing build → exit-code-3 error with its last log lines', async () => {
    const { logFile } = files();
    const err = await rejectsWith(
      runBuild({ command: 'for i in $(seq 1 100); do echo "line $i"; done; echo "error: tsc failed" >&2; exit 7', cwd: dir, env: {}, logFile }),
      /^build command exited with code 7: /,
    );
    const lines = (err.details ?? '').split('\n');
    assert.equal(lines.length, 41, 'a heading plus the last 40 lines');
    assert.equal(lines.at(-1), 'error: tsc failed');
    assert.equal(lines[1], 'line 62');
  });

  test('a build that runs too long is stopped, with its background processes', async () => {
    const { logFile } = files();
    const pidsFile = join(dir, 'build-pids.txt');
    pidFiles.push(pidsFile);
    await rejectsWith(
      runBuild({ command: `sleep 30 & echo $! >> ${pidsFile}; echo $$ >> ${pidsFile}; wait`, cwd: dir, env: {}, logFile, timeoutMs: 500 }),
      /^build did not finish within 500ms/,
    );
    const pids = readPids(pidsFile);
    assert.equal(pids.length, 2);
    assert.deepEqual(await survivors(pids), []);
  });
});
