// Database time per request and per statement shape, from the statements attributed to each probe.
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { buildQueryResult } from '../../src/queries/nplusone.js';
import { exampleCallOf, percentileOfSorted, withDbTime } from '../../src/queries/db-time.js';
import type { ExecutedStatement } from '../../src/queries/types.js';

/** A statement that ran for `us` microseconds. */
function st(sql: string, us: number, params?: string[]): ExecutedStatement {
  const s: ExecutedStatement = { sql, outcome: 'ok', connectionId: 1, startedAt: 1_000_000n, completedAt: 1_000_000n + BigInt(us * 1000) };
  if (params) s.params = params;
  return s;
}

test('per request: the sum of its statements, median over probes; per shape: calls, per-request time, p50/p99 per call', () => {
  const perProbe = [
    [st('SELECT * FROM users WHERE email = $1', 100, ['a@x']), st('SELECT 1', 10)],
    [st('SELECT * FROM users WHERE email = $1', 300, ['b@x']), st('SELECT 1', 10)],
    [st('SELECT * FROM users WHERE email = $1', 200, ['c@x']), st('SELECT 1', 30), st('SELECT 1', 10)],
  ];
  const counted = buildQueryResult(perProbe, { dialect: 'postgres' });
  const r = withDbTime(counted, perProbe, [900, 1100, 1000], 'postgres');
  assert.deepEqual(r.perProbeDbTimeUs, [110, 310, 240]);
  assert.equal(r.dbTimeUs, 240);
  assert.equal(r.latencyUs, 1000);
  assert.deepEqual(r.perProbeLatencyUs, [900, 1100, 1000]);
  const byShape = Object.fromEntries(r.statements.map((s) => [s.sql, s.time]));
  const lookup = byShape['select * from users where email = $1']!;
  assert.deepEqual(lookup, { calls: 3, callsPerRequest: 1, perRequestUs: 200, p50Us: 200, p99Us: 300, samplesUs: [100, 300, 200] });
  const one = byShape['select ?']!;
  assert.equal(one.calls, 4);
  assert.equal(one.perRequestUs, 10);
  assert.equal(one.p99Us, 30);
  // Parameters stay in memory for EXPLAIN and never reach the JSON.
  assert.deepEqual(exampleCallOf(r, counted.statements.find((s) => s.sql.includes('email'))!.fingerprint), {
    sql: 'SELECT * FROM users WHERE email = $1',
    params: ['a@x'],
  });
  assert.doesNotMatch(JSON.stringify(r), /a@x/);
});

test('statements whose start the tap did not see add no time', () => {
  const unknown: ExecutedStatement = { sql: 'SELECT 1', outcome: 'ok', connectionId: 1, completedAt: 5n };
  const perProbe = [[unknown]];
  const r = withDbTime(buildQueryResult(perProbe, { dialect: 'postgres' }), perProbe, [50], 'postgres');
  assert.equal(r.dbTimeUs, 0);
  assert.equal(r.statements[0]!.time, undefined);
});

test('nearest-rank percentiles', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentileOfSorted(sorted, 50), 50);
  assert.equal(percentileOfSorted(sorted, 99), 99);
  assert.equal(percentileOfSorted([7], 99), 7);
  assert.equal(percentileOfSorted([], 50), 0);
});
