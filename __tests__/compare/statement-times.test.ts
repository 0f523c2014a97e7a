// Database time against a baseline: per statement shape (new, gone, more calls, slower only with an
// interval behind it, else "≈"), per request as a metric, and the report's headline blame.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { blameRegression, compareDbTimePerRequest, compareStatementTimes, DB_TIME_FLOOR_US } from '../../src/compare/statement-times.js';
import { compareRuns, decide } from '../../src/compare/compare.js';
import { renderReport } from '../../src/report/markdown.js';
import type { QueryResult, StatementCount } from '../../src/results/types.js';
import { config, gaussian, mulberry32, pairedRounds, queries, results, scenario, scenarioConfig } from './builders.js';

/** `n` per-call times around `us` with a few percent of noise. */
function samples(us: number, n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => Math.round(us * Math.exp(0.05 * gaussian(rand))));
}

function shape(sql: string, fingerprint: string, us: number, seed: number, count = 1): StatementCount {
  const s = samples(us, 11 * count, seed);
  const sorted = [...s].sort((a, b) => a - b);
  return {
    fingerprint,
    sql,
    count,
    time: { calls: s.length, callsPerRequest: count, perRequestUs: us * count, p50Us: sorted[s.length >> 1]!, p99Us: sorted.at(-1)!, samplesUs: s },
  };
}

function timed(statements: StatementCount[], latencyUs: number, seed: number): QueryResult {
  const db = statements.reduce((a, s) => a + s.time!.perRequestUs, 0);
  return queries({
    perRequest: statements.reduce((a, s) => a + s.count, 0),
    statements,
    dbTimeUs: db,
    perProbeDbTimeUs: samples(db, 11, seed),
    latencyUs,
    perProbeLatencyUs: samples(latencyUs, 11, seed + 1),
  });
}

const LOOKUP = 'select * from users where email = $1';

describe('per statement shape', () => {
  test('a 50 µs → 6 ms lookup is slower with an interval above 0; an unchanged shape reads ≈', () => {
    const base = timed([shape(LOOKUP, 'fp-lookup', 50, 1), shape('select count(*) from orders', 'fp-count', 400, 2)], 900, 3);
    const head = timed([shape(LOOKUP, 'fp-lookup', 6000, 4), shape('select count(*) from orders', 'fp-count', 400, 5)], 6900, 6);
    const cmp = compareStatementTimes(head, base, 0.2);
    const lookup = cmp.statements.find((s) => s.fingerprint === 'fp-lookup')!;
    assert.equal(lookup.verdict, 'slower');
    assert.ok(lookup.changeCi!.lo > 0);
    assert.equal(cmp.statements[0], lookup, 'the shape that added the most time comes first');
    assert.equal(cmp.statements.find((s) => s.fingerprint === 'fp-count')!.verdict, '≈');
  });

  test('new, gone and called more often', () => {
    const base = timed([shape('select a', 'a', 300, 1), shape('select b', 'b', 300, 2)], 1000, 3);
    const head = timed([shape('select a', 'a', 300, 4, 3), shape('select c', 'c', 300, 5)], 1000, 6);
    const by = Object.fromEntries(compareStatementTimes(head, base, 0.2).statements.map((s) => [s.fingerprint, s]));
    assert.equal(by.a!.moreCalls, true);
    assert.equal(by.a!.verdict, '≈', 'more calls is not a slower call');
    assert.equal(by.b!.verdict, 'gone');
    assert.equal(by.c!.verdict, 'new');
  });

  test('a large ratio on a tiny statement is not "slower": below the per-request floor', () => {
    const base = timed([shape('select 1', 'one', 20, 1)], 500, 2);
    const head = timed([shape('select 1', 'one', 60, 3)], 500, 4);
    const st = compareStatementTimes(head, base, 0.2).statements[0]!;
    assert.ok(60 - 20 < DB_TIME_FLOOR_US);
    assert.equal(st.verdict, '≈');
    assert.match(st.note!, /floor/);
  });

  test('too few samples for an interval: ≈, never slower', () => {
    const few = (us: number): StatementCount => ({ fingerprint: 'f', sql: 'select f', count: 1, time: { calls: 2, callsPerRequest: 1, perRequestUs: us, p50Us: us, p99Us: us, samplesUs: [us, us] } });
    const st = compareStatementTimes(queries({ perRequest: 1, statements: [few(9000)] }), queries({ perRequest: 1, statements: [few(100)] }), 0.2).statements[0]!;
    assert.equal(st.verdict, '≈');
    assert.match(st.note!, /too few/);
  });
});

