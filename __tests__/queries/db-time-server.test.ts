// Per-statement time on the wire against PostgreSQL's own view of the same statements: the server
// logs each statement's duration (log_min_duration_statement = 0: parse, plan and execute of a
// simple Query, measured inside the backend). Calls are matched in order, per statement text.
//
// Neither clock brackets the other exactly. The proxy sees the Query before the backend reads it
// (half a loopback round trip) and the reply after it is written (the other half, plus the wake-up
// of the proxy's event loop); but the backend may stop its clock after the reply is out —
// PostgreSQL logs the duration after CommandComplete, once the transaction is finished; MariaDB
// closes the statement event after the final EOF. So per call, wire − server = loopback and
// wake-ups − server work after the reply. Over 15 calls of each of three shapes (5-100 ms):
//   min (wire − server) ≤ 1.5 ms: wake-up delays are sporadic on a shared 2-core runner (measured:
//     median excess +0.4 to +0.9 ms when quiet, up to +3 ms during a parallel build, single calls
//     +10 ms), but a systematic error — a neighbour statement's time, or the client's think time,
//     charged to each call — adds to every call, the least delayed too;
//   median (wire − server) ≥ −(0.5 ms + 2% of the server's time): the work after the reply is small
//     (measured −0.5 ms median on a 107 ms MariaDB statement), while a start or end taken at the
//     wrong message would miss by most of the statement.
import { afterAll, beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startEmbeddedPostgres, type PostgresServer } from '../../src/demo/embedded-postgres.js';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import { statementDurationUs, type ExecutedStatement } from '../../src/queries/types.js';
import { assertWithinTolerance } from './db-time-tolerance.js';

let db: PostgresServer;
const serverLog: string[] = [];

beforeAll(async () => {
  db = await startEmbeddedPostgres({ log: (line) => serverLog.push(line) });
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query('CREATE TABLE numbers AS SELECT g AS v FROM generate_series(1, 300000) g');
  await c.query(`ALTER DATABASE ${c.escapeIdentifier(db.database)} SET log_min_duration_statement = 0`);
  await c.end();
});
afterAll(async () => {
  await db?.stop();
});

const SHAPES = ['SELECT pg_sleep(0.005)', 'SELECT count(*) FROM numbers WHERE v % 7 = 3', 'SELECT pg_sleep(0.02)'];
const CALLS = 15;

/** The server's logged durations (ms) of statements whose text is exactly `sql`. */
function loggedMs(sql: string): number[] {
  const out: number[] = [];
  for (const line of serverLog) {
    const m = /duration: ([\d.]+) ms {2}statement: (.*)$/.exec(line);
    if (m && m[2] === sql) out.push(Number(m[1]));
  }
  return out;
}

test('statement times on the wire match the server’s logged durations within the stated tolerance', async () => {
  const seen: ExecutedStatement[] = [];
  const proxy: QueryProxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port }, onStatement: (s) => seen.push(s), keepStatements: false });
  try {
    const c = new pg.Client({ host: proxy.host, port: proxy.port, user: db.user, password: db.password, database: db.database });
    await c.connect();
    for (let i = 0; i < CALLS; i++) for (const sql of SHAPES) await c.query(sql); // simple protocol: one log line per statement
    await c.end();
  } finally {
    await proxy.close();
  }
  // The server may flush its log a moment after answering.
  for (let i = 0; i < 50 && SHAPES.some((s) => loggedMs(s).length < CALLS); i++) await new Promise((r) => setTimeout(r, 100));
  for (const sql of SHAPES) {
    const server = loggedMs(sql);
    assert.equal(server.length, CALLS, `server logged every call of ${sql}`);
    const wire = seen.filter((s) => s.sql === sql).map((s) => statementDurationUs(s)! / 1000);
    assertWithinTolerance(sql, wire, server);
  }
});
