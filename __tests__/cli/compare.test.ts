import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { compareFiles } from '../../src/pipeline.js';
import { pairedRounds, results as resultsOf, round, scenario } from '../compare/builders.js';
import { runCli, tempDir } from './helpers.js';

/** A results file with `rounds` rounds whose p50/CPU are scaled by `factor` and given query counts. */
function results(name: string, factor: number, queries: number, rounds = 8) {
  const round = (i: number) => {
    const jitter = 1 + ((i % 3) - 1) * 0.01;
    const p50 = Math.round(800 * factor * jitter);
    return {
      rps: Math.round(5000 / (factor * jitter)),
      latencyUs: { p50, p90: Math.round(p50 * 1.5), p99: Math.round(p50 * 3), max: p50 * 10 },
      requests: 10000,
      errors: 0,
      non2xx: 0,
      durationMs: 2000,
      cpuUsPerRequest: 150 * factor * jitter,
      peakRssBytes: 60_000_000,
    };
  };
  const rs = Array.from({ length: rounds }, (_, i) => round(i));
  return {
    schema: 'perfgate/results@1',
    tool: { name: 'perfgate', version: '0.1.0' },
    meta: { timestamp: '2026-11-22T12:00:00.000Z', runner: { os: 'linux', cpus: 2, node: 'v20.20.2' } },
    scenarios: [
      {
        name,
        request: { method: 'GET', path: '/books' },
        load: { rounds: rs, rps: rs[0].rps, latencyUs: rs[0].latencyUs, requests: 10000 * rounds, errors: 0, non2xx: 0, cpuUsPerRequest: rs[0].cpuUsPerRequest, peakRssBytes: 60_000_000 },
        queries: {
          source: 'proxy',
          perRequest: queries,
          stable: true,
          probes: 5,
          perProbe: [queries, queries, queries, queries, queries],
          statements: [{ fingerprint: 'abc', sql: 'SELECT * FROM books LIMIT $1', count: queries }],
          nPlusOne: [],
          duplicates: [],
        },
      },
    ],
  };
}

describe('perfgate compare', () => {
  test('identical runs pass with exit 0', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'base.json'), JSON.stringify(results('list books', 1, 2)));
    writeFileSync(path.join(dir, 'head.json'), JSON.stringify(results('list books', 1, 2)));
    const res = await runCli(['compare', path.join(dir, 'base.json'), path.join(dir, 'head.json')]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /list books/);
  });

  test('more queries per request than the baseline is a regression: exit 1', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'base.json'), JSON.stringify(results('list books', 1, 2)));
    writeFileSync(path.join(dir, 'head.json'), JSON.stringify(results('list books', 1, 12)));
    const report = path.join(dir, 'report.md');
    const res = await runCli(['compare', path.join(dir, 'base.json'), path.join(dir, 'head.json'), '--report', report]);
    assert.equal(res.code, 1, res.stderr + res.stdout);
    assert.match(res.stdout, /12/);
  });

  test('a missing baseline is a message in the report, not a crash', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'head.json'), JSON.stringify(results('list books', 1, 2)));
    const res = await runCli(['compare', path.join(dir, 'missing.json'), path.join(dir, 'head.json')]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /baseline/i);
    assert.match(res.stdout, /missing\.json/);
  });

  test('a file that is not perfgate results is a usage error (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'base.json'), JSON.stringify(results('list books', 1, 2)));
    writeFileSync(path.join(dir, 'head.json'), '{"hello": 1}');
    const res = await runCli(['compare', path.join(dir, 'base.json'), path.join(dir, 'head.json')]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /head\.json/);
  });

  test('a rerun results file with no other baseline is compared with its own base, pair by pair', async () => {
    // Simultaneous rounds: both sides shared the machine (twice the latency of a side alone), head
    // 30% slower than base. Head alone (`solo`) must not be set against base's shared rounds.
    const books = { rps: 4000, p50Us: 800, cpuUs: 150 };
    const shared = pairedRounds(books, { n: 12, seed: 5, slowdown: 0.3 });
    const twice = (rs: typeof shared.base) => rs.map((r) => round(books, (r.latencyUs.p50 / books.p50Us) * 2));
    const head = scenario('books', twice(shared.head));
    head.solo = scenario('books', shared.head.slice(0, 4)).load;
    const run = resultsOf([head], { mode: 'rerun', schedule: 'simultaneous' });
    run.base = { commit: 'b'.repeat(40), scenarios: [scenario('books', twice(shared.base))] };
    const dir = tempDir();
    const file = path.join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(run));
    const outcome = await compareFiles({ headFile: file, baselineProblem: 'No baseline results were found for this run.', progress: () => {} });
    assert.equal(outcome.exitCode, 1, outcome.reportMarkdown);
    assert.doesNotMatch(outcome.reportMarkdown, /No baseline results were found/);
    assert.match(outcome.reportMarkdown, /p50[^\n]*\+3\d\.\d%[^\n]*regressed/);
  });
});
