// Baseline artifacts round-trip through perfgate's upload client (src/github/artifact-upload.ts, the
// protocol of @actions/artifact) against the fake backend: upload (twirp + blob), then the baseline
// search and the REST download (302 → blob → unzip).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeGitHub, TOKEN, WORKFLOW_ID } from './fake-github/server.js';
import { OWNER, REPO } from './fake-github/payloads.js';
import { zipBytes } from './zip.js';

describe('baseline artifacts', () => {
  const fake = new FakeGitHub();
  let dir: string;
  const saved = { ...process.env };
  let createArtifactStore: typeof import('../../src/github/artifacts.js').createArtifactStore;
  let fetchBaseline: typeof import('../../src/github/baseline.js').fetchBaseline;
  let createOctokit: typeof import('../../src/github/octokit.js').createOctokit;
  beforeAll(async () => {
    await fake.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-art-'));
    process.env.GITHUB_API_URL = fake.url;
    process.env.ACTIONS_RESULTS_URL = `${fake.url}/`;
    process.env.GITHUB_WORKSPACE = dir;
    // @actions/github fixes its base URL from GITHUB_API_URL at import: import after setting it.
    ({ createArtifactStore } = await import('../../src/github/artifacts.js'));
    ({ fetchBaseline } = await import('../../src/github/baseline.js'));
    ({ createOctokit } = await import('../../src/github/octokit.js'));
  });
  afterAll(async () => {
    process.env = saved;
    await fake.stop();
  });

  const store = () => createArtifactStore({ octokit: (token) => createOctokit(token, { retryAfterBaseValue: 1 }), retryAfterBaseValue: 1 });

  async function uploadBaseline(sha: string, body: string, opts: { headRepo?: string } = {}) {
    const run = fake.startRun({ event: 'push', headSha: sha, headBranch: 'main', ...opts });
    process.env.ACTIONS_RUNTIME_TOKEN = fake.runtimeToken(run.id);
    const src = path.join(dir, `src-${run.id}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(src, { recursive: true }));
    await writeFile(path.join(src, 'results.json'), body);
    const id = await store().upload('perfgate-baseline', [path.join(src, 'results.json')], src);
    fake.completeRun(run.id, 'success');
    return { run, id };
  }

  const query = (extra: object = {}) => ({
    owner: OWNER,
    repo: REPO,
    workflowId: WORKFLOW_ID,
    branch: 'main',
    artifactName: 'perfgate-baseline',
    token: TOKEN,
    dir: path.join(dir, 'dl'),
    ...extra,
  });

  test('the uploaded baseline of the PR base commit is found and downloaded, forks skipped', async () => {
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1 });
    const older = await uploadBaseline('a'.repeat(40), '{"which":"older"}');
    await uploadBaseline('b'.repeat(40), '{"which":"newer"}');
    // A fork's branch named `main` succeeded later: never a baseline.
    await uploadBaseline('c'.repeat(40), '{"which":"fork"}', { headRepo: 'evil/Hello-World' });

    const exact = await fetchBaseline(octokit, store(), query({ preferSha: 'a'.repeat(40) }));
    assert.equal(exact.found, true);
    assert.ok(exact.found && exact.runId === older.run.id);
    assert.deepEqual(JSON.parse(await readFile(exact.found ? exact.file : '', 'utf8')), { which: 'older' });

    const newest = await fetchBaseline(octokit, store(), query({ preferSha: 'f'.repeat(40) }));
    assert.deepEqual(JSON.parse(await readFile(newest.found ? newest.file : '', 'utf8')), { which: 'newer' });
    assert.deepEqual(fake.problems, []);
  });

  test('a baseline whose download answers 410 is reported as expired, not thrown', async () => {
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1 });
    for (const a of fake.artifacts.values()) a.gone = true;
    const lookup = await fetchBaseline(octokit, store(), query());
    assert.equal(lookup.found, false);
    assert.match(lookup.found ? '' : lookup.reason, /expired/);
    assert.ok(fake.log.some((l) => /artifacts\/\d+\/zip -> 410/.test(l)));
    assert.deepEqual(fake.problems, []);
  });

  test('report mode: the PR is matched by head repo, branch and commit; forged results are refused', async () => {
    const { findPullRequest, readResultsArtifact } = await import('../../src/github/pr.js');
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1 });
    fake.addPull({ number: 21, headSha: 'd'.repeat(40), headRef: 'main', baseSha: 'a'.repeat(40), headRepo: 'forker/Hello-World' });
    const run = { id: 1, headSha: 'd'.repeat(40), headBranch: 'main', headRepo: 'forker/Hello-World' };
    assert.equal(await findPullRequest(octokit, { owner: OWNER, repo: REPO }, run), 21);
    // Same branch name, other commit (a newer push, or a spoof): no PR.
    assert.equal(await findPullRequest(octokit, { owner: OWNER, repo: REPO }, { ...run, headSha: 'e'.repeat(40) }), undefined);

    const forked = fake.startRun({ event: 'pull_request', headSha: 'd'.repeat(40), headBranch: 'main', headRepo: 'forker/Hello-World' });
    process.env.ACTIONS_RUNTIME_TOKEN = fake.runtimeToken(forked.id);
    const src = path.join(dir, 'forged');
    await import('node:fs/promises').then((fs) => fs.mkdir(src, { recursive: true }));
    await writeFile(path.join(src, 'results.json'), JSON.stringify({ schema: 'perfgate/results@1', pr: 1, scenarios: 'rm -rf /' }));
    await store().upload('perfgate-results', [path.join(src, 'results.json')], src);
    const forged = await readResultsArtifact(octokit, store(), { owner: OWNER, repo: REPO }, forked.id, 'perfgate-results', TOKEN, path.join(dir, 'untrusted'));
    assert.match('unreadable' in forged ? forged.unreadable : '', /results\.json is not a perfgate results file/);
    // Oversized artifacts are not even downloaded.
    const art = [...fake.artifacts.values()].find((a) => a.runId === forked.id)!;
    art.bytes = Buffer.alloc(11 * 1024 * 1024);
    const big = await readResultsArtifact(octokit, store(), { owner: OWNER, repo: REPO }, forked.id, 'perfgate-results', TOKEN, path.join(dir, 'untrusted2'));
    assert.match('unreadable' in big ? big.unreadable : '', /over the \d+ allowed/);
    // Small when zipped, huge when inflated: refused during extraction, nothing like it on disk.
    art.bytes = await zipBytes([{ name: 'results.json', data: Buffer.alloc(200 * 1024 * 1024) }]);
    assert.ok(art.bytes.length < 1024 * 1024);
    const bomb = await readResultsArtifact(octokit, store(), { owner: OWNER, repo: REPO }, forked.id, 'perfgate-results', TOKEN, path.join(dir, 'untrusted3'));
    assert.match('unreadable' in bomb ? bomb.unreadable : '', /inflate to over \d+ bytes/);
    const written = path.join(dir, 'untrusted3', 'results.json');
    assert.ok(!existsSync(written) || statSync(written).size <= 30 * 1024 * 1024);
    assert.deepEqual(fake.problems, []);
  });

  test('report mode: a valid results.confirm.json is kept; one that is not perfgate results is left out and said', async () => {
    const { readResultsArtifact } = await import('../../src/github/pr.js');
    const { run } = await import('../compare/builders.js');
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1 });
    const read = async (confirm: string, name: string) => {
      const forked = fake.startRun({ event: 'pull_request', headSha: 'd'.repeat(40), headBranch: 'main', headRepo: 'forker/Hello-World' });
      process.env.ACTIONS_RUNTIME_TOKEN = fake.runtimeToken(forked.id);
      const src = path.join(dir, name);
      await import('node:fs/promises').then((fs) => fs.mkdir(src, { recursive: true }));
      await writeFile(path.join(src, 'results.json'), JSON.stringify(run(1, 1, 1)));
      await writeFile(path.join(src, 'results.confirm.json'), confirm);
      await store().upload('perfgate-results', [path.join(src, 'results.json'), path.join(src, 'results.confirm.json')], src);
      return readResultsArtifact(octokit, store(), { owner: OWNER, repo: REPO }, forked.id, 'perfgate-results', TOKEN, path.join(dir, `${name}-out`));
    };
    const good = await read(JSON.stringify(run(1.1, 2, 2)), 'confirm-good');
    assert.ok('head' in good && good.confirm === true && good.confirmProblem === undefined);
    assert.ok(existsSync(path.join(dir, 'confirm-good-out', 'results.confirm.json')));
    const bad = await read(JSON.stringify({ schema: 'perfgate/results@1', scenarios: 'rm -rf /' }), 'confirm-bad');
    assert.ok('head' in bad, 'the head results still stand');
    assert.equal(bad.confirm, undefined);
    assert.match(bad.confirmProblem ?? '', /^the results\.confirm\.json in artifact 'perfgate-results' could not be used: results\.confirm\.json is not a perfgate results file/);
    assert.deepEqual(fake.problems, []);
  });

  test('the upload: retried on 5xx from the artifact service and the blob store; zip, size, sha256 and expiry as told', async () => {
    const { createHash } = await import('node:crypto');
    const { readZipEntries } = await import('../../src/github/zip-reader.js');
    const run = fake.startRun({ event: 'pull_request', headSha: '9'.repeat(40), headBranch: 'topic' });
    process.env.ACTIONS_RUNTIME_TOKEN = fake.runtimeToken(run.id);
    const src = path.join(dir, 'upload-retry');
    await import('node:fs/promises').then((fs) => fs.mkdir(src, { recursive: true }));
    await writeFile(path.join(src, 'results.json'), '{"a":1}');
    await writeFile(path.join(src, 'outcome.json'), '{"verdict":"pass"}');
    fake.failNext('POST', /\/CreateArtifact$/, 503);
    fake.failNext('PUT', /^\/blob\/upload\//, 500);
    fake.failNext('POST', /\/FinalizeArtifact$/, 502);
    const before = Date.now();
    const id = await store().upload('perfgate-results', [path.join(src, 'results.json'), path.join(src, 'outcome.json')], src, 7);
    const art = fake.artifacts.get(id!)!;
    assert.equal(art.finalized, true);
    assert.equal(fake.log.filter((l) => /-> 50\d \(injected\)/.test(l)).length, 3);
    const entries = readZipEntries(art.bytes!, () => true, 1e6);
    assert.deepEqual([...entries.keys()].sort(), ['outcome.json', 'results.json']);
    assert.equal(entries.get('results.json')!.toString(), '{"a":1}');
    assert.equal(art.finalizedSize, String(art.bytes!.length));
    assert.equal(art.finalizedHash, `sha256:${createHash('sha256').update(art.bytes!).digest('hex')}`);
    const days = (Date.parse(art.expiresAt!) - before) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `expires in ${days} days`);
    // A name taken in this run is refused at once (409), not retried.
    await assert.rejects(store().upload('perfgate-results', [path.join(src, 'results.json')], src), /CreateArtifact: the artifact service answered 409/);
    assert.deepEqual(fake.problems, []);
  });

  test('the upload refuses a runtime token without the Actions.Results scope, and files outside the root', async () => {
    const { backendIds, zipFiles } = await import('../../src/github/artifact-upload.js');
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    assert.deepEqual(backendIds(`${b64({})}.${b64({ scp: 'Actions.GenericRead:0 Actions.Results:r1:j1' })}.s`), { run: 'r1', job: 'j1' });
    assert.throws(() => backendIds(`${b64({})}.${b64({ scp: 'Actions.GenericRead:0' })}.s`), /invalid and\/or missing claims/);
    assert.throws(() => backendIds('not-a-jwt'), /invalid and\/or missing claims/);
    await assert.rejects(zipFiles([path.join(os.tmpdir(), 'x.json')], path.join(dir, 'root')), /is not under/);
  });

  test('two downloads of one artifact (the baseline lookup and main\'s history) fetch it once', async () => {
    const { id } = await uploadBaseline('7'.repeat(40), '{"which":"shared"}');
    const s = store();
    const from = { runId: 0, owner: OWNER, repo: REPO, token: TOKEN };
    const zipCalls = () => fake.log.filter((l) => l.includes(`/artifacts/${id}/zip`)).length;
    const calls = zipCalls();
    await Promise.all([s.download(id!, path.join(dir, 'shared-a'), from), s.download(id!, path.join(dir, 'shared-b'), from)]);
    await s.download(id!, path.join(dir, 'shared-c'), from);
    assert.equal(zipCalls() - calls, 1);
    for (const d of ['shared-a', 'shared-b', 'shared-c']) assert.deepEqual(JSON.parse(await readFile(path.join(dir, d, 'results.json'), 'utf8')), { which: 'shared' });
    assert.deepEqual(fake.problems, []);
  });
});

describe('baselineRunsWithArtifact', () => {
  const fake = new FakeGitHub();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  test('pages past bot-command runs to the runs holding a live artifact, newest first, forks and expired skipped', async () => {
    const { baselineRunsWithArtifact } = await import('../../src/github/baseline.js');
    const { createOctokit } = await import('../../src/github/octokit.js');
    const octokit = createOctokit(TOKEN, { baseUrl: fake.url, retryAfterBaseValue: 1 });
    const done = (r: { id: number }) => (fake.completeRun(r.id, 'success'), r);
    const older = done(fake.startRun({ event: 'push', headSha: 'a'.repeat(40), headBranch: 'main' }));
    fake.addArtifact(older.id, 'perfgate-baseline', Buffer.from('zip'));
    const expired = done(fake.startRun({ event: 'push', headSha: 'b'.repeat(40), headBranch: 'main' }));
    fake.addArtifact(expired.id, 'perfgate-baseline', Buffer.from('zip')).expired = true;
    done(fake.startRun({ event: 'push', headSha: 'c'.repeat(40), headBranch: 'main' })); // uploaded nothing
    const dispatched = done(fake.startRun({ event: 'workflow_dispatch', headSha: 'd'.repeat(40), headBranch: 'main' }));
    fake.addArtifact(dispatched.id, 'perfgate-baseline', Buffer.from('zip'));
    const fork = done(fake.startRun({ event: 'push', headSha: 'e'.repeat(40), headBranch: 'main', headRepo: 'evil/Hello-World' }));
    fake.addArtifact(fork.id, 'perfgate-baseline', Buffer.from('zip'));
    // More bot commands than one page holds, all newer than every baseline.
    for (let i = 0; i < 120; i++) done(fake.startRun({ event: 'issue_comment', headSha: 'a'.repeat(40), headBranch: 'main' }));

    const query = { owner: OWNER, repo: REPO, workflowId: WORKFLOW_ID, branch: 'main', artifactName: 'perfgate-baseline' };
    const all = [];
    for await (const run of baselineRunsWithArtifact(octokit, query)) all.push(run);
    assert.deepEqual(all.map((r) => r.runId), [dispatched.id, older.id]);
    assert.deepEqual(Object.keys(all[0]!).sort(), ['artifactId', 'createdAt', 'event', 'headSha', 'runId', 'sizeBytes']);
    assert.equal(all[1]!.event, 'push');
    assert.ok(fake.log.some((l) => /\/actions\/workflows\/\d+\/runs\?.*page=2/.test(l)), 'read the second page');
    const artifactCalls = fake.log.filter((l) => /\/actions\/runs\/\d+\/artifacts/.test(l)).length;
    assert.equal(artifactCalls, 4, 'artifacts asked only of own push/dispatch runs, not of the 120 command runs');

    const first = [];
    for await (const run of baselineRunsWithArtifact(octokit, { ...query, maxRuns: 1 })) first.push(run.runId);
    assert.deepEqual(first, [dispatched.id]);
    const exact = [];
    for await (const run of baselineRunsWithArtifact(octokit, { ...query, headSha: 'a'.repeat(40) })) exact.push(run.runId);
    assert.deepEqual(exact, [older.id]);
    const repoWide = [];
    for await (const run of baselineRunsWithArtifact(octokit, { ...query, workflowId: undefined, maxPages: 1 })) repoWide.push(run.runId);
    assert.deepEqual(repoWide, [], 'one page of 100 command runs holds no baseline: the look-back is bounded');
    assert.deepEqual(fake.problems, []);
  });
});
