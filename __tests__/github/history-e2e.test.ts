// Main's history end to end: the action (dist/index.js) against the fake GitHub, with a real
// service measured on pushes and pull requests, and further runs of main seeded as artifacts
// derived from a real measurement (each on a "machine" a few percent faster or slower).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACT_LIMITS } from '../../src/github/artifacts.js';
import { extractExpectedFiles } from '../../src/github/bounded-unzip.js';
import type { Results } from '../../src/results/types.js';
import { freePort } from '../helpers/ports.js';
import { FakeGitHub, READONLY_TOKEN, TOKEN } from './fake-github/server.js';
import { makeWorkspace, pushToMain, runAction, type ActionRun } from './fake-github/harness.js';
import { FULL_NAME, pullRequestEvent, type PrShape } from './fake-github/payloads.js';
import { zipBytes } from './zip.js';
import { onMachine } from '../compare/builders.js';

const sha = (c: string) => c.repeat(40);

function explain(r: ActionRun): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-2000)}`;
}

describe('main\'s history in the action', () => {
  const fake = new FakeGitHub();
  let workspace: string;
  /** The results the first real push measured. */
  let measured: Results;
  let pushedAt: number;

  beforeAll(async () => {
    await fake.start();
    workspace = await makeWorkspace(await freePort());
  });
  afterAll(async () => {
    await fake.stop();
  });

  const push = (headSha: string) => pushToMain(fake, workspace, headSha, TOKEN);

  async function pr(shape: PrShape, token = TOKEN) {
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef, headRepo: shape.headRepo ?? FULL_NAME });
    const from = fake.log.length;
    const started = Date.now();
    const r = await runAction({ fake, workspace, eventName: 'pull_request', payload: pullRequestEvent(shape), sha: sha('9'), ref: `refs/pull/${shape.number}/merge`, runId: run.id, token });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
    return { r, calls: fake.log.slice(from), ms: Date.now() - started };
  }

  /** A successful push run of main whose baseline artifact holds `results`. */
  async function seed(results: Results, opts: { expired?: boolean; gone?: boolean } = {}): Promise<number> {
    const run = fake.startRun({ event: 'push', headSha: results.meta.commit!, headBranch: 'main' });
    fake.completeRun(run.id, 'success');
    const id = 900_000 + fake.artifacts.size;
    const bytes = await zipBytes([{ name: 'results.json', data: JSON.stringify(results) }]);
    const createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    fake.artifacts.set(id, { id, runId: run.id, name: 'perfgate-baseline', bytes, blocks: new Map(), expired: !!opts.expired, gone: !!opts.gone, finalized: true, createdAt });
    return id;
  }

  test('history of 0: no baseline yet — the report says so, no history is read', async () => {
    const { r, calls } = await pr({ number: 1, headSha: sha('1'), headRef: 'one', baseSha: sha('a') });
    assert.equal(r.code, 0, explain(r));
    assert.match(fake.commentsOn(1)[0]!.body, /No baseline/);
    assert.doesNotMatch(r.stdout, /^history:/m);
    assert.ok(!calls.some((l) => /artifacts\/\d+\/zip/.test(l)));
    assert.deepEqual(fake.problems, []);
  });

  test('the first push to main reports no change point and publishes an empty change-points output', async () => {
    const { run, r } = await push(sha('a'));
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.outputs['change-points'], '[]');
    assert.match(r.summary, /#### Change points on main \(last 1 runs\)/);
    assert.match(r.summary, /No lasting shift/);
    // Keep what was measured, to derive further runs of main from it.
    const artifact = [...fake.artifacts.values()].find((a) => a.runId === run.id)!;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-history-'));
    await writeFile(path.join(dir, 'a.zip'), artifact.bytes!);
    await extractExpectedFiles(path.join(dir, 'a.zip'), dir, ARTIFACT_LIMITS);
    measured = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8'));
    pushedAt = Date.parse(measured.meta.timestamp);
    assert.deepEqual(fake.problems, []);
  });

  test('history of 1: timing changes are reported, not failing, and the comment says how to gate', async () => {
    const { r } = await pr({ number: 2, headSha: sha('2'), headRef: 'two', baseSha: sha('a') });
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /history: 1 run\(s\) of 'main' read/);
    const body = fake.commentsOn(2)[0]!.body;
    assert.match(body, /Main's history has 1 run of the 5 needed/);
    assert.match(body, /reported, not failing/);
    assert.match(body, /source: rerun/);
    assert.deepEqual(fake.problems, []);
  });

  const seeded: number[] = [];
  test('history of N: expired runs are skipped, the trend is in the comment, the cost is bounded', async () => {
    const factors = [0.98, 1.03, 1.01, 0.97, 1.02, 1.0, 0.99];
    for (const [i, f] of factors.entries()) {
      const at = new Date(pushedAt - (factors.length - i) * 3_600_000).toISOString();
      // The 2nd is listed as expired; the 4th is listed but answers 410 when downloaded.
      seeded.push(await seed(onMachine(measured, f, sha(String.fromCharCode(0x62 + i)), at), { expired: i === 1, gone: i === 3 }));
    }
    const { r, calls, ms } = await pr({ number: 3, headSha: sha('3'), headRef: 'three', baseSha: sha('a') });
    assert.equal(r.code, 0, explain(r));
    // 7 seeded − 2 unusable + the real push = 6 runs.
    assert.match(r.stdout, /history: 6 run\(s\) of 'main' read in \d+ ms; skipped run \d+ \(eeeeeee\): expired/);
    const body = fake.commentsOn(3)[0]!.body;
    assert.match(body, /#### Main's recent history/);
    assert.match(body, /judged against how much main moved over its last 6 runs/);
    assert.match(body, /- hello · p50 `[▁▂▃▄▅▆▇█]{6}` → `[▁▂▃▄▅▆▇█]` \*\*/);
    assert.match(body, /- world · p50 /);
    assert.match(body, /timing is judged against main's last 6 runs/);
    // The lookup's cost on the fake: one listing of runs, one artifact listing per run it looked at
    // (8: the 7 seeded and the real push, newest first, until no more), one download per usable one.
    const listings = calls.filter((l) => /^GET \S+\/actions\/runs\/\d+\/artifacts/.test(l)).length;
    const downloads = calls.filter((l) => /^GET \S+\/actions\/artifacts\/\d+\/zip/.test(l)).length;
    const runLists = calls.filter((l) => /^GET \S+\/actions\/workflows\/\d+\/runs/.test(l)).length;
    const took = /history: 6 run\(s\) of 'main' read in (\d+) ms/.exec(r.stdout)?.[1];
    process.stderr.write(`history lookup on the fake: ${runLists} run listings, ${listings} artifact listings, ${downloads} downloads; history read in ${took} ms; whole PR job ${ms} ms\n`);
    assert.equal(downloads, 1 + 7, 'the baseline, then every listed, unexpired history artifact once');
    assert.ok(listings <= 2 * 8 + 1, `${listings} artifact listings`);
    assert.deepEqual(fake.problems, []);
  });

  test('a fork pull request (read-only token) still reads main\'s history', async () => {
    const { r } = await pr({ number: 4, headSha: sha('f'), headRef: 'main', baseSha: sha('a'), headRepo: 'forker/Hello-World' }, READONLY_TOKEN);
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /history: 6 run\(s\) of 'main' read/);
    assert.match(r.summary, /#### Main's recent history/);
    assert.deepEqual(fake.problems, []);
  });

  test('a push after a merged slowdown reports the change point: summary, output and annotation name the commits', async () => {
    for (const id of seeded) fake.artifacts.get(id)!.expired = true;
    // Main ran 2.5× faster for eight runs, then the real push 'a' (and three more) at today's speed;
    // ±10% from run to run, as 0.3 s measurements on a shared machine move.
    for (let i = 0; i < 8; i++) {
      const at = new Date(pushedAt - (20 - i) * 3_600_000).toISOString();
      await seed(onMachine(measured, 0.4 * (1 + 0.1 * Math.sin(1.7 * i)), sha(String(i)), at));
    }
    for (let i = 0; i < 3; i++) await seed(onMachine(measured, 1 + 0.1 * Math.cos(1.7 * i), sha(String.fromCharCode(0x6b + i)), new Date(pushedAt + 1 + i).toISOString()));
    const { r } = await push(sha('z'));
    assert.equal(r.code, 0, explain(r));
    const shifts = JSON.parse(r.outputs['change-points']!) as { scenario: string; metric: string; from: { commit: string }; to: { commit: string }; worse: boolean }[];
    // Every scenario's step is found where it happened, in some watched metric. (Which ones depends
    // on how far this real 0.3 s measurement strays: an outlier at the end can mask one metric.)
    for (const scenario of ['hello', 'world']) {
      const found = shifts.filter((s) => s.scenario === scenario && s.worse && s.from.commit === sha('7') && s.to.commit === sha('a'));
      assert.ok(found.length >= 1, `${scenario}: ${r.outputs['change-points']}`);
    }
    // Nothing else among the seeded runs (the real run 'z' itself may stray: it is one 0.3 s round).
    assert.ok(shifts.filter((s) => s.to.commit !== sha('z')).every((s) => s.to.commit === sha('a')), r.outputs['change-points']);
    assert.match(r.summary, /#### Change points on main \(last 13 runs\)/);
    assert.match(r.summary, /- ❌ hello: \S+ worsened [+-]\d+\.\d% \(.+ → .+, p<0\.001\) between 7777777\.\.aaaaaaa/);
    assert.match(r.stdout, /::warning::perfgate change point: hello: \S+ worsened .* between 7777777\.\.aaaaaaa/);
    assert.deepEqual(fake.problems, []);
  });

  test('a regression flagged against main\'s history is re-measured paired on this runner; only a confirmed one fails', async () => {
    // A git checkout of the service: the base commit and a PR commit that changes no code.
    const repo = await mkdtemp(path.join(os.tmpdir(), 'perfgate-e2e-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    await copyFile(fileURLToPath(new URL('./fake-github/service.mjs', import.meta.url)), path.join(repo, 'service.mjs'));
    await writeFile(path.join(repo, 'notes.txt'), 'base\n');
    await writeFile(
      path.join(repo, 'perfgate.yml'),
      [
        'service:',
        '  start: node service.mjs',
        '  env: { PORT: "${PERFGATE_PORT}" }',
        '  ready: { url: "http://127.0.0.1:${PERFGATE_PORT}/health", timeout: 20s }',
        'defaults:',
        '  load: { connections: 1, duration: 0.3s, warmup: 0.1s }',
        '  rounds: 12',
        // CPU/request alone gates: latency and rps of two services under load at once on this shared
        // 2-core machine can differ beyond any threshold with the same code.
        '  regression: { p50: 500%, p90: 500%, p99: 500%, rps: 99%, cpu: 5%, rss: 500% }',
        'scenarios:',
        '  - { name: hello, request: { method: GET, path: /hello } }',
        '  - { name: world, request: { method: GET, path: /world } }',
        'failOn: [budget, regression]',
        '',
      ].join('\n'),
    );
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-m', 'base');
    const baseSha = git('rev-parse', 'HEAD');
    await writeFile(path.join(repo, 'notes.txt'), 'docs only\n');
    git('-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-am', 'docs');

    // Main's history: six runs on a machine four times as fast as this one (beyond how much this
    // shared machine moves between runs), so the cross-run comparison surely flags the PR.
    for (const a of fake.artifacts.values()) if (a.name === 'perfgate-baseline') a.expired = true;
    for (const [i, f] of [0.25, 0.2525, 0.2475, 0.25, 0.2515, 0.249].entries()) {
      await seed(onMachine(measured, f, sha(String.fromCharCode(0x6f + i)), new Date(Date.now() - (6 - i) * 60_000).toISOString()));
    }
    const shape: PrShape = { number: 5, headSha: sha('5'), headRef: 'five', baseSha };
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef });
    const r = await runAction({ fake, workspace: repo, eventName: 'pull_request', payload: pullRequestEvent(shape), sha: sha('9'), ref: 'refs/pull/5/merge', runId: run.id, token: TOKEN });
    assert.match(r.stdout, /confirming [12] flagged scenario\(s\) on this runner: base [0-9a-f]{40} and head, paired rounds/, explain(r));
    // The wiring, whatever the paired rounds on this shared machine conclude: every cross-run
    // regression carries the rerun's answer, and the check fails exactly when one was confirmed.
    const body = fake.commentsOn(5)[0]!.body;
    assert.match(body, /(not )?confirmed by a paired rerun on this runner/);
    assert.doesNotMatch(body, /could not be confirmed/);
    const confirmed = /\| ❌ regressed: confirmed by a paired rerun on this runner/.test(body);
    assert.equal(r.code, confirmed ? 1 : 0, explain(r));
    for (const row of body.split('\n').filter((l) => l.includes('❌ regressed'))) assert.match(row, /confirmed by a paired rerun on this runner/, row);
    assert.equal(git('worktree', 'list').split('\n').length, 1, 'the base worktree is removed');
    assert.deepEqual(fake.problems, []);
  });
});
