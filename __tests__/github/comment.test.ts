// The sticky comment against the fake GitHub through the real Octokit (retry + throttling plugins).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { FakeGitHub, READONLY_TOKEN, TOKEN } from './fake-github/server.js';
import { OWNER, REPO } from './fake-github/payloads.js';

describe('sticky comment', () => {
  const fake = new FakeGitHub();
  let mod: typeof import('../../src/github/comment.js');
  let createOctokit: typeof import('../../src/github/octokit.js').createOctokit;
  const saved = process.env.GITHUB_API_URL;
  beforeAll(async () => {
    await fake.start();
    process.env.GITHUB_API_URL = fake.url;
    mod = await import('../../src/github/comment.js');
    ({ createOctokit } = await import('../../src/github/octokit.js'));
  });
  afterAll(async () => {
    process.env.GITHUB_API_URL = saved;
    await fake.stop();
  });

  const issue = (number: number) => ({ owner: OWNER, repo: REPO, number });
  const state = { verdict: 'pass', regressions: 0, violations: 0 };
  const seed = (number: number, login: string, body: string, type: 'User' | 'Bot' = 'User') =>
    fake.comments.push({ id: 100_000 + fake.comments.length, issue: number, body, login, type, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });

  test('found on a later page, edited in place, left alone when unchanged; look-alikes by others ignored', async () => {
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1 });
    seed(10, 'mallory', `${mod.marker('perfgate.yml')}\nfake report`);
    for (let i = 0; i < 150; i++) seed(10, 'someone', `chatter ${i}`);
    seed(10, 'github-actions[bot]', `${mod.marker('perfgate.yml')}\nold`, 'Bot');
    const login = await mod.botLogin(octokit);
    assert.equal(login, 'github-actions[bot]', 'GET /user is 403 for GITHUB_TOKEN');
    const existing = await mod.findSticky(octokit, issue(10), 'perfgate.yml', login);
    assert.ok(existing && existing.body.endsWith('old'));
    const req = { issue: issue(10), configFile: 'perfgate.yml', state, markdown: 'new report', policy: 'always' as const, login, existing };
    const first = await mod.upsertSticky(octokit, req);
    assert.equal(first.action, 'updated');
    assert.equal(fake.commentsOn(10).length, 152);
    const again = await mod.upsertSticky(octokit, { ...req, existing: await mod.findSticky(octokit, issue(10), 'perfgate.yml', login) });
    assert.equal(again.action, 'unchanged');
    assert.equal(fake.log.filter((l) => l.startsWith('PATCH')).length, 1);
    // A second config gets its own comment.
    const other = await mod.upsertSticky(octokit, { ...req, configFile: 'other.yml', existing: undefined });
    assert.equal(other.action, 'created');
    assert.deepEqual(fake.problems, []);
  });

  test('a personal access token comments as its own user', async () => {
    fake.addUserToken('ghp_user', 'perf-bot');
    const octokit = createOctokit('ghp_user', { retryAfterBaseValue: 1 });
    assert.equal(await mod.botLogin(octokit), 'perf-bot');
    assert.deepEqual(fake.problems, []);
  });

  test('403 (fork token) and persistent 5xx become a reason, never an exception', async () => {
    const readOnly = createOctokit(READONLY_TOKEN, { retryAfterBaseValue: 1 });
    const denied = await mod.upsertSticky(readOnly, { issue: issue(11), configFile: 'perfgate.yml', state, markdown: 'r', policy: 'always', login: 'github-actions[bot]' });
    assert.equal(denied.action, 'failed');
    assert.match(denied.action === 'failed' ? denied.reason : '', /403.*fork/);

    fake.failNext('POST', /\/issues\/12\/comments$/, 503, 10);
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1, retries: 2 });
    const down = await mod.upsertSticky(octokit, { issue: issue(12), configFile: 'perfgate.yml', state, markdown: 'r', policy: 'always', login: 'github-actions[bot]' });
    assert.equal(down.action, 'failed');
    assert.match(down.action === 'failed' ? down.reason : '', /503/);
    assert.equal(fake.log.filter((l) => /issues\/12\/comments -> 503/.test(l)).length, 3, 'one try + 2 retries');
    assert.equal(fake.commentsOn(12).length, 0);
    assert.deepEqual(fake.problems, []);
  });

  test('a rate-limited request waits and is retried by the throttling plugin', async () => {
    fake.rateLimitNext('GET', /\/issues\/13\/comments$/);
    const octokit = createOctokit(TOKEN, { retryAfterBaseValue: 1 });
    const found = await mod.findSticky(octokit, issue(13), 'perfgate.yml', 'github-actions[bot]');
    assert.equal(found, undefined);
    const hits = fake.log.filter((l) => /issues\/13\/comments/.test(l));
    assert.equal(hits.length, 2);
    assert.match(hits[0], /403 \(injected\)/);
    assert.match(hits[1], /-> 200$/);
  });
});
