// The done-when of database time per statement, end to end through the built CLI in rerun mode: a
// git repository whose service looks a user up by email in a 100k-row table (base has an index on
// email, head's migration drops it) and burns CPU on another endpoint (head burns more, no SQL
// change). perfgate must report the lookup as the slower statement with base → head time and a plan
// flagged "sequential scan on users (≈100k rows)", read "≈" for the other endpoint's statement, and
// not blame the CPU endpoint's slowdown on the database.
import { afterAll, beforeAll, test } from '@jest/globals';
import path from 'node:path';
import pg from 'pg';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { postgresUrl } from '../../src/demo/embedded-postgres.js';
import { repoRoot, runCli } from './helpers.js';
import { assertDbTimeReport, dbTimeService, makeDbTimeRepo } from './db-time-fixture.js';

let db: PostgresServer;

/** One database per side, so head's migration cannot change the base's table. */
const SIDES = ['base', 'head'] as const;
const dbName = (side: string) => `${db.database}_${side}`;

beforeAll(async () => {
  db = await startTestPostgres();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    for (const side of SIDES) {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(dbName(side))}`);
      const c = new pg.Client({ connectionString: postgresUrl({ ...db, database: dbName(side) }) });
      await c.connect();
      await c.query(`CREATE TABLE users AS SELECT g AS id, 'user' || g || '@example.com' AS email FROM generate_series(1, 100000) g`);
      await c.query('ALTER TABLE users ADD PRIMARY KEY (id)');
      await c.query('CREATE INDEX users_email ON users (email)');
      await c.query('ANALYZE users');
      await c.end();
    }
  } finally {
    await admin.end();
  }
});
afterAll(async () => {
  if (!db) return;
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  for (const side of SIDES) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(dbName(side))} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await db.stop();
});

/** The service on node-postgres (extended protocol: the tap sees the parameters). */
const PRELUDE = (pgPath: string) => `
import pg from ${JSON.stringify(pgPath)};
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query(readFileSync('migrate.sql', 'utf8'));
async function firstRow(sql, params) { return (await pool.query(sql, params)).rows[0]; }
`;

test('rerun mode names the slower statement, shows its plan flagged, reads ≈ elsewhere and does not blame CPU on the database', async () => {
  const dir = makeDbTimeRepo({
    server: dbTimeService(PRELUDE(path.join(repoRoot, 'node_modules/pg/lib/index.js')), (n) => `$${n}`),
    protocol: 'postgres',
    upstreamPort: db.port,
    databaseUrl: `postgres://${db.user}:\${DB_PASSWORD}@\${PERFGATE_DB_HOST}:\${PERFGATE_DB_PORT}/${db.database}_\${PERFGATE_SIDE}`,
    migrations: { base: 'CREATE INDEX IF NOT EXISTS users_email ON users (email);\n', head: 'DROP INDEX IF EXISTS users_email;\n' },
  });
  const out = path.join(dir, 'out', 'results.json');
  const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], {
    cwd: dir,
    env: { GITHUB_SHA: '', DB_PASSWORD: db.password, PERFGATE_EXPLAIN_URL: postgresUrl({ ...db, database: dbName('head') }) },
    timeoutMs: 240_000,
  });
  assertDbTimeReport(res, out, {
    lookupSql: 'select id, email from users where email = $1',
    otherSql: 'select id, email from users where id = $1',
    flag: 'sequential scan on users (≈100k rows)',
    secret: db.password,
  });
});
