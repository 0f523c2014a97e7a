// EXPLAIN over perfgate's own connection to a real PostgreSQL: plans with the parameters seen, the
// classic problems flagged, ANALYZE only for SELECT and never able to change data, no credentials in
// errors.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { explainPostgres } from '../../src/queries/explain/postgres.js';
import { flagPgPlan, formatRows, type PgPlanNode } from '../../src/queries/explain/pg-plan.js';
import { redactUrl } from '../../src/queries/explain/request.js';

let db: PostgresServer;
let admin: pg.Client;

beforeAll(async () => {
  db = await startTestPostgres();
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE TABLE users AS SELECT g AS id, 'user' || g || '@example.com' AS email FROM generate_series(1, 100000) g`);
  await admin.query('CREATE TABLE audit (n int)');
  await admin.query(`CREATE FUNCTION write_audit() RETURNS int LANGUAGE sql AS 'INSERT INTO audit VALUES (1) RETURNING n'`);
  await admin.query('ANALYZE users');
});
afterAll(async () => {
  await admin?.end();
  await db?.stop();
});

const LOOKUP = 'SELECT id, email FROM users WHERE email = $1';
const settings = (over: Partial<{ analyze: boolean; seqScanRows: number }> = {}) => ({ url: db.url, analyze: false, seqScanRows: 10_000, ...over });

describe('EXPLAIN on a real server', () => {
  test('without an index, the lookup by email is flagged "sequential scan on users (≈100k rows)"; with one, nothing', async () => {
    const [plan] = await explainPostgres([{ fingerprint: 'f', sql: LOOKUP, params: ['user42@example.com'], reason: 'slower' }], settings());
    assert.equal(plan!.error, undefined);
    assert.deepEqual(plan!.flags, ['sequential scan on users (≈100k rows)']);
    assert.match(plan!.text!, /Seq Scan on users/);
    assert.equal(plan!.analyze, false);

    await admin.query('CREATE INDEX users_email ON users (email)');
    try {
      const [indexed] = await explainPostgres([{ fingerprint: 'f', sql: LOOKUP, params: ['user42@example.com'], reason: 'slower' }], settings());
      assert.deepEqual(indexed!.flags, []);
      assert.match(indexed!.text!, /Index/);
    } finally {
      await admin.query('DROP INDEX users_email');
    }
  });

  test('without the parameters, PostgreSQL 16+ still plans it (GENERIC_PLAN)', async () => {
    const [plan] = await explainPostgres([{ fingerprint: 'f', sql: LOOKUP, reason: 'new' }], settings());
    const version = Number((await admin.query('SHOW server_version_num')).rows[0].server_version_num);
    if (version >= 160000) assert.deepEqual(plan!.flags, ['sequential scan on users (≈100k rows)'], JSON.stringify(plan));
    else assert.match(plan!.error!, /parameters were not visible/);
  });

  test('ANALYZE runs SELECTs only, read-only: a SELECT calling a writing function fails and writes nothing', async () => {
    const [select, del, sneaky] = await explainPostgres(
      [
        { fingerprint: 'a', sql: LOOKUP, params: ['user7@example.com'], reason: 'slower' },
        { fingerprint: 'b', sql: 'DELETE FROM users WHERE id = $1', params: ['7'], reason: 'new' },
        { fingerprint: 'c', sql: 'SELECT write_audit()', reason: 'new' },
      ],
      settings({ analyze: true }),
    );
    assert.equal(select!.analyze, true);
    assert.match(select!.text!, /actual rows=1/);
    assert.equal(del!.analyze, false, 'ANALYZE would have deleted the row');
    assert.match(del!.note!, /ANALYZE refused/);
    assert.match(sneaky!.error!, /read-only transaction/);
    assert.equal((await admin.query('SELECT count(*)::int AS n FROM users WHERE id = 7')).rows[0].n, 1);
    assert.equal((await admin.query('SELECT count(*)::int AS n FROM audit')).rows[0].n, 0);
  });

  test('text holding two statements is refused by the server, not run', async () => {
    const [plan] = await explainPostgres([{ fingerprint: 'x', sql: 'SELECT 1; DROP TABLE audit', reason: 'new' }], settings());
    assert.match(plan!.error!, /multiple commands|syntax/);
    assert.equal((await admin.query(`SELECT to_regclass('audit') IS NOT NULL AS present`)).rows[0].present, true);
  });

  test('a connection failure is reported without the password', async () => {
    const url = db.url.replace(`:${encodeURIComponent(db.password)}@`, ':wrong-secret-pw@');
    const [plan] = await explainPostgres([{ fingerprint: 'f', sql: LOOKUP, params: ['x'], reason: 'new' }], { ...settings(), url });
    assert.match(plan!.error!, /could not connect for EXPLAIN/);
    assert.doesNotMatch(plan!.error!, /wrong-secret-pw/);
  });
});

describe('plan flags (pure)', () => {
  const seq = (table: string): PgPlanNode => ({ 'Node Type': 'Seq Scan', 'Relation Name': table, 'Plan Rows': 1 });
  test('nested loop over a sequential scan, sort spilling to disk, estimates far off', () => {
    const root: PgPlanNode = {
      'Node Type': 'Sort',
      'Sort Space Type': 'Disk',
      'Sort Space Used': 2048,
      'Plan Rows': 10,
      'Actual Rows': 5000,
      Plans: [{ 'Node Type': 'Nested Loop', Plans: [{ ...seq('orders'), 'Parent Relationship': 'Outer' }, { ...seq('items'), 'Parent Relationship': 'Inner' }] }],
    };
    assert.deepEqual(flagPgPlan(root, { tableRows: new Map([['orders', 50], ['items', 20]]), seqScanRows: 10_000 }), [
      'sort spilled to disk (2048 kB)',
      'estimated 10 rows, got 5k (Sort)',
      'nested loop over a sequential scan on items',
    ]);
  });
  test('small tables are not flagged; sizes read like a reviewer says them', () => {
    assert.deepEqual(flagPgPlan(seq('settings'), { tableRows: new Map([['settings', 12]]), seqScanRows: 10_000 }), []);
    assert.equal(formatRows(100_000), '100k');
    assert.equal(formatRows(1_500_000), '1.5M');
    assert.equal(formatRows(999), '999');
  });
  test('redaction removes the URL and the password wherever they appear', () => {
    const url = 'postgres://app:s3cr%21t@127.0.0.1:5432/app';
    assert.equal(redactUrl(`failed ${url}; password s3cr!t rejected`, url), 'failed <explain url>; password *** rejected');
  });
});