describe('per request and blame', () => {
  test('DB time per request regresses like a metric; the extra latency is blamed on the statement that added it', () => {
    const base = timed([shape(LOOKUP, 'fp-lookup', 50, 1)], 900, 3);
    const head = timed([shape(LOOKUP, 'fp-lookup', 6000, 4)], 6900, 6);
    assert.equal(compareDbTimePerRequest(head, base, 0.2)!.verdict, 'regressed');
    const blame = blameRegression(head, base, compareStatementTimes(head, base, 0.2))!;
    assert.equal(blame.mostlyDatabase, true);
    assert.equal(blame.top!.sql, LOOKUP);
  });

  test('extra time in the service (CPU) with unchanged statements is not blamed on the database', () => {
    const base = timed([shape(LOOKUP, 'fp-lookup', 300, 1)], 900, 3);
    const head = timed([shape(LOOKUP, 'fp-lookup', 300, 4)], 3900, 6);
    assert.notEqual(compareDbTimePerRequest(head, base, 0.2)!.verdict, 'regressed');
    const blame = blameRegression(head, base, compareStatementTimes(head, base, 0.2))!;
    assert.equal(blame.mostlyDatabase, false);
    assert.equal(blame.top, undefined);
  });

  test('the report: headline blame, slower statements with base → head time and endpoints, ≈ elsewhere, how to turn plans on', () => {
    const slow = pairedRounds({ rps: 1000, p50Us: 900 }, { n: 12, seed: 1, slowdown: 5 });
    const cpu = pairedRounds({ rps: 1000, p50Us: 900 }, { n: 12, seed: 2, slowdown: 2 });
    const head = results([
      scenario('user by email', slow.head, { queries: timed([shape(LOOKUP, 'fp-lookup', 6000, 4)], 6900, 6) }),
      scenario('cpu burn', cpu.head, { queries: timed([shape('select * from settings', 'fp-s', 300, 7)], 2700, 8) }),
    ]);
    head.base = {
      scenarios: [
        scenario('user by email', slow.base, { queries: timed([shape(LOOKUP, 'fp-lookup', 50, 1)], 900, 3) }),
        scenario('cpu burn', cpu.base, { queries: timed([shape('select * from settings', 'fp-s', 300, 9)], 900, 10) }),
      ],
    };
    const cfg = config([scenarioConfig('user by email'), scenarioConfig('cpu burn')]);
    const comparison = compareRuns({ head, config: cfg, pairing: 'paired' });
    const md = renderReport(comparison, { head, decision: decide(comparison, cfg.failOn), reproduceCommand: 'perfgate run', mode: 'paired' });
    assert.match(md, /\*\*user by email\*\*: \+[\d.]+ ms per request, of which \+[\d.]+ ms in “select \\\* from users where email = \\\$1”/);
    assert.match(md, /\*\*cpu burn\*\*: not the database/);
    assert.match(md, /\*\*Slower statements\*\*/);
    assert.match(md, /\| select \\\* from users where email = \\\$1 +\| +5\d µs → [\d.]+ ms +\| \+\d+/);
    assert.match(md, /select \\\* from settings +\| cpu burn +\|[^\n]*≈/);
    assert.match(md, /database\.explain\.url/);
    assert.match(md, /DB time\/req/);
  });
});

test('budgets.dbTime limits database time per request (median over the probes)', async () => {
  const { checkBudgets } = await import('../../src/compare/budgets.js');
  const rounds = pairedRounds({ rps: 1000, p50Us: 900 }, { n: 3, seed: 1 }).head;
  const s = scenario('user by email', rounds, { queries: timed([shape(LOOKUP, 'fp-lookup', 6000, 4)], 6900, 6) });
  const [fail] = checkBudgets({ dbTimeUs: 2000 }, s);
  assert.equal(fail!.status, 'fail');
  assert.equal(fail!.actual, s.queries!.dbTimeUs);
  assert.equal(checkBudgets({ dbTimeUs: 10_000 }, s)[0]!.status, 'pass');
  assert.equal(checkBudgets({ dbTimeUs: 10_000 }, scenario('no queries', rounds))[0]!.status, 'no-data');
});

describe('results files', () => {
  test('database time reads back; an older file without it still reads; forged samples are refused', async () => {
    const { parseResults } = await import('../../src/results/io.js');
    const rounds = pairedRounds({ rps: 1000, p50Us: 900 }, { n: 3, seed: 1 }).head;
    const withTime = results([scenario('user by email', rounds, { queries: timed([shape(LOOKUP, 'fp-lookup', 6000, 4)], 6900, 6) })]);
    const back = parseResults(JSON.stringify(withTime), 'head.json');
    assert.deepEqual(back.scenarios[0]!.queries!.statements[0]!.time, withTime.scenarios[0]!.queries!.statements[0]!.time);
    const old = results([scenario('user by email', rounds, { queries: queries({ perRequest: 1, statements: [{ fingerprint: 'f', sql: 'select 1', count: 1 }] }) })]);
    assert.equal(parseResults(JSON.stringify(old), 'old.json').scenarios[0]!.queries!.dbTimeUs, undefined);
    const forged = JSON.parse(JSON.stringify(withTime));
    forged.scenarios[0].queries.statements[0].time.samplesUs = 'many';
    assert.throws(() => parseResults(JSON.stringify(forged), 'forged.json'), /samplesUs/);
  });
});

test('an interval too wide for a verdict, on a statement so fast that its upper end is under the floor, reads unchanged', () => {
  // 11 calls of ~30 µs each side, noisy: the ratio interval is wide, but +X% of 30 µs stays far below 100 µs.
  const noisy = (seed: number): StatementCount => {
    const rand = mulberry32(seed);
    const s = Array.from({ length: 11 }, () => Math.round(30 * Math.exp(0.6 * gaussian(rand))));
    return { fingerprint: 'f', sql: 'select f', count: 1, time: { calls: 11, callsPerRequest: 1, perRequestUs: 30, p50Us: 30, p99Us: Math.max(...s), samplesUs: s } };
  };
  const st = compareStatementTimes(queries({ perRequest: 1, statements: [noisy(1)] }), queries({ perRequest: 1, statements: [noisy(2)] }), 0.2).statements[0]!;
  assert.equal(st.verdict, '≈');
  assert.match(st.note!, /at most \+\d+ µs per request: below the 100 µs floor/);
});
