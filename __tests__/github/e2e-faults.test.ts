// End to end, the faults GitHub and untrusted artifacts bring: the action process (dist/index.js) against
// the fake GitHub. Bot-command runs between the baseline and a PR, transient errors on the artifact
// download, archives cut short or not zips at all (each run held to a time limit: untrusted input
// must never hang the job), and a fork's baseline.json that cannot be used.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';
import { FakeGitHub, TOKEN, type ArtifactRecord } from './fake-github/server.js';
import { makeWorkspace, runAction, type ActionRun } from './fake-github/harness.js';
import { issueCommentEvent, pullRequestEvent, pushEvent, workflowRunEvent, type PrShape } from './fake-github/payloads.js';
import { readZipEntries } from '../../src/github/zip-reader.js';
import { zipBytes } from './zip.js';

const sha = (c: string) => c.repeat(40);
const FORK = 'forker/Hello-World';
/** Far beyond what a run of the fixture takes (a few seconds), far below a hang. */
const RUN_LIMIT_MS = 45_000;

function explain(r: ActionRun): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-2000)}`;
}

/** Every file under dir, relative. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)));
  } catch {
    return [];
  }
}

describe('perfgate action end to end: GitHub faults and unreadable artifacts', () => {
  const fake = new FakeGitHub();
  let workspace: string;
  let baseline: ArtifactRecord;
  let baselineZip: Buffer;

  beforeAll(async () => {
    await fake.start();
    workspace = await makeWorkspace(await freePort());
    const run = fake.startRun({ event: 'push', headSha: sha('a'), headBranch: 'main' });
    const r = await runAction({ fake, workspace, eventName: 'push', payload: pushEvent(sha('a')), sha: sha('a'), ref: 'refs/heads/main', runId: run.id, token: TOKEN });
    assert.equal(r.code, 0, explain(r));
    fake.completeRun(run.id, 'success');
    baseline = [...fake.artifacts.values()].find((a) => a.runId === run.id && a.name === 'perfgate-baseline')!;
    baselineZip = baseline.bytes!;
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function pr(number: number, c: string) {
    const shape: PrShape = { number, headSha: sha(c), headRef: `branch-${number}`, baseSha: sha('a') };
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef });
    const r = await runAction({
      fake,
      workspace,
      eventName: 'pull_request',
      payload: pullRequestEvent(shape),
      sha: sha('9'),
      ref: `refs/pull/${number}/merge`,
      runId: run.id,
      token: TOKEN,
      timeoutMs: RUN_LIMIT_MS,
    });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
    const [comment] = fake.commentsOn(number);
    return { r, comment: comment?.body ?? '' };
  }

  /** A finished fork PR run whose `perfgate-results` artifact holds exactly `bytes`. */
  function forkRunWithArtifact(number: number, c: string, bytes: Buffer) {
    const shape: PrShape = { number, headSha: sha(c), headRef: `fork-${number}`, baseSha: sha('a'), headRepo: FORK };
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef, headRepo: FORK });
    fake.completeRun(run.id, 'success');
    fake.addArtifact(run.id, 'perfgate-results', bytes);
    return { shape, run };
  }

  async function report(fork: ReturnType<typeof forkRunWithArtifact>) {
    const run = fake.startRun({ event: 'workflow_run', headSha: sha('1'), headBranch: 'main' });
    const payload = workflowRunEvent({ id: fork.run.id, headSha: fork.shape.headSha, headBranch: fork.shape.headRef, headRepo: FORK });
    const r = await runAction({ fake, workspace, eventName: 'workflow_run', payload, sha: sha('1'), ref: 'refs/heads/main', runId: run.id, token: TOKEN, timeoutMs: RUN_LIMIT_MS });
    fake.completeRun(run.id, 'success');
    const [comment] = fake.commentsOn(fork.shape.number);
    return { r, comment: comment?.body ?? '' };
  }

  for (const [what, bytes] of [
    ['cut short (its last 1% missing)', () => baselineZip.subarray(0, Math.floor(baselineZip.length * 0.99))],
    ['"PK" followed by garbage', () => Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(4096, 0x5a)])],
  ] as const) {
    // Before the bot-command test: there, the lookup must already page past newer runs.
    test(`a baseline artifact ${what} is "no baseline" with a reason, within the time limit`, async () => {
      baseline.bytes = bytes();
      try {
        const { r, comment } = await pr(what.startsWith('cut') ? 43 : 44, what.startsWith('cut') ? 'd' : 'e');
        assert.equal(r.code, 0, explain(r));
        const line = new RegExp(`No baseline: artifact 'perfgate-baseline' of run ${baseline.runId} is unreadable: `);
        assert.match(comment, line);
        assert.match(r.summary, line);
        assert.doesNotMatch(r.stdout + r.stderr, /internal error|\n\s+at /);
      } finally {
        baseline.bytes = baselineZip;
      }
      assert.deepEqual(fake.problems, []);
    });
  }

  test('a 502 and a secondary rate limit on the baseline download are retried, as every other call', async () => {
    const zip = new RegExp(`/actions/artifacts/${baseline.id}/zip$`);
    fake.failNext('GET', zip, 502, 1, {}, 'Bad Gateway');
    fake.secondaryRateLimitNext('GET', zip);
    fake.failNext('GET', /^\/blob\/download\//, 503, 1, {}, 'Server Busy');
    const { r, comment } = await pr(42, 'c');
    assert.equal(r.code, 0, explain(r));
    assert.doesNotMatch(comment, /No baseline/, comment);
    const injected = fake.log.filter((l) => /\(injected\)/.test(l) && /zip|blob/.test(l));
    assert.equal(injected.length, 3, injected.join('\n'));
    assert.match(r.stdout, new RegExp(`baseline: run ${baseline.runId} `), explain(r));
    assert.deepEqual(fake.problems, []);
  });

  test("the README's one workflow keeps comparing against main's baseline after five bot commands", async () => {
    // `issue_comment` runs of the same workflow run on the default branch and succeed without
    // uploading anything: five of them are newer than the push that holds the baseline.
    fake.addPull({ number: 40, headSha: sha('4'), headRef: 'forty', baseSha: sha('a') });
    for (let i = 0; i < 5; i++) {
      const run = fake.startRun({ event: 'issue_comment', headSha: sha('a'), headBranch: 'main' });
      const r = await runAction({ fake, workspace, eventName: 'issue_comment', payload: issueCommentEvent(40, '/perfgate rerun', 'Codertocat'), sha: sha('a'), ref: 'refs/heads/main', runId: run.id, token: TOKEN });
      assert.equal(r.code, 0, explain(r));
      fake.completeRun(run.id, 'success');
    }
    const { r, comment } = await pr(41, 'b');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, new RegExp(`baseline: run ${baseline.runId} `), explain(r));
    assert.doesNotMatch(comment, /No baseline/);
    assert.ok(fake.log.some((l) => new RegExp(`actions/artifacts/${baseline.id}/zip -> 302`).test(l)));
    assert.deepEqual(fake.problems, []);
  });

  let reportNumber = 50;
  for (const [what, bytes] of [
    ['cut short (its last 1% missing)', () => baselineZip.subarray(0, Math.floor(baselineZip.length * 0.99))],
    ['"PK" followed by garbage', () => Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(4096, 0x5a)])],
    ['not a zip at all', () => Buffer.from('{"schema":"perfgate/results@1"}')],
  ] as const) {
    test(`report mode: a fork's results artifact ${what} is "artifact unreadable" in the comment and summary`, async () => {
      const fork = forkRunWithArtifact(++reportNumber, String(reportNumber % 10), bytes());
      const { r, comment } = await report(fork);
      assert.equal(r.code, 0, explain(r));
      assert.match(comment, /artifact unreadable/);
      assert.match(comment, new RegExp(`artifact 'perfgate-results' of run ${fork.run.id} is unreadable`));
      assert.match(r.summary, /artifact unreadable/);
      assert.equal(r.outputs.verdict, 'unreadable');
      assert.doesNotMatch(r.stdout + r.stderr, /internal error|\n\s+at /);
      assert.deepEqual(
        filesUnder(r.runnerTemp).filter((f) => f.endsWith('.json')),
        [],
        'no results file (whole or partial) is left behind',
      );
      assert.deepEqual(fake.problems, []);
    });
  }

  test("report mode: a fork's baseline.json of another schema version is left out, and the head's report posted", async () => {
    const results = readZipEntries(baselineZip, (n) => n === 'results.json', 1 << 24).get('results.json')!.toString('utf8');
    const future = results.replace('"perfgate/results@1"', '"perfgate/results@2"');
    const fork = forkRunWithArtifact(60, '6', await zipBytes([
      { name: 'results.json', data: results },
      { name: 'baseline.json', data: future },
    ]));
    const { r, comment } = await report(fork);
    assert.equal(r.code, 0, explain(r));
    assert.match(comment, /hello/, 'the head report is posted');
    assert.match(comment, /the baseline\.json in artifact 'perfgate-results' could not be used: baseline\.json has schema/);
    assert.match(r.summary, /baseline\.json in artifact 'perfgate-results' could not be used/);
    assert.deepEqual(fake.problems, []);
  });
});
