// Scenario names are pull-request text. A fork PR's run uploads its results; the report workflow
// (workflow_run, the privileged one) turns them into the bot's comment. Rendered by cmark-gfm, that
// comment and the job summary must hold no markup from the names and ping nobody (issues 13 and 18).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';
import { linkableText, references, renderGfm, tagSkeleton } from '../helpers/gfm.js';
import { FakeGitHub, READONLY_TOKEN, TOKEN } from './fake-github/server.js';
import { runAction } from './fake-github/harness.js';
import { FULL_NAME, pullRequestEvent, workflowRunEvent, type PrShape } from './fake-github/payloads.js';

const NAMES = [
  'list @octocat #1 GH-2 </details><img src=https://evil.example/x.png>',
  '<a href="https://evil.example">Click here to accept</a> <h1>big</h1> @org/team',
  'line\rbreak ``` [x](https://evil.example) https://evil.example',
];

function assertInert(markdown: string, where: string): void {
  const html = renderGfm(markdown);
  assert.doesNotMatch(html, /<(img|a|h1|script)\b/i, `${where}: markup from a name survived:\n${html}`);
  const tags = tagSkeleton(html);
  assert.equal(tags.filter((t) => t === 'details').length, tags.filter((t) => t === '/details').length, `${where}: <details> unbalanced`);
  assert.deepEqual(references(linkableText(html)), [], `${where}: a mention or reference would be linked`);
  assert.match(linkableText(html).replace(/\u200B/g, ''), /list @octocat #1 GH-2 <\/details><img/, `${where}: the name is still shown`);
}

describe('hostile scenario names end to end (dist/index.js, fake GitHub)', () => {
  const fake = new FakeGitHub();
  let workspace: string;
  beforeAll(async () => {
    await fake.start();
    workspace = await mkdtemp(path.join(os.tmpdir(), 'perfgate-hostile-'));
    const port = await freePort();
    const service = path.resolve(import.meta.dirname, 'fake-github/service.mjs');
    await writeFile(
      path.join(workspace, 'perfgate.yml'),
      [
        'service:',
        `  start: node ${JSON.stringify(service)}`,
        `  env: { PORT: "${port}" }`,
        `  ready: { url: "http://127.0.0.1:${port}/health", timeout: 20s }`,
        'defaults: { load: { connections: 1, duration: 0.2s, warmup: 0s }, rounds: 1 }',
        'scenarios:',
        ...NAMES.map((n, i) => `  - { name: ${JSON.stringify(n)}, request: { path: /s${i} }, budgets: { errors: 0 } }`),
        'failOn: [budget]',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => fake.stop());

  test('the fork run uploads its results; the report run comments, inert', async () => {
    const fork: PrShape = { number: 12, headSha: 'c'.repeat(40), headRef: 'main', baseSha: 'a'.repeat(40), headRepo: 'forker/Hello-World' };
    fake.addPull(fork);
    const prRun = fake.startRun({ event: 'pull_request', headSha: fork.headSha, headBranch: fork.headRef, headRepo: fork.headRepo });
    const measured = await runAction({
      fake,
      workspace,
      eventName: 'pull_request',
      payload: pullRequestEvent(fork),
      sha: '9'.repeat(40),
      ref: `refs/pull/${fork.number}/merge`,
      runId: prRun.id,
      token: READONLY_TOKEN,
    });
    fake.completeRun(prRun.id, measured.code === 0 ? 'success' : 'failure');
    assert.equal(measured.code, 0, measured.stderr);
    assertInert(measured.summary, 'fork job summary');

    const reportRun = fake.startRun({ event: 'workflow_run', headSha: '1'.repeat(40), headBranch: 'main', headRepo: FULL_NAME });
    const r = await runAction({
      fake,
      workspace,
      eventName: 'workflow_run',
      payload: workflowRunEvent({ id: prRun.id, headSha: fork.headSha, headBranch: fork.headRef, headRepo: fork.headRepo! }),
      sha: '1'.repeat(40),
      ref: 'refs/heads/main',
      runId: reportRun.id,
      token: TOKEN,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const [comment] = fake.commentsOn(fork.number);
    assert.ok(comment, fake.log.join('\n'));
    assertInert(comment.body, 'comment');
    assertInert(r.summary, 'report job summary');
    assert.deepEqual(fake.problems, []);
  });
});
