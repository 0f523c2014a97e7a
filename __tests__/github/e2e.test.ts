// End to end: the action process (dist/index.js, or the sources with PERFGATE_E2E_ENTRY=src) against the
// fake GitHub, one scenario after another on shared state, as a repository would live through them.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../helpers/ports.js';
import { survivors } from '../service/helpers.js';
import { FakeGitHub, READONLY_TOKEN, TOKEN } from './fake-github/server.js';
import { makeWorkspace, NODE, runAction, type ActionRun } from './fake-github/harness.js';
import { FULL_NAME, issueCommentEvent, pullRequestEvent, pushEvent, workflowRunEvent, type PrShape } from './fake-github/payloads.js';

const sha = (c: string) => c.repeat(40);
const MARKER = '<!-- perfgate:perfgate.yml -->';

function explain(r: ActionRun): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-2000)}`;
}

describe('perfgate action end to end', () => {
  const fake = new FakeGitHub();
  let workspace: string;

  beforeAll(async () => {
    await fake.start();
    workspace = await makeWorkspace(await freePort());
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function push(headSha: string) {
    const run = fake.startRun({ event: 'push', headSha, headBranch: 'main' });
    const r = await runAction({ fake, workspace, eventName: 'push', payload: pushEvent(headSha), sha: headSha, ref: 'refs/heads/main', runId: run.id, token: TOKEN });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
    return { run, r };
  }

  async function pr(shape: PrShape, opts: { token?: string; action?: string; label?: string; sender?: string; inputs?: Record<string, string> } = {}) {
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef, headRepo: shape.headRepo ?? FULL_NAME });
    const payload = pullRequestEvent(shape, opts.action ?? 'opened', opts.label, opts.sender);
    const r = await runAction({
      fake,
      workspace,
      eventName: 'pull_request',
      payload,
      sha: sha('9'),
      ref: `refs/pull/${shape.number}/merge`,
      runId: run.id,
      token: opts.token ?? TOKEN,
      inputs: opts.inputs,
    });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
    return { run, r };
  }

  const pr1: PrShape = { number: 1, headSha: sha('b'), headRef: 'feature', baseSha: sha('a') };

  test('push to main measures and uploads the baseline artifact', async () => {
    const { run, r } = await push(sha('a'));
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.outputs.verdict, 'pass', explain(r));
    const uploaded = [...fake.artifacts.values()].filter((a) => a.runId === run.id);
    assert.deepEqual(uploaded.map((a) => a.name), ['perfgate-baseline']);
    assert.ok(uploaded[0].finalized && uploaded[0].bytes!.length > 0);
    assert.match(r.summary, /hello/);
    assert.deepEqual(fake.problems, []);
  });

  test('a pull request downloads that baseline and posts one sticky comment', async () => {
    const { r } = await pr(pr1);
    assert.equal(r.code, 0, explain(r));
    // Run by the Node the harness was given (PERFGATE_E2E_NODE: CI's Node 24 pass), as results record it.
    const results = JSON.parse(readFileSync(r.outputs['results-path']!, 'utf8'));
    assert.equal(results.meta.runner.node, execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim());
    const comments = fake.commentsOn(1);
    assert.equal(comments.length, 1);
    assert.equal(comments[0].body.split('\n')[0], MARKER);
    assert.equal(comments[0].login, 'github-actions[bot]');
    assert.ok(fake.log.some((l) => /actions\/artifacts\/\d+\/zip -> 302/.test(l)), 'baseline downloaded');
    assert.doesNotMatch(comments[0].body, /No baseline/);
    assert.match(r.outputs['results-path'], /results\.json$/);
    assert.equal(r.outputs.violations, '0');
    assert.deepEqual(fake.problems, []);
  });

  test('a second run on the same PR edits the comment in place', async () => {
    const before = fake.commentsOn(1)[0].updatedAt;
    const { r } = await pr({ ...pr1, headSha: sha('c') });
    assert.equal(r.code, 0, explain(r));
    const comments = fake.commentsOn(1);
    assert.equal(comments.length, 1, 'no duplicate comment');
    assert.notEqual(comments[0].updatedAt, before);
    assert.ok(fake.log.some((l) => /^PATCH .*issues\/comments\/\d+ -> 200/.test(l)));
    assert.deepEqual(fake.problems, []);
  });

  test('no baseline: the report says so and only budgets apply', async () => {
    const { r } = await pr({ number: 6, headSha: sha('6'), headRef: 'six', baseSha: sha('a') }, { inputs: { 'baseline-artifact': 'never-uploaded' } });
    assert.equal(r.code, 0, explain(r));
    const [comment] = fake.commentsOn(6);
    assert.match(comment.body, /No baseline: no run on 'main' has an artifact named 'never-uploaded'/);
    assert.deepEqual(fake.problems, []);
  });

  test('an expired baseline (410) is reported, not a crash', async () => {
    for (const a of fake.artifacts.values()) if (a.name === 'perfgate-baseline') a.gone = true;
    try {
      const { r } = await pr({ number: 7, headSha: sha('7'), headRef: 'seven', baseSha: sha('a') });
      assert.equal(r.code, 0, explain(r));
      assert.match(fake.commentsOn(7)[0].body, /expired/);
      assert.ok(fake.log.some((l) => /artifacts\/\d+\/zip -> 410/.test(l)));
    } finally {
      for (const a of fake.artifacts.values()) a.gone = false;
    }
    assert.deepEqual(fake.problems, []);
  });

  const fork: PrShape = { number: 2, headSha: sha('f'), headRef: 'main', baseSha: sha('a'), headRepo: 'forker/Hello-World' };
  let forkRunId = 0;

  test('a fork PR (read-only token) reports in the job summary and still sets the verdict', async () => {
    const { run, r } = await pr(fork, { token: READONLY_TOKEN });
    forkRunId = run.id;
    assert.equal(r.code, 0, explain(r));
    // One 0.3 s round against the baseline cannot be decisive: what matters is that it is reported.
    assert.match(r.outputs.verdict, /^(pass|inconclusive)$/);
    assert.equal(fake.commentsOn(2).length, 0);
    assert.ok(fake.log.some((l) => /^POST .*issues\/2\/comments -> 403/.test(l)));
    assert.match(r.summary, /could not be posted/);
    assert.match(r.summary, /hello/);
    assert.match(r.stdout, /::warning::/);
    // The results are left for the report workflow.
    assert.ok([...fake.artifacts.values()].some((a) => a.runId === run.id && a.name === 'perfgate-results' && a.finalized));
    assert.deepEqual(fake.problems, []);
  });

  test('report mode on workflow_run finds the fork PR through the API and comments', async () => {
    const run = fake.startRun({ event: 'workflow_run', headSha: sha('1'), headBranch: 'main' });
    const payload = workflowRunEvent({ id: forkRunId, headSha: fork.headSha, headBranch: fork.headRef, headRepo: fork.headRepo! });
    const r = await runAction({ fake, workspace, eventName: 'workflow_run', payload, sha: sha('1'), ref: 'refs/heads/main', runId: run.id, token: TOKEN });
    assert.equal(r.code, 0, explain(r));
    const comments = fake.commentsOn(2);
    assert.equal(comments.length, 1);
    assert.equal(comments[0].body.split('\n')[0], MARKER);
    assert.match(comments[0].body, /hello/);
    assert.ok(fake.log.some((l) => /GET \/repos\/Codertocat\/Hello-World\/pulls\?.*head=forker%3Amain/.test(l)), fake.log.join('\n'));
    assert.deepEqual(fake.problems, []);
  });

  const failing: PrShape = { number: 3, headSha: sha('3'), headRef: 'slow', baseSha: sha('a') };

  test('a budget violation fails the step after the comment is written', async () => {
    const { r } = await pr(failing, { inputs: { config: 'strict.yml' } });
    assert.equal(r.code, 1, explain(r));
    assert.equal(r.outputs.verdict, 'fail');
    assert.notEqual(r.outputs.violations, '0');
    assert.match(r.stdout, /::error::perfgate/);
    assert.equal(fake.commentsOn(3).length, 1);
  });

  test('the perfgate:accept label from a maintainer records acceptance and passes the check', async () => {
    const { r } = await pr(failing, { inputs: { config: 'strict.yml' }, action: 'labeled', label: 'perfgate:accept', sender: 'Codertocat' });
    assert.equal(r.code, 0, explain(r));
    const comments = fake.commentsOn(3);
    assert.equal(comments.length, 1);
    assert.match(comments[0].body, /Accepted by @Codertocat/);
    assert.ok(fake.log.some((l) => /collaborators\/Codertocat\/permission -> 200/.test(l)));
    // A plain rerun (same event) still sees the acceptance in the comment.
    const again = await pr(failing, { inputs: { config: 'strict.yml' } });
    assert.equal(again.r.code, 0, explain(again.r));
    assert.deepEqual(fake.problems, []);
  });

  test('the perfgate:accept label from someone without write access is refused and the check still fails', async () => {
    const shape: PrShape = { number: 9, headSha: sha('d'), headRef: 'nine', baseSha: sha('a') };
    const { r } = await pr(shape, { inputs: { config: 'strict.yml' }, action: 'labeled', label: 'perfgate:accept', sender: 'stranger' });
    assert.equal(r.code, 1, explain(r));
    const bodies = fake.commentsOn(9).map((c) => c.body);
    assert.equal(bodies.length, 2);
    assert.ok(bodies.some((b) => /only be used by people with write access/.test(b)));
    assert.ok(bodies.some((b) => b.startsWith('<!-- perfgate:strict.yml -->') && !/Accepted by/.test(b)), bodies.join('\n=====\n'));
    assert.deepEqual(fake.problems, []);
  });

  test('/perfgate accept from a user without write access gets a polite refusal', async () => {
    const pr4: PrShape = { number: 4, headSha: sha('4'), headRef: 'four', baseSha: sha('a') };
    fake.addPull(pr4);
    fake.comments.push({ id: 1, issue: 4, body: '/perfgate accept', login: 'stranger', type: 'User', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
    const run = fake.startRun({ event: 'issue_comment', headSha: sha('1'), headBranch: 'main' });
    const r = await runAction({ fake, workspace, eventName: 'issue_comment', payload: issueCommentEvent(4, '/perfgate accept', 'stranger'), sha: sha('1'), ref: 'refs/heads/main', runId: run.id, token: TOKEN });
    assert.equal(r.code, 0, explain(r));
    const replies = fake.commentsOn(4).filter((c) => c.login === 'github-actions[bot]');
    assert.equal(replies.length, 1);
    assert.match(replies[0].body, /only be used by people with write access/);
    assert.doesNotMatch(replies[0].body, /perfgate-state/);
    assert.deepEqual(fake.reruns, []);
    assert.deepEqual(fake.problems, []);
  });

  test('/perfgate accept from a maintainer records acceptance and re-runs the PR check', async () => {
    const run = fake.startRun({ event: 'issue_comment', headSha: sha('1'), headBranch: 'main' });
    const r = await runAction({ fake, workspace, eventName: 'issue_comment', payload: issueCommentEvent(6, '/perfgate accept', 'Codertocat'), sha: sha('1'), ref: 'refs/heads/main', runId: run.id, token: TOKEN });
    assert.equal(r.code, 0, explain(r));
    assert.match(fake.commentsOn(6)[0].body, /Accepted by @Codertocat/);
    assert.equal(fake.reruns.length, 1);
    assert.equal(fake.runs.get(fake.reruns[0])!.headSha, sha('6'));
    assert.deepEqual(fake.problems, []);
  });

  test('a 5xx from GitHub is retried and the comment still lands', async () => {
    fake.failNext('POST', /\/issues\/5\/comments$/, 502, 1);
    const { r } = await pr({ number: 5, headSha: sha('5'), headRef: 'five', baseSha: sha('a') });
    assert.equal(r.code, 0, explain(r));
    assert.ok(fake.log.some((l) => /issues\/5\/comments -> 502 \(injected\)/.test(l)));
    assert.equal(fake.commentsOn(5).length, 1);
    assert.deepEqual(fake.problems, []);
  });

  test('shards upload their parts and the merge job posts one report with every scenario', async () => {
    const shape: PrShape = { number: 8, headSha: sha('8'), headRef: 'eight', baseSha: sha('a') };
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef });
    const payload = pullRequestEvent(shape);
    const common = { fake, workspace, eventName: 'pull_request', payload, sha: sha('9'), ref: 'refs/pull/8/merge', runId: run.id, token: TOKEN };
    for (const shard of ['1/2', '2/2']) {
      const r = await runAction({ ...common, inputs: { shard } });
      assert.equal(r.code, 0, explain(r));
    }
    assert.equal(fake.commentsOn(8).length, 0, 'shards do not comment');
    const parts = [...fake.artifacts.values()].filter((a) => a.runId === run.id).map((a) => a.name).sort();
    assert.deepEqual(parts, ['perfgate-shard-1-of-2', 'perfgate-shard-2-of-2']);
    const merged = await runAction({ ...common, inputs: { mode: 'merge' } });
    assert.equal(merged.code, 0, explain(merged));
    const comments = fake.commentsOn(8);
    assert.equal(comments.length, 1);
    assert.match(comments[0].body, /hello/);
    assert.match(comments[0].body, /world/);
    assert.deepEqual(fake.problems, []);
  });

  test('a merge that misses a shard fails naming it, and posts no partial report', async () => {
    const shape: PrShape = { number: 12, headSha: sha('d'), headRef: 'twelve', baseSha: sha('a') };
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef });
    const common = { fake, workspace, eventName: 'pull_request', payload: pullRequestEvent(shape), sha: sha('9'), ref: 'refs/pull/12/merge', runId: run.id, token: TOKEN };
    const first = await runAction({ ...common, inputs: { shard: '1/2' } });
    assert.equal(first.code, 0, explain(first));
    const merged = await runAction({ ...common, inputs: { mode: 'merge' } });
    assert.equal(merged.code, 3, explain(merged));
    assert.match(merged.stdout, /found 1 of 2 shard artifacts: shard\(s\) 2 uploaded nothing/);
    assert.equal(fake.commentsOn(12).length, 0);
  });

  test('a cancelled job (SIGTERM) stops the service before the action exits', async () => {
    const run = fake.startRun({ event: 'push', headSha: sha('c'), headBranch: 'main' });
    const r = await runAction({
      fake,
      workspace,
      eventName: 'push',
      payload: pushEvent(sha('c')),
      sha: sha('c'),
      ref: 'refs/heads/main',
      runId: run.id,
      token: TOKEN,
      signalWhen: { stdout: /service head: ready \(pid \d+\)/, signal: 'SIGTERM' },
    });
    fake.completeRun(run.id, 'failure');
    const pid = Number(/service head: ready \(pid (\d+)\)/.exec(r.stdout)?.[1]);
    assert.ok(pid > 0, explain(r));
    assert.equal(r.code, 143, explain(r));
    assert.match(r.stdout, /received SIGTERM, stopping/);
    assert.deepEqual(await survivors([pid]), [], 'the service outlived the action');
  });
});
