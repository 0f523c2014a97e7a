import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { checkBudgets } from '../../src/compare/budgets.js';
import { compareRuns, decide } from '../../src/compare/compare.js';
import { loadWarnings } from '../../src/load/aggregate.js';
import { config, pairedRounds, queries, results, round, scenario, scenarioConfig } from './builders.js';

const books = { rps: 2400, p50Us: 850, cpuUs: 310, rssBytes: 82 * 1024 * 1024 };

describe('checkBudgets', () => {
  const s = scenario('books', [round(books), round(books)], { queries: queries({ perRequest: 3 }) });
  test('pass and fail with actual vs limit', () => {
    const checks = checkBudgets({ p99Us: 2000, p50Us: 1000, minRps: 3000, queries: 3 }, s);
    const by = Object.fromEntries(checks.map((c) => [c.budget, c]));
    assert.equal(by.p50Us.status, 'pass');
    assert.equal(by.p99Us.status, 'fail');
    assert.equal(by.p99Us.actual, Math.round(850 * 3.1));
    assert.equal(by.minRps.status, 'fail');
    assert.equal(by.minRps.kind, 'min');
    assert.equal(by.queries.status, 'pass');
  });
  test('errors count socket errors and non-2xx answers together', () => {
    const bad = scenario('x', [round({ ...books, errors: 1, non2xx: 2 })]);
    assert.equal(checkBudgets({ errors: 2 }, bad)[0].status, 'fail');
    assert.equal(checkBudgets({ errors: 3 }, bad)[0].status, 'pass');
    assert.equal(checkBudgets({ errors: 3 }, bad)[0].actual, 3);
  });
  test('with simultaneous rerun rounds, limits read the head measured alone and errors count every round', () => {
    // Shared rounds: half the throughput, twice the latency of the head alone.
    const shared = scenario('books', [round(books, 2), round({ ...books, errors: 1 }, 2)]);
    shared.solo = scenario('books', [round(books), round({ ...books, non2xx: 1 })]).load;
    const by = Object.fromEntries(checkBudgets({ p99Us: 3000, minRps: 2000, cpuUsPerRequest: 400, errors: 1 }, shared).map((c) => [c.budget, c]));
    assert.equal(by.p99Us.actual, Math.round(850 * 3.1));
    assert.equal(by.p99Us.status, 'pass');
    assert.equal(by.minRps.status, 'pass');
    assert.equal(by.cpuUsPerRequest.actual, 310);
    assert.equal(by.errors.actual, 2, 'one socket error shared, one non-2xx alone');
    assert.equal(by.errors.status, 'fail');
  });
  test('a service that completed no request fails its latency limits instead of reading 0 µs', () => {
    const silent = { ...round(books), rps: 0, requests: 0, latencyUs: { p50: 0, p90: 0, p99: 0, max: 0 } };
    const hung = scenario('books', [silent, silent]);
    const by = Object.fromEntries(checkBudgets({ p99Us: 25_000, maxUs: 1_000_000, minRps: 10 }, hung).map((c) => [c.budget, c]));
    assert.equal(by.p99Us.status, 'fail');
    assert.equal(by.maxUs.status, 'fail');
    assert.equal(by.minRps.status, 'fail');
    const d = decide(compareRuns({ head: results([hung]), config: config([scenarioConfig('books', { budgets: { p99Us: 25_000 } })]), pairing: 'unpaired' }), ['budget']);
    assert.equal(d.verdict, 'fail');
    assert.match(d.reasons.join('\n'), /p99 violated: no response/);
    assert.match(loadWarnings([silent, round(books)]).join('\n'), /no request completed in 1 of 2 rounds/);
  });

  test('a metric that was not recorded is no-data', () => {
    const checks = checkBudgets({ queries: 3, cpuUsPerRequest: 500 }, scenario('y', [round({ rps: 10, p50Us: 100 })]));
    assert.deepEqual(checks.map((c) => c.status), ['no-data', 'no-data']);
    assert.deepEqual(checkBudgets({ p50Us: 1 }, undefined).map((c) => c.status), ['no-data']);
  });
  test('no budgets configured, no checks', () => {
    assert.deepEqual(checkBudgets({}, s), []);
  });
});

