// Database time on the MySQL wire against MariaDB's own view, and EXPLAIN FORMAT=JSON on a real
// MariaDB (Debian mariadb-server).
//
// The server's view: performance_schema.events_statements_history_long, TIMER_WAIT of each
// statement (picoseconds, measured inside the server from command start to end), in EVENT_ID order.
// Checked call by call with the same tolerance, for the same reasons, as the PostgreSQL check
// (__tests__/queries/db-time-server.test.ts, __tests__/queries/db-time-tolerance.ts).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startTestMariadb, type MariadbServer } from './helpers/mariadb.js';
import { startQueryProxy } from '../../src/queries/proxy.js';
import { statementDurationUs, type ExecutedStatement } from '../../src/queries/types.js';
import { assertWithinTolerance } from '../queries/db-time-tolerance.js';
import { explainMysql } from '../../src/queries/explain/mysql.js';

let server: MariadbServer;
const direct = () => ({ host: server.host, port: server.port, user: server.native.user, password: server.native.password, database: server.database });
const url = () => `mysql://${server.native.user}:${encodeURIComponent(server.native.password)}@${server.host}:${server.port}/${server.database}`;

beforeAll(async () => {
  server = await startTestMariadb();
  const c = await mysql.createConnection(direct());
  await c.query('CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, team INT NOT NULL)');
  await c.query(`INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com'), seq % 50 FROM seq_1_to_100000`);
  await c.query('ANALYZE TABLE users');
  await c.end();
});
afterAll(async () => {
  await server?.stop();
});

const SHAPES = ['SELECT SLEEP(0.005)', "SELECT COUNT(*) FROM users WHERE email LIKE '%99%'", 'SELECT SLEEP(0.02)'];
const CALLS = 15;

test('statement times on the wire match performance_schema within the stated tolerance', async () => {
  const seen: ExecutedStatement[] = [];
  const proxy = await startQueryProxy({ protocol: 'mysql', upstream: { host: server.host, port: server.port }, onStatement: (s) => seen.push(s), keepStatements: false });
  try {
    const c = await mysql.createConnection({ ...direct(), host: proxy.host, port: proxy.port });
    for (let i = 0; i < CALLS; i++) for (const sql of SHAPES) await c.query(sql);
    await c.end();
  } finally {
    await proxy.close();
  }
  const c = await mysql.createConnection(direct());
  try {
    for (const sql of SHAPES) {
      const [rows] = await c.query('SELECT TIMER_WAIT FROM performance_schema.events_statements_history_long WHERE SQL_TEXT = ? ORDER BY EVENT_ID', [sql]);
      const server = (rows as { TIMER_WAIT: number | string }[]).map((r) => Number(r.TIMER_WAIT) / 1e9); // ps → ms
      assert.equal(server.length, CALLS, `performance_schema saw every call of ${sql}`);
      const wire = seen.filter((s) => s.sql === sql).map((s) => statementDurationUs(s)! / 1000);
      assertWithinTolerance(sql, wire, server);
    }
  } finally {
    await c.end();
  }
});

describe('EXPLAIN FORMAT=JSON on MariaDB', () => {
  const settings = () => ({ url: url(), analyze: false, seqScanRows: 10_000 });
  const LOOKUP = 'SELECT id, email FROM users WHERE email = ?';

  test('a lookup by an unindexed column is a full table scan on users (≈100k rows); with an index, nothing', async () => {
    const [plan] = await explainMysql([{ fingerprint: 'f', sql: LOOKUP, params: ['user42@example.com'], reason: 'slower' }], settings());
    assert.equal(plan!.error, undefined);
    // InnoDB's row count for EXPLAIN is an estimate from sampled pages (97.7k has been read in CI).
    assert.equal(plan!.flags.length, 1, plan!.flags.join('; '));
    assert.match(plan!.flags[0]!, /^full table scan on users \(≈(9[5-9](\.\d)?|10[0-5](\.\d)?)k rows, access_type ALL\)$/);
    const c = await mysql.createConnection(direct());
    await c.query('CREATE INDEX users_email ON users (email)');
    try {
      const [indexed] = await explainMysql([{ fingerprint: 'f', sql: LOOKUP, params: ['user42@example.com'], reason: 'slower' }], settings());
      assert.deepEqual(indexed!.flags, []);
    } finally {
      await c.query('DROP INDEX users_email ON users');
      await c.end();
    }
  });

  test('grouping and sorting on unindexed columns: Using temporary, Using filesort', async () => {
    const [plan] = await explainMysql([{ fingerprint: 'g', sql: 'SELECT team, COUNT(*) AS n FROM users GROUP BY team ORDER BY n DESC', reason: 'new' }], settings());
    assert.ok(plan!.flags.includes('Using filesort'), JSON.stringify(plan));
    assert.ok(plan!.flags.includes('Using temporary'), JSON.stringify(plan));
  });

  test('two statements in one text are refused, nothing is run; errors carry no password', async () => {
    const [plan] = await explainMysql([{ fingerprint: 'x', sql: 'SELECT 1; DROP TABLE users', reason: 'new' }], settings());
    assert.ok(plan!.error);
    const c = await mysql.createConnection(direct());
    const [rows] = await c.query('SELECT COUNT(*) AS n FROM users');
    await c.end();
    assert.equal(Number((rows as { n: number }[])[0]!.n), 100_000);
    const [bad] = await explainMysql([{ fingerprint: 'f', sql: LOOKUP, params: ['x'], reason: 'new' }], { ...settings(), url: url().replace(encodeURIComponent(server.native.password), 'wrong-secret-pw') });
    assert.match(bad!.error!, /could not connect for EXPLAIN/);
    assert.doesNotMatch(bad!.error!, /wrong-secret-pw/);
  });
});
