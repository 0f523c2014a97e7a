// The service is pull-request code running as the same user as the action. Its environment is
// stripped of the runner's tokens, and it must not find them in /proc/<pid>/environ of perfgate or
// any other ancestor either (src/service/own-environ.ts). Runs the built dist/index.js against the
// fake GitHub; the run must still use its tokens (upload the artifact, call the API).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';
import { FakeGitHub, TOKEN } from './fake-github/server.js';
import { runAction } from './fake-github/harness.js';
import { pushEvent } from './fake-github/payloads.js';
import { fixtures } from '../service/helpers.js';

const reversed = (s: string) => [...s].reverse().join('');

describe('runner credentials and a snooping service', () => {
  const fake = new FakeGitHub();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  test('no token in any /proc/<pid>/environ the service can read; the action still uses them', async () => {
    const ws = await mkdtemp(path.join(os.tmpdir(), 'perfgate-snoop-'));
    const port = await freePort();
    const snoopOut = path.join(ws, 'snoop.json');
    const sha = 'e'.repeat(40);
    const run = fake.startRun({ event: 'push', headSha: sha, headBranch: 'main' });
    const tokens = {
      GITHUB_TOKEN: 'ghs_env_github_token_0123456789',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc_request_token_0123456789',
      ACTIONS_RUNTIME_TOKEN: fake.runtimeToken(run.id),
    };
    const needles = [TOKEN, ...Object.values(tokens)];
    await writeFile(
      path.join(ws, 'perfgate.yml'),
      [
        'service:',
        `  start: node ${JSON.stringify(path.join(fixtures, 'snoop-environ.mjs'))}`,
        `  env: { PORT: "${port}", SNOOP_OUT: ${JSON.stringify(snoopOut)}, SNOOP_NEEDLES_REVERSED: "${needles.map(reversed).join(',')}" }`,
        `  ready: { url: "http://127.0.0.1:${port}/", timeout: 20s }`,
        'defaults: { load: { connections: 1, duration: 0.2s, warmup: 0s }, rounds: 1 }',
        'scenarios: [{ name: root, request: { path: / } }]',
        '',
      ].join('\n'),
    );
    const r = await runAction({ fake, workspace: ws, eventName: 'push', payload: pushEvent(sha), sha, ref: 'refs/heads/main', runId: run.id, token: TOKEN, env: tokens });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const snoop = JSON.parse(await readFile(snoopOut, 'utf8')) as { ancestors: number[]; ancestorsRead: number[]; found: unknown[] };
    assert.ok(snoop.ancestorsRead.length >= 2, `the service could read its ancestors' environ: ${JSON.stringify(snoop)}`);
    assert.deepEqual(snoop.found, [], 'a token was readable');
    // The tokens still work inside perfgate: the baseline artifact was uploaded with the runtime token.
    assert.ok([...fake.artifacts.values()].some((a) => a.runId === run.id && a.finalized), fake.log.join('\n'));
    assert.deepEqual(fake.problems, []);
  });
});