describe('compareRuns', () => {
  const cfg = config([scenarioConfig('books'), scenarioConfig('authors')]);

  test('paired A/A with runner noise: every metric unchanged, decision pass', () => {
    const { base, head } = pairedRounds(books, { n: 10, seed: 1, commonCv: 0.1, ownCv: 0.01 });
    const c = compareRuns({ head: results([scenario('books', head)]), base: results([scenario('books', base)]), config: cfg, pairing: 'paired' });
    assert.equal(c.scenarios[0].status, 'compared');
    assert.deepEqual(
      c.scenarios[0].metrics.map((m) => m.verdict),
      ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged'],
    );
    assert.equal(decide(c, ['budget', 'regression']).verdict, 'pass');
  });

  test('a 20% slowdown under 10% common noise is a regression on every timing metric', () => {
    const { base, head } = pairedRounds(books, { n: 10, seed: 2, slowdown: 0.2, commonCv: 0.1 });
    const c = compareRuns({ head: results([scenario('books', head)]), base: results([scenario('books', base)]), config: cfg, pairing: 'paired' });
    const v = Object.fromEntries(c.scenarios[0].metrics.map((m) => [m.metric, m]));
    for (const k of ['rps', 'p50', 'p90', 'p99', 'cpuUsPerRequest']) assert.equal(v[k].verdict, 'regressed', k);
    assert.equal(v.peakRssBytes.verdict, 'unchanged');
    assert.ok(v.rps.change < -0.15 && v.rps.change > -0.19, `rps change ${v.rps.change}`);
    assert.ok(v.p50.change > 0.17 && v.p50.change < 0.23);
    const d = decide(c, ['budget', 'regression']);
    assert.equal(d.exitCode, 1);
    assert.match(d.reasons[0], /^books: rps regressed -1\d\.\d% \(threshold 5%\)$/);
    assert.equal(decide(c, ['budget']).exitCode, 0, 'regressions only fail when failOn says so');
  });

  test('pairing is by scenario name, not position', () => {
    const a = pairedRounds(books, { n: 8, seed: 3, slowdown: 0.3 });
    const b = pairedRounds({ ...books, p50Us: 5000 }, { n: 8, seed: 4 });
    const c = compareRuns({
      head: results([scenario('authors', b.head), scenario('books', a.head)]),
      base: results([scenario('books', a.base), scenario('authors', b.base)]),
      config: cfg,
      pairing: 'paired',
    });
    assert.equal(c.scenarios.find((s) => s.name === 'books')!.metrics[0].verdict, 'regressed');
    assert.equal(c.scenarios.find((s) => s.name === 'authors')!.metrics[0].verdict, 'unchanged');
  });

  test('five rounds cannot give a 99% CI: inconclusive, exit 0', () => {
    const { base, head } = pairedRounds(books, { n: 5, seed: 5, slowdown: 0.5 });
    const c = compareRuns({ head: results([scenario('books', head)]), base: results([scenario('books', base)]), config: cfg, pairing: 'paired' });
    assert.ok(c.scenarios[0].metrics.every((m) => m.verdict === 'inconclusive'));
    const d = decide(c, ['budget', 'regression']);
    assert.deepEqual([d.verdict, d.exitCode], ['inconclusive', 0]);
  });

  test('scenarios added and removed between base and head', () => {
    const { base, head } = pairedRounds(books, { n: 10, seed: 6 });
    const c = compareRuns({
      head: results([scenario('books', head), scenario('search', head)]),
      base: results([scenario('books', base), scenario('authors', base)]),
      config: cfg,
      pairing: 'paired',
    });
    assert.deepEqual(
      c.scenarios.map((s) => [s.name, s.status]),
      [
        ['books', 'compared'],
        ['search', 'added'],
        ['authors', 'removed'],
      ],
    );
    assert.ok(c.scenarios[1].notes.some((n) => /not in the config/.test(n)));
  });

  test('no baseline: only budgets decide', () => {
    const strict = config([scenarioConfig('books', { budgets: { p99Us: 1000 } })]);
    const c = compareRuns({ head: results([scenario('books', [round(books)])]), config: strict, pairing: 'paired' });
    assert.equal(c.hasBaseline, false);
    assert.equal(c.scenarios[0].status, 'no-baseline');
    assert.equal(c.totals.violations, 1);
    const d = decide(c, ['budget', 'regression']);
    assert.deepEqual([d.verdict, d.exitCode], ['fail', 1]);
    assert.match(d.reasons[0], /budget p99 violated: [\d.]+ (ms|µs), limit ≤ 1.00 ms/);
  });

  test('rounds in which the head completed nothing count against it, never as missing data', () => {
    const { base, head } = pairedRounds(books, { n: 20, seed: 17, commonCv: 0.02 });
    const dead = (r: (typeof head)[number]) => ({ ...r, rps: 0, requests: 0, errors: 8, latencyUs: { p50: 0, p90: 0, p99: 0, max: 0 }, cpuUsPerRequest: undefined });
    const judge = (headRounds: typeof head) => {
      const c = compareRuns({ head: results([scenario('books', headRounds)]), base: results([scenario('books', base)]), config: cfg, pairing: 'paired' });
      return { c, rps: c.scenarios[0].metrics.find((m) => m.metric === 'rps') };
    };
    const someDead = judge(head.map((r, k) => (k % 3 === 0 ? dead(r) : r)));
    assert.ok(someDead.rps, 'rps is still judged');
    assert.notEqual(someDead.rps!.verdict, 'unchanged', '7 dead rounds of 20 cannot be called unchanged');
    assert.match(someDead.c.scenarios[0].notes.join('\n'), /head: 7 of 20 rounds completed no request/);
    const allDead = judge(head.map(dead));
    assert.equal(allDead.rps!.verdict, 'regressed');
    assert.ok(allDead.rps!.change < -0.99, `rps change ${allDead.rps!.change}`);
    assert.equal(decide(allDead.c, ['regression']).verdict, 'fail');
  });

  test('a rerun results file carries its own paired base', () => {
    const { base, head } = pairedRounds(books, { n: 10, seed: 7, slowdown: 0.25 });
    const run = results([scenario('books', head)]);
    run.base = { commit: 'b'.repeat(40), scenarios: [scenario('books', base)] };
    const c = compareRuns({ head: run, config: cfg, pairing: 'paired' });
    assert.equal(c.hasBaseline, true);
    assert.equal(c.scenarios[0].metrics[0].verdict, 'regressed');
  });

  test('across runs, a side that kept rounds alone is compared by those, not by its shared rounds', () => {
    const alone = pairedRounds(books, { n: 10, seed: 21, commonCv: 0.02 });
    const shared = scenario('books', alone.head.map((r) => round(books, (r.latencyUs.p50 / books.p50Us) * 2)));
    shared.solo = scenario('books', alone.head).load;
    const c = compareRuns({ head: results([shared]), base: results([scenario('books', alone.base)]), config: cfg, pairing: 'unpaired' });
    const p50 = c.scenarios[0].metrics.find((m) => m.metric === 'p50')!;
    assert.ok(Math.abs(p50.change) < 0.05, `compared alone with alone: ${p50.change}`);
    assert.notEqual(p50.verdict, 'regressed');
  });

  test('unpaired comparisons widen thresholds and say they cross machines', () => {
    // Head on a machine 8% slower, same code: a paired rule would flag it, cross-machine must not.
    const rounds = (factor: number, seed: number) =>
      pairedRounds(books, { n: 10, seed, commonCv: 0.02, ownCv: 0.01 }).base.map((r) => round(books, (r.latencyUs.p50 / books.p50Us) * factor));
    const c = compareRuns({
      head: results([scenario('books', rounds(1.08, 8))]),
      base: results([scenario('books', rounds(1, 9))]),
      config: cfg,
      pairing: 'unpaired',
    });
    assert.equal(c.crossMachine, true);
    const p50 = c.scenarios[0].metrics.find((m) => m.metric === 'p50')!;
    assert.equal(p50.threshold, 0.1);
    assert.equal(p50.shift.method, 'hodges-lehmann');
    assert.notEqual(p50.verdict, 'regressed');
  });

  test('query counts regress exactly, even across machines', () => {
    const { base, head } = pairedRounds(books, { n: 10, seed: 10 });
    const c = compareRuns({
      head: results([scenario('books', head, { queries: queries({ perRequest: 4 }) })]),
      base: results([scenario('books', base, { queries: queries({ perRequest: 3 }) })]),
      config: cfg,
      pairing: 'unpaired',
    });
    assert.equal(c.scenarios[0].queries!.verdict, 'regressed');
    assert.equal(c.totals.regressions, 1);
    assert.match(decide(c, ['regression']).reasons[0], /queries per request 3 → 4/);
  });

  test('a head scenario that failed is an error that fails the run', () => {
    const c = compareRuns({
      head: results([scenario('books', [], { error: 'probe request returned 500' })]),
      base: results([scenario('books', [round(books)])]),
      config: cfg,
      pairing: 'paired',
    });
    assert.equal(c.scenarios[0].status, 'error');
    assert.equal(c.totals.errors, 1);
    assert.equal(decide(c, ['budget', 'regression']).exitCode, 1);
  });
});
