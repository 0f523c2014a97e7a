import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { attributeStatements } from '../../src/queries/attribution.js';
import { analyzeRequest, buildQueryResult, medianIndex } from '../../src/queries/nplusone.js';
import type { ExecutedStatement } from '../../src/queries/types.js';

let clock = 0n;
function st(sql: string, params?: (string | null)[], at?: bigint, connectionId = 1): ExecutedStatement {
  const s: ExecutedStatement = { sql, outcome: 'ok', connectionId, completedAt: at ?? ++clock };
  if (params) s.params = params;
  return s;
}

describe('attribution', () => {
  test('statements go to the window they completed in, from any connection; others are background', () => {
    const windows = [
      { sentAt: 100n, endAt: 200n },
      { sentAt: 300n, endAt: 400n },
    ];
    const warmup = st('select warm', undefined, 50n);
    const a = st('select a', undefined, 150n, 1);
    const b = st('select b', undefined, 200n, 2);
    const bg = st('select background', undefined, 250n, 3);
    const c = st('select c', undefined, 300n, 1);
    const after = st('select after', undefined, 401n);
    const r = attributeStatements([warmup, a, b, bg, c, after], windows);
    assert.deepEqual(r.perWindow, [[a, b], [c]]);
    assert.deepEqual(r.background, [bg]);
  });
});

describe('N+1 and duplicates', () => {
  const perAuthor = (id: number) => st('SELECT * FROM authors WHERE id = $1', [String(id)]);

  test('a SELECT shape repeated ≥ 3 times with different parameters is an N+1 suspect', () => {
    const r = analyzeRequest([st('select * from books limit 10'), perAuthor(1), perAuthor(2), perAuthor(3), perAuthor(2)], 'postgres', 3);
    assert.deepEqual(r.nPlusOne.map((f) => [f.sql, f.count, f.distinctParams]), [['select * from authors where id = $1', 4, 3]]);
    assert.deepEqual(r.duplicates, []);
  });

  test('below the threshold nothing is flagged', () => {
    const r = analyzeRequest([perAuthor(1), perAuthor(2)], 'postgres', 3);
    assert.deepEqual(r.nPlusOne, []);
  });

  test('literal-only statements use their literals as the parameter set', () => {
    const r = analyzeRequest([1, 2, 3].map((i) => st(`select * from authors where id = ${i}`)), 'postgres', 3);
    assert.equal(r.nPlusOne.length, 1);
    assert.equal(r.nPlusOne[0]!.sql, 'select * from authors where id = ?');
  });

  test('inline literals sent with zero bound parameters (extended protocol) still make an N+1', () => {
    const r = analyzeRequest([1, 2, 3].map((i) => st(`select * from comments where post_id = ${i}`, [])), 'postgres', 3);
    assert.deepEqual(r.nPlusOne.map((f) => [f.sql, f.count, f.distinctParams]), [['select * from comments where post_id = ?', 3, 3]]);
    assert.deepEqual(r.duplicates, []);
  });

  test('placeholders whose values were not decoded are not taken for identical repeats', () => {
    const r = analyzeRequest([1, 2, 3].map(() => st('select * from comments where post_id = ?')), 'mysql', 3);
    assert.equal(r.nPlusOne.length, 1);
    assert.deepEqual(r.duplicates, []);
  });

  test('identical repeats are duplicates, not N+1', () => {
    const r = analyzeRequest([perAuthor(5), perAuthor(5), perAuthor(5)], 'postgres', 3);
    assert.deepEqual(r.nPlusOne, []);
    assert.deepEqual(r.duplicates.map((d) => [d.sql, d.count]), [['select * from authors where id = $1', 3]]);
  });

  test('one batched IN query is never flagged', () => {
    const r = analyzeRequest([st('select * from books limit 10'), st('select * from authors where id in (1, 2, 3, 4)')], 'postgres', 3);
    assert.deepEqual(r.nPlusOne, []);
    assert.deepEqual(r.duplicates, []);
  });

  test('transaction control, SET and catalog queries are never flagged but are counted', () => {
    const stmts = [
      ...[1, 2, 3].flatMap((i) => [st('BEGIN'), st(`SET LOCAL app.user = '${i}'`), st(`select typname from pg_type where oid = ${i}`), st('COMMIT')]),
      ...[1, 2, 3].map((i) => st(`update books set n = ${i} where id = ${i}`)),
    ];
    const r = analyzeRequest(stmts, 'postgres', 3);
    assert.deepEqual(r.nPlusOne, []);
    assert.deepEqual(r.duplicates, []);
    assert.equal(r.transactionControl, 6);
  });
});

describe('QueryResult', () => {
  test('perRequest is the median probe, whose statements are reported; unequal probes are unstable', () => {
    const probe = (n: number) => Array.from({ length: n }, (_, i) => st('select * from t where id = $1', [String(i)]));
    const r = buildQueryResult([probe(3), probe(5), probe(3), probe(4), probe(3)], { dialect: 'postgres', background: 2 });
    assert.equal(r.perRequest, 3);
    assert.deepEqual(r.perProbe, [3, 5, 3, 4, 3]);
    assert.equal(r.stable, false);
    assert.equal(r.probes, 5);
    assert.equal(r.source, 'proxy');
    assert.deepEqual(r.statements.map((s) => s.count), [3]);
    assert.equal(r.nPlusOne[0]!.count, 3);
    assert.equal(r.background, 2);
  });

  test('equal probes are stable; an even number of probes reports the lower middle one', () => {
    assert.equal(medianIndex([4, 2]), 1);
    const r = buildQueryResult([[st('select 1')], [st('select 1')]], { dialect: 'postgres' });
    assert.equal(r.stable, true);
    assert.equal(r.perRequest, 1);
  });
});
