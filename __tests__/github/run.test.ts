// run() with injected dependencies: the publishing order on a failing PR — results, summary, comment,
// outputs, and the failure status last.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeGitHub, TOKEN } from './fake-github/server.js';
import { FULL_NAME, pullRequestEvent } from './fake-github/payloads.js';
import type { RunOptions, RunOutcome } from '../../src/pipeline.js';

describe('run()', () => {
  const fake = new FakeGitHub();
  const saved = process.env.GITHUB_API_URL;
  beforeAll(async () => {
    await fake.start();
    process.env.GITHUB_API_URL = fake.url;
  });
  afterAll(async () => {
    process.env.GITHUB_API_URL = saved;
    await fake.stop();
  });

  test('a failing PR: results → summary → comment → outputs → setFailed', async () => {
    const { run } = await import('../../src/action/run.js');
    const { createOctokit } = await import('../../src/github/octokit.js');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-run-'));
    const shape = { number: 31, headSha: '3'.repeat(40), headRef: 'x', baseSha: 'a'.repeat(40) };
    fake.addPull(shape);
    const ghRun = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: 'x' });
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(pullRequestEvent(shape)));
    const events: string[] = [];
    const outputs: Record<string, string> = {};
    let resultsExisted = false;
    const outcome = (o: RunOptions): RunOutcome => ({
      results: { schema: 'perfgate/results@1', tool: { name: 'perfgate', version: '0' }, meta: { timestamp: 't', runner: { os: 'linux', cpus: 1, node: 'v20' } }, scenarios: [] },
      reportMarkdown: `### perfgate: 1 budget violated (${path.basename(o.configFile)})`,
      exitCode: 1,
      verdict: 'fail',
      regressions: 0,
      violations: 1,
      reasons: ['list books: p99 over budget'],
    });
    const code = await run({
      env: { GITHUB_REPOSITORY: FULL_NAME, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path.join(dir, 'event.json'), GITHUB_RUN_ID: String(ghRun.id), RUNNER_TEMP: dir },
      core: {
        getInput: (name) => ({ 'github-token': TOKEN, config: 'perfgate.yml' })[name] ?? '',
        info: () => {},
        warning: (m) => events.push(`warning ${m}`),
        setOutput: (name, value) => {
          outputs[name] = String(value);
          if (!events.includes('outputs')) events.push('outputs');
        },
        setFailed: (m) => events.push(`failed ${m}`),
        writeSummary: async () => {
          resultsExisted = existsSync(path.join(dir, 'perfgate', 'out', 'results.json'));
          events.push('summary');
        },
      },
      octokit: (token) => {
        const o = createOctokit(token, { retryAfterBaseValue: 1 });
        o.hook.after('request', (_r, options) => {
          if (options.method === 'POST' && /comments$/.test(options.url)) events.push('comment');
        });
        return o;
      },
      artifacts: { upload: async () => 1, download: async () => {} },
      runPipeline: async (o) => {
        await writeFile(o.outFile, '{}');
        events.push('pipeline');
        return outcome(o);
      },
      compareFiles: async () => assert.fail('not used in compare mode'),
    });
    assert.equal(code, 1);
    assert.ok(resultsExisted);
    assert.deepEqual(events, ['pipeline', 'summary', 'comment', 'outputs', 'failed perfgate: list books: p99 over budget']);
    assert.deepEqual(outputs, { verdict: 'fail', 'report-path': path.join(dir, 'perfgate/out/report.md'), 'results-path': path.join(dir, 'perfgate/out/results.json'), regressions: '0', violations: '1' });
    assert.match(fake.commentsOn(31)[0].body, /1 budget violated/);
    assert.deepEqual(fake.problems, []);
  });
});
