// The action's log folder: under $RUNNER_TEMP, removed after a passing run, kept with `keep-logs: true`
// (and said where in the job log) — dist/index.js run as the runner runs it.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';
import { FakeGitHub, TOKEN } from './fake-github/server.js';
import { makeWorkspace, runAction } from './fake-github/harness.js';
import { pushEvent } from './fake-github/payloads.js';

const logDirs = (runnerTemp: string) => readdirSync(runnerTemp).filter((name) => /^perfgate-\d+$/.test(name));

describe('the action\'s service logs', () => {
  const fake = new FakeGitHub();
  let workspace: string;
  beforeAll(async () => {
    await fake.start();
    workspace = await makeWorkspace(await freePort(), ['hello']);
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function push(inputs: Record<string, string>) {
    const headSha = 'a'.repeat(40);
    const run = fake.startRun({ event: 'push', headSha, headBranch: 'main' });
    const r = await runAction({ fake, workspace, eventName: 'push', payload: pushEvent(headSha), sha: headSha, ref: 'refs/heads/main', runId: run.id, token: TOKEN, inputs });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
    return r;
  }

  test('a passing run leaves no log folder in RUNNER_TEMP', async () => {
    const r = await push({});
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`\\(log: ${r.runnerTemp}/perfgate-\\d+/head-service\\.log\\)`));
    assert.deepEqual(logDirs(r.runnerTemp), []);
  });

  test('keep-logs: true keeps it in RUNNER_TEMP and the job log says where', async () => {
    const r = await push({ 'keep-logs': 'true' });
    assert.equal(r.code, 0, r.stdout);
    const [dir] = logDirs(r.runnerTemp);
    assert.ok(dir, r.stdout);
    const kept = path.join(r.runnerTemp, dir);
    assert.ok(r.stdout.includes(`service and build logs kept in ${kept} (asked to keep them)`), r.stdout);
    assert.ok(existsSync(path.join(kept, 'head-service.log')));
  });
});
