// Service and build logs: a folder per run, removed when the run passes, kept (and said where) when
// it fails or when asked — through the bundled CLI, as users run it.
import { afterAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir, writeHelloConfig } from './helpers.js';

/** The log folder the run named in its progress output. */
function logDirOf(stderr: string): string {
  const match = /\(log: (.+)\/head-service\.log\)/.exec(stderr);
  assert.ok(match, `no service log path in the progress output:\n${stderr}`);
  return match[1]!;
}

const perfgateDirs = (dir: string) => readdirSync(dir).filter((name) => /^perfgate-\d+$/.test(name));

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
/** A temp folder removed after the tests (kept logs land in some of them). */
const scratch = (prefix?: string) => {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
};

describe('perfgate run: the log folder', () => {
  test('is removed when the run passes', async () => {
    const dir = scratch();
    const tmp = scratch('perfgate-tmpdir-');
    const res = await runCli(['run', '-c', writeHelloConfig(dir), '--out', path.join(dir, 'r.json'), '--no-print'], { env: { TMPDIR: tmp, RUNNER_TEMP: '' } });
    assert.equal(res.code, 0, res.stderr);
    const logDir = logDirOf(res.stderr);
    assert.equal(path.dirname(logDir), tmp);
    assert.equal(existsSync(logDir), false, `${logDir} left behind`);
    assert.deepEqual(perfgateDirs(tmp), []);
    assert.doesNotMatch(res.stderr, /logs kept/);
  });

  test('is kept with --keep-logs, and the progress output says where', async () => {
    const dir = scratch();
    const tmp = scratch('perfgate-tmpdir-');
    const res = await runCli(['run', '-c', writeHelloConfig(dir), '--out', path.join(dir, 'r.json'), '--no-print', '--keep-logs'], { env: { TMPDIR: tmp, RUNNER_TEMP: '' } });
    assert.equal(res.code, 0, res.stderr);
    const logDir = logDirOf(res.stderr);
    assert.ok(res.stderr.includes(`perfgate: service and build logs kept in ${logDir} (asked to keep them)`), res.stderr);
    assert.match(readFileSync(path.join(logDir, 'head-service.log'), 'utf8'), /hello-server listening on \d+/);
  });

  test('is kept when the run fails, with the exit code said', async () => {
    const dir = scratch();
    const tmp = scratch('perfgate-tmpdir-');
    const res = await runCli(['run', '-c', writeHelloConfig(dir, { env: 'HELLO_CRASH: "1"' }), '--out', path.join(dir, 'r.json')], { env: { TMPDIR: tmp, RUNNER_TEMP: '' } });
    assert.equal(res.code, 3, res.stderr);
    const logDir = logDirOf(res.stderr);
    assert.ok(res.stderr.includes(`perfgate: service and build logs kept in ${logDir} (the run ended with exit code 3)`), res.stderr);
    assert.match(readFileSync(path.join(logDir, 'head-service.log'), 'utf8'), /cannot connect to the configuration service/);
  });

  test('lives under $RUNNER_TEMP on GitHub', async () => {
    const dir = scratch();
    const runnerTemp = scratch('perfgate-runner-temp-');
    const res = await runCli(['run', '-c', writeHelloConfig(dir), '--out', path.join(dir, 'r.json'), '--no-print', '--keep-logs'], { env: { RUNNER_TEMP: runnerTemp } });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(path.dirname(logDirOf(res.stderr)), runnerTemp);
    assert.equal(perfgateDirs(runnerTemp).length, 1);
  });
});
