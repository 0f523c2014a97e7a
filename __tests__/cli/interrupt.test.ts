// Ctrl-C on `perfgate run`, through the bundle: the service gets SIGTERM and its grace period (not a
// SIGKILL straight after: a dependency's exit hook once did that), perfgate exits 130, and the logs
// of the interrupted run stay, with their place said.
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cliEntry, repoRoot, tempDir, writeHelloConfig } from './helpers.js';

test('Ctrl-C during perfgate run lets the service shut down gracefully, exits 130 and keeps the logs', async () => {
  const dir = tempDir();
  const shutdownFile = path.join(dir, 'shutdown.txt');
  const config = writeHelloConfig(dir, {
    env: `HELLO_SHUTDOWN_FILE: ${JSON.stringify(shutdownFile)}, HELLO_SHUTDOWN_MS: "400"`,
    service: '  stopTimeout: 5s',
    scenarios: '  - name: long\n    request: { path: /fast }\n    load: { duration: 60s, warmup: 0s }\n',
  });
  const child = spawn(process.execPath, [cliEntry, 'run', '-c', config, '--out', path.join(dir, 'r.json')], {
    cwd: repoRoot,
    env: { ...process.env, RUNNER_TEMP: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/head: ready in [\d.]+ s at /.test(stderr)) resolve();
    });
    void exited.then(() => reject(new Error(`perfgate run ended before the service was ready:\n${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // into the 60 s of load
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const { code, signal } = await exited;
  clearTimeout(timer);

  assert.equal(signal, null, stderr);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /received SIGINT, stopping 1 service process group/);
  assert.equal(readFileSync(shutdownFile, 'utf8'), 'SIGTERM received\nclean shutdown\n');
  const logDir = /\(log: (.+)\/head-service\.log\)/.exec(stderr)?.[1];
  assert.ok(logDir, stderr);
  assert.ok(stderr.includes(`service and build logs kept in ${logDir} (the run ended with exit code 130)`), stderr);
  assert.match(readFileSync(path.join(logDir, 'head-service.log'), 'utf8'), /hello-server listening/);
  rmSync(logDir, { recursive: true, force: true });
});
